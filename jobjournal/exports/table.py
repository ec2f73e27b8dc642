"""The rows of the spreadsheet exports: one per jobjournal note, one per agenda item.

Shared by csv and xlsx, so both say the same thing. Cells are typed values (text, whole numbers,
dates, date-times, or None for an empty cell); each renderer writes them in its own way. Everything
computed comes from the agenda's own rules: the next action is one of the note's agenda items, and
the last contact and the person to contact come from the engine's RuleContext.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from jobjournal.core.browse import next_action
from jobjournal.core.context import RuleContext
from jobjournal.core.model import Agenda, Item, Note

#: One cell: text, a whole number, a date or a date-time; None is an empty cell.
Cell = str | int | date | datetime | None
Row = tuple[Cell, ...]

#: The Notes columns, in a stable order (scripts rely on it: columns may be added, never moved).
#: Front-matter names where the column is a note's field.
NOTE_COLUMNS = (
    "type", "title", "company", "role", "status", "date", "applied", "decision_date",
    "candidates", "follow_up", "respond_by", "last_contact", "next_action", "next_action_due",
    "contact", "path", "location", "url", "salary", "phone", "email", "warnings",
)  # fmt: skip
#: The Agenda columns: the due items in agenda order (by section, then due date).
AGENDA_COLUMNS = (
    "section", "due", "kind", "title", "contact", "text", "why", "warnings", "note", "phone",
    "email",
)  # fmt: skip


def note_rows(notes: Sequence[Note], agenda: Agenda, ctx: RuleContext) -> list[Row]:
    """One row per jobjournal note (ordinary notes are left out), by path."""
    by_note: dict[str, list[Item]] = defaultdict(list)
    for item in agenda.items:
        if item.note is not None:
            by_note[item.note].append(item)
    problems = problems_by_note(agenda)
    rows: list[Row] = []
    for note in sorted(notes, key=lambda n: n.path):
        if note.type is None:
            continue
        action = next_action(by_note.get(note.path, ()))
        phone, email = _reach(note, agenda, ctx)
        rows.append((
            note.type.value, note.title, note.company, note.role, note.status, note.date,
            note.applied, note.decision_date, note.candidates, note.follow_up, note.respond_by,
            ctx.last_contact(note), action.text if action else None,
            action.due if action else None, ctx.contact_of(note), note.path, note.location,
            note.url, note.salary, phone, email,
            warnings_text(problems.get(note.path, ()),
                          [w for item in by_note.get(note.path, ()) for w in item.warnings]),
        ))
    return rows


def problems_by_note(agenda: Agenda) -> dict[str, list[str]]:
    """What `check` says about each note (its warnings, and its errors marked so), by path.

    An item's own warnings are few (a follow-up too soon, calling too often): most of what a
    row should warn about, such as an interview that is over but still `scheduled`, is a
    problem of the note, which the agenda lists apart from the items."""
    found: dict[str, list[str]] = defaultdict(list)
    for problem in agenda.problems:
        if problem.path is not None:
            found[problem.path].append(
                f"error: {problem.message}" if problem.is_error else problem.message)
    return found


def warnings_text(problems: Sequence[str], item_warnings: Sequence[str]) -> str | None:
    """A row's warnings, one after another: the note's problems, then the items' own warnings
    that no problem already says (the problem about calling too often repeats the item's)."""
    said = list(problems)
    for warning in item_warnings:
        if not any(warning in text for text in said):
            said.append(warning)
    return "; ".join(said) or None


def _reach(note: Note, agenda: Agenda, ctx: RuleContext) -> tuple[str | None, str | None]:
    """The phone and email of the person to contact about a note, from their contact note."""
    person = ctx.contact_note_of(note)
    return agenda.reach.get(person, (None, None)) if person is not None else (None, None)


def item_due(item: Item) -> date | datetime:
    """An item's due date, with the appointment's time when the note gives one."""
    return datetime.combine(item.due, item.at) if item.at is not None else item.due


def agenda_rows(agenda: Agenda) -> list[Row]:
    """One row per agenda item, in agenda order (`later` items, beyond the horizon, included);
    its warnings are the item's own and its note's problems."""
    problems = problems_by_note(agenda)
    return [
        (item.section.value, item_due(item), item.kind.value, item.title, item.contact,
         item.text, item.why,
         warnings_text(problems.get(item.note, ()) if item.note else (), item.warnings),
         item.note,
         *(agenda.reach.get(item.contact_note, (None, None)) if item.contact_note
           else (None, None)))
        for item in agenda.items
    ]


def cell_text(value: Cell) -> str:
    """A cell as text: ISO dates (`2026-11-20`, `2026-12-03 10:00`), numbers, text; "" if empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
