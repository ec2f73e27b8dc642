"""The CLI end to end on real vaults: every command, every error path (CliRunner)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli

from .conftest import VaultDir

INTERVIEW_PAST = """\
---
type: interview
company: Acme
role: Backend Engineer
date: 2026-11-10
status: interviewing
recruiter: "[[Dana Recruiter]]"
hiring_manager: Sam Lee
decision_date: 2026-11-18
candidates: 4
---
## Log
- 2026-11-10 Onsite with [[Dana Recruiter]] and Sam
"""


def run(runner: CliRunner, vault: VaultDir, *args: str) -> object:
    return runner.invoke(cli, ["--vault", str(vault.root), *args], catch_exceptions=False)


def agenda_json(runner: CliRunner, vault: VaultDir, today: str = "2026-11-26") -> dict:
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--json", "--today", today])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", [[], ["init"], ["agenda"], ["check"]])
def test_help_everywhere(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and "--help" in result.output


def test_agenda_writes_the_note_then_leaves_it_alone(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    first = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Agenda.md updated: ")
    agenda = vault.read("Agenda.md")
    assert agenda.startswith("---\ntype: agenda\ngenerated_by: jobjournal\n---\n")
    assert "<!-- jobjournal:begin -->" in agenda and "<!-- jobjournal:end -->" in agenda
    assert "Interviews/Acme" in agenda
    stat = (vault.root / "Agenda.md").stat()
    second = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert second.output.startswith("Agenda.md unchanged: ")
    assert (vault.root / "Agenda.md").stat().st_mtime_ns == stat.st_mtime_ns


def test_agenda_keeps_user_text_outside_the_markers(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    vault.write(
        "Agenda.md",
        "---\ncssclass: wide\n---\nMy intro\n<!-- jobjournal:begin -->\nold\n"
        "<!-- jobjournal:end -->\nMy footer\n",
    )
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    text = vault.read("Agenda.md")
    assert text.startswith("---\ncssclass: wide\n---\nMy intro\n<!-- jobjournal:begin -->\n")
    assert text.endswith("<!-- jobjournal:end -->\nMy footer\n")
    assert "\nold\n" not in text


def test_agenda_refuses_a_note_the_user_owns(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Agenda.md", "# My own agenda\n")
    before = vault.snapshot()
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root)])
    assert result.exit_code == 2
    assert result.stderr.startswith("jobjournal: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert vault.snapshot() == before


@pytest.mark.parametrize("flag", ["--json", "--print"])
def test_json_and_print_write_nothing(runner: CliRunner, vault: VaultDir, flag: str) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    before = vault.snapshot()
    result = runner.invoke(
        cli, ["agenda", flag, "--vault", str(vault.root), "--today", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    assert vault.snapshot() == before
    if flag == "--print":
        assert all(len(click_unstyle(line)) <= 80 for line in result.output.splitlines())
        assert "Acme" in result.output


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)


def test_json_and_print_together_is_a_usage_error(runner: CliRunner, vault: VaultDir) -> None:
    result = runner.invoke(cli, ["agenda", "--json", "--print", "--vault", str(vault.root)])
    assert result.exit_code == 2
    assert "--json" in result.output


def test_json_shape_is_the_public_interface(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    data = agenda_json(runner, vault)
    assert set(data) >= {"today", "items", "problems"}
    assert data["today"] == "2026-11-26"
    item = next(i for i in data["items"] if i["kind"] == "decision-follow-up")
    assert set(item) >= {"section", "kind", "due", "note", "title", "contact", "text", "warnings"}
    # decision 2026-11-18 (Wed) + 2 workdays = Fri 2026-11-20; no contact since the interview
    assert (item["section"], item["due"], item["note"], item["title"], item["contact"]) == (
        "overdue",
        "2026-11-20",
        "Interviews/Acme.md",
        "Acme",
        "Dana Recruiter",
    )
    assert item["warnings"] == []


def test_json_escapes_terminal_escape_sequences_rather_than_dropping_them(
    runner: CliRunner, vault: VaultDir
) -> None:
    """A note's text holding an escape sequence (pasted from a terminal) reaches --json whole,
    escaped as JSON escapes every control character: no raw escape byte goes to the output,
    and nothing of the text is lost."""
    vault.write("Interviews/Acme.md",
                INTERVIEW_PAST + "## Tasks\n- [ ] Send \x1b[31mslides\x1b[0m 📅 2026-11-27\n")
    result = runner.invoke(
        cli, ["agenda", "--json", "--vault", str(vault.root), "--today", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\\u001b[31m" in result.stdout
    texts = [item["text"] for item in json.loads(result.stdout)["items"]]
    assert "Send \x1b[31mslides\x1b[0m" in texts


@pytest.mark.parametrize("where", ["before", "after", "env", "walk-up"])
def test_vault_is_found(
    runner: CliRunner, vault: VaultDir, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    args = ["agenda", "--json", "--today", "2026-11-26"]
    if where == "before":
        args = ["--vault", str(vault.root), *args]
    elif where == "after":
        args = [*args, "--vault", str(vault.root)]
    elif where == "env":
        monkeypatch.setenv("JOBJOURNAL_VAULT", str(vault.root))
    else:
        (vault.root / "Interviews" / "deep").mkdir()
        monkeypatch.chdir(vault.root / "Interviews" / "deep")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert any(i["note"] == "Interviews/Acme.md" for i in json.loads(result.stdout)["items"])


def test_no_vault_is_one_clear_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["agenda"])
    assert result.exit_code == 2
    assert result.stderr.startswith("jobjournal: error: ")
    assert "jobjournal init" in result.stderr
    missing = runner.invoke(cli, ["agenda", "--vault", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "nope" in missing.stderr


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[followup]\ngrace_days = 2\n", "grace_days"),
        ("[followup]\ngrace_workdays = 'two'\n", "grace_workdays"),
        ("[calendar]\nholidays = 'XX'\n", "holidays"),
        ("[agenda]\npath = '../outside.md'\n", "path"),
        ("[agenda\n", ".jobjournal.toml"),
    ],
)
def test_config_errors_name_the_key(
    runner: CliRunner, vault: VaultDir, toml: str, named: str
) -> None:
    vault.config(toml)
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root)])
    assert result.exit_code == 2
    assert named in result.stderr and "Traceback" not in result.output
    assert not (vault.root / "Agenda.md").exists()


def test_bad_today_is_a_usage_error(runner: CliRunner, vault: VaultDir) -> None:
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-13-40"])
    assert result.exit_code == 2
    assert "--today" in result.output


def test_a_crash_says_it_is_a_bug(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobjournal.core.incremental import IncrementalBuild

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(IncrementalBuild, "build", explode)
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root)])
    assert result.exit_code == 3
    assert "bug" in result.stderr and "boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_clean_vault(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 note checked: 0 errors, 0 warnings" in result.stderr


def test_check_lists_errors_with_lines_and_exits_1(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    vault.write(
        "Interviews/Bad date.md",
        "---\ntype: interview\ncompany: Globex\ndate: 2026-11-10\ndecision_date: 2026-02-30\n---\n",
    )
    vault.write("Contacts/Broken.md", "---\ntype: contact\nname: [unclosed\n---\n")
    before = vault.snapshot()
    monkeypatch.chdir(vault.root)
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("Interviews/Bad date.md:5: error: ") for line in lines), lines
    assert any(line.startswith("Contacts/Broken.md:") and ": error: " in line for line in lines)
    assert vault.snapshot() == before


def test_check_warnings_only_exits_0(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault.root)
    vault.write(
        "Interviews/Stale.md",
        "---\ntype: interview\ncompany: Globex\nrole: QA\ndate: 2026-11-10\nstatus: scheduled\n---\n",
    )
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "Interviews/Stale.md:6: warning: " in result.stdout


def test_check_and_the_agenda_ask_about_slips_and_ignore_other_types_fields(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault.root)  # check names the notes from the current folder
    vault.write("Referrals/Chris - Hooli.md",
                "---\ntype: referral\ndate: 2026-11-20\nthank_you: 2026-11-21\n---\n")
    vault.write("Contacts/Dana.md", "---\ntype: contact\ndecision_date: whenever\n"
                "candidates: many\nstay_in_touch: 30\n---\n")
    vault.write("Interviews/Acme.md", "---\ntype: interview\ndat: 2026-11-10\n---\n")
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.stdout.splitlines() == [
        "Interviews/Acme.md:2: error: interview has no `date` (when it happens): add "
        "`date: YYYY-MM-DD`",
        "Interviews/Acme.md:3: warning: `dat` is not a field of an interview, so it is ignored: "
        "did you mean `date`?",
        "Referrals/Chris - Hooli.md:4: warning: `thank_you` is not a field of a referral, so it "
        "is ignored: did you mean `thanked`?",
    ]
    problems = agenda_json(runner, vault)["problems"]
    assert {(p["note"], p["severity"]) for p in problems if "did you mean" in p["message"]} == {
        ("Interviews/Acme.md", "warning"), ("Referrals/Chris - Hooli.md", "warning")}
    # thanks recorded under the wrong name don't count: the referrer is still to be thanked
    kinds = {i["kind"] for i in agenda_json(runner, vault)["items"] if i["note"]}
    assert "thank-referrer" in kinds


def test_check_warns_about_front_matter_that_is_no_mapping_in_any_note(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault.root)  # check names the notes from the current folder
    vault.write("Ideas/List.md", "---\n- a\n- b\n---\nMy list.\n")
    vault.write("Ideas/Sentence.md", "---\nsome words\n---\n")
    vault.write("Ideas/Plain.md", "---\naliases: [p]\n---\n")  # an ordinary note: silent
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Ideas/List.md:2: warning: front matter is a list, not `key: value` lines",
        "Ideas/Sentence.md:2: warning: front matter is a single value, not `key: value` lines",
    ]


def test_problems_never_stop_the_agenda(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", INTERVIEW_PAST)
    vault.write("Contacts/Broken.md", "---\ntype: contact\nname: [unclosed\n---\n")
    data = agenda_json(runner, vault)
    assert any(
        p["note"] == "Contacts/Broken.md" and p["severity"] == "error" for p in data["problems"]
    )
    assert any(i["note"] == "Interviews/Acme.md" for i in data["items"])
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0
    assert "Contacts/Broken" in vault.read("Agenda.md")


def test_init_makes_a_vault_with_a_full_agenda(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "hunt"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / ".jobjournal.toml").is_file() and (target / "Agenda.md").is_file()
    data = json.loads(runner.invoke(cli, ["agenda", "--json", "--vault", str(target)]).stdout)
    sections = {item["section"] for item in data["items"]}
    assert sections >= {"call-back", "overdue", "today", "upcoming", "waiting", "needs-info"}
    assert data["problems"] and all(p["severity"] == "warning" for p in data["problems"])
    check = runner.invoke(cli, ["check", "--vault", str(target)])
    assert check.exit_code == 0, check.output


def test_init_refuses_a_non_empty_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.md").write_text("keep me", encoding="utf-8")
    result = runner.invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("jobjournal: error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md"]


def test_init_without_examples(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "hunt"
    assert runner.invoke(cli, ["init", str(target), "--no-examples"]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["agenda", "--json", "--vault", str(target)]).stdout)
    assert [i["kind"] for i in data["items"]] == ["keep-searching"]
    assert data["problems"] == []


def test_init_git_makes_a_clean_first_commit(
    runner: CliRunner, tmp_path: Path, git_home: Path
) -> None:
    target = tmp_path / "hunt"
    result = runner.invoke(cli, ["init", str(target), "--git"])
    assert result.exit_code == 0, result.output
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=target, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=target, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


@pytest.mark.parametrize("offset", range(7))
def test_examples_fill_every_section_on_every_weekday(
    runner: CliRunner, tmp_path: Path, offset: int
) -> None:
    from datetime import date, timedelta

    from jobjournal.edit.scaffold import init_vault

    day = date(2026, 11, 23) + timedelta(days=offset)  # Monday … Sunday
    init_vault(tmp_path / "v", today=day)
    result = runner.invoke(
        cli, ["agenda", "--json", "--today", day.isoformat(), "--vault", str(tmp_path / "v")]
    )
    data = json.loads(result.stdout)
    sections = {item["section"] for item in data["items"]}
    assert sections >= {"call-back", "overdue", "upcoming", "waiting", "needs-info"}
    if day.weekday() < 5:
        assert "today" in sections
    assert data["problems"] and all(p["severity"] == "warning" for p in data["problems"])
    appointments = [i for i in data["items"] if i["kind"] == "appointment"]
    assert appointments and all(date.fromisoformat(i["due"]).weekday() < 5 for i in appointments)


def test_check_keeps_one_problem_per_line_whatever_the_file_name(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault.root)
    vault.write("Contacts/Two\nlines\x1b[31m.md", "---\ntype: contact\nmissed_call: 2026-02-30\n---\n")
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("Contacts/Two\\nlines\\x1b[31m.md:3: error: ")


# --- a vault is a folder holding .jobjournal.toml ----------------------------------------------


def _not_a_vault(tmp_path: Path) -> Path:
    """A home folder: notes in it, but no .jobjournal.toml."""
    home = tmp_path / "home"
    (home / "Interviews").mkdir(parents=True)
    (home / "Interviews" / "Acme.md").write_text(INTERVIEW_PAST, encoding="utf-8")
    (home / "diary.md").write_text("# mine\n", encoding="utf-8")
    return home


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("how", ["--vault", "$JOBJOURNAL_VAULT"])
@pytest.mark.parametrize("command", [["agenda"], ["agenda", "--json"], ["check"],
                                     ["new", "contact", "Jane"], ["log", "acme", "Called"],
                                     ["export", "csv"], ["git", "install"]], ids=" ".join)
def test_a_folder_without_config_is_no_vault(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str,
    command: list[str],
) -> None:
    home = _not_a_vault(tmp_path)
    before = _files(home)
    if how == "--vault":
        command = [*command, "--vault", str(home)]
    else:
        monkeypatch.setenv("JOBJOURNAL_VAULT", str(home))
    result = runner.invoke(cli, command)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"jobjournal: error: {how} {home}: not a vault (it has no .jobjournal.toml): give the "
        "vault's folder, or make a new vault with `jobjournal init PATH`\n")
    assert _files(home) == before


def test_init_inside_a_vault_is_refused(runner: CliRunner, vault: VaultDir) -> None:
    before = vault.snapshot()
    for target in (vault.root / "Jobs", vault.root / "Interviews" / "deeper"):
        result = runner.invoke(cli, ["init", str(target)])
        assert result.exit_code == 2, result.output
        assert result.stderr == (f"jobjournal: error: {target} is inside the vault {vault.root}: "
                                 "its notes would be read twice; choose a folder outside it\n")
        assert not target.exists()
    assert vault.snapshot() == before


def test_init_beside_a_vault_is_fine(runner: CliRunner, vault: VaultDir) -> None:
    result = runner.invoke(cli, ["init", str(vault.root.parent / "other"), "--no-examples"])
    assert result.exit_code == 0, result.output


# --- messages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "said"), [
    ("2026-13-01", "'2026-13-01' is not a valid date (month must be in 1..12)"),
    ("2026-02-30", "'2026-02-30' is not a valid date (day is out of range for month)"),
    ("tomorrow", "'tomorrow' is not a date: write it as YYYY-MM-DD, like 2026-11-26"),
    ("2026-11-26T10:00", "'2026-11-26T10:00' is not a date: write it as YYYY-MM-DD, like "
                         "2026-11-26"),
])
def test_a_bad_today_says_what_is_wrong(
    runner: CliRunner, vault: VaultDir, given: str, said: str
) -> None:
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", given])
    assert result.exit_code == 2
    assert f"Invalid value for '--today': {said}" in result.stderr
    assert "does not match the format" not in result.stderr
    assert not (vault.root / "Agenda.md").exists()


@pytest.mark.parametrize(("front_matter", "hint"), [
    ("role: Lead: Backend", 'quote a value that holds `: ` (`role: "Lead: Backend"`)'),
    ("company: @home", 'quote a value that starts with a sign such as @ or % (`key: "@…"`)'),
    ("tags: [one, two", "close the list with ], or quote a value that starts with ["),
    ('role: "Lead', "close the quote the value opens, or leave the quotes out"),
])
def test_broken_yaml_says_how_to_fix_it(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch, front_matter: str,
    hint: str,
) -> None:
    vault.write("Interviews/Acme.md", f"---\ntype: interview\ndate: 2026-11-10\n{front_matter}\n---\n")
    monkeypatch.chdir(vault.root)
    result = runner.invoke(cli, ["check", "--today", "2026-11-26"])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("Interviews/Acme.md:4: error: front matter is not valid YAML: ")
    assert hint in line


def test_check_names_paths_from_the_current_folder(
    runner: CliRunner, vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.write("Contacts/Broken.md", "---\ntype: contact\nmissed_call: 2026-02-30\n---\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd, shown in [(vault.root, "Contacts/Broken.md"),
                       (vault.root / "Contacts", "../Contacts/Broken.md"),
                       (vault.root.parent, "vault/Contacts/Broken.md"),
                       (elsewhere, f"{vault.root}/Contacts/Broken.md")]:
        monkeypatch.chdir(cwd)
        result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
        assert result.exit_code == 1
        assert result.stdout.startswith(f"{shown}:3: error: ")
        assert (cwd / shown).resolve() == vault.root / "Contacts" / "Broken.md"


def test_init_prints_the_command_to_run_next_quoted_for_the_shell(
    runner: CliRunner, tmp_path: Path
) -> None:
    import shlex

    target = tmp_path / "My job hunt"
    result = runner.invoke(cli, ["init", str(target), "--no-examples"])
    assert result.exit_code == 0, result.output
    assert f"  jobjournal agenda --vault '{target}'\n" in result.stdout
    assert shlex.split(result.stdout.splitlines()[-1])[-1] == str(target)


def test_field_names_in_the_agenda_s_problems_are_code(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Applications/Hooli.md", "---\ntype: application\ncompany: Hooli\n---\n")
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in vault.read("Agenda.md").splitlines() if "Hooli" in line]
    assert "`applied`" in line and "\\`" not in line


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [[], ["git"]])
def test_a_group_alone_prints_its_help(runner: CliRunner, group: list[str]) -> None:
    result = runner.invoke(cli, group)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ") and "Commands:" in result.stdout
    assert result.stderr == ""
