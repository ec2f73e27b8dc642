"""Acting from the agenda (core/drafts.py): tel: and mailto: links, and each kind's email draft."""

from __future__ import annotations

import json
from datetime import date, time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from jobjournal.cli.main import cli
from jobjournal.core.drafts import Draft, draft_for, mailto, tel
from jobjournal.core.model import Item, Kind, Section, item_id

from .conftest import VaultDir


def item(kind: Kind, *, role: str | None = "Backend Engineer", company: str | None = "Acme",
         contact: str | None = "Jane Doe", text: str = "Call Jane") -> Item:
    return Item(kind, date(2026, 12, 3), Section.TODAY, "Interviews/Acme.md", "Acme", contact,
                text, "why", at=time(10, 30), company=company, role=role)


def read_back(uri: str) -> tuple[str, str, str]:
    """The address, subject and body a mail client reads from a mailto URI."""
    parts = urlsplit(uri)
    assert parts.scheme == "mailto"
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    return unquote(parts.path), query["subject"][0], query["body"][0]


DRAFTS = {
    Kind.DECISION_FOLLOW_UP: ("Following up: Backend Engineer at Acme",
                              "where things stand with the decision"),
    Kind.THANK_YOU: ("Thank you for your time", "Thank you for your time"),
    Kind.APPLICATION_FOLLOW_UP: ("My application: Backend Engineer at Acme",
                                 "still very interested"),
    Kind.THANK_REFERRER: ("Thank you for the referral", "Thank you so much for referring me"),
    Kind.ASK_DECISION_DATE: ("Next steps: Backend Engineer at Acme", "make a decision"),
    Kind.ASK_NEW_DATE: ("Following up: Backend Engineer at Acme", "decision is now expected"),
    Kind.CALL_BACK: ("Sorry I missed your call", "call you back"),
    Kind.GATHER_INFO: ("Before our interview: Backend Engineer at Acme", "whom I will be meeting"),
    Kind.OFFER_DEADLINE: ("Your offer: Backend Engineer at Acme", "the offer"),
    Kind.APPOINTMENT: ("Our meeting: Backend Engineer at Acme", "on 2026-12-03 at 10:30"),
    Kind.STAY_IN_TOUCH: ("Catching up", "catch up"),
    Kind.FOLLOW_UP: ("Following up: Backend Engineer at Acme", "follow up"),
    Kind.MOVE_ON: ("Following up: Backend Engineer at Acme", "where things stand"),
    Kind.TASK: ("About the Backend Engineer role at Acme", "Hi Jane,\r\n\r\nBest regards"),
}


@pytest.mark.parametrize("kind", list(DRAFTS), ids=str)
def test_each_kind_has_its_draft_signed_and_read_back_as_written(kind: Kind) -> None:
    subject, phrase = DRAFTS[kind]
    draft = draft_for(item(kind), "Sam Seeker")
    assert draft.subject == subject
    assert phrase in draft.body
    assert draft.body.startswith("Hi Jane,\r\n")
    assert draft.body.endswith("\r\nBest regards,\r\nSam Seeker")
    assert read_back(mailto("jane@acme.com", draft)) == ("jane@acme.com", subject, draft.body)


def test_a_decision_follow_up_names_role_and_company() -> None:
    body = draft_for(item(Kind.DECISION_FOLLOW_UP), "Sam").body
    assert "my interview for the Backend Engineer role at Acme" in body


def test_a_draft_says_what_it_knows_of_the_position() -> None:
    assert "for the role at Acme." in draft_for(item(Kind.THANK_REFERRER, role=None), "").body
    assert draft_for(item(Kind.APPLICATION_FOLLOW_UP, company=None), "").subject == (
        "My application: Backend Engineer")
    assert draft_for(item(Kind.FOLLOW_UP, role=None, company=None), "").subject == "Following up"


def test_without_a_name_or_a_person_the_draft_still_reads() -> None:
    draft = draft_for(item(Kind.THANK_YOU, contact=None), "")
    assert draft.body.startswith("Hello,\r\n") and draft.body.endswith("Best regards,")


def test_mailto_encodes_a_space_as_percent_20_and_lines_as_crlf() -> None:
    uri = mailto("jane@acme.com", Draft("A b", "x\r\ny"))
    assert uri == "mailto:jane@acme.com?subject=A%20b&body=x%0D%0Ay"
    assert "+" not in uri


def test_odd_characters_survive_the_round_trip() -> None:
    odd = item(Kind.DECISION_FOLLOW_UP, role="R&D ? #1 100% Ünïcødé\nengineer",
               company="Smith & Sons?#", contact="Zoë Ø")
    draft = draft_for(odd, "Åsa & Co #2 50%")
    uri = mailto("jane+jobs@acme.com", draft)
    assert read_back(uri) == ("jane+jobs@acme.com", draft.subject, draft.body)
    assert "R&D ? #1 100% Ünïcødé engineer at Smith & Sons?#" in draft.subject
    assert draft.body.startswith("Hi Zoë,") and draft.body.endswith("Åsa & Co #2 50%")
    assert "%0A" not in uri.replace("%0D%0A", "")  # the role's newline is a space
    for raw in "&?# \n":  # none raw in the encoded query values (only the separators)
        assert raw not in uri.split("?", 1)[1].replace("&body=", "")
    assert "100%25" in uri


@given(st.text(), st.text())
def test_any_subject_and_body_read_back(subject: str, body: str) -> None:
    uri = mailto("a@b.c", Draft(subject, body))
    assert " " not in uri
    parts = urlsplit(uri)
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query == {"subject": [subject], "body": [body]} or not (subject and body)
    assert unquote(parts.query.split("&body=")[1]) == body


@pytest.mark.parametrize(("phone", "uri"), [
    ("+1 555 0142", "tel:+15550142"),
    ("+49 (30) 123-456", "tel:+4930123456"),
    ("030 123456", "tel:030123456"),
    ("n/a", None),
    ("+1 555 0142 x12", "tel:+15550142;ext=12"),  # an extension is no part of the number
    ("(030) 123456 ext. 7", "tel:030123456;ext=7"),
    ("+1 555 0142 / +1 555 0199", "tel:+15550142"),  # two numbers: the first, not both run together
    ("Mobile: +44 20 7946 0958", "tel:+442079460958"),
    ("030/123456", "tel:030123456"),
])
def test_tel_links_the_digits(phone: str, uri: str | None) -> None:
    assert tel(phone) == uri


# --- end to end: the agenda note and `agenda --json` ---------------------------------------------


def acting_vault(vault: VaultDir) -> VaultDir:
    vault.config('[me]\nname = "Sam Seeker"\n')
    vault.write("Contacts/Jane Doe.md", """\
        ---
        type: contact
        company: Acme
        phone: "+1 555 0142"
        email: jane.doe@acme.example
        ---
        """)
    vault.write("Interviews/Acme - Backend.md", """\
        ---
        type: interview
        company: Acme
        role: Backend Engineer
        date: 2026-11-20T10:00
        decision_date: 2026-11-23
        recruiter: "[[Jane Doe]]"
        thank_you: true
        ---
        """)
    vault.write("Interviews/Globex.md", """\
        ---
        type: interview
        company: Globex
        role: SRE
        date: 2026-12-01T14:30
        recruiter: Pat Nobody
        hiring_manager: Lee
        ---
        """)
    return vault


def test_an_item_links_its_person_with_phone_and_a_drafted_email(
    runner: CliRunner, vault: VaultDir
) -> None:
    acting_vault(vault)
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    agenda = vault.read("Agenda.md")
    line = next(line for line in agenda.splitlines() if "decision" in line and "Acme" in line)
    assert line.startswith("- [ ] [[Interviews/Acme - Backend|Acme - Backend]] "
                           "([[Contacts/Jane Doe|Jane Doe]] · [+1 555 0142](tel:+15550142) · "
                           "[jane.doe@acme.example](mailto:jane.doe@acme.example?subject=")
    uri = line.split("](mailto:", 1)[1].split(")", 1)[0]
    address, subject, body = read_back("mailto:" + uri)
    assert (address, subject) == ("jane.doe@acme.example", "Following up: Backend Engineer at Acme")
    assert "Backend Engineer role at Acme" in body and body.endswith("Best regards,\r\nSam Seeker")
    # a person without a note is named, not linked
    assert "[[Interviews/Globex|Globex]] (Pat Nobody): " in agenda


def test_agenda_json_names_the_person_s_note_phone_email_and_time(
    runner: CliRunner, vault: VaultDir
) -> None:
    acting_vault(vault)
    result = runner.invoke(cli, ["agenda", "--json", "--vault", str(vault.root),
                                 "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    acme = next(i for i in items if i["kind"] == "decision-follow-up")
    assert {k: acme[k] for k in ("id", "contact", "contact_note", "phone", "email", "time")} == {
        "id": item_id("Interviews/Acme - Backend.md", Kind.DECISION_FOLLOW_UP, "2026-11-23"),
        "contact": "Jane Doe", "contact_note": "Contacts/Jane Doe.md",
        "phone": "+1 555 0142", "email": "jane.doe@acme.example", "time": None}
    globex = next(i for i in items if i["kind"] == "appointment")
    assert {k: globex[k] for k in ("contact", "contact_note", "phone", "email", "time")} == {
        "contact": "Pat Nobody", "contact_note": None, "phone": None, "email": None,
        "time": "14:30"}


def test_agenda_print_shows_the_person_s_phone_and_email_under_the_item(
    runner: CliRunner, vault: VaultDir
) -> None:
    acting_vault(vault)
    result = runner.invoke(cli, ["agenda", "--print", "--vault", str(vault.root),
                                 "--today", "2026-12-01"],
                           env={"NO_COLOR": "1", "COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if "Acme - Backend (Jane Doe)" in line)
    assert lines[at + 1].strip() == "phone +1 555 0142 · email jane.doe@acme.example"
    # a person without a contact note has nothing to show
    globex = next(n for n, line in enumerate(lines) if "Globex (Pat Nobody)" in line)
    assert lines[globex + 1].strip().startswith("why:")
