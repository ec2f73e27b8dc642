"""The Notes and Agenda tables as an Excel workbook, written with openpyxl.

Each sheet has a bold, frozen header row, an autofilter over its table, and column widths fitted to
their contents. Cells are typed: dates are real dates (format yyyy-mm-dd, or yyyy-mm-dd hh:mm with a
time), numbers are numbers, and text is always text (a title starting with `=` is not a formula).
Excel, LibreOffice and Numbers open it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from jobjournal.exports.table import Cell, Row, cell_text

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60  # characters: longer text stays in its cell, the column stops growing
MAX_CELL = 32767  # Excel's limit on the characters in one cell

#: A sheet: its name, its header and its rows.
Sheet = tuple[str, Sequence[str], Sequence[Row]]


def render_xlsx(sheets: Sequence[Sheet], *, created: datetime) -> bytes:
    """A workbook with one worksheet per sheet, in order, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, columns, rows in sheets:
        sheet = book.create_sheet(name)
        widths = [len(column) for column in columns]
        for col, column in enumerate(columns, start=1):
            sheet.cell(row=1, column=col, value=column).font = bold
        for row_number, row in enumerate(rows, start=2):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=col)
                if isinstance(value, str):
                    # control characters can't be in an xlsx file; "=x" must stay text
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
                    cell.data_type = "s"
                else:
                    cell.value = value
                    if isinstance(value, datetime):
                        cell.number_format = DATETIME_FORMAT
                    elif isinstance(value, date):
                        cell.number_format = DATE_FORMAT
                widths[col - 1] = max(widths[col - 1], _width(value))
        last = get_column_letter(len(columns))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(width, MAX_WIDTH) + 2
    book.properties.creator = "jobjournal"
    book.properties.created = created
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(value: Cell) -> int:
    if isinstance(value, datetime):
        return len("2026-12-03 10:00")
    if isinstance(value, date):
        return len("2026-12-03")
    text = cell_text(value)
    return max((len(line) for line in text.splitlines()), default=0)
