"""The Notes and Agenda tables as an Excel workbook, written with openpyxl.

Made to be read on screen and on paper. Each sheet has human headers ("Next action", "Due") in a
bold, frozen header row, an autofilter over its table, and column widths fitted to their
contents up to a limit past which text wraps (the row grows to hold it). Each title is a link
that opens its note in Obsidian (`obsidian://open?vault=…&file=…`), and a row whose next step
was due before today is highlighted. Printed, a sheet is landscape, fits a page's width, and
repeats its header row on every page; the columns worth paper come first and are the print area,
the rest (the note's path, its link, its salary…) follow on screen only.

Cells are typed: dates are real dates (format yyyy-mm-dd, or yyyy-mm-dd hh:mm with a time),
numbers are numbers, and text is always text: openpyxl would store a string starting with `=`
as a formula, so every text cell is marked as text, and one that looks like a formula also
carries Excel's quote prefix, so that editing it in Excel does not turn it into one either.
Excel, LibreOffice and Numbers open it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from jobjournal.exports.table import Cell, Row, cell_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as WorkbookCell
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL = 32767  # Excel's limit on the characters in one cell
LINE_HEIGHT = 15  # points: one line of the default 11-point font
OVERDUE_FILL = "FFF8D7DA"  # a light red, legible in black and white print too
HEADER_FILL = "FFE7E6E6"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the table's column it shows, its header, how wide it may grow (in
    characters; longer text wraps), and whether it is printed."""

    key: str
    header: str
    width: int
    printed: bool = True


#: The Notes sheet's columns, in order: those worth paper first.
NOTE_LAYOUT = (
    Column("title", "Title", 36), Column("status", "Status", 11),
    Column("company", "Company", 16), Column("role", "Role", 20), Column("date", "Date", 17),
    Column("applied", "Applied", 11), Column("next_action", "Next action", 40),
    Column("next_action_due", "Due", 11), Column("contact", "Contact", 16),
    Column("phone", "Phone", 14), Column("warnings", "Warnings", 28),
    Column("type", "Type", 11, False), Column("email", "Email", 28, False),
    Column("last_contact", "Last contact", 12, False),
    Column("decision_date", "Decision date", 13, False),
    Column("candidates", "Candidates", 10, False), Column("follow_up", "Follow-up", 11, False),
    Column("respond_by", "Respond by", 11, False), Column("location", "Location", 24, False),
    Column("url", "URL", 30, False), Column("salary", "Salary", 16, False),
    Column("path", "Path", 40, False),
)  # fmt: skip
#: The Agenda sheet's columns, in order: those worth paper first.
AGENDA_LAYOUT = (
    Column("section", "Section", 10), Column("due", "Due", 17), Column("title", "Title", 36),
    Column("text", "What to do", 48), Column("contact", "Contact", 16),
    Column("phone", "Phone", 14), Column("warnings", "Warnings", 28),
    Column("email", "Email", 28, False), Column("kind", "Kind", 20, False),
    Column("why", "Why", 36, False), Column("note", "Path", 40, False),
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its name, the table's columns and rows (as table.py makes them), the
    columns it shows, the column holding each row's note (its title links there) and the one
    holding its due date (before today: the row is highlighted)."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Row]
    layout: Sequence[Column]
    note_column: str
    due_column: str


def notes_sheet(columns: Sequence[str], rows: Sequence[Row]) -> Sheet:
    """The "Notes" sheet of table.note_rows."""
    return Sheet("Notes", columns, rows, NOTE_LAYOUT, "path", "next_action_due")


def agenda_sheet(columns: Sequence[str], rows: Sequence[Row]) -> Sheet:
    """The "Agenda" sheet of table.agenda_rows."""
    return Sheet("Agenda", columns, rows, AGENDA_LAYOUT, "note", "due")


def note_url(vault_name: str, path: str) -> str:
    """The link that opens a note in Obsidian: the vault's folder name and the note's path
    without `.md`, percent-encoded (a `/` too, as Obsidian writes its own links)."""
    return (f"obsidian://open?vault={quote(vault_name, safe='')}"
            f"&file={quote(path.removesuffix('.md'), safe='')}")


def render_xlsx(sheets: Sequence[Sheet], *, created: datetime, today: date,
                vault_name: str) -> bytes:
    """A workbook with one worksheet per sheet, in order, as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.name), sheet, today, vault_name)
    book.properties.creator = "jobjournal"
    book.properties.created = created
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws: Worksheet, sheet: Sheet, today: date, vault_name: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    index = {key: i for i, key in enumerate(sheet.columns)}
    layout = [column for column in sheet.layout if column.key in index]
    top = Alignment(vertical="top", wrap_text=True)
    overdue = PatternFill("solid", fgColor=OVERDUE_FILL)
    widths = [len(column.header) for column in layout]
    for col, column in enumerate(layout, start=1):
        cell = ws.cell(row=1, column=col, value=column.header)
        cell.font, cell.alignment = Font(bold=True), top
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row_number, row in enumerate(sheet.rows, start=2):
        due = row[index[sheet.due_column]]
        late = due is not None and _day(due) < today
        path = row[index[sheet.note_column]]
        for col, column in enumerate(layout, start=1):
            value = row[index[column.key]]
            cell = ws.cell(row=row_number, column=col)
            _set_value(cell, value)
            cell.alignment = top
            if late:
                cell.fill = overdue
            if column.key == "title" and isinstance(path, str) and value is not None:
                cell.hyperlink = note_url(vault_name, path)
                cell.font = Font(color="FF0563C1", underline="single")
            widths[col - 1] = max(widths[col - 1], _width(value))
    final = [min(width, column.width) + 2 for width, column in zip(widths, layout, strict=True)]
    for col, width in enumerate(final, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row_number, row in enumerate(sheet.rows, start=2):
        lines = max(_lines(row[index[column.key]], width - 2)
                    for column, width in zip(layout, final, strict=True))
        if lines > 1:  # wrapped: tall enough for every line, whichever app opens it
            ws.row_dimensions[row_number].height = lines * LINE_HEIGHT
    last_row = len(sheet.rows) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout))}{last_row}"
    _print_setup(ws, sum(column.printed for column in layout), last_row)


def _print_setup(ws: Worksheet, printed: int, last_row: int) -> None:
    """Landscape, as wide as a page and as many pages tall as it takes, the header row on each
    page, the printed columns only."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(max(printed, 1))}{last_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "&A — page &P of &N"


def _set_value(cell: WorkbookCell, value: Cell) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # control characters can't be in an xlsx file; "=x" must stay text
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT


def _day(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.max  # not a date: never late


def _width(value: Cell) -> int:
    # a date's digits are the font's widest characters: one more keeps them off the border
    if isinstance(value, datetime):
        return len("2026-12-03 10:00") + 1
    if isinstance(value, date):
        return len("2026-12-03") + 1
    text = cell_text(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _lines(value: Cell, width: int) -> int:
    """How many lines a cell's text takes, wrapped in a column `width` characters wide (an
    estimate on the safe side: a column's width counts the font's widest digits, and most
    letters are narrower, which leaves room for words that wrap early)."""
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, math.ceil(len(line) / max(width, 1))) for line in value.splitlines())
