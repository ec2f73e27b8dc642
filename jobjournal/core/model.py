"""The values that flow through jobjournal: notes, problems and agenda items (frozen, picklable)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobjournal.core.insights import Insights

#: A calendar day (an alias: inside Note, `date` is a field's name).
Day = date

#: A date as the user wrote it: a day, or a day with a time (naive: no time-zone shifting).
When = date | datetime


def file_name(path: str) -> str:
    """`PurePosixPath(path).name`, without making a path object for the usual path: what
    follows the last `/`, unless that is empty or `.` (`a/b/`, `a/.`)."""
    name = path.rpartition("/")[2]
    return PurePosixPath(path).name if name in ("", ".") else name


def day_of(when: When) -> date:
    """The calendar day of a date or date-time."""
    return when.date() if isinstance(when, datetime) else when


class NoteType(StrEnum):
    CONTACT = "contact"
    INTERVIEW = "interview"
    APPLICATION = "application"
    REFERRAL = "referral"
    MEETING = "meeting"


#: Statuses that keep a note open; an unknown status counts as open, with a warning
#: (docs/rules.md, "Notes and fields").
OPEN_STATUSES = frozenset(
    {"scheduled", "applied", "interviewing", "completed", "waiting", "offer", "active"}
)
#: Statuses that close a note: it yields only `call-back`, `follow-up` and `task` items.
CLOSED_STATUSES = frozenset(
    {"accepted", "rejected", "declined", "withdrawn", "ghosted", "cancelled", "closed",
     "inactive"}
)


class Kind(StrEnum):
    """The kinds of agenda items, one rule each (docs/rules.md, "The rules")."""

    CALL_BACK = "call-back"
    APPOINTMENT = "appointment"
    GATHER_INFO = "gather-info"
    THANK_YOU = "thank-you"
    ASK_DECISION_DATE = "ask-decision-date"
    DECISION_FOLLOW_UP = "decision-follow-up"
    ASK_NEW_DATE = "ask-new-date"
    OFFER_DEADLINE = "offer-deadline"
    APPLICATION_FOLLOW_UP = "application-follow-up"
    THANK_REFERRER = "thank-referrer"
    STAY_IN_TOUCH = "stay-in-touch"
    FOLLOW_UP = "follow-up"
    TASK = "task"
    MOVE_ON = "move-on"
    KEEP_SEARCHING = "keep-searching"


class Section(StrEnum):
    """Agenda sections, declared in the order they are shown (docs/rules.md, "Sections")."""

    CALL_BACK = "call-back"
    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"
    WAITING = "waiting"
    NEEDS_INFO = "needs-info"
    LATER = "later"  # beyond the horizon: JSON only

    @property
    def order(self) -> int:
        return list(Section).index(self)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Link:
    """A reference to a person or note: an Obsidian wikilink, or plain text."""

    target: str  # "People/Jane Doe" for [[People/Jane Doe#Notes|Jane]]; the text itself if plain
    alias: str | None = None
    is_wikilink: bool = False

    @property
    def name(self) -> str:
        """The person or note it names: the last path component of a link's target."""
        if self.is_wikilink:
            return file_name(self.target) or self.target
        return self.target


#: What starts an incoming entry's text (they contacted you): `- 2026-12-01 ← Dana called`.
INCOMING_MARKS = ("←", "<-")
#: What starts a status record's text (a change of status, not a contact).
STATUS_MARK = "status:"
#: What starts the Log entry that ticking an item asking something writes ("Asked Dana when the
#: decision will be made"), and ticking an offer's deadline: the item then says so.
ASKED_MARK = "Asked "
ANSWERED_MARK = "Answered the offer"


@dataclass(frozen=True)
class LogEntry:
    """A dated list item in a note's Log section: a contact that happened (yours, or theirs when
    `incoming`), or, when `records_status`, a change of status (docs/rules.md, "Body: the Log
    and tasks")."""

    when: When
    text: str  # after the date and its separators
    line: int  # 1-based line in the file
    links: tuple[Link, ...] = ()

    @property
    def day(self) -> date:
        return day_of(self.when)

    @property
    def incoming(self) -> bool:
        """They contacted you: a contact, but not one of yours."""
        return self.text.startswith(INCOMING_MARKS)

    @property
    def records_status(self) -> bool:
        """A change of status written down (`status: applied → interviewing`): no contact."""
        return self.text[: len(STATUS_MARK)].lower() == STATUS_MARK


@dataclass(frozen=True)
class Task:
    """An open body task carrying a date (Obsidian Tasks 📅/⏳ or Dataview [due:: …])."""

    due: date
    text: str  # without its date fields
    line: int  # 1-based line in the file


@dataclass(frozen=True)
class Problem:
    """What jobjournal could not read, or doubts; never fatal (docs/rules.md, "Problems")."""

    path: str | None  # vault-relative POSIX path; None for the vault as a whole
    line: int | None
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class Note:
    """One note of the vault, its fields coerced to typed values (absent or bad → None)."""

    path: str  # vault-relative, POSIX: "Interviews/Acme - Backend.md"
    type: NoteType | None  # None: an ordinary note, read only for its tasks (tasks_from = "all")
    status: str | None = None  # lower-cased
    # fields on every type
    missed_call: When | None = None
    follow_up: date | None = None
    last_contact: date | None = None
    tags: tuple[str, ...] = ()
    # contact
    company: str | None = None
    role: str | None = None
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    stay_in_touch: int | None = None
    # interview, referral, meeting: when it happens / happened
    date: When | None = None
    stage: str | None = None
    recruiter: Link | None = None
    hiring_manager: Link | None = None
    with_: tuple[Link, ...] = ()
    decision_date: Day | None = None
    candidates: int | None = None
    thank_you: Day | bool | None = None  # a date or True once sent (or `skipped`)
    respond_by: Day | None = None
    # interview, application (`location` on a meeting too)
    location: str | None = None
    url: str | None = None  # the job posting
    salary: str | None = None
    # application
    applied: Day | None = None
    source: str | None = None
    contact: Link | None = None
    referral: Link | None = None
    # referral
    from_: Link | None = None
    thanked: Day | bool | None = None
    # meeting
    purpose: str | None = None
    # body
    log: tuple[LogEntry, ...] = ()
    tasks: tuple[Task, ...] = ()
    #: 1-based line of each front-matter key, for problems about a field
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, path: str, type: NoteType | None, **fields: Any) -> Note:
        """The same Note as `Note(path, type, **fields)`, made as unpickling makes one: only the
        given fields are set, every other reads its default from the class (where a dataclass
        keeps it). Several times quicker than the generated __init__, which sets all 35 fields
        one by one, and a smaller pickle: reading a vault makes thousands of notes.
        `fields` must be field names (tests/test_model.py holds the two ways equal)."""
        note = object.__new__(cls)
        if "lines" not in fields:
            fields["lines"] = {}
        note.__dict__.update(fields, path=path, type=type)
        return note

    @property
    def title(self) -> str:
        """The file name without `.md`."""
        return file_name(self.path)[: -len(".md")]

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, or 1 (the top of the file) when it is absent."""
        return self.lines.get(key, 1)

    @property
    def person(self) -> Link | None:
        """The person to contact about this note, before link resolution.

        See docs/rules.md, "Notes and fields".
        """
        if self.type is NoteType.INTERVIEW:
            return self.recruiter or self.hiring_manager or (self.with_[0] if self.with_ else None)
        if self.type is NoteType.APPLICATION:
            return self.contact or self.referral
        if self.type is NoteType.REFERRAL:
            return self.from_
        if self.type is NoteType.MEETING:
            return self.with_[0] if self.with_ else None
        if self.type is NoteType.CONTACT:
            return Link(self.path[: -len(".md")], is_wikilink=True)
        return None


@dataclass(frozen=True)
class Item:
    """One thing to do (or wait for), placed in an agenda section (docs/rules.md, "Sections")."""

    kind: Kind
    due: date
    section: Section
    note: str | None  # path of the note it comes from; None for `keep-searching`
    title: str | None
    contact: str | None  # title of the person to contact, when one is known
    text: str  # what to do, in plain words
    why: str  # the rule and the date it came from: "decision expected 2026-11-20 + 2 workdays"
    warnings: tuple[str, ...] = ()
    at: time | None = None  # the time of an appointment, when the note gives one
    contact_note: str | None = None  # path of the person's note, when the link resolves
    company: str | None = None  # the note's company and role, for the email draft
    role: str | None = None
    #: its stable block id, `jj-…` (see `item_id`); None for an item without a note
    id: str | None = None

    def sort_key(self) -> tuple[int, date, str, str, str]:
        """By section, then due date, then note path, then kind, then text."""
        return (self.section.order, self.due, self.note or "", self.kind.value, self.text)


def item_id(path: str, kind: Kind, source: str, nth: int = 1) -> str:
    """The stable block id of a note's item, `jj-` and a short hash of the note's path, the
    item's kind and its source — the date it comes from, which does not move as days pass
    (docs/design.md, "Ticking the agenda") — with `-2`, `-3`… for the second, third item of a
    note with the same kind and source (the later in the note). Pure."""
    digest = hashlib.sha256(f"{path}\0{kind.value}\0{source}".encode()).hexdigest()[:10]
    return f"jj-{digest}" if nth == 1 else f"jj-{digest}-{nth}"


@dataclass(frozen=True)
class CarriedLine:
    """A line of the agenda the user marked that could not be applied (yet): carried over into
    the next agenda, under Problems, with the reason, until it can be applied or is removed."""

    line: str  # the user's line, as they left it (with the day it was first read)
    reason: str
    id: str | None = None  # the item id it names


@dataclass(frozen=True)
class PipelineRow:
    """How many notes of one type have one status (the agenda's pipeline summary)."""

    type: NoteType
    status: str  # "" when the note has none
    count: int


def reach_of(note: Note) -> tuple[str | None, str | None] | None:
    """How to reach the person a contact note is about: (phone, email), or None when it gives
    neither (or is not a contact note)."""
    if note.type is not NoteType.CONTACT or not (note.phone or note.email):
        return None
    return (note.phone or None, note.email or None)


@dataclass(frozen=True)
class Agenda:
    """Everything the renderers need: the items in order, the problems, the pipeline counts,
    the insights."""

    today: date
    items: tuple[Item, ...]
    problems: tuple[Problem, ...]
    pipeline: tuple[PipelineRow, ...] = ()
    #: how to reach the people to contact: contact note path → (phone, email), for the contact
    #: notes that give either
    reach: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict, hash=False)
    #: the user's marked lines that could not be applied, shown under Problems (their items are
    #: then left out of their sections: each is shown once)
    carried: tuple[CarriedLine, ...] = ()
    #: item id → the mark the user gave its line other than a tick (`/`, `>`…): kept on the line
    marks: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: what the notes say about the search as a whole (core/insights.py); None when not computed
    insights: Insights | None = None

    def in_section(self, section: Section) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section is section)
