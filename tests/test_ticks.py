"""The two-way agenda: every item of a note is a task line with a stable id; ticking it (or typing
inline fields on it) in the agenda note is applied to the note by the next `agenda`, byte-exact,
once; what can't be applied is carried over under Problems, still ticked, until it can be."""

from __future__ import annotations

import json
import os
import re
import stat
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli import main
from jobjournal.cli.main import cli
from jobjournal.core.model import Kind, item_id
from jobjournal.core.ticks import marked_line, read_marked_lines
from tests import test_git_clean as git_clean
from tests.conftest import TODAY, VaultDir
from tests.test_git_clean import clones  # noqa: F401 - the fixture: two clones of an origin

NOW = datetime(2026, 11, 26, 10, 15, 33)
AGENDA = "Agenda.md"


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock the agenda command reads for the time of day of a returned call."""
    monkeypatch.setattr(main, "clock", lambda: NOW)


def run(runner: CliRunner, vault: VaultDir, *args: str, today: date = TODAY) -> str:
    result = runner.invoke(cli, ["--vault", str(vault.root), *args, "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def items(runner: CliRunner, vault: VaultDir) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(run(runner, vault, "agenda", "--json"))["items"]
    return found


def the_id(runner: CliRunner, vault: VaultDir, kind: str, note: str | None = None, *,
           first: bool = False) -> str:
    """The id of the one item of `kind` (of `note`): the first of several when `first`."""
    found = [i for i in items(runner, vault)
             if i["kind"] == kind and (note is None or i["note"] == note)]
    assert len(found) == 1 or (first and found), found
    assert isinstance(found[0]["id"], str)
    return found[0]["id"]


def mark(vault: VaultDir, wanted: str, box: str = "x", *, before: str = "", after: str = "") -> str:
    """Mark the agenda's line of item `wanted`, as a user does in Obsidian; the line as left."""
    path = vault.root / AGENDA
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.endswith(f"^{wanted}"):
            assert line.startswith("- [ ] "), line
            head = line[len("- [ ] ") : -len(f"^{wanted}")]
            lines[n] = f"- [{box}] {head}{before}^{wanted}{after}"
            path.write_bytes("\n".join(lines).encode("utf-8"))
            return lines[n]
    raise AssertionError(f"no line for {wanted} in the agenda")


def agenda_lines(vault: VaultDir, wanted: str) -> list[str]:
    return [line for line in vault.read(AGENDA).split("\n") if f"^{wanted}" in line]


# --- ids ----------------------------------------------------------------------------------------


ACME = """\
---
type: interview
company: Acme
role: Backend Engineer
date: 2026-11-10
decision_date: 2026-11-18
recruiter: "[[Jane]]"
hiring_manager: Sam
---
# Acme

## Log
- 2026-11-10 Interview with Sam
"""


def test_every_item_of_a_note_is_a_task_line_with_its_id_and_json_gives_it(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    found = items(runner, vault)
    follow_up = next(i for i in found if i["kind"] == "decision-follow-up")
    assert follow_up["id"] == item_id("Interviews/Acme.md", Kind.DECISION_FOLLOW_UP, "2026-11-18")
    assert re.fullmatch(r"jj-[0-9a-f]{10}", str(follow_up["id"]))
    [line] = agenda_lines(vault, str(follow_up["id"]))
    assert line.startswith("- [ ] [[Interviews/Acme|Acme]] (Jane): Call Jane about the decision")
    # items without a note stay plain bullets, with no id
    searching = next(i for i in found if i["kind"] == "keep-searching")
    assert searching["id"] is None
    assert "- While you wait, keep networking" in vault.read(AGENDA)


def test_an_id_stays_while_the_item_stands_and_changes_with_its_source(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    first = the_id(runner, vault, "decision-follow-up")
    later = json.loads(run(runner, vault, "agenda", "--json", today=date(2026, 12, 2)))["items"]
    assert [i["id"] for i in later if i["kind"] == "decision-follow-up"] == [first]
    vault.write("Interviews/Acme.md", ACME.replace("2026-11-18", "2026-11-19"))
    assert the_id(runner, vault, "decision-follow-up") != first


def test_two_tasks_alike_in_one_note_get_a_second_id_the_later_one(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Applications/Hooli.md", """\
        ---
        type: application
        applied: 2026-11-25
        ---
        - [ ] Call back 📅 2026-11-27
        - [ ] Call back 📅 2026-11-27
        """)
    tasks = [i for i in items(runner, vault) if i["kind"] == "task"]
    base = item_id("Applications/Hooli.md", Kind.TASK, "2026-11-27 Call back")
    assert sorted(str(t["id"]) for t in tasks) == [base, base + "-2"]


def test_the_parser_takes_the_last_id_and_inline_fields_on_either_side() -> None:
    line = marked_line("- [x] [[A]]: do \\[x:: 1\\] \\^jj-0000000000 [follow_up:: 2026-12-10] "
                       "^jj-0123456789 [candidates:: 4] ✅ 2026-11-25")
    assert line is not None
    assert (line.id, line.mark, line.ticked, line.done) == (
        "jj-0123456789", "x", True, date(2026, 11, 25))
    assert line.fields == (("follow_up", "2026-12-10"), ("candidates", "4"))
    link = marked_line("- [ ] note [recruiter:: [[Dana Recruiter]]] ^jj-0123456789")
    assert link is not None and link.fields == (("recruiter", "[[Dana Recruiter]]"),)
    assert marked_line("- plain bullet ^jj-0123456789") is None
    assert marked_line("- [x] ticked, no id") is None
    assert [m.id for m in read_marked_lines("- [X] a ^jj-aaaaaaaaaa\r\n- [-] b ^jj-bbbbbbbbbb\n")] \
        == ["jj-aaaaaaaaaa", "jj-bbbbbbbbbb"]


# --- each kind ticked: the note's bytes ---------------------------------------------------------


def _case(path: str, text: str, kind: str, changes: list[tuple[str, str]]) -> tuple[
        str, str, str, list[tuple[str, str]]]:
    return path, text, kind, changes


KINDS = [
    _case("Contacts/Dana.md", "---\ntype: contact\nmissed_call: 2026-11-26T09:40\n---\n# Dana\n\n"
          "## Log\n- 2026-11-20 Met at the fair\n\n## Notes\nMore.\n", "call-back",
          [("- 2026-11-20 Met at the fair\n",
            "- 2026-11-20 Met at the fair\n- 2026-11-26T10:15 Returned Dana's call\n")]),
    _case("Meetings/Coffee.md", "---\ntype: meeting\ndate: 2026-11-25\nwith: [\"[[Lee]]\"]\n"
          "thank_you:  # when sent\n---\n", "thank-you",
          [("thank_you:  # when sent", "thank_you: 2026-11-26  # when sent")]),
    _case("Referrals/Omar.md", "---\ntype: referral\ndate: 2026-11-24\nfrom: \"[[Omar]]\"\n---\n",
          "thank-referrer", [("---\n", "thanked: 2026-11-26\n---\n")]),
    _case("Interviews/Acme.md", ACME, "decision-follow-up",
          [("- 2026-11-10 Interview with Sam\n", "- 2026-11-10 Interview with Sam\n"
            "- 2026-11-26T10:15 Followed up with Jane on the decision\n")]),
    _case("Applications/Hooli.md", "---\ntype: application\napplied: 2026-11-10\n"
          "contact: \"[[Ravi]]\"\n---\nNotes.\n", "application-follow-up",
          [("Notes.\n", "Notes.\n\n## Log\n- 2026-11-26T10:15 Followed up with Ravi on the "
            "application\n")]),
    _case("Contacts/Kim.md", "---\ntype: contact\nfollow_up: 2026-11-25\n---\n## Log\n"
          "* 2026-11-01 Coffee\n", "follow-up",
          [("* 2026-11-01 Coffee\n", "* 2026-11-01 Coffee\n* 2026-11-26T10:15 Followed up, as "
            "planned\n")]),
    _case("Contacts/Lee.md", "---\ntype: contact\nstay_in_touch: 30\n---\n", "stay-in-touch",
          [("---\n", "---\n\n## Log\n- 2026-11-26T10:15 Got in touch\n")]),
    _case("Interviews/Initech.md", "---\ntype: interview\ndate: 2026-11-30\n"
          "recruiter: \"[[Pat]]\"\n---\n## Log\n", "gather-info",
          [("## Log\n", "## Log\n- 2026-11-26T10:15 Asked Pat about what the interview's note "
            "is missing\n")]),
    _case("Interviews/Umbrella.md", "---\ntype: interview\ncompany: Umbrella\ndate: 2026-11-20\n"
          "recruiter: \"[[Alex]]\"\n---\n## Log\n", "ask-decision-date",
          [("## Log\n", "## Log\n- 2026-11-26T10:15 Asked Alex when the decision will be made\n")]),
    _case("Interviews/Globex.md", "---\ntype: interview\ncompany: Globex\ndate: 2026-11-05\n"
          "decision_date: 2026-11-10\nrecruiter: \"[[Sam]]\"\n---\n## Log\n"
          "- 2026-11-16 Called Sam: no news\n", "ask-new-date",
          [("no news\n", "no news\n- 2026-11-26T10:15 Asked Sam for a new decision date\n")]),
    _case("Interviews/Stark.md", "---\ntype: interview\ndate: 2026-11-10\nstatus: offer\n"
          "respond_by: 2026-11-30\n---\n", "offer-deadline",
          [("---\n", "---\n\n## Log\n- 2026-11-26T10:15 Answered the offer\n")]),
    _case("Applications/Vandelay.md", "---\ntype: application\napplied: 2026-09-01\n---\n"
          "## Log\n- 2026-09-15 Followed up by email\n", "move-on",
          [("applied: 2026-09-01\n", "applied: 2026-09-01\nstatus: ghosted\n"),
           ("by email\n", "by email\n- 2026-11-26T10:15 status: ghosted\n")]),
    _case("Interviews/Wayne.md", "---\ntype: interview\ndate: 2026-11-26T14:00\n"
          "status: scheduled\ncompany: Wayne\nrole: SRE\nhiring_manager: Bruce\n---\n",
          "appointment",
          [("status: scheduled", "status: completed"),
           ("---\n", "---\n\n## Log\n- 2026-11-26T10:15 Interview held\n"
            "- 2026-11-26T10:15 status: scheduled → completed\n")]),
    _case("Applications/Task.md", "---\ntype: application\napplied: 2026-11-25\n---\n"
          "- [ ] Send the portfolio 📅 2026-11-26 ^mine\n- [ ] Other 📅 2026-11-27\n", "task",
          [("- [ ] Send the portfolio 📅 2026-11-26 ^mine",
            "- [x] Send the portfolio 📅 2026-11-26 ✅ 2026-11-26 ^mine")]),
]


def _changed(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        at = text.rindex(old) if old == "---\n" else text.index(old)
        text = text[:at] + new + text[at + len(old) :]
    return text


@pytest.mark.parametrize(("path", "text", "kind", "changes"), KINDS,
                         ids=[case[2] for case in KINDS])
def test_each_kind_ticked_changes_exactly_the_lines_it_must(
    runner: CliRunner, vault: VaultDir, path: str, text: str, kind: str,
    changes: list[tuple[str, str]],
) -> None:
    vault.write(path, text, dedent=False)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, kind, path, first=True)
    mark(vault, wanted)
    before = vault.snapshot()
    out = run(runner, vault, "agenda")
    assert (vault.root / path).read_bytes().decode("utf-8") == _changed(text, changes)
    assert f"applied: {path}: " in out
    after = vault.snapshot()
    # (and the board, whose card shows the note's next action)
    assert {p for p in after if after[p] != before.get(p)} - {"Pipeline.md"} == {path, AGENDA}
    assert not [line for line in agenda_lines(vault, wanted) if line.startswith("- [x]")]


def test_the_asking_kinds_come_back_saying_you_asked(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Umbrella.md", KINDS[8][1], dedent=False)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, "ask-decision-date")
    mark(vault, wanted)
    run(runner, vault, "agenda")
    [line] = agenda_lines(vault, wanted)
    assert line.startswith("- [ ] ") and "(you asked on 2026-11-26)" in line
    mark(vault, wanted, " ", before="[decision_date:: 2026-12-04] ")
    run(runner, vault, "agenda")
    assert "decision_date: 2026-12-04\n" in vault.read("Interviews/Umbrella.md")
    assert agenda_lines(vault, wanted) == []


def test_a_ticked_note_in_crlf_with_a_bom_keeps_them(runner: CliRunner, vault: VaultDir) -> None:
    text = "\ufeff" + ACME.replace("\n", "\r\n")
    vault.write_bytes("Interviews/Acme.md", text.encode("utf-8"))
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"), before="[candidates:: 3] ")
    run(runner, vault, "agenda")
    expected = text.replace("hiring_manager: Sam\r\n", "hiring_manager: Sam\r\ncandidates: 3\r\n")
    expected += "- 2026-11-26T10:15 Followed up with Jane on the decision\r\n"
    assert (vault.root / "Interviews/Acme.md").read_bytes() == expected.encode("utf-8")


def test_a_cancelled_thank_you_is_skipped_and_other_cancels_are_carried(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Meetings/Coffee.md", KINDS[1][1], dedent=False)
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    thanks = the_id(runner, vault, "thank-you")
    follow = the_id(runner, vault, "decision-follow-up")
    mark(vault, thanks, "-")
    mark(vault, follow, "-")
    run(runner, vault, "agenda")
    assert "thank_you: skipped  # when sent\n" in vault.read("Meetings/Coffee.md")
    assert vault.read("Interviews/Acme.md") == ACME
    [carried] = agenda_lines(vault, follow)
    assert carried.startswith("- [-] ") and carried.endswith(f"❌ 2026-11-26 ^{follow}")
    assert "only skips a thank-you" in vault.read(AGENDA)


def test_another_mark_is_kept_on_its_line_and_applies_nothing(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, "decision-follow-up")
    mark(vault, wanted, "/")
    run(runner, vault, "agenda")
    assert vault.read("Interviews/Acme.md") == ACME
    [line] = agenda_lines(vault, wanted)
    assert line.startswith("- [/] [[Interviews/Acme|Acme]]")


# --- inline fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "written"), [
    ("[decision_date:: 2026-12-15]", "decision_date: 2026-12-15"),
    ("[follow_up:: 2026-12-10]", "follow_up: 2026-12-10"),
    ("[candidates:: 4]", "candidates: 4"),
    ("[status:: Ghosted]", "status: ghosted"),
    ("[thank_you:: skipped]", "thank_you: skipped"),
    ("[thank_you:: true]", "thank_you: true"),
    ("[date:: 2026-11-12T09:30]", "date: 2026-11-12T09:30"),
    ("[stage:: final round]", "stage: final round"),
    ("[hiring_manager:: [[Sam Lee]]]", 'hiring_manager: "[[Sam Lee]]"'),
    ("[with:: [[Ana]], [[Bo]]]", 'with: ["[[Ana]]", "[[Bo]]"]'),
    ("[tags:: remote, senior]", "tags: [remote, senior]"),
    ("[respond_by:: 2026-12-01]", "respond_by: 2026-12-01"),
])
def test_inline_fields_of_every_type_are_set_on_the_note(
    runner: CliRunner, vault: VaultDir, field: str, written: str,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"), " ", after=" " + field)
    run(runner, vault, "agenda")
    note = vault.read("Interviews/Acme.md")
    assert written + "\n" in note
    key = written.split(":")[0]
    # only that key's line changed or came, and the Log got a status record at most
    assert [line for line in note.split("\n") if line not in ACME.split("\n")] == [written] + (
        ["- 2026-11-26T10:15 status: ghosted"] if key == "status" else [])


@pytest.mark.parametrize(("field", "reason"), [
    ("[decision_date:: 2026-02-30]", "`decision_date`"),
    ("[candidates:: many]", "not a whole number"),
    ("[candidates:: 0]", "out of range"),
    ("[status:: pending]", "unknown status"),
    ("[decison_date:: 2026-12-15]", "did you mean `decision_date`?"),
    ("[thanked:: 2026-11-26]", "did you mean `thank_you`?"),
    ("[stay_in_touch:: 30]", "not a field of an interview"),
    ("[follow_up:: 2026-12-10] [follow_up:: 2026-12-11]", "given twice"),
    ("[type:: contact]", "not a field"),
    ("[follow_up:: ]", "has no value"),
    ("[thank_you:: soon]", "write the day you sent it"),
])
def test_a_bad_inline_value_is_refused_written_nowhere_and_carried(
    runner: CliRunner, vault: VaultDir, field: str, reason: str,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, "decision-follow-up")
    mark(vault, wanted, after=" " + field)
    run(runner, vault, "agenda")
    assert vault.read("Interviews/Acme.md") == ACME  # nothing of the line is written
    text = vault.read(AGENDA)
    [carried] = agenda_lines(vault, wanted)  # shown once: under Problems, not in its section
    assert carried.startswith("- [x] ") and "✅ 2026-11-26" in carried and field in carried
    problems = text[text.index("## Problems") : text.index("## Pipeline")]
    assert carried in problems and "not applied" in problems and reason in problems
    # fixed, it is applied on the next run, dated the day it was first read
    (vault.root / AGENDA).write_text(text.replace(" " + field, ""), encoding="utf-8")
    run(runner, vault, "agenda", today=date(2026, 11, 27))
    assert vault.read("Interviews/Acme.md").endswith(
        "- 2026-11-26 Followed up with Jane on the decision\n")


# --- carried over -------------------------------------------------------------------------------


def test_a_tick_whose_id_matches_no_item_is_carried_until_removed(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, "decision-follow-up")
    line = mark(vault, wanted)
    (vault.root / "Interviews/Acme.md").unlink()
    before = vault.snapshot()
    out = run(runner, vault, "agenda")
    assert "applied" not in out and "1 problem" in out
    [carried] = agenda_lines(vault, wanted)
    assert carried == line.replace(f" ^{wanted}", f" ✅ 2026-11-26 ^{wanted}")
    assert "matches no item" in vault.read(AGENDA)
    changed = {p for p, data in vault.snapshot().items() if before.get(p) != data}
    assert changed - {"Pipeline.md"} == {AGENDA}  # (the board drops the deleted note's card)
    again = vault.read(AGENDA)
    run(runner, vault, "agenda", today=date(2026, 11, 30))  # carried as it is, day kept
    assert agenda_lines(vault, wanted) == [carried]
    text = vault.read(AGENDA)
    assert text.replace("2026-11-30", "2026-11-26").count(carried) == 1 and again
    # removed by the user: gone for good
    (vault.root / AGENDA).write_text(
        "\n".join(x for x in text.split("\n") if x != carried), encoding="utf-8")
    run(runner, vault, "agenda", today=date(2026, 11, 30))
    assert agenda_lines(vault, wanted) == []


@pytest.mark.parametrize("breakage", ["front matter", "conflict markers", "read-only"])
def test_a_tick_on_a_note_that_cannot_be_edited_is_carried_then_applied_dated_that_day(
    runner: CliRunner, vault: VaultDir, breakage: str,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    wanted = the_id(runner, vault, "decision-follow-up")
    mark(vault, wanted)
    path = vault.root / "Interviews/Acme.md"
    if breakage == "front matter":
        broken = ACME.replace("company: Acme", "company: [Acme")
    elif breakage == "conflict markers":
        broken = ACME + "<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n"
    else:
        broken = ACME
    path.write_text(broken, encoding="utf-8")
    if breakage == "read-only":
        path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    run(runner, vault, "agenda")
    assert path.read_text(encoding="utf-8") == broken
    [carried] = agenda_lines(vault, wanted)
    assert carried.startswith("- [x] ") and carried.endswith(f"✅ 2026-11-26 ^{wanted}")
    why = {"front matter": "Interviews/Acme.md can't be read (", "read-only": "read-only",
           "conflict markers": "Interviews/Acme.md can't be read ("}[breakage]
    assert "not applied" in vault.read(AGENDA) and why in vault.read(AGENDA)
    # repaired two days later: applied, dated the day the tick was first read
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(ACME, encoding="utf-8")
    out = run(runner, vault, "agenda", today=date(2026, 11, 28))
    assert "applied: Interviews/Acme.md: - 2026-11-26 Followed up" in out
    assert path.read_text(encoding="utf-8") == ACME + (
        "- 2026-11-26 Followed up with Jane on the decision\n")
    assert "not applied" not in vault.read(AGENDA)


def test_running_agenda_twice_applies_once(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"))
    run(runner, vault, "agenda")
    once = vault.snapshot()
    out = run(runner, vault, "agenda")
    assert "applied" not in out and vault.snapshot() == once
    assert vault.read("Interviews/Acme.md").count("Followed up with Jane") == 1


def test_agenda_json_print_and_check_apply_nothing_and_write_nothing(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"), after=" [candidates:: 3]")
    before = vault.snapshot()
    run(runner, vault, "agenda", "--json")
    run(runner, vault, "agenda", "--print")
    run(runner, vault, "check")
    assert vault.snapshot() == before


def test_a_read_only_agenda_note_applies_nothing(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"))
    os.chmod(vault.root / AGENDA, stat.S_IRUSR)
    result = runner.invoke(cli, ["--vault", str(vault.root), "agenda", "--today", "2026-11-26"])
    assert result.exit_code == 2 and "read-only" in result.output
    assert vault.read("Interviews/Acme.md") == ACME


def test_a_tick_in_an_agenda_written_with_crlf_is_applied(
    runner: CliRunner, vault: VaultDir,
) -> None:
    vault.write("Interviews/Acme.md", ACME)
    run(runner, vault, "agenda")
    mark(vault, the_id(runner, vault, "decision-follow-up"))
    path = vault.root / AGENDA
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    run(runner, vault, "agenda")
    assert vault.read("Interviews/Acme.md").count("Followed up with Jane") == 1
    assert b"\r\n" in path.read_bytes() and b"- [x]" not in path.read_bytes()




# --- under a real watch -------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")
def test_a_tick_made_while_watch_runs_is_applied_within_a_second(
    vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.test_watch import FakeClock, Running, wait_for

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    vault.write("Contacts/Dana.md", KINDS[0][1], dedent=False)
    running = Running(vault, clock=FakeClock(datetime(2026, 11, 26, 11, 5)))
    try:
        wanted = item_id("Contacts/Dana.md", Kind.CALL_BACK, "2026-11-26 09:40")
        assert agenda_lines(vault, wanted)[0].startswith("- [ ] ")
        started = time.monotonic()
        path = vault.root / AGENDA
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("- [ ] ", "- [x] ", 1), encoding="utf-8")  # as Obsidian
        wait_for(lambda: "Returned Dana's call" in vault.read("Contacts/Dana.md"), "the tick")
        applied = time.monotonic() - started
        wait_for(lambda: not agenda_lines(vault, wanted), "the call-back to go")
        assert vault.read("Contacts/Dana.md").endswith(
            "- 2026-11-20 Met at the fair\n- 2026-11-26T11:05 Returned Dana's call\n\n"
            "## Notes\nMore.\n")
        assert applied < 1.0 + 0.5  # the quiet period, the apply, and a slow machine's slack
        wait_for(lambda: any(r.startswith("applied: Contacts/Dana.md: - 2026-11-26T11:05")
                             for r in running.reports), "the report")
        # its own writes start nothing more: no loop
        count = running.watcher.regenerations
        time.sleep(0.6)
        assert running.watcher.regenerations == count
    finally:
        running.stop()


# --- both sides of a real merge -----------------------------------------------------------------


def tick_in(repo: Path, name: str) -> None:
    """Tick the call-back of `name` in the agenda of the clone `repo` and commit it, as a phone
    with a git plugin does (it can't run jobjournal)."""
    path = repo / AGENDA
    lines = path.read_text(encoding="utf-8").split("\n")
    [n] = [n for n, line in enumerate(lines)
           if line.startswith("- [ ] ") and f"Call back {name}" in line]
    lines[n] = "- [x] " + lines[n][len("- [ ] "):]
    path.write_text("\n".join(lines), encoding="utf-8")
    git_clean.git(repo, "commit", "--quiet", "-am", f"called {name}")


def test_ticks_on_both_sides_of_a_real_merge_are_both_applied(
    git_home: Path, clones: tuple[Path, Path],  # noqa: F811 - the fixture imported above
) -> None:
    a, b = clones
    for name in ("Alice", "Bob"):
        git_clean.add_note(a, name)
    git_clean.git(a, "push", "--quiet")
    git_clean.git(b, "pull", "--quiet", "--no-rebase", "--no-edit")
    tick_in(a, "Alice")
    git_clean.git(a, "push", "--quiet")
    tick_in(b, "Bob")

    pulled = git_clean.git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert git_clean.status(b) == "", pulled.stderr
    for name in ("Alice", "Bob"):
        note = git_clean.out(b, "show", f"HEAD:Contacts/{name}.md")
        assert re.search(rf"\n- \d{{4}}-\d\d-\d\dT\d\d:\d\d Returned {name}'s call$", note), note
        assert note.count("Returned") == 1
    agenda = git_clean.agenda_at(b)
    assert "- [x]" not in agenda and "Call back Alice" not in agenda
    assert "Call back Bob" not in agenda


def test_the_agenda_is_never_written_over_a_tick_made_while_it_was_computed(
    vault: VaultDir,
) -> None:
    from jobjournal.vault.agenda_note import MarkedMeanwhile, write_agenda

    block = "- [ ] [[A]]: call ^jj-0000000001\n- [ ] [[B]]: call ^jj-0000000002\n"
    write_agenda(vault.root, AGENDA, block)
    path = vault.root / AGENDA
    ticked = path.read_text(encoding="utf-8").replace("- [ ] [[B]]", "- [x] [[B]]")
    path.write_text(ticked, encoding="utf-8")
    newer = block.replace("call ^", "call now ^")
    with pytest.raises(MarkedMeanwhile):
        write_agenda(vault.root, AGENDA, newer)
    with pytest.raises(MarkedMeanwhile):  # what was written last is not what the note holds
        write_agenda(vault.root, AGENDA, newer, last=block)
    assert path.read_text(encoding="utf-8") == ticked
    # a block that holds the tick (carried over) is written; so is one over another mark alone
    carried = newer.replace("- [ ] [[B]]", "- [x] [[B]]")
    assert write_agenda(vault.root, AGENDA, carried)
    path.write_text(path.read_text(encoding="utf-8").replace("- [ ] [[A]]", "- [/] [[A]]"),
                    encoding="utf-8")
    assert write_agenda(vault.root, AGENDA, carried.replace("call now", "call"))


def test_git_sync_applies_the_ticks_and_commits_the_notes_with_the_agenda(
    git_home: Path, clones: tuple[Path, Path],  # noqa: F811 - the fixture imported above
) -> None:
    a, _ = clones
    git_clean.add_note(a, "Alice")
    tick_in(a, "Alice")
    synced = CliRunner().invoke(cli, ["git", "sync", "--vault", str(a)])
    assert synced.exit_code == 0, synced.output
    assert git_clean.status(a) == ""
    note = git_clean.out(a, "show", "origin/main:Contacts/Alice.md")
    assert re.search(r"\n- \d{4}-\d\d-\d\dT\d\d:\d\d Returned Alice's call$", note), note
    assert "- [x]" not in git_clean.out(a, "show", "origin/main:Agenda.md")
