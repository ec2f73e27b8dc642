"""Insights (README, "Insights"): a hand-built vault whose every number is worked out below, the
`stats` command and its JSON, the agenda's pipeline section, ISO weeks at a year's end, and the
tally kept note by note against the reference."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.cli.main import cli
from jobjournal.core.insight_tally import InsightTally, _median
from jobjournal.core.insights import (
    ApplicationFacts,
    InterviewFacts,
    NoteFacts,
    company_key,
    compute_insights,
    note_facts,
    source_of,
    status_change,
    week_starts,
)
from jobjournal.core.model import LogEntry, Note, NoteType, day_of
from jobjournal.core.render_insights import render_insights_terminal
from jobjournal.core.rules import your_contacts

from .conftest import VaultDir
from .test_rules import notes_of

T = date(2026, 12, 3)  # a Thursday, in ISO week 2026-W49 (Monday 2026-11-30)

# The vault. The 8 weeks shown are 2026-W42 (Mon 12 Oct) … 2026-W49 (Mon 30 Nov).
NOTES = {
    # answered by an incoming entry on 11-06 (4 days) and by the Acme interview on 11-20:
    # the first answer counts, 4 days; the interview's `offer` takes it to offers.
    # One follow-up of yours on 11-09 (W46).
    "Applications/Acme - Backend.md": """\
        ---
        type: application
        company: Acme
        applied: 2026-11-02
        source: LinkedIn
        status: applied
        ---
        ## Log
        - 2026-11-06 ← Recruiter called: they want to talk
        - 2026-11-09 Sent my portfolio
        """,
    # the same company, written otherwise; dated after the application. Its entry on the day of
    # the interview is the interview, not a follow-up; the one on 11-24 is (W48). Its records:
    # scheduled 11-14 → 11-21 (7 days), completed 11-21 → 11-27 (6 days); offer is current.
    "Interviews/Acme - Onsite.md": """\
        ---
        type: interview
        company: "  ACME "
        date: 2026-11-20T10:00
        status: offer
        ---
        ## Log
        - 2026-11-14 status: scheduled
        - 2026-11-20 Interview held
        - 2026-11-21 status: scheduled → completed
        - 2026-11-24 Thanked Jane
        - 2026-11-27 status: completed → offer
        """,
    # a referral (its `source` is not read): answered by the status record of 11-17, 7 days;
    # applied 11-10 → 11-17 (7 days), interviewing 11-17 → 11-25 (8 days); waiting is current.
    "Applications/Beta - Data.md": """\
        ---
        type: application
        company: Beta
        applied: 2026-11-10
        source: LinkedIn
        referral: "[[Sam]]"
        status: waiting
        ---
        ## Log
        - 2026-11-17 status: applied → interviewing
        - 2026-11-25 status: interviewing → waiting
        """,
    # no answer yet
    "Applications/Gamma - QA.md": """\
        ---
        type: application
        company: Gamma
        applied: 2026-11-30
        source: Job  Board
        status: applied
        ---
        """,
    # rejected: an answer, but no record says when; no source
    "Applications/Delta - Ops.md": """\
        ---
        type: application
        company: Delta
        applied: 2026-11-16
        status: rejected
        ---
        """,
    # ghosted is no answer; applied 10-12 → 11-19 (38 days); a follow-up on 10-20 (W43)
    "Applications/Epsilon.md": """\
        ---
        type: application
        company: Epsilon
        applied: 2026-10-12
        source: linkedin
        status: ghosted
        ---
        ## Log
        - 2026-10-20 Followed up
        - 2026-11-19 status: applied → ghosted
        """,
    # sent the Sunday before the weeks shown (W41); accepted; answered on 10-13, 2 days;
    # `source: Referral` counts with the referrals
    "Applications/Old.md": """\
        ---
        type: application
        company: Old Corp
        applied: 2026-10-11
        source: Referral
        status: accepted
        ---
        ## Log
        - 2026-10-13 ← They called back
        """,
    # sent after today: a typo, counted nowhere
    "Applications/Future.md": """\
        ---
        type: application
        company: Acme
        applied: 2026-12-05
        ---
        """,
    # held on 12-01 (W49); a cancelled one and one tomorrow are not held
    "Meetings/Coffee.md": "---\ntype: meeting\ndate: 2026-12-01\nstatus: completed\n---\n",
    "Meetings/Cancelled.md": "---\ntype: meeting\ndate: 2026-11-18\nstatus: cancelled\n---\n",
    "Meetings/Later.md": "---\ntype: meeting\ndate: 2026-12-04\n---\n",
    # received on 11-09 (W46)
    "Referrals/Sam - Beta.md": '---\ntype: referral\ndate: 2026-11-09\nfrom: "[[Sam]]"\n---\n',
    # a follow-up of yours on 12-02 (W49); Sam's call back is theirs
    "Contacts/Sam.md": """\
        ---
        type: contact
        ---
        ## Log
        - 2026-12-02 Called Sam
        - 2026-12-02 ← Sam called back
        """,
    # an ordinary note: nothing
    "Ideas.md": "# Ideas\n- 2026-12-01 Called nobody\n",
}

#: Worked out from the notes above.
EXPECTED = {
    "today": "2026-12-03",
    # sent: Acme, Beta, Gamma, Delta, Epsilon, Old (Future is after today)
    # answered: Acme, Beta, Delta, Old; interviews: Acme, Beta, Old; offers: Acme, Old
    "funnel": [{"stage": "applied", "count": 6}, {"stage": "answered", "count": 4},
               {"stage": "interviews", "count": 3}, {"stage": "offers", "count": 2},
               {"stage": "accepted", "count": 1}],
    # linkedin: Acme (4 days), Epsilon (none); referral: Beta (7), Old (2) → 4.5;
    # job board: Gamma; unknown: Delta (answered, no day). Most applications first, then by name.
    "by_source": [
        {"source": "linkedin", "applications": 2, "answered": 1, "rate": 0.5,
         "median_days_to_answer": 4.0},
        {"source": "referral", "applications": 2, "answered": 2, "rate": 1.0,
         "median_days_to_answer": 4.5},
        {"source": "job board", "applications": 1, "answered": 0, "rate": 0.0,
         "median_days_to_answer": None},
        {"source": "unknown", "applications": 1, "answered": 1, "rate": 1.0,
         "median_days_to_answer": None},
    ],
    "weekly": [
        {"week": "2026-W42", "applications": 1, "meetings": 0, "referrals": 0, "follow_ups": 0},
        {"week": "2026-W43", "applications": 0, "meetings": 0, "referrals": 0, "follow_ups": 1},
        {"week": "2026-W44", "applications": 0, "meetings": 0, "referrals": 0, "follow_ups": 0},
        {"week": "2026-W45", "applications": 1, "meetings": 0, "referrals": 0, "follow_ups": 0},
        {"week": "2026-W46", "applications": 1, "meetings": 0, "referrals": 1, "follow_ups": 1},
        {"week": "2026-W47", "applications": 1, "meetings": 0, "referrals": 0, "follow_ups": 0},
        {"week": "2026-W48", "applications": 0, "meetings": 0, "referrals": 0, "follow_ups": 1},
        {"week": "2026-W49", "applications": 1, "meetings": 1, "referrals": 0, "follow_ups": 1},
    ],
    "weekly_goal": 2,
    # applied: 7 (Beta) and 38 (Epsilon) → 22.5; scheduled 7, interviewing 8, completed 6
    "time_in_status": [{"status": "applied", "median_days": 22.5},
                       {"status": "scheduled", "median_days": 7.0},
                       {"status": "interviewing", "median_days": 8.0},
                       {"status": "completed", "median_days": 6.0},
                       {"status": "waiting", "median_days": None},
                       {"status": "offer", "median_days": None}],
}


def _vault(vault: VaultDir) -> VaultDir:
    vault.config("[insights]\nweekly_goal = 2\n")
    for path, text in NOTES.items():
        vault.write(path, text)
    return vault


def _stats(runner: CliRunner, vault: VaultDir, *args: str) -> str:
    result = runner.invoke(cli, ["stats", "--vault", str(vault.root), "--today", "2026-12-03",
                                 *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_stats_json_holds_the_numbers_worked_out_by_hand(runner: CliRunner,
                                                         vault: VaultDir) -> None:
    text = _stats(runner, _vault(vault), "--json")
    assert json.loads(text) == EXPECTED
    # the shape, key order included, is the public one
    assert list(json.loads(text)) == ["today", "funnel", "by_source", "weekly", "weekly_goal",
                                      "time_in_status"]


def test_stats_writes_nothing(runner: CliRunner, vault: VaultDir) -> None:
    before = _vault(vault).snapshot()
    _stats(runner, vault)
    _stats(runner, vault, "--json")
    after = {path: data for path, data in vault.snapshot().items()
             if not path.startswith(".")}
    assert after == {path: data for path, data in before.items() if not path.startswith(".")}


def test_stats_text_says_what_works_and_fits_the_terminal(runner: CliRunner,
                                                          vault: VaultDir) -> None:
    _vault(vault)
    text = " ".join(_stats(runner, vault).split())  # as read, whatever the wrapping
    assert "6 applications sent → 4 answered (67%) → 3 interviews (75%) → 2 offers (67%) → " \
           "1 accepted (50%)" in text
    assert "referral: 2 of 2 answered (100%), first answer after 4.5 days (median)" in text
    assert "2026-W46: 1 application, 0 meetings, 1 referral, 1 follow-up — goal met" in text
    assert "2026-W47: 1 application, 0 meetings, 0 referrals, 0 follow-ups — 1 of 2" in text
    assert "applied 22.5, scheduled 7, interviewing 8, completed 6, waiting —, offer —" in text
    assert "\x1b[" not in text  # not a terminal: no colour
    narrow = CliRunner(env={"COLUMNS": "40"}).invoke(
        cli, ["stats", "--vault", str(vault.root), "--today", "2026-12-03"])
    assert narrow.exit_code == 0
    assert max(len(line) for line in narrow.output.splitlines()) <= 40
    # the words survive the wrapping
    assert " ".join(narrow.output.split()) == text


def test_terminal_colours_only_when_asked() -> None:
    found = compute_insights([], T)
    assert "\x1b[" in render_insights_terminal(found, 0, color=True)
    assert "\x1b[" not in render_insights_terminal(found, 0, color=False)
    for width in (10, 24, 33, 80):
        lines = render_insights_terminal(found, 5, width=width, color=False).splitlines()
        assert max(map(len, lines)) <= max(width, 24)


def test_stats_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["stats", "--help"])
    assert result.exit_code == 0
    assert "jobjournal stats --today 2026-12-03 --json" in result.output


def test_the_agenda_shows_the_insights(runner: CliRunner, vault: VaultDir) -> None:
    _vault(vault)
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-12-03"])
    assert result.exit_code == 0, result.output
    agenda = vault.read("Agenda.md")
    section = agenda.split("## Pipeline", 1)[1]
    assert "pie" not in section
    # the bars: applications + meetings + referrals per week; the line: the goal
    assert """```mermaid
xychart-beta
    title "Activity per week (goal: 2)"
    x-axis ["W42", "W43", "W44", "W45", "W46", "W47", "W48", "W49"]
    y-axis "Applications, meetings, referrals" 0 --> 2
    bar [1, 0, 0, 1, 2, 1, 0, 2]
    line [2, 2, 2, 2, 2, 2, 2, 2]
```""" in section
    assert "| applications sent | 6 |  |\n| answered | 4 | 67% |\n| interviews | 3 | 75% |\n" \
           "| offers | 2 | 67% |\n| accepted | 1 | 50% |" in section
    assert "| referral | 2 | 2 | 100% | 4.5 |" in section
    assert "| job board | 1 | 0 | 0% | — |" in section
    assert "| 2026-W46 | 1 | 0 | 1 | 1 | ✅ |" in section
    assert "| 2026-W47 | 1 | 0 | 0 | 0 | 1 of 2 |" in section
    assert "| applied | 22.5 |" in section and "| waiting | — |" in section
    headings = re.findall(r"^### (.+)$", section, re.MULTILINE)
    assert headings == ["Funnel", "By source", "Weekly activity", "Time in status"]


# --- definitions, one at a time -----------------------------------------------------------------


def app(path: str = "A/a.md", **fields: object) -> Note:
    fields.setdefault("applied", date(2026, 11, 2))
    return Note(path, NoteType.APPLICATION, **fields)  # type: ignore[arg-type]


def entry(day: date, text: str, line: int = 10) -> LogEntry:
    return LogEntry(day, text, line)


def test_what_answers_an_application() -> None:
    applied = date(2026, 11, 2)
    before = applied - timedelta(days=1)
    cases = {
        # an incoming entry before the application, or one of yours: no answer
        "A/in-before.md": ({"log": (entry(before, "← earlier talk"),)}, False),
        "A/yours.md": ({"log": (entry(applied, "Called them"),)}, False),
        # an incoming entry on the day itself: an answer after 0 days
        "A/same-day.md": ({"log": (entry(applied, "<- they replied"),)}, True),
        # an interview of the company before the application: no answer
        "A/old-interview.md": ({"company": "Initech"}, False),
        "A/withdrawn.md": ({"status": "withdrawn"}, False),
        "A/declined.md": ({"status": "declined"}, True),
    }
    notes = [app(path, **fields) for path, (fields, _) in cases.items()]  # type: ignore[arg-type]
    notes.append(Note("I/i.md", NoteType.INTERVIEW, company="initech", date=before))
    found = compute_insights(notes, T)
    answered = sum(1 for _, (_, yes) in cases.items() if yes)
    assert dict(found.funnel)["answered"] == answered == 2
    (row,) = found.by_source
    assert (row.source, row.applications, row.answered, row.median_days_to_answer) == (
        "unknown", 6, 2, 0.0)


def test_weeks_are_iso_weeks_across_the_year_end() -> None:
    # 2027-01-02 is a Saturday of 2026-W53 (2026 has 53 ISO weeks); 2027-W01 starts on 01-04
    saturday = date(2027, 1, 2)
    notes = [app("A/sun.md", applied=date(2026, 12, 27)),  # Sunday: 2026-W52
             app("A/mon.md", applied=date(2026, 12, 28)),  # Monday: 2026-W53
             app("A/sat.md", applied=saturday),  # 2026-W53
             app("A/next.md", applied=date(2027, 1, 3))]  # after today: not yet
    weeks = compute_insights(notes, saturday).weekly
    assert [w.week for w in weeks] == [f"2026-W{n}" for n in range(46, 54)]
    assert [w.applications for w in weeks] == [0, 0, 0, 0, 0, 0, 1, 2]
    monday = compute_insights(notes, date(2027, 1, 4)).weekly
    assert [w.week for w in monday] == [*(f"2026-W{n}" for n in range(47, 54)), "2027-W01"]
    # the Sunday of 01-03 is in 2026-W53 too, and no longer after today
    assert [w.applications for w in monday] == [0, 0, 0, 0, 0, 1, 3, 0]
    assert week_starts(date(2027, 1, 4))[0] == date(2026, 11, 16)


def test_time_in_status_counts_statuses_left_in_date_order() -> None:
    note = app(log=(
        # written out of order: read in date order
        entry(date(2026, 11, 20), "status: interviewing → offer (after the final)", 12),
        entry(date(2026, 11, 9), "status: applied -> interviewing", 11),
        entry(date(2026, 12, 10), "status: offer → accepted", 13),  # after today: not yet
    ))
    found = dict(compute_insights([note], T).time_in_status)
    # applied 11-02 → 11-09: 7; interviewing 11-09 → 11-20: 11; offer still current
    assert found["applied"] == 7.0 and found["interviewing"] == 11.0
    assert found["offer"] is None and "accepted" not in found


def test_median_of_counts_is_statistics_median() -> None:
    from collections import Counter

    assert _median(Counter()) is None
    assert _median(Counter({4: 1})) == 4.0
    assert _median(Counter({3: 1, 4: 1})) == 3.5
    assert _median(Counter({1: 2, 9: 1})) == 1.0
    assert _median(Counter({1: 0, 2: 2, 5: 2})) == 3.5



@given(st.lists(st.integers(-10**6, 10**6), max_size=9))
def test_median_of_values_is_statistics_median(values: list[int]) -> None:
    import statistics

    from jobjournal.core.insights import _median as median_of_values

    expected = float(statistics.median(values)) if values else None
    assert median_of_values(values) == expected

# --- the tally against the reference ------------------------------------------------------------

NAMES = [f"N{n}" for n in range(6)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.booleans(), st.data()), max_size=14),
       st.integers(-3, 3))
def test_tally_equals_compute_insights(steps: list[tuple[str, bool, st.DataObject]],
                                       shift: int) -> None:
    """Notes set, replaced and removed in any order: the tally's insights are always the
    reference's for the notes there are."""
    today = T + timedelta(days=shift)
    tally = InsightTally(today)
    notes: dict[str, Note] = {}
    for name, remove, data in steps:
        path = f"{name}/{name}.md"
        if remove:
            notes.pop(path, None)
            tally.set(path, None)
        else:
            note = notes[path] = data.draw(notes_of(name))
            tally.set(path, note_facts(note, today))
        assert tally.insights() == compute_insights(notes.values(), today)


# --- one note's facts in one pass, against the plain way -----------------------------------------


def _plain_records(note: Note, today: date) -> list[tuple[date, int, str | None, str]]:
    found = []
    for e in note.log:
        if e.records_status and e.day <= today and (change := status_change(e)) is not None:
            found.append((e.day, e.line, *change))
    return sorted(found, key=lambda record: (record[0], record[1]))


def plain_note_facts(note: Note, today: date) -> NoteFacts | None:
    """`note_facts` the plain way: each part by itself, follow-ups as `your_contacts` has them."""
    if note.type is None:
        return None
    records = _plain_records(note, today)
    events: list[tuple[str, date]] = []
    if note.type is NoteType.APPLICATION and note.applied is not None:
        events.append(("applications", note.applied))
    elif note.type is NoteType.MEETING and note.date is not None and note.status != "cancelled":
        events.append(("meetings", day_of(note.date)))
    elif note.type is NoteType.REFERRAL and note.date is not None:
        events.append(("referrals", day_of(note.date)))
    events += [("follow_ups", e.day) for e in your_contacts(note)]
    spells = [(status, (after - before).days)
              for (before, _, _, status), (after, _, _, _) in zip(records, records[1:],
                                                                  strict=False)]
    if records and note.type is NoteType.APPLICATION and note.applied is not None:
        first_day, _, first_from, _ = records[0]
        if first_from is not None and note.applied <= first_day:
            spells.insert(0, (first_from, (first_day - note.applied).days))
    application = None
    applied = note.applied
    if note.type is NoteType.APPLICATION and applied is not None and applied <= today:
        answers = [e.day for e in note.log if e.incoming and applied <= e.day <= today]
        answers += [day for day, _, _, status in records
                    if day >= applied and status in ("scheduled", "interviewing", "completed",
                                                     "waiting", "offer", "accepted",
                                                     "rejected", "declined")]
        stage = {"rejected": 1, "declined": 1, "offer": 3, "accepted": 4}.get(
            note.status or "", 2 if note.status in ("scheduled", "interviewing", "completed",
                                                    "waiting") else 0)
        application = ApplicationFacts(company_key(note.company), applied, source_of(note),
                                       stage, min(answers, default=None))
    interview = None
    if note.type is NoteType.INTERVIEW and company_key(note.company) and note.date is not None:
        stage = {"offer": 3, "accepted": 4}.get(note.status or "", 2)
        interview = InterviewFacts(company_key(note.company) or "", day_of(note.date), stage)
    facts = NoteFacts(tuple(e for e in events if e[1] <= today), tuple(spells), application,
                      interview)
    return facts if any(facts) else None


@settings(max_examples=150, deadline=None)
@given(notes_of("N0"), st.integers(-40, 40))
def test_note_facts_in_one_pass_equal_the_plain_way(note: Note, shift: int) -> None:
    today = T + timedelta(days=shift)
    assert note_facts(note, today) == plain_note_facts(note, today)
