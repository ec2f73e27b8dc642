"""Notes' items and warnings computed beforehand, where the notes were read (docs/design.md,
"Parallel reading"). Pure.

The rules read other notes only through a note's contacts: its contact log and its last contact
(`RuleContext.contacts`, `last_contact`). Most notes' contacts are their own Log entries alone,
since no other note's entry links them, and such a note's items and warnings are the same
whatever the other notes are. So a process that has just parsed a chunk of notes computes each
one's items and warnings as they are when its contacts are its own alone (`NotePass`); the
command hands each chunk, with what the pass gave, to its `IncrementalBuild` as it arrives
(`IncrementalBuild.take`, which counts the notes toward the first build while the other
processes still read), and the first build takes them for every note whose contacts turn out
to be its own alone, computing the others as usual: the same Agenda either way
(tests/test_incremental.py compares builds with and without them).

Contact notes are left to the build: they are the notes other notes' Logs link (the person
called), so most of them could not take what was computed beforehand.

What is computed depends on today, the follow-up settings, the horizon, the working days and
the paths links resolve among: `NotePass.made_for` says which, and a build for anything else
keeps none of it. It is never kept in the parse cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

from jobjournal.config import Config
from jobjournal.core import engine
from jobjournal.core.context import RuleContext, entry_key
from jobjournal.core.links import LinkIndex
from jobjournal.core.model import Item, LogEntry, Note, NoteType, Problem
from jobjournal.core.workdays import Workdays

#: one note's items and warnings, as they are when its contacts are its own alone
NoteAlone = tuple[list[Item], list[Problem]]


def made_for(today: date, config: Config, paths: Sequence[str]) -> tuple[object, ...]:
    """What a note's items and warnings depend on besides the note and its contacts."""
    return (today, config.followup, config.agenda.horizon_days, config.calendar, tuple(paths))


class NotePass:
    """Computes notes' items and warnings as they are when their contacts are their own alone,
    for a build on `today` with `config` over `paths`: a callable that may run in a forked
    process. `links` and `workdays` give the build's link index and working days, made where
    first needed."""

    def __init__(
        self, today: date, config: Config, paths: Sequence[str],
        links: Callable[[], LinkIndex], workdays: Callable[[], Workdays],
    ) -> None:
        self.made_for = made_for(today, config, paths)
        self.today = today
        self.config = config
        self.paths = tuple(paths)
        self._links = links
        self._workdays = workdays

    def __call__(self, notes: Sequence[Note]) -> list[NoteAlone | None]:
        """Each note's items and warnings, in the notes' order; None for a note left to the
        build (a contact note, or one whose computation failed: the build says what failed)."""
        today, config = self.today, self.config
        own = _OwnContacts()
        last: dict[str, date] = {}
        ctx = RuleContext(
            today=today, followup=config.followup, horizon_days=config.agenda.horizon_days,
            workdays=self._workdays(), links=self._links(), contact_log=own, last_contacts=last,
        )
        found: list[NoteAlone | None] = []
        for note in notes:
            if note.type is NoteType.CONTACT:
                found.append(None)
                continue
            try:
                latest = own.hold(note, today)
                last.clear()
                if latest is not None:
                    last[note.path] = latest
                found.append(engine.note_results(note, ctx))
            except Exception:  # noqa: BLE001 - left to the build, which says what failed
                found.append(None)
        return found


class _OwnContacts(Mapping[str, tuple[LogEntry, ...]]):
    """RuleContext.contact_log when one note's contacts are its own alone: its entries that
    count as contact (dated, not after today, not status records), sorted when a rule first
    asks, as the incremental build sorts them."""

    def __init__(self) -> None:
        self._path = ""
        self._entries: list[LogEntry] = []
        self._sorted: tuple[LogEntry, ...] | None = None

    def hold(self, note: Note, today: date) -> date | None:
        """From now on, the contacts of `note`; returns its last contact: the latest of them,
        or its own `last_contact` when that is later (and not after today)."""
        entries: list[LogEntry] = []
        latest: date | None = None
        for entry in note.log:
            day = entry.day
            if day <= today and not entry.records_status:
                entries.append(entry)
                if latest is None or day > latest:
                    latest = day
        self._path, self._entries, self._sorted = note.path, entries, None
        stated = note.last_contact
        if stated is not None and stated <= today and (latest is None or stated > latest):
            latest = stated
        return latest

    def __getitem__(self, path: str) -> tuple[LogEntry, ...]:
        if path != self._path or not self._entries:
            raise KeyError(path)
        if self._sorted is None:
            self._sorted = tuple(sorted(self._entries, key=entry_key))
        return self._sorted

    def __iter__(self) -> Iterator[str]:
        return iter([self._path] if self._entries else [])

    def __len__(self) -> int:
        return 1 if self._entries else 0
