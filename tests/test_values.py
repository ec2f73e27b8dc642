"""One note never stops the run: a date outside 1900-01-01 … 9000-12-31, or a number outside its
range, is an error on that field (the note is read without it), never a crash of `agenda`,
`check`, `export` or `watch` — whatever field, front matter or body, holds it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.config import Config
from jobjournal.core.context import RuleContext
from jobjournal.core.model import Agenda, Item, Note
from jobjournal.vault.watcher import Watcher

from .conftest import VaultDir
from .test_watch import DEADLINE, FakeClock, replace, wait_for

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")

TODAY = "2026-11-26"
RANGE = "is out of range: use a date from 1900-01-01 to 9000-12-31"

#: A note that must always make its item, whatever its neighbours hold.
SENTINEL = ("Contacts/Sentinel.md", "---\ntype: contact\nfollow_up: 2026-11-26\n---\n")

#: (path, text, line, message) of notes that crashed a run, and the one problem each now gives.
HOSTILE = [
    ("Contacts/Jane.md", "---\ntype: contact\nstay_in_touch: 5550142\n---\n## Log\n"
     "- 2026-11-20 Called\n", 3,
     "stay_in_touch: 5550142 is out of range: use a whole number from 1 to 3650"),
    ("Contacts/Bob.md", "---\ntype: contact\nstay_in_touch: 100000000000\n---\n", 3,
     "stay_in_touch: 100000000000 is out of range: use a whole number from 1 to 3650"),
    ("Interviews/Acme.md", "---\ntype: interview\ndate: 2026-11-10\n"
     "decision_date: 9999-12-31\n---\n", 4, f"decision_date: '9999-12-31' {RANGE}"),
    ("Applications/Globex.md", "---\ntype: application\napplied: 9999-12-30\n---\n", 3,
     f"applied: '9999-12-30' {RANGE}"),
    ("Meetings/Coffee.md", "---\ntype: meeting\ndate: 9999-12-31\n---\n", 3,
     f"date: '9999-12-31' {RANGE}"),
    ("Interviews/Initech.md", "---\ntype: interview\ndate: 2026-11-10\n---\n## Log\n"
     "- 9999-12-31 Called\n", 6, f"Log entry: '9999-12-31' {RANGE}"),
    ("Interviews/Hooli.md", "---\ntype: interview\ndate: 2026-11-10\n---\n"
     "- [ ] Send the portfolio 📅 9999-12-31\n", 5, f"task: '9999-12-31' {RANGE}"),
    ("Interviews/Umbrella.md", "---\ntype: interview\ndate: 2026-11-10\n---\n"
     "- [ ] Ask again [due:: 0001-01-01]\n", 5, f"task: '0001-01-01' {RANGE}"),
    ("Contacts/Dana.md", "---\ntype: contact\nmissed_call: 9999-12-31T23:59\n---\n", 3,
     f"missed_call: '9999-12-31T23:59' {RANGE}"),
    ("Contacts/Eve.md", "---\ntype: contact\nfollow_up: 0001-01-01\n---\n", 3,
     f"follow_up: '0001-01-01' {RANGE}"),
    ("Contacts/Finn.md", "---\ntype: contact\nstay_in_touch: 7\nlast_contact: 9999-12-31\n---\n",
     4, f"last_contact: '9999-12-31' {RANGE}"),
    ("Interviews/Soylent.md", "---\ntype: interview\ndate: 2026-11-10\nstatus: offer\n"
     "respond_by: 9999-12-31\n---\n", 5, f"respond_by: '9999-12-31' {RANGE}"),
    ("Meetings/Lunch.md", "---\ntype: meeting\ndate: 2026-11-25\nthank_you: 1899-12-31\n---\n", 4,
     f"thank_you: '1899-12-31' {RANGE}"),
    ("Referrals/Kim.md", "---\ntype: referral\ndate: 9000-12-32\n---\n", 3,
     "date: '9000-12-32' is not a valid date (day is out of range for month)"),
    ("Interviews/Vandelay.md", "---\ntype: interview\ndate: 2026-11-10\ncandidates: 0\n---\n", 4,
     "candidates: 0 is out of range: use a whole number from 1 to 10000"),
    ("Interviews/Wonka.md", "---\ntype: interview\ndate: 2026-11-10\ncandidates: " + "9" * 5000
     + "\n---\n", 4, "candidates: " + "9" * 57 + "… is out of range: use a whole number "
     "from 1 to 10000"),
]


def make_vault(vault: VaultDir, notes: list[tuple[str, str, int, str]]) -> None:
    vault.write(*SENTINEL)
    for path, text, _, _ in notes:
        vault.write(path, text, dedent=False)


def agenda_json(runner: CliRunner, vault: VaultDir) -> dict[str, list[dict[str, object]]]:
    result = runner.invoke(cli, ["agenda", "--json", "--vault", str(vault.root), "--today", TODAY])
    assert result.exit_code == 0, result.output
    data: dict[str, list[dict[str, object]]] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(("path", "text", "line", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_value_out_of_range_is_an_error_on_its_field(
    runner: CliRunner, vault: VaultDir, path: str, text: str, line: int, message: str
) -> None:
    make_vault(vault, [(path, text, line, message)])
    data = agenda_json(runner, vault)
    errors = [(p["line"], p["message"]) for p in data["problems"]
              if p["note"] == path and p["severity"] == "error"]
    assert errors == [(line, message)]
    assert any(item["note"] == SENTINEL[0] for item in data["items"])


@pytest.mark.parametrize(
    "command", [["agenda"], ["agenda", "--print"], ["check"], ["export", "csv"],
                ["export", "xlsx", "-o", "out.xlsx"], ["export", "ics"]],
    ids=lambda command: " ".join(command[:2]),
)
def test_no_value_stops_a_command(
    runner: CliRunner, vault: VaultDir, tmp_path: Path, command: list[str]
) -> None:
    make_vault(vault, HOSTILE)
    args = [str(tmp_path / arg) if arg.endswith(".xlsx") else arg for arg in command]
    result = runner.invoke(cli, [*args, "--vault", str(vault.root), "--today", TODAY])
    assert "internal error" not in result.stderr
    assert result.exit_code == (1 if command == ["check"] else 0), result.output
    if command == ["check"]:
        for _, _, _, message in HOSTILE:
            assert message in result.stdout
    if command[:2] == ["export", "csv"]:
        assert "Sentinel" in result.stdout
    if command == ["agenda"]:
        assert "Sentinel" in vault.read("Agenda.md")


# --- the watcher ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


@pytest.fixture
def watching(vault: VaultDir) -> Iterator[Watcher]:
    reports: list[str] = []
    watcher = Watcher(vault.root, Config(), clock=FakeClock(datetime(2026, 11, 26, 12)),
                      report=reports.append, quiet_period=0.1)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    wait_for(watcher.started.is_set, "the first agenda")
    yield watcher
    watcher.stop()
    thread.join(DEADLINE)
    assert not reports, reports


def test_the_watcher_keeps_updating_past_a_value_out_of_range(
    vault: VaultDir, watching: Watcher
) -> None:
    vault.write(*SENTINEL)
    wait_for(lambda: "Sentinel" in vault.read("Agenda.md"), "the sentinel's follow-up")
    for path, text, _, _ in HOSTILE:
        replace(vault, path, text)
    replace(vault, "Contacts/Last.md", "---\ntype: contact\nfollow_up: 2026-11-27\n---\n")
    wait_for(lambda: "Last" in vault.read("Agenda.md"), "a note saved after the bad ones")
    agenda = vault.read("Agenda.md")
    assert "Sentinel" in agenda and "Jane" in agenda  # the bad notes are listed as problems


def test_the_last_day_read_is_still_in_the_calendar(runner: CliRunner, vault: VaultDir) -> None:
    """9000-12-31 and 1900-01-01 are read: every rule's arithmetic on them stays in range."""
    vault.write("Interviews/Last.md", "---\ntype: interview\ndate: 9000-12-31\n---\n")
    vault.write("Interviews/First.md", "---\ntype: interview\ndate: 1900-01-01\n---\n")
    data = agenda_json(runner, vault)
    assert not [p for p in data["problems"] if p["severity"] == "error"]
    assert {item["due"] for item in data["items"] if item["kind"] == "appointment"} == {
        str(date(9000, 12, 31))}


# --- should a rule still fail on a note (a bug), the others go on ---------------------------------


def test_a_rule_failing_on_one_note_costs_only_that_note(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobjournal.core import rules

    real = rules.note_items

    def failing(note: Note, ctx: RuleContext) -> list[Item]:
        if note.path == "Contacts/Jane.md":
            raise OverflowError("date value out of range")
        return real(note, ctx)

    monkeypatch.setattr(rules, "note_items", failing)
    vault.write(*SENTINEL)
    vault.write("Contacts/Jane.md", "---\ntype: contact\nfollow_up: 2026-11-20\n---\n")
    data = agenda_json(runner, vault)
    assert any(item["note"] == SENTINEL[0] for item in data["items"])
    assert not any(item["note"] == "Contacts/Jane.md" for item in data["items"])
    (problem,) = [p for p in data["problems"] if p["note"] == "Contacts/Jane.md"]
    assert problem["severity"] == "error" and problem["line"] == 1
    assert problem["message"] == (
        "jobjournal failed to compute this note's follow-ups (OverflowError: date value out of "
        "range): a bug in jobjournal, please report it with this note; its follow-ups are "
        "missing from the agenda")
    for command in (["check"], ["export", "csv"], ["agenda"]):
        result = runner.invoke(cli, [*command, "--vault", str(vault.root), "--today", TODAY])
        assert result.exit_code == (1 if command == ["check"] else 0), result.output


def test_a_watcher_whose_first_agenda_fails_keeps_watching(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobjournal.core.incremental import IncrementalBuild

    real = IncrementalBuild.build
    calls = []

    def first_fails(self: IncrementalBuild, *args: Any, **kwargs: Any) -> Agenda:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(IncrementalBuild, "build", first_fails)
    reports: list[str] = []
    watcher = Watcher(vault.root, Config(), clock=FakeClock(datetime(2026, 11, 26, 12)),
                      report=reports.append, quiet_period=0.1)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watcher.run()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: watcher.started.is_set() or errors, "the watcher to start")
        assert not errors
        replace(vault, *SENTINEL)
        wait_for(lambda: (vault.root / "Agenda.md").exists()
                 and "Sentinel" in vault.read("Agenda.md"), "the agenda after a save")
    finally:
        watcher.stop()
        thread.join(DEADLINE)
    assert reports == ["error: RuntimeError: boom (a bug in jobjournal: please report it; the "
                       "watcher keeps going, and tries again at the next change)"]


# --- what jobjournal writes into notes stays in range too ----------------------------------------


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [("candidates=0", "0 is out of range: use a whole number from 1 to 10000"),
     ("candidates=99999999999999999999", "is out of range: use a whole number from 1 to 10000"),
     ("date=9999-12-31", f"'9999-12-31' {RANGE}"),
     ("decision_date=0001-01-01", f"'0001-01-01' {RANGE}")],
)
def test_new_refuses_a_value_out_of_range(
    runner: CliRunner, vault: VaultDir, setting: str, fragment: str
) -> None:
    result = runner.invoke(cli, ["--vault", str(vault.root), "new", "interview", "Acme",
                                 "--set", setting])
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "--set" in result.output
    assert not (vault.root / "Interviews").exists()


@pytest.mark.parametrize("cell", ["9999-12-31", "12/31/9999", "Dec 31, 9999", "1899-12-31"])
def test_an_imported_date_out_of_range_is_a_problem_of_its_row(cell: str) -> None:
    from jobjournal.imports.sheet_dates import SheetDateError, parse_sheet_date

    with pytest.raises(SheetDateError) as refused:
        parse_sheet_date(cell, "MDY")
    assert str(refused.value) == f"{cell} {RANGE}"
    assert parse_sheet_date("9000-12-31") == date(9000, 12, 31)


# --- --today -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "said"),
    [("0001-01-05", f"'0001-01-05' {RANGE}"), ("9999-12-31", f"'9999-12-31' {RANGE}"),
     ("1899-12-31", f"'1899-12-31' {RANGE}"),
     ("2026-13-01", "'2026-13-01' is not a valid date (month must be in 1..12)")],
    ids=["0001-01-05", "9999-12-31", "1899-12-31", "2026-13-01"],
)
@pytest.mark.parametrize("command", [["agenda"], ["check"], ["export", "csv"]],
                         ids=lambda command: command[0])
def test_a_today_out_of_the_calendar_is_a_usage_error(
    runner: CliRunner, vault: VaultDir, command: list[str], given: str, said: str
) -> None:
    vault.write(*SENTINEL)
    result = runner.invoke(cli, [*command, "--vault", str(vault.root), "--today", given])
    assert result.exit_code == 2, result.output
    assert said in result.stderr and "--today" in result.stderr
    assert "does not match the format" not in result.stderr  # click's own words
    assert "internal error" not in result.stderr
    assert not (vault.root / "Agenda.md").exists()


@pytest.mark.parametrize("given", ["1900-01-01", "9000-12-31"])
def test_the_first_and_last_days_are_a_today_too(
    runner: CliRunner, vault: VaultDir, given: str
) -> None:
    vault.write(*SENTINEL)
    for command in (["agenda", "--json"], ["check"], ["export", "ics"]):
        result = runner.invoke(cli, [*command, "--vault", str(vault.root), "--today", given])
        assert result.exit_code == 0, result.output
