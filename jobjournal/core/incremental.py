"""The incremental build: the same Agenda as `engine.build_agenda`, recomputing only what the
notes that changed since the previous build touch (docs/design.md, "The incremental build").

An `IncrementalBuild` is an object its owner holds and passes nowhere else: the watcher keeps one
for as long as it runs, and a one-shot command makes one for its single build (which then costs
what a build from scratch costs, with link and working-day answers remembered). It holds, for the
notes of its previous build:

- per note path: the notes its Log entries count as contact with (docs/rules.md, "Body: the Log
  and tasks"), those entries and the latest of their days; per target path, everything that counts
  as contact with it, its sorted contact log and its last contact;
- per note path: its items and warnings; all items kept sorted, each under its sort key and its
  place among its note's items (which is how a stable sort of the from-scratch build orders items
  with equal keys: they can only come from one note);
- the pipeline counts and what keep-searching needs (whether the search is over, the days of
  search activity), kept as counts updated note by note, and the insights, kept by an
  `insight_tally.InsightTally` from each note's facts (unless made with `insights=False`);
- the link index, with its answers remembered (a pure function of the paths it was made for),
  and the working days;
- the notes with a call missed at a time today: the time of day (`now`) changes nothing else,
  so the warnings about calls missed later than now are found among them at every build.

A note is recomputed when it is not the very object the previous build had for its path (notes
are frozen; the vault hands back the same Note for a file that did not change), or when what
counts as contact with it changed. Everything starts afresh when today, the follow-up settings,
the horizon, the working days or the set of paths (and so the link index) differ: each of those
can change any note's results. Notes sharing a path are built from scratch, every time.

tests/test_incremental.py drives an IncrementalBuild through random edits, renames, deletions and
days with a hypothesis state machine and compares every build with `engine.build_agenda`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from itertools import compress
from operator import is_not
from typing import TYPE_CHECKING

from jobjournal.config import CalendarConfig, Config
from jobjournal.core import engine, rules
from jobjournal.core.context import RuleContext, entry_key
from jobjournal.core.links import LinkIndex
from jobjournal.core.model import (
    Agenda,
    Item,
    Link,
    LogEntry,
    Note,
    NoteType,
    PipelineRow,
    Problem,
    reach_of,
)
from jobjournal.core.workdays import Workdays

if TYPE_CHECKING:
    from jobjournal.core.insight_tally import InsightTally
    from jobjournal.core.insights import NoteFacts

#: an item's place in the sorted items: its sort key, then its place among its note's items
_Key = tuple[int, date, str, str, str, int]
#: the notes a note's Log entries count as contact with: target path → (entries, latest day)
_Contributions = dict[str, tuple[list[LogEntry], date]]
#: what one note adds to the whole-vault counts: its pipeline cell, and whether it ended the
#: search and the day of its search activity
_Counted = tuple[tuple[NoteType, str] | None, bool, date | None]
#: what one note added to a build: its items' keys, its warnings, then what it counted
_Results = tuple[list[_Key], list[Problem], tuple[NoteType, str] | None, bool, date | None]


class _Early:
    """Notes counted toward a first build as they were read (see `IncrementalBuild.take`): what
    they were counted for (today, the settings, the paths), and per path the note, what it
    counted and, unless it is a contact note, its items with their keys, computed with the
    contacts known then (taken if its contacts turn out to be its own alone); the paths other
    notes' contacts touched (each note's last contact from its own Log is set as it is
    counted: only those are worked out again at the end)."""

    def __init__(self, given: tuple[object, ...], ctx: RuleContext) -> None:
        self.given = given
        self.ctx = ctx
        self.notes: dict[str, _Known] = {}
        self.touched: set[str] = set()


#: What one note counted as it was read: the note, its counts, and its items (see _Early).
_Known = tuple[Note, _Counted, list[tuple[_Key, Item]] | None]
#: The notes a first build is given, by path, and each with its path and what `take` counted
#: for it (None: not handed over), in their order.
_Given = tuple[dict[str, Note], list[tuple[Note, str, _Known | None]]]


def _given(notes: Sequence[Note], counted: Mapping[str, _Known]) -> _Given | None:
    """The notes by path, and each with what was counted for it; None when what was counted is
    not for these notes: a counted note not given, or given another object for its path, or
    twice. One pass over the notes, where telling that apart and indexing them took three:
    after a cold read of thousands of notes, each pass is milliseconds of memory waits."""
    by_path: dict[str, Note] = {}
    found: list[tuple[Note, str, _Known | None]] = []
    matched = 0
    for note in notes:
        path = note.path
        known = counted.get(path)
        if known is not None:
            if known[0] is not note:
                return None
            matched += 1
        by_path[path] = note
        found.append((note, path, known))
    return (by_path, found) if matched == len(counted) else None


class IncrementalBuild:
    """The previous build's intermediate results, kept for the next build (see the module).

    With `insights=False`, its agendas carry no insights (`Agenda.insights` is None) and no
    note's insight facts are worked out: for a caller that shows none (`agenda --json`)."""

    def __init__(self, *, insights: bool = True) -> None:
        self._with_insights = insights
        if insights:  # else never imported (a command that shows none starts quicker)
            from jobjournal.core.insight_tally import InsightTally
            from jobjournal.core.insights import note_facts

            self._new_tally: Callable[[date], InsightTally] = InsightTally
            self._note_facts: Callable[[Note, date], NoteFacts | None] = note_facts
        self._calendar: CalendarConfig | None = None
        self._workdays: Workdays | None = None
        self._paths: tuple[str, ...] | None = None
        self._links: LinkIndex | None = None
        self._generation: tuple[object, ...] | None = None
        #: how the last build went: "afresh" (nothing to keep: a first build, a new day, other
        #: settings or paths), "update" (only what changed recomputed), or "scratch" (notes
        #: sharing a path: `engine.build_agenda`)
        self.last = ""
        #: how many notes the last build took with their items computed as they were read
        #: (see `take`)
        self.taken_as_read = 0
        #: notes counted as they were read, for the first build (see `take`)
        self._early: _Early | None = None
        # the paths whose items were computed again since `take_recomputed` was last called;
        # None when a build since started afresh (every note's items are new)
        self._recomputed: set[str] | None = None
        self._reset()

    def take_recomputed(self) -> frozenset[str] | None:
        """The paths of the notes whose items were computed again (or removed) by the builds
        since the last call, and forget them; None when one of those builds started afresh or
        from scratch. A note not among them has the very Item objects it had (for a caller that
        follows the agenda note by note, as the board does)."""
        found, self._recomputed = self._recomputed, set()
        return None if found is None else frozenset(found)

    def _reset(self) -> None:
        self._notes: tuple[Note, ...] | None = None  # as the previous build was given them
        self._by_path: dict[str, Note] = {}
        # contacts: source path → its contributions; target → source → entries / latest day
        self._sources: dict[str, _Contributions] = {}
        self._incoming: dict[str, dict[str, list[LogEntry]]] = {}
        self._latest: dict[str, dict[str, date]] = {}
        self._contact_log = _ContactLog(self._incoming)
        self._last_contacts: dict[str, date] = {}
        # results: path → what the note added (see `_note_results`); all items sorted by key
        self._results: dict[str, _Results] = {}
        self._keys: list[_Key] = []
        self._items: list[Item] = []
        self._with_warnings: dict[str, list[Problem]] = {}
        # path → a call missed at a time today, which a time of day before it makes a typo
        self._missed_today: dict[str, Note] = {}
        self._problems_in: tuple[tuple[Problem, ...], tuple[Problem, ...]] | None = None
        self._problems_out: tuple[Problem, ...] = ()
        # whole-vault counts: pipeline cells, and what keep-searching needs
        self._cells: Counter[tuple[NoteType, str] | None] = Counter()
        self._pipeline: tuple[PipelineRow, ...] | None = None
        self._search_over = 0
        self._active_days: Counter[date] = Counter()
        self._tally: InsightTally | None = None  # made for the build's today
        # Agenda.reach: kept up to date note by note; a new table for the agenda whenever it
        # changed, since an agenda handed out must not change afterwards
        self._reach: dict[str, tuple[str | None, str | None]] = {}
        self._reach_out: dict[str, tuple[str | None, str | None]] | None = None

    def prepare(self, paths: Sequence[str], config: Config) -> None:
        """Make now what a build over these paths with this config will need: the link index and
        the working days (a command calls this while other processes still read the notes, so
        the build has less left to do). Changes no result."""
        self._workdays_for(config)
        self._links_for(tuple(paths))

    def take(
        self, notes: Sequence[Note], today: date, config: Config, paths: Sequence[str]
    ) -> None:
        """Count these notes, just read, toward a first build on `today` with `config` over
        `paths`: their contacts, what they add to the whole-vault counts, and the items and
        warnings of each note but contact notes, as they are with the contacts known so far.
        A command calls this as each chunk of notes arrives while other processes still read,
        so that the build has less left to do once all are read.

        Changes no result: `build` keeps what was counted only for the very notes it is given,
        when it is a first build for the same day, settings and paths (else it starts afresh);
        and keeps a note's items only when nothing but the note itself counts as contact with it
        (the rules read a note's contacts alone, and those were then all known when its items
        were computed). Contact notes are left to the build: other notes' Logs link them, so
        most could not keep them. Does nothing once a build was made (but one from scratch,
        after which nothing is kept)."""
        if self._notes is not None:
            return
        given = (today, config, paths)
        early = self._early
        if early is None or early.given != given:
            workdays = self._workdays_for(config)
            links = self._links_for(tuple(paths))
            self._reset()
            self._generation = (today, config.followup, config.agenda.horizon_days, workdays,
                                links)
            if self._with_insights:
                self._tally = self._new_tally(today)
            early = self._early = _Early(given, self._context(today, config))
        ctx, counted, touched = early.ctx, early.notes, early.touched
        for note in notes:
            path = note.path
            if path in counted:
                continue  # handed over again: counted once (the build keeps it only if it is
                # the note it is given for that path)
            self._add_contributions(note, ctx, touched, itself=False)
            self._own_last_contact(note, today)
            counts = self._note_counts(note, today)
            made = (None if note.type is NoteType.CONTACT
                    else self._note_items(note, ctx, counts))
            counted[path] = (note, counts, made)

    def build(
        self, notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
        problems: Sequence[Problem] = (), workdays: Workdays | None = None,
        now: datetime | None = None,
    ) -> Agenda:
        """What `engine.build_agenda` returns for the same arguments. `now` changes no note's
        results: the warnings about calls missed later than now are found at the end. A first
        build keeps what `take` counted beforehand for these very notes."""
        notes = tuple(notes)
        self.taken_as_read = 0
        if workdays is None:
            workdays = self._workdays_for(config)
        links = self._links_for(tuple(paths) if paths else tuple(note.path for note in notes))
        generation = (today, config.followup, config.agenda.horizon_days, workdays, links)
        early, self._early = self._early, None
        given: _Given | None = None
        if early is not None:
            if self._notes is None and generation == self._generation:
                given = _given(notes, early.notes)
            if given is None:
                early = None  # counted for another build, or for notes it is not given
                self._generation = None
        if generation != self._generation or self._notes is None:
            if early is None:
                self._reset()
            self._generation = generation
        if self._tally is None and self._with_insights:
            self._tally = self._new_tally(today)
        ctx = self._context(today, config, workdays)
        if self._notes is None:
            self.last = "afresh"
            self._recomputed = None
            if given is None:
                given = _given(notes, {})
                assert given is not None  # nothing counted: nothing to tell apart
            shared_path = len(given[0]) != len(notes)
            if not shared_path:
                self._first_build(given, ctx, early)
        else:
            self.last = "update"
            diff = self._diff(notes)
            shared_path = diff is None
            if diff is not None and (diff[0] or diff[1]):
                self._update(*diff, ctx)
        if shared_path:
            # the same path twice: nothing can be kept by path
            self._reset()
            self._generation = None
            self.last = "scratch"
            self._recomputed = None
            agenda = engine.build_agenda(notes, today, config, paths=paths, problems=problems,
                                         workdays=workdays, now=now)
            return agenda if self._with_insights else replace(agenda, insights=None)
        self._notes = notes
        return self._agenda(tuple(problems), ctx, now)

    def _context(
        self, today: date, config: Config, workdays: Workdays | None = None
    ) -> RuleContext:
        """The rules' context for a build on `today` with `config` (and `workdays`, else this
        build's): this build's contacts and the link index last made (`_links_for`)."""
        assert self._links is not None  # made before any context
        return RuleContext(
            today=today, followup=config.followup, horizon_days=config.agenda.horizon_days,
            workdays=self._workdays_for(config) if workdays is None else workdays,
            links=self._links, contact_log=self._contact_log, last_contacts=self._last_contacts,
        )

    # --- what changed ---------------------------------------------------------------------------

    def _diff(self, notes: tuple[Note, ...]) -> tuple[list[Note], list[str]] | None:
        """The notes that are not the previous build's object for their path, and the paths the
        previous build had that are gone; None when two notes share a path."""
        previous = self._notes
        assert previous is not None
        if len(previous) == len(notes):
            # the usual case, a few notes saved: compare object by object, in C
            at = list(compress(range(len(notes)), map(is_not, previous, notes)))
            if all(previous[n].path == notes[n].path for n in at):
                return [notes[n] for n in at], []
        known = self._by_path
        now = {note.path for note in notes}
        if len(now) != len(notes):
            return None
        return [note for note in notes if known.get(note.path) is not note], [
            path for path in known if path not in now
        ]

    def _update(self, changed: list[Note], removed: list[str], ctx: RuleContext) -> None:
        touched: set[str] = set()  # paths whose contacts changed
        for path in removed:
            self._forget_contributions(path, touched)
            del self._by_path[path]
        for note in changed:
            path = note.path
            if path in self._sources:
                self._forget_contributions(path, touched)
            self._by_path[path] = note
            self._add_contributions(note, ctx, touched)
        self._refresh_last_contacts(touched, ctx.today)
        for path in removed:
            self._forget_results(path)
            if self._with_insights:
                self._insights().set(path, None)
        by_path = self._by_path
        again = {note.path for note in changed} | touched
        if self._recomputed is not None:
            self._recomputed.update(again, removed)
        for path in again:
            current = by_path.get(path)
            if current is not None:
                self._forget_results(path)
                self._add_results(current, ctx)

    def _first_build(self, given: _Given, ctx: RuleContext, early: _Early | None) -> None:
        """Everything from nothing: the same as `_update` with every note new, in fewer steps,
        keeping what `take` counted for these very notes (`early`; `given` as `_given` found
        them). A note's items and warnings computed as it was counted are kept when nothing but
        the note itself counts as contact with it: its contacts were then all known when they
        were computed (its last contact was set from its own Log and `last_contact` just
        before)."""
        by_path, found = given
        touched = early.touched if early is not None else set()
        self._by_path = by_path
        if early is None or len(early.notes) != len(found):  # some were not handed over
            for note, _, known in found:
                if known is None:
                    self._add_contributions(note, ctx, touched)
        self._refresh_last_contacts(touched, ctx.today)
        pairs: list[tuple[_Key, Item]] = []
        incoming = self._incoming
        taken = 0
        for note, path, known in found:
            if known is None:
                pairs += self._note_results(note, ctx)
                continue
            _, counts, made = known
            if made is not None:
                sources = incoming.get(path)
                if sources is None or (len(sources) == 1 and path in sources):
                    pairs += made
                    taken += 1
                    continue
                self._with_warnings.pop(path, None)  # made for contacts it turned out not to have
            pairs += self._note_items(note, ctx, counts)
        self.taken_as_read = taken
        pairs.sort(key=_first)
        self._keys = [key for key, _ in pairs]
        self._items = [item for _, item in pairs]

    # --- contacts -------------------------------------------------------------------------------

    def _add_contributions(
        self, note: Note, ctx: RuleContext, touched: set[str], *, itself: bool = True
    ) -> None:
        """Count what the note's Log entries count as contact with, adding to `touched` every
        path whose contacts changed: the notes it links, and itself (unless not `itself`: the
        caller sets its last contact from its own Log)."""
        path = note.path
        contributions = _contributions(note, ctx.today, ctx.links)
        self._sources[path] = contributions
        for target, (entries, latest) in contributions.items():
            self._incoming.setdefault(target, {})[path] = entries
            self._latest.setdefault(target, {})[path] = latest
            if target != path:
                touched.add(target)
        if itself:
            touched.add(path)  # its own last_contact may have changed

    def _own_last_contact(self, note: Note, today: date) -> None:
        """Set the note's last contact as `_refresh_last_contacts` does when nothing but the
        note itself counts as contact with it (its contributions already counted)."""
        path = note.path
        itself = self._sources[path].get(path)
        own = None if itself is None else itself[1]
        stated = note.last_contact
        if stated is not None and stated <= today and (own is None or stated > own):
            own = stated
        if own is not None:
            self._last_contacts[path] = own

    def _forget_contributions(self, path: str, touched: set[str]) -> None:
        for target in self._sources.pop(path):
            incoming, latest = self._incoming[target], self._latest[target]
            del incoming[path], latest[path]
            if not incoming:
                del self._incoming[target], self._latest[target]
            touched.add(target)
        touched.add(path)

    def _refresh_last_contacts(self, touched: Iterable[str], today: date) -> None:
        """Each touched path's last contact: the latest day of what counts as contact with it,
        or its own `last_contact` when that is later (and not after today)."""
        for path in touched:
            self._contact_log.forget(path)
            note = self._by_path.get(path)
            by_source = self._latest.get(path)
            last = max(by_source.values()) if by_source else None
            own = note.last_contact if note is not None else None
            if own is not None and own <= today and (last is None or own > last):
                last = own
            if note is not None and last is not None:
                self._last_contacts[path] = last
            else:
                self._last_contacts.pop(path, None)

    # --- results --------------------------------------------------------------------------------

    def _note_results(self, note: Note, ctx: RuleContext) -> list[tuple[_Key, Item]]:
        """Compute one note's items and warnings and count it in the whole-vault counts; returns
        its items with their keys (not yet in the sorted items)."""
        return self._note_items(note, ctx, self._note_counts(note, ctx.today))

    def _note_counts(self, note: Note, today: date) -> _Counted:
        """Count one note in the whole-vault counts (what needs neither its contacts nor its
        items); returns what `_forget_results` takes back."""
        cell = engine.pipeline_cell(note)
        over, day = rules.search_activity(note)
        missed = note.missed_call
        if note.type is not None and isinstance(missed, datetime) and missed.date() == today:
            self._missed_today[note.path] = note
        self._cells[cell] += 1
        self._pipeline = None
        self._search_over += over
        if day is not None:
            self._active_days[day] += 1
        if self._with_insights:
            self._insights().set(note.path, self._note_facts(note, today))
        reach = reach_of(note)
        if reach is not None:
            self._reach[note.path] = reach
            self._reach_out = None
        return cell, over, day

    def _note_items(
        self, note: Note, ctx: RuleContext, counts: _Counted
    ) -> list[tuple[_Key, Item]]:
        """One note's items and warnings, kept with what it counted (`counts`); returns its
        items with their keys (not yet in the sorted items)."""
        items, warnings = engine.note_results(note, ctx)
        pairs = [((*engine.item_key(item), n), item) for n, item in enumerate(items)]
        self._results[note.path] = ([key for key, _ in pairs], warnings, *counts)
        if warnings:
            self._with_warnings[note.path] = warnings
            self._problems_in = None
        return pairs

    def _add_results(self, note: Note, ctx: RuleContext) -> None:
        keys, items = self._keys, self._items
        for key, item in self._note_results(note, ctx):
            at = bisect_left(keys, key)
            keys.insert(at, key)
            items.insert(at, item)

    def _forget_results(self, path: str) -> None:
        """Take back what `_note_results` and `_add_results` did for the note at `path` as the
        previous build had it (nothing when there was none)."""
        known = self._results.pop(path, None)
        if known is None:
            return
        note_keys, warnings, cell, over, day = known
        keys, items = self._keys, self._items
        for key in note_keys:
            at = bisect_left(keys, key)
            del keys[at], items[at]
        if warnings:
            del self._with_warnings[path]
            self._problems_in = None
        self._missed_today.pop(path, None)
        cells = self._cells
        cells[cell] -= 1
        if not cells[cell]:
            del cells[cell]
        self._pipeline = None
        self._search_over -= over
        if self._reach.pop(path, None) is not None:
            self._reach_out = None
        if day is not None:
            active = self._active_days
            active[day] -= 1
            if not active[day]:
                del active[day]

    def _agenda(
        self, problems: tuple[Problem, ...], ctx: RuleContext, now: datetime | None
    ) -> Agenda:
        items = self._items
        vault_item = rules.keep_searching_given(self._search_over > 0, self._active_days, ctx)
        if vault_item is None:
            shown = tuple(items)
        else:
            at = bisect_left(self._keys, (*engine.item_key(vault_item), 0))
            shown = (*items[:at], vault_item, *items[at:])
        later = () if now is None else tuple(
            problem for note in self._missed_today.values()
            if (problem := engine.missed_later_than_now(note, ctx.today, now)) is not None
        )
        if (problems, later) != self._problems_in:
            found = [*problems, *later]
            for warnings in self._with_warnings.values():
                found += warnings
            self._problems_out = tuple(sorted(found, key=engine.problem_key))
            self._problems_in = (problems, later)
        if self._pipeline is None:
            self._pipeline = engine.pipeline_of(self._cells)
        if self._reach_out is None:
            self._reach_out = dict(self._reach)
        return Agenda(ctx.today, shown, self._problems_out, self._pipeline, self._reach_out,
                      insights=self._insights().insights() if self._with_insights else None)

    def _insights(self) -> InsightTally:
        assert self._tally is not None  # made by `take` or `build` before any note is counted
        return self._tally

    # --- links and working days -----------------------------------------------------------------

    def _workdays_for(self, config: Config) -> Workdays:
        if self._workdays is None or self._calendar != config.calendar:
            self._calendar = config.calendar
            self._workdays = Workdays.from_config(config.calendar)
        return self._workdays

    def _links_for(self, paths: tuple[str, ...]) -> LinkIndex:
        if self._links is None or self._paths != paths:
            self._paths, self._links = paths, _MemoLinks(paths)
        return self._links


def _first(pair: tuple[_Key, Item]) -> _Key:
    return pair[0]


def _contributions(note: Note, today: date, links: LinkIndex) -> _Contributions:
    """The notes a note's Log entries count as contact with (itself, and every note a dated
    entry links), with those entries and the latest of their days; entries after today are not
    contact yet, and status records never are."""
    found: _Contributions = {}
    path = note.path
    for entry in note.log:
        day = entry.day
        if day > today or entry.records_status:
            continue
        targets = [path]
        for link in entry.links:
            target = links.resolve(link)
            if target is not None and target not in targets:
                targets.append(target)
        for target in targets:
            known = found.get(target)
            if known is None:
                found[target] = ([entry], day)
            else:
                known[0].append(entry)
                if day > known[1]:
                    found[target] = (known[0], day)
    return found


class _ContactLog(Mapping[str, tuple[LogEntry, ...]]):
    """RuleContext.contact_log, each note's sorted contacts made when first asked for: only a
    missed call needs them (the last contact, which most rules need, is kept apart). Sorting
    them all at once costs a new day's build 4.7 % more instructions."""

    def __init__(self, incoming: dict[str, dict[str, list[LogEntry]]]) -> None:
        self._incoming = incoming
        self._sorted: dict[str, tuple[LogEntry, ...]] = {}

    def __getitem__(self, path: str) -> tuple[LogEntry, ...]:
        try:
            return self._sorted[path]
        except KeyError:
            sources = self._incoming[path]  # KeyError: no contact with that note
            entries = [e for source in sorted(sources) for e in sources[source]]
            found = self._sorted[path] = tuple(sorted(entries, key=entry_key))
            return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._incoming)

    def __len__(self) -> int:
        return len(self._incoming)

    def forget(self, path: str) -> None:
        self._sorted.pop(path, None)


class _MemoLinks(LinkIndex):
    """A LinkIndex that remembers each answer: a vault links the same few people many times
    (a new day's build of 10,000 notes runs 3.4 % more instructions without it).

    Answers are kept by the link's target: what a wikilink resolves to, and the name it gives,
    depend on its target alone (its alias is never read); plain text resolves to nothing and
    names itself."""

    def __init__(self, paths: Iterable[str]) -> None:
        super().__init__(paths)
        self._resolved: dict[str, str | None] = {}
        self._names: dict[str, str | None] = {}

    def resolve(self, link: Link) -> str | None:
        if not link.is_wikilink:
            return None
        try:
            return self._resolved[link.target]
        except KeyError:
            path = self._resolved[link.target] = super().resolve(link)
            return path

    def person_name(self, link: Link | None) -> str | None:
        if link is None:
            return None
        if not link.is_wikilink:
            return super().person_name(link)
        try:
            return self._names[link.target]
        except KeyError:
            name = self._names[link.target] = super().person_name(link)
            return name
