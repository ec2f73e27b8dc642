"""Reading a tracking spreadsheet saved as an Excel workbook (for `import xlsx`), row by row.

The sheet is the workbook's first, or the one named. Its cells become the text `import csv`
reads, so both import alike: a real date (a cell Excel shows as a date) becomes `2026-11-20`,
which no date order can misread; a whole number `5`, not `5.0`; a formula, the value Excel last
computed for it (a workbook written by a program that computes nothing has none: the cell is
empty). The header row is found as in a CSV file (csv_sheet.py).

openpyxl reads the workbook in its streaming mode, once to find the header and count the rows,
then again, row by row, by whoever imports it: a sheet of a million rows is never held whole.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobjournal.errors import JobJournalError
from jobjournal.imports.csv_sheet import HEADER_SEARCH, JOB_KEYS, header_key, sheet_text

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet


@dataclass(frozen=True)
class XlsxSheet:
    """A workbook's sheet: its header, and what reading it through found; its data rows are
    read again, one at a time, by `rows()`."""

    path: Path
    sheet: str  # the sheet's name
    header: tuple[str, ...]
    header_row: int = 1
    row_count: int = 0  # data rows, blank ones left out
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in order

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The data rows after the header, each with its row number as the spreadsheet shows
        it; blank rows are left out."""
        with _open(self.path, self.path.name, self.sheet) as (sheet, _):
            for number, cells in _records(sheet):
                if number > self.header_row and any(cells):
                    yield number, cells


def read_xlsx_sheet(path: Path, name: str, sheet_name: str | None = None) -> XlsxSheet:
    """Read a workbook's sheet (the first, or `sheet_name`) through once: its header and how
    many rows it has. JobJournalError when it can't be read or has no such sheet."""
    with _open(path, name, sheet_name) as (sheet, sheets):
        leading: list[tuple[int, tuple[str, ...]]] = []
        header_row, count = 0, 0
        for number, cells in _records(sheet):
            if not any(cells):
                continue
            if not header_row and len(leading) < HEADER_SEARCH:
                leading.append((number, cells))
                if {header_key(cell) for cell in cells} & JOB_KEYS:
                    header_row, count = number, 0  # a title above it is passed over
                else:
                    count += 1
            else:
                count += 1
        title = sheet.title
    if not leading:
        raise JobJournalError(f"{name}, sheet {title}: the sheet is empty: no header row"
                              + _others(sheets, title))
    if not header_row:  # no row names a job: the first is the header all the same
        header_row, count = leading[0][0], count - 1
    header = next(cells for number, cells in leading if number == header_row)
    width = max((i + 1 for i, cell in enumerate(header) if cell), default=0)
    return XlsxSheet(path, title, header[:width], header_row, count, sheets)


def _others(sheets: tuple[str, ...], title: str) -> str:
    others = [sheet for sheet in sheets if sheet != title]
    return f" (other sheets: {', '.join(others)}; choose one with --sheet NAME)" if others else ""


@contextmanager
def _open(path: Path, name: str,
          sheet_name: str | None) -> Iterator[tuple[ReadOnlyWorksheet, tuple[str, ...]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise JobJournalError(f"{name} is not an Excel workbook jobjournal can read ({exc}): "
                              "save it as .xlsx (Excel 2007 or later), or as CSV UTF-8 and "
                              "use `jobjournal import csv`") from None
    except OSError as exc:
        raise JobJournalError(f"cannot read {name} ({exc.strerror or exc})") from None
    try:
        sheets = tuple(book.sheetnames)
        if sheet_name is None:
            if not sheets:
                raise JobJournalError(f"{name} has no sheets")
            sheet_name = sheets[0]
        elif sheet_name not in sheets:
            raise JobJournalError(f"{name} has no sheet {sheet_name!r}: its sheets are "
                                  f"{', '.join(sheets)} (--sheet takes one of these names)")
        sheet = book[sheet_name]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            raise JobJournalError(f"{name}, sheet {sheet_name}: a chart, not a table")
        # the streaming reader stops where the sheet's stated size ends, and some programs
        # state "A1" whatever the sheet holds: read every row there is instead
        sheet.reset_dimensions()
        yield sheet, sheets
    finally:
        book.close()


def _records(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Every row of the sheet with its row number, its cells as text (sheet_cell)."""
    for row in sheet.iter_rows():
        cells = [cell for cell in row if getattr(cell, "row", None) is not None]
        if not cells:
            continue
        yield cells[0].row, _texts(row)


def _texts(row: tuple[Any, ...]) -> tuple[str, ...]:
    texts = [sheet_cell(getattr(cell, "value", None)) for cell in row]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def sheet_cell(value: object) -> str:
    """A cell's value as the text `import csv` would read in its place."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return sheet_text(str(value))
