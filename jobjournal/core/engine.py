"""The rules engine: from notes and today to an Agenda. Pure: no clock, no I/O, no state.

`build_agenda` is the reference build, from scratch: one RuleContext (last contacts, links,
working days: `context.py`), the rules of `rules.py` on every note, the warnings, and everything
sorted into a deterministic Agenda. `incremental.IncrementalBuild` gives the same Agenda while
recomputing only what changed notes touch; it uses the per-note pieces defined here
(`note_results`, `item_key`, `problem_key`, `pipeline`), so both share every rule.
The rules, warnings and sections are described in docs/rules.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from jobjournal.config import Config
from jobjournal.core import rules
from jobjournal.core.context import RuleContext, entry_key, make_context
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
    reach_of,
)
from jobjournal.core.rules import your_contacts
from jobjournal.core.workdays import Workdays

#: "Calling too often" looks at contacts whose latest is this recent (today included), so an old
#: burst of calls stops nagging (docs/rules.md, "Warnings").
TOO_OFTEN_RECENT_DAYS = 30
TOO_OFTEN_COUNT = 3


def build_agenda(
    notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
    problems: Sequence[Problem] = (), workdays: Workdays | None = None,
    now: datetime | None = None,
) -> Agenda:
    """Every item due (or waited for) as of `today`, in section order, with the vault's reading
    `problems`, the warnings, and the pipeline counts, computed from scratch.

    `paths` are every scanned note's path, for resolving links (default: the notes' own).
    `now` is the time of day on `today` (None: the end of today, as with `--today`); only the
    warning about a call missed later than now reads it.
    Deterministic: the same notes, today and now give the same Agenda, whatever their order.
    """
    from jobjournal.core.insights import compute_insights  # only this needs the insights

    ctx = make_context(notes, today, config, paths=paths, workdays=workdays)
    items: list[Item] = []
    found = list(problems)
    for note in notes:
        note_items, warnings = note_results(note, ctx)
        items += note_items
        found += warnings
    if now is not None:
        found += [p for note in notes if (p := missed_later_than_now(note, today, now))]
    vault_item = rules.keep_searching(notes, ctx)
    if vault_item is not None:
        items.append(vault_item)
    return Agenda(
        today=today,
        items=tuple(sorted(items, key=item_key)),
        problems=tuple(sorted(found, key=problem_key)),
        pipeline=pipeline(notes),
        reach=reach_table(notes),
        insights=compute_insights(notes, today),
    )


def reach_table(notes: Iterable[Note]) -> dict[str, tuple[str | None, str | None]]:
    """Agenda.reach: each contact note's phone and email, for those that give either."""
    table = {}
    for note in notes:
        reach = reach_of(note)
        if reach is not None:
            table[note.path] = reach
    return table


def note_results(note: Note, ctx: RuleContext) -> tuple[list[Item], list[Problem]]:
    """One note's items and warnings: the part of a build that depends on that note alone,
    given its contacts and the context. One note never stops a build: should a rule fail on it
    (a bug: values are checked where they are read), the note gets an error problem saying so
    instead of its items, and every other note is computed as usual."""
    try:
        return _note_results(note, ctx)
    except Exception as exc:  # noqa: BLE001 - whatever it was, the other notes go on
        return [], [Problem(
            note.path, 1, Severity.ERROR,
            f"jobjournal failed to compute this note's follow-ups ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())}): a bug in jobjournal, please report it with this "
            "note; its follow-ups are missing from the agenda",
        )]


def _note_results(note: Note, ctx: RuleContext) -> tuple[list[Item], list[Problem]]:
    note_items = rules.note_items(note, ctx)
    found: list[Problem] = []
    if note.type is None:
        return note_items, found
    found += note_warnings(note, ctx)
    too_often = calling_too_often(note, ctx)
    if too_often is not None:
        warning, problem = too_often
        note_items = [replace(i, warnings=(*i.warnings, warning)) for i in note_items]
        found.append(problem)
    return note_items, found


_SECTION_ORDER = {section: section.order for section in Section}


def item_key(item: Item) -> tuple[int, date, str, str, str]:
    """Item.sort_key, without looking the section's place up each time: by section, due date,
    note path, kind and text."""
    return (_SECTION_ORDER[item.section], item.due, item.note or "", item.kind.value, item.text)


def problem_key(problem: Problem) -> tuple[str, int, str, str]:
    """Problems are listed by path, line, severity and message."""
    return (problem.path or "", problem.line or 0, problem.severity.value, problem.message)


def calling_too_often(note: Note, ctx: RuleContext) -> tuple[str, Problem] | None:
    """Warning: three or more of your own contacts in the note's Log (`your_contacts`) within
    min_gap_workdays workdays (the last before the first + min_gap), the latest of them in the
    last 30 days. Returns the warning for the note's items and the problem at the line of the
    latest entry."""
    if len(note.log) < TOO_OFTEN_COUNT:
        return None
    today = ctx.today
    recent = today - timedelta(days=TOO_OFTEN_RECENT_DAYS - 1)
    if not any(recent <= e.day <= today for e in note.log):
        return None  # a burst ends with a recent entry: none, no burst (most notes are old)
    gap = ctx.followup.min_gap_workdays
    entries = sorted((e for e in your_contacts(note) if e.day <= today), key=entry_key)
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


#: What every warning about a probable typo says.
TYPO = "probably a typo"
#: What the warning about a call missed later than now says (it alone depends on the clock).
LATER_THAN_NOW = "is later than now"


def probable_typos(note: Note, ctx: RuleContext) -> list[Problem]:
    """Warnings about dates that are probably typos: a Log entry dated after today, a
    decision_date before the day of the interview, an application sent after today, a call
    missed after today (later than now on today: `missed_later_than_now`)."""
    today, found = ctx.today, []
    for entry in note.log:
        if entry.day > today:
            found.append(Problem(
                note.path, entry.line, Severity.WARNING,
                f"Log entry dated {entry.day}, after today ({today}): {TYPO}; it counts as "
                "contact only from that day",
            ))
    if (note.type is NoteType.INTERVIEW and note.decision_date is not None
            and note.date is not None and note.decision_date < day_of(note.date)):
        found.append(Problem(
            note.path, note.line_of("decision_date"), Severity.WARNING,
            f"decision_date {note.decision_date} is before the interview on "
            f"{day_of(note.date)}: {TYPO}",
        ))
    if note.type is NoteType.APPLICATION and note.applied is not None and note.applied > today:
        found.append(Problem(
            note.path, note.line_of("applied"), Severity.WARNING,
            f"applied {note.applied} is after today ({today}): {TYPO}",
        ))
    if note.missed_call is not None and day_of(note.missed_call) > today:
        found.append(Problem(
            note.path, note.line_of("missed_call"), Severity.WARNING,
            f"missed_call {rules.fmt(note.missed_call)} is after today ({today}): {TYPO}",
        ))
    return found


def missed_later_than_now(note: Note, today: date, now: datetime) -> Problem | None:
    """Warning: a jobjournal note's call missed today at a time later than now (a typo)."""
    missed = note.missed_call
    if (note.type is None or not isinstance(missed, datetime) or missed.date() != today
            or missed <= now):
        return None
    return Problem(
        note.path, note.line_of("missed_call"), Severity.WARNING,
        f"missed_call {rules.fmt(missed)} {LATER_THAN_NOW} ({now:%H:%M}): {TYPO}",
    )


def depends_on_the_clock(agenda: Agenda) -> bool:
    """Whether the agenda holds a warning that a later time of day would take back (a call
    missed later than now): such an agenda is not kept for reuse later that day."""
    return any(LATER_THAN_NOW in p.message and TYPO in p.message for p in agenda.problems)


def note_warnings(note: Note, ctx: RuleContext) -> list[Problem]:
    """Warnings as problems: a past interview still `scheduled`; a follow-up too soon; the
    probable typos."""
    found = probable_typos(note, ctx)
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
    return pipeline_of(Counter(pipeline_cell(note) for note in notes))


def pipeline_cell(note: Note) -> tuple[NoteType, str] | None:
    """The pipeline cell a note counts in (None: an ordinary note counts nowhere)."""
    return None if note.type is None else (note.type, note.status or "")


_TYPE_ORDER = {note_type: n for n, note_type in enumerate(NoteType)}


def pipeline_of(counts: Counter[tuple[NoteType, str] | None]) -> tuple[PipelineRow, ...]:
    """Pipeline rows from the number of notes in each cell, by type then status. Every cell
    counted holds a note: the incremental build deletes a cell whose count falls to zero."""
    return tuple(
        PipelineRow(cell[0], cell[1], count)
        for cell, count in sorted(
            ((cell, count) for cell, count in counts.items() if cell is not None),
            key=lambda kv: (_TYPE_ORDER[kv[0][0]], kv[0][1]),
        )
    )
