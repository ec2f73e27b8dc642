"""The calendar: interviews and meetings as events, follow-ups as all-day events with a
reminder, as an RFC 5545 iCalendar file written with icalendar.

- **Appointments.** Every interview and meeting with a `date` is an event (past ones too, so a
  subscribed calendar keeps its history). A date-time starts the event at that time and it lasts
  APPOINTMENT_LENGTH; a date alone makes an all-day event. Times are *floating* (RFC 5545,
  section 3.3.5, "local time"): the notes hold no time zone, so 10:00 in a note is 10:00 in the
  calendar, in whatever zone the calendar app is set to. An interview or meeting still ahead on a
  closed note (withdrawn, declined…) is exported as cancelled, so an import updates the event it
  made before.
- **Follow-ups.** Every agenda item except appointments (which are the events themselves) is an
  all-day event on its due date, with a display alarm at ALARM_HOUR that morning.
- **Stable.** Each event's UID is derived from its note's path and its kind (and a task's text),
  so importing a newer export, or a subscription refreshing, updates events instead of duplicating
  them. DTSTAMP is midnight UTC of the export's day: the same vault on the same day gives the same
  bytes.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
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
ALARM_HOUR = 9
#: An appointment's reminder: an hour before a timed one, 09:00 the day before an all-day one.
APPOINTMENT_ALARM = timedelta(hours=-1)
ALL_DAY_APPOINTMENT_ALARM = timedelta(hours=ALARM_HOUR - 24)

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


def event_uid(note: str | None, kind: str, detail: str = "") -> str:
    """The UID of a note's event of one kind (`detail`: what tells two of a kind apart)."""
    name = "\x1f".join((note or "", kind, detail))
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@jobjournal"


def render_ics(
    notes: Sequence[Note], agenda: Agenda, ctx: RuleContext, *, vault_name: str
) -> bytes:
    """The vault's appointments and follow-ups as an iCalendar file (CRLF lines, UTF-8)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-caldesc", f"Interviews, meetings and follow-ups from {vault_name}")
    stamp = datetime.combine(agenda.today, time(), tzinfo=UTC)
    appointments = {item.note: item for item in agenda.items if item.kind is Kind.APPOINTMENT}
    for note in sorted(notes, key=lambda n: n.path):
        if note.type in (NoteType.INTERVIEW, NoteType.MEETING) and note.date is not None:
            event = _appointment(note, appointments.get(note.path), ctx, agenda.today)
            _finish(event, event_uid(note.path, Kind.APPOINTMENT.value), stamp, vault_name,
                    note.path)
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
        event = _follow_up(item)
        _finish(event, uid, stamp, vault_name, item.note)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _appointment(note: Note, item: Item | None, ctx: RuleContext, today: date) -> Event:
    from icalendar import Event

    assert note.date is not None
    kind = "Interview" if note.type is NoteType.INTERVIEW else "Meeting"
    stage = f" ({note.stage})" if note.stage else ""
    event = Event()
    event.add("summary", f"{kind}{stage}: {note.title}")
    event.add("dtstart", note.date)
    if isinstance(note.date, datetime):
        event.add("dtend", note.date + APPOINTMENT_LENGTH)
        alarm = APPOINTMENT_ALARM
    else:
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


def _follow_up(item: Item) -> Event:
    from icalendar import Event

    event = Event()
    summary = _summary(item)
    event.add("summary", summary)
    event.add("dtstart", item.due)
    event.add("dtend", item.due + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder, not busy time
    event.add("categories", [item.kind.value])
    lines = [item.text, f"Why: {item.why}"]
    lines += [f"Warning: {warning}" for warning in item.warnings]
    lines += [f"Note: {item.note}"] if item.note else []
    event.add("description", "\n".join(lines))
    _alarm(event, timedelta(hours=ALARM_HOUR), summary)
    return event


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


def _finish(event: Event, uid: str, stamp: datetime, vault_name: str, path: str | None) -> None:
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    if path is not None:
        # opens the note in Obsidian (the description names its path, for everyone else)
        event.add("url", f"obsidian://open?vault={quote(vault_name, safe='')}"
                         f"&file={quote(path.removesuffix('.md'), safe='')}")
