"""Insights: what the notes say about the search as a whole (README, "Insights").

Pure: a function of the notes and today alone. `compute_insights(notes, today)` is the reference,
from scratch; `insight_tally.InsightTally` gives the same Insights while a watcher saves one note
after another (tests/test_incremental.py holds them equal). Both read each note through
`note_facts`, the part of the insights that depends on that note alone:

- the **funnel**: applications sent (`applied` on or before today) → answered → interviews →
  offers → accepted. An application is *answered* when, on or after its `applied` day, its note
  has an incoming Log entry, or its status is past `applied`, or an interview note of the same
  company (compared without case) is dated; the days to the answer run from `applied` to the
  first of those (a status change counts from its `status:` record's day; a status without a
  record answers, but without a day). It reached *interviews* when its status is `scheduled`,
  `interviewing`, `completed` or `waiting` or further, or such an interview note exists; *offers*
  when its status, or such an interview's, is `offer` or `accepted`; *accepted* when either is
  `accepted`. `rejected` and `declined` are answers; `ghosted`, `withdrawn` and the others are not;
- by **source**: `referral` when the application has `referral`, else its `source` lower-cased,
  else `unknown`: how many applications, how many answered, the median days to the answer;
- **weekly activity**, per ISO week over the 8 weeks up to today's: applications sent, meetings
  held (not `cancelled`), referrals received, and follow-ups made (your own Log entries: not
  incoming ones, not `status:` records, not those on the day of the note's own interview or
  meeting), none after today;
- **time in status**: from a note's `status:` records in date order, each status lasted from the
  record that entered it to the next record (an application's first status from `applied`); a
  status still current is not over, and not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from jobjournal.core.model import INCOMING_MARKS, STATUS_MARK, LogEntry, Note, NoteType, day_of

#: The funnel's stages, in order; an application's stage is the index of the last it reached.
STAGES = ("applied", "answered", "interviews", "offers", "accepted")
APPLIED, ANSWERED, INTERVIEWS, OFFERS, ACCEPTED = range(len(STAGES))

#: The stage a status shows an application (or an interview of its company) reached.
_STAGE_OF_STATUS = {
    "rejected": ANSWERED, "declined": ANSWERED,
    "scheduled": INTERVIEWS, "interviewing": INTERVIEWS, "completed": INTERVIEWS,
    "waiting": INTERVIEWS, "offer": OFFERS, "accepted": ACCEPTED,
}  # fmt: skip

#: What is counted each week, in the order shown; the first three count towards the goal.
ACTIVITIES = ("applications", "meetings", "referrals", "follow_ups")
GOAL_ACTIVITIES = ACTIVITIES[:3]
WEEKS = 8

#: Statuses always listed under time in status (others when they have data), in this order.
TIMED_STATUSES = ("applied", "scheduled", "interviewing", "completed", "waiting", "offer")
_STATUS_ORDER = (*TIMED_STATUSES, "accepted", "rejected", "declined", "withdrawn", "ghosted",
                 "cancelled", "closed", "active", "inactive")
_ARROWS = ("→", "->")
_HELD = (NoteType.INTERVIEW, NoteType.MEETING)
_STATUS_LEN = len(STATUS_MARK)


# --- what one note tells ------------------------------------------------------------------------


class ApplicationFacts(NamedTuple):
    """What an application note alone tells the funnel."""

    company: str | None  # lower-cased, whitespace collapsed
    applied: date
    source: str
    stage: int  # the stage its own status shows (APPLIED when none)
    answer_day: date | None  # its own first answer: an incoming entry, a status record


class InterviewFacts(NamedTuple):
    """What an interview note alone tells the funnel of its company's applications."""

    company: str
    day: date
    stage: int  # INTERVIEWS, or further by its status


class NoteFacts(NamedTuple):
    """The part of the insights that depends on one note (and today) alone."""

    events: tuple[tuple[str, date], ...]  # (activity, day), none after today
    spells: tuple[tuple[str, int], ...]  # (status, days spent in it)
    application: ApplicationFacts | None
    interview: InterviewFacts | None


def company_key(company: str | None) -> str | None:
    """A company as the funnel compares it: lower-cased, whitespace collapsed; None when empty."""
    key = " ".join((company or "").split()).lower()
    return key or None


def source_of(note: Note) -> str:
    """`referral` when the application names who referred you, else its `source`, else
    `unknown`."""
    if note.referral is not None:
        return "referral"
    return " ".join((note.source or "").split()).lower() or "unknown"


def status_change(entry: LogEntry) -> tuple[str | None, str] | None:
    """The statuses a `status:` record names: (from, to), `from` None when it names one only
    (`status: offer`); None when it names none."""
    text = entry.text[len("status:"):].strip()
    before: str | None = None
    for arrow in _ARROWS:
        if arrow in text:
            head, _, text = text.rpartition(arrow)
            before = _status_word(head)
            break
    after = _status_word(text)
    return None if after is None else (before, after)


def _status_word(text: str) -> str | None:
    """A status as written in a record: the whole text lower-cased, or its first word when that
    is a status jobjournal knows and the whole is not (`interviewing (moved on the board)`)."""
    words = text.lower().replace(",", " ").split()
    if not words:
        return None
    whole = " ".join(words)
    if whole not in _STATUS_ORDER and words[0] in _STATUS_ORDER:
        return words[0]
    return whole


_Record = tuple[date, int, str | None, str]  # a status record: day, line, from, to


def _spells(note: Note, records: list[_Record]) -> tuple[tuple[str, int], ...]:
    """How long each status lasted, from the note's status records in date order."""
    spells = [(status, (after - before).days)
              for (before, _, _, status), (after, _, _, _) in zip(records, records[1:],
                                                                  strict=False)]
    if records and note.type is NoteType.APPLICATION and note.applied is not None:
        first_day, _, first_from, _ = records[0]
        if first_from is not None and note.applied <= first_day:
            spells.insert(0, (first_from, (first_day - note.applied).days))
    return tuple(spells)


def _record_day(record: _Record) -> tuple[date, int]:
    return record[0], record[1]


def note_facts(note: Note, today: date) -> NoteFacts | None:
    """What one note adds to the insights as of `today` (None: nothing, as for an ordinary
    note). One pass over the Log: it runs for every note of a new day's build (the plain way,
    a function per part, is tests/test_insights.py's reference)."""
    kind = note.type
    if kind is None:
        return None
    events: list[tuple[str, date]] = []
    when = note.date
    if kind is NoteType.APPLICATION and note.applied is not None:
        events.append(("applications", note.applied))
    elif kind is NoteType.MEETING and when is not None and note.status != "cancelled":
        events.append(("meetings", day_of(when)))
    elif kind is NoteType.REFERRAL and when is not None:
        events.append(("referrals", day_of(when)))
    if events and events[0][1] > today:
        events.clear()
    # the day of the note's own interview or meeting: that day's entries are the appointment
    held = day_of(when) if when is not None and kind in _HELD else None
    records: list[_Record] = []
    incoming: list[date] = []
    for entry in note.log:
        day = entry.day
        if day > today:
            continue
        text = entry.text
        if text.startswith(INCOMING_MARKS):
            incoming.append(day)
        elif text[:_STATUS_LEN].lower() == STATUS_MARK:
            change = status_change(entry)
            if change is not None:
                records.append((day, entry.line, *change))
        elif day != held:
            events.append(("follow_ups", day))
    records.sort(key=_record_day)
    application = None
    applied = note.applied
    if kind is NoteType.APPLICATION and applied is not None and applied <= today:
        answers = [day for day in incoming if day >= applied]
        answers += [day for day, _, _, status in records
                    if day >= applied and _STAGE_OF_STATUS.get(status, APPLIED) >= ANSWERED]
        application = ApplicationFacts(company_key(note.company), applied, source_of(note),
                                       _STAGE_OF_STATUS.get(note.status or "", APPLIED),
                                       min(answers, default=None))
    interview = None
    if kind is NoteType.INTERVIEW and when is not None:
        company = company_key(note.company)
        if company is not None:
            stage = max(INTERVIEWS, _STAGE_OF_STATUS.get(note.status or "", APPLIED))
            interview = InterviewFacts(company, day_of(when), stage)
    spells = _spells(note, records) if records else ()
    if not (events or spells or application or interview):
        return None
    return NoteFacts(tuple(events), spells, application, interview)


# --- the insights -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: str
    applications: int
    answered: int
    median_days_to_answer: float | None

    @property
    def rate(self) -> float:
        return round(self.answered / self.applications, 3) if self.applications else 0.0


@dataclass(frozen=True)
class Week:
    week: str  # ISO week: "2026-W49"
    start: date  # its Monday
    applications: int
    meetings: int
    referrals: int
    follow_ups: int

    @property
    def towards_goal(self) -> int:
        """What counts towards the weekly goal: applications, meetings and referrals."""
        return self.applications + self.meetings + self.referrals


@dataclass(frozen=True)
class Insights:
    today: date
    funnel: tuple[tuple[str, int], ...]  # (stage, count), in STAGES order
    by_source: tuple[SourceRow, ...]  # most applications first, then by name
    weekly: tuple[Week, ...]  # WEEKS weeks, oldest first, today's last
    time_in_status: tuple[tuple[str, float | None], ...]  # (status, median days)


def conversion(funnel: tuple[tuple[str, int], ...]) -> list[float | None]:
    """Each stage's count over the previous stage's (None for the first, or after a zero)."""
    return [None if n == 0 or not funnel[n - 1][1] else round(count / funnel[n - 1][1], 3)
            for n, (_, count) in enumerate(funnel)]


def week_starts(today: date) -> list[date]:
    """The Mondays of the WEEKS ISO weeks up to today's, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=WEEKS - 1 - n) for n in range(WEEKS)]


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def status_order(status: str) -> tuple[int, str]:
    """Statuses in pipeline order, unknown ones after, by name."""
    if status in _STATUS_ORDER:
        return (_STATUS_ORDER.index(status), "")
    return (len(_STATUS_ORDER), status)


def _median(values: list[int]) -> float | None:
    """The median, as `statistics.median` gives it (whose module, importing `random`,
    `decimal` and `fractions`, costs every start a few milliseconds)."""
    if not values:
        return None
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2


def application_outcome(facts: ApplicationFacts, interviews: Iterable[InterviewFacts]
                        ) -> tuple[int, date | None]:
    """The stage an application reached and the day of its first answer, given the interview
    notes of its company."""
    later = [i for i in interviews if i.day >= facts.applied]
    stage = max([facts.stage, *(i.stage for i in later)])
    answer_day = min([d for d in (facts.answer_day, *(i.day for i in later)) if d is not None],
                     default=None)
    if answer_day is not None:
        stage = max(stage, ANSWERED)
    return stage, answer_day


def compute_insights(notes: Iterable[Note], today: date) -> Insights:
    """The insights of the notes as of `today`, from scratch (the reference)."""
    facts = [f for note in notes if (f := note_facts(note, today)) is not None]
    interviews: dict[str, list[InterviewFacts]] = {}
    for f in facts:
        if f.interview is not None:
            interviews.setdefault(f.interview.company, []).append(f.interview)
    stages = [0] * len(STAGES)
    sources: dict[str, tuple[list[bool], list[int]]] = {}
    for f in facts:
        app = f.application
        if app is None:
            continue
        same = interviews.get(app.company, []) if app.company is not None else []
        stage, answer_day = application_outcome(app, same)
        for n in range(stage + 1):
            stages[n] += 1
        answered, days = sources.setdefault(app.source, ([], []))
        answered.append(stage >= ANSWERED)
        if answer_day is not None:
            days.append((answer_day - app.applied).days)
    by_source = tuple(sorted(
        (SourceRow(source, len(answered), sum(answered), _median(days))
         for source, (answered, days) in sources.items()),
        key=lambda row: (-row.applications, row.source),
    ))
    weekly = []
    events = [event for f in facts for event in f.events]
    for monday in week_starts(today):
        week = [kind for kind, day in events if monday <= day < monday + timedelta(days=7)]
        weekly.append(Week(week_label(monday), monday,
                           *(week.count(activity) for activity in ACTIVITIES)))
    spells: dict[str, list[int]] = {status: [] for status in TIMED_STATUSES}
    for f in facts:
        for status, spent in f.spells:
            spells.setdefault(status, []).append(spent)
    return Insights(
        today=today,
        funnel=tuple(zip(STAGES, stages, strict=True)),
        by_source=by_source,
        weekly=tuple(weekly),
        time_in_status=tuple((status, _median(spells[status]))
                             for status in sorted(spells, key=status_order)),
    )
