"""`jobjournal show NOTE` and `jobjournal list [TYPE] [--status S] [--json]` on real vaults."""

from __future__ import annotations

import io
import json
import sys

import click
import pytest
from click.testing import CliRunner

from jobjournal.cli import browse
from jobjournal.cli.common import Screen, screen
from jobjournal.cli.main import cli

from .conftest import VaultDir

TODAY = "2026-12-01"


@pytest.fixture
def hunt(vault: VaultDir) -> VaultDir:
    vault.write("Contacts/Jane Doe.md", """\
        ---
        type: contact
        company: Acme
        role: Recruiter
        phone: "+1 555 0142"
        email: jane@acme.example
        ---
        """)
    vault.write("Interviews/Acme - Backend.md", """\
        ---
        type: interview
        status: completed
        company: Acme
        role: Backend Engineer
        date: 2026-11-20T10:00
        decision_date: 2026-11-24
        candidates: 3
        recruiter: "[[Jane Doe]]"
        thank_you: true
        ---
        ## Log
        - 2026-11-21 Called [[Jane Doe]]
        """)
    vault.write("Interviews/Globex - SRE.md", """\
        ---
        type: interview
        status: scheduled
        company: Globex
        role: Site Reliability Engineer for the very long platform team name
        date: 2026-12-08T14:30
        recruiter: Pat
        hiring_manager: Lee
        ---
        """)
    vault.write("Applications/Hooli.md", """\
        ---
        type: application
        company: Hooli
        role: Frontend
        applied: 2026-11-02
        status: applied
        ---
        """)
    vault.write("Ideas.md", "Not a jobjournal note.\n")
    return vault


def run(runner: CliRunner, vault: VaultDir, *args: str, **env: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, [*args, "--vault", str(vault.root)], env=env or None)
    return result.exit_code, result.stdout, result.stderr


# --- show -------------------------------------------------------------------------------------------


def test_show_prints_the_fields_and_each_item_with_whom_to_contact(
    runner: CliRunner, hunt: VaultDir
) -> None:
    code, out, err = run(runner, hunt, "show", "acme", "--today", TODAY)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Acme - Backend — Interviews/Acme - Backend.md"
    for field in ("  type: interview", "  status: completed", "  company: Acme",
                  "  date: 2026-11-20 10:00", "  decision_date: 2026-11-24", "  candidates: 3",
                  "  recruiter: [[Jane Doe]]", "  thank_you: yes",
                  "  last contact: 2026-11-21"):
        assert field in lines
    assert "- decision-follow-up, due 2026-11-27 (overdue, 4 days): " in out
    assert "    why: last contact 2026-11-21 + 5 workdays" in out
    assert ("    contact: Jane Doe (Contacts/Jane Doe.md) · +1 555 0142 · jane@acme.example"
            in lines)


def test_show_gives_an_appointment_its_time_and_a_person_without_a_note_by_name(
    runner: CliRunner, hunt: VaultDir
) -> None:
    code, out, _ = run(runner, hunt, "show", "Interviews/Globex - SRE.md", "--today", TODAY)
    assert code == 0
    assert "- appointment, due 2026-12-08 14:30 (upcoming): " in out
    assert "    contact: Pat\n" in out


def test_show_finds_the_note_as_log_does_and_refuses_what_it_cannot(
    runner: CliRunner, hunt: VaultDir
) -> None:
    code, _, err = run(runner, hunt, "show", "Interviews/")
    assert code == 2 and "matches 2 notes" in err
    code, _, err = run(runner, hunt, "show", "Initech")
    assert code == 2 and "no note matches 'Initech'" in err
    code, _, err = run(runner, hunt, "show", "ideas")
    assert code == 2 and "Ideas.md is not a jobjournal note: it has no `type`" in err
    hunt.write("Interviews/Broken.md", "---\ntype: interview\ndate: [oops\n---\n")
    code, _, err = run(runner, hunt, "show", "broken")
    assert code == 2 and "Interviews/Broken.md could not be read: " in err


def test_show_fits_the_terminal_s_width(runner: CliRunner, hunt: VaultDir) -> None:
    code, out, _ = run(runner, hunt, "show", "globex", "--today", TODAY, COLUMNS="40")
    assert code == 0
    assert max(map(len, out.splitlines())) <= 40
    assert "\x1b[" not in out  # not a terminal: no colour


# --- list -------------------------------------------------------------------------------------------


def test_list_json_is_one_object_per_note_with_its_next_action(
    runner: CliRunner, hunt: VaultDir
) -> None:
    code, out, err = run(runner, hunt, "list", "--json", "--today", TODAY)
    assert code == 0, err
    rows = json.loads(out)
    assert [row["note"] for row in rows] == [
        "Applications/Hooli.md", "Contacts/Jane Doe.md", "Interviews/Acme - Backend.md",
        "Interviews/Globex - SRE.md"]  # typed notes only, by path
    assert rows[2] == {
        "note": "Interviews/Acme - Backend.md", "title": "Acme - Backend", "type": "interview",
        "status": "completed", "company": "Acme", "role": "Backend Engineer",
        "next_action": rows[2]["next_action"], "due": "2026-11-27"}
    assert rows[2]["next_action"].startswith("Call Jane Doe about the decision")
    assert rows[1]["next_action"] is None and rows[1]["due"] is None


def test_list_narrows_by_type_and_status(runner: CliRunner, hunt: VaultDir) -> None:
    code, out, _ = run(runner, hunt, "list", "INTERVIEW", "--status", "Scheduled", "--json")
    assert code == 0
    assert [row["note"] for row in json.loads(out)] == ["Interviews/Globex - SRE.md"]
    code, out, _ = run(runner, hunt, "list", "referral")
    assert (code, out) == (0, "No notes.\n")
    code, _, err = run(runner, hunt, "list", "book")
    assert code == 2 and "'book' is not one of" in err


def test_list_is_a_table_that_fits_the_terminal(runner: CliRunner, hunt: VaultDir) -> None:
    code, out, _ = run(runner, hunt, "list", "--today", TODAY, COLUMNS="200")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Title", "Type", "Status", "Company", "Role", "Next", "action",
                                "Due"]
    assert "Site Reliability Engineer for the very long platform team name" in out
    for width in (60, 40, 24):
        code, out, _ = run(runner, hunt, "list", "--today", TODAY, COLUMNS=str(width))
        assert code == 0
        assert max(map(len, out.splitlines())) <= width
        assert "…" in out and len(out.splitlines()) == 5


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "colour"), [
    ({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)])
def test_colour_only_on_a_terminal_and_never_with_no_color_or_a_dumb_terminal(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], colour: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "stdout", _Tty())
    assert screen().color is colour
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert screen().color is False


@pytest.mark.parametrize("colour", [True, False])
def test_show_and_list_colour_only_when_told(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner, hunt: VaultDir, colour: bool
) -> None:
    monkeypatch.setattr(browse, "screen", lambda: Screen(80, colour, colour))
    for command in ("show", "list"):
        args = [command, "acme"] if command == "show" else [command]
        _, out, _ = run(runner, hunt, *args, "--today", TODAY)
        assert ("\x1b[" in out) is colour
        monkeypatch.setattr(browse, "screen", lambda: Screen(80, False, False))
        assert click.unstyle(out) == run(runner, hunt, *args, "--today", TODAY)[1]
        monkeypatch.setattr(browse, "screen", lambda: Screen(80, colour, colour))


def test_help_has_an_example_for_each(runner: CliRunner) -> None:
    for command, example in (("show", 'jobjournal show "Acme - Backend"'),
                             ("list", "jobjournal list interview --status scheduled")):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and example in result.stdout


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-5", "1", "132"])
def test_screen_width_is_what_shutil_gives(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert screen().width == shutil.get_terminal_size((80, 24)).columns
