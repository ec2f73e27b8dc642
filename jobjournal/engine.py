"""The rules engine: from notes and today to an Agenda (PRODUCT §3, §4.1). Pure: no clock, no I/O.

`build_agenda` builds one RuleContext (last contacts, links, working days), runs the rules of
`rules.py` on every note, adds the §3 warnings, and sorts everything into a deterministic Agenda.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from . import rules
from .config import CalendarConfig, Config, FollowupConfig
from .links import LinkIndex
from .model import (
    Agenda,
    Item,
    Kind,
    Link,
    LogEntry,
    Note,
    NoteType,
    PipelineRow,
    Problem,
    Section,
    Severity,
    day_of,
)
from .workdays import Workdays

#: PRODUCT §4.1: kinds that always go to one section, whatever their due date.
FIXED_SECTIONS: Mapping[Kind, Section] = {
    Kind.CALL_BACK: Section.CALL_BACK,
    Kind.GATHER_INFO: Section.NEEDS_INFO,
    Kind.ASK_DECISION_DATE: Section.NEEDS_INFO,
    Kind.ASK_NEW_DATE: Section.NEEDS_INFO,
    Kind.KEEP_SEARCHING: Section.NEEDS_INFO,
}
#: PRODUCT §3 warnings: "calling too often" looks at contacts whose latest is this recent (today
#: included), so an old burst of calls stops nagging.
TOO_OFTEN_RECENT_DAYS = 30
TOO_OFTEN_COUNT = 3


def section_for(kind: Kind, due: date, today: date, horizon_days: int) -> Section:
    """PRODUCT §4.1: where an item goes — fixed by its kind, else `waiting` for a decision
    follow-up not yet due, else by its due date relative to today and the horizon."""
    if kind in FIXED_SECTIONS:
        return FIXED_SECTIONS[kind]
    if kind is Kind.DECISION_FOLLOW_UP and due > today:
        return Section.WAITING
    if due < today:
        return Section.OVERDUE
    if due == today:
        return Section.TODAY
    if due <= today + timedelta(days=horizon_days):
        return Section.UPCOMING
    return Section.LATER


@dataclass(frozen=True)
class RuleContext:
    """What every rule may read besides its note: today, settings, and who was contacted when."""

    today: date
    followup: FollowupConfig
    horizon_days: int
    workdays: Workdays
    links: LinkIndex
    #: per note path: its own Log entries and those of other notes linking it, not after today
    contact_log: Mapping[str, tuple[LogEntry, ...]]
    #: per note path: L, the last contact (Log or incoming link, or `last_contact` if later)
    last_contacts: Mapping[str, date]

    def contacts(self, note: Note) -> tuple[LogEntry, ...]:
        return self.contact_log.get(note.path, ())

    def last_contact(self, note: Note) -> date | None:
        return self.last_contacts.get(note.path)

    def contact_of(self, note: Note) -> str | None:
        """PRODUCT §2.1: the title of the person to contact about a note, when one is known."""
        return self.links.person_name(note.person)

    def item(
        self, kind: Kind, due: date, note: Note | None, *, text: str, why: str,
        warnings: tuple[str, ...] = (), at: time | None = None,
    ) -> Item:
        """An item of `note` (None: the whole vault), placed in its section."""
        return Item(
            kind=kind,
            due=due,
            section=section_for(kind, due, self.today, self.horizon_days),
            note=note.path if note else None,
            title=_title(note.path) if note else None,
            contact=self.contact_of(note) if note else None,
            text=text,
            why=why,
            warnings=warnings,
            at=at,
        )


def _title(path: str) -> str:
    """Note.title, without a PurePosixPath for the usual path."""
    name = path.rpartition("/")[2]
    if name in ("", "."):
        return PurePosixPath(path).name[: -len(".md")]
    return name[: -len(".md")]


def make_context(
    notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
    workdays: Workdays | None = None,
) -> RuleContext:
    """The RuleContext of one build: links and last contacts computed once for all notes."""
    links = LinkIndex(paths or [note.path for note in notes])
    log: dict[str, list[LogEntry]] = defaultdict(list)
    for note in notes:
        for entry in note.log:
            if entry.day > today:
                continue  # not happened yet, as of today
            log[note.path].append(entry)
            # "a dated entry that links a person also counts as contact for that person's note"
            targets = {links.resolve(link) for link in entry.links} - {None, note.path}
            for target in sorted(t for t in targets if t is not None):
                log[target].append(entry)
    contact_log = {path: tuple(sorted(entries, key=_entry_key)) for path, entries in log.items()}
    last_contacts: dict[str, date] = {}
    for note in notes:
        days = [entry.day for entry in contact_log.get(note.path, ())]
        if note.last_contact is not None and note.last_contact <= today:
            days.append(note.last_contact)
        if days:
            last_contacts[note.path] = max(days)
    return RuleContext(
        today=today,
        followup=config.followup,
        horizon_days=config.agenda.horizon_days,
        workdays=workdays or Workdays.from_config(config.calendar),
        links=links,
        contact_log=contact_log,
        last_contacts=last_contacts,
    )


def _entry_key(entry: LogEntry) -> tuple[date, time, int, str]:
    at = entry.when.time() if isinstance(entry.when, datetime) else time.min
    return (entry.day, at, entry.line, entry.text)


def build_agenda(
    notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
    problems: Sequence[Problem] = (), workdays: Workdays | None = None,
) -> Agenda:
    """PRODUCT §3–§4.1: every item due (or waited for) as of `today`, in section order, with the
    vault's reading `problems` and the §3 warnings, and the pipeline counts.
    Deterministic: the same notes and today give the same Agenda, whatever their order.

    What the previous build computed is reused where its inputs did not change (`_Reuse`), so a
    watcher's rebuild after one saved note costs little; the result is the same as from scratch.
    """
    with _REUSE_LOCK:
        return _REUSE.build(notes, today, config, paths, problems, workdays)


def _note_results(note: Note, ctx: RuleContext) -> tuple[list[Item], list[Problem]]:
    """One note's items and warnings (§3), the part of a build that depends on that note alone,
    given its contacts and the context."""
    note_items = rules.note_items(note, ctx)
    found: list[Problem] = []
    if note.type is not None:
        found += note_warnings(note, ctx)
        too_often = calling_too_often(note, ctx)
        if too_often is not None:
            warning, problem = too_often
            note_items = [replace(i, warnings=(*i.warnings, warning)) for i in note_items]
            found.append(problem)
    return note_items, found


def _assemble(
    notes: Sequence[Note], ctx: RuleContext, items: list[Item], found: list[Problem]
) -> Agenda:
    vault_item = rules.keep_searching(notes, ctx)
    if vault_item is not None:
        items.append(vault_item)
    return Agenda(
        today=ctx.today,
        items=tuple(sorted(items, key=_item_key)),
        problems=tuple(sorted(found, key=_problem_key)),
        pipeline=pipeline(notes),
    )


_SECTION_ORDER = {section: section.order for section in Section}


def _item_key(item: Item) -> tuple[int, date, str, str, str]:
    """Item.sort_key, without looking the section's place up each time."""
    return (_SECTION_ORDER[item.section], item.due, item.note or "", item.kind.value, item.text)


class _MemoLinks(LinkIndex):
    """A LinkIndex that remembers each answer: a vault links the same few people many times.

    Built without a PurePosixPath per note: a file name is what follows the last `/`, except for
    the odd path ending in `/` or `/.`, which goes through PurePosixPath as in LinkIndex.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        by_name: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            stem = path[:-3] if path.lower().endswith(".md") else path
            name = stem.rpartition("/")[2]
            if name in ("", "."):
                name = PurePosixPath(stem).name
            by_name[name.lower()].append(path)
        for candidates in by_name.values():
            candidates.sort(key=lambda p: (len(p), p))
        self._by_name = by_name
        self._resolved: dict[Link, str | None] = {}
        self._names: dict[Link, str | None] = {}

    def resolve(self, link: Link) -> str | None:
        try:
            return self._resolved[link]
        except KeyError:
            path = self._resolved[link] = super().resolve(link)
            return path

    def person_name(self, link: Link | None) -> str | None:
        if link is None:
            return None
        try:
            return self._names[link]
        except KeyError:
            name = self._names[link] = super().person_name(link)
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
            found = self._sorted[path] = tuple(sorted(entries, key=_entry_key))
            return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._incoming)

    def __len__(self) -> int:
        return len(self._incoming)

    def forget(self, path: str) -> None:
        self._sorted.pop(path, None)


class _Reuse:
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
        problems: Sequence[Problem], workdays: Workdays | None,
    ) -> Agenda:
        if workdays is None:
            if self.workdays is None or self.calendar != config.calendar:
                self.calendar = config.calendar
                self.workdays = _MemoWorkdays.from_config(config.calendar)
            workdays = self.workdays
        link_paths = tuple(paths) if paths else tuple(note.path for note in notes)
        if self.links is None or self.paths != link_paths:
            self.paths, self.links = link_paths, _MemoLinks(link_paths)
        by_path = {note.path: note for note in notes}
        generation = (today, config.followup, config.agenda.horizon_days, workdays, self.links)
        reusable = len(by_path) == len(notes)  # the same path twice: nothing to reuse safely
        if not reusable or generation != self.generation:
            self._reset()
            self.generation = generation if reusable else None
        self._update_contacts(by_path, today, self.links)
        ctx = RuleContext(
            today=today,
            followup=config.followup,
            horizon_days=config.agenda.horizon_days,
            workdays=workdays,
            links=self.links,
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
                result = (note, version, *_note_results(note, ctx))
            results[path] = result
            items += result[2]
            found += result[3]
        self.results = results
        agenda = _assemble(notes, ctx, items, found)
        if not reusable:
            self._reset()
        return agenda

    def _update_contacts(self, by_path: dict[str, Note], today: date, links: LinkIndex) -> None:
        """Bring the contacts and last contacts up to date with the notes that changed."""
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


_REUSE = _Reuse()
_REUSE_LOCK = threading.Lock()


def _problem_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path or "", problem.line or 0, problem.severity.value, problem.message)


def calling_too_often(note: Note, ctx: RuleContext) -> tuple[str, Problem] | None:
    """§3 warning: three or more of the note's own Log entries within min_gap_workdays workdays
    (the last before the first + min_gap), the latest of them in the last 30 days. Returns the
    warning for the note's items and the problem at the line of the latest entry."""
    if len(note.log) < TOO_OFTEN_COUNT:
        return None
    gap = ctx.followup.min_gap_workdays
    entries = sorted((e for e in note.log if e.day <= ctx.today), key=_entry_key)
    recent = ctx.today - timedelta(days=TOO_OFTEN_RECENT_DAYS - 1)
    first = 0
    burst: tuple[LogEntry, LogEntry, int] | None = None
    for last, entry in enumerate(entries):
        while first < last and entry.day >= ctx.workdays.add(entries[first].day, gap):
            first += 1
        if last - first + 1 >= TOO_OFTEN_COUNT and entry.day >= recent:
            burst = (entries[first], entry, last - first + 1)
    if burst is None:
        return None
    start, end, count = burst
    warning = f"calling too often: {count} contacts between {start.day} and {end.day}"
    wait = ctx.workdays.add(end.day, gap)
    problem = Problem(
        note.path, end.line, Severity.WARNING,
        f"{warning}; don't appear anxious: give it time to play out and don't call again "
        f"before {wait}",
    )
    return warning, problem


def note_warnings(note: Note, ctx: RuleContext) -> list[Problem]:
    """§3 warnings as problems: a past interview still `scheduled`; a follow-up too soon."""
    found: list[Problem] = []
    if (note.type is NoteType.INTERVIEW and note.date is not None and note.status == "scheduled"
            and day_of(note.date) < ctx.today):
        found.append(Problem(
            note.path, note.line_of("status"), Severity.WARNING,
            f"the interview on {day_of(note.date)} is over but its status is still scheduled: "
            "set status to completed (or to what happened)",
        ))
    too_soon = rules.follow_up_too_soon(note, ctx)
    if too_soon is not None:
        earliest = ctx.workdays.add(ctx.last_contacts[note.path], ctx.followup.min_gap_workdays)
        found.append(Problem(
            note.path, note.line_of("follow_up"), Severity.WARNING,
            f"follow_up {note.follow_up} is {too_soon}: don't call too often — "
            f"move it to {earliest} or later",
        ))
    return found


def pipeline(notes: Iterable[Note]) -> tuple[PipelineRow, ...]:
    """How many jobjournal notes there are of each type and status ("" for none)."""
    counts = Counter((note.type, note.status or "") for note in notes if note.type is not None)
    order = list(NoteType)
    return tuple(
        PipelineRow(type_, status, count)
        for (type_, status), count in sorted(counts.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                             kv[0][1]))
    )
