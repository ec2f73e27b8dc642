"""The rules engine: from notes and today to an Agenda (PRODUCT §3, §4.1). Pure: no clock, no I/O.

`build_agenda` builds one RuleContext (last contacts, links, working days: `context.py`), runs the
rules of `rules.py` on every note, adds the §3 warnings, and sorts everything into a deterministic
Agenda. What the previous build computed is reused where its inputs did not change (`reuse.py`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from jobjournal.config import Config
from jobjournal.core import rules
from jobjournal.core.context import (
    FIXED_SECTIONS,
    RuleContext,
    entry_key,
    make_context,
    section_for,
)
from jobjournal.core.incremental import Reuse
from jobjournal.core.model import (
    Agenda,
    Item,
    LogEntry,
    Note,
    NoteType,
    PipelineRow,
    Problem,
    Section,
    Severity,
    day_of,
)
from jobjournal.core.workdays import Workdays

__all__ = [
    "FIXED_SECTIONS",
    "RuleContext",
    "build_agenda",
    "calling_too_often",
    "make_context",
    "note_warnings",
    "pipeline",
    "prepare",
    "section_for",
]

#: PRODUCT §3 warnings: "calling too often" looks at contacts whose latest is this recent (today
#: included), so an old burst of calls stops nagging.
TOO_OFTEN_RECENT_DAYS = 30
TOO_OFTEN_COUNT = 3


def build_agenda(
    notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
    problems: Sequence[Problem] = (), workdays: Workdays | None = None,
) -> Agenda:
    """PRODUCT §3–§4.1: every item due (or waited for) as of `today`, in section order, with the
    vault's reading `problems` and the §3 warnings, and the pipeline counts.
    Deterministic: the same notes and today give the same Agenda, whatever their order.

    What the previous build computed is reused where its inputs did not change (`reuse.Reuse`),
    so a watcher's rebuild after one saved note costs little; the result is the same as from
    scratch.
    """
    with _REUSE_LOCK:
        ctx, items, found = _REUSE.build(
            notes, today, config, paths, problems, workdays, _note_results
        )
        return _assemble(notes, ctx, items, found)


def prepare(paths: Sequence[str], config: Config) -> None:
    """Get ready for a build over the notes at these paths: the link index and the working days
    are made now (a command calls this while other processes are still reading the notes, so
    the build that follows has less left to do). Changes no result."""
    with _REUSE_LOCK:
        _REUSE.prepare(paths, config)


def _note_results(note: Note, ctx: RuleContext) -> tuple[list[Item], list[Problem]]:
    """One note's items and warnings (§3), the part of a build that depends on that note alone,
    given its contacts and the context."""
    note_items = rules.note_items(note, ctx)
    found: list[Problem] = []
    if note.type is None:
        return note_items, found
    # (the checks below only spare calls: each function asks them again)
    if note.follow_up is not None or note.type is NoteType.INTERVIEW:
        found += note_warnings(note, ctx)
    if len(note.log) >= TOO_OFTEN_COUNT:
        too_often = calling_too_often(note, ctx)
        if too_often is not None:
            warning, problem = too_often
            note_items = [replace(i, warnings=(*i.warnings, warning)) for i in note_items]
            found.append(problem)
    return note_items, found


def _assemble(
    notes: Sequence[Note], ctx: RuleContext, items: list[Item], found: list[Problem]
) -> Agenda:
    vault_item = rules.keep_searching(notes, ctx)
    if vault_item is not None:
        items.append(vault_item)
    return Agenda(
        today=ctx.today,
        items=tuple(sorted(items, key=_item_key)),
        problems=tuple(sorted(found, key=_problem_key)),
        pipeline=pipeline(notes),
    )


_SECTION_ORDER = {section: section.order for section in Section}


def _item_key(item: Item) -> tuple[int, date, str, str, str]:
    """Item.sort_key, without looking the section's place up each time."""
    return (_SECTION_ORDER[item.section], item.due, item.note or "", item.kind.value, item.text)


_REUSE = Reuse()
_REUSE_LOCK = threading.Lock()


def _problem_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path or "", problem.line or 0, problem.severity.value, problem.message)


def calling_too_often(note: Note, ctx: RuleContext) -> tuple[str, Problem] | None:
    """§3 warning: three or more of the note's own Log entries within min_gap_workdays workdays
    (the last before the first + min_gap), the latest of them in the last 30 days. Returns the
    warning for the note's items and the problem at the line of the latest entry."""
    if len(note.log) < TOO_OFTEN_COUNT:
        return None
    today = ctx.today
    recent = today - timedelta(days=TOO_OFTEN_RECENT_DAYS - 1)
    if not any(recent <= e.day <= today for e in note.log):
        return None  # a burst ends with a recent entry: none, no burst (most notes are old)
    gap = ctx.followup.min_gap_workdays
    entries = sorted((e for e in note.log if e.day <= today), key=entry_key)
    first = 0
    burst: tuple[LogEntry, LogEntry, int] | None = None
    for last, entry in enumerate(entries):
        while first < last and entry.day >= ctx.workdays.add(entries[first].day, gap):
            first += 1
        if last - first + 1 >= TOO_OFTEN_COUNT and entry.day >= recent:
            burst = (entries[first], entry, last - first + 1)
    if burst is None:
        return None
    start, end, count = burst
    warning = f"calling too often: {count} contacts between {start.day} and {end.day}"
    wait = ctx.workdays.add(end.day, gap)
    problem = Problem(
        note.path, end.line, Severity.WARNING,
        f"{warning}; don't appear anxious: give it time to play out and don't call again "
        f"before {wait}",
    )
    return warning, problem


def note_warnings(note: Note, ctx: RuleContext) -> list[Problem]:
    """§3 warnings as problems: a past interview still `scheduled`; a follow-up too soon."""
    found: list[Problem] = []
    if (note.type is NoteType.INTERVIEW and note.date is not None and note.status == "scheduled"
            and day_of(note.date) < ctx.today):
        found.append(Problem(
            note.path, note.line_of("status"), Severity.WARNING,
            f"the interview on {day_of(note.date)} is over but its status is still scheduled: "
            "set status to completed (or to what happened)",
        ))
    too_soon = rules.follow_up_too_soon(note, ctx)
    if too_soon is not None:
        earliest = ctx.workdays.add(ctx.last_contacts[note.path], ctx.followup.min_gap_workdays)
        found.append(Problem(
            note.path, note.line_of("follow_up"), Severity.WARNING,
            f"follow_up {note.follow_up} is {too_soon}: don't call too often — "
            f"move it to {earliest} or later",
        ))
    return found


def pipeline(notes: Iterable[Note]) -> tuple[PipelineRow, ...]:
    """How many jobjournal notes there are of each type and status ("" for none)."""
    counts = Counter((note.type, note.status or "") for note in notes if note.type is not None)
    order = list(NoteType)
    return tuple(
        PipelineRow(type_, status, count)
        for (type_, status), count in sorted(counts.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                             kv[0][1]))
    )
