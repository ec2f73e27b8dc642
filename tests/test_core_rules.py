"""The follow-up rules (core/rules.py) in the words the agenda shows: each item's text and why."""

from __future__ import annotations

from datetime import date
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
