"""The RuleContext: what every rule may read besides its note (docs/rules.md). Pure.

Today, the follow-up settings, working days, links, and who was contacted when; `section_for`
places an item in its section (docs/rules.md, "Sections"). `make_context` builds one from
scratch; an `incremental.IncrementalBuild` builds the same context piece by piece.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jobjournal.config import Config, FollowupConfig
from jobjournal.core.links import LinkIndex
from jobjournal.core.model import Item, Kind, LogEntry, Note, Section, file_name, item_id
from jobjournal.core.workdays import Workdays

#: Kinds that always go to one section, whatever their due date.
FIXED_SECTIONS: Mapping[Kind, Section] = {
    Kind.CALL_BACK: Section.CALL_BACK,
    Kind.GATHER_INFO: Section.NEEDS_INFO,
    Kind.ASK_DECISION_DATE: Section.NEEDS_INFO,
    Kind.ASK_NEW_DATE: Section.NEEDS_INFO,
    Kind.MOVE_ON: Section.NEEDS_INFO,
    Kind.KEEP_SEARCHING: Section.NEEDS_INFO,
}


def section_for(kind: Kind, due: date, today: date, horizon_days: int) -> Section:
    """Where an item goes (docs/rules.md, "Sections"): fixed by its kind, else `waiting` for a
    decision follow-up not yet due, else by its due date relative to today and the horizon."""
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
    #: and not status records
    contact_log: Mapping[str, tuple[LogEntry, ...]]
    #: per note path: L, the last contact (Log or incoming link, or `last_contact` if later)
    last_contacts: Mapping[str, date]

    def contacts(self, note: Note) -> tuple[LogEntry, ...]:
        return self.contact_log.get(note.path, ())

    def last_contact(self, note: Note) -> date | None:
        return self.last_contacts.get(note.path)

    def contact_of(self, note: Note) -> str | None:
        """The title of the person to contact about a note, when one is known."""
        return self.links.person_name(note.person)

    def contact_note_of(self, note: Note) -> str | None:
        """The path of the note of the person to contact about a note, when the link resolves."""
        person = note.person
        return self.links.resolve(person) if person is not None else None

    def item(
        self, kind: Kind, due: date, note: Note | None, *, text: str, why: str,
        warnings: tuple[str, ...] = (), at: time | None = None, source: str = "", nth: int = 1,
    ) -> Item:
        """An item of `note` (None: the whole vault), placed in its section, with its stable id
        made from the note's path, its kind and its `source` (the `nth` of the note's items
        with that kind and source: see model.item_id)."""
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
            contact_note=self.contact_note_of(note) if note else None,
            company=note.company if note else None,
            role=note.role if note else None,
            id=item_id(note.path, kind, source, nth) if note else None,
        )


def _title(path: str) -> str:
    """Note.title, from a path alone."""
    return file_name(path)[: -len(".md")]


def make_context(
    notes: Sequence[Note], today: date, config: Config, *, paths: Sequence[str] = (),
    workdays: Workdays | None = None,
) -> RuleContext:
    """The RuleContext of one build: links and last contacts computed once for all notes."""
    links = LinkIndex(paths or [note.path for note in notes])
    log: dict[str, list[LogEntry]] = defaultdict(list)
    for note in notes:
        for entry in note.log:
            if entry.day > today or entry.records_status:
                continue  # not happened yet, as of today; or no contact at all
            log[note.path].append(entry)
            # "a dated entry that links a person also counts as contact for that person's note"
            targets = {links.resolve(link) for link in entry.links} - {None, note.path}
            for target in sorted(t for t in targets if t is not None):
                log[target].append(entry)
    contact_log = {path: tuple(sorted(entries, key=entry_key)) for path, entries in log.items()}
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




def entry_key(entry: LogEntry) -> tuple[date, time, int, str]:
    at = entry.when.time() if isinstance(entry.when, datetime) else time.min
    return (entry.day, at, entry.line, entry.text)

