"""The incremental build (core/incremental.py) against the build from scratch, step by step.

Seeded sequences of the edits a user and the calendar make (Log entries that link other notes,
field changes, new, deleted and renamed notes, another day, other settings): after every step
the one IncrementalBuild kept for the whole sequence must give what `engine.build_agenda` gives.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from jobjournal.config import WEEKDAYS, CalendarConfig, Config, FollowupConfig
from jobjournal.core.engine import build_agenda
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.model import Agenda, Link, LogEntry, Note, NoteType, Problem, Severity, Task
from jobjournal.core.workdays import Workdays

T = date(2026, 11, 26)
KINDS = {
    "Dana": NoteType.CONTACT, "Sam": NoteType.CONTACT, "Acme": NoteType.INTERVIEW,
    "Initech": NoteType.INTERVIEW, "Globex": NoteType.APPLICATION, "Pat": NoteType.REFERRAL,
    "Coffee": NoteType.MEETING, "Ideas": None,
}
FOLDERS = {NoteType.CONTACT: "Contacts", NoteType.INTERVIEW: "Interviews",
           NoteType.APPLICATION: "Applications", NoteType.REFERRAL: "Referrals",
           NoteType.MEETING: "Meetings", None: "Notes"}
STATUSES = [None, "applied", "waiting", "rejected", "offer", "accepted"]


def a_day(rng: random.Random, today: date) -> date:
    return today + timedelta(days=rng.randint(-12, 6))


def a_note(rng: random.Random, name: str, today: date, folder: str | None = None) -> Note:
    kind = KINDS[name]
    path = f"{folder or FOLDERS[kind]}/{name}.md"
    fields: dict[str, Any] = {"log": tuple(an_entry(rng, today, n) for n in range(rng.randint(0, 3)))}
    if kind is None:
        fields["tasks"] = (Task(a_day(rng, today), "Read the job ad", 3),)
        return Note(path, None, **fields)
    fields["status"] = rng.choice(STATUSES)
    fields["follow_up"] = rng.choice([None, a_day(rng, today)])
    fields["last_contact"] = rng.choice([None, None, a_day(rng, today)])
    fields["missed_call"] = rng.choice([None, None, datetime.combine(a_day(rng, today), time(9))])
    fields["company"], fields["role"] = rng.choice([("Acme", "SRE"), (None, "SRE"), (None, None)])
    if kind in (NoteType.INTERVIEW, NoteType.MEETING, NoteType.REFERRAL):
        fields["date"] = a_day(rng, today)
    if kind is NoteType.INTERVIEW:
        fields["decision_date"] = rng.choice([None, a_day(rng, today)])
        fields["recruiter"] = Link("Dana", None, True)
        fields["respond_by"] = rng.choice([None, a_day(rng, today)])
        fields["candidates"] = rng.choice([None, 3])
    if kind is NoteType.APPLICATION:
        fields["applied"] = a_day(rng, today)
        fields["contact"] = rng.choice(
            [Link("Sam", None, True), Link("Nobody", None, True), Link("Lee Hiring")])
    if kind is NoteType.CONTACT:
        fields["stay_in_touch"] = rng.choice([None, 0, 7, 30])
    if kind is NoteType.REFERRAL:
        fields["from_"] = Link("Sam", None, True)
    return Note(path, kind, **fields)


def an_entry(rng: random.Random, today: date, line: int) -> LogEntry:
    day = today - timedelta(days=rng.randint(-1, 10))
    when: date | datetime = datetime.combine(day, time(rng.randint(8, 18))) if rng.random() < 0.3 else day
    linked = rng.sample(sorted(KINDS), rng.randint(0, 2))
    return LogEntry(when, "Called", 20 + line, tuple(Link(name, None, True) for name in linked))


def step(rng: random.Random, notes: dict[str, Note], today: date, config: Config
         ) -> tuple[date, Config]:
    """One change to the vault, the day or the settings."""
    choice = rng.random()
    names = sorted(notes)
    if choice < 0.3 and names:  # a new Log entry, often linking another note
        name = rng.choice(names)
        note = notes[name]
        notes[name] = dataclasses.replace(
            note, log=(*note.log, an_entry(rng, today, len(note.log))))
    elif choice < 0.4 and names:  # a Log entry taken out
        name = rng.choice(names)
        notes[name] = dataclasses.replace(notes[name], log=notes[name].log[:-1])
    elif choice < 0.6 and names:  # a field changed
        name = rng.choice(names)
        note = notes[name]
        if note.type is not None:
            field, value = rng.choice([
                ("status", rng.choice(STATUSES)), ("follow_up", rng.choice([None, a_day(rng, today)])),
                ("last_contact", rng.choice([None, a_day(rng, today)])),
                ("date", a_day(rng, today) if note.date is not None else None),
            ])
            notes[name] = dataclasses.replace(note, **{field: value})
    elif choice < 0.7:  # a note added, or written again
        name = rng.choice(sorted(KINDS))
        notes[name] = a_note(rng, name, today)
    elif choice < 0.78 and names:  # a note deleted
        del notes[rng.choice(names)]
    elif choice < 0.84 and names:  # a note moved to another folder
        name = rng.choice(names)
        notes[name] = dataclasses.replace(notes[name], path=f"Archive/{name}.md")
    elif choice < 0.92:  # another day
        today += timedelta(days=rng.choice([0, 1, 1, 3]))
    elif choice < 0.96:  # other follow-up settings
        config = Config(followup=FollowupConfig(grace_workdays=rng.choice([1, 2, 4])))
    # else: nothing changed at all
    return today, config


@pytest.mark.parametrize("seed", range(12))
def test_each_incremental_build_equals_a_build_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    today, config = T, Config()
    notes = {name: a_note(rng, name, today) for name in sorted(KINDS) if rng.random() < 0.8}
    build = IncrementalBuild()
    ways: Counter[str] = Counter()
    for n in range(60):
        today, config = step(rng, notes, today, config)
        listed = list(notes.values())
        rng.shuffle(listed)
        paths = sorted({note.path for note in listed} | {"People/Nobody.md", "Contacts/Dana.md"})
        problems = [Problem("Notes/Bad.md", n % 5, Severity.ERROR, "front matter is not valid YAML")
                    ] if n % 7 < 3 else []
        if rng.random() < 0.5:
            build.prepare(paths, config)
        assert build.build(listed, today, config, paths=paths, problems=problems) == (
            build_agenda(listed, today, config, paths=paths, problems=problems)), n
        ways[build.last] += 1
    assert ways["update"] >= 20, ways  # most builds keep what did not change


def test_notes_sharing_a_path_are_built_from_scratch() -> None:
    rng = random.Random(7)
    one, other = a_note(rng, "Acme", T), a_note(rng, "Acme", T)
    build = IncrementalBuild()
    for notes in ([one], [one, other], [other], [other, one, one], [one]):
        assert build.build(notes, T, Config()) == build_agenda(notes, T, Config())
    assert build.last == "afresh"
    build.build([one, other], T, Config())
    assert build.last == "scratch"


# --- single steps the sequences above seldom take -------------------------------------------------

APPLIED = date(2026, 11, 14)  # a Saturday: 7 workdays later is Tuesday 24, 7 days later Saturday 21
SAM = Link("sam", None, True)  # resolves to People/Sam.md when that path is scanned


def application(path: str = "Applications/Globex.md", **fields: Any) -> Note:
    fields.setdefault("status", "applied")
    return Note(path, NoteType.APPLICATION, applied=APPLIED, **fields)


def follow_ups(agenda: Agenda) -> list[tuple[str | None, date, str | None]]:
    return [(item.note, item.due, item.contact) for item in agenda.items if item.note]


def test_an_empty_vault() -> None:
    build = IncrementalBuild()
    for notes in ([], [application()], []):
        assert build.build(notes, T, Config()) == build_agenda(notes, T, Config())


def test_notes_added_and_removed_at_the_end_the_others_in_place() -> None:
    a, b, c = (application(f"Applications/{name}.md") for name in "ABC")
    paths = [note.path for note in (a, b, c)]
    build = IncrementalBuild()
    for notes in ([a, b], [a, b, c], [a, b], [a]):
        agenda = build.build(notes, T, Config(), paths=paths)
        assert agenda == build_agenda(notes, T, Config(), paths=paths)
        assert [note for note, _, _ in follow_ups(agenda)] == [note.path for note in notes]
    assert build.last == "update"


def test_other_working_days_count_from_the_next_build_on() -> None:
    notes = [application()]
    every_day = Config(calendar=CalendarConfig(workdays=WEEKDAYS))
    build = IncrementalBuild()
    assert follow_ups(build.build(notes, T, Config())) == [
        ("Applications/Globex.md", date(2026, 11, 24), None)]
    agenda = build.build(notes, T, every_day)
    assert agenda == build_agenda(notes, T, every_day)
    assert follow_ups(agenda) == [("Applications/Globex.md", date(2026, 11, 21), None)]


def test_without_paths_links_resolve_among_the_notes() -> None:
    notes = [Note("People/Sam.md", NoteType.CONTACT), application(contact=SAM)]
    agenda = IncrementalBuild().build(notes, T, Config())
    assert agenda == build_agenda(notes, T, Config())
    assert follow_ups(agenda) == [("Applications/Globex.md", date(2026, 11, 24), "Sam")]


def test_notes_sharing_a_path_are_built_from_scratch_with_every_argument() -> None:
    one, other = application(contact=SAM), application(contact=SAM, status="waiting")
    kwargs: dict[str, Any] = {
        "paths": ["Applications/Globex.md", "People/Sam.md"],
        "problems": [Problem("Notes/Bad.md", 1, Severity.ERROR, "front matter is not valid YAML")],
        "workdays": Workdays(WEEKDAYS),
    }
    build = IncrementalBuild()
    # a path shared on a first build, then one note, then a path shared on an update
    for notes in ([one, other], [one], [other, one]):
        agenda = build.build(notes, T, Config(), **kwargs)
        assert agenda == build_agenda(notes, T, Config(), **kwargs)
    assert build.last == "scratch"
    assert follow_ups(agenda) == [("Applications/Globex.md", date(2026, 11, 21), "Sam")]
    assert agenda.problems == tuple(kwargs["problems"])


def test_a_status_no_note_has_any_more_leaves_the_pipeline() -> None:
    """A note's status changed in place: its old cell counts zero and is not listed."""
    build = IncrementalBuild()
    waiting = application(status="waiting")
    build.build([waiting], T, Config())
    moved = dataclasses.replace(waiting, status="rejected")
    agenda = build.build([moved], T, Config())
    assert build.last == "update"
    assert [(row.status, row.count) for row in agenda.pipeline] == [("rejected", 1)]
    assert agenda == build_agenda([moved], T, Config())
