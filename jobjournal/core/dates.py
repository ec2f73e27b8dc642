"""Date coercion, in one place: YAML and Markdown give `date`, `datetime` or `str`.

What is accepted: docs/rules.md, "Dates".
"""

from __future__ import annotations

import re
from datetime import date, datetime

from jobjournal.core.model import When

# YYYY-MM-DD, optionally T or space + HH:MM[:SS[.fff]], optionally Z or ±HH[:]MM; or a daily-note
# link [[YYYY-MM-DD]]. The date is the one written: an offset is accepted and dropped, not applied.
_WHEN = re.compile(
    r"""^\s*(?P<link>\[\[)?
    (?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})
    (?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?
    (?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?
    (?(link)(?:\|[^\]]*)?\]\])\s*$""",
    re.VERBOSE,
)


class DateError(ValueError):
    """A value that is not a usable date; the message says why in plain words."""


def parse_when(value: object) -> When:
    """Coerce a date-ish value to `date` or naive `datetime`; raise DateError otherwise."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _WHEN.match(value)
        if not match:
            raise DateError(f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            when: When = day if match["H"] is None else datetime(
                day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0)
            )
        except ValueError as exc:
            raise DateError(f"{value.strip()!r} is not a valid date ({exc})") from None
        return when
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        # an unquoted [[2026-11-20]] daily-note link, which YAML reads as a nested list
        inner = value[0]
        if len(inner) == 1 and isinstance(inner[0], str):
            return parse_when(inner[0])
    raise DateError(f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")


def parse_day(value: object) -> date:
    """Like parse_when, keeping only the calendar day."""
    when = parse_when(value)
    return when.date() if isinstance(when, datetime) else when


#: A date at the start of a Log item: the same forms, followed by the entry's text.
LEADING_WHEN = re.compile(
    r"""^\s*(?P<link>\[\[)?
    (?P<when>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)
    (?(link)(?:\|[^\]]*)?\]\])
    (?=\s|$|[:,.;–—-])""",
    re.VERBOSE,
)
