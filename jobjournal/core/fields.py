"""Front-matter values → typed Note fields (docs/rules.md, "Notes and fields"): every field's
coercion, in one place.

YAML hands over strings (dates and numbers are loaded as text), booleans, lists and mappings; each
coercion returns the field's value, None when it is empty, or raises FieldError / DateError with a
reason in plain words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from jobjournal.core.dates import parse_day, parse_when
from jobjournal.core.links import make_link, parse_link
from jobjournal.core.model import Link, NoteType, When

_DATE_SHAPED = re.compile(r"^\s*(?:\[\[)?\d{4}-\d{2}-\d{2}")
_NOT_SENT = frozenset({"", "false", "no", "off", "n"})

#: The fields of every type, besides `type` (docs/rules.md, "Notes and fields").
COMMON_FIELDS = ("status", "missed_call", "follow_up", "last_contact", "tags")
#: The fields of each type, besides the common ones. (`uid` and `sequence` are a calendar
#: invite's: known, so never taken for a slip, but not read.)
TYPE_FIELDS: Mapping[NoteType, tuple[str, ...]] = {
    NoteType.CONTACT: ("company", "role", "relationship", "phone", "email", "stay_in_touch"),
    NoteType.INTERVIEW: (
        "company", "role", "date", "stage", "recruiter", "hiring_manager", "with",
        "decision_date", "candidates", "thank_you", "respond_by", "location", "url", "salary",
        "uid", "sequence",
    ),
    NoteType.APPLICATION: (
        "company", "role", "applied", "source", "contact", "referral", "location", "url", "salary",
    ),
    NoteType.REFERRAL: ("date", "from", "company", "role", "thanked"),
    NoteType.MEETING: ("date", "with", "purpose", "thank_you", "location", "uid", "sequence"),
}  # fmt: skip


#: Every key a note of each type reads (and `type` itself); any other key is the user's own.
KNOWN_FIELDS: Mapping[NoteType, frozenset[str]] = {
    note_type: frozenset(("type", *COMMON_FIELDS, *fields))
    for note_type, fields in TYPE_FIELDS.items()
}
#: This type's field under the name another type gives it: a slip, not the user's own key.
COUNTERPARTS: Mapping[NoteType, Mapping[str, str]] = {
    NoteType.CONTACT: {},
    NoteType.INTERVIEW: {"thanked": "thank_you", "applied": "date"},
    NoteType.APPLICATION: {"date": "applied"},
    NoteType.REFERRAL: {"thank_you": "thanked"},
    NoteType.MEETING: {"thanked": "thank_you"},
}


def _meant_field(note_type: NoteType, key: str) -> str | None:
    """The field of this type that `key`, which is not one, was most likely meant to be: its
    counterpart (`thank_you` on a referral → `thanked`), or a field a slip of the keyboard away
    (Levenshtein distance at most 2 from the lower-cased key, at most 1 for a field shorter than
    5 letters: `dat` → `date`, `Company` → `company`); None for a field, or a key of the user's.
    Remembered as `meant_field`.

    A memo table, keyed by value (pure; at most 4,096 answers kept): a vault's notes carry the
    same few keys of the user's own (`aliases`, `created`…), and measuring a key against every
    field costs 20–50 µs, most of a whole note's parse. The benchmark's vault, a third of whose
    typed notes carry such keys, reads cold 11 % quicker with it (docs/design.md, "Fast paths
    and their proofs")."""
    if key in KNOWN_FIELDS[note_type]:
        return None
    counterpart = COUNTERPARTS[note_type].get(key)
    if counterpart is not None:
        return counterpart
    folded = key.lower()
    best: tuple[int, str] | None = None
    for field in (*COMMON_FIELDS, *TYPE_FIELDS[note_type]):
        distance = _distance(folded, field, 1 if len(field) < 5 else 2)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, field)
    return best[1] if best else None


#: `_meant_field`, remembered. (Wrapped here rather than decorated: the mutation run mutates no
#: decorated function, see docs/mutation.md.)
meant_field = functools.lru_cache(maxsize=4096)(_meant_field)


def _distance(a: str, b: str, limit: int) -> int | None:
    """The Levenshtein distance between a and b when it is at most `limit`, else None."""
    if abs(len(a) - len(b)) > limit:
        return None
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None


def thanks_field(note_type: NoteType) -> str | None:
    """The field that records the thanks sent for a note of this type: `thanked` on a referral,
    `thank_you` on an interview or a meeting; None for a type that has neither."""
    return next((key for key in ("thank_you", "thanked") if key in TYPE_FIELDS[note_type]), None)


#: Front-matter keys whose Note field has another name (`with` and `from` are Python keywords).
FIELD_NAMES = {"with": "with_", "from": "from_"}


class FieldError(ValueError):
    """One field is unusable: reported, and the note is read as if it were absent."""


def _empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of `key: value` pairs"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _text(value: Any) -> str | None:
    if isinstance(value, str):  # the usual case first
        text = value.strip()
        return text or None
    if _empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    wikilink = _nested_link(value)
    if wikilink is not None:
        return f"[[{wikilink}]]"  # an unquoted [[Acme]], as the user wrote it
    raise FieldError(f"must be text, not {_what(value)}")


def _status(value: Any) -> str | None:
    text = _text(value)
    return text.lower() if text else None


def _when(value: Any, zone: str = "") -> When | None:
    """A date or date-time; one with a UTC offset in the time zone `zone` ("": the machine's)."""
    if isinstance(value, str):  # the usual case first
        return parse_when(value, zone) if value.strip() else None
    if _empty(value):
        return None
    if isinstance(value, dict | bool):
        raise FieldError(f"{_what(value)} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    return parse_when(value, zone)


def _day(value: Any, zone: str = "") -> date | None:
    when = _when(value, zone)
    return when.date() if isinstance(when, datetime) else when


_WHOLE = re.compile(r"\s*[+-]?\d+\s*", re.ASCII)


def _count(value: Any, least: int, most: int) -> int | None:
    """A whole number from `least` to `most`: outside, rules would count days past the calendar
    (`stay_in_touch`) or mean nothing (`candidates`)."""
    if _empty(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value):
        text = value.strip()
        if len(text.lstrip("+-").lstrip("0")) > len(str(most)):
            # far out of range: int() would refuse thousands of digits, so don't ask it
            shown = text if len(text) <= 60 else text[:57] + "…"
            raise FieldError(f"{shown} is out of range: use a whole number from {least} to {most}")
        number = int(text)
    else:
        raise FieldError(f"{_what(value)} is not a whole number")
    if not least <= number <= most:
        shown = str(number) if abs(number) < 10**18 else "a number of over 18 digits"
        raise FieldError(f"{shown} is out of range: use a whole number from {least} to {most}")
    return number


def _stay_in_touch(value: Any) -> int | None:
    """Days between contacts: 1 to 3650 (ten years)."""
    return _count(value, 1, 3650)


def _candidates(value: Any) -> int | None:
    return _count(value, 1, 10000)


def _sent(value: Any, zone: str = "") -> date | bool | None:
    """`thank_you` / `thanked`: a date or true once sent, `skipped` when none will be (no item
    either way); false or empty while not."""
    if value is True:
        return True
    if value is False or _empty(value):
        return None
    if isinstance(value, str) and not _DATE_SHAPED.match(value):
        # "yes, by email" says it was sent; only the spelled-out "no"/"false" say it wasn't
        return None if value.strip().lower() in _NOT_SENT else True
    return parse_day(value, zone)


def _tags(value: Any) -> tuple[str, ...] | None:
    if _empty(value):
        return None
    if isinstance(value, str):
        items: list[Any] = re.split(r"[,\s]+", value)
    elif isinstance(value, list):
        items = value
    else:
        raise FieldError(f"must be a list of tags, not {_what(value)}")
    tags = []
    for item in items:
        if isinstance(item, dict | list):
            raise FieldError(f"must be a list of tags, not a list holding {_what(item)}")
        if item is not None and str(item).strip().lstrip("#"):
            tags.append(str(item).strip().lstrip("#"))
    return tuple(tags) or None


def _nested_link(value: Any) -> str | None:
    """The target of an unquoted [[Jane Doe]], which YAML reads as [['Jane Doe']]."""
    if isinstance(value, list) and len(value) == 1:
        inner = value[0]
        if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], str):
            return inner[0]
    return None


def _links(value: Any) -> tuple[Link, ...] | None:
    """Every link in a string, a list of strings, unquoted [[links]] (nested lists) or a mix."""
    if _empty(value):
        return None
    found: list[Link] = []
    stack: list[list[Any]] = [value if isinstance(value, list) else [value]]
    while stack:  # iterative: depth was capped already, but a reader should never recurse on input
        items = stack.pop()
        for position, item in enumerate(items):
            if item is None or (isinstance(item, str) and not item.strip()):
                continue
            if isinstance(item, str):
                found.append(parse_link(item))
            elif isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
                link = parse_link(f"[[{item[0]}]]")
                found.append(link if link.is_wikilink else make_link(item[0].strip(), None, True))
            elif isinstance(item, list):
                stack.append(items[position + 1 :])  # keep the order: finish this one first
                stack.append(item)
                break
            elif isinstance(item, int | float) and not isinstance(item, bool):
                found.append(make_link(str(item)))
            else:
                raise FieldError(f"must be a link or a name, not {_what(item)}")
    return tuple(found) or None


def _link(value: Any) -> Link | None:
    found = _links(value)
    return found[0] if found else None


#: Each known front-matter key's coercion: its typed value (None: empty), or FieldError or
#: DateError (both ValueErrors) when the value is unusable.
COERCERS: dict[str, Callable[[Any], Any]] = {
    "status": _status,
    "missed_call": _when,
    "follow_up": _day,
    "last_contact": _day,
    "tags": _tags,
    "company": _text,
    "role": _text,
    "relationship": _text,
    "phone": _text,
    "email": _text,
    "stay_in_touch": _stay_in_touch,
    "date": _when,
    "stage": _text,
    "recruiter": _link,
    "hiring_manager": _link,
    "with": _links,
    "decision_date": _day,
    "candidates": _candidates,
    "thank_you": _sent,
    "respond_by": _day,
    "applied": _day,
    "source": _text,
    "contact": _link,
    "referral": _link,
    "from": _link,
    "thanked": _sent,
    "purpose": _text,
    "location": _text,
    "url": _text,
    "salary": _text,
}

#: Keys whose value is a date (or, for `thank_you` / `thanked`, a date or true).
DATE_KEYS = frozenset(key for key, coerce in COERCERS.items() if coerce in (_when, _day, _sent))


def _coercers(zone: str) -> Mapping[str, Callable[[Any], Any]]:
    """COERCERS, reading a date-time with a UTC offset in the time zone `zone` (an IANA name;
    "": the machine's, as COERCERS does). A memo keyed by the zone's name (at most 8 kept; a
    vault has one zone): made afresh for every note, this table costs 3–6 % of the parse of a
    vault with `[calendar] timezone` set. Remembered as `coercers`."""
    if not zone:
        return COERCERS
    dated: dict[str, Callable[..., Any]] = {key: COERCERS[key] for key in DATE_KEYS}
    return {**COERCERS, **{key: partial(coerce, zone=zone) for key, coerce in dated.items()}}


#: `_coercers`, remembered (wrapped rather than decorated, as `meant_field` is).
coercers = functools.lru_cache(maxsize=8)(_coercers)
