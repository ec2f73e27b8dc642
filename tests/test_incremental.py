"""The incremental build against the build from scratch (docs/design.md, "The incremental build"),
and the remembering renderer against a fresh render.

A hypothesis state machine keeps a small vault of random notes and changes it as a user and the
calendar do: it edits notes (new Log entries, some linking other notes; fields), adds, renames and
deletes them, and moves the day on. After every step one IncrementalBuild, kept for the whole run,
builds the agenda, and it must equal `engine.build_agenda` from scratch; one MarkdownRenderer,
kept too, renders it, and the text must equal `render_markdown`'s. Most steps keep the day
and the set of paths, so most builds take the update path (asserted: at least 80 %); a step that
moves the day or changes the paths checks that starting afresh is right too.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from jobjournal.config import Config
from jobjournal.core.engine import build_agenda
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.markdown import MarkdownRenderer, render_markdown
from jobjournal.core.model import Link, LogEntry, Note, Problem, Severity

from .test_rules import NAMES, T, configs, days, entry_texts, notes_of

#: every path a note of the machine can have: the link index is made from all of them, as the
#: vault's scan gives every file's path, notes or not
SLOTS = tuple(f"{name}/{name}.md" for name in NAMES) + ("Moved/Elsewhere.md", "Moved/Again.md")
builds: Counter[str] = Counter()
READING_PROBLEMS = tuple(
    Problem(path, line, severity, message)
    for path in (*SLOTS[:3], None)
    for line, severity, message in ((1, Severity.ERROR, "front matter is not valid YAML"),
                                    (4, Severity.WARNING, "unknown key"))
)


class EditsAndDays(RuleBasedStateMachine):
    """A vault edited note by note while one IncrementalBuild follows it."""

    paths = Bundle("paths")

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, Note] = {}
        self.today = T
        self.config = Config()
        self.build = IncrementalBuild()
        self.renderer = MarkdownRenderer()  # kept too, as the watcher keeps it
        self.scan = SLOTS  # the paths handed to the build
        self.calm = 0  # builds since the world last changed
        self.problems: tuple[Problem, ...] = ()  # what reading the vault found
        self.now: datetime | None = None  # the time of day today (None: its end)

    @rule(target=paths, name=st.sampled_from(NAMES), data=st.data())
    def add(self, name: str, data: st.DataObject) -> str:
        path = f"{name}/{name}.md"
        self.notes[path] = data.draw(notes_of(name))
        return path

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def log_a_contact(self, data: st.DataObject) -> None:
        """A new Log entry, often linking another note: its contacts change too."""
        path = data.draw(st.sampled_from(sorted(self.notes)))
        note = self.notes[path]
        day = self.today - timedelta(days=data.draw(st.integers(-1, 10)))
        when: date | datetime = day
        if data.draw(st.booleans()):
            when = datetime.combine(day, time(data.draw(st.integers(0, 23))))
        linked = data.draw(st.lists(st.sampled_from(NAMES), max_size=2))
        entry = LogEntry(when, data.draw(entry_texts), 50 + len(note.log),
                         tuple(Link(name, is_wikilink=True) for name in linked))
        self.notes[path] = dataclasses.replace(note, log=(*note.log, entry))

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def edit_a_field(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.notes)))
        field, value = data.draw(st.one_of(
            st.tuples(st.just("status"), st.sampled_from([None, "scheduled", "applied",
                                                          "offer", "accepted", "rejected",
                                                          "ghosted"])),
            st.tuples(st.just("last_contact"), st.none() | days),
            st.tuples(st.just("follow_up"), st.none() | days),
            # the insights: an application's outcome depends on its company's interviews
            st.tuples(st.just("company"), st.sampled_from([None, "Acme", "acme", "Beta"])),
            st.tuples(st.just("applied"), st.none() | days),
            st.tuples(st.just("missed_call"), st.none() | days),
            st.tuples(st.just("log"), st.just(())),
            # how to reach a contact: the items of the notes naming them show it
            st.tuples(st.just("phone"), st.sampled_from([None, "", "+1 555 0142", "030 1234"])),
            st.tuples(st.just("email"), st.sampled_from([None, "a@example.org", "b@x.example"])),
        ))
        self.notes[path] = dataclasses.replace(self.notes[path], **{field: value})

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def rewrite(self, data: st.DataObject) -> None:
        """A note saved with different content altogether (its type may change)."""
        path = data.draw(st.sampled_from(sorted(self.notes)))
        name = path.split("/")[0]
        self.notes[path] = dataclasses.replace(data.draw(notes_of(name)), path=path)

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def save_unchanged(self, data: st.DataObject) -> None:
        """A save that changes nothing parsed: a new but equal Note object."""
        path = data.draw(st.sampled_from(sorted(self.notes)))
        self.notes[path] = dataclasses.replace(self.notes[path])

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), hour=st.integers(0, 23))
    def miss_a_call_today(self, data: st.DataObject, hour: int) -> None:
        """A call missed today at some hour: later than now is a typo, which the clock decides."""
        path = data.draw(st.sampled_from(sorted(self.notes)))
        missed = datetime.combine(self.today, time(hour))
        self.notes[path] = dataclasses.replace(self.notes[path], missed_call=missed)

    @rule(hour=st.none() | st.integers(0, 23))
    def the_clock_moves(self, hour: int | None) -> None:
        """Now moves within today (None: the end of today, as with --today); it changes no
        note's results but the warnings about calls missed later than now."""
        self.now = None if hour is None else datetime.combine(self.today, time(hour, 30))

    @rule(path=consumes(paths), to=st.sampled_from(SLOTS))
    def rename(self, path: str, to: str) -> None:
        note = self.notes.pop(path, None)
        if note is not None:
            self.notes[to] = dataclasses.replace(note, path=to)

    @rule(path=consumes(paths))
    def delete(self, path: str) -> None:
        self.notes.pop(path, None)

    @rule(found=st.sets(st.sampled_from(READING_PROBLEMS)))
    def reading_problems(self, found: set[Problem]) -> None:
        """Notes that can't be read, or doubtful lines: problems of the vault, sorted as the
        vault sorts them."""
        self.problems = tuple(sorted(found, key=lambda p: (p.path or "", p.line or 0)))

    @precondition(lambda self: self.calm >= 5)  # as rare as in a real day
    @rule(change=st.one_of(
        st.integers(1, 3),  # days on
        configs,  # the settings
        st.booleans(),  # the link index made from the notes' own paths, or from every slot
    ))
    def the_world_changes(self, change: int | bool | Config) -> None:
        """The day moves on, the settings change, or the vault is scanned again: each can
        change any note's results, so the next build starts afresh."""
        self.calm = 0
        if isinstance(change, Config):
            self.config = change
        elif isinstance(change, bool):
            self.scan = tuple(sorted(self.notes)) if change else SLOTS
        else:
            self.today += timedelta(days=change)
            self.now = None

    @invariant()
    def same_as_from_scratch(self) -> None:
        notes = list(self.notes.values())
        incremental = self.build.build(notes, self.today, self.config, paths=self.scan,
                                       problems=self.problems, now=self.now)
        builds[self.build.last] += 1
        self.calm += 1
        assert incremental == build_agenda(notes, self.today, self.config, paths=self.scan,
                                           problems=self.problems, now=self.now)
        rendered = self.renderer.render(incremental, self.config)
        assert rendered == render_markdown(incremental, self.config)


EditsAndDays.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_incremental_builds_equal_builds_from_scratch() -> None:
    builds.clear()
    EditsAndDays.TestCase("runTest").runTest()
    assert builds["update"] >= 0.8 * sum(builds.values()), builds


def test_notes_sharing_a_path_are_built_from_scratch_and_then_afresh() -> None:
    from jobjournal.core.model import NoteType

    def contact(path: str, days: int) -> Note:
        return Note(path, NoteType.CONTACT, stay_in_touch=days, last_contact=T)

    one, two, three = contact("A/A.md", 3), contact("B/B.md", 5), contact("C/C.md", 8)
    build, config = IncrementalBuild(), Config()
    for notes in ([one, two, three],
                  [one, two, contact("B/B.md", 9)],  # as many notes, one path twice
                  [one, two, three],
                  [one, contact("A/A.md", 4)],  # fewer notes, one path twice
                  [one, two, three, contact("C/C.md", 1)],
                  [one, two, three]):
        assert build.build(notes, T, config) == build_agenda(notes, T, config)
        shared = len({n.path for n in notes}) < len(notes)
        assert (build.last == "scratch") == shared
