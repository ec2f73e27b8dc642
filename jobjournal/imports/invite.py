"""A calendar invite (an .ics file) as the values an interview or meeting note needs.

icalendar reads the file (time zones included: an IANA TZID, a Windows one as Exchange writes
it, or any zone the file defines in its VTIMEZONE), recurring-ical-events works out a series'
occurrences; this module only picks what a note records (README, "Calendar invites"): when (in
the vault's time zone), who (the user left out), where, and what the invite states plainly.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from jobjournal.core.dates import DateError, parse_when
from jobjournal.core.model import When

#: A series' occurrences kept around T, to tell whether a note's date is still one of them.
_SERIES_WINDOW = timedelta(days=400)
_SERIES_MAX = 2000
#: Where a video-call link may be given, most explicit first: the clients' own properties.
_VIDEO_PROPERTIES = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL",
                     "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK", "CONFERENCE", "URL")
#: A Zoom, Teams or Google Meet link to join a call (not Zoom's "find your local number", nor
#: Meet's phone numbers page).
_VIDEO_LINK = re.compile(
    r"https://(?:[\w-]+\.)*(?:zoom\.(?:us|com)/(?:j|my|w|s)/|teams\.microsoft\.com/l/meetup-join/"
    r"|teams\.live\.com/meet/|meet\.google\.com/[a-z]{3,4}-[a-z]{4}-[a-z]{3,4})[^\s<>\"'\\)\]]*",
    re.IGNORECASE)
#: A LOCATION that only names the video service: the link says more.
_ONLINE_ONLY = re.compile(r"^(?:microsoft teams(?: meeting)?|teams|zoom(?: meeting)?|google meet|"
                          r"online|virtual|video call)$", re.IGNORECASE)
_COMPANY_LABEL = re.compile(r"^\s*(?:company|employer|organi[sz]ation)\s*:\s*(?P<value>\S.*?)\s*$",
                            re.IGNORECASE | re.MULTILINE)
_ROLE_LABEL = re.compile(r"^\s*(?:role|position|job title|job)\s*:\s*(?P<value>\S.*?)\s*$",
                         re.IGNORECASE | re.MULTILINE)
#: "Interview: Platform Engineer at Globex (final round)", "Backend Engineer interview at Acme".
_INTERVIEW_WORD = re.compile(r"\b(?:interview|screen|screening|onsite|on-site|round)\b",
                             re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*[:|–—]\s*|\s+-\s+")
_ROLE_AT_COMPANY = re.compile(
    r"^(?P<role>.+?)\s+(?:(?P<word>interview)\s+)?at\s+(?P<company>[^()@]+?)\s*(?:\([^()]*\))?$",
    re.IGNORECASE)
_PLAIN_VALUE = 80  # characters: a longer "company" is a sentence, not a name


class InviteError(ValueError):
    """The file is not an invite jobjournal can read; the message says why in plain words."""


@dataclass(frozen=True)
class Person:
    """Someone an invite names: their name (CN, else the address) and address (lower case)."""

    name: str
    email: str


@dataclass(frozen=True)
class Invite:
    uid: str
    sequence: int
    cancelled: bool  # METHOD:CANCEL or STATUS:CANCELLED
    summary: str
    start: When  # in the vault's time zone (naive), as written when floating, or a day
    #: a series' occurrence this file changes alone (its RECURRENCE-ID), when it has no series
    occurrence_of: When | None
    #: a series' occurrences around T (empty for a single event)
    series: tuple[When, ...]
    stamp: datetime | None  # DTSTAMP, in the vault's time zone
    organizer: Person | None  # None when the user organises it, or nobody is named
    attendees: tuple[Person, ...]  # the other people invited (rooms and the user left out)
    location: str | None  # the place, else the video-call link
    video: str | None
    company: str | None
    role: str | None
    description: str


def read_invite(data: bytes, *, zone: str, today: date, me: Iterable[str]) -> Invite:
    """The invite in an .ics file's bytes, its times in the vault's time zone `zone` ("" for
    the machine's); a series is dated at its first occurrence on or after `today` (its first
    when all are past); `me` are the user's addresses. InviteError when the file holds no
    event, or events of more than one UID (a whole calendar, not an invite)."""
    import icalendar

    if not data.strip():
        raise InviteError("it is empty")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        raise InviteError("it is not an iCalendar file (those start with BEGIN:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError, and worse on some garbage
        raise InviteError(f"it is not an iCalendar file ({_reason(exc)})") from None
    if isinstance(calendar, list):  # several VCALENDARs in one file
        raise InviteError("it holds several calendars: save the invite on its own")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise InviteError("it holds no event (no VEVENT): is it a calendar invite?")
    uids = {str(event.get("UID", "")).strip() for event in events}
    if len(uids) > 1:
        raise InviteError(f"it holds {len(uids)} different events: it looks like a whole "
                          "calendar; import one invite at a time")
    uid = uids.pop()
    if not uid:
        raise InviteError("its event has no UID, so a later update could never find the note")
    masters = [event for event in events if event.get("RECURRENCE-ID") is None]
    event = masters[0] if masters else min(events, key=lambda e: _sort_key(e.get("DTSTART")))
    method = str(calendar.get("METHOD", "")).strip().upper()
    mine = {address.strip().lower() for address in me if address.strip()}
    start = _start(event, zone)
    series: tuple[When, ...] = ()
    if masters and (event.get("RRULE") is not None or event.get("RDATE") is not None):
        series, start = _series(calendar, zone, today, start)
    description = str(event.get("DESCRIPTION", "") or "")
    summary = " ".join(str(event.get("SUMMARY", "") or "").split())
    location = " ".join(str(event.get("LOCATION", "") or "").split()) or None
    video = _video_link(event, location, description)
    company, role = _company_and_role(summary, description)
    return Invite(
        uid=uid,
        sequence=_sequence(event),
        cancelled=method == "CANCEL" or str(event.get("STATUS", "")).upper() == "CANCELLED",
        summary=summary,
        start=start,
        occurrence_of=None if masters else _when(event.get("RECURRENCE-ID"), zone),
        series=series,
        stamp=_stamp(event, zone),
        organizer=_organizer(event, mine),
        attendees=_attendees(event, mine),
        location=_place(location, video),
        video=video,
        company=company,
        role=role,
        description=description,
    )


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def _sort_key(prop: Any) -> str:
    return "" if prop is None else str(prop.to_ical())


def _start(event: Any, zone: str) -> When:
    when = _when(event.get("DTSTART"), zone)
    if when is None:
        raise InviteError("its event has no start time (DTSTART)")
    return when


def _when(prop: Any, zone: str) -> When | None:
    """An iCalendar date or date-time as jobjournal writes it: a date-time with a zone (TZID
    or UTC) in the vault's time zone, a floating one as it is, a day as a day."""
    if prop is None:
        return None
    value = getattr(prop, "dt", prop)
    if not isinstance(value, date):
        raise InviteError(f"its time {value!r} is not a date")
    try:
        when = parse_when(value, zone)
    except DateError as exc:
        raise InviteError(f"its time is unusable: {exc}") from None
    return when.replace(second=0) if isinstance(when, datetime) else when


def _series(calendar: Any, zone: str, today: date, first: When) -> tuple[tuple[When, ...], When]:
    """A series' occurrences around `today`, and the one to date the note at: the first on or
    after `today`, else the series' first."""
    import recurring_ical_events

    query = recurring_ical_events.of(calendar)
    try:
        around = [_when(occurrence.get("DTSTART"), zone) for occurrence in query.between(
            today - _SERIES_WINDOW, today + _SERIES_WINDOW)][:_SERIES_MAX]
        upcoming = next((when for when in around if when is not None and _day(when) >= today),
                        None)
        if upcoming is None:  # none within the window: the next one beyond, if any
            for occurrence in query.after(today):
                when = _when(occurrence.get("DTSTART"), zone)
                if when is not None and _day(when) >= today:
                    upcoming = when
                    break
        if upcoming is None:
            for occurrence in query.after(date(1900, 1, 1)):
                upcoming = _when(occurrence.get("DTSTART"), zone)
                break
    except InviteError:
        raise
    except Exception as exc:  # a rule recurring-ical-events can't follow
        raise InviteError(f"its recurrence can't be read ({_reason(exc)})") from None
    series = tuple(when for when in around if when is not None)
    return series, upcoming if upcoming is not None else first


def _day(when: When) -> date:
    return when.date() if isinstance(when, datetime) else when


def _sequence(event: Any) -> int:
    raw = event.get("SEQUENCE")
    try:
        return max(0, int(str(raw))) if raw is not None else 0
    except ValueError:
        raise InviteError(f"its SEQUENCE {str(raw)!r} is not a whole number") from None


def _stamp(event: Any, zone: str) -> datetime | None:
    try:
        when = _when(event.get("DTSTAMP"), zone)
    except InviteError:
        return None
    return when if isinstance(when, datetime) else None


def _person(address: Any) -> Person:
    email = str(address).strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    email = email.strip().lower()
    name = " ".join(str(address.params.get("CN", "") or "").split()).strip('"').strip()
    return Person(name or email, email)


def _organizer(event: Any, mine: set[str]) -> Person | None:
    address = event.get("ORGANIZER")
    if address is None:
        return None
    person = _person(address)
    return None if person.email in mine or not person.name else person


def _attendees(event: Any, mine: set[str]) -> tuple[Person, ...]:
    raw = event.get("ATTENDEE")
    addresses: Sequence[Any] = raw if isinstance(raw, list) else [] if raw is None else [raw]
    people: list[Person] = []
    for address in addresses:
        kind = str(address.params.get("CUTYPE", "INDIVIDUAL")).upper()
        person = _person(address)
        if kind in ("ROOM", "RESOURCE") or person.email in mine or not person.name:
            continue
        if all(person.email != other.email or not person.email for other in people):
            people.append(person)
    return tuple(people)


def _video_link(event: Any, location: str | None, description: str) -> str | None:
    for name in _VIDEO_PROPERTIES:
        raw = event.get(name)
        for value in raw if isinstance(raw, list) else [] if raw is None else [raw]:
            found = _VIDEO_LINK.search(str(value))
            if found:
                return found.group(0)
    for text in (location or "", description):
        found = _VIDEO_LINK.search(text)
        if found:
            return found.group(0)
    return None


def _place(location: str | None, video: str | None) -> str | None:
    """The invite's LOCATION when it names a place; the video-call link when it only names the
    service, is a link, or is empty."""
    if video and (not location or _ONLINE_ONLY.match(location) or "://" in location):
        return video
    return location


def _company_and_role(summary: str, description: str) -> tuple[str | None, str | None]:
    """The company and the role, where the invite states them plainly: a `Company:` or
    `Position:` line in its description, or a summary like "Interview: Data Engineer at
    Initech"; otherwise nothing is guessed."""
    company = _label(_COMPANY_LABEL, description)
    role = _label(_ROLE_LABEL, description)
    *before, last = _SEPARATOR.split(summary)
    match = _ROLE_AT_COMPANY.match(last)
    if match and (match["word"] or any(_INTERVIEW_WORD.search(part) for part in before)):
        role = role or _plain(match["role"])
        company = company or _plain(match["company"])
    return company, role


def _label(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return _plain(found["value"]) if found else None


def _plain(text: str) -> str | None:
    value = " ".join(text.split()).strip(" .,;")
    return value if value and len(value) <= _PLAIN_VALUE and "://" not in value else None
