"""Dates as spreadsheets write them, for `import csv`: ISO, numeric day/month forms, month names.

`2026-11-20`, `2026/11/20`, `20/11/2026`, `11/20/2026`, `20.11.2026`, `20-11-26`, `Nov 20, 2026`,
`November 20 2026`, `20 Nov 2026`, `20-Nov-26`, with an optional weekday before and a time after
(the time is dropped: `applied` is a day). Month names are English, whatever the machine's locale.

A numeric date whose day and month could be either way round (03/04/2026) is never guessed: it
follows `[import] date_order` ("DMY" or "MDY"), and without it is an AmbiguousDate. When the setting
is there, every numeric date follows it (20/11/2026 is then no date in MDY order): one spreadsheet
writes all its dates one way.
"""

from __future__ import annotations

import re
from datetime import date

from jobjournal.core.dates import in_range, range_error

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
_NAME_FIRST = re.compile(r"([a-z]+)\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4}|\d{2})")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_TIME = re.compile(r"[\st]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?"
                   r"(?:\s*(?:z|utc|[+-]\d{2}:?\d{2}))?$")

ORDERS = {"DMY": "day/month/year", "MDY": "month/day/year"}


class SheetDateError(ValueError):
    """A cell that is no date jobjournal can read; the message says why in plain words."""


class AmbiguousDate(SheetDateError):
    """A numeric date that reads both ways (03/04/2026) while no date order is configured."""


def parse_sheet_date(raw: str, order: str | None = None) -> date:
    """The day a spreadsheet cell names; `order` ("DMY", "MDY" or None) settles 03/04/2026."""
    text = _TIME.sub("", _WEEKDAY.sub("", " ".join(raw.split()).lower()), count=1).strip()
    if match := _YMD.fullmatch(text):
        return _date(raw, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.fullmatch(text):
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        if order is not None:
            day, month = (first, second) if order == "DMY" else (second, first)
            if not 1 <= month <= 12:
                raise SheetDateError(
                    f"{raw.strip()} is not a date in {ORDERS[order]} order "
                    f'([import] date_order = "{order}")')
            return _date(raw, year, month, day)
        if first == second or (first > 12) != (second > 12):
            day, month = (first, second) if first > 12 or first == second else (second, first)
            return _date(raw, year, month, day)
        if first > 12:
            raise SheetDateError(f"{raw.strip()} is not a date")
        raise AmbiguousDate(
            f'ambiguous date {raw.strip()} — set [import] date_order = "DMY" (day first) or '
            '"MDY" (month first) in .jobjournal.toml')
    if match := _NAME_FIRST.fullmatch(text):
        return _date(raw, int(match[3]), _month(raw, match[1]), int(match[2]))
    if match := _DAY_FIRST.fullmatch(text):
        return _date(raw, _year(match[3]), _month(raw, match[2]), int(match[1]))
    raise SheetDateError(f"{raw.strip()} is not a date jobjournal can read "
                         "(write it as 2026-11-20)")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month(raw: str, name: str) -> int:
    """January … December from a name or an abbreviation of three letters or more (`Sept`)."""
    if len(name) >= 3:
        for number, month in enumerate(_MONTHS, start=1):
            if month.startswith(name):
                return number
    raise SheetDateError(f"{raw.strip()} is not a date jobjournal can read "
                         f"(unknown month {name!r})")


def _date(raw: str, year: int, month: int, day: int) -> date:
    try:
        found = date(year, month, day)
    except ValueError as exc:
        raise SheetDateError(f"{raw.strip()} is not a valid date ({exc})") from None
    if not in_range(found):  # written into a note, it would be an error there
        raise SheetDateError(range_error(raw.strip()))
    return found
