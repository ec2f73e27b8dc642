"""The calendar export as calendar apps take it: overdue follow-ups on today, a call-back at the
export's moment with an alarm at once, DTSTAMP/LAST-MODIFIED from the note's modification time,
SEQUENCE that grows exactly when an event changes, and times in the vault's zone with its
VTIMEZONE. Every export is read back with icalendar."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from jobjournal.cli.main import cli
from jobjournal.exports.ics import event_uid
from jobjournal.vault.event_memory import memory_file, minutes_since_epoch
from jobjournal.vault.zone import machine_zone_name

from .conftest import VaultDir

BERLIN = ZoneInfo("Europe/Berlin")
#: a fixed modification time for the notes: 2026-12-01 08:30:15 UTC
MTIME = datetime(2026, 12, 1, 8, 30, 15, tzinfo=UTC)

INTERVIEW = """\
    ---
    type: interview
    company: Acme
    role: Backend Engineer
    date: 2026-12-08T15:00Z
    recruiter: "[[Dana Recruiter]]"
    hiring_manager: Sam Lee
    ---
    """
CONTACT = """\
    ---
    type: contact
    relationship: recruiter
    missed_call: 2026-12-03T10:00
    ---
    """
APPLICATION = """\
    ---
    type: application
    company: Initech
    role: Data Engineer
    applied: 2026-11-20
    follow_up: 2026-12-03
    ---
    """


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def remote(vault: VaultDir) -> VaultDir:
    """A Berlin vault: a remote interview set in UTC, a missed call, an application whose
    follow-up was due on Dec 3."""
    vault.config('[calendar]\ntimezone = "Europe/Berlin"\n')
    for path, text in (("Interviews/Acme - Backend.md", INTERVIEW),
                       ("Contacts/Dana Recruiter.md", CONTACT),
                       ("Applications/Initech - Data.md", APPLICATION)):
        touch(vault.write(path, text), MTIME)
    return vault


def touch(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def export(runner: CliRunner, vault: VaultDir, today: str | None = "2026-12-09") -> Result:
    args = ["export", "ics", "--vault", str(vault.root)]
    result = runner.invoke(cli, [*args, "--today", today] if today else args)
    assert result.exit_code == 0, result.output
    return result


def events(result: Result) -> dict[str, Any]:
    calendar = Calendar.from_ical(result.stdout_bytes)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


FOLLOW_UP = event_uid("Applications/Initech - Data.md", "follow-up")
CALL_BACK = event_uid("Contacts/Dana Recruiter.md", "call-back")
INTERVIEW_UID = event_uid("Interviews/Acme - Backend.md", "appointment")


def test_an_overdue_follow_up_sits_on_today_saying_since_when(
    runner: CliRunner, remote: VaultDir
) -> None:
    event = events(export(runner, remote))[FOLLOW_UP]
    assert event["DTSTART"].dt == date(2026, 12, 9)  # today, not Dec 3
    assert event["DTEND"].dt == date(2026, 12, 10)
    assert str(event["SUMMARY"]) == "Follow up: Initech - Data (overdue since 2026-12-03)"
    assert str(event["DESCRIPTION"]).startswith("Overdue since 2026-12-03 (6 days)\n")
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(hours=9)  # 09:00 today: it still rings
    # on its due day it is no different from any other
    due_day = events(export(runner, remote, "2026-12-03"))[FOLLOW_UP]
    assert due_day["DTSTART"].dt == date(2026, 12, 3)
    assert str(due_day["SUMMARY"]) == "Follow up: Initech - Data"


@pytest.fixture
def berlin_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's clock in the vault's zone, as a user's is: the day `agenda` takes from the
    clock and the vault zone's day then agree at every hour (on a machine set to UTC, they differ
    between 23:00 and midnight)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("berlin_clock")
def test_a_call_back_is_an_event_at_the_export_time_with_an_immediate_alarm(
    runner: CliRunner, remote: VaultDir
) -> None:
    before = datetime.now(BERLIN).replace(second=0, microsecond=0)
    first = export(runner, remote, today=None)
    after = datetime.now(BERLIN)
    event = events(first)[CALL_BACK]
    start = event["DTSTART"].dt
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert before <= start <= after
    assert event["DTEND"].dt - start == timedelta(minutes=15)
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(0) and str(alarm["ACTION"]) == "DISPLAY"
    # a refresh later the same day leaves it where it was (its alarm does not ring again)
    assert export(runner, remote, today=None).stdout_bytes == first.stdout_bytes


def test_a_call_back_on_another_day_sits_at_its_morning(runner: CliRunner,
                                                         remote: VaultDir) -> None:
    event = events(export(runner, remote))[CALL_BACK]
    assert event["DTSTART"].dt == datetime(2026, 12, 9, 9, 0, tzinfo=BERLIN)
    # never before the missed call itself
    remote.write("Contacts/Dana Recruiter.md", CONTACT.replace("12-03T10:00", "12-09T11:40"))
    moved = events(export(runner, remote))[CALL_BACK]
    assert moved["DTSTART"].dt == datetime(2026, 12, 9, 11, 40, tzinfo=BERLIN)


def test_dtstamp_and_last_modified_are_when_the_note_changed(runner: CliRunner,
                                                              remote: VaultDir) -> None:
    found = events(export(runner, remote))
    for event in found.values():
        if "URL" in event:  # a note's event (keep-searching is the vault's: its latest change)
            assert event["DTSTAMP"].dt == MTIME
            assert event["LAST-MODIFIED"].dt == MTIME
    later = MTIME + timedelta(days=1, seconds=7)
    touch(remote.root / "Interviews/Acme - Backend.md", later)
    again = events(export(runner, remote))
    assert again[INTERVIEW_UID]["DTSTAMP"].dt == later
    assert again[FOLLOW_UP]["DTSTAMP"].dt == MTIME


def test_an_unchanged_vault_exports_the_same_bytes(runner: CliRunner, remote: VaultDir) -> None:
    assert export(runner, remote).stdout_bytes == export(runner, remote).stdout_bytes


def sequences(result: Result) -> dict[str, int]:
    return {uid: int(event["SEQUENCE"]) for uid, event in events(result).items()}


def test_sequence_grows_when_an_event_changes_and_not_otherwise(
    runner: CliRunner, remote: VaultDir
) -> None:
    first = sequences(export(runner, remote))
    # saved again without a change: DTSTAMP moves, the event is the same
    touch(remote.root / "Interviews/Acme - Backend.md", MTIME + timedelta(hours=1))
    assert sequences(export(runner, remote)) == first
    # rescheduled: the interview's event changes, the application's doesn't
    path = remote.write("Interviews/Acme - Backend.md", INTERVIEW.replace("T15:00Z", "T16:30Z"))
    touch(path, MTIME + timedelta(hours=2))
    moved = sequences(export(runner, remote))
    assert moved[INTERVIEW_UID] > first[INTERVIEW_UID]
    assert moved[FOLLOW_UP] == first[FOLLOW_UP]
    assert sequences(export(runner, remote)) == moved
    # a day later the overdue follow-up moves to the new today: a change, though no note changed
    next_day = sequences(export(runner, remote, "2026-12-10"))
    assert next_day[FOLLOW_UP] > moved[FOLLOW_UP]
    assert next_day[INTERVIEW_UID] == moved[INTERVIEW_UID]


def test_sequence_still_grows_when_the_memory_is_lost(runner: CliRunner, remote: VaultDir) -> None:
    first = sequences(export(runner, remote))
    # a first export: the clock's minutes since 2000, so even a lost memory can't go back
    assert first[INTERVIEW_UID] >= minutes_since_epoch(datetime.now(UTC)) - 1
    memory = memory_file(remote.root)
    assert memory is not None and memory.is_file()
    memory.unlink()
    path = remote.write("Interviews/Acme - Backend.md", INTERVIEW.replace("T15:00Z", "T16:30Z"))
    touch(path, MTIME + timedelta(hours=2))
    assert sequences(export(runner, remote))[INTERVIEW_UID] >= first[INTERVIEW_UID]


def test_timed_events_carry_the_vaults_zone_with_its_vtimezone(
    runner: CliRunner, remote: VaultDir
) -> None:
    result = export(runner, remote)
    calendar = Calendar.from_ical(result.stdout_bytes)
    event = events(result)[INTERVIEW_UID]
    # 15:00 UTC on the invite is 16:00 in Berlin in December
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == datetime(2026, 12, 8, 16, 0, tzinfo=BERLIN)
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    assert b"DTSTART;TZID=Europe/Berlin:20261208T160000\r\n" in result.stdout_bytes
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
    winter = [part for part in zone.walk("STANDARD")
              if part["TZOFFSETTO"].td == timedelta(hours=1)]
    summer = [part for part in zone.walk("DAYLIGHT")
              if part["TZOFFSETTO"].td == timedelta(hours=2)]
    assert winter and summer
    # the zone described in the file itself gives the same instant as the tz database
    assert zone.to_tz().utcoffset(datetime(2026, 12, 8, 16, 0)) == timedelta(hours=1)
    assert zone.to_tz().utcoffset(datetime(2026, 7, 8, 16, 0)) == timedelta(hours=2)


def test_all_day_events_stay_dates_and_need_no_zone(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Applications/Initech - Data.md", APPLICATION)
    result = export(runner, vault)
    assert b"VTIMEZONE" not in result.stdout_bytes
    assert b"TZID" not in result.stdout_bytes


@pytest.mark.parametrize(("tz", "name"), [
    ("Asia/Tokyo", "Asia/Tokyo"),
    (":America/New_York", "America/New_York"),
    ("/usr/share/zoneinfo/Europe/Paris", "Europe/Paris"),
    ("Not/AZone", None),
])
def test_the_machines_zone_by_name(monkeypatch: pytest.MonkeyPatch, tz: str,
                                   name: str | None) -> None:
    monkeypatch.setenv("TZ", tz)
    assert machine_zone_name() == name


def test_an_export_never_writes_into_the_vault(runner: CliRunner, remote: VaultDir,
                                               cache_folder: Path) -> None:
    before = remote.snapshot()
    export(runner, remote, today=None)
    export(runner, remote)
    assert remote.snapshot() == before
    memory = memory_file(remote.root)
    assert memory is not None and [p.name for p in cache_folder.iterdir()] == [memory.name]
