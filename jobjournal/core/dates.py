"""Date coercion, in one place: YAML and Markdown give `date`, `datetime` or `str`.

What is accepted: docs/rules.md, "Dates". A date outside FIRST_DAY … LAST_DAY is refused here,
where every date is read, so that no rule's date arithmetic can leave the calendar. A date-time
written with a UTC offset (`2026-12-08T15:00+01:00`, `…Z`) is converted to the vault's time zone
(`zone`: an IANA name, or "" for the machine's) and kept without one, as every date-time is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from jobjournal.core.model import When

#: The calendar jobjournal reads: ranges of years of workdays stay far inside Python's.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)

# YYYY-MM-DD, optionally T or space + HH:MM[:SS[.fff]], optionally Z or ±HH[:]MM; or a daily-note
# link [[YYYY-MM-DD]]. An offset after a time is applied (see the module); after a bare day, which
# has no time to shift, it is dropped.
_WHEN = re.compile(
    r"""^\s*(?P<link>\[\[)?
    (?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})
    (?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?
    (?:\s*(?P<zone>Z|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?))?
    (?(link)(?:\|[^\]]*)?\]\])\s*$""",
    re.VERBOSE,
)
_HINT = "(use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
_RANGE = f"use a date from {FIRST_DAY} to {LAST_DAY}"


class DateError(ValueError):
    """A value that is not a usable date; the message says why in plain words."""


def parse_when(value: object, zone: str = "") -> When:
    """Coerce a date-ish value to `date` or naive `datetime` (in the vault's time zone `zone`,
    "" for the machine's); raise DateError otherwise."""
    if isinstance(value, str):  # the usual case first
        when = _READ.get(value)
        return _read(value, zone) if when is None else when
    if isinstance(value, datetime):
        shown = value.isoformat()
        _in_range(value, shown)
        return _in_range(value if value.tzinfo is None else _local(value, zone, shown), shown)
    if isinstance(value, date):
        return _in_range(value, value.isoformat())
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        # an unquoted [[2026-11-20]] daily-note link, which YAML reads as a nested list
        inner = value[0]
        if len(inner) == 1 and isinstance(inner[0], str):
            return parse_when(inner[0], zone)
    raise DateError(f"{_shown(value)} is not a date {_HINT}")


#: Dates read from text so far, by the text: a vault writes the same few hundred days again and
#: again, and dates are immutable, so one object serves them all (fewer to make, to pickle and to
#: load). Only those read without a UTC offset, which the time zone can't change. Forgotten past
#: _READ_MAX (a watcher runs for days). A memo table of a pure function, kept because it pays: a
#: cold read of 2,000 notes runs 2.4 % fewer instructions in one process, 5.9 % in two (where
#: what one reads is pickled for the other).
_READ: dict[str, When] = {}
_READ_MAX = 20_000


def _read(value: str, zone: str) -> When:
    """A date or date-time written as text (see `parse_when`), remembered when it has no UTC
    offset."""
    match = _WHEN.match(value)
    if not match:
        raise DateError(f"{_shown(value)} is not a date {_HINT}")
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        when: When = day if match["H"] is None else datetime(
            day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0)
        )
    except ValueError as exc:
        raise DateError(f"{value.strip()!r} is not a valid date ({exc})") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateError(range_error(repr(value.strip())))
    if match["zone"] is not None and isinstance(when, datetime):
        shown = repr(value.strip())
        return _in_range(_local(when.replace(tzinfo=_offset(match, shown)), zone, shown), shown)
    if len(_READ) >= _READ_MAX:
        _READ.clear()
    _READ[value] = when
    return when


def _in_range(when: When, shown: str) -> When:
    day = when.date() if isinstance(when, datetime) else when
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateError(f"{shown} is out of range: {_RANGE}")
    return when


def in_range(day: date) -> bool:
    """Whether a day lies in the calendar jobjournal reads (FIRST_DAY … LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


def range_error(shown: str) -> str:
    """The words for a date outside FIRST_DAY … LAST_DAY."""
    return f"{shown} is out of range: {_RANGE}"


def _offset(match: re.Match[str], shown: str) -> tzinfo:
    if match["zone"] == "Z":
        return UTC
    hours, minutes = int(match["oh"]), int(match["om"] or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"{shown} is not a valid date (no time zone is {match['zone']} from UTC)")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if match["sign"] == "-" else offset)


def zone_info(zone: str) -> tzinfo | None:
    """The time zone of an IANA name; None for "" (the machine's)."""
    if not zone:
        return None
    from zoneinfo import ZoneInfo  # (ZoneInfo keeps every zone it made: no memo needed here)

    return ZoneInfo(zone)


def _local(aware: datetime, zone: str, shown: str) -> datetime:
    """An aware date-time in the vault's time zone, without its tzinfo."""
    try:
        return aware.astimezone(zone_info(zone)).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):  # the machine's clock library can't say
        raise DateError(f"{shown} is out of range: {_RANGE}") from None


def _shown(value: object) -> str:
    """A value as a message shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def parse_day(value: object, zone: str = "") -> date:
    """Like parse_when, keeping only the calendar day."""
    when = parse_when(value, zone)
    return when.date() if isinstance(when, datetime) else when


#: A date at the start of a Log item: the same forms, followed by the entry's text. A UTC
#: offset counts only right after a `T` time, as an invitation writes it (`…T15:00+01:00`, `…Z`):
#: `2026-11-20 10:00-11:00 Interview` is a time range, not an offset.
LEADING_WHEN = re.compile(
    r"""^\s*(?P<link>\[\[)?
    (?P<when>\d{4}-\d{2}-\d{2}
      (?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}(?::?\d{2})?)?|[ ]\d{2}:\d{2}(?::\d{2})?)?)
    (?(link)(?:\|[^\]]*)?\]\])
    (?=\s|$|[:,.;–—-])""",
    re.VERBOSE,
)
