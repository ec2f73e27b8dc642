"""The follow-up rules (core/rules.py) in the words the agenda shows: each item's text and why."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from jobjournal.config import Config
from jobjournal.core.engine import build_agenda
from jobjournal.core.model import Item, Kind, Link, LogEntry, Note, NoteType

T = date(2026, 11, 26)  # a Thursday


def items(note: Note, kind: Kind, today: date = T) -> list[Item]:
    return [item for item in build_agenda([note], today, Config()).items if item.kind is kind]


def only(note: Note, kind: Kind, today: date = T) -> Item:
    found = items(note, kind, today)
    assert len(found) == 1, found
    return found[0]


def contact_on(day: date) -> tuple[LogEntry, ...]:
    return (LogEntry(day, "Called", 12, ()),)


def application(**fields: Any) -> Note:
    base: dict[str, Any] = {
        "company": "Globex", "role": "SRE", "applied": date(2026, 11, 20),
        "contact": Link("Lee Hiring", is_wikilink=True),
    }
    return Note("Applications/Globex - SRE.md", NoteType.APPLICATION, **{**base, **fields})


def referral(**fields: Any) -> Note:
    base: dict[str, Any] = {
        "company": "Initech", "date": date(2026, 11, 25),
        "from_": Link("Pat Mentor", is_wikilink=True),
    }
    return Note("Referrals/Pat - Initech.md", NoteType.REFERRAL, **{**base, **fields})


def interview(**fields: Any) -> Note:
    base: dict[str, Any] = {
        "company": "Acme", "role": "Backend Engineer", "date": date(2026, 11, 30),
        "recruiter": Link("Dana Recruiter", is_wikilink=True),
        "hiring_manager": Link("Hana Manager", is_wikilink=True),
    }
    return Note("Interviews/Acme - Backend.md", NoteType.INTERVIEW, **{**base, **fields})


# --- application-follow-up ----------------------------------------------------------------------


def test_application_follow_up_names_the_contact_and_the_job() -> None:
    item = only(application(), Kind.APPLICATION_FOLLOW_UP)
    assert item.due == date(2026, 12, 1)  # 7 workdays after Friday the 20th
    assert item.text == ("Follow up with Lee Hiring on your application for SRE at Globex: "
                         "say you are still interested and ask where it stands")
    assert item.why == "applied 2026-11-20 + 7 workdays"


def test_application_follow_up_without_a_contact_names_nobody() -> None:
    item = only(application(contact=None), Kind.APPLICATION_FOLLOW_UP)
    assert item.text == ("Follow up on your application for SRE at Globex: "
                         "say you are still interested and ask where it stands")


def test_a_contact_on_the_day_of_applying_counts_from_the_application() -> None:
    item = only(application(log=contact_on(date(2026, 11, 20))), Kind.APPLICATION_FOLLOW_UP)
    assert (item.due, item.why) == (date(2026, 12, 1), "applied 2026-11-20 + 7 workdays")


def test_a_contact_after_applying_counts_from_the_contact() -> None:
    item = only(application(log=contact_on(date(2026, 11, 23))), Kind.APPLICATION_FOLLOW_UP)
    assert (item.due, item.why) == (date(2026, 12, 2), "last contact 2026-11-23 + 7 workdays")


# --- thank-referrer, and what a note is about ---------------------------------------------------


def test_thank_referrer_names_the_referrer() -> None:
    item = only(referral(), Kind.THANK_REFERRER)
    assert item.due == T  # one workday after the referral
    assert item.text == "Thank Pat Mentor for the referral (Initech), then record it as thanked"
    assert item.why == "referral 2026-11-25 + 1 workday"


def test_thank_referrer_without_a_referrer() -> None:
    item = only(referral(from_=None), Kind.THANK_REFERRER)
    assert item.text == "Thank your referrer for the referral (Initech), then record it as thanked"


@pytest.mark.parametrize(
    ("company", "role", "subject"),
    [
        ("Initech", "Analyst", "Analyst at Initech"),
        ("Initech", None, "Initech"),
        (None, "Analyst", "Analyst"),
        ("  ", "Analyst", "Analyst"),
        (None, None, "Pat - Initech"),  # the note's title
    ],
)
def test_a_note_is_about_its_role_at_its_company_else_either_else_its_title(
    company: str | None, role: str | None, subject: str
) -> None:
    item = only(referral(company=company, role=role), Kind.THANK_REFERRER)
    assert item.text == f"Thank Pat Mentor for the referral ({subject}), then record it as thanked"


# --- gather-info --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "asked", "recorded"),
    [
        ({"hiring_manager": None}, "the hiring manager", "hiring_manager"),
        ({"company": None, "hiring_manager": None}, "the company and the hiring manager",
         "company and hiring_manager"),
        ({"company": None, "role": " ", "hiring_manager": None},
         "the company, the role and the hiring manager", "company, role and hiring_manager"),
    ],
)
def test_gather_info_asks_for_what_is_missing_in_words(
    missing: dict[str, Any], asked: str, recorded: str
) -> None:
    item = only(interview(**missing), Kind.GATHER_INFO)
    assert item.text == f"Ask Dana Recruiter about {asked} before the interview on 2026-11-30"
    assert item.why == f"interview 2026-11-30, no {recorded} recorded"


# --- ask-decision-date and decision-follow-up ---------------------------------------------------


def test_ask_decision_date_names_the_recruiter() -> None:
    item = only(interview(date=date(2026, 11, 20)), Kind.ASK_DECISION_DATE)
    assert item.text == ("Ask Dana Recruiter when the decision will be made and how many "
                         "candidates are being considered; record them as decision_date and "
                         "candidates")
    assert item.why == "interview 2026-11-20, no decision date given"


def test_ask_decision_date_without_anyone_to_ask() -> None:
    note = interview(date=date(2026, 11, 20), recruiter=None, hiring_manager=None)
    assert only(note, Kind.ASK_DECISION_DATE).text.startswith(
        "Ask the recruiter when the decision will be made")


def test_a_contact_on_the_interview_day_does_not_put_the_follow_up_off() -> None:
    note = interview(date=date(2026, 11, 20), decision_date=date(2026, 11, 23),
                     log=contact_on(date(2026, 11, 20)))
    item = only(note, Kind.DECISION_FOLLOW_UP)
    assert (item.due, item.why) == (date(2026, 11, 25), "decision expected 2026-11-23 + 2 workdays")


def test_a_contact_since_the_interview_puts_the_follow_up_off_only_past_its_date() -> None:
    # the last contact + 5 workdays falls on the day the decision date gives: that date stands
    note = interview(date=date(2026, 11, 16), decision_date=date(2026, 11, 23),
                     log=contact_on(date(2026, 11, 18)))
    item = only(note, Kind.DECISION_FOLLOW_UP)
    assert (item.due, item.why) == (date(2026, 11, 25), "decision expected 2026-11-23 + 2 workdays")
    later = interview(date=date(2026, 11, 16), decision_date=date(2026, 11, 23),
                      log=contact_on(date(2026, 11, 19)))
    item = only(later, Kind.DECISION_FOLLOW_UP)
    assert (item.due, item.why) == (date(2026, 11, 26), "last contact 2026-11-19 + 5 workdays")


def test_on_its_due_day_the_decision_follow_up_says_call() -> None:
    item = only(interview(date=date(2026, 11, 19)), Kind.DECISION_FOLLOW_UP)
    assert item.due == T  # 5 workdays after the interview
    assert item.text == ("Call Dana Recruiter about the decision on Backend Engineer at Acme (no "
                         "decision date given): you were called to participate, so don't "
                         "apologise; if there is no definitive answer, ask for a new date")
    nobody = interview(date=date(2026, 11, 19), recruiter=None, hiring_manager=None)
    assert only(nobody, Kind.DECISION_FOLLOW_UP).text.startswith(
        "Call about the decision on Backend Engineer at Acme (no decision date given)")


# --- ask-new-date -------------------------------------------------------------------------------


def after_the_decision_date(**fields: Any) -> Note:
    """Decision expected Friday the 20th (+ 2 workdays: Tuesday the 24th); called on the 25th."""
    return interview(date=date(2026, 11, 16), decision_date=date(2026, 11, 20),
                     log=contact_on(date(2026, 11, 25)), **fields)


def test_ask_new_date_names_who_to_ask() -> None:
    item = only(after_the_decision_date(), Kind.ASK_NEW_DATE)
    assert item.text == ("No definitive answer yet: ask Dana Recruiter for a new decision date, "
                         "say you are still interested, and record it as decision_date; "
                         "meanwhile keep searching")
    assert item.why == "last contact 2026-11-25, after decision expected 2026-11-20 + 2 workdays"
    nobody = after_the_decision_date(recruiter=None, hiring_manager=None)
    assert only(nobody, Kind.ASK_NEW_DATE).text.startswith(
        "No definitive answer yet: ask for a new decision date, ")


def test_a_follow_up_on_the_day_of_the_last_contact_is_not_a_new_plan() -> None:
    assert items(after_the_decision_date(follow_up=date(2026, 11, 25)), Kind.ASK_NEW_DATE)
    assert not items(after_the_decision_date(follow_up=date(2026, 11, 27)), Kind.ASK_NEW_DATE)


# --- appointment ---------------------------------------------------------------------------------


def meeting(**fields: Any) -> Note:
    base: dict[str, Any] = {
        "date": datetime(2026, 11, 30, 10, 0), "purpose": "coffee",
        "with_": (Link("Pat Mentor", is_wikilink=True),),
    }
    return Note("Meetings/Coffee with Pat.md", NoteType.MEETING, **{**base, **fields})


@pytest.mark.parametrize(("stage", "said"), [("onsite", " (onsite)"), (None, "")])
def test_an_interview_appointment_says_what_to_ask_at_the_end(stage: str | None, said: str) -> None:
    item = only(interview(stage=stage), Kind.APPOINTMENT)
    assert item.text == (f"Interview for Backend Engineer at Acme{said} — at the end, ask how many "
                         "candidates there are and when the decision will be made")
    assert (item.due, item.why, item.at) == (date(2026, 11, 30), "interview 2026-11-30", None)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "Meeting with Pat Mentor — coffee"),
        ({"purpose": None}, "Meeting with Pat Mentor"),
        ({"with_": ()}, "Meeting: Coffee with Pat — coffee"),
        ({"with_": (), "purpose": None}, "Meeting: Coffee with Pat"),
    ],
)
def test_a_meeting_appointment_names_who_and_what_for(fields: dict[str, Any], text: str) -> None:
    item = only(meeting(**fields), Kind.APPOINTMENT)
    assert (item.text, item.why, item.at) == (text, "meeting 2026-11-30 10:00", time(10, 0))


# --- stay-in-touch -------------------------------------------------------------------------------


def contact(**fields: Any) -> Note:
    return Note("Contacts/Dana Recruiter.md", NoteType.CONTACT, **fields)


def test_stay_in_touch_counts_the_days_since_the_last_contact() -> None:
    item = only(contact(stay_in_touch=14, log=contact_on(date(2026, 11, 10))), Kind.STAY_IN_TOUCH)
    assert item.due == date(2026, 11, 24)
    assert item.text == ("Get back in touch with Dana Recruiter: it has been 14 days since you "
                         "last spoke")
    assert item.why == "last contact 2026-11-10 + 14 days"


def test_stay_in_touch_every_day() -> None:
    item = only(contact(stay_in_touch=1, log=contact_on(date(2026, 11, 20))), Kind.STAY_IN_TOUCH)
    assert item.due == date(2026, 11, 23)  # the day after, a Saturday, moved to Monday
    assert item.text == "Get back in touch with Dana Recruiter: it has been 1 day since you last spoke"
    assert item.why == "last contact 2026-11-20 + 1 day"


def test_stay_in_touch_without_any_contact_yet() -> None:
    item = only(contact(stay_in_touch=30), Kind.STAY_IN_TOUCH)
    assert (item.due, item.text, item.why) == (
        T, "Get in touch with Dana Recruiter: no contact recorded yet",
        "stay_in_touch every 30 days, no contact recorded")
    assert not items(contact(stay_in_touch=0), Kind.STAY_IN_TOUCH)


# --- thank-you ------------------------------------------------------------------------------------


def test_thank_you_names_who_to_thank_and_when_it_was() -> None:
    item = only(interview(date=date(2026, 11, 25)), Kind.THANK_YOU)
    assert item.due == T  # a day after
    assert item.text == ("Send a thank-you note to Dana Recruiter for the interview on "
                         "2026-11-25, then record it as thank_you")
    assert item.why == "interview 2026-11-25 + 1 day"
    nobody = meeting(date=date(2026, 11, 25), with_=())
    assert only(nobody, Kind.THANK_YOU).text == (
        "Send a thank-you note for the meeting on 2026-11-25, then record it as thank_you")


# --- call-back, follow-up, keep-searching ---------------------------------------------------------


def test_a_contact_at_the_very_time_of_the_missed_call_answers_it() -> None:
    called = (LogEntry(datetime(2026, 11, 26, 9, 40), "Called back", 12, ()),)
    note = interview(missed_call=datetime(2026, 11, 26, 9, 40), log=called)
    assert not items(note, Kind.CALL_BACK)


def test_a_missed_call_from_nobody_known() -> None:
    note = interview(missed_call=datetime(2026, 11, 26, 9, 40), recruiter=None, hiring_manager=None)
    assert only(note, Kind.CALL_BACK).text == (
        "Call back the caller now — missed call 2026-11-26 09:40: recruiters move on to the next "
        "candidate")


def test_your_own_follow_up_without_anyone_named() -> None:
    note = interview(follow_up=date(2026, 11, 27), recruiter=None, hiring_manager=None)
    assert only(note, Kind.FOLLOW_UP).text == (
        "Follow up about Backend Engineer at Acme, as you planned")


def test_an_application_without_its_date_still_lets_keep_searching_be_worked_out() -> None:
    found = build_agenda([application(applied=None)], T, Config()).items
    assert [item.kind for item in found] == [Kind.KEEP_SEARCHING]
