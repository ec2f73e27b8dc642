"""The engine's warnings (core/engine.py), at the edges of the days they look at."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jobjournal.config import Config
from jobjournal.core.engine import build_agenda
from jobjournal.core.model import LogEntry, Note, NoteType, Problem, Severity
from jobjournal.core.workdays import Workdays

T = date(2026, 11, 26)  # a Thursday
PATH = "Contacts/Dana Recruiter.md"
SUN_THU = ("sun", "mon", "tue", "wed", "thu")


def calls(*days: str) -> tuple[LogEntry, ...]:
    return tuple(LogEntry(date.fromisoformat(day), "Called", 10 + n) for n, day in enumerate(days))


def too_often(*days: str) -> list[str]:
    note = Note(PATH, NoteType.CONTACT, log=calls(*days))
    return [p.message for p in build_agenda([note], T, Config()).problems
            if "calling too often" in p.message]


@pytest.mark.parametrize(
    ("days", "between"),
    [
        (("2026-11-26", "2026-11-26", "2026-11-26"), "3 contacts between 2026-11-26 and 2026-11-26"),
        (("2026-11-24", "2026-11-25", "2026-11-26"), "3 contacts between 2026-11-24 and 2026-11-26"),
    ],
)
def test_calls_made_today_count(days: tuple[str, ...], between: str) -> None:
    assert too_often(*days) == [
        f"calling too often: {between}; don't appear anxious: give it time to play out and don't "
        "call again before 2026-12-03"]


def test_calls_planned_after_today_do_not_count() -> None:
    assert too_often("2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30") == []


def test_the_warning_is_at_the_line_of_the_latest_call_by_its_time() -> None:
    log = (LogEntry(datetime(2026, 11, 26, 15, 0), "Called back", 10),
           LogEntry(datetime(2026, 11, 26, 9, 0), "Called", 11),  # written after, made before
           LogEntry(date(2026, 11, 25), "Emailed", 12))
    note = Note(PATH, NoteType.CONTACT, log=log)
    (problem,) = [p for p in build_agenda([note], T, Config()).problems
                  if "calling too often" in p.message]
    assert problem.line == 10


def test_the_working_days_given_are_the_ones_used() -> None:
    # the build is handed working days made beforehand: Sunday to Thursday here
    note = Note("Referrals/Pat.md", NoteType.REFERRAL, date=T)
    (item,) = build_agenda([note], T, Config(), workdays=Workdays(SUN_THU)).items
    assert item.due == date(2026, 11, 29)  # the next working day is Sunday
    (item,) = build_agenda([note], T, Config()).items
    assert item.due == date(2026, 11, 27)


def test_a_problem_with_the_whole_file_comes_before_those_at_its_lines() -> None:
    at_line = Problem("Notes/A.md", 1, Severity.ERROR, "a problem at line 1")
    whole = Problem("Notes/A.md", None, Severity.ERROR, "the file is larger than 4 MiB: not read")
    assert build_agenda([], T, Config(), problems=[at_line, whole]).problems == (whole, at_line)


def test_the_vault_wide_item_comes_before_notes_items_due_the_same_day_in_its_section() -> None:
    """Items sort by due date, then note path; keep-searching has no note, so it comes first."""
    notes = [Note("Interviews/Acme.md", NoteType.INTERVIEW, date=date(2026, 11, 10),
                  status="waiting", company="Acme", role="SRE")]
    needs_info = [(item.kind.value, item.note) for item in build_agenda(notes, T, Config()).items
                  if item.section.value == "needs-info"]
    assert needs_info == [("keep-searching", None), ("ask-decision-date", "Interviews/Acme.md")]
