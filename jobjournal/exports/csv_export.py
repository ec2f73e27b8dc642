"""The Notes table as CSV: RFC 4180 quoting by the csv module, UTF-8, a header row.

Made to open by double-click in Excel, which reads a CSV file as the system's legacy code page
unless it starts with a byte-order mark: the file starts with one (a dash would show as `â€”`
otherwise); `--no-bom` leaves it out for tools that choke on it (Python reads either with
`encoding="utf-8-sig"`).

Dates are ISO (`2026-11-20`, a date-time `2026-12-03 10:00`), which every spreadsheet reads as a
date, and numbers are written as they are. A text cell that a spreadsheet would run as a formula
(one starting with `=`, `+`, `-`, `@`, a tab or a carriage return: a company named
`=HYPERLINK(…)`, a phone number `+1 555 0100`) is written with a leading `'`, which spreadsheets
take for "this is text" (the OWASP advice against CSV injection); `import csv` takes the `'` off
again.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

from jobjournal.exports.table import Cell, Row, cell_text

#: What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(columns: Sequence[str], rows: Iterable[Row], *, bom: bool = True) -> bytes:
    """The header and the rows as CSV in UTF-8 (after a byte-order mark unless `bom` is
    False), lines ending in CRLF as RFC 4180 asks."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


def csv_cell(value: Cell) -> str:
    """A cell as CSV text: text a spreadsheet would run as a formula gets a leading `'`;
    numbers and dates are never text, so they stay as they are."""
    text = cell_text(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text
