"""Reading a tracking spreadsheet saved as CSV (for `import csv`), row by row.

Encodings: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode Text"), and, when
the bytes are not UTF-8, Windows-1252 (Excel's "CSV" on Windows), which the report then says.
The delimiter (comma, semicolon or tab) is the one under which the header row names the most
known columns; csv.Sniffer settles a tie, and then the number of columns. Headers are matched
without regard to case, spaces or punctuation ("E-mail", "Date Applied", "job_title").

The file is read through once to find its header, count its rows and find those that don't
parse (a quote opened and never closed would otherwise swallow every row after it into one
cell), then again, row by row, by whoever imports it: a sheet of a million rows is never held
whole.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from jobjournal.errors import JobJournalError

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
def header_key(header: str) -> str:
    """A header as it is matched: "Date Applied", "date_applied" and "E-mail" → "dateapplied"…"""
    return "".join(char for char in header.casefold() if char.isalnum())


def sheet_text(cell: str) -> str:
    """A cell's text, stripped, without the `'` that keeps text a spreadsheet would run as a
    formula (`'=1+1`, `'+1 555 0100`) from being one, as `export csv` writes such text (the
    OWASP advice against CSV injection)."""
    text = cell.strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:].strip()
    return text


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
                yield number, tuple(sheet_text(cell) for cell in record)
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
