"""The facts `jobjournal show` and `jobjournal list` print, and their text (README, "Commands").

Pure: notes and their agenda in, rows and text out. `show` gives one note's fields and its items
(kind, due, why, whom to contact); `list` one row per note, with its next action.
"""

from __future__ import annotations

import json
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import click

from jobjournal.core.model import Agenda, Item, Kind, Link, Note, Problem, Section
from jobjournal.core.render import _plain

#: Note attributes that are not front-matter fields, and the two whose names differ.
_NOT_FIELDS = frozenset({"path", "type", "log", "tasks", "lines"})
_FIELD_NAMES = {"with_": "with", "from_": "from"}
_MIN_WIDTH = 24


def next_action(items: Iterable[Item]) -> Item | None:
    """A note's next action: a call-back before anything (recruiters move on within hours), else
    the item due first; ties go as in the agenda."""
    return min(items, key=lambda item: (item.kind is not Kind.CALL_BACK, item.due,
                                        item.sort_key()), default=None)


def _text(value: Any) -> str:
    if isinstance(value, Link):
        return f"[[{value.target}]]" if value.is_wikilink else value.target
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if value is True:
        return "yes"
    return str(value)


def note_fields(note: Note) -> list[tuple[str, str]]:
    """The note's fields that hold a value, as (front-matter name, text), in a stable order:
    `type` and `status` first, then the fields as docs/rules.md lists them."""
    found = [("type", note.type.value if note.type else "(none: an ordinary note)")]
    for spec in fields(note):
        if spec.name in _NOT_FIELDS:
            continue
        value = getattr(note, spec.name)
        if value is None or value == () or value == "" or value is False:
            continue
        found.append((_FIELD_NAMES.get(spec.name, spec.name), _plain(_text(value))))
    return found


@dataclass(frozen=True)
class Reach:
    """Whom to contact about an item: their name, note, phone and email (each when known)."""

    name: str | None
    note: str | None
    phone: str | None
    email: str | None

    @classmethod
    def of(cls, item: Item, reach: Mapping[str, tuple[str | None, str | None]]) -> Reach:
        phone, email = reach.get(item.contact_note, (None, None)) if item.contact_note else (
            None, None)
        return cls(item.contact, item.contact_note, phone, email)

    def text(self) -> str:
        parts = [self.name or ""]
        if self.note:
            parts[0] += f" ({self.note})"
        parts += [part for part in (self.phone, self.email) if part]
        return " · ".join(_plain(part) for part in parts if part)


def _term(text: str, width: int, indent: str = "", more: str = "  ") -> list[str]:
    return textwrap.wrap(text, max(width, _MIN_WIDTH), initial_indent=indent,
                         subsequent_indent=" " * len(indent) + more,
                         break_on_hyphens=False) or [indent.rstrip()]


def _style(text: str, color: bool, **styles: Any) -> str:
    return click.style(text, **styles) if color else text


def render_show(
    note: Note, agenda: Agenda, last_contact: date | None, problems: Sequence[Problem], *,
    width: int = 80, color: bool = False,
) -> str:
    """One note for the terminal: its title and path, its fields, its last contact, its items
    (kind, due, section, text, why, whom to contact, warnings) and its problems, wrapped at
    `width` columns, coloured only when `color`."""
    lines = _term(f"{_plain(note.title)} — {_plain(note.path)}", width, more="")
    if color:
        lines = [_style(line, color, bold=True) for line in lines]
    for name, value in note_fields(note):
        lines += _term(f"{name}: {value}", width, "  ", "    ")
    if last_contact is not None:
        lines += _term(f"last contact: {last_contact.isoformat()}", width, "  ", "    ")
    items = [item for item in agenda.items if item.note == note.path]
    lines += ["", _style(f"Items ({len(items)})" if items else "No items", color, bold=True)]
    for item in items:
        due = item.due.isoformat() + (f" {item.at:%H:%M}" if item.at else "")
        where = item.section.value
        if item.section is Section.OVERDUE:
            days = (agenda.today - item.due).days
            where += f", {days} day{'s' if days != 1 else ''}"
        head = f"{item.kind.value}, due {due} ({where}): {_plain(item.text)}"
        lines += [_style(line, color, bold=True) if n == 0 else line
                  for n, line in enumerate(_term(head, width, "- ", "  "))]
        if item.why:
            lines += _term(f"why: {_plain(item.why)}", width, "    ", "  ")
        whom = Reach.of(item, agenda.reach).text()
        if whom:
            lines += _term(f"contact: {whom}", width, "    ", "  ")
        for warning in item.warnings:
            lines += [_style(line, color, fg="yellow")
                      for line in _term(f"⚠ {_plain(warning)}", width, "    ", "  ")]
    if problems:
        lines += ["", _style("Problems", color, bold=True)]
        for problem in problems:
            where = f"line {problem.line}" if problem.line is not None else "note"
            lines += _term(f"{where}: {problem.severity.value}: {_plain(problem.message)}",
                           width, "  ", "    ")
    return "\n".join(lines) + "\n"


# --- list -----------------------------------------------------------------------------------------

#: `list --json` keys, in order (a public interface: add keys, never rename or remove them).
LIST_KEYS = ("note", "title", "type", "status", "company", "role", "next_action", "due")
_HEADERS = ("Title", "Type", "Status", "Company", "Role", "Next action", "Due")


@dataclass(frozen=True)
class ListRow:
    """One note in `list`: what it is, where it stands, and what to do next."""

    note: str
    title: str
    type: str
    status: str | None
    company: str | None
    role: str | None
    next_action: str | None
    due: date | None


def list_rows(
    notes: Iterable[Note], agenda: Agenda, *, note_type: str | None = None,
    status: str | None = None,
) -> list[ListRow]:
    """One row per jobjournal note (of `note_type`, with `status` when given), by path."""
    by_note: dict[str, list[Item]] = defaultdict(list)
    for item in agenda.items:
        if item.note is not None:
            by_note[item.note].append(item)
    rows = []
    for note in sorted(notes, key=lambda n: n.path):
        if note.type is None or (note_type is not None and note.type.value != note_type):
            continue
        if status is not None and (note.status or "") != status.strip().lower():
            continue
        action = next_action(by_note.get(note.path, ()))
        rows.append(ListRow(note.path, note.title, note.type.value, note.status, note.company,
                            note.role, action.text if action else None,
                            action.due if action else None))
    return rows


def render_list_json(rows: Sequence[ListRow]) -> str:
    """The rows as a JSON list of objects with LIST_KEYS."""
    data = [{key: getattr(row, key) for key in LIST_KEYS} for row in rows]
    for entry in data:
        entry["due"] = entry["due"].isoformat() if entry["due"] else None
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: Which columns a narrow terminal drops first (role, company, status, type); title, next action
#: and due always stay.
_DROPPED_FIRST = (4, 3, 2, 1)


def _fit(widths: list[int], width: int) -> list[int]:
    """Column widths that fit in `width` with two spaces between columns: the widest column
    gives way first, none below 4; when even that is too wide, columns are left out (width 0)
    in the order of _DROPPED_FIRST."""
    widths = list(widths)
    room = max(width, _MIN_WIDTH)
    for drop in _DROPPED_FIRST:
        kept = [w for w in widths if w]
        if sum(min(w, 4) for w in kept) + 2 * (len(kept) - 1) <= room:
            break
        widths[drop] = 0
    kept = [w for w in widths if w]
    room -= 2 * (len(kept) - 1)
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda n: widths[n])
        if widths[widest] <= 4:
            break
        widths[widest] -= 1
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_list(rows: Sequence[ListRow], *, width: int = 80, color: bool = False) -> str:
    """The rows as a table that fits in `width` columns (long cells cut with "…"), the header
    bold when `color`; "No notes." when there are none."""
    if not rows:
        return "No notes.\n"
    cells = [[_plain(value or "") for value in (
        row.title, row.type, row.status, row.company, row.role, row.next_action,
        row.due.isoformat() if row.due else None)] for row in rows]
    widths = _fit([max(len(h), *(len(r[n]) for r in cells)) for n, h in enumerate(_HEADERS)],
                  width)

    def line(values: Sequence[str]) -> str:
        return "  ".join(_cut(v, w).ljust(w) for v, w in zip(values, widths, strict=True)
                         if w).rstrip()

    out = [_style(line(_HEADERS), color, bold=True)]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"
