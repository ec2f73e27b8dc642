"""Before every regeneration: apply what the user did in the notes jobjournal writes
(docs/design.md, "Ticking the agenda").

`apply_user_edits` is the one step that `agenda`, `watch`, the git hooks, the agenda's merge
driver and `git sync` all take before they build the agenda. Today it reads the agenda note:
the items the user ticked, cancelled or typed inline fields on are applied to their notes
(edit/ticks.py); a line that can't be applied is carried over into the next agenda. Then it
reads the pipeline board: a card the user moved to another lane sets its note's status
(vault/board_note.py), and what it could not apply is a problem for the agenda.

Nothing is lost and nothing is applied twice: the whole step holds the vault's agenda lock, and
the lines applied are taken out of the agenda note before the lock is let go, so a second
process (a watcher, a hook) finds them gone. A line is never applied to another note than its
item's: one whose id matches no current item, whose note can't be edited (broken front matter,
conflict markers, a read-only file), or that holds a bad value, is carried over (still marked,
with the day it was first read) under the agenda's Problems, with the reason, until it can be
applied or the user removes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import unquote

from jobjournal.config import Config
from jobjournal.core.model import Agenda, CarriedLine, Item, Problem
from jobjournal.core.ticks import LINE_BREAK, MarkedLine, read_marked_lines
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault import agenda_note
from jobjournal.vault.locks import agenda_lock

#: Why a line is carried over when its id names no item of the agenda.
NO_ITEM = ("it matches no item of this agenda (the note changed, moved or is gone, or the item "
           "is done): remove this line, or undo what changed")


@dataclass(frozen=True)
class UserEdits:
    """What applying the user's edits of generated notes gave, for the agenda built next."""

    #: problems to show under the agenda's Problems (besides the carried lines)
    problems: tuple[Problem, ...] = ()
    #: the marked lines that could not be applied: shown under Problems, still marked
    carried: tuple[CarriedLine, ...] = ()
    #: item id → a mark the user gave its line that applies nothing (`/`, `>`…): kept on it
    marks: Mapping[str, str] = field(default_factory=dict)
    #: what was changed, one line each: "Interviews/Acme.md: thank_you: 2026-12-03"
    applied: tuple[str, ...] = ()
    #: the notes written, vault-relative
    edited: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Whether the next agenda depends on these edits (and not on the notes alone)."""
        return bool(self.problems or self.carried or self.marks)

    def onto(self, agenda: Agenda) -> Agenda:
        """`agenda` with these edits shown: the carried lines and the problems under Problems,
        the marks on their lines; the item of a carried line is not shown a second time."""
        if not self.shown:
            return agenda
        from jobjournal.core.engine import problem_key

        carried_ids = {line.id for line in self.carried}
        items = agenda.items
        if carried_ids:
            items = tuple(item for item in items if item.id not in carried_ids)
        problems = agenda.problems
        if self.problems:
            problems = tuple(sorted((*problems, *self.problems), key=problem_key))
        return replace(agenda, items=items, problems=problems, carried=self.carried,
                       marks={**agenda.marks, **self.marks})


def apply_user_edits(
    root: Path, config: Config, today: date, now: datetime | None = None, *,
    current: Callable[[], Agenda] | None = None,
) -> UserEdits:
    """Apply what the user did in the agenda note and on the pipeline board to their notes (see
    the module's docstring); return what the next agenda must show of it. The board's moved
    cards (vault/board_note.py) come after the agenda's lines, whose items `current()` found in
    the notes as they were."""
    edits = _apply_agenda_edits(root, config, today, now, current=current)
    from jobjournal.vault.board_note import apply_board_moves

    moved = apply_board_moves(root, config, now if now is not None else today)
    if not (moved.edited or moved.problems):
        return edits
    return replace(edits, problems=(*edits.problems, *moved.problems),
                   applied=(*edits.applied, *moved.applied),
                   edited=tuple(sorted({*edits.edited, *moved.edited})))


def _apply_agenda_edits(
    root: Path, config: Config, today: date, now: datetime | None = None, *,
    current: Callable[[], Agenda] | None = None,
) -> UserEdits:
    """Apply what the user did in the agenda note to their notes (see the module's docstring);
    return what the next agenda must show of it. `now` is the clock's time, for the time of day
    of a call returned today (None: the Log entry has the day only). `current()` gives the
    agenda of the vault as it is, to find the items the lines name (default: read the vault
    and build it); it is called only when some line asks for a change.

    Cheap when there is nothing to apply: it reads the agenda note, and nothing else. Raises
    JobJournalError only where writing the agenda would (a refused agenda path)."""
    path = agenda_note.agenda_file(root, config.agenda.path)
    lines = _marked_lines(path)
    if not any(line.to_apply for line in lines) or agenda_note.read_only(path):
        # (a read-only agenda note can't be written: what it asks waits until it can be)
        return UserEdits(marks=_marks(lines))
    with agenda_lock(root):
        # read again, holding the lock: another process may have applied them meanwhile
        lines = _marked_lines(path)
        if not any(line.to_apply for line in lines):
            return UserEdits(marks=_marks(lines))
        agenda = (current or (lambda: _current(root, config, today, now)))()
        items = {item.id: item for item in agenda.items if item.id is not None}
        broken = {p.path: p.message for p in reversed(agenda.problems) if p.is_error and p.path}
        done = _Applier(root, config, today, now, items, broken)
        for line in lines:
            done.apply(line)
        if done.applied_lines:
            _take_out(path, config.agenda.path, done.applied_lines)
    marks = {line.id: line.mark for line in lines
             if not line.to_apply and line.mark != " " and line.id in items}
    return UserEdits(carried=tuple(done.carried), marks=marks, applied=tuple(done.applied),
                     edited=tuple(sorted(set(done.edited))))


def _marks(lines: list[MarkedLine]) -> dict[str, str]:
    return {line.id: line.mark for line in lines if not line.to_apply and line.mark != " "}


def _marked_lines(path: Path) -> list[MarkedLine]:
    """The item lines of the agenda note's generated part; none when it can't be read (writing
    it will say why)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return read_marked_lines(agenda_note.generated_part(text))


def _current(root: Path, config: Config, today: date, now: datetime | None) -> Agenda:
    """The agenda of the vault as it is now, read through the parse cache."""
    from jobjournal.core.incremental import IncrementalBuild
    from jobjournal.vault.cache import load_cached_vault

    vault = load_cached_vault(root, config)
    # its items and problems are what is looked at: no insights
    return IncrementalBuild(insights=False).build(vault.notes, today, config, paths=vault.paths,
                                                  problems=vault.problems, now=now)


class _Applier:
    """Applies the marked lines of one agenda, one after another."""

    def __init__(self, root: Path, config: Config, today: date, now: datetime | None,
                 items: Mapping[str, Item], broken: Mapping[str, str]) -> None:
        self.root, self.config, self.today, self.now, self.items = root, config, today, now, items
        self.broken = broken  # the notes that can't be read: path → why
        self.carried: list[CarriedLine] = []
        self.applied: list[str] = []
        self.edited: list[str] = []
        self.applied_lines: set[str] = set()  # their text: taken out of the agenda note
        self._done: set[tuple[str, str]] = set()

    def carry(self, line: MarkedLine, reason: str) -> None:
        self.carried.append(CarriedLine(line.dated(self.today), reason, line.id))

    def apply(self, line: MarkedLine) -> None:
        if not line.to_apply:
            return
        key = (line.id, line.text.strip())
        if key in self._done:  # the same line twice (both sides of a merge kept it)
            self.applied_lines.add(line.text)
            return
        item = self.items.get(line.id)
        if item is None or item.note is None:
            note = _note_of(line.text)
            if note is not None and note in self.broken:  # unreadable now: it has no items
                self.carry(line, f"{note} can't be read ({self.broken[note]}): it is applied "
                           "once the note is fixed")
            else:
                self.carry(line, NO_ITEM)
            return
        rel = item.note
        file = self.root / rel
        if agenda_note.read_only(file):
            self.carry(line, f"{rel} is read-only: make it writable (chmod u+w) and it is "
                       "applied on the next run")
            return
        from jobjournal.edit.editor import decode_note
        from jobjournal.edit.ticks import LineRefused, apply_line
        from jobjournal.vault.atomic import edit_file

        day = line.done if line.done is not None and line.done <= self.today else self.today
        at = _time_of(self.now) if self.now is not None and self.now.date() == day else None
        changes: list[str] = []

        def change(data: bytes) -> bytes:
            text, made = apply_line(
                decode_note(data), rel, line, item, day, at,
                tasks_from_all=self.config.vault.tasks_from == "all",
                zone=self.config.calendar.timezone)
            changes[:] = made
            return text.encode("utf-8")

        try:
            written = edit_file(file, rel, change)
        except LineRefused as exc:
            self.carry(line, str(exc))
            return
        except RefusalError as exc:
            self.carry(line, f"{exc.message}; it is applied once the note can be edited")
            return
        except JobJournalError as exc:
            self.carry(line, exc.message)
            return
        self._done.add(key)
        self.applied_lines.add(line.text)
        self.applied += [f"{rel}: {what}" for what in changes]
        if written:
            self.edited.append(rel)


#: The note an item line links first, after its checkbox (and an appointment's time).
_NOTE_LINK = re.compile(r"^\s*[-*+]\s+\[.\]\s+(?:\*\*\d\d:\d\d\*\*\s+)?"
                        r"(?:\[\[([^\]|#^]+)|\[[^\]]*\]\(([^)\s]+)\))")


def _note_of(text: str) -> str | None:
    """The path of the note an item line links first, as jobjournal wrote it (None: none)."""
    found = _NOTE_LINK.match(text)
    if found is None:
        return None
    return f"{found[1]}.md" if found[1] is not None else unquote(found[2])


def _time_of(now: datetime) -> time:
    """The time of day a Log entry gets: to the minute, as `jobjournal log` writes it."""
    return now.time().replace(second=0, microsecond=0)


def _take_out(path: Path, relpath: str, applied: set[str]) -> None:
    """Take the applied lines (and the lines below each that belong to it, indented deeper)
    out of the agenda note's generated part, holding the agenda lock: once applied, no other
    process may find them there."""

    def without(block: str) -> str:
        kept: list[str] = []
        dropping: int | None = None  # the indentation of the line taken out
        for line in LINE_BREAK.split(block):
            indent = len(line) - len(line.lstrip(" \t"))
            if dropping is not None and line.strip() and indent > dropping:
                continue
            dropping = None
            if line in applied:
                dropping = indent
                continue
            kept.append(line)
        return "\n".join(kept)

    agenda_note.rewrite_generated_part(path, relpath, without)
