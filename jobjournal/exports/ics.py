"""The calendar: interviews and meetings as events, follow-ups as all-day events with a
reminder, as an RFC 5545 iCalendar file written with icalendar (docs/design.md, "Calendar
events").

- **Appointments.** Every interview and meeting with a `date` is an event (past ones too, so a
  subscribed calendar keeps its history). A date-time starts the event at that time, in the
  vault's time zone (`TZID`, with the zone's `VTIMEZONE`), and it lasts APPOINTMENT_LENGTH; a
  date alone makes an all-day event. An interview or meeting still ahead on a closed note
  (withdrawn, declined…) is exported as cancelled, so an import updates the event it made
  before.
- **Follow-ups.** Every agenda item except appointments (which are the events themselves) is an
  all-day event on its due date, with a display alarm at ALARM_HOUR that morning. An overdue one
  sits on **today**, saying since when, so a calendar's today view shows it and its alarm rings.
  A call-back is no all-day event: it is a short event at the export's moment, with an alarm at
  once (recruiters move on within hours).
- **Updates that calendars take.** Each event's UID is derived from its note's path and its
  kind (and a task's text), so importing a newer export, or a subscription refreshing, updates
  events instead of duplicating them. `DTSTAMP` and `LAST-MODIFIED` are the time the event's
  note last changed; `SEQUENCE` grows whenever the event's content changes (vault/event_memory.py
  remembers it), so a vault that did not change exports the same bytes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from jobjournal import __version__
from jobjournal.core.model import Agenda, Item, Kind, Note, NoteType, day_of

if TYPE_CHECKING:
    from icalendar import Event

    from jobjournal.core.context import RuleContext

CALENDAR_NAME = "jobjournal"
PRODID = f"-//jobjournal//jobjournal {__version__}//EN"
#: UIDs are uuid5 names in this namespace (a fixed, random-looking constant: never change it, or
#: every calendar that imported an export gets each event twice).
UID_NAMESPACE = uuid.UUID("b2705f18-c430-5cd3-b7ee-e6503aafb3f6")
APPOINTMENT_LENGTH = timedelta(hours=1)
CALL_BACK_LENGTH = timedelta(minutes=15)
ALARM_HOUR = 9
#: An appointment's reminder: an hour before a timed one, 09:00 the day before an all-day one.
APPOINTMENT_ALARM = timedelta(hours=-1)
ALL_DAY_APPOINTMENT_ALARM = timedelta(hours=ALARM_HOUR - 24)
#: Properties that say when an event was written, not what it is: left out of its digest.
_STAMPS = ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE")

#: Short event titles, by kind ("Follow up on the application: Acme - Backend").
KIND_LABELS: Mapping[Kind, str] = {
    Kind.CALL_BACK: "Call back",
    Kind.GATHER_INFO: "Ask about the interview",
    Kind.THANK_YOU: "Send a thank-you",
    Kind.ASK_DECISION_DATE: "Ask for the decision date",
    Kind.DECISION_FOLLOW_UP: "Follow up on the decision",
    Kind.ASK_NEW_DATE: "Ask for a new decision date",
    Kind.OFFER_DEADLINE: "Answer the offer",
    Kind.APPLICATION_FOLLOW_UP: "Follow up on the application",
    Kind.THANK_REFERRER: "Thank the referrer",
    Kind.STAY_IN_TOUCH: "Get back in touch",
    Kind.FOLLOW_UP: "Follow up",
    Kind.MOVE_ON: "No answer: let it play out and move on",
    Kind.KEEP_SEARCHING: "Keep searching: network and schedule more interviews",
}


class Memory(Protocol):
    """What the export remembers between runs (vault/event_memory.py's EventMemory)."""

    def sequence(self, uid: str, digest: str, stamp: datetime) -> int: ...

    def moment(self, uid: str, day: date, now: datetime) -> datetime: ...


class Forgetful:
    """A Memory that remembers nothing: SEQUENCE from DTSTAMP, a call-back at `now`."""

    def sequence(self, uid: str, digest: str, stamp: datetime) -> int:
        from jobjournal.vault.event_memory import minutes_since_epoch

        return minutes_since_epoch(stamp)

    def moment(self, uid: str, day: date, now: datetime) -> datetime:
        return now.replace(second=0, microsecond=0)


def event_uid(note: str | None, kind: str, detail: str = "") -> str:
    """The UID of a note's event of one kind (`detail`: what tells two of a kind apart)."""
    name = "\x1f".join((note or "", kind, detail))
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@jobjournal"


def render_ics(
    notes: Sequence[Note], agenda: Agenda, ctx: RuleContext, *, vault_name: str,
    zone: tzinfo | None, modified: Mapping[str, datetime], now: datetime,
    memory: Memory | None = None,
) -> bytes:
    """The vault's appointments and follow-ups as an iCalendar file (CRLF lines, UTF-8).

    `zone`: the vault's time zone (None: the machine's, which has no name: times in UTC);
    `modified`: each note's modification time (aware); `now`: the export's moment, naive in the
    vault's time zone (where a call-back goes); `memory`: sequences and call-back moments kept
    between runs (default: none)."""
    from icalendar import Calendar

    memory = memory or Forgetful()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-caldesc", f"Interviews, meetings and follow-ups from {vault_name}")
    if zone is not None:
        calendar.add("x-wr-timezone", str(zone))
    # a follow-up without a note (keep-searching) changes with any note
    latest = max(modified.values(), default=datetime.combine(agenda.today, time(), tzinfo=UTC))
    timed = _Timed(zone)
    appointments = {item.note: item for item in agenda.items if item.kind is Kind.APPOINTMENT}
    by_path = {note.path: note for note in notes}
    for note in sorted(notes, key=lambda n: n.path):
        if note.type in (NoteType.INTERVIEW, NoteType.MEETING) and note.date is not None:
            uid = event_uid(note.path, Kind.APPOINTMENT.value)
            event = _appointment(note, appointments.get(note.path), ctx, agenda.today, timed)
            _finish(event, uid, modified.get(note.path, latest), vault_name, note.path, memory)
            calendar.add_component(event)
    seen: Counter[str] = Counter()
    for item in agenda.items:
        if item.kind is Kind.APPOINTMENT:
            continue
        detail = item.text if item.kind is Kind.TASK else ""
        uid = event_uid(item.note, item.kind.value, detail)
        seen[uid] += 1
        if seen[uid] > 1:  # the same task twice in one note: the second gets its own event
            uid = event_uid(item.note, item.kind.value, f"{detail}\x1f{seen[uid]}")
        if item.kind is Kind.CALL_BACK:
            source = by_path.get(item.note) if item.note else None
            missed = source.missed_call if source is not None else None
            start = memory.moment(uid, agenda.today, now)
            if isinstance(missed, datetime) and missed > start:
                start = missed.replace(second=0, microsecond=0)  # never before the call itself
            event = _call_back(item, timed(start))
        else:
            event = _follow_up(item, agenda.today)
        stamp = modified.get(item.note, latest) if item.note else latest
        _finish(event, uid, stamp, vault_name, item.note, memory)
        calendar.add_component(event)
    if timed.first is not None and timed.last is not None and zone is not None:
        # the zone's rules over whole years around the events, for clients that need them
        calendar.add_missing_timezones(first_date=date(timed.first.year, 1, 1),
                                       last_date=date(timed.last.year + 1, 1, 1))
    data: bytes = calendar.to_ical()
    return data


class _Timed:
    """Naive date-times of the vault made aware in its zone (in UTC when it has no name), and
    the span of the days they fall on, for the zone's VTIMEZONE."""

    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone
        self.first: date | None = None
        self.last: date | None = None

    def __call__(self, when: datetime) -> datetime:
        day = when.date()
        self.first = day if self.first is None else min(self.first, day)
        self.last = day if self.last is None else max(self.last, day)
        if self.zone is None:
            try:
                return when.astimezone(UTC)  # a naive date-time is read as the machine's
            except (OverflowError, OSError, ValueError):  # beyond the machine's clock library
                return when
        return when.replace(tzinfo=self.zone)


def _appointment(
    note: Note, item: Item | None, ctx: RuleContext, today: date, timed: _Timed
) -> Event:
    from icalendar import Event

    assert note.date is not None
    kind = "Interview" if note.type is NoteType.INTERVIEW else "Meeting"
    stage = f" ({note.stage})" if note.stage else ""
    event = Event()
    event.add("summary", f"{kind}{stage}: {note.title}")
    if isinstance(note.date, datetime):
        event.add("dtstart", timed(note.date))
        event.add("dtend", timed(note.date + APPOINTMENT_LENGTH))
        alarm = APPOINTMENT_ALARM
    else:
        event.add("dtstart", note.date)
        event.add("dtend", note.date + timedelta(days=1))
        alarm = ALL_DAY_APPOINTMENT_ALARM
    cancelled = note.closed and day_of(note.date) >= today
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", [note.type.value if note.type else kind.lower()])
    who = ctx.contact_of(note)
    lines = [item.text] if item is not None else []
    lines += [f"{label}: {value}" for label, value in (
        ("Company", note.company), ("Role", note.role), ("Contact", who),
        ("Purpose", note.purpose), ("Status", note.status), ("Note", note.path)) if value]
    event.add("description", "\n".join(lines))
    if note.location:
        event.add("location", note.location)
    if not cancelled:
        _alarm(event, alarm, event["summary"])
    return event


def _follow_up(item: Item, today: date) -> Event:
    """An all-day event on the item's due day, or on today when that has passed."""
    from icalendar import Event

    event = Event()
    overdue = item.due < today
    summary = _summary(item) + (f" (overdue since {item.due.isoformat()})" if overdue else "")
    day = today if overdue else item.due
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder, not busy time
    event.add("categories", [item.kind.value])
    lines = [_since(item.due, today)] if overdue else []
    lines += [item.text, f"Why: {item.why}"]
    lines += [f"Warning: {warning}" for warning in item.warnings]
    lines += [f"Note: {item.note}"] if item.note else []
    event.add("description", "\n".join(lines))
    _alarm(event, timedelta(hours=ALARM_HOUR), summary)
    return event


def _call_back(item: Item, start: datetime) -> Event:
    """A short event at `start` (aware) whose alarm rings at once."""
    from icalendar import Event

    event = Event()
    summary = _summary(item)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + CALL_BACK_LENGTH)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [item.kind.value])
    lines = [item.text, f"Why: {item.why}"]
    lines += [f"Warning: {warning}" for warning in item.warnings]
    lines += [f"Note: {item.note}"] if item.note else []
    event.add("description", "\n".join(lines))
    _alarm(event, timedelta(0), summary)
    return event


def _since(due: date, today: date) -> str:
    days = (today - due).days
    return f"Overdue since {due.isoformat()} ({days} day{'s' * (days != 1)})"


def _summary(item: Item) -> str:
    if item.kind is Kind.TASK:
        return f"{item.text} ({item.title})" if item.title else item.text
    label = KIND_LABELS.get(item.kind, item.kind.value)
    if item.title is None:
        return label
    who = f" ({item.contact})" if item.contact and item.contact != item.title else ""
    return f"{label}: {item.title}{who}"


def _alarm(event: Event, trigger: timedelta, text: Any) -> None:
    """A display alarm, `trigger` from the event's start (its midnight, for an all-day event)."""
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", str(text))
    alarm.add("trigger", trigger)
    event.add_component(alarm)


def _finish(
    event: Event, uid: str, stamp: datetime, vault_name: str, path: str | None, memory: Memory
) -> None:
    """UID and URL, then what says when the event was written: DTSTAMP and LAST-MODIFIED (the
    note's modification time, in UTC, to the second) and SEQUENCE (grown when the rest of the
    event differs from what was last exported)."""
    event.add("uid", uid)
    if path is not None:
        # opens the note in Obsidian (the description names its path, for everyone else)
        event.add("url", f"obsidian://open?vault={quote(vault_name, safe='')}"
                         f"&file={quote(path.removesuffix('.md'), safe='')}")
    digest = hashlib.sha256(event.to_ical()).hexdigest()
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", memory.sequence(uid, digest, stamp))
