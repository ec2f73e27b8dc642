"""`jobjournal new` and `jobjournal log` end to end on real vaults: every option, every error."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jobjournal.cli.main import cli
from jobjournal.edit import editor as edit

from .conftest import VaultDir

TEMPLATES = Path(__file__).parent.parent / "vault-template" / "Templates"
FOLDERS = {"contact": "Contacts", "interview": "Interviews", "application": "Applications",
           "referral": "Referrals", "meeting": "Meetings"}

ACME = """\
---
type: interview
company: Acme   # via Dana
role: 'Backend Engineer'
date: 2026-11-10
status: interviewing
recruiter: "[[Dana Recruiter]]"
decision_date: 2026-11-20
with:
  - "[[Sam Lee]]"
---
Met Sam and the team.

## Log
- 2026-11-10 Onsite with [[Dana Recruiter]] and Sam

## Questions
- salary?
"""


def run(runner: CliRunner, vault: VaultDir, *args: str) -> Result:
    return runner.invoke(cli, ["--vault", str(vault.root), *args])


def one_line_error(result: Result, *fragments: str) -> None:
    """Exit 2 and one line on stderr naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip().splitlines()[-1]
    for fragment in fragments:
        assert fragment in message, message


def with_templates(vault: VaultDir) -> None:
    shutil.copytree(TEMPLATES, vault.root / "Templates")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def diff_lines(before: bytes, after: bytes, newline: bytes = b"\n") -> tuple[list[bytes], list[bytes]]:
    """(removed, added) lines, comparing line lists (a file edited in place, lines in order)."""
    import difflib

    a, b = before.split(newline), after.split(newline)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


# --- new ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("note_type", list(FOLDERS))
def test_new_renders_the_template_of_each_type(
    runner: CliRunner, vault: VaultDir, note_type: str
) -> None:
    with_templates(vault)
    result = run(runner, vault, "new", note_type, "Acme - Backend", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    rel = f"{FOLDERS[note_type]}/Acme - Backend.md"
    assert result.stdout == rel + "\n"
    text = vault.read(rel)
    template = (TEMPLATES / f"{note_type}.md").read_text(encoding="utf-8")
    assert text == template.replace("{{title}}", "Acme - Backend").replace(
        "{{date:YYYY-MM-DD}}", "2026-11-26").replace("{{date}}", "2026-11-26")
    assert edit.front_matter(text)["type"] == note_type


def test_new_sets_fields_in_place_and_appends_unknown_ones(
    runner: CliRunner, vault: VaultDir
) -> None:
    with_templates(vault)
    result = run(
        runner, vault, "new", "interview", "Acme - Backend", "--today", "2026-11-26",
        "--set", "date=2026-12-03T10:00", "--set", "recruiter=[[Dana Recruiter]]",
        "--set", "company=Acme: Inc", "--set", "role=Backend Engineer", "--set", "candidates=4",
        "--set", "with=[[Sam Lee]]", "--set", "with=Kim", "--set", "status=WAITING",
        "--set", "thank_you=false", "--set", "salary=90000", "--set", "remote=true",
        "--set", "source note=a friend's tip", "--set", "stage=",
    )
    assert result.exit_code == 0, result.output
    text = vault.read("Interviews/Acme - Backend.md")
    template = (TEMPLATES / "interview.md").read_text(encoding="utf-8")
    removed, added = diff_lines(template.encode(), text.encode())
    assert added == [  # in the template's order; new keys last, before the closing ---
        b"status: waiting", b'company: "Acme: Inc"', b"role: Backend Engineer",
        b"date: 2026-12-03T10:00", b'recruiter: "[[Dana Recruiter]]"',
        b'with: ["[[Sam Lee]]", Kim]', b"candidates: 4", b"thank_you: false",
        b"salary: 90000", b"remote: true", b"source note: a friend's tip",
        b"%% Acme - Backend, added 2026-11-26. " + removed[-1].split(b". ", 1)[1],
    ]
    assert b"stage:" not in removed  # set to empty: unchanged
    fields = edit.front_matter(text)
    assert list(fields)[-2:] == ["remote", "source note"]  # new keys at the end
    assert text.index("salary: 90000") < text.index("missed_call:")  # the template's own
    assert text.index("source note:") < text.index("\n---\n%%")


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [
        ("company", "write KEY=VALUE"),
        ("=x", "write KEY=VALUE"),
        ("bad:key=x", "write KEY=VALUE"),
        ("type=meeting", "the type comes from TYPE"),
        ("date=2026-02-30", "not a valid date"),
        ("decision_date=soon", "not a date"),
        ("candidates=many", "not a whole number"),
        ("status=pending", "unknown status 'pending'"),
        ("custom=2026-13-01", "not a valid date"),
    ],
)
def test_new_refuses_bad_settings(
    runner: CliRunner, vault: VaultDir, setting: str, fragment: str
) -> None:
    result = run(runner, vault, "new", "interview", "Acme", "--set", setting)
    assert result.exit_code == 2
    assert fragment in result.output and "--set" in result.output
    assert not (vault.root / "Interviews").exists()


@pytest.mark.parametrize(("note_type", "key"), [("interview", "thank_you"),
                                                ("meeting", "thank_you"), ("referral", "thanked")])
def test_new_thanks_can_be_skipped_and_then_no_item_asks_for_them(
    runner: CliRunner, vault: VaultDir, note_type: str, key: str
) -> None:
    with_templates(vault)
    result = run(runner, vault, "new", note_type, "Lunch", "--today", "2026-11-26",
                 "--set", "date=2026-11-25", "--set", "status=completed",
                 "--set", f"{key}=Skipped")
    assert result.exit_code == 0, result.output
    text = vault.read(f"{FOLDERS[note_type]}/Lunch.md")
    assert f"\n{key}: skipped\n" in text
    agenda = run(runner, vault, "agenda", "--json", "--today", "2026-11-26")
    data = json.loads(agenda.stdout)
    assert data["problems"] == []
    assert not {"thank-you", "thank-referrer"} & {item["kind"] for item in data["items"]}


def test_new_refuses_a_thank_you_that_is_neither_a_date_nor_a_known_word(
    runner: CliRunner, vault: VaultDir
) -> None:
    result = run(runner, vault, "new", "interview", "Acme", "--set", "thank_you=yes")
    one_line_error(result, "--set thank_you", "'yes'", "true, false, or skipped")
    assert not (vault.root / "Interviews").exists()


def test_new_sets_where_the_job_is_its_posting_and_its_salary(
    runner: CliRunner, vault: VaultDir
) -> None:
    with_templates(vault)
    result = run(runner, vault, "new", "application", "Hooli - Frontend", "--set",
                 "applied=2026-11-20", "--set", "location=Zürich", "--set",
                 "url=https://hooli.example/jobs/42", "--set", "salary=120000")
    assert result.exit_code == 0, result.output
    fields = edit.front_matter(vault.read("Applications/Hooli - Frontend.md"))
    assert (fields["location"], fields["url"], fields["salary"]) == (
        "Zürich", "https://hooli.example/jobs/42", 120000)
    assert list(fields)[-1] == "tags"  # each in its place in the template


@pytest.mark.parametrize(
    ("note_type", "setting", "fragment"),
    [
        ("interview", "dat=2026-12-10", "`dat` is not a field of an interview: did you mean `date`?"),
        ("interview", "decison_date=2026-12-10", "did you mean `decision_date`?"),
        ("interview", "Company=Acme", "did you mean `company`?"),
        ("interview", "thanked=true", "did you mean `thank_you`?"),
        ("interview", "applied=2026-11-20", "did you mean `date`?"),
        ("referral", "thank_you=true", "`thank_you` is not a field of a referral: did you "
         "mean `thanked`?"),
        ("application", "date=2026-11-20", "did you mean `applied`?"),
        ("meeting", "thanked=2026-11-20", "did you mean `thank_you`?"),
        ("contact", "decision_date=2026-12-10", "`decision_date` is not a field of a contact "
         "(only of interviews), so jobjournal would ignore it"),
        ("meeting", "salary=90000", "(only of interviews or applications)"),
    ],
)
def test_new_refuses_a_slip_or_another_type_s_field_unless_forced(
    runner: CliRunner, vault: VaultDir, note_type: str, setting: str, fragment: str
) -> None:
    result = run(runner, vault, "new", note_type, "Acme", "--set", setting)
    one_line_error(result, fragment, "--force")
    assert not (vault.root / FOLDERS[note_type]).exists()
    forced = run(runner, vault, "new", note_type, "Acme", "--set", setting, "--force")
    assert forced.exit_code == 0, forced.output
    key = setting.partition("=")[0]
    assert key in edit.front_matter(vault.read(f"{FOLDERS[note_type]}/Acme.md"))


def test_new_keeps_keys_of_the_user_s_own(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "new", "contact", "Dana", "--set", "pronouns=she/her",
                 "--set", "linkedin=https://example.com/dana", "--set", "phone=+1 555 0100")
    assert result.exit_code == 0, result.output
    assert edit.front_matter(vault.read("Contacts/Dana.md"))["pronouns"] == "she/her"


def test_new_refuses_a_key_given_twice(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "new", "contact", "Dana", "--set", "role=a", "--set", "role=b")
    assert result.exit_code == 2 and "role is given twice" in result.output


def test_new_never_overwrites(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Contacts/Dana Recruiter.md", "my own words\n")
    result = run(runner, vault, "new", "contact", "Dana Recruiter")
    one_line_error(result, "Contacts/Dana Recruiter.md already exists", "never overwrites")
    assert vault.read("Contacts/Dana Recruiter.md") == "my own words\n"


def test_new_refuses_a_name_that_differs_only_by_case(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Contacts/dana recruiter.md", "mine\n")
    result = run(runner, vault, "new", "contact", "Dana Recruiter")
    one_line_error(result, "Contacts/dana recruiter.md already exists")
    assert sorted(p.name for p in (vault.root / "Contacts").iterdir()) == ["dana recruiter.md"]


def test_new_refuses_a_name_that_differs_only_in_unicode_normalisation(
    runner: CliRunner, vault: VaultDir
) -> None:
    """"Café" typed on one device (composed é) and saved by another (e + combining accent) are
    one file on macOS: the second is refused like a name differing only by case."""
    decomposed = "Caf\u0065\u0301 Recruiter"
    vault.write(f"Contacts/{decomposed}.md", "mine\n")
    result = run(runner, vault, "new", "contact", "Caf\u00e9 Recruiter")
    one_line_error(result, f"Contacts/{decomposed}.md already exists")
    assert [p.name for p in (vault.root / "Contacts").iterdir()] == [f"{decomposed}.md"]


def test_new_loses_the_race_to_an_existing_file_without_harm(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the file appears between the check and the write (another program made it): os.link fails
    real_link = os.link

    def link(src: Any, dst: Any) -> None:
        Path(dst).write_text("theirs\n", encoding="utf-8")
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link)
    result = run(runner, vault, "new", "contact", "Dana")
    one_line_error(result, "Contacts/Dana.md already exists")
    assert [p.name for p in (vault.root / "Contacts").iterdir()] == ["Dana.md"]
    assert vault.read("Contacts/Dana.md") == "theirs\n"


def test_new_without_hard_links_creates_exclusively(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_link(src: Any, dst: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    result = run(runner, vault, "new", "contact", "Dana")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (vault.root / "Contacts").iterdir()] == ["Dana.md"]
    assert "type: contact" in vault.read("Contacts/Dana.md")


def test_new_file_gets_the_usual_mode_and_leaves_no_temp_file(
    runner: CliRunner, vault: VaultDir
) -> None:
    old = os.umask(0o027)
    try:
        result = run(runner, vault, "new", "meeting", "Coffee with Lee")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(vault.root / "Meetings" / "Coffee with Lee.md") == 0o640
    assert [p.name for p in (vault.root / "Meetings").iterdir()] == ["Coffee with Lee.md"]


@pytest.mark.parametrize(
    ("title", "fragment"),
    [
        ("Acme/Backend", 'has /, which can\'t be in a file name or a wikilink; try "Acme - Backend"'),
        ("../../outside", "has /"),
        ("..", "starts with a dot"),
        ("Lee [mentor]", "has [ ]"),
        ("CON", "reserved file name on Windows"),
        ("   ", "empty"),
    ],
)
def test_new_refuses_unsafe_titles(
    runner: CliRunner, vault: VaultDir, title: str, fragment: str
) -> None:
    before = vault.snapshot()
    result = run(runner, vault, "new", "contact", title)
    assert result.exit_code == 2
    assert "Invalid value for 'TITLE'" in result.output and fragment in result.output
    assert vault.snapshot() == before


def test_new_refuses_an_unknown_type_listing_the_types(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "new", "intervew", "Acme")
    assert result.exit_code == 2
    assert "unknown type 'intervew' (did you mean interview?)" in result.output
    assert "contact, interview, application, referral, meeting" in result.output


def test_new_accepts_a_type_in_any_case(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "new", "Contact", "Dana")
    assert result.exit_code == 0 and result.stdout == "Contacts/Dana.md\n"


def test_new_without_a_vault(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "contact", "Dana"])
    one_line_error(result, "no vault here")
    result = runner.invoke(cli, ["new", "contact", "Dana", "--vault", str(tmp_path / "nope")])
    one_line_error(result, "no such folder")


def test_new_without_a_template_uses_a_minimal_note(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "new", "application", "Acme", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Applications/Acme.md\n"
    assert "Templates/application.md not found" in result.stderr
    assert vault.read("Applications/Acme.md") == (
        "---\ntype: application\nstatus: applied\napplied: 2026-11-26\n---\n\n## Notes\n\n## Log\n")


def test_new_follows_the_config_and_obsidian_settings(runner: CliRunner, vault: VaultDir) -> None:
    vault.config('[vault]\ntemplates = "Meta/Templates"\n[vault.folders]\nmeeting = "Net/Meet"\n')
    vault.write("Meta/Templates/meeting.md", "---\ntags: [x]\n---\n{{title}} {{date}} {{time}}\n")
    vault.write(".obsidian/templates.json", '{"dateFormat": "DD.MM.YYYY", "timeFormat": "[at] H"}')
    result = run(runner, vault, "new", "meeting", "Lunch", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Net/Meet/Lunch.md\n"
    text = vault.read("Net/Meet/Lunch.md")
    # a template without `type` gets it, as one line before the closing ---
    assert re.fullmatch(r"---\ntags: \[x\]\ntype: meeting\n---\nLunch 26\.11\.2026 at \d+\n", text)


def test_new_keeps_a_template_s_crlf_and_bom(runner: CliRunner, vault: VaultDir) -> None:
    vault.write_bytes("Templates/contact.md", b"\xef\xbb\xbf---\r\ntype: contact\r\nrole:\r\n---\r\n")
    result = run(runner, vault, "new", "contact", "Dana", "--set", "role=Recruiter")
    assert result.exit_code == 0, result.output
    assert (vault.root / "Contacts/Dana.md").read_bytes() == \
        b"\xef\xbb\xbf---\r\ntype: contact\r\nrole: Recruiter\r\n---\r\n"


def test_new_refuses_a_broken_template(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Templates/contact.md", "---\ntype: contact\nrole: [\n---\n")
    result = run(runner, vault, "new", "contact", "Dana")
    one_line_error(result, "Templates/contact.md, filled in:", "not valid YAML")
    assert not (vault.root / "Contacts").exists()


# --- log ------------------------------------------------------------------------------------------


@pytest.fixture
def acme(vault: VaultDir) -> Path:
    return vault.write("Interviews/Acme - Backend.md", ACME)


def test_log_adds_the_entry_at_the_end_of_the_log(
    runner: CliRunner, vault: VaultDir, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    from jobjournal.cli import common

    monkeypatch.setattr(common, "clock", lambda: datetime(2026, 12, 3, 15, 30, 12))
    before = acme.read_bytes()
    result = run(runner, vault, "log", "acme", "Called Dana", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Interviews/Acme - Backend.md: - 2026-11-26T15:30 Called Dana\n"
    after = acme.read_bytes()
    assert after == before.replace(b"and Sam\n", b"and Sam\n- 2026-11-26T15:30 Called Dana\n")


def test_log_with_a_date_and_a_time(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    result = run(runner, vault, "log", "acme", "Call", "--date", "2026-11-24 15:30")
    assert result.exit_code == 0, result.output
    assert "- 2026-11-24T15:30 Call\n\n## Questions" in acme.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "old", "new"),
    [
        (["--decision-date", "2026-12-05"], "decision_date: 2026-11-20", "decision_date: 2026-12-05"),
        (["--status", "Offer"], "status: interviewing", "status: offer"),
        (["--follow-up", "2026-12-01"], None, "follow_up: 2026-12-01"),
        (["--thank-you"], None, "thank_you: 2026-11-26"),
    ],
)
def test_log_sets_each_field(
    runner: CliRunner, vault: VaultDir, acme: Path, args: list[str], old: str | None, new: str
) -> None:
    before = acme.read_bytes()
    result = run(runner, vault, "log", "acme", "Talked", "--today", "2026-11-26",
                 "--date", "2026-11-26", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Interviews/Acme - Backend.md: {new}"
    removed, added = diff_lines(before, acme.read_bytes())
    assert removed == ([old.encode()] if old else [])
    # a change of status is also recorded in the Log (it is no contact)
    record = ["- 2026-11-26 status: interviewing → offer".encode()] if "status" in new else []
    assert added == [new.encode(), b"- 2026-11-26 Talked", *record]
    if old is None:  # a new key: one line, just before the closing ---
        assert f'  - "[[Sam Lee]]"\n{new}\n---\n' in acme.read_text(encoding="utf-8")


def test_log_sets_every_field_at_once(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    result = run(runner, vault, "log", "acme", "Offer call", "--today", "2026-11-26",
                 "--status", "offer", "--decision-date", "2026-12-05", "--follow-up",
                 "2026-12-01", "--thank-you")
    assert result.exit_code == 0, result.output
    assert edit.front_matter(acme.read_text(encoding="utf-8")) == {
        "type": "interview", "company": "Acme", "role": "Backend Engineer", "date": "2026-11-10",
        "status": "offer", "recruiter": "[[Dana Recruiter]]", "decision_date": "2026-12-05",
        "with": ["[[Sam Lee]]"], "follow_up": "2026-12-01", "thank_you": "2026-11-26"}


REFERRAL = """\
---
type: referral
date: 2026-11-20
from: "[[Chris Former-Colleague]]"
company: Hooli
---
## Log
"""


@pytest.mark.parametrize(("note_type", "key"), [("referral", "thanked"),
                                                ("meeting", "thank_you")])
def test_log_thank_you_sets_the_field_of_the_note_s_type(
    runner: CliRunner, vault: VaultDir, note_type: str, key: str
) -> None:
    path = vault.write("Notes/Chris - Hooli.md", REFERRAL.replace("referral", note_type))
    result = run(runner, vault, "log", "chris", "Thanked Chris", "--thank-you",
                 "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Notes/Chris - Hooli.md: {key}: 2026-11-26"
    fields = edit.front_matter(path.read_text(encoding="utf-8"))
    assert fields[key] == "2026-11-26"
    assert not {"thank_you", "thanked"} - {key} & set(fields)
    agenda = run(runner, vault, "agenda", "--json", "--today", "2026-11-26")
    kinds = [item["kind"] for item in json.loads(agenda.stdout)["items"]]
    assert "thank-referrer" not in kinds and "thank-you" not in kinds


@pytest.mark.parametrize("note_type", ["contact", "application"])
def test_log_thank_you_is_refused_on_a_type_without_a_thank_you_field(
    runner: CliRunner, vault: VaultDir, note_type: str
) -> None:
    vault.write("Notes/Dana.md", f"---\ntype: {note_type}\napplied: 2026-11-20\n---\n")
    before = vault.snapshot()
    result = run(runner, vault, "log", "dana", "Thanked Dana", "--thank-you")
    article = "an" if note_type == "application" else "a"
    one_line_error(result, "Notes/Dana.md left unchanged",
                   f"--thank-you: {article} {note_type} has no thank-you field",
                   "`thanked` a referral's")
    assert vault.snapshot() == before


CONTACT = "---\ntype: contact\ncompany: Acme\n---\n## Log\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--decision-date", "2026-12-05"], "`decision_date` is not a field of a contact (only "
         "of interviews), so jobjournal would ignore it: leave it out (--force writes it anyway)"),
        (["--set", "decision_date=2026-12-05"], "`decision_date` is not a field of a contact"),
        (["--set", "stay_in_tuch=30"], "did you mean `stay_in_touch`?"),
        (["--set", "tag=recruiter"], "did you mean `tags`?"),
    ],
)
def test_log_refuses_a_field_the_note_s_type_lacks_unless_forced(
    runner: CliRunner, vault: VaultDir, args: list[str], fragment: str
) -> None:
    path = vault.write("Contacts/Dana Recruiter.md", CONTACT)
    before = vault.snapshot()
    result = run(runner, vault, "log", "dana", "Called", *args)
    one_line_error(result, "Contacts/Dana Recruiter.md left unchanged", fragment)
    assert vault.snapshot() == before
    forced = run(runner, vault, "log", "dana", "Called", *args, "--force")
    assert forced.exit_code == 0, forced.output
    key = "decision_date" if args[0] == "--decision-date" else args[1].partition("=")[0]
    assert key in edit.front_matter(path.read_text(encoding="utf-8"))


def test_log_sets_fields_with_set(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    before = acme.read_bytes()
    result = run(runner, vault, "log", "acme", "Asked about pay", "--date", "2026-11-26",
                 "--set", "salary=90k-110k", "--set", "candidates=4", "--set", "my_rating=5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "Interviews/Acme - Backend.md: salary: 90k-110k",
        "Interviews/Acme - Backend.md: candidates: 4",
        "Interviews/Acme - Backend.md: my_rating: 5"]
    removed, added = diff_lines(before, acme.read_bytes())
    assert removed == []
    assert added == [b"salary: 90k-110k", b"candidates: 4", b"my_rating: 5",
                     b"- 2026-11-26 Asked about pay"]


def test_log_refuses_a_field_given_by_a_flag_and_by_set(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    before = vault.snapshot()
    result = run(runner, vault, "log", "acme", "x", "--decision-date", "2026-12-05",
                 "--set", "decision_date=2026-12-06")
    one_line_error(result, "`decision_date` is given twice: keep one")
    assert vault.snapshot() == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--date", "yesterday"], "Invalid value for --date: 'yesterday' is not a date"),
        (["--date", "2026-02-30"], "not a valid date"),
        (["--decision-date", "Dec 5"], "Invalid value for --decision-date"),
        (["--follow-up", "2026-13-01"], "Invalid value for --follow-up"),
        (["--status", "pending"], "unknown status 'pending': use one of active, applied"),
        (["--today", "2026-11-31"], "--today"),
    ],
)
def test_log_refuses_bad_values(
    runner: CliRunner, vault: VaultDir, acme: Path, args: list[str], fragment: str
) -> None:
    before = vault.snapshot()
    result = run(runner, vault, "log", "acme", "Call", *args)
    assert result.exit_code == 2
    assert fragment in result.output
    assert vault.snapshot() == before


def test_log_status_records_the_change_in_the_log_once(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    result = run(runner, vault, "log", "acme", "Offer call", "--status", "offer",
                 "--date", "2026-11-25T16:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "Interviews/Acme - Backend.md: - 2026-11-25T16:00 Offer call",
        "Interviews/Acme - Backend.md: - 2026-11-25T16:00 status: interviewing → offer"]
    assert "- 2026-11-25T16:00 Offer call\n- 2026-11-25T16:00 status: interviewing → offer\n\n" in (
        acme.read_text(encoding="utf-8"))
    # the same status again changes nothing to record; a status set on a note without one
    before = acme.read_bytes()
    assert run(runner, vault, "log", "acme", "Asked about start dates", "--status", "Offer",
               "--date", "2026-11-26").exit_code == 0
    assert diff_lines(before, acme.read_bytes()) == ([], [b"- 2026-11-26 Asked about start dates"])
    vault.write("Contacts/Dana.md", "---\ntype: contact\n---\n")
    result = run(runner, vault, "log", "Dana", "Lunch", "--set", "status=active",
                 "--date", "2026-11-26")
    assert "- 2026-11-26 Lunch\n- 2026-11-26 status: active\n" in vault.read("Contacts/Dana.md")


def test_log_status_lists_every_status(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    result = run(runner, vault, "log", "acme", "x", "--status", "nope")
    for status in ("scheduled", "waiting", "offer", "rejected", "withdrawn", "inactive"):
        assert status in result.output


def test_log_missed_call_now(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    before = acme.read_bytes()
    result = run(runner, vault, "log", "acme", "--missed-call", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    removed, added = diff_lines(before, acme.read_bytes())
    assert removed == []
    assert len(added) == 1 and re.fullmatch(rb"missed_call: 2026-11-26T\d\d:\d\d", added[0])
    assert result.stdout == f"Interviews/Acme - Backend.md: {added[0].decode()}\n"


def test_log_missed_call_when(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    acme.write_text(ACME.replace("with:", "missed_call: 2026-11-01\nwith:"), encoding="utf-8")
    before = acme.read_bytes()
    result = run(runner, vault, "log", "acme", "--missed-call", "2026-11-26T09:40",
                 "--status", "waiting")
    assert result.exit_code == 0, result.output
    removed, added = diff_lines(before, acme.read_bytes())
    assert removed == [b"status: interviewing", b"missed_call: 2026-11-01"]
    assert added[:2] == [b"status: waiting", b"missed_call: 2026-11-26T09:40"]
    # the change of status is recorded as of now; the missed call adds no entry
    assert len(added) == 3
    assert re.fullmatch(rb"- \d{4}-\d\d-\d\dT\d\d:\d\d status: interviewing \xe2\x86\x92 waiting",
                        added[2])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["acme", "--missed-call", "at nine"], "Invalid value for --missed-call"),
        (["acme", "Called", "--missed-call"], "leave out TEXT"),
        (["acme", "--missed-call", "--date", "2026-11-26"], "--date dates a Log entry"),
        (["acme"], "give TEXT"),
        (["acme", "  "], "give TEXT"),
        (["acme", "two\nlines"], "a Log entry is one line"),
        ([], "Missing argument 'NOTE'"),
    ],
)
def test_log_usage_errors(
    runner: CliRunner, vault: VaultDir, acme: Path, args: list[str], fragment: str
) -> None:
    before = vault.snapshot()
    result = run(runner, vault, "log", *args)
    assert result.exit_code == 2
    assert fragment in result.output
    assert vault.snapshot() == before


@pytest.mark.parametrize(
    "query",
    ["Interviews/Acme - Backend.md", "Interviews/Acme - Backend", "interviews/acme - backend",
     "acme - backend", "ACME", "Acme - B", "./Interviews/Acme - Backend.md",
     "Interviews\\Acme - Backend.md", "Interviews/Acme"],
)
def test_log_finds_the_note_like_the_quick_switcher(
    runner: CliRunner, vault: VaultDir, acme: Path, query: str
) -> None:
    vault.write("Contacts/Dana Recruiter.md", "---\ntype: contact\n---\n")
    result = run(runner, vault, "log", query, "x")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Interviews/Acme - Backend.md: ")


@pytest.mark.parametrize("query", ["frontend", "FRONTEND engineer", "engineer hooli",
                                   "end - eng", "Applications/Hooli - Front"])
def test_log_finds_a_note_by_words_anywhere_in_its_title(
    runner: CliRunner, vault: VaultDir, acme: Path, query: str
) -> None:
    vault.write("Applications/Hooli - Frontend Engineer.md", "---\ntype: application\n---\n")
    result = run(runner, vault, "log", query, "x")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Applications/Hooli - Frontend Engineer.md: ")


def test_log_words_found_in_several_titles_list_the_candidates(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    vault.write("Applications/Hooli - Frontend Engineer.md", "---\ntype: application\n---\n")
    before = vault.snapshot()
    result = run(runner, vault, "log", "end", "x")  # backEND, frontEND
    one_line_error(result, "'end' matches 2 notes: Applications/Hooli - Frontend Engineer.md, "
                   "Interviews/Acme - Backend.md")
    assert vault.snapshot() == before


def test_log_an_exact_title_wins_over_words_in_a_longer_one(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    vault.write("Interviews/Acme - Backend Developer.md", ACME)
    result = run(runner, vault, "log", "acme - backend", "x")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Interviews/Acme - Backend.md: ")
    assert run(runner, vault, "log", "acme developer", "x").stdout.startswith(
        "Interviews/Acme - Backend Developer.md: ")


def test_log_finds_a_note_by_its_file_path(
    runner: CliRunner, vault: VaultDir, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault.root / "Interviews")
    result = run(runner, vault, "log", "Acme - Backend.md", "x")
    assert result.exit_code == 0, result.output
    result = run(runner, vault, "log", str(acme), "y")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Interviews/Acme - Backend.md: ")


def test_log_prefers_an_exact_title_over_a_prefix(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Contacts/Dana.md", "---\ntype: contact\n---\n")
    vault.write("Contacts/Dana Recruiter.md", "---\ntype: contact\n---\n")
    result = run(runner, vault, "log", "dana", "x")
    assert result.exit_code == 0 and result.stdout.startswith("Contacts/Dana.md: ")


def test_log_ambiguous_note_lists_the_candidates(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    vault.write("Applications/Acme - Frontend.md", "---\ntype: application\n---\n")
    before = vault.snapshot()
    result = run(runner, vault, "log", "acme", "x")
    assert result.exit_code == 2
    assert "'acme' matches 2 notes: Applications/Acme - Frontend.md, " \
        "Interviews/Acme - Backend.md" in result.output
    assert vault.snapshot() == before


def test_log_same_title_in_two_folders_is_ambiguous(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Contacts/Dana.md", "x\n")
    vault.write("Archive/Dana.md", "x\n")
    result = run(runner, vault, "log", "Dana", "x")
    assert result.exit_code == 2 and "Archive/Dana.md, Contacts/Dana.md" in result.output
    assert run(runner, vault, "log", "Archive/Dana", "x").exit_code == 0


def test_log_unknown_note_suggests_the_closest(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    result = run(runner, vault, "log", "Acne - Backend", "x")
    assert result.exit_code == 2
    assert "no note matches 'Acne - Backend'; did you mean \"Interviews/Acme - Backend\"?" \
        in result.output
    result = run(runner, vault, "log", "zzzz", "x")
    assert "no note matches 'zzzz'; `jobjournal new TYPE TITLE` creates one" in result.output


def test_log_does_not_touch_templates_or_the_agenda(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Templates/interview.md", "---\ntype: interview\n---\n")
    vault.write("Agenda.md", "---\ntype: agenda\n---\n")
    vault.write(".trash/Old.md", "x\n")
    for query in ("Templates/interview", "Agenda", "Old", ".trash/Old.md"):
        assert run(runner, vault, "log", query, "x").exit_code == 2, query


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("---\ntype: interview\nrole: [unclosed\n---\n## Log\n", "front matter is not valid YAML"),
        ("---\ntype: interview\n", "no closing `---`"),
        ("---\ntype: interview\n<<<<<<< HEAD\nstatus: a\n=======\nstatus: b\n>>>>>>> x\n---\n",
         "conflict markers"),
        ("---\ntype: interview\nstatus: [a\n---\n", "fix it first"),
    ],
)
def test_log_refuses_a_broken_note_and_leaves_it_unchanged(
    runner: CliRunner, vault: VaultDir, text: str, fragment: str
) -> None:
    path = vault.write("Interviews/Broken.md", text)
    stamp = path.stat().st_mtime_ns
    result = run(runner, vault, "log", "broken", "Called", "--status", "waiting")
    one_line_error(result, "Interviews/Broken.md left unchanged: ", fragment)
    assert path.read_text(encoding="utf-8") == text
    assert path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in path.parent.iterdir()) == ["Broken.md"]


def test_log_refuses_a_note_that_is_not_utf8(runner: CliRunner, vault: VaultDir) -> None:
    path = vault.write_bytes("Contacts/Old.md", b"---\ntype: contact\nrole: caf\xe9\n---\n")
    result = run(runner, vault, "log", "old", "x")
    one_line_error(result, "Contacts/Old.md left unchanged", "not valid UTF-8")
    assert path.read_bytes() == b"---\ntype: contact\nrole: caf\xe9\n---\n"


def test_log_keeps_crlf_bom_and_every_other_byte(runner: CliRunner, vault: VaultDir) -> None:
    data = ("\ufeff" + ACME.replace("\n", "\r\n")).encode("utf-8")
    path = vault.write_bytes("Interviews/Acme - Backend.md", data)
    result = run(runner, vault, "log", "acme", "Called Dana", "--date", "2026-11-26",
                 "--decision-date", "2026-12-05", "--follow-up", "2026-12-08")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    assert diff_lines(data, after, b"\r\n") == (
        [b"decision_date: 2026-11-20"],
        [b"decision_date: 2026-12-05", b"follow_up: 2026-12-08", b"- 2026-11-26 Called Dana"])


def test_log_keeps_a_missing_final_newline(runner: CliRunner, vault: VaultDir) -> None:
    path = vault.write("Contacts/Dana.md", "---\ntype: contact\n---\n## Log\n- 2026-11-01 Met")
    assert run(runner, vault, "log", "dana", "Called", "--date", "2026-11-26").exit_code == 0
    assert path.read_text(encoding="utf-8") == \
        "---\ntype: contact\n---\n## Log\n- 2026-11-01 Met\n- 2026-11-26 Called"


def test_log_adds_a_log_section_when_there_is_none(runner: CliRunner, vault: VaultDir) -> None:
    path = vault.write("Contacts/Dana.md", "No front matter, no log.\n")
    result = run(runner, vault, "log", "dana", "Called", "--date", "2026-11-26", "--thank-you",
                 "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == (
        "---\nthank_you: 2026-11-27\n---\nNo front matter, no log.\n\n## Log\n- 2026-11-26 Called\n")


def test_log_keeps_the_file_mode(runner: CliRunner, vault: VaultDir, acme: Path) -> None:
    acme.chmod(0o640)
    assert run(runner, vault, "log", "acme", "x").exit_code == 0
    assert mode(acme) == 0o640
    assert sorted(p.name for p in acme.parent.iterdir()) == ["Acme - Backend.md"]


def test_log_redoes_its_edit_over_an_editor_s_save(
    runner: CliRunner, vault: VaultDir, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = edit.edit_note
    calls = []

    def edit_while_the_user_saves(data: bytes, *args: Any) -> bytes:
        calls.append(data)
        if len(calls) == 1:  # the user saves in Obsidian while jobjournal computes its edit
            acme.write_text(ACME.replace("Met Sam", "Met Sam (great)"), encoding="utf-8")
        return real(data, *args)

    monkeypatch.setattr(edit, "edit_note", edit_while_the_user_saves)
    result = run(runner, vault, "log", "acme", "Called", "--date", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert len(calls) == 2
    text = acme.read_text(encoding="utf-8")
    assert "Met Sam (great)" in text and "- 2026-11-26 Called\n" in text


def test_log_refuses_a_note_that_keeps_changing(
    runner: CliRunner, vault: VaultDir, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = edit.edit_note
    saves = iter(range(100))

    def edit_while_the_user_types(data: bytes, *args: Any) -> bytes:
        acme.write_text(ACME + f"typing {next(saves)}\n", encoding="utf-8")
        return real(data, *args)

    monkeypatch.setattr(edit, "edit_note", edit_while_the_user_types)
    result = run(runner, vault, "log", "acme", "Called")
    one_line_error(result, "left unchanged: it kept changing")
    assert acme.read_text(encoding="utf-8") == ACME + "typing 1\n"


def test_a_missed_call_shows_until_the_call_back_is_logged(
    runner: CliRunner, vault: VaultDir
) -> None:
    import json

    def kinds() -> list[str]:
        result = run(runner, vault, "agenda", "--json", "--today", "2026-11-26")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["problems"] == []
        return [item["kind"] for item in data["items"] if item["note"]]

    assert run(runner, vault, "new", "contact", "Dana Recruiter").exit_code == 0
    assert run(runner, vault, "log", "dana", "--missed-call", "2026-11-26T09:40").exit_code == 0
    assert kinds() == ["call-back"]
    assert run(runner, vault, "log", "dana", "Called back", "--date", "2026-11-26T10:05",
               "--today", "2026-11-26").exit_code == 0
    assert kinds() == []


def test_a_call_logged_earlier_today_does_not_hide_a_missed_call_after_it(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    from datetime import datetime

    from jobjournal.cli import common

    now = [datetime(2026, 12, 3, 21, 10, 5)]
    monkeypatch.setattr(common, "clock", lambda: now[0])

    def kinds() -> list[str]:
        result = run(runner, vault, "agenda", "--json", "--today", "2026-12-03")
        assert result.exit_code == 0, result.output
        return [item["kind"] for item in json.loads(result.stdout)["items"] if item["note"]]

    assert run(runner, vault, "new", "contact", "Dana Recruiter").exit_code == 0
    result = run(runner, vault, "log", "Dana Recruiter", "Called back")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Contacts/Dana Recruiter.md: - 2026-12-03T21:10 Called back\n"
    now[0] = datetime(2026, 12, 3, 22, 25, 40)
    assert run(runner, vault, "log", "dana", "--missed-call").exit_code == 0
    assert "missed_call: 2026-12-03T22:25\n" in vault.read("Contacts/Dana Recruiter.md")
    assert kinds() == ["call-back"]
    now[0] = datetime(2026, 12, 3, 22, 40, 0)
    assert run(runner, vault, "log", "dana", "Returned the call").exit_code == 0
    assert kinds() == []


def test_log_writes_the_clock_s_time_of_day_for_an_entry_dated_today(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    from datetime import datetime

    before = datetime.now().replace(second=0, microsecond=0)
    result = run(runner, vault, "log", "acme", "Called Dana")
    after = datetime.now()
    assert result.exit_code == 0, result.output
    entry = re.fullmatch(r"Interviews/Acme - Backend.md: - (\S+) Called Dana\n", result.stdout)
    assert entry is not None, result.stdout
    assert before <= datetime.fromisoformat(entry[1]) <= after
    # a date given with --date is written as given
    result = run(runner, vault, "log", "acme", "Emailed", "--date", before.date().isoformat())
    assert result.stdout.endswith(f": - {before.date().isoformat()} Emailed\n")


def test_log_incoming_marks_the_entry_as_their_contact(
    runner: CliRunner, vault: VaultDir, acme: Path
) -> None:
    import json

    before = acme.read_bytes()
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        result = run(runner, vault, "log", "acme", "Dana called: onsite on the 8th",
                     "--incoming", "--date", day)
        assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Interviews/Acme - Backend.md: - 2026-11-25 ← Dana called: onsite on the 8th\n")
    assert diff_lines(before, acme.read_bytes()) == ([], [
        f"- {day} ← Dana called: onsite on the 8th".encode()
        for day in ("2026-11-23", "2026-11-24", "2026-11-25")])
    # their calls are contact, but not you calling too often
    agenda = run(runner, vault, "agenda", "--json", "--today", "2026-11-26")
    data = json.loads(agenda.stdout)
    assert not [p for p in data["problems"] if "too often" in p["message"]]
    (item,) = [i for i in data["items"] if i["kind"] == "ask-new-date"]
    assert item["why"].startswith("last contact 2026-11-25, after decision expected")
    result = run(runner, vault, "log", "acme", "--missed-call", "--incoming")
    one_line_error(result, "--incoming")


@pytest.mark.parametrize("command", ["new", "log"])
def test_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and "Examples:" in result.output and "--vault" in result.output


# --- end to end: a hand-written note, a real git repository, as a user has them -------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "core.autocrlf=false",
         *args], cwd=root, check=True, capture_output=True, text=True,
    ).stdout


def test_done_when_git_diff_shows_two_lines(runner: CliRunner, vault: VaultDir) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    vault.write("Interviews/Acme - Backend.md", ACME)
    git(vault.root, "init", "-q")
    git(vault.root, "add", "-A")
    git(vault.root, "commit", "-q", "-m", "hand-written")
    result = run(runner, vault, "log", "acme", "Called Dana, decision moved to Dec 5",
                 "--decision-date", "2026-12-05", "--date", "2026-11-26")
    assert result.exit_code == 0, result.output
    # one field line replaced (1 deleted, 1 added) and one Log line added
    assert git(vault.root, "diff", "--numstat") == "2\t1\tInterviews/Acme - Backend.md\n"
    changes = [line for line in git(vault.root, "diff", "-U0").splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changes == [
        "-decision_date: 2026-11-20",
        "+decision_date: 2026-12-05",
        "+- 2026-11-26 Called Dana, decision moved to Dec 5",
    ]
