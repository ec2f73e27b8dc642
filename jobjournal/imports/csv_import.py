"""`import csv` and `import xlsx`: an existing tracking spreadsheet (a CSV file read by
csv_sheet.py, or a workbook's sheet read by xlsx_sheet.py) becomes application notes.

Planning is pure: each row becomes a RowPlan (the notes it would create, or why it is skipped, or
the problem that keeps it out) and nothing is written here. A row is created whole or not at all,
so that fixing a problem and importing the same file again creates exactly what was left out, and
a title that exists anywhere in the vault is never created twice: re-importing changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from jobjournal.core.model import CLOSED_STATUSES, OPEN_STATUSES, NoteType
from jobjournal.imports.csv_sheet import ALIASES, header_key
from jobjournal.imports.sheet_dates import SheetDateError, parse_sheet_date
from jobjournal.vault.scan import name_key

#: Columns of jobjournal's own export that it computes: stale in a file, so not imported.
COMPUTED = frozenset({"nextaction", "nextactiondue", "path", "warnings", "due"})
#: Obvious spreadsheet statuses, as jobjournal statuses (docs/rules.md, "Notes and fields").
STATUS_MAP: Mapping[str, str] = {
    "interview": "interviewing", "interviews": "interviewing", "interviewed": "interviewing",
    "submitted": "applied", "sent": "applied", "applicationsent": "applied",
    "rejection": "rejected", "offered": "offer", "offerreceived": "offer",
    "withdrew": "withdrawn",
}
STATUSES = OPEN_STATUSES | CLOSED_STATUSES
OTHER_TYPES = frozenset(t.value for t in NoteType) - {NoteType.APPLICATION.value}


class Table(Protocol):
    """A spreadsheet as the import reads it: a CSV file (csv_sheet.Sheet) or a workbook's sheet
    (xlsx_sheet.XlsxSheet), its cells as text."""

    @property
    def header(self) -> tuple[str, ...]: ...

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The data rows after the header, each with its row number."""
        ...


@dataclass(frozen=True)
class Columns:
    """Which column fills which field; the others go into the note's body."""

    fields: Mapping[str, int]  # field → column index; "title": the note's own title
    extra: tuple[int, ...]  # columns written into the body as "Header: value"
    ignored: tuple[int, ...]  # jobjournal's computed export columns

    def describe(self, header: Sequence[str]) -> str:
        """`Company → company, Perks → note text, …`, in the file's column order."""
        def label(i: int) -> str:
            return header[i] or f"Column {i + 1}"

        named = [(i, f"{label(i)} → {name}") for name, i in self.fields.items()]
        named += [(i, f"{label(i)} → note text") for i in self.extra]
        named += [(i, f"{label(i)} → not imported (computed)") for i in self.ignored]
        return ", ".join(text for _, text in sorted(named))


def map_columns(header: Sequence[str]) -> Columns:
    """Each field takes the column with its most preferred spelling (the leftmost of equals)."""
    keys = [header_key(cell) for cell in header]
    fields: dict[str, int] = {}
    for name, aliases in ALIASES.items():
        found = [(aliases.index(key), index) for index, key in enumerate(keys) if key in aliases]
        if found:
            fields[name] = min(found)[1]
    own_export = {"type", "title", "role", "path", "nextaction"} <= set(keys)
    if own_export:
        fields["title"] = keys.index("title")  # there, the note's title (and Role the role)
    used = set(fields.values())
    ignored = tuple(i for i, key in enumerate(keys) if own_export and key in COMPUTED)
    extra = tuple(i for i in range(len(header)) if i not in used and i not in ignored)
    return Columns(fields, extra, ignored)


class Quoted(str):
    """Text written in quotes: a phone number like 0612345678 is text to PyYAML when bare, but a
    number to YAML 1.2 readers such as Obsidian's, which would drop its leading zero."""

    __slots__ = ()


@dataclass(frozen=True)
class NewNote:
    """A note to create: where, of which type, and what to set and write in it."""

    path: str
    type: NoteType
    title: str
    fields: tuple[tuple[str, object], ...]
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowPlan:
    """What one row does: create notes, or be skipped (and why), or stay out with a problem."""

    row: int
    creates: tuple[NewNote, ...] = ()
    skipped: str | None = None
    problem: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def report(self, *, dry_run: bool, sheet: str | None = None) -> list[str]:
        """The report's lines for this row (`sheet NAME, row N:` in a workbook): what
        happened, then its warnings."""
        where = f"sheet {sheet}, row {self.row}" if sheet is not None else f"row {self.row}"
        lines: list[str] = []
        if self.creates:
            verb = "would create" if dry_run else "created"
            lines.append(f"{where}: {verb} {', '.join(n.path for n in self.creates)}")
        if self.skipped:
            lines.append(f"{where}: skipped: {self.skipped}")
        if self.problem:
            lines.append(f"{where}: problem: {self.problem}")
        return lines + [f"{where}: warning: {warning}" for warning in self.warnings]


def map_status(raw: str) -> tuple[str, str | None]:
    """A spreadsheet status as a jobjournal status, with a warning when it is none of them."""
    key = header_key(raw)
    if key in STATUSES:
        return key, None
    if key in STATUS_MAP:
        return STATUS_MAP[key], None
    known = ", ".join(sorted(OPEN_STATUSES)) + "; closed: " + ", ".join(sorted(CLOSED_STATUSES))
    return raw, (f'status "{raw}" is not a jobjournal status: kept as it is (it counts as '
                 f"open; jobjournal knows {known})")


class Planner:
    """Plans rows one after another, remembering the titles taken (the vault's and the planned)."""

    def __init__(self, sheet: Table, columns: Columns, *, titles: Mapping[str, str],
                 folders: Mapping[str, str], date_order: str | None,
                 make_title: Callable[[str], str]) -> None:
        self.sheet, self.columns = sheet, columns
        self.titles = dict(titles)  # name_key(title) → path, of the vault's notes and new ones
        self.planned: dict[str, int] = {}  # name_key(an application's title) → its row
        self.folders, self.date_order, self.make_title = folders, date_order, make_title

    def plan(self) -> Iterator[RowPlan]:
        """Each data row's plan, one at a time, as the sheet is read."""
        for number, cells in self.sheet.rows():
            yield self.plan_row(number, cells)

    def cell(self, cells: Sequence[str], name: str) -> str:
        index = self.columns.fields.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def plan_row(self, number: int, cells: Sequence[str]) -> RowPlan:
        def value(name: str) -> str:
            return self.cell(cells, name)

        kind = value("type").casefold()
        if kind in OTHER_TYPES:
            article = "an" if kind[0] in "aeiou" else "a"
            return RowPlan(number, skipped=f"{article} {kind}, not an application (import "
                           f"creates applications; add it with `jobjournal new {kind}`)")
        company, role = value("company"), value("role")
        if not company and not role:
            return RowPlan(number, skipped="no company or role")
        raw_title = value("title") or " - ".join(part for part in (company, role) if part)
        try:
            title = self.make_title(raw_title)
        except ValueError as exc:
            return RowPlan(number, problem=f"no note title can be made of {raw_title!r} ({exc})")
        key = name_key(title)
        if key in self.planned:
            return RowPlan(number, skipped=f"the same note as row {self.planned[key]} "
                           f"({self.titles[key]})")
        existing = self.titles.get(key)
        if existing is not None:
            return RowPlan(number, skipped=f"{existing} exists")
        try:
            dates = {name: self.date(value(name)) for name in ("applied", "follow_up",
                                                                 "last_contact")}
        except SheetDateError as exc:
            return RowPlan(number, problem=str(exc))
        warnings: list[str] = []
        fields: list[tuple[str, object]] = [("company", company or None), ("role", role or None),
                                            ("applied", dates["applied"])]
        if dates["applied"] is None:
            warnings.append("no application date: `applied` left empty (fill it in; "
                            "`jobjournal check` reports it until then)")
        if value("status"):
            status, warning = map_status(value("status"))
            fields.append(("status", status))
            warnings += [warning] if warning else []
        fields += [(name, " ".join(value(name).split())) for name in ("source", "location",
                                                                       "url", "salary")
                   if value(name).strip()]
        creates: list[NewNote] = []
        contact = self.contact(value("contact"), cells, title, company, warnings, creates)
        if contact is not None:
            fields.append(("contact", contact))
        fields += [(name, dates[name]) for name in ("follow_up", "last_contact") if dates[name]]
        path = f"{self.folders[NoteType.APPLICATION.value]}/{title}.md"
        application = NewNote(path, NoteType.APPLICATION, title, tuple(fields),
                              self.body(cells))
        creates.insert(0, application)
        for note in creates:
            self.titles[name_key(note.title)] = note.path
        self.planned[key] = number
        return RowPlan(number, creates=tuple(creates), warnings=tuple(warnings))

    def date(self, text: str) -> date | None:
        return parse_sheet_date(text, self.date_order) if text else None

    def contact(self, raw: str, cells: Sequence[str], application: str, company: str,
                warnings: list[str], creates: list[NewNote]) -> str | None:
        """The application's `contact`: a link to the person's note, made when it is new."""
        name = raw.strip().removeprefix("[[").removesuffix("]]").split("|")[0].strip()
        if not name:
            return None
        try:
            title = self.make_title(name)
        except ValueError as exc:
            warnings.append(f"contact {name!r} can't be a note title ({exc}): written as text")
            return name
        if name_key(title) == name_key(application):
            warnings.append(f"contact {name!r} has the application's own title: written as text")
            return name
        existing = self.titles.get(name_key(title))
        if existing is not None:
            return f"[[{existing.rpartition('/')[2].removesuffix('.md')}]]"
        recruiter = header_key(self.sheet.header[self.columns.fields["contact"]]).startswith(
            "recruiter")
        fields = [(name, value) for name, value in (
            ("company", company), ("relationship", "recruiter" if recruiter else ""),
            ("phone", Quoted(self.cell(cells, "phone"))), ("email", self.cell(cells, "email")))
            if value]
        path = f"{self.folders[NoteType.CONTACT.value]}/{title}.md"
        creates.append(NewNote(path, NoteType.CONTACT, title, tuple(fields)))
        return f"[[{title}]]"

    def body(self, cells: Sequence[str]) -> tuple[str, ...]:
        """The note's text: the Notes column as written, then every other column as a line."""
        notes = self.cell(cells, "notes").replace("\r\n", "\n").replace("\r", "\n").strip()
        lines = notes.split("\n") if notes else []
        extra = [(self.sheet.header[i] or f"Column {i + 1}", cells[i])
                 for i in self.columns.extra if i < len(cells) and cells[i]]
        kind = self.cell(cells, "type")
        if kind and kind.casefold() != NoteType.APPLICATION.value:  # "Full-time", say
            extra.insert(0, (self.sheet.header[self.columns.fields["type"]], kind))
        extra += [(f"Column {i + 1}", text) for i, text in enumerate(cells)
                  if i >= len(self.sheet.header) and text]
        if lines and extra:
            lines.append("")
        lines += [f"- {header}: {' '.join(text.split())}" for header, text in extra]
        return tuple(lines)
