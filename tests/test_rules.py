"""The follow-up rules (docs/rules.md), rule by rule: one table per item kind, then properties over random vaults.

Notes are built directly (no files). Each table row is one case of the rule: the notes, the
config and the items of that kind it must yield, as (due, section[, why | at | text | warnings]).
Today is Thursday 2026-11-26 unless a case says otherwise (the US holiday calendar has
Thanksgiving on that day).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.config import WEEKDAYS, AgendaConfig, CalendarConfig, Config, FollowupConfig
from jobjournal.core import rules
from jobjournal.core.context import make_context, section_for
from jobjournal.core.engine import build_agenda
from jobjournal.core.model import (
    CLOSED_STATUSES,
    Agenda,
    Item,
    Kind,
    Link,
    LogEntry,
    Note,
    NoteType,
    Section,
    Task,
    day_of,
)
from jobjournal.core.rules import CLOSED_NOTE_KINDS, REPLACED_BY_FOLLOW_UP
from jobjournal.core.workdays import Workdays

T = date(2026, 11, 26)  # a Thursday; Thanksgiving in the US
DEFAULT = Config()
US = Config(calendar=CalendarConfig(holidays="US"))
SUN_THU = Config(calendar=CalendarConfig(workdays=("sun", "mon", "tue", "wed", "thu")))
DANA = Link("Dana Recruiter", is_wikilink=True)
ACME = "Interviews/Acme - Backend.md"


def d(text: str) -> date:
    return date.fromisoformat(text)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def log(*whens: str, links: tuple[str, ...] = ()) -> tuple[LogEntry, ...]:
    """Log entries at lines 10, 11, …; `links` are wikilink targets every entry mentions."""
    return tuple(
        LogEntry(
            dt(w) if "T" in w else d(w), f"contact {i}", 10 + i,
            tuple(Link(target, is_wikilink=True) for target in links),
        )
        for i, w in enumerate(whens)
    )


def interview(**fields: Any) -> Note:
    base: dict[str, Any] = {
        "company": "Acme", "role": "Backend Engineer", "recruiter": DANA,
        "hiring_manager": Link("Hana Manager"), "date": d("2026-11-10"),
    }
    return Note(ACME, NoteType.INTERVIEW, **{**base, **fields})


def application(**fields: Any) -> Note:
    base = {"company": "Globex", "role": "SRE", "contact": Link("Lee Hiring", is_wikilink=True)}
    return Note("Applications/Globex - SRE.md", NoteType.APPLICATION, **{**base, **fields})


def contact(**fields: Any) -> Note:
    return Note("Contacts/Dana Recruiter.md", NoteType.CONTACT, **fields)


def meeting(**fields: Any) -> Note:
    base = {"with_": (Link("Pat Mentor", is_wikilink=True),), "purpose": "coffee"}
    return Note("Meetings/Coffee with Pat.md", NoteType.MEETING, **{**base, **fields})


def referral(**fields: Any) -> Note:
    base = {"from_": Link("Pat Mentor", is_wikilink=True), "company": "Initech"}
    return Note("Referrals/Pat - Initech.md", NoteType.REFERRAL, **{**base, **fields})


def agenda(*notes: Note, config: Config = DEFAULT, today: date = T) -> Agenda:
    return build_agenda(notes, today, config)


def of_kind(result: Agenda, kind: Kind) -> list[Item]:
    return [item for item in result.items if item.kind is kind]


def case(name: str, *notes: Note, expect: list[tuple[Any, ...]], config: Config = DEFAULT,
         today: date = T) -> Any:
    return pytest.param(notes, config, today, expect, id=name)


PARAMS = ("notes", "config", "today", "expected")


def due_section(notes: tuple[Note, ...], config: Config, today: date, kind: Kind,
                extra: str | None = None) -> list[tuple[Any, ...]]:
    """The items of one kind as (due as text, section as text[, one more field])."""
    return [
        (i.due.isoformat(), i.section.value, *((getattr(i, extra),) if extra else ()))
        for i in of_kind(agenda(*notes, config=config, today=today), kind)
    ]


# --- call-back ------------------------------------------------------------------------------------

CALL_BACK = [
    case("missed-call-not-returned", contact(missed_call=dt("2026-11-26T09:40")),
         expect=[("2026-11-26", "call-back")]),
    case("days-old-still-in-call-back", contact(missed_call=d("2026-11-20")),
         expect=[("2026-11-20", "call-back")]),
    case("entry-later-that-day-by-time",
         contact(missed_call=dt("2026-11-26T09:40"), log=log("2026-11-26T10:15")), expect=[]),
    case("entry-earlier-that-day-by-time",
         contact(missed_call=dt("2026-11-26T09:40"), log=log("2026-11-26T08:00")),
         expect=[("2026-11-26", "call-back")]),
    case("date-only-entry-on-the-day-of-a-timed-call-does-not-return-it",
         contact(missed_call=dt("2026-11-26T09:40"), log=log("2026-11-26")),
         expect=[("2026-11-26", "call-back")]),
    case("date-only-entry-the-day-after-a-timed-call-returns-it",
         contact(missed_call=dt("2026-11-25T22:25"), log=log("2026-11-26")), expect=[]),
    case("date-only-call-date-only-entry-same-day",
         contact(missed_call=d("2026-11-25"), log=log("2026-11-25")), expect=[]),
    case("date-only-call-timed-entry-same-day",
         contact(missed_call=d("2026-11-25"), log=log("2026-11-25T08:00")), expect=[]),
    case("entry-the-day-before", contact(missed_call=d("2026-11-25"), log=log("2026-11-24")),
         expect=[("2026-11-25", "call-back")]),
    case("entry-after-today-has-not-happened",
         contact(missed_call=d("2026-11-25"), log=log("2026-11-27")),
         expect=[("2026-11-25", "call-back")]),
    case("returned-from-another-note-linking-it",
         contact(missed_call=d("2026-11-24")),
         meeting(date=d("2026-11-10"), log=log("2026-11-25", links=("Dana Recruiter",))),
         expect=[]),
    case("closed-note-still-calls-back",
         interview(status="rejected", missed_call=d("2026-11-25")),
         expect=[("2026-11-25", "call-back")]),
    case("call-after-today-ignored", contact(missed_call=d("2026-11-27")), expect=[]),
    case("returned-by-their-call-back",
         contact(missed_call=dt("2026-11-26T09:40"),
                 log=(LogEntry(dt("2026-11-26T10:00"), "← Dana called again", 10),)),
         expect=[]),
    case("a-status-record-is-no-call",
         contact(missed_call=dt("2026-11-26T09:40"),
                 log=(LogEntry(dt("2026-11-26T10:00"), "status: waiting", 10),)),
         expect=[("2026-11-26", "call-back")]),
]


@pytest.mark.parametrize(PARAMS, CALL_BACK)
def test_call_back(notes: tuple[Note, ...], config: Config, today: date,
                   expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.CALL_BACK) == expected


def test_call_back_wording() -> None:
    (item,) = of_kind(agenda(contact(missed_call=dt("2026-11-26T09:40"))), Kind.CALL_BACK)
    assert item.contact == "Dana Recruiter"
    assert item.text == ("Call back Dana Recruiter now — missed call 2026-11-26 09:40: "
                         "recruiters move on to the next candidate")
    assert item.why == "missed call 2026-11-26 09:40"


# --- appointment ----------------------------------------------------------------------------------

APPOINTMENT = [
    case("interview-tomorrow-with-time", interview(date=dt("2026-11-27T14:00")),
         expect=[("2026-11-27", "upcoming", time(14, 0))]),
    case("interview-today", interview(date=T), expect=[("2026-11-26", "today", None)]),
    case("interview-yesterday", interview(date=d("2026-11-25")), expect=[]),
    case("meeting-at-horizon", meeting(date=d("2026-12-10")),
         expect=[("2026-12-10", "upcoming", None)]),
    case("meeting-beyond-horizon", meeting(date=d("2026-12-11")),
         expect=[("2026-12-11", "later", None)]),
    case("on-a-holiday-as-written", interview(date=T), config=US,
         expect=[("2026-11-26", "today", None)]),
    case("closed-interview", interview(date=d("2026-11-30"), status="withdrawn"), expect=[]),
    case("contact-has-no-appointment", contact(date=d("2026-11-30")), expect=[]),
]


@pytest.mark.parametrize(PARAMS, APPOINTMENT)
def test_appointment(notes: tuple[Note, ...], config: Config, today: date,
                     expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.APPOINTMENT, "at") == expected


# --- gather-info ----------------------------------------------------------------------------------

GATHER_INFO = [
    case("company-and-hiring-manager-missing",
         interview(date=d("2026-11-30"), company=None, hiring_manager=None),
         expect=[("2026-11-26", "needs-info", "Ask Dana Recruiter about the company and the "
                  "hiring manager before the interview on 2026-11-30")]),
    case("no-recruiter-asks-the-first-caller",
         interview(date=T, company="  ", role=None, hiring_manager=None, recruiter=None),
         expect=[("2026-11-26", "needs-info", "Ask the first caller about the company, the "
                  "role and the hiring manager before the interview on 2026-11-26")]),
    case("all-known", interview(date=d("2026-11-30")), expect=[]),
    case("interview-over", interview(date=d("2026-11-25"), company=None), expect=[]),
    case("closed", interview(date=d("2026-11-30"), company=None, status="declined"), expect=[]),
]


@pytest.mark.parametrize(PARAMS, GATHER_INFO)
def test_gather_info(notes: tuple[Note, ...], config: Config, today: date,
                     expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.GATHER_INFO, "text") == expected


# --- thank-you ------------------------------------------------------------------------------------

THANK_YOU = [
    case("interview-today", interview(date=T), expect=[("2026-11-27", "upcoming")]),
    case("interview-with-time-yesterday", interview(date=dt("2026-11-25T16:00")),
         expect=[("2026-11-26", "today")]),
    case("seven-days-later-still", interview(date=d("2026-11-19")),
         expect=[("2026-11-20", "overdue")]),
    case("eight-days-later-gone", interview(date=d("2026-11-18")), expect=[]),
    case("not-held-yet", interview(date=d("2026-11-27")), expect=[]),
    case("sent-as-date", interview(date=d("2026-11-25"), thank_you=d("2026-11-25")), expect=[]),
    case("sent-as-true", meeting(date=d("2026-11-25"), thank_you=True), expect=[]),
    case("saturday-not-moved", meeting(date=d("2026-11-20")), expect=[("2026-11-21", "overdue")]),
    case("thank-you-days-0", meeting(date=d("2026-11-24")),
         config=Config(followup=FollowupConfig(thank_you_days=0)),
         expect=[("2026-11-24", "overdue")]),
    case("closed", interview(date=d("2026-11-25"), status="rejected"), expect=[]),
]


@pytest.mark.parametrize(PARAMS, THANK_YOU)
def test_thank_you(notes: tuple[Note, ...], config: Config, today: date,
                   expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.THANK_YOU) == expected


# --- ask-decision-date ----------------------------------------------------------------------------

ASK_DECISION_DATE = [
    case("no-decision-date", interview(), expect=[("2026-11-26", "needs-info")]),
    case("decision-date-known", interview(decision_date=d("2026-12-04")), expect=[]),
    case("interview-today", interview(date=T), expect=[]),
    case("offer", interview(status="offer"), expect=[]),
    case("closed", interview(status="rejected"), expect=[]),
    case("not-replaced-by-follow-up", interview(follow_up=d("2026-12-01")),
         expect=[("2026-11-26", "needs-info")]),
]


@pytest.mark.parametrize(PARAMS, ASK_DECISION_DATE)
def test_ask_decision_date(notes: tuple[Note, ...], config: Config, today: date,
                           expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.ASK_DECISION_DATE) == expected


# --- decision-follow-up ---------------------------------------------------------------------------

DECISION_FOLLOW_UP = [
    case("decision-thursday-plus-2", interview(decision_date=d("2026-11-19")),
         expect=[("2026-11-23", "overdue", "decision expected 2026-11-19 + 2 workdays")]),
    case("weekend-roll-friday-to-tuesday", interview(decision_date=d("2026-11-20")),
         expect=[("2026-11-24", "overdue", "decision expected 2026-11-20 + 2 workdays")]),
    case("due-today", interview(decision_date=d("2026-11-24")),
         expect=[("2026-11-26", "today", "decision expected 2026-11-24 + 2 workdays")]),
    case("holiday-roll-thanksgiving", interview(decision_date=d("2026-11-24")), config=US,
         expect=[("2026-11-27", "waiting", "decision expected 2026-11-24 + 2 workdays")]),
    case("custom-workdays-sun-thu", interview(decision_date=d("2026-11-18")), config=SUN_THU,
         expect=[("2026-11-22", "overdue", "decision expected 2026-11-18 + 2 workdays")]),
    case("no-decision-date", interview(date=d("2026-11-18")),
         expect=[("2026-11-25", "overdue",
                  "interview 2026-11-18 + 5 workdays, no decision date given")]),
    case("min-gap-pushes", interview(decision_date=d("2026-11-24"), log=log("2026-11-23")),
         expect=[("2026-11-30", "waiting", "last contact 2026-11-23 + 5 workdays")]),
    case("contact-before-interview-does-not-push",
         interview(decision_date=d("2026-11-18"), log=log("2026-11-09")),
         expect=[("2026-11-20", "overdue", "decision expected 2026-11-18 + 2 workdays")]),
    case("contact-on-interview-day-does-not-push",
         interview(decision_date=d("2026-11-18"), log=log("2026-11-10T17:00")),
         expect=[("2026-11-20", "overdue", "decision expected 2026-11-18 + 2 workdays")]),
    case("min-gap-earlier-than-grace-does-not-pull",
         interview(decision_date=d("2026-12-04"), log=log("2026-11-12")),
         expect=[("2026-12-08", "waiting", "decision expected 2026-12-04 + 2 workdays")]),
    case("front-matter-last-contact-pushes",
         interview(decision_date=d("2026-11-24"), last_contact=d("2026-11-23"),
                   log=log("2026-11-12")),
         expect=[("2026-11-30", "waiting", "last contact 2026-11-23 + 5 workdays")]),
    case("last-contact-after-today-ignored",
         interview(decision_date=d("2026-11-18"), last_contact=d("2026-11-27")),
         expect=[("2026-11-20", "overdue", "decision expected 2026-11-18 + 2 workdays")]),
    case("incoming-link-pushes", interview(decision_date=d("2026-11-24")),
         contact(log=log("2026-11-24", links=("Acme - Backend",))),
         expect=[("2026-12-01", "waiting", "last contact 2026-11-24 + 5 workdays")]),
    case("far-future-still-waiting", interview(decision_date=d("2027-03-01")),
         expect=[("2027-03-03", "waiting", "decision expected 2027-03-01 + 2 workdays")]),
    case("interview-today-not-yet", interview(date=T), expect=[]),
    case("offer", interview(status="offer", decision_date=d("2026-11-18")), expect=[]),
    case("closed", interview(status="rejected", decision_date=d("2026-11-18")), expect=[]),
    case("replaced-by-follow-up",
         interview(decision_date=d("2026-11-18"), follow_up=d("2026-12-01")), expect=[]),
    case("follow-up-done-brings-it-back",
         interview(decision_date=d("2026-11-18"), follow_up=d("2026-11-19"),
                   log=log("2026-11-19")),
         expect=[("2026-11-26", "today", "last contact 2026-11-19 + 5 workdays")]),
    case("replaced-by-ask-new-date",
         interview(decision_date=d("2026-11-16"), log=log("2026-11-20")), expect=[]),
    case("back-once-a-new-date-is-recorded",
         interview(decision_date=d("2026-12-04"), log=log("2026-11-20")),
         expect=[("2026-12-08", "waiting", "decision expected 2026-12-04 + 2 workdays")]),
]


@pytest.mark.parametrize(PARAMS, DECISION_FOLLOW_UP)
def test_decision_follow_up(notes: tuple[Note, ...], config: Config, today: date,
                            expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.DECISION_FOLLOW_UP, "why") == expected


def test_decision_follow_up_wording() -> None:
    waiting = interview(decision_date=d("2026-12-04"), candidates=4)
    (item,) = of_kind(agenda(waiting), Kind.DECISION_FOLLOW_UP)
    assert item.text == ("Give it time to play out: decision expected 2026-12-04, "
                         "4 candidates; don't call before 2026-12-08")
    (item,) = of_kind(agenda(interview(candidates=1)), Kind.DECISION_FOLLOW_UP)
    assert item.text == ("Call Dana Recruiter about the decision on Backend Engineer at Acme "
                         "(no decision date given, 1 candidate): you were called to participate, "
                         "so don't apologise; if there is no definitive answer, ask for a new date")


# --- ask-new-date ---------------------------------------------------------------------------------

ASK_NEW_DATE = [
    case("followed-up-after-the-date-passed",
         interview(decision_date=d("2026-11-16"), log=log("2026-11-20")),
         expect=[("2026-11-26", "needs-info")]),
    case("followed-up-the-day-grace-ends",
         interview(decision_date=d("2026-11-16"), log=log("2026-11-18")),
         expect=[("2026-11-26", "needs-info")]),
    case("followed-up-too-early", interview(decision_date=d("2026-11-16"), log=log("2026-11-17")),
         expect=[]),
    case("no-contact", interview(decision_date=d("2026-11-16")), expect=[]),
    case("new-decision-date-after-the-contact-ends-it",
         interview(decision_date=d("2026-12-04"), log=log("2026-11-20")), expect=[]),
    case("follow-up-after-the-contact-ends-it",
         interview(decision_date=d("2026-11-16"), log=log("2026-11-20"), follow_up=d("2026-12-01")),
         expect=[]),
    case("follow-up-done-does-not",
         interview(decision_date=d("2026-11-16"), log=log("2026-11-20"), follow_up=d("2026-11-19")),
         expect=[("2026-11-26", "needs-info")]),
    case("holiday-moves-the-grace-end",
         interview(decision_date=d("2026-11-24"), log=log("2026-11-26")), config=US, expect=[]),
    case("offer", interview(decision_date=d("2026-11-16"), log=log("2026-11-20"), status="offer"),
         expect=[]),
    case("closed", interview(decision_date=d("2026-11-16"), log=log("2026-11-20"), status="closed"),
         expect=[]),
]


@pytest.mark.parametrize(PARAMS, ASK_NEW_DATE)
def test_ask_new_date(notes: tuple[Note, ...], config: Config, today: date,
                      expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.ASK_NEW_DATE) == expected


# --- offer-deadline -------------------------------------------------------------------------------

OFFER_DEADLINE = [
    case("respond-by", interview(status="offer", respond_by=d("2026-11-30")),
         expect=[("2026-11-30", "upcoming")]),
    case("saturday-not-moved", interview(status="offer", respond_by=d("2026-11-28")),
         expect=[("2026-11-28", "upcoming")]),
    case("missed", interview(status="offer", respond_by=d("2026-11-25")),
         expect=[("2026-11-25", "overdue")]),
    case("no-deadline", interview(status="offer"), expect=[]),
    case("not-an-offer", interview(status="waiting", respond_by=d("2026-11-30")), expect=[]),
    case("accepted", interview(status="accepted", respond_by=d("2026-11-30")), expect=[]),
]


@pytest.mark.parametrize(PARAMS, OFFER_DEADLINE)
def test_offer_deadline(notes: tuple[Note, ...], config: Config, today: date,
                        expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.OFFER_DEADLINE) == expected


def test_an_offer_stops_the_decision_rules_only() -> None:
    offer = interview(status="offer", respond_by=d("2026-11-30"), decision_date=d("2026-11-16"),
                      log=log("2026-11-20"), missed_call=d("2026-11-25"),
                      tasks=(Task(d("2026-11-27"), "Negotiate", 20),))
    assert {i.kind for i in agenda(offer).items} == {
        Kind.CALL_BACK, Kind.OFFER_DEADLINE, Kind.TASK, Kind.KEEP_SEARCHING,
    }


# --- application-follow-up ------------------------------------------------------------------------

APPLICATION_FOLLOW_UP = [
    case("applied", application(applied=d("2026-11-10"), status="applied"),
         expect=[("2026-11-19", "overdue", "applied 2026-11-10 + 7 workdays")]),
    case("no-status", application(applied=d("2026-11-20")),
         expect=[("2026-12-01", "upcoming", "applied 2026-11-20 + 7 workdays")]),
    case("holiday-roll", application(applied=d("2026-11-20")), config=US,
         expect=[("2026-12-02", "upcoming", "applied 2026-11-20 + 7 workdays")]),
    case("later-contact-counts", application(applied=d("2026-11-10"), log=log("2026-11-20")),
         expect=[("2026-12-01", "upcoming", "last contact 2026-11-20 + 7 workdays")]),
    case("earlier-contact-does-not", application(applied=d("2026-11-10"),
                                                 last_contact=d("2026-11-01")),
         expect=[("2026-11-19", "overdue", "applied 2026-11-10 + 7 workdays")]),
    case("interviewing", application(applied=d("2026-11-10"), status="interviewing"), expect=[]),
    case("rejected", application(applied=d("2026-11-10"), status="rejected"), expect=[]),
    case("replaced-by-follow-up", application(applied=d("2026-11-10"), follow_up=d("2026-11-27")),
         expect=[]),
]


@pytest.mark.parametrize(PARAMS, APPLICATION_FOLLOW_UP)
def test_application_follow_up(notes: tuple[Note, ...], config: Config, today: date,
                               expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.APPLICATION_FOLLOW_UP, "why") == expected


# --- thank-referrer -------------------------------------------------------------------------------

THANK_REFERRER = [
    case("friday-to-monday", referral(date=d("2026-11-20")),
         expect=[("2026-11-23", "overdue", "referral 2026-11-20 + 1 workday")]),
    case("yesterday", referral(date=d("2026-11-25")),
         expect=[("2026-11-26", "today", "referral 2026-11-25 + 1 workday")]),
    case("thanksgiving-skipped", referral(date=d("2026-11-25")), config=US,
         expect=[("2026-11-27", "upcoming", "referral 2026-11-25 + 1 workday")]),
    case("thanked-true", referral(date=d("2026-11-20"), thanked=True), expect=[]),
    case("thanked-date", referral(date=d("2026-11-20"), thanked=d("2026-11-21")), expect=[]),
    case("closed", referral(date=d("2026-11-20"), status="closed"), expect=[]),
]


@pytest.mark.parametrize(PARAMS, THANK_REFERRER)
def test_thank_referrer(notes: tuple[Note, ...], config: Config, today: date,
                        expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.THANK_REFERRER, "why") == expected


# --- stay-in-touch --------------------------------------------------------------------------------

STAY_IN_TOUCH = [
    case("thirty-days", contact(stay_in_touch=30, log=log("2026-10-20")),
         expect=[("2026-11-19", "overdue", "last contact 2026-10-20 + 30 days")]),
    case("saturday-rolls-to-monday", contact(stay_in_touch=30, log=log("2026-10-22")),
         expect=[("2026-11-23", "overdue", "last contact 2026-10-22 + 30 days")]),
    case("thanksgiving-rolls", contact(stay_in_touch=30, log=log("2026-10-27")), config=US,
         expect=[("2026-11-27", "upcoming", "last contact 2026-10-27 + 30 days")]),
    case("never-contacted", contact(stay_in_touch=30),
         expect=[("2026-11-26", "today", "stay_in_touch every 30 days, no contact recorded")]),
    case("incoming-link-counts", contact(stay_in_touch=14),
         interview(log=log("2026-11-20", links=("Dana Recruiter",))),
         expect=[("2026-12-04", "upcoming", "last contact 2026-11-20 + 14 days")]),
    case("inactive", contact(stay_in_touch=30, status="inactive"), expect=[]),
    case("zero-days-off", contact(stay_in_touch=0), expect=[]),
]


@pytest.mark.parametrize(PARAMS, STAY_IN_TOUCH)
def test_stay_in_touch(notes: tuple[Note, ...], config: Config, today: date,
                       expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.STAY_IN_TOUCH, "why") == expected


# --- follow-up ------------------------------------------------------------------------------------

TOO_SOON = "too soon: less than 5 workdays after the last contact on 2026-11-24"
FOLLOW_UP = [
    case("your-date", interview(follow_up=d("2026-12-01")),
         expect=[("2026-12-01", "upcoming", ())]),
    case("saturday-not-moved", application(follow_up=d("2026-11-28")),
         expect=[("2026-11-28", "upcoming", ())]),
    case("overdue", contact(follow_up=d("2026-11-25"), log=log("2026-11-10")),
         expect=[("2026-11-25", "overdue", ())]),
    case("too-soon-warns", interview(follow_up=d("2026-11-27"), log=log("2026-11-24")),
         expect=[("2026-11-27", "upcoming", (TOO_SOON,))]),
    case("min-gap-exactly-is-fine", interview(follow_up=d("2026-12-01"), log=log("2026-11-24")),
         expect=[("2026-12-01", "upcoming", ())]),
    case("done-on-the-day", interview(follow_up=d("2026-11-20"), log=log("2026-11-20")), expect=[]),
    case("done-after", interview(follow_up=d("2026-11-25"), last_contact=d("2026-11-26")),
         expect=[]),
    case("closed-note-keeps-it", interview(follow_up=d("2026-12-01"), status="rejected"),
         expect=[("2026-12-01", "upcoming", ())]),
]


@pytest.mark.parametrize(PARAMS, FOLLOW_UP)
def test_follow_up(notes: tuple[Note, ...], config: Config, today: date,
                   expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.FOLLOW_UP, "warnings") == expected


def test_follow_up_wording() -> None:
    (item,) = of_kind(agenda(interview(follow_up=d("2026-12-01"))), Kind.FOLLOW_UP)
    assert item.why == "follow_up 2026-12-01 (your date)"
    assert item.text == (
        "Follow up with Dana Recruiter about Backend Engineer at Acme, as you planned"
    )


# --- task -----------------------------------------------------------------------------------------

OPEN_TASK = (Task(d("2026-11-27"), "Send portfolio", 20),)
TASK = [
    case("on-an-interview", interview(tasks=OPEN_TASK),
         expect=[("2026-11-27", "upcoming", "Send portfolio")]),
    case("on-a-closed-note", interview(tasks=OPEN_TASK, status="withdrawn"),
         expect=[("2026-11-27", "upcoming", "Send portfolio")]),
    case("on-an-ordinary-note", Note("Daily/2026-11-26.md", None, tasks=OPEN_TASK),
         expect=[("2026-11-27", "upcoming", "Send portfolio")]),
    case("far-off-is-later", contact(tasks=(Task(d("2027-01-10"), "Renew", 3),)),
         expect=[("2027-01-10", "later", "Renew")]),
]


@pytest.mark.parametrize(PARAMS, TASK)
def test_task(notes: tuple[Note, ...], config: Config, today: date,
              expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.TASK, "text") == expected


def test_task_on_an_ordinary_note_has_no_contact_and_nothing_else() -> None:
    daily = Note("Daily/2026-11-26.md", None, tasks=OPEN_TASK, follow_up=d("2026-11-27"),
                 missed_call=d("2026-11-26"))
    (item,) = [i for i in agenda(daily).items if i.kind is not Kind.KEEP_SEARCHING]
    assert (item.kind, item.contact, item.title) == (Kind.TASK, None, "2026-11-26")


# --- move-on --------------------------------------------------------------------------------------

#: decision expected Thursday 2026-10-01 (+ 2 workdays: Monday 10-05); interview on 09-24
MOVE_ON = [
    case("followed-up-and-no-answer-since", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"),
                                                      log=log("2026-10-20")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-20, 37 days ago, after following up")]),
    case("thirty-one-days", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-26")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-26, 31 days ago, after following up")]),
    case("thirty-days-is-not-yet", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-27")),
         expect=[]),
    case("followed-up-on-the-day-grace-ends",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-05")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-05, 52 days ago, after following up")]),
    case("not-followed-up-after-the-date",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-02")), expect=[]),
    case("no-decision-date-after-interview-plus-5", interview(date=d("2026-10-01"),
                                                              log=log("2026-10-08")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-08, 49 days ago, after following up")]),
    case("no-decision-date-too-early", interview(date=d("2026-10-01"), log=log("2026-10-07")),
         expect=[]),
    case("their-answer-counts", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"),
                                          log=(*log("2026-10-20"),
                                               LogEntry(d("2026-11-20"), "← Dana: next week", 30))),
         expect=[]),
    case("their-call-is-contact-too",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"),
                   log=(LogEntry(d("2026-10-20"), "← Dana: still deciding", 30),)),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-20, 37 days ago, after following up")]),
    case("a-status-record-is-no-answer",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"),
                   log=(*log("2026-10-20"), LogEntry(d("2026-11-20"), "status: waiting", 30))),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-20, 37 days ago, after following up")]),
    case("no-contact-at-all", interview(date=d("2026-09-24"), decision_date=d("2026-10-01")), expect=[]),
    case("offer", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20"), status="offer"),
         expect=[]),
    case("ghosted-already", interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20"),
                                      status="ghosted"), expect=[]),
    case("your-follow-up-after-it-wins",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20"), follow_up=d("2026-12-01")),
         expect=[]),
    case("your-follow-up-done-does-not",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20"), follow_up=d("2026-10-20")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-20, 37 days ago, after following up")]),
    case("move-on-days-from-the-config",
         interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20")),
         config=Config(followup=FollowupConfig(move_on_days=40)), expect=[]),
    case("application-followed-up", application(applied=d("2026-10-01"), log=log("2026-10-12")),
         expect=[("2026-11-26", "needs-info",
                  "last contact 2026-10-12, 45 days ago, after following up")]),
    case("application-contact-on-the-day-of-applying",
         application(applied=d("2026-10-01"), log=log("2026-10-01")), expect=[]),
    case("application-never-followed-up", application(applied=d("2026-10-01")), expect=[]),
    case("application-interviewing", application(applied=d("2026-10-01"), log=log("2026-10-12"),
                                                 status="interviewing"), expect=[]),
    case("contact-notes-never-move-on", contact(log=log("2026-10-12")), expect=[]),
]


@pytest.mark.parametrize(PARAMS, MOVE_ON)
def test_move_on(notes: tuple[Note, ...], config: Config, today: date,
                 expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.MOVE_ON, "why") == expected


@pytest.mark.parametrize(
    "note",
    [
        pytest.param(interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20")),
                     id="interview-with-a-decision-date"),
        pytest.param(interview(date=d("2026-10-01"), log=log("2026-10-20")),
                     id="interview-without-one"),
        pytest.param(application(applied=d("2026-10-01"), log=log("2026-10-12")),
                     id="application"),
    ],
)
def test_move_on_replaces_the_note_s_computed_next_steps(note: Note) -> None:
    kinds = {item.kind for item in agenda(note).items if item.note is not None}
    assert kinds == {Kind.MOVE_ON}


def test_move_on_wording() -> None:
    (item,) = of_kind(agenda(interview(date=d("2026-09-24"), decision_date=d("2026-10-01"), log=log("2026-10-20"))),
                      Kind.MOVE_ON)
    assert item.text == (
        "No answer from Dana Recruiter for 37 days since you followed up on Backend Engineer at "
        "Acme: let it play out — set status to ghosted (or record a new date) and put the energy "
        "into new leads")


# --- keep-searching -------------------------------------------------------------------------------

KEEP_SEARCHING = [
    case("empty-vault", expect=[("2026-11-26", "needs-info")]),
    case("applied-today", application(applied=T), expect=[]),
    case("applied-six-days-ago", application(applied=d("2026-11-20")), expect=[]),
    case("applied-seven-days-ago", application(applied=d("2026-11-19")),
         expect=[("2026-11-26", "needs-info")]),
    case("applied-date-in-the-future", application(applied=d("2026-11-27")),
         expect=[("2026-11-26", "needs-info")]),
    case("meeting-held", meeting(date=dt("2026-11-24T08:30")), expect=[]),
    case("referral-received", referral(date=T), expect=[]),
    case("rejected-application-was-still-sent", application(applied=d("2026-11-24"),
                                                            status="rejected"), expect=[]),
    case("an-interview-is-not-new-activity", interview(date=d("2026-11-25")),
         expect=[("2026-11-26", "needs-info")]),
    case("search-over-application-accepted", application(status="accepted"), expect=[]),
    case("search-over-interview-accepted", interview(status="accepted"), expect=[]),
]


@pytest.mark.parametrize(PARAMS, KEEP_SEARCHING)
def test_keep_searching(notes: tuple[Note, ...], config: Config, today: date,
                        expected: list[tuple[Any, ...]]) -> None:
    assert due_section(notes, config, today, Kind.KEEP_SEARCHING) == expected


def test_keep_searching_is_about_the_vault() -> None:
    (item,) = agenda().items
    assert (item.note, item.title, item.contact) == (None, None, None)
    assert item.text == ("While you wait, keep networking and schedule more interviews: "
                         "no application sent, meeting held or referral received since 2026-11-20")


# --- rules that span kinds ------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(CLOSED_STATUSES))
def test_closed_notes_yield_only_what_you_wrote(status: str) -> None:
    rich = dict(status=status, missed_call=d("2026-11-25"), follow_up=d("2026-12-01"),
                tasks=OPEN_TASK, decision_date=d("2026-11-18"), respond_by=d("2026-11-30"),
                log=log("2026-11-20"), applied=d("2026-11-10"), stay_in_touch=7)
    for note in (interview(**rich), application(**rich), contact(**rich), referral(**rich),
                 meeting(**rich), interview(**{**rich, "date": d("2026-11-30")})):
        kinds = {i.kind for i in agenda(note).items if i.note is not None}
        assert kinds == {Kind.CALL_BACK, Kind.FOLLOW_UP, Kind.TASK}, note.type


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        pytest.param(interview(), "Dana Recruiter", id="interview-recruiter"),
        pytest.param(interview(recruiter=None), "Hana Manager", id="interview-hiring-manager"),
        pytest.param(interview(recruiter=None, hiring_manager=None,
                               with_=(Link("People/Sam Lee", is_wikilink=True), DANA)),
                     "Sam Lee", id="interview-first-with"),
        pytest.param(application(), "Lee Hiring", id="application-contact"),
        pytest.param(application(contact=None, referral=Link("Pat Mentor")), "Pat Mentor",
                     id="application-referral"),
        pytest.param(referral(), "Pat Mentor", id="referral-from"),
        pytest.param(contact(), "Dana Recruiter", id="contact-itself"),
        pytest.param(interview(recruiter=None, hiring_manager=None), None, id="nobody"),
    ],
)
def test_contact_is_the_person_to_contact(person: Note, expected: str | None) -> None:
    note = replace(person, follow_up=d("2026-12-01"))
    (item,) = of_kind(agenda(note), Kind.FOLLOW_UP)
    assert item.contact == expected


def test_contact_is_the_title_of_the_linked_note() -> None:
    note = interview(recruiter=Link("dana recruiter", is_wikilink=True), follow_up=d("2026-12-01"))
    result = build_agenda([note], T, DEFAULT, paths=[ACME, "People/Dana Recruiter.md"])
    (item,) = of_kind(result, Kind.FOLLOW_UP)
    assert item.contact == "Dana Recruiter"


# --- properties over random vaults ----------------------------------------------------------------

NAMES = ("N0", "N1", "N2", "N3", "N4", "N5")
TYPES = tuple(NoteType)
STATUSES = (None, "scheduled", "applied", "interviewing", "completed", "waiting", "offer",
            "active", "accepted", "rejected", "inactive", "ghosted", "someday")
days = st.integers(-45, 45).map(lambda k: T + timedelta(days=k))
whens = days | st.builds(lambda day, h: datetime.combine(day, time(h, 30)), days,
                         st.integers(7, 20))
links = st.sampled_from(NAMES).map(lambda name: Link(name, is_wikilink=True))
#: a Log entry's text: mostly your own contact, else theirs (incoming) or a status record
entry_texts = st.sampled_from(("x", "x", "x", "← x", "<- x", "status: waiting",
                               "status: applied → interviewing", "status: interviewing -> offer"))


@cache
def calendar_of(weekdays: tuple[str, ...], holidays: str) -> Workdays:
    return Workdays.from_config(CalendarConfig(weekdays, holidays))


configs = st.builds(
    lambda weekdays, holidays, nums, horizon: Config(
        agenda=AgendaConfig(horizon_days=horizon),
        followup=FollowupConfig(*nums),
        calendar=CalendarConfig(tuple(d for d in WEEKDAYS if d in weekdays), holidays),
    ),
    st.sets(st.sampled_from(WEEKDAYS), min_size=1),
    st.sampled_from(["", "US"]),
    st.tuples(*[st.integers(0, 8)] * 5, st.integers(0, 40)),  # the last: move_on_days
    st.integers(0, 21),
)


@st.composite
def notes_of(draw: st.DrawFn, name: str) -> Note:
    """A random note: the fields every type has, and those of its own type."""
    kind = draw(st.sampled_from((*TYPES, NoteType.INTERVIEW)))
    entries = draw(st.lists(st.tuples(whens, st.lists(links, max_size=1), entry_texts),
                            max_size=4))

    def optional(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(st.none() | strategy)

    def rarely(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(st.none(), st.none(), strategy))

    fields: dict[str, Any] = {
        "status": draw(st.none() | st.sampled_from(STATUSES)), "missed_call": rarely(whens),
        "follow_up": rarely(days), "last_contact": rarely(days),
        "log": tuple(LogEntry(w, text, 10 + i, tuple(ls))
                     for i, (w, ls, text) in enumerate(entries)),
        "tasks": tuple(Task(day, "t", 30) for day in draw(st.lists(days, max_size=1))),
    }
    if kind in (NoteType.INTERVIEW, NoteType.MEETING, NoteType.REFERRAL):
        fields.update(date=draw(st.one_of(whens, whens, st.none())),
                      thank_you=optional(st.just(True)))
    if kind is NoteType.INTERVIEW:
        fields.update(recruiter=optional(links), decision_date=optional(days),
                      respond_by=optional(days), company=optional(st.just("Acme")))
    elif kind is NoteType.APPLICATION:
        fields.update(applied=optional(days), contact=optional(links),
                      company=optional(st.sampled_from(("Acme", "acme ", "Beta"))),
                      source=optional(st.sampled_from(("LinkedIn", "linkedin", "Board"))),
                      referral=rarely(links))
    elif kind is NoteType.CONTACT:
        fields.update(stay_in_touch=optional(st.integers(0, 40)))
    elif kind is NoteType.REFERRAL:
        fields.update(from_=optional(links), thanked=optional(st.just(True)))
    return Note(f"{name}/{name}.md", kind, **fields)


Vault = tuple[list[Note], date, Config, Workdays]  # notes, today, config and its working days


@st.composite
def vaults(draw: st.DrawFn) -> Vault:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    config = draw(configs)
    today = T + timedelta(days=draw(st.integers(-3, 3)))
    return ([draw(notes_of(name)) for name in names], today, config,
            calendar_of(config.calendar.workdays, config.calendar.holidays))


PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(vaults())
def test_workday_kinds_fall_on_working_days(vault: Vault) -> None:
    notes, today, config, workdays = vault
    ctx = make_context(notes, today, config, workdays=workdays)
    by_path = {note.path: note for note in notes}
    for item in build_agenda(notes, today, config, workdays=workdays).items:
        if item.kind in (Kind.DECISION_FOLLOW_UP, Kind.APPLICATION_FOLLOW_UP, Kind.THANK_REFERRER):
            assert workdays.is_workday(item.due), item
        elif item.kind is Kind.STAY_IN_TOUCH:
            assert item.note is not None
            never = ctx.last_contact(by_path[item.note]) is None
            assert item.due == today if never else workdays.is_workday(item.due), item


@PROPERTY
@given(vaults())
def test_decision_follow_up_never_too_soon(vault: Vault) -> None:
    notes, today, config, workdays = vault
    ctx = make_context(notes, today, config, workdays=workdays)
    cfg, by_path = config.followup, {note.path: note for note in notes}
    for item in of_kind(build_agenda(notes, today, config, workdays=workdays),
                        Kind.DECISION_FOLLOW_UP):
        note = by_path[item.note or ""]
        assert note.date is not None and day_of(note.date) < today
        held = day_of(note.date)
        if note.decision_date is not None:
            assert item.due >= workdays.add(note.decision_date, cfg.grace_workdays)
        else:
            assert item.due >= workdays.add(held, cfg.no_decision_date_workdays)
        last = ctx.last_contact(note)
        if last is not None and last > held:
            assert item.due >= workdays.add(last, cfg.min_gap_workdays)
        assert (item.section is Section.WAITING) == (item.due > today)


@PROPERTY
@given(vaults())
def test_items_are_sorted_and_placed(vault: Vault) -> None:
    notes, today, config, workdays = vault
    result = build_agenda(notes, today, config, workdays=workdays)
    assert list(result.items) == sorted(result.items, key=Item.sort_key)
    for item in result.items:
        assert item.section is section_for(item.kind, item.due, today, config.agenda.horizon_days)


@PROPERTY
@given(vaults(), st.randoms(use_true_random=False))
def test_build_agenda_is_deterministic(vault: Vault,
                                       rng: random.Random) -> None:
    notes, today, config, workdays = vault
    first = build_agenda(notes, today, config, workdays=workdays)
    assert build_agenda(notes, today, config, workdays=workdays) == first
    shuffled = rng.sample(notes, len(notes))
    assert build_agenda(shuffled, today, config, workdays=workdays) == first


@PROPERTY
@given(vaults())
def test_closed_notes_only_yield_allowed_kinds(
    vault: Vault,
) -> None:
    notes, today, config, workdays = vault
    closed = {note.path for note in notes if note.closed}
    result = build_agenda(notes, today, config, workdays=workdays)
    for item in result.items:
        if item.note in closed:
            assert item.kind in CLOSED_NOTE_KINDS, item
    for path in {item.note for item in result.items}:
        kinds = {item.kind for item in result.items if item.note == path}
        if Kind.FOLLOW_UP in kinds:
            assert not kinds & REPLACED_BY_FOLLOW_UP
        if Kind.ASK_NEW_DATE in kinds:  # one next step at a time
            assert Kind.DECISION_FOLLOW_UP not in kinds
        if Kind.MOVE_ON in kinds:
            assert not kinds & rules.REPLACED_BY_MOVE_ON


@PROPERTY
@given(vaults())
def test_move_on_only_after_a_long_silence(vault: Vault) -> None:
    notes, today, config, workdays = vault
    ctx = make_context(notes, today, config, workdays=workdays)
    by_path = {note.path: note for note in notes}
    for item in of_kind(build_agenda(notes, today, config, workdays=workdays), Kind.MOVE_ON):
        note = by_path[item.note or ""]
        last = ctx.last_contact(note)
        assert last is not None and (today - last).days > config.followup.move_on_days
        assert not note.closed and note.status != "offer"
        assert note.follow_up is None or note.follow_up <= last


@PROPERTY
@given(vaults())
def test_a_closed_note_gets_what_running_every_rule_and_filtering_gives(vault: Vault) -> None:
    # note_items runs only CLOSED_NOTE_RULES on a closed note: it must change nothing
    notes, today, config, workdays = vault
    ctx = make_context(notes, today, config, workdays=workdays)
    for note in notes:
        if note.type is None or not note.closed:
            continue
        every = [*rules.task(note, ctx),
                 *(item for rule in rules.NOTE_RULES if (item := rule(note, ctx)) is not None)]
        kept = [item for item in every if item.kind in CLOSED_NOTE_KINDS]
        assert sorted(rules.note_items(note, ctx), key=Item.sort_key) == sorted(
            kept, key=Item.sort_key)


@PROPERTY
@given(vaults())
def test_a_rule_left_out_for_a_type_yields_nothing_for_it(vault: Vault) -> None:
    # note_items runs only RULES_FOR[type] on an open note: the others must yield nothing
    notes, today, config, workdays = vault
    ctx = make_context(notes, today, config, workdays=workdays)
    for note in notes:
        if note.type is None:
            continue
        for rule in rules.NOTE_RULES:
            if rule not in rules.RULES_FOR[note.type]:
                assert rule(note, ctx) is None, (rule.__name__, note)


def test_every_rule_is_run_for_some_type_in_its_order() -> None:
    listed = {rule for kept in rules.RULES_FOR.values() for rule in kept}
    assert listed == set(rules.NOTE_RULES)
    assert set(rules.RULES_FOR) == set(NoteType)
    for kept in rules.RULES_FOR.values():
        assert list(kept) == [rule for rule in rules.NOTE_RULES if rule in kept]
