"""Reuse between builds: what makes the watcher's rebuild after one saved note cost little.

`build_agenda` is a pure function of (notes, today, config); this module remembers the previous
build's intermediate results so the next one recomputes only what its changed inputs touch:

- per note path, trusted only for the very same Note object (notes are frozen, and VaultState
  hands back the same Note for a file that did not change): the notes its Log entries count as
  contact with (PRODUCT §2.2), with those entries and the latest of their days;
- per target path: its contacts (sorted on first use) and its last contact, recomputed only for
  the targets whose contributions changed, each such change bumping the target's version;
- per note path: its items and §3 warnings, keyed by (the same Note object, the version of its
  contacts), which is all a note's results depend on besides the build's generation;
- per build generation (today, follow-up settings, horizon, working days, link index): all of the
  above, started afresh whenever any of them differs; the link index is rebuilt when the set of
  paths changes and the working days when the calendar settings do;
- link resolutions and person names per Link, and `Workdays.add` per (day, n): pure functions of
  the paths and calendar they were built for.

Why it can never change output: every remembered value is a pure function of exactly the key it is
kept under, and anything that value depends on is part of that key, so a reused value is the one a
fresh computation would give. Notes sharing a path are never reused (each build of them starts and
ends afresh). tests/test_speed_paths.py compares reused builds with builds from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from datetime import date

from jobjournal.config import CalendarConfig, Config
from jobjournal.core.context import RuleContext, entry_key
from jobjournal.core.links import LinkIndex
from jobjournal.core.model import Item, Link, LogEntry, Note, Problem
from jobjournal.core.workdays import Workdays

#: one note's items and warnings, given the context (the engine's `_note_results`)
NoteResults = Callable[[Note, RuleContext], tuple[list[Item], list[Problem]]]


class _MemoLinks(LinkIndex):
    """A LinkIndex that remembers each answer: a vault links the same few people many times.

    Answers are kept by the link's target, whose hash a string keeps, rather than by the Link,
    whose hash is worked out anew each time: what a wikilink resolves to, and the name it
    gives, depend on its target alone (its alias is never read); plain text resolves to nothing
    and names itself."""

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


class _MemoWorkdays(Workdays):
    """Workdays that remember each `add`: rules add the same few gaps to the same dates."""

    def __init__(self, weekdays: tuple[str, ...], holidays: Container[date] = frozenset()) -> None:
        super().__init__(weekdays, holidays)
        self._added: dict[tuple[date, int], date] = {}

    def add(self, day: date, n: int) -> date:
        try:
            return self._added[day, n]
        except KeyError:
            result = self._added[day, n] = super().add(day, n)
            return result


class _ContactLog(Mapping[str, tuple[LogEntry, ...]]):
    """RuleContext.contact_log, each note's sorted contacts made when first asked for: only a
    missed call needs them (the last contact, which most rules need, is kept apart)."""

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


class Reuse:
    """The previous build's intermediate results, for the next build to reuse.

    Kept per note path and trusted only for the very same Note object (notes are frozen, and
    VaultState hands back the same Note for a file that did not change): which notes each
    note's Log entries count as contact with, each note's last contact, and each note's items
    and warnings with the version of its contacts they were computed from. A different today,
    follow-up settings, working days or set of paths starts afresh.
    """

    def __init__(self) -> None:
        self.calendar: CalendarConfig | None = None
        self.workdays: Workdays | None = None
        self.paths: tuple[str, ...] | None = None
        self.links: LinkIndex | None = None
        self.generation: tuple[object, ...] | None = None
        self._reset()

    def _reset(self) -> None:
        # path → (the note, {target path: (its Log entries that count as contact with the
        # target, the latest of their days)})
        self.sources: dict[str, tuple[Note, dict[str, tuple[list[LogEntry], date]]]] = {}
        self.incoming: dict[str, dict[str, list[LogEntry]]] = {}  # target → source → entries
        self.latest: dict[str, dict[str, date]] = {}  # target → source → latest day
        self.contact_log = _ContactLog(self.incoming)
        self.last_contacts: dict[str, date] = {}
        self.versions: dict[str, int] = {}  # of each note's contacts: bumped when they change
        # path → (note, version of its contacts, its items, its warnings)
        self.results: dict[str, tuple[Note, int, list[Item], list[Problem]]] = {}

    def build(
        self, notes: Sequence[Note], today: date, config: Config, paths: Sequence[str],
        problems: Sequence[Problem], workdays: Workdays | None, note_results: NoteResults,
    ) -> tuple[RuleContext, list[Item], list[Problem]]:
        """The context of this build and every note's items and warnings, after `problems`,
        each computed by `note_results` unless the previous build's still holds; what is left
        to the engine depends on the whole vault (keep-searching, sorting, the pipeline)."""
        if workdays is None:
            workdays = self._workdays(config)
        links = self._links(tuple(paths) if paths else tuple(note.path for note in notes))
        by_path = {note.path: note for note in notes}
        generation = (today, config.followup, config.agenda.horizon_days, workdays, links)
        reusable = len(by_path) == len(notes)  # the same path twice: nothing to reuse safely
        if not reusable or generation != self.generation:
            self._reset()
            self.generation = generation if reusable else None
        self._update_contacts(by_path, today, links)
        ctx = RuleContext(
            today=today,
            followup=config.followup,
            horizon_days=config.agenda.horizon_days,
            workdays=workdays,
            links=links,
            contact_log=self.contact_log,
            last_contacts=self.last_contacts,
        )
        items: list[Item] = []
        found = list(problems)
        known = self.results
        results: dict[str, tuple[Note, int, list[Item], list[Problem]]] = {}
        versions = self.versions
        for note in notes:
            path = note.path
            result = known.get(path)
            version = versions.get(path, 0)
            if result is None or result[0] is not note or result[1] != version:
                result = (note, version, *note_results(note, ctx))
            results[path] = result
            items += result[2]
            found += result[3]
        self.results = results
        if not reusable:
            self._reset()  # ctx keeps this build's contacts: resetting rebinds, never clears
        return ctx, items, found

    def prepare(self, paths: Sequence[str], config: Config) -> None:
        """Make now what a build over these paths with this config will need and can't change:
        the link index and the working days (see engine.prepare)."""
        self._workdays(config)
        self._links(tuple(paths))

    def _workdays(self, config: Config) -> Workdays:
        if self.workdays is None or self.calendar != config.calendar:
            self.calendar = config.calendar
            self.workdays = _MemoWorkdays.from_config(config.calendar)
        return self.workdays

    def _links(self, paths: tuple[str, ...]) -> LinkIndex:
        if self.links is None or self.paths != paths:
            self.paths, self.links = paths, _MemoLinks(paths)
        return self.links

    def _update_contacts(self, by_path: dict[str, Note], today: date, links: LinkIndex) -> None:
        """Bring the contacts and last contacts up to date with the notes that changed."""
        if not self.sources:
            self._first_contacts(by_path, today, links)
            return
        changed: set[str] = set()
        sources = self.sources
        for path in [path for path in sources if path not in by_path]:
            self._forget(path, changed)
        for path, note in by_path.items():
            known = sources.get(path)
            if known is not None and known[0] is note:
                continue
            if known is not None:
                self._forget(path, changed)
            contributions = _contributions(note, today, links)
            sources[path] = (note, contributions)
            for target, (entries, latest) in contributions.items():
                self.incoming.setdefault(target, {})[path] = entries
                self.latest.setdefault(target, {})[path] = latest
                changed.add(target)
            changed.add(path)  # its own last_contact may have changed
        versions = self.versions
        for target in changed:
            versions[target] = versions.get(target, 0) + 1
            self.contact_log.forget(target)
            latest_by_source = self.latest.get(target)
            if not latest_by_source:
                self.incoming.pop(target, None)
                self.latest.pop(target, None)
            target_note = by_path.get(target)
            days = list(latest_by_source.values()) if latest_by_source else []
            own = target_note.last_contact if target_note is not None else None
            if own is not None and own <= today:
                days.append(own)
            if target_note is not None and days:
                self.last_contacts[target] = max(days)
            else:
                self.last_contacts.pop(target, None)

    def _first_contacts(self, by_path: dict[str, Note], today: date, links: LinkIndex) -> None:
        """`_update_contacts` with nothing known yet (a first build): every note is new, so
        there is nothing to forget, and every version is 1."""
        sources, incoming, latest = self.sources, self.incoming, self.latest
        for path, note in by_path.items():
            contributions = _contributions(note, today, links)
            sources[path] = (note, contributions)
            for target, (entries, day) in contributions.items():
                incoming.setdefault(target, {})[path] = entries
                latest.setdefault(target, {})[path] = day
        self.versions = dict.fromkeys(by_path.keys() | latest.keys(), 1)
        last_contacts = self.last_contacts
        for path, note in by_path.items():
            by_source = latest.get(path)
            last = max(by_source.values()) if by_source else None
            own = note.last_contact
            if own is not None and own <= today and (last is None or own > last):
                last = own
            if last is not None:
                last_contacts[path] = last

    def _forget(self, path: str, changed: set[str]) -> None:
        _, contributions = self.sources.pop(path)
        for target in contributions:
            self.incoming.get(target, {}).pop(path, None)
            self.latest.get(target, {}).pop(path, None)
            changed.add(target)
        changed.add(path)


def _contributions(
    note: Note, today: date, links: LinkIndex
) -> dict[str, tuple[list[LogEntry], date]]:
    """The notes a note's Log entries count as contact with (itself, and every note a dated
    entry links: PRODUCT §2.2), with those entries and the latest of their days."""
    found: dict[str, tuple[list[LogEntry], date]] = {}
    path = note.path
    for entry in note.log:
        day = entry.day
        if day > today:
            continue  # not happened yet, as of today
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

