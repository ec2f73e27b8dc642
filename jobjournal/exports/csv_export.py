"""The Notes table as CSV: RFC 4180 quoting by the csv module, UTF-8, a header row.

Dates are ISO (`2026-11-20`, a date-time `2026-12-03 10:00`), which every spreadsheet reads as a
date. No byte-order mark, so scripts read the file as it is (for Excel, `export xlsx` fits
better).
Cells are written as they are: text starting with `=` is data here, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from jobjournal.exports.table import Row, cell_text


def render_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """The header and the rows as CSV text, lines ending in CRLF as RFC 4180 asks."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell_text(cell) for cell in row] for row in rows)
    return out.getvalue()
