"""The rules engine: from notes and today to an Agenda (PRODUCT §3, §4.1). Pure: no clock, no I/O.

`build_agenda` builds one RuleContext (last contacts, links, working days), runs the rules of
`rules.py` on every note, adds the §3 warnings, and sorts everything into a deterministic Agenda.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from . import rules
from .config import Config, FollowupConfig
from .links import LinkIndex
from .model import (
    Agenda,
    Item,
    Kind,
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
            title=note.title if note else None,
            contact=self.contact_of(note) if note else None,
            text=text,
            why=why,
            warnings=warnings,
            at=at,
        )


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
    Deterministic: the same notes and today give the same Agenda, whatever their order."""
    ctx = make_context(notes, today, config, paths=paths, workdays=workdays)
    items: list[Item] = []
    found = list(problems)
    for note in notes:
        note_items = rules.note_items(note, ctx)
        if note.type is not None:
            found += note_warnings(note, ctx)
            too_often = calling_too_often(note, ctx)
            if too_often is not None:
                warning, problem = too_often
                note_items = [replace(i, warnings=(*i.warnings, warning)) for i in note_items]
                found.append(problem)
        items += note_items
    vault_item = rules.keep_searching(notes, ctx)
    if vault_item is not None:
        items.append(vault_item)
    return Agenda(
        today=today,
        items=tuple(sorted(items, key=Item.sort_key)),
        problems=tuple(sorted(found, key=_problem_key)),
        pipeline=pipeline(notes),
    )


def _problem_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path or "", problem.line or 0, problem.severity.value, problem.message)


def calling_too_often(note: Note, ctx: RuleContext) -> tuple[str, Problem] | None:
    """§3 warning: three or more of the note's own Log entries within min_gap_workdays workdays
    (the last before the first + min_gap), the latest of them in the last 30 days. Returns the
    warning for the note's items and the problem at the line of the latest entry."""
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
