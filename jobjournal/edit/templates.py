"""Templates for `jobjournal new`: Obsidian's core Templates variables, note titles, built-ins.

The same template files work in Obsidian's core Templates plugin: `{{title}}`,
`{{date}}`, `{{time}}`, and `{{date:FORMAT}}` / `{{time:FORMAT}}` with Moment.js format tokens
(English names, as Obsidian's default locale). Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta

from jobjournal.core.model import NoteType

DATE_FORMAT = "YYYY-MM-DD"  # Obsidian's defaults, used when .obsidian/templates.json sets none
TIME_FORMAT = "HH:mm"

_VARIABLE = re.compile(r"\{\{\s*(?:(title)\s*|(date|time)\s*(?::(.*?))?)\}\}", re.IGNORECASE)

# --- Moment.js formatting -----------------------------------------------------------------------

# Moment's own token pattern (format.js), longest first, with [escaped text] and \x escapes.
_TOKEN = re.compile(
    r"\[[^\[]*?\]|\\.|[Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[ow]?|W[oW]?|Qo?"
    r"|YYYYYY|YYYY|YY|Y|gg(?:ggg?)?|GG(?:GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|ZZ?"
)
# Moment's English long-date formats, expanded before the tokens are.
_LONG = {
    "LTS": "h:mm:ss A", "LT": "h:mm A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY",
    "LLL": "MMMM D, YYYY h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A", "l": "M/D/YYYY",
    "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A", "llll": "ddd, MMM D, YYYY h:mm A",
}
_LONG_TOKEN = re.compile(r"(\[[^\[]*?\])|LTS|LT|LL?L?L?|l{1,4}")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st (Moment's English `o`)."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _week(day: date, first_weekday: int, jan_day: int) -> tuple[int, int]:
    """(week-year, week) in Moment's scheme: weeks start on `first_weekday` (0 = Sunday) and week
    1 holds January `jan_day` (ISO: Monday and the 4th; English: Sunday and the 1st)."""
    def week_one(year: int) -> date:
        anchor = date(year, 1, jan_day)
        return anchor - timedelta(days=(anchor.isoweekday() % 7 - first_weekday) % 7)

    year = day.year
    if day < week_one(year):
        year -= 1
    elif day >= week_one(year + 1):
        year += 1
    return year, (day - week_one(year)).days // 7 + 1


def _offset(when: datetime, colon: bool) -> str:
    offset = when.astimezone().utcoffset() if when.tzinfo is None else when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"{sign}{minutes // 60:02d}{':' if colon else ''}{minutes % 60:02d}"


def _fields(when: datetime) -> dict[str, Callable[[], str]]:
    weekday = when.isoweekday() % 7  # Moment's d: 0 = Sunday
    day_of_year = when.timetuple().tm_yday
    hour12 = when.hour % 12 or 12
    iso_year, iso_week = _week(when.date(), 1, 4)
    en_year, en_week = _week(when.date(), 0, 1)
    return {
        "YYYYYY": lambda: f"{'+' if when.year >= 0 else '-'}{when.year:06d}",
        "YYYY": lambda: f"{when.year:04d}", "YY": lambda: f"{when.year % 100:02d}",
        "Y": lambda: str(when.year), "Q": lambda: str((when.month - 1) // 3 + 1),
        "Qo": lambda: ordinal((when.month - 1) // 3 + 1),
        "M": lambda: str(when.month), "Mo": lambda: ordinal(when.month),
        "MM": lambda: f"{when.month:02d}", "MMM": lambda: _MONTHS[when.month - 1][:3],
        "MMMM": lambda: _MONTHS[when.month - 1],
        "D": lambda: str(when.day), "Do": lambda: ordinal(when.day),
        "DD": lambda: f"{when.day:02d}",
        "DDD": lambda: str(day_of_year), "DDDo": lambda: ordinal(day_of_year),
        "DDDD": lambda: f"{day_of_year:03d}",
        "d": lambda: str(weekday), "do": lambda: ordinal(weekday), "dd": lambda: _DAYS[weekday][:2],
        "ddd": lambda: _DAYS[weekday][:3], "dddd": lambda: _DAYS[weekday],
        "e": lambda: str(weekday), "E": lambda: str(when.isoweekday()),
        "w": lambda: str(en_week), "wo": lambda: ordinal(en_week), "ww": lambda: f"{en_week:02d}",
        "W": lambda: str(iso_week), "Wo": lambda: ordinal(iso_week),
        "WW": lambda: f"{iso_week:02d}",
        "gg": lambda: f"{en_year % 100:02d}", "gggg": lambda: f"{en_year:04d}",
        "ggggg": lambda: f"{en_year:05d}", "GG": lambda: f"{iso_year % 100:02d}",
        "GGGG": lambda: f"{iso_year:04d}", "GGGGG": lambda: f"{iso_year:05d}",
        "A": lambda: "AM" if when.hour < 12 else "PM",
        "a": lambda: "am" if when.hour < 12 else "pm",
        "H": lambda: str(when.hour), "HH": lambda: f"{when.hour:02d}",
        "h": lambda: str(hour12), "hh": lambda: f"{hour12:02d}",
        "k": lambda: str(when.hour or 24), "kk": lambda: f"{when.hour or 24:02d}",
        "m": lambda: str(when.minute), "mm": lambda: f"{when.minute:02d}",
        "s": lambda: str(when.second), "ss": lambda: f"{when.second:02d}",
        "X": lambda: str(int(when.timestamp())), "x": lambda: str(int(when.timestamp() * 1000)),
        "Z": lambda: _offset(when, True), "ZZ": lambda: _offset(when, False),
    }


def format_moment(fmt: str, when: datetime) -> str:
    """Format `when` with a Moment.js format string, as Obsidian does (`YYYY-MM-DD`, `HH:mm`,
    `dddd, MMMM Do`); text in [brackets] is kept as it is, and so is anything that is no token."""
    expanded = _LONG_TOKEN.sub(lambda m: m.group(1) or _LONG[m.group(0)], fmt)
    fields = _fields(when)

    def token(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.startswith("["):
            return text[1:-1]
        if text.startswith("\\"):
            return text[1:]
        if text.startswith("S"):  # fractional seconds, to as many digits as S's
            return f"{when.microsecond:06d}000"[: len(text)]
        if text[0] in "Hh" and text[1:2] == "m":  # Hmm, hmmss: unpadded hour, then mm(ss)
            return "".join(fields[part]() for part in (text[0], "mm", "ss")[: len(text) // 2 + 1])
        return fields[text]()

    return _TOKEN.sub(token, expanded)


# --- templates ----------------------------------------------------------------------------------


def obsidian_formats(settings: str | None) -> tuple[str, str]:
    """The date and time formats from `.obsidian/templates.json` (its text), else the defaults."""
    try:
        data = json.loads(settings) if settings else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    date_format, time_format = data.get("dateFormat"), data.get("timeFormat")
    return (
        date_format if isinstance(date_format, str) and date_format.strip() else DATE_FORMAT,
        time_format if isinstance(time_format, str) and time_format.strip() else TIME_FORMAT,
    )


def render_template(
    template: str, title: str, now: datetime, *, date_format: str = DATE_FORMAT,
    time_format: str = TIME_FORMAT,
) -> str:
    """Fill in Obsidian's template variables; other text, `{{unknown}}` included, is kept."""

    def variable(match: re.Match[str]) -> str:
        if match.group(1):
            return title
        fmt = match.group(3)
        if fmt is None or not fmt.strip():
            fmt = date_format if match.group(2).lower() == "date" else time_format
        return format_moment(fmt, now)

    return _VARIABLE.sub(variable, template)


#: The front matter a note gets when the vault has no template for its type: its status, and its
#: required field (today's date where it is usually today, empty where it must be filled in).
_BUILTIN = {
    NoteType.CONTACT: "status: active\n",
    NoteType.INTERVIEW: "status: scheduled\ndate:\n",
    NoteType.APPLICATION: "status: applied\napplied: {{date:YYYY-MM-DD}}\n",
    NoteType.REFERRAL: "status: active\ndate: {{date:YYYY-MM-DD}}\n",
    NoteType.MEETING: "status: scheduled\ndate:\n",
}


def builtin_template(note_type: NoteType) -> str:
    """A minimal template for a type, for a vault without `Templates/<type>.md`."""
    return f"---\ntype: {note_type.value}\n{_BUILTIN[note_type]}---\n\n## Notes\n\n## Log\n"


# --- titles -------------------------------------------------------------------------------------

_FORBIDDEN = '/\\:*?"<>|#^[]'  # file names on some OS, or wikilinks (# heading, ^ block, [[ ]])
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}
)
_REPLACEMENTS = {"[": "(", "]": ")", "<": "(", ">": ")", '"': "'"}
MAX_TITLE_BYTES = 255 - len(".md")


def safe_title(raw: str) -> str:
    """The title trimmed, when it makes a file name that works on every OS and in a wikilink;
    else ValueError saying what is wrong and suggesting a title that works."""
    title = raw.strip()
    bad = sorted({char for char in title if char in _FORBIDDEN or _is_control(char)})
    if not title:
        raise ValueError("the title is empty")
    if bad:
        shown = " ".join(repr(char)[1:-1] if _is_control(char) else char for char in bad)
        raise ValueError(f"the title has {shown}, which can't be in a file name or a wikilink"
                         + _suggestion(title))
    if title.startswith("."):
        raise ValueError("the title starts with a dot, which hides the file" + _suggestion(title))
    if title.split(".")[0].strip().upper() in _RESERVED:
        raise ValueError(f"{title.split('.')[0]!r} is a reserved file name on Windows: "
                         "add a word to the title")
    if len(title.encode("utf-8")) > MAX_TITLE_BYTES:
        raise ValueError(f"the title is longer than {MAX_TITLE_BYTES} bytes: shorten it")
    return title


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def _suggestion(title: str) -> str:
    fixed = "".join(
        " " if _is_control(char) else _REPLACEMENTS.get(char, " - ") if char in _FORBIDDEN
        else char for char in title
    )
    fixed = re.sub(r"\s*-(?:\s*-)+\s*", " - ", " ".join(fixed.split())).strip(" -").lstrip(".")
    try:
        return f'; try "{safe_title(fixed)}"' if fixed else ""
    except ValueError:
        return ""
