"""The incremental build against the build from scratch (docs/design.md, "The incremental build"),
and the remembering renderer against a fresh render.

A hypothesis state machine keeps a small vault of random notes and changes it as a user and the
calendar do: it edits notes (new Log entries, some linking other notes; fields), adds, renames and
deletes them, and moves the day on. After every step one IncrementalBuild, kept for the whole run
(with the insights or without), builds the agenda, and it must equal `engine.build_agenda` from
scratch; one MarkdownRenderer,
kept too, renders it, and the text must equal `render_markdown`'s. Most steps keep the day
and the set of paths, so most builds take the update path (asserted: at least 80 %); a step that
moves the day or changes the paths checks that starting afresh is right too.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import Counter
from datetime import date, datetime, time, timedelta
from operator import is_not

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from jobjournal.config import Config
from jobjournal.core.engine import build_agenda
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.markdown import MarkdownRenderer, render_markdown
from jobjournal.core.model import Agenda, Item, Link, LogEntry, Note, NoteType, Problem, Severity

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
        self.items: dict[str | None, tuple[Item, ...]] | None = None  # the last agenda's
        self.scan = SLOTS  # the paths handed to the build
        self.calm = 0  # builds since the world last changed
        self.problems: tuple[Problem, ...] = ()  # what reading the vault found
        self.now: datetime | None = None  # the time of day today (None: its end)
        self.insights = True  # whether the build's agendas carry the insights

    @initialize(insights=st.booleans())
    def with_or_without_insights(self, insights: bool) -> None:
        self.insights = insights
        self.build = IncrementalBuild(insights=insights)

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
        expected = build_agenda(notes, self.today, self.config, paths=self.scan,
                                problems=self.problems, now=self.now)
        if not self.insights:
            expected = dataclasses.replace(expected, insights=None)
        assert incremental == expected
        rendered = self.renderer.render(incremental, self.config)
        assert rendered == render_markdown(incremental, self.config)
        assert self.renderer.data == rendered.encode("utf-8")
        # every note whose items are not the very objects they were is among those recomputed
        items = _items_by_path(incremental)
        recomputed = self.build.take_recomputed()
        if recomputed is not None and self.items is not None:
            differ = {path for path in {*items, *self.items}
                      if len(items.get(path, ())) != len(self.items.get(path, ()))
                      or any(map(is_not, items.get(path, ()), self.items.get(path, ())))}
            assert differ <= recomputed
            recomputations["told"] += 1
        recomputations["asked"] += 1
        self.items = items


def _items_by_path(agenda: Agenda) -> dict[str | None, tuple[Item, ...]]:
    found: dict[str | None, list[Item]] = {}
    for item in agenda.items:
        found.setdefault(item.note, []).append(item)
    found.pop(None, None)  # the vault's own item
    return {path: tuple(items) for path, items in found.items()}


recomputations: Counter[str] = Counter()
EditsAndDays.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_incremental_builds_equal_builds_from_scratch() -> None:
    builds.clear()
    recomputations.clear()
    EditsAndDays.TestCase("runTest").runTest()
    assert builds["update"] >= 0.8 * sum(builds.values()), builds
    # the recomputed paths are told after most builds (not after one that started afresh)
    assert recomputations["told"] >= 0.6 * recomputations["asked"], recomputations


def test_notes_sharing_a_path_are_built_from_scratch_and_then_afresh() -> None:
    from jobjournal.core.model import NoteType

    def contact(path: str, days: int) -> Note:
        return Note(path, NoteType.CONTACT, stay_in_touch=days, last_contact=T)

    one, two, three = contact("A/A.md", 3), contact("B/B.md", 5), contact("C/C.md", 8)
    # a call missed later today than now: a warning, from scratch too
    later = dataclasses.replace(two, missed_call=datetime.combine(T, time(18)))
    now = datetime.combine(T, time(9))
    build, config = IncrementalBuild(), Config()
    build.take_recomputed()
    for notes in ([one, two, three],
                  [one, two, contact("B/B.md", 9)],  # as many notes, one path twice
                  [one, two, three],
                  [one, contact("A/A.md", 4)],  # fewer notes, one path twice
                  [one, two, three, contact("C/C.md", 1)],
                  [one, later, three, later],
                  [one, two, three]):
        agenda = build.build(notes, T, config, now=now)
        assert agenda == build_agenda(notes, T, config, now=now)
        shared = len({n.path for n in notes}) < len(notes)
        assert (build.last == "scratch") == shared
        if shared:  # every note's items are new: none can be followed from the last build
            assert build.take_recomputed() is None
        build.take_recomputed()
    assert any("later than now" in p.message for p in build_agenda(
        [one, later, three, later], T, config, now=now).problems)
    # a build without insights gives none, from scratch too
    bare = IncrementalBuild(insights=False)
    for notes in ([one, two, three], [one, two, contact("B/B.md", 9)]):
        expected = dataclasses.replace(build_agenda(notes, T, config), insights=None)
        assert bare.build(notes, T, config) == expected
    assert bare.last == "scratch"


# --- notes counted as they are read (IncrementalBuild.take) ------------------------------------

#: notes no Log entry links (the generated entries link NAMES only): their contacts are their own
UNLINKED = tuple(f"P{n}" for n in range(10))
taken_counts: Counter[str] = Counter()


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from((*NAMES, *UNLINKED)), min_size=1, max_size=12,
                      unique=True),
       data=st.data(), config=configs, shift=st.integers(-3, 3),
       hour=st.none() | st.integers(0, 23), insights=st.booleans())
def notes_taken_as_read_build_what_a_build_without_them_builds(
    names: list[str], data: st.DataObject, config: Config, shift: int, hour: int | None,
    insights: bool,
) -> None:
    """Notes cut into chunks, as the processes reading them do, each chunk pickled and
    unpickled as it travels, and handed to the build in any order (some never: read where
    nothing is handed over): the first build equals the build from scratch, and a build
    without them. Now and then a note handed over is read again before the build (an equal
    note, not the same one): then nothing handed over is kept."""
    notes = [data.draw(notes_of(name)) for name in names]
    today = T + timedelta(days=shift)
    # now and then a Log entry links another of these notes, whatever its name
    for source, target in data.draw(st.lists(st.tuples(st.integers(0, len(notes) - 1),
                                                       st.sampled_from(names)), max_size=2)):
        note = notes[source]
        entry = LogEntry(today - timedelta(days=1), "x", 90 + len(note.log),
                         (Link(target, is_wikilink=True),))
        notes[source] = dataclasses.replace(note, log=(*note.log, entry))
    now = None if hour is None else datetime.combine(today, time(hour))
    paths = sorted({note.path for note in notes} | set(SLOTS))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(notes)), max_size=4)))
    chunks = [notes[a:b] for a, b in zip([0, *cuts], [*cuts, len(notes)], strict=True)]
    order = data.draw(st.permutations(range(len(chunks))))
    read = {id(chunk): pickle.loads(pickle.dumps(chunk)) for chunk in chunks}
    notes = [note for chunk in chunks for note in read[id(chunk)]]  # the notes as they arrived
    build = IncrementalBuild(insights=insights)
    handed = 0
    for at in order:
        if data.draw(st.sampled_from((False,) * 5 + (True,))):
            continue  # read where nothing is handed over: left to the build
        build.take(read[id(chunks[at])], today, config, paths)
        handed += len(chunks[at])
    again = bool(handed) and data.draw(st.sampled_from((False,) * 9 + (True,)))
    if again:
        at = data.draw(st.integers(0, len(notes) - 1))
        notes[at] = dataclasses.replace(notes[at])
    agenda = build.build(notes, today, config, paths=paths, now=now)
    expected = build_agenda(notes, today, config, paths=paths, now=now)
    if not insights:
        expected = dataclasses.replace(expected, insights=None)
    assert agenda == expected
    assert agenda == IncrementalBuild(insights=insights).build(notes, today, config,
                                                                paths=paths, now=now)
    if again:
        assert build.taken_as_read == 0
    taken_counts["notes"] += len(notes)
    taken_counts["handed"] += handed
    taken_counts["taken"] += build.taken_as_read
    taken_counts["contacts"] += sum(note.type is NoteType.CONTACT for note in notes)


def test_notes_taken_as_read_build_what_a_build_without_them_builds() -> None:
    """The property above; its generator lands mostly on the shortcut: 85 % of the notes are
    handed over as they are read, and 51 % keep the items computed then (the others are
    contact notes, left to the build; notes linked from other notes' Logs, computed again; or
    notes whose chunk was not handed over or was read again). Derandomized: the same every
    run."""
    taken_counts.clear()
    notes_taken_as_read_build_what_a_build_without_them_builds()
    counts = taken_counts
    assert counts["handed"] >= 0.8 * counts["notes"], counts
    assert counts["taken"] >= 0.45 * counts["notes"], counts


def test_notes_taken_for_another_day_settings_paths_or_note_are_not_kept() -> None:
    note = Note("P1/P1.md", NoteType.APPLICATION, status="applied", applied=T - timedelta(30))
    paths = [note.path]
    config = Config()
    for today, settings_, scan, notes in (
        (T + timedelta(1), config, paths, [note]),  # another day
        (T, Config(followup=dataclasses.replace(config.followup, grace_workdays=9)), paths,
         [note]),  # other settings
        (T, config, [*paths, "Other.md"], [note]),  # other paths
        (T, config, paths, [dataclasses.replace(note)]),  # an equal note, not the same one
        (T, config, paths, []),  # the note is gone
    ):
        build = IncrementalBuild()
        build.take([note], T, config, paths)
        agenda = build.build(notes, today, settings_, paths=scan)
        assert build.taken_as_read == 0
        assert agenda == build_agenda(notes, today, settings_, paths=scan)
    build = IncrementalBuild()
    build.take([note], T, config, paths)
    assert build.build([note], T, config, paths=paths) == build_agenda([note], T, config,
                                                                        paths=paths)
    assert build.taken_as_read == 1
    # handed over for another day, then for the build's: only the second is kept
    build = IncrementalBuild()
    build.take([note], T + timedelta(1), config, paths)
    build.take([note], T, config, list(paths))
    assert build.build([note], T, config, paths=paths) == build_agenda([note], T, config,
                                                                        paths=paths)
    assert build.taken_as_read == 1


def test_a_note_handed_over_twice_counts_once_and_once_built_nothing_is_kept() -> None:
    contact = Note("C/C.md", NoteType.CONTACT, status="active", last_contact=T - timedelta(9))
    note = Note("P1/P1.md", NoteType.APPLICATION, status="applied", applied=T - timedelta(30))
    other = Note("P2/P2.md", NoteType.APPLICATION, status="applied", applied=T - timedelta(20))
    paths = [contact.path, note.path, other.path]
    config = Config()
    fresh = IncrementalBuild()
    assert (fresh.taken_as_read, fresh.last) == (0, "")  # no build yet
    build = IncrementalBuild()
    build.take([note], T, config, paths)
    # the same chunk again, then one more note after it: each counted once
    build.take([note, other], T, config, paths)
    build.take([contact], T, config, paths)
    notes = [contact, note, other]
    assert build.build(notes, T, config, paths=paths) == build_agenda(notes, T, config,
                                                                       paths=paths)
    assert build.taken_as_read == 2  # the contact note is left to the build
    # a note read again (another object for a path already handed over): nothing kept
    build = IncrementalBuild()
    later = dataclasses.replace(note, status="interviewing")
    build.take([note, other], T, config, paths)
    build.take([later], T, config, paths)
    notes = [contact, later, other]
    assert build.build(notes, T, config, paths=paths) == build_agenda(notes, T, config,
                                                                       paths=paths)
    assert build.taken_as_read == 0
    # once built, what is handed over counts for nothing: the next build is an update
    build.take([note], T, config, paths)
    notes = [contact, note, other]
    assert build.build(notes, T, config, paths=paths) == build_agenda(notes, T, config,
                                                                       paths=paths)
    assert build.last == "update"
    assert build.taken_as_read == 0


def test_a_last_contact_of_today_handed_over_counts() -> None:
    """Notes whose own `last_contact` is today, or later than their Log, handed over as read:
    their last contact is that day, as in a build from scratch (when one is due to be
    contacted again depends on it)."""
    config = Config()
    called = (LogEntry(T - timedelta(6), "Called", 9),)
    for stated in (T, T - timedelta(2)):
        for note in (  # a contact note, left to the build; an application, kept as read
            Note("C/C.md", NoteType.CONTACT, status="active", last_contact=stated,
                 stay_in_touch=3, log=called),
            Note("A/A.md", NoteType.APPLICATION, status="applied", last_contact=stated,
                 applied=T - timedelta(30), log=called),
        ):
            build = IncrementalBuild()
            build.take([note], T, config, [note.path])
            agenda = build.build([note], T, config, paths=[note.path])
            assert agenda == build_agenda([note], T, config, paths=[note.path])
            assert build.taken_as_read == (note.type is NoteType.APPLICATION)
            unstated = dataclasses.replace(note, last_contact=None)
            assert agenda.items != build_agenda([unstated], T, config, paths=[note.path]).items


def test_a_warning_computed_as_read_goes_when_another_note_s_log_reaches_the_note() -> None:
    """A follow-up too soon after the note's own last contact, as it reads alone: handed over
    first, its items and warning are computed then; another note's Log then records a contact
    with it on the follow-up's day, so the follow-up is done and the warning must go."""
    config = Config()
    note = Note("A/A.md", NoteType.APPLICATION, status="applied", applied=T - timedelta(30),
                follow_up=T - timedelta(1), log=(LogEntry(T - timedelta(2), "Called", 9),))
    other = Note("B/B.md", NoteType.CONTACT, status="active", log=(
        LogEntry(T - timedelta(1), "Talked about [[A]]", 9, (Link("A", is_wikilink=True),)),))
    paths = [note.path, other.path]
    alone = build_agenda([note], T, config, paths=paths)
    assert any("too soon" in problem.message for problem in alone.problems)
    build = IncrementalBuild()
    build.take([note], T, config, paths)
    build.take([other], T, config, paths)
    agenda = build.build([note, other], T, config, paths=paths)
    assert agenda == build_agenda([note, other], T, config, paths=paths)
    assert not any("too soon" in problem.message for problem in agenda.problems)
