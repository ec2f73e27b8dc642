"""The engine around the rules: last contacts, sections, the warnings (docs/rules.md), problems
and the pipeline counts. Notes are built directly; today is Thursday 2026-11-26."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from jobjournal.config import AgendaConfig, Config
from jobjournal.core.context import make_context, section_for
from jobjournal.core.engine import build_agenda
from jobjournal.core.model import (
    Kind,
    Link,
    LogEntry,
    Note,
    NoteType,
    PipelineRow,
    Problem,
    Section,
    Severity,
)

T = date(2026, 11, 26)
ACME = "Interviews/Acme - Backend.md"


def d(text: str) -> date:
    return date.fromisoformat(text)


def log(*days: str, links: tuple[str, ...] = ()) -> tuple[LogEntry, ...]:
    return tuple(
        LogEntry(d(day), f"contact {i}", 10 + i, tuple(Link(t, is_wikilink=True) for t in links))
        for i, day in enumerate(days)
    )


def interview(**fields: Any) -> Note:
    base: dict[str, Any] = {"company": "Acme", "role": "Dev", "hiring_manager": Link("Hana"),
                            "date": d("2026-11-10"), "decision_date": d("2026-11-18"),
                            "recruiter": Link("Dana Recruiter", is_wikilink=True)}
    return Note(ACME, NoteType.INTERVIEW, **{**base, **fields})


# --- last contact ---------------------------------------------------------------------------------


def test_last_contact_from_own_log_incoming_links_and_front_matter() -> None:
    acme = interview(log=log("2026-11-12", "2026-11-27"))
    dana = Note("Contacts/Dana Recruiter.md", NoteType.CONTACT, last_contact=d("2026-11-19"))
    coffee = Note("Meetings/Coffee.md", NoteType.MEETING, log=log("2026-11-20", "2026-11-21",
                                                                  links=("acme - backend",)))
    globex = Note("Applications/Globex.md", NoteType.APPLICATION, last_contact=d("2026-11-30"))
    ctx = make_context([acme, dana, coffee, globex], T, Config())
    # the entry after today has not happened; the meeting's entries link the interview
    assert ctx.last_contact(acme) == d("2026-11-21")
    assert ctx.last_contact(dana) == d("2026-11-19")
    assert ctx.last_contact(coffee) == d("2026-11-21")
    assert ctx.last_contact(globex) is None  # a last_contact after today is not one yet
    assert [e.day for e in ctx.contacts(acme)] == [d(x) for x in ("2026-11-12", "2026-11-20",
                                                                  "2026-11-21")]


def entry(day: str, text: str, line: int = 10, links: tuple[str, ...] = ()) -> LogEntry:
    return LogEntry(d(day), text, line, tuple(Link(t, is_wikilink=True) for t in links))


def test_a_status_record_is_no_contact_and_an_incoming_entry_is_one() -> None:
    acme = interview(log=(entry("2026-11-12", "Called Dana"),
                          entry("2026-11-20", "status: interviewing → waiting", 11),
                          entry("2026-11-18", "← Dana called: onsite on the 30th", 12)))
    coffee = Note("Meetings/Coffee.md", NoteType.MEETING, log=(
        entry("2026-11-24", "Status: waiting [[Acme - Backend]]", 10, ("Acme - Backend",)),))
    ctx = make_context([acme, coffee], T, Config())
    assert ctx.last_contact(acme) == d("2026-11-18")  # the incoming entry; not the records
    assert [e.day for e in ctx.contacts(acme)] == [d("2026-11-12"), d("2026-11-18")]
    assert ctx.last_contact(coffee) is None


@pytest.mark.parametrize(
    ("text", "incoming", "status"),
    [
        ("Called Dana", False, False),
        ("← Dana called back", True, False),
        ("<- Dana called back", True, False),
        ("←Dana", True, False),
        ("Dana called ← back", False, False),
        ("status: applied → interviewing", False, True),
        ("Status: offer", False, True),
        ("status update sent to Dana", False, False),
    ],
)
def test_what_an_entry_records(text: str, incoming: bool, status: bool) -> None:
    found = entry("2026-11-20", text)
    assert (found.incoming, found.records_status) == (incoming, status)


def test_links_resolve_against_all_vault_paths() -> None:
    dana = Note("People/Dana Recruiter.md", NoteType.CONTACT, stay_in_touch=30)
    elsewhere = Note("Daily/2026-11-20.md", None, log=log("2026-11-20", links=("Dana Recruiter",)))
    assert make_context([dana, elsewhere], T, Config()).last_contact(dana) == d("2026-11-20")
    ctx = make_context([dana, elsewhere], T, Config(), paths=["Other/Dana Recruiter.md"])
    assert ctx.last_contact(dana) is None  # the link now points to another note


# --- sections -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "due", "horizon", "section"),
    [
        pytest.param(Kind.FOLLOW_UP, T - timedelta(days=1), 14, Section.OVERDUE, id="T-1-overdue"),
        pytest.param(Kind.FOLLOW_UP, T, 14, Section.TODAY, id="T-today"),
        pytest.param(Kind.FOLLOW_UP, T + timedelta(days=1), 14, Section.UPCOMING, id="T+1"),
        pytest.param(Kind.TASK, T + timedelta(days=14), 14, Section.UPCOMING, id="T+horizon"),
        pytest.param(Kind.TASK, T + timedelta(days=15), 14, Section.LATER, id="T+horizon+1-later"),
        pytest.param(Kind.APPOINTMENT, T + timedelta(days=1), 0, Section.LATER, id="horizon-0"),
        pytest.param(Kind.DECISION_FOLLOW_UP, T + timedelta(days=400), 14, Section.WAITING,
                     id="decision-far-off-waiting"),
        pytest.param(Kind.DECISION_FOLLOW_UP, T, 14, Section.TODAY, id="decision-due-today"),
        pytest.param(Kind.DECISION_FOLLOW_UP, T - timedelta(days=3), 14, Section.OVERDUE,
                     id="decision-overdue"),
        pytest.param(Kind.CALL_BACK, T - timedelta(days=10), 14, Section.CALL_BACK,
                     id="call-back-always"),
        pytest.param(Kind.GATHER_INFO, T, 14, Section.NEEDS_INFO, id="gather-info"),
        pytest.param(Kind.ASK_DECISION_DATE, T, 14, Section.NEEDS_INFO, id="ask-decision-date"),
        pytest.param(Kind.ASK_NEW_DATE, T, 14, Section.NEEDS_INFO, id="ask-new-date"),
        pytest.param(Kind.MOVE_ON, T, 14, Section.NEEDS_INFO, id="move-on"),
        pytest.param(Kind.KEEP_SEARCHING, T, 14, Section.NEEDS_INFO, id="keep-searching"),
    ],
)
def test_section_for(kind: Kind, due: date, horizon: int, section: Section) -> None:
    assert section_for(kind, due, T, horizon) is section


def test_horizon_comes_from_the_config() -> None:
    notes = [Note(f"Contacts/C{n}.md", NoteType.CONTACT, follow_up=T + timedelta(days=n))
             for n in (3, 4)]
    result = build_agenda(notes, T, Config(agenda=AgendaConfig(horizon_days=3)))
    assert [(i.note, i.section) for i in result.items if i.kind is Kind.FOLLOW_UP] == [
        ("Contacts/C3.md", Section.UPCOMING), ("Contacts/C4.md", Section.LATER),
    ]


# --- warnings -------------------------------------------------------------------------------------

TOO_OFTEN = "calling too often: 3 contacts between 2026-11-20 and 2026-11-24"


@pytest.mark.parametrize(
    ("days", "warning"),
    [
        pytest.param(("2026-11-20", "2026-11-23", "2026-11-24"), TOO_OFTEN, id="three-in-a-row"),
        pytest.param(("2026-11-20", "2026-11-20", "2026-11-24"),
                     "calling too often: 3 contacts between 2026-11-20 and 2026-11-24",
                     id="same-day-counts"),
        pytest.param(("2026-11-19", "2026-11-20", "2026-11-23", "2026-11-25"),
                     "calling too often: 4 contacts between 2026-11-19 and 2026-11-25",
                     id="four-in-a-row"),
        pytest.param(("2026-11-20", "2026-11-24", "2026-11-27"), None, id="third-after-today"),
        pytest.param(("2026-11-10", "2026-11-17", "2026-11-24"), None, id="spread-out"),
        pytest.param(("2026-11-13", "2026-11-16", "2026-11-20"), None, id="third-at-min-gap"),
        pytest.param(("2026-10-26", "2026-10-27", "2026-10-28"),
                     "calling too often: 3 contacts between 2026-10-26 and 2026-10-28",
                     id="latest-29-days-ago"),
        pytest.param(("2026-10-25", "2026-10-26", "2026-10-27"), None, id="latest-30-days-ago"),
    ],
)
def test_calling_too_often(days: tuple[str, ...], warning: str | None) -> None:
    note = interview(log=log(*days), follow_up=d("2026-12-31"), missed_call=T)
    result = build_agenda([note], T, Config())
    mine = [item for item in result.items if item.note == ACME]
    assert {item.kind for item in mine} == {Kind.FOLLOW_UP, Kind.CALL_BACK}
    if warning is None:
        assert all(item.warnings == () for item in mine)
        assert not [p for p in result.problems if "too often" in p.message]
        return
    assert all(item.warnings == (warning,) for item in mine)
    latest = max((e for e in log(*days) if e.day <= T), key=lambda e: (e.day, e.line))
    (problem,) = [p for p in result.problems if "too often" in p.message]
    assert (problem.path, problem.line, problem.severity) == (ACME, latest.line, Severity.WARNING)
    assert problem.message.startswith(warning + "; ")


def test_calling_too_often_counts_only_the_notes_own_log() -> None:
    acme = interview(log=log("2026-11-23"))
    meeting = Note("Meetings/M.md", NoteType.MEETING, log=log("2026-11-24", "2026-11-25",
                                                              links=("Acme - Backend",)))
    result = build_agenda([acme, meeting], T, Config())
    assert not [p for p in result.problems if "too often" in p.message]


@pytest.mark.parametrize(
    ("texts", "warned"),
    [
        pytest.param(("Called", "Emailed", "Called"), True, id="all-mine"),
        pytest.param(("Called", "← Dana called", "Called"), False, id="one-incoming"),
        pytest.param(("Called", "<- Dana called", "Called"), False, id="one-incoming-ascii"),
        pytest.param(("Called", "status: waiting", "Called"), False, id="one-status-record"),
    ],
)
def test_calling_too_often_counts_only_your_own_contacts(
    texts: tuple[str, ...], warned: bool
) -> None:
    days = ("2026-11-20", "2026-11-23", "2026-11-24")
    note = interview(log=tuple(entry(day, text, 10 + n)
                               for n, (day, text) in enumerate(zip(days, texts, strict=True))))
    result = build_agenda([note], T, Config())
    assert bool([p for p in result.problems if "too often" in p.message]) is warned


def test_calling_too_often_leaves_out_the_day_of_the_note_s_own_interview_or_meeting() -> None:
    held = ("2026-11-23", "2026-11-23", "2026-11-24")  # two entries on the day of the interview
    for note in (interview(date=d("2026-11-23"), log=log(*held)),
                 Note("Meetings/Lunch.md", NoteType.MEETING, date=d("2026-11-23"), log=log(*held))):
        result = build_agenda([note], T, Config())
        assert not [p for p in result.problems if "too often" in p.message], note.type
    other = interview(date=d("2026-11-20"), log=log(*held))
    assert [p for p in build_agenda([other], T, Config()).problems if "too often" in p.message]


def test_a_past_interview_still_scheduled_is_a_warning_at_its_status_line() -> None:
    past = interview(status="scheduled", lines={"type": 2, "status": 4})
    result = build_agenda([past], T, Config())
    assert result.problems == (Problem(
        ACME, 4, Severity.WARNING,
        "the interview on 2026-11-10 is over but its status is still scheduled: set status to "
        "completed (or to what happened)",
    ),)
    today = interview(status="scheduled", date=T, decision_date=None)
    assert build_agenda([today], T, Config()).problems == ()


def test_follow_up_too_soon_is_a_warning_on_the_item_and_at_the_follow_up_line() -> None:
    note = interview(follow_up=d("2026-11-27"), log=log("2026-11-24"), lines={"follow_up": 9})
    result = build_agenda([note], T, Config())
    (item,) = [i for i in result.items if i.kind is Kind.FOLLOW_UP]
    assert item.warnings == ("too soon: less than 5 workdays after the last contact on 2026-11-24",)
    assert result.problems == (Problem(
        ACME, 9, Severity.WARNING,
        "follow_up 2026-11-27 is too soon: less than 5 workdays after the last contact on "
        "2026-11-24: don't call too often — move it to 2026-12-01 or later",
    ),)
    done = interview(follow_up=d("2026-11-24"), log=log("2026-11-24"))
    assert build_agenda([done], T, Config()).problems == ()


def typos(*notes: Note, now: datetime | None = None) -> list[tuple[str, int | None, str]]:
    found = build_agenda(notes, T, Config(), now=now).problems
    return [(p.path or "", p.line, p.message) for p in found
            if "probably a typo" in p.message and p.severity is Severity.WARNING]


def test_a_log_entry_dated_after_today_is_probably_a_typo() -> None:
    note = interview(log=(entry("2026-11-24", "Called"), entry("2026-11-27", "Called", 11),
                          entry("2026-12-26", "status: waiting", 12)))
    assert typos(note) == [
        (ACME, 11, "Log entry dated 2026-11-27, after today (2026-11-26): probably a typo; "
         "it counts as contact only from that day"),
        (ACME, 12, "Log entry dated 2026-12-26, after today (2026-11-26): probably a typo; "
         "it counts as contact only from that day")]
    assert typos(interview(log=(entry("2026-11-26", "Called"),))) == []


def test_a_decision_date_before_the_interview_is_probably_a_typo() -> None:
    note = interview(date=datetime(2026, 11, 10, 15, 0), decision_date=d("2026-11-09"),
                     lines={"decision_date": 7})
    assert typos(note) == [(ACME, 7, "decision_date 2026-11-09 is before the interview on "
                                     "2026-11-10: probably a typo")]
    # by day: a decision due the day of the interview is no typo
    assert typos(interview(date=datetime(2026, 11, 10, 15, 0), decision_date=d("2026-11-10"))) == []


def test_an_application_sent_after_today_is_probably_a_typo() -> None:
    path = "Applications/Globex.md"
    later = Note(path, NoteType.APPLICATION, applied=d("2026-11-27"), lines={"applied": 3})
    assert typos(later) == [(path, 3, "applied 2026-11-27 is after today (2026-11-26): "
                                      "probably a typo")]
    assert typos(Note(path, NoteType.APPLICATION, applied=T)) == []


def test_a_missed_call_after_now_is_probably_a_typo() -> None:
    tomorrow = interview(missed_call=d("2026-11-27"), lines={"missed_call": 5})
    assert typos(tomorrow) == [(ACME, 5, "missed_call 2026-11-27 is after today (2026-11-26): "
                                         "probably a typo")]
    tonight = interview(missed_call=datetime(2026, 11, 26, 22, 25), lines={"missed_call": 5})
    assert typos(tonight) == []  # without a time of day now is the end of today
    assert typos(tonight, now=datetime(2026, 11, 26, 22, 25)) == []
    assert typos(tonight, now=datetime(2026, 11, 26, 21, 40)) == [
        (ACME, 5, "missed_call 2026-11-26 22:25 is later than now (21:40): probably a typo")]
    assert typos(tomorrow, now=datetime(2026, 11, 26, 21, 40)) == typos(tomorrow)


def test_typos_are_warned_about_on_closed_notes_too() -> None:
    note = interview(status="rejected", decision_date=d("2026-11-09"), missed_call=d("2026-11-30"),
                     log=(entry("2026-11-27", "Called"),))
    assert len(typos(note)) == 3
    application = Note("Applications/Globex.md", NoteType.APPLICATION, status="withdrawn",
                       applied=d("2026-11-27"))
    assert len(typos(application)) == 1


def test_problems_keep_the_vaults_and_are_sorted() -> None:
    read = [
        Problem("Z.md", 1, Severity.ERROR, "broken YAML"),
        Problem(None, None, Severity.WARNING, "vault-wide"),
        Problem(ACME, 4, Severity.ERROR, "bad date"),
    ]
    note = interview(status="scheduled", lines={"status": 4}, follow_up=d("2026-11-27"),
                     log=log("2026-11-24"), missed_call=d("2026-11-20"))
    result = build_agenda([note], T, Config(), problems=read)
    assert [(p.path, p.line, p.severity.value) for p in result.problems] == [
        (None, None, "warning"), (ACME, 1, "warning"), (ACME, 4, "error"), (ACME, 4, "warning"),
        ("Z.md", 1, "error"),
    ]


# --- pipeline -------------------------------------------------------------------------------------


def test_pipeline_counts_typed_notes_by_type_then_status() -> None:
    notes = [
        Note("a.md", NoteType.APPLICATION, status="applied"),
        Note("b.md", NoteType.APPLICATION, status="applied"),
        Note("c.md", NoteType.APPLICATION),
        Note("d.md", NoteType.INTERVIEW, status="waiting"),
        Note("e.md", NoteType.INTERVIEW, status="offer"),
        Note("f.md", NoteType.CONTACT),
        Note("g.md", None),
    ]
    assert build_agenda(notes, T, Config()).pipeline == (
        PipelineRow(NoteType.CONTACT, "", 1),
        PipelineRow(NoteType.INTERVIEW, "offer", 1),
        PipelineRow(NoteType.INTERVIEW, "waiting", 1),
        PipelineRow(NoteType.APPLICATION, "", 1),
        PipelineRow(NoteType.APPLICATION, "applied", 2),
    )


def test_the_agenda_is_for_today() -> None:
    assert build_agenda([], T, Config()).today == T
