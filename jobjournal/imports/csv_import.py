"""`import csv`: an existing tracking spreadsheet becomes application notes.

Reading: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode Text"), and, when the
bytes are not UTF-8, Windows-1252 (Excel's "CSV" on Windows), which the report then says. The
delimiter (comma, semicolon or tab) is the one under which the header row names the most known
columns; csv.Sniffer settles a tie, and then the number of columns. Headers are matched without
regard to case, spaces or punctuation ("E-mail", "Date Applied", "job_title"), in any order.

Planning is pure: each row becomes a RowPlan (the notes it would create, or why it is skipped, or
the problem that keeps it out) and nothing is written here. A row is created whole or not at all,
so that fixing a problem and importing the same file again creates exactly what was left out, and
a title that exists anywhere in the vault is never created twice: re-importing changes nothing.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from jobjournal.core.model import CLOSED_STATUSES, OPEN_STATUSES, NoteType
from jobjournal.errors import JobJournalError
from jobjournal.imports.sheet_dates import SheetDateError, parse_sheet_date
from jobjournal.vault.scan import name_key

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
HEADER_SEARCH = 10  # the header row is looked for among this many first non-blank rows

#: Known columns: the field each fills, and the header spellings that name it (normalised: lower
#: case, letters and digits only), the preferred first when a sheet has several.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "company": ("company", "companyname", "employer", "organization", "organisation", "org"),
    "role": ("role", "position", "jobtitle", "positiontitle", "job", "title"),
    "contact": ("contact", "contactname", "contactperson", "recruiter", "recruitername"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "contactphone"),
    "email": ("email", "emailaddress", "contactemail", "mail"),
    "applied": ("applied", "dateapplied", "applicationdate", "applieddate", "appliedon",
                "dateofapplication", "date"),
    "status": ("status", "stage", "applicationstatus"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "source": ("source", "jobsource", "foundvia", "foundon"),
    "url": ("url", "link", "joblink", "joburl", "jobposting", "posting"),
    "location": ("location", "joblocation", "worklocation", "city", "office"),
    "salary": ("salary", "salaryrange", "pay", "payrange", "compensation", "expectedsalary"),
    "follow_up": ("followup", "followupdate", "nextfollowup"),
    "last_contact": ("lastcontact", "lastcontacted", "lastcontactdate"),
    "type": ("type",),
}
KNOWN_KEYS = frozenset(key for keys in ALIASES.values() for key in keys)
JOB_KEYS = frozenset(ALIASES["company"]) | frozenset(ALIASES["role"])
#: Columns of jobjournal's own export that it computes: stale in a file, so not imported.
COMPUTED = frozenset({"nextaction", "nextactiondue", "path"})
#: Obvious spreadsheet statuses, as jobjournal statuses (docs/rules.md, "Notes and fields").
STATUS_MAP: Mapping[str, str] = {
    "interview": "interviewing", "interviews": "interviewing", "interviewed": "interviewing",
    "submitted": "applied", "sent": "applied", "applicationsent": "applied",
    "rejection": "rejected", "offered": "offer", "offerreceived": "offer",
    "withdrew": "withdrawn",
}
STATUSES = OPEN_STATUSES | CLOSED_STATUSES
OTHER_TYPES = frozenset(t.value for t in NoteType) - {NoteType.APPLICATION.value}


def header_key(header: str) -> str:
    """A header as it is matched: "Date Applied", "date_applied" and "E-mail" → "dateapplied"…"""
    return "".join(char for char in header.casefold() if char.isalnum())


#: A CSV file that can't be split into rows here is not read on: past this many rows that
#: don't parse, it is taken for no CSV at all.
MAX_BROKEN = 100
#: How much of the file's start the delimiter is chosen from.
HEAD_CHARS = 1 << 16


@dataclass(frozen=True)
class BrokenRow:
    """A row that doesn't parse (a quote opened and never closed, or closed in mid-cell): where
    it starts, and what is wrong. The rows after it are read from its next line on."""

    line: int
    reason: str


@dataclass(frozen=True)
class Sheet:
    """A CSV file's header, and what reading it through found: its data rows are read again,
    one at a time, by `rows()` (a sheet of a million rows is never held whole)."""

    path: Path
    header: tuple[str, ...]
    delimiter: str
    encoding: str  # as reported: "UTF-8", "Windows-1252", "UTF-16"
    codec: str  # as Python decodes it
    header_row: int = 1
    row_count: int = 0  # data rows, blank ones left out
    broken: tuple[BrokenRow, ...] = ()

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The data rows after the header, each with its row number as a spreadsheet shows it;
        blank rows and rows that don't parse (see `broken`) are left out."""
        with _open_text(self.path, self.codec) as text:
            for number, cells in _records(text, self.delimiter):
                if number > self.header_row and isinstance(cells, tuple) and any(cells):
                    yield number, cells


def read_sheet(path: Path, name: str) -> Sheet:
    """Read a CSV file through once: its encoding, delimiter and header, how many rows it has,
    and which rows don't parse. JobJournalError when it can't be read at all."""
    codec, encoding = _encoding(path, name)
    try:
        return _survey(path, name, codec, encoding)
    except UnicodeDecodeError:
        if codec != "utf-8":
            raise JobJournalError(f"{name} starts like {encoding} text but is not: save it as "
                                  "CSV UTF-8") from None
    # not UTF-8 after all (found past the start): Windows-1252, as older Excel versions save it
    try:
        return _survey(path, name, "cp1252", "Windows-1252")
    except UnicodeDecodeError:
        data = _read_bytes(path, name)
        try:
            data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise JobJournalError(f"{name} is neither UTF-8 nor Windows-1252 text (byte "
                                  f"0x{data[exc.start]:02x} at offset {exc.start}): save it as "
                                  "CSV UTF-8") from None
        raise


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise JobJournalError(f"cannot read {name} ({exc.strerror or exc})") from None


def _encoding(path: Path, name: str) -> tuple[str, str]:
    """The codec to read the file with and its name as reported, from its first bytes."""
    try:
        with open(path, "rb") as file:
            start = file.read(4)
    except OSError as exc:
        raise JobJournalError(f"cannot read {name} ({exc.strerror or exc})") from None
    if start.startswith(b"PK\x03\x04"):
        raise JobJournalError(f"{name} is a workbook (.xlsx or .ods), not CSV: save it as "
                              "\"CSV UTF-8\" from your spreadsheet app and import that")
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    return "utf-8", "UTF-8"


def _open_text(path: Path, codec: str) -> TextIO:
    """The file as text, its line endings kept (as the csv module wants it)."""
    return open(path, encoding=codec, newline="")  # noqa: SIM115 - the caller closes it


def _survey(path: Path, name: str, codec: str, encoding: str) -> Sheet:
    try:
        with _open_text(path, codec) as text:
            head = text.read(HEAD_CHARS)
            if "\x00" in head:
                raise JobJournalError(f"{name} holds NUL bytes: it is not a CSV text file")
            delimiter = choose_delimiter(head)
            text.seek(0)
            leading: list[tuple[int, tuple[str, ...]]] = []  # the first non-blank rows
            header_row, count = 0, 0
            broken: list[BrokenRow] = []
            for number, cells in _records(text, delimiter, nul_is_an_error=name):
                if isinstance(cells, BrokenRow):
                    broken.append(cells)
                    if len(broken) > MAX_BROKEN:
                        raise JobJournalError(
                            f"{name}: more than {MAX_BROKEN} rows don't parse as CSV (the first "
                            f"at line {broken[0].line}: {broken[0].reason})")
                elif not any(cells):
                    continue
                elif not header_row and len(leading) < HEADER_SEARCH:
                    leading.append((number, cells))
                    if {header_key(cell) for cell in cells} & JOB_KEYS:
                        header_row = number  # a title or a note above it is passed over
                        count = 0
                    else:
                        count += 1
                else:
                    count += 1
    except OSError as exc:
        raise JobJournalError(f"cannot read {name} ({exc.strerror or exc})") from None
    if not leading:
        raise JobJournalError(f"{name} is empty: no header row")
    if not header_row:  # no row names a job: the first is the header all the same
        header_row, count = leading[0][0], count - 1
    header = next(cells for number, cells in leading if number == header_row)
    return Sheet(path, header, delimiter, encoding, codec, header_row, count, tuple(broken))


def _records(
    text: TextIO, delimiter: str, nul_is_an_error: str | None = None
) -> Iterator[tuple[int, tuple[str, ...] | BrokenRow]]:
    """Every record of the file with its row number (as a spreadsheet counts rows), its cells
    stripped; a record that doesn't parse is a BrokenRow, and reading goes on from the line
    after the one it started on, so one stray quote never swallows the rest of the file."""
    lines = _Lines(text, nul_is_an_error)
    number = 0
    while True:
        reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True, strict=True)
        try:
            for record in reader:
                number += 1
                lines.record_done()
                yield number, tuple(cell.strip() for cell in record)
            return
        except csv.Error as exc:
            number += 1
            yield number, lines.broken(str(exc))


class _Lines:
    """The file's lines for the csv reader, counted, with those of the record being read kept
    so that they can be read again when it turns out not to parse."""

    def __init__(self, text: TextIO, nul_is_an_error: str | None) -> None:
        self._text = text
        self._again: collections.deque[str] = collections.deque()
        self._record: list[str] = []  # the lines of the record being read
        self._start = 1  # the line it starts on
        self._nul = nul_is_an_error

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._text)
        if self._nul is not None and "\x00" in line:
            raise JobJournalError(f"{self._nul} holds NUL bytes: it is not a CSV text file")
        self._record.append(line)
        return line

    def record_done(self) -> None:
        self._start += len(self._record)
        self._record.clear()

    def broken(self, error: str) -> BrokenRow:
        """The record being read doesn't parse: a BrokenRow for it, and its lines after the
        first put back, to be read again."""
        record, start = self._record, self._start
        lines = len(record)
        if "end of data" in error:
            reason = ("a quoted cell opened on this line is never closed, so every line after "
                      "it would be read into that one cell")
        elif lines > 1:
            reason = (f"a quoted cell opened on this line runs on to line {start + lines - 1}, "
                      "where a quote ends it in the middle of a cell: a quote is missing or "
                      "one too many")
        else:
            reason = ('a quote in the middle of a cell (inside a quoted cell, write a quote as '
                      'two: "")')
        self._again.extendleft(reversed(record[1:]))
        self._record = []
        self._start = start + 1
        return BrokenRow(start, reason)


def choose_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one under which a header row (among the first few) names the
    most known columns; csv.Sniffer's guess settles a tie, then the number of columns."""
    try:
        sniffed: str | None = csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS))\
            .delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, bool, int]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            head = [row for _, row in zip(range(HEADER_SEARCH), reader, strict=False)]
        except csv.Error:
            return -1, False, 0
        known = max((len({header_key(cell) for cell in row} & KNOWN_KEYS) for row in head),
                    default=0)
        return known, delimiter == sniffed, max((len(row) for row in head), default=0)

    return max(DELIMITERS, key=score)



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

    def report(self, *, dry_run: bool) -> list[str]:
        """The report's lines for this row: what happened, then its warnings."""
        lines: list[str] = []
        if self.creates:
            verb = "would create" if dry_run else "created"
            lines.append(f"row {self.row}: {verb} {', '.join(n.path for n in self.creates)}")
        if self.skipped:
            lines.append(f"row {self.row}: skipped: {self.skipped}")
        if self.problem:
            lines.append(f"row {self.row}: problem: {self.problem}")
        return lines + [f"row {self.row}: warning: {warning}" for warning in self.warnings]


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

    def __init__(self, sheet: Sheet, columns: Columns, *, titles: Mapping[str, str],
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
