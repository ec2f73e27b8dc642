"""`jobjournal export csv|xlsx|ics` end to end on real vaults, each read back with the real library
(csv, openpyxl, icalendar) and checked against `agenda --json` (the same notes, the same rules)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar
from openpyxl import load_workbook

from jobjournal.cli import exchange as cli_export
from jobjournal.cli.main import cli
from jobjournal.exports.ics import event_uid
from jobjournal.exports.table import AGENDA_COLUMNS, NOTE_COLUMNS
from jobjournal.exports.xlsx import AGENDA_LAYOUT, NOTE_LAYOUT

from .conftest import VaultDir

NOTES = {
    "Applications/Acme - Backend.md": """\
        ---
        type: application
        company: Acme
        role: Backend Engineer, Platform "Core"
        applied: 2026-11-10
        status: applied
        contact: "[[Dana Recruiter]]"
        location: Berlin (hybrid)
        url: https://jobs.acme.example/123
        salary: 90k-110k EUR
        ---
        ## Log
        - 2026-11-12 Sent my portfolio to [[Dana Recruiter]]
        """,
    "Contacts/Dana Recruiter.md": """\
        ---
        type: contact
        company: Acme
        relationship: recruiter
        phone: "+1 555 0100"
        missed_call: 2026-11-26T09:40
        stay_in_touch: 30
        ---
        """,
    "Interviews/Globex - Platform.md": """\
        ---
        type: interview
        company: Globex
        role: Platform Engineer
        date: 2026-12-01T14:00
        stage: onsite
        recruiter: "[[Dana Recruiter]]"
        hiring_manager: Sam Lee
        status: scheduled
        location: Globex HQ, room 4
        ---
        - [ ] Send portfolio to Dana 📅 2026-11-28
        - [ ] Print the CV 📅 2026-11-29
        - [ ] Print the CV 📅 2026-11-30
        """,
    "Interviews/Initech - Data.md": """\
        ---
        type: interview
        company: Initech
        role: Data Engineer
        date: 2026-11-10T11:00
        decision_date: 2026-11-17
        candidates: 5
        recruiter: Morgan Talent
        status: completed
        ---
        """,
    "Interviews/Hooli - Frontend.md": """\
        ---
        type: interview
        company: Hooli
        role: Frontend
        date: 2026-12-05T09:00
        hiring_manager: Kim
        status: withdrawn
        ---
        """,
    "Meetings/Coffee with Riley.md": """\
        ---
        type: meeting
        date: 2026-12-02
        with: ["[[Riley Engineer]]"]
        purpose: networking
        location: Café Central
        ---
        """,
    "Applications/Formula.md": """\
        ---
        type: application
        company: "=1+1"
        role: "@SUM(A1)"
        applied: 2026-11-25
        ---
        """,
    "Ideas.md": "Not a jobjournal note.\n",
}
TYPED = sorted(path for path in NOTES if path != "Ideas.md")


@pytest.fixture
def full(vault: VaultDir) -> VaultDir:
    for path, text in NOTES.items():
        vault.write(path, text)
    return vault


def run(runner: CliRunner, vault: VaultDir, *args: str, today: str = "2026-11-26") -> Result:
    return runner.invoke(cli, ["export", *args, "--vault", str(vault.root), "--today", today])


def agenda_items(runner: CliRunner, vault: VaultDir, today: str = "2026-11-26") -> list[Any]:
    result = runner.invoke(cli, ["agenda", "--json", "--vault", str(vault.root), "--today", today])
    assert result.exit_code == 0, result.output
    items: list[Any] = json.loads(result.stdout)["items"]
    return items


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- csv ------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_typed_note_with_the_agenda_s_next_action(
    runner: CliRunner, full: VaultDir
) -> None:
    result = run(runner, full, "csv")
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8-sig")
    assert text.startswith(",".join(NOTE_COLUMNS) + "\r\n")
    rows = {row["path"]: row for row in read_csv(result.stdout_bytes)}
    assert sorted(rows) == TYPED  # the ordinary note is left out
    acme = rows["Applications/Acme - Backend.md"]
    assert acme["type"] == "application" and acme["title"] == "Acme - Backend"
    assert acme["role"] == 'Backend Engineer, Platform "Core"'  # quoted, read back intact
    assert (acme["applied"], acme["status"], acme["contact"]) == ("2026-11-10", "applied",
                                                                  "Dana Recruiter")
    assert acme["last_contact"] == "2026-11-12"
    assert (acme["location"], acme["url"], acme["salary"]) == (
        "Berlin (hybrid)", "https://jobs.acme.example/123", "90k-110k EUR")
    assert rows["Meetings/Coffee with Riley.md"]["location"] == "Café Central"
    # how to reach the person to contact, from their contact note; then the warnings, last
    assert list(rows[TYPED[0]])[-3:] == ["phone", "email", "warnings"]
    assert (acme["phone"], acme["email"]) == ("'+1 555 0100", "")  # text, never a formula
    assert rows["Contacts/Dana Recruiter.md"]["phone"] == "'+1 555 0100"
    globex = rows["Interviews/Globex - Platform.md"]
    assert globex["date"] == "2026-12-01 14:00" and globex["contact"] == "Dana Recruiter"
    initech = rows["Interviews/Initech - Data.md"]
    assert (initech["decision_date"], initech["candidates"]) == ("2026-11-17", "5")
    # the next action is the note's earliest agenda item, a call-back before anything
    items = agenda_items(runner, full)
    for path, row in rows.items():
        mine = [item for item in items if item["note"] == path]
        if not mine:
            assert row["next_action"] == row["next_action_due"] == ""
            continue
        first = min(mine, key=lambda i: (i["kind"] != "call-back", i["due"]))
        assert (row["next_action"], row["next_action_due"]) == (first["text"], first["due"])
    assert rows["Contacts/Dana Recruiter.md"]["next_action"].startswith("Call back Dana")
    assert rows["Interviews/Globex - Platform.md"]["next_action"] == "Send portfolio to Dana"


def test_csv_to_a_file_is_the_same_bytes(runner: CliRunner, full: VaultDir,
                                         tmp_path: Path) -> None:
    out = tmp_path / "jobs.csv"
    to_file = run(runner, full, "csv", "-o", str(out))
    assert to_file.exit_code == 0, to_file.output
    assert to_file.stdout == f"{out}: {len(TYPED)} notes\n"
    assert out.read_bytes() == run(runner, full, "csv").stdout_bytes


def test_csv_of_an_empty_vault_is_its_header(runner: CliRunner, vault: VaultDir) -> None:
    result = run(runner, vault, "CSV")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"\xef\xbb\xbf" + (",".join(NOTE_COLUMNS) + "\r\n").encode()


def test_export_mentions_unreadable_notes(runner: CliRunner, full: VaultDir) -> None:
    full.write("Contacts/Broken.md", "---\ntype: contact\nname: [oops\n---\n")
    result = run(runner, full, "csv")
    assert result.exit_code == 0
    assert "1 note could not be read in full" in result.stderr
    assert "Contacts/Broken.md" not in result.stdout


def test_export_refuses_to_write_over_a_note(runner: CliRunner, full: VaultDir) -> None:
    target = full.root / "Agenda.md"
    result = run(runner, full, "csv", "-o", str(target))
    assert result.exit_code == 2
    assert "looks like a note" in result.stderr and not target.exists()


# --- xlsx -----------------------------------------------------------------------------------------


def test_xlsx_has_typed_cells_a_frozen_bold_header_and_filters(
    runner: CliRunner, full: VaultDir, tmp_path: Path
) -> None:
    out = tmp_path / "jobs.xlsx"
    result = run(runner, full, "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Notes", "Agenda"]
    notes = book["Notes"]
    keys = {column.header: column.key for column in NOTE_LAYOUT}
    header = [keys[cell.value] for cell in notes[1]]  # the table's names for the headers
    assert sorted(header) == sorted(NOTE_COLUMNS)
    assert all(cell.font.bold for cell in notes[1])
    assert notes.freeze_panes == "A2"
    assert notes.auto_filter.ref == f"A1:V{len(TYPED) + 1}"
    assert notes.column_dimensions["A"].width > len("title") + 2  # fitted to the titles
    path = header.index("path")
    rows = {row[path]: dict(zip(header, row, strict=True))
            for row in notes.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == TYPED
    acme = rows["Applications/Acme - Backend.md"]
    assert acme["applied"] == datetime(2026, 11, 10)  # a real date (openpyxl reads a datetime)
    assert acme["last_contact"] == datetime(2026, 11, 12)
    assert rows["Interviews/Globex - Platform.md"]["date"] == datetime(2026, 12, 1, 14, 0)
    assert rows["Interviews/Initech - Data.md"]["candidates"] == 5  # a number
    applied = header.index("applied") + 1
    date_cells = [row[applied - 1] for row in notes.iter_rows(min_row=2) if row[applied - 1].value]
    assert date_cells and all(cell.is_date and cell.number_format == "yyyy-mm-dd"
                              for cell in date_cells)
    formula = next(row for row in notes.iter_rows(min_row=2) if row[path].value ==
                   "Applications/Formula.md")
    company = formula[header.index("company")]
    assert company.value == "=1+1" and company.data_type == "s"  # text, never a formula
    assert rows["Applications/Formula.md"]["role"] == "@SUM(A1)"
    assert rows["Applications/Acme - Backend.md"]["salary"] == "90k-110k EUR"


def test_xlsx_agenda_sheet_lists_the_due_items_in_agenda_order(
    runner: CliRunner, full: VaultDir, tmp_path: Path
) -> None:
    out = tmp_path / "jobs.xlsx"
    assert run(runner, full, "xlsx", "-o", str(out)).exit_code == 0
    sheet = load_workbook(out)["Agenda"]
    keys = {column.header: column.key for column in AGENDA_LAYOUT}
    header = [keys[cell.value] for cell in sheet[1]]
    assert sorted(header) == sorted(AGENDA_COLUMNS)
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    # as the table's columns, in the table's order
    rows = [tuple(row[header.index(key)] for key in AGENDA_COLUMNS)
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    items = agenda_items(runner, full)
    assert [(r[0], r[2], r[5], r[8]) for r in rows] == [
        (i["section"], i["kind"], i["text"], i["note"]) for i in items]
    assert AGENDA_COLUMNS[-2:] == ("phone", "email")
    assert [(r[9], r[10]) for r in rows] == [(i["phone"], i["email"]) for i in items]
    assert ("+1 555 0100", None) in [(r[9], r[10]) for r in rows]
    assert rows[0][0] == "call-back"
    due = {(r[2], r[8]): r[1] for r in rows}
    assert due[("appointment", "Interviews/Globex - Platform.md")] == datetime(2026, 12, 1, 14)
    assert due[("appointment", "Meetings/Coffee with Riley.md")] == datetime(2026, 12, 2)


def test_xlsx_to_standard_output(runner: CliRunner, full: VaultDir,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    piped = run(runner, full, "xlsx")
    assert piped.exit_code == 0
    book = load_workbook(io.BytesIO(piped.stdout_bytes))
    assert book.sheetnames == ["Notes", "Agenda"]
    monkeypatch.setattr(cli_export, "_stdout_is_terminal", lambda: True)
    terminal = run(runner, full, "xlsx")
    assert terminal.exit_code == 2
    assert terminal.stdout_bytes == b""
    assert "give -o PATH" in terminal.stderr


# --- ics ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _calendar_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the calendar export remembers between runs goes to this test's own cache folder."""
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))


def calendar_of(result: Result) -> Calendar:
    assert result.exit_code == 0, result.output
    return Calendar.from_ical(result.stdout_bytes)


def events_by_uid(calendar: Calendar) -> dict[str, Any]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_is_valid_and_names_the_calendar(runner: CliRunner, full: VaultDir) -> None:
    result = run(runner, full, "ics")
    calendar = calendar_of(result)
    assert str(calendar["X-WR-CALNAME"]) == "jobjournal"
    assert str(calendar["PRODID"]).startswith("-//jobjournal//")
    assert str(calendar["VERSION"]) == "2.0"
    assert result.stdout_bytes.endswith(b"END:VCALENDAR\r\n")
    events = calendar.walk("VEVENT")
    assert len(events) > 5
    for event in events:
        assert str(event["UID"]).endswith("@jobjournal") and str(event["SUMMARY"])
        # when its note last changed (tests/test_ics.py checks the time itself)
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
        assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
        assert isinstance(event["SEQUENCE"], int)


def test_ics_appointments_at_their_time_all_day_without_one(runner: CliRunner,
                                                           full: VaultDir) -> None:
    full.config('[calendar]\ntimezone = "America/New_York"\n')
    events = events_by_uid(calendar_of(run(runner, full, "ics")))
    globex = events[event_uid("Interviews/Globex - Platform.md", "appointment")]
    new_york = ZoneInfo("America/New_York")
    assert globex["DTSTART"].dt == datetime(2026, 12, 1, 14, 0, tzinfo=new_york)
    assert globex["DTSTART"].params["TZID"] == "America/New_York"
    assert globex["DTEND"].dt == datetime(2026, 12, 1, 15, 0, tzinfo=new_york)  # an hour
    assert str(globex["SUMMARY"]) == "Interview (onsite): Globex - Platform"
    assert str(globex["STATUS"]) == "CONFIRMED"
    assert str(globex["LOCATION"]) == "Globex HQ, room 4"
    assert [str(a["TRIGGER"].to_ical().decode()) for a in globex.walk("VALARM")] == ["-PT1H"]
    coffee = events[event_uid("Meetings/Coffee with Riley.md", "appointment")]
    assert coffee["DTSTART"].dt == date(2026, 12, 2) and not isinstance(coffee["DTSTART"].dt,
                                                                        datetime)
    assert coffee["DTEND"].dt == date(2026, 12, 3)
    # past interviews stay in the calendar; a future one on a closed note is cancelled
    past = events[event_uid("Interviews/Initech - Data.md", "appointment")]
    assert past["DTSTART"].dt == datetime(2026, 11, 10, 11, 0, tzinfo=new_york)
    withdrawn = events[event_uid("Interviews/Hooli - Frontend.md", "appointment")]
    assert str(withdrawn["STATUS"]) == "CANCELLED" and not withdrawn.walk("VALARM")


def test_ics_follow_ups_are_all_day_events_with_a_morning_alarm(runner: CliRunner,
                                                               full: VaultDir) -> None:
    events = events_by_uid(calendar_of(run(runner, full, "ics")))
    items = [item for item in agenda_items(runner, full) if item["kind"] != "appointment"]
    follow_ups = [e for e in events.values() if str(e["TRANSP"]) == "TRANSPARENT"]
    assert len(follow_ups) == len(items) > 5
    all_day = [e for e in follow_ups if e["CATEGORIES"].cats != ["call-back"]]
    # on its due day; an overdue one on today (tests/test_ics.py)
    assert sorted(e["DTSTART"].dt.isoformat() for e in all_day) == sorted(
        max(item["due"], "2026-11-26") for item in items if item["kind"] != "call-back")
    for event in all_day:
        start = event["DTSTART"].dt
        assert isinstance(start, date) and not isinstance(start, datetime)
        assert event["DTEND"].dt == start + timedelta(days=1)
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
        assert alarm["TRIGGER"].dt == timedelta(hours=9)  # 09:00 on the due day
    call_back = events[event_uid("Contacts/Dana Recruiter.md", "call-back")]
    assert call_back["DTSTART"].dt.date() == date(2026, 11, 26)  # at a time: tests/test_ics.py
    assert str(call_back["SUMMARY"]) == "Call back: Dana Recruiter"
    assert "Note: Contacts/Dana Recruiter.md" in str(call_back["DESCRIPTION"])
    assert str(call_back["URL"]).startswith("obsidian://open?vault=vault&file=Contacts%2FDana")
    task = events[event_uid("Interviews/Globex - Platform.md", "task", "Send portfolio to Dana")]
    assert task["DTSTART"].dt == date(2026, 11, 28)
    assert str(task["SUMMARY"]) == "Send portfolio to Dana (Globex - Platform)"


def test_ics_uids_are_stable_across_exports_and_distinct(runner: CliRunner,
                                                         full: VaultDir) -> None:
    first = run(runner, full, "ics")
    again = run(runner, full, "ics")
    assert first.stdout_bytes == again.stdout_bytes  # same vault, same day: the same bytes
    today = events_by_uid(calendar_of(first))
    tomorrow = events_by_uid(calendar_of(run(runner, full, "ics", today="2026-11-27")))
    assert len(today) == len(first.stdout_bytes.split(b"BEGIN:VEVENT")) - 1  # no UID twice
    shared = set(today) & set(tomorrow)
    assert event_uid("Interviews/Globex - Platform.md", "appointment") in shared
    assert event_uid("Contacts/Dana Recruiter.md", "call-back") in shared
    assert event_uid("Interviews/Initech - Data.md", "decision-follow-up") in shared
    # the same summary on both days (but for saying it is overdue): an update of the same
    # event, not a new one
    for uid in shared:
        assert str(tomorrow[uid]["SUMMARY"]).startswith(
            str(today[uid]["SUMMARY"]).removesuffix(" (overdue since 2026-11-19)"))
    # two identical tasks in one note are still two events
    tasks = [e for e in today.values() if str(e["SUMMARY"]).startswith("Print the CV")]
    assert len(tasks) == 2 and len({str(e["UID"]) for e in tasks}) == 2


def test_ics_written_to_a_file(runner: CliRunner, full: VaultDir, tmp_path: Path) -> None:
    out = tmp_path / "jobjournal.ics"
    result = run(runner, full, "ics", "-o", str(out))
    assert result.exit_code == 0, result.output
    count = len(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert result.stdout == f"{out}: {count} events\n"


@pytest.mark.parametrize("command", [["export"], ["import"]])
def test_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output


def test_unknown_format_is_a_usage_error(runner: CliRunner, full: VaultDir) -> None:
    result = run(runner, full, "pdf")
    assert result.exit_code == 2 and "pdf" in result.output
