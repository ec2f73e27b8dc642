"""`Pipeline.md` on disk: the cards the user moved become statuses, the board is written, and
the board jobjournal wrote last is remembered outside the vault (docs/design.md, "The
remembered board").

Every regeneration calls `apply_board_moves` before it reads the notes, as a part of
`apply_user_edits` (a moved card changes its note's status, through the byte-exact editor, with
a `status:` record in the Log), and `write_board` after it computed the agenda. `read_changes`
is the read-only half, for `check`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jobjournal.config import Config
from jobjournal.core.board import (
    BoardMaker,
    Card,
    Move,
    board_moves,
    board_text,
    lane_of,
    read_board,
)
from jobjournal.core.links import LinkIndex
from jobjournal.core.model import Item, Note, NoteType, Problem, Severity
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault.agenda_note import Written, agenda_file, signature, signature_of
from jobjournal.vault.atomic import atomic_write, edit_file
from jobjournal.vault.cache import cache_files
from jobjournal.vault.locks import agenda_lock


def board_file(root: Path, relpath: str) -> Path:
    """The real path of the board, refused where an agenda note would be (outside the vault, in
    a hidden folder, not a `.md` file)."""
    try:
        return agenda_file(root, relpath)
    except RefusalError as exc:
        raise RefusalError(exc.message.replace("agenda path", "board path").replace(
            "[agenda] path", "[board] path")) from None


def memory_file(root: Path) -> Path | None:
    """Where the board jobjournal last wrote for this vault is kept: beside its cache, outside
    the vault (None when the cache folder would lie inside it)."""
    files = cache_files(root)
    return None if files is None else files[0].with_name(
        files[0].name.replace(".notes.pickle", ".board.md"))


def _read_text(path: Path | None) -> str | None:
    """A file's text; None when it is missing, empty (as Obsidian makes a note you click) or not
    UTF-8 text (then it is not a board jobjournal wrote)."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JobJournalError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if not data.strip():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "\ufffd"  # read as a board without front matter: left alone and reported


@dataclass(frozen=True)
class BoardChanges:
    """What the user changed on the board since jobjournal wrote it."""

    moves: tuple[Move, ...] = ()
    problems: tuple[Problem, ...] = ()


def read_changes(root: Path, config: Config) -> BoardChanges:
    """The moves to apply and the problems to report; nothing when the board is off, missing, or
    exactly what jobjournal wrote last (the usual case: one read of each file)."""
    if not config.board.enabled:
        return BoardChanges()
    relpath = config.board.path
    text = _read_text(board_file(root, relpath))
    remembered_text = _remembered(root)
    if text is None or text == remembered_text:
        return BoardChanges()
    if remembered_text is None:  # a machine that never wrote it: a CI run, a new clone
        remembered_text = committed_board(root, relpath)
    board = read_board(text)
    refusal = board.refusal()
    if refusal is not None:
        return BoardChanges(problems=(Problem(relpath, 1, Severity.WARNING, refusal),))
    from jobjournal.vault.scan import scan

    index = LinkIndex(scan(root, config))
    lanes: dict[str, str | None] = {}

    def lane_now(path: str) -> str | None:
        if path not in lanes:
            lanes[path] = _lane_in_file(root / path)
        return lanes[path]

    remembered = read_board(remembered_text) if remembered_text is not None else None
    moves, problems = board_moves(board, remembered, relpath, index, lane_now)
    return BoardChanges(moves, problems)


def _remembered(root: Path) -> str | None:
    try:
        return _read_text(memory_file(root))
    except JobJournalError:
        return None  # an unreadable memory is no memory: moves are reported, not guessed


def committed_board(root: Path, relpath: str) -> str | None:
    """The board as jobjournal last committed it (a commit of the hooks, `git sync`, `watch
    --commit` or CI, whose message starts with "jobjournal: "), or None: what this machine
    remembers when it has no memory of its own."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False,
                                  timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    commit = (git("log", "-1", "--format=%H", "--grep=^jobjournal: ", "--", relpath) or "").strip()
    return git("show", f"{commit}:./{relpath}") if commit else None


def _lane_in_file(path: Path) -> str | None:
    """The lane of a note's card as its front matter says now (None: not a card's note)."""
    from jobjournal.edit.editor import decode_note, front_matter

    try:
        fields = front_matter(decode_note(path.read_bytes()))
    except (OSError, JobJournalError):
        return None
    try:
        note_type = NoteType(str(fields.get("type", "")).strip().lower())
    except ValueError:
        return None
    status = fields.get("status")
    text = status.strip().lower() if isinstance(status, str) and status.strip() else None
    return lane_of(Note.of("", note_type, status=text))


@dataclass(frozen=True)
class Applied:
    """What applying the board's moves did: the notes it edited, what it changed (one line
    each), and the problems to report."""

    edited: tuple[str, ...] = ()
    applied: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def apply_board_moves(root: Path, config: Config, when: date | datetime) -> Applied:
    """Set the status of each note whose card the user moved (with its `status:` record dated
    `when`, to the minute); the board's problems are for the agenda's Problems. A note that
    cannot be edited is reported and left as it is (the board then shows its status again)."""
    if not config.board.enabled or is_own_write(root, config):
        return Applied()  # (no lock taken: nothing to do is the usual case)
    if isinstance(when, datetime):
        when = when.replace(second=0, microsecond=0)
    with agenda_lock(root):  # another run's board and its memory are written together
        changes = read_changes(root, config)
        problems = list(changes.problems)
        edited, applied = [], []
        for move in changes.moves:
            try:
                if set_status(root, move.path, move.status, when, was=move.before):
                    edited.append(move.path)
                    applied.append(f"{move.path}: status: {move.status} (moved on "
                                   f"{config.board.path})")
            except JobJournalError as exc:
                problems.append(Problem(config.board.path, None, Severity.WARNING,
                                        f"the card of {move.path} was moved to {move.status}, "
                                        f"but the note was not changed: {exc.message}"))
    return Applied(tuple(edited), tuple(applied), tuple(problems))


def set_status(root: Path, rel: str, status: str, when: date | datetime, was: str = "") -> bool:
    """Set a note's `status` and add its `status:` record to the Log, as `log --status` does
    (`was`: the status the note stood for when it had none, its card's lane)."""
    from jobjournal.edit import editor
    from jobjournal.edit.records import status_record

    def change(data: bytes) -> bytes:
        before = editor.front_matter(editor.decode_note(data))
        record = status_record(before.get("status") or was, status)
        if record is None:
            return data
        result = editor.edit_note(data, [("status", status)])
        return editor.edit_note(result, (), f"{editor.format_when(when)} {record}")

    return edit_file(root / rel, rel, change)


def write_board(root: Path, config: Config, cards: Iterable[Card], *, keep: bool = True) -> bool:
    """Write the board from `cards` (atomically, only when its text changes) and remember it
    (unless not `keep`: a vault being made, not yet at its place). A board that is not
    jobjournal's to write (see Board.refusal) is left alone. Returns whether it was written."""
    return BoardWriter(root).write_text(config, lambda existing: board_text(cards, existing),
                                        keep=keep)


class BoardWriter:
    """`write_board` for a caller that writes the board again and again (a watcher): a
    `BoardMaker` (cards made again only for what changed), and the board and its memory as
    last written or read here (`Written`), so that while neither file is touched neither is
    read again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.maker = BoardMaker()
        self._board: tuple[Path, Written] | None = None
        self._memory: Written | None = None

    def write(self, config: Config, notes: Sequence[Note], items: Sequence[Item],
              paths: Sequence[str], recomputed: frozenset[str] | None = None) -> bool:
        """`write_board` of the cards of these notes and agenda items, made by `maker`;
        whether it was written. `recomputed`: as `BoardMaker.board` takes it."""
        if not config.board.enabled:
            self.maker.forget()
            return False
        try:
            return self.write_text(config, lambda existing: self.maker.board(
                notes, items, paths, existing, recomputed))
        except BaseException:
            self.maker.forget()  # what it was told of this build is lost with this board
            raise

    def write_text(self, config: Config, make: Callable[[str | None], str | None], *,
                   keep: bool = True) -> bool:
        """Write the board `make(the board's text now, or None)` gives (None: leave it alone),
        atomically and only when it changes, then remember it (unless not `keep`)."""
        if not config.board.enabled:
            return False
        path = board_file(self.root, config.board.path)
        with agenda_lock(self.root):
            known, self._board = self._board, None  # (forgotten should the write fail)
            try:
                seen = signature(path)
            except OSError:
                seen = None  # can't be looked at: not remembered
            if known is not None and known[0] == path and known[1].holds(path):
                existing: str | None = known[1].text
            else:
                existing = _read_text(path)
            text = make(existing)
            if text is None:
                return False
            written = text != existing
            data = None
            if written:
                path.parent.mkdir(parents=True, exist_ok=True)
                data = text.encode("utf-8")
                st = atomic_write(path, data)
                self._board = (path, Written(text, signature_of(st), data))
            elif seen is not None:
                self._board = (path, Written(text, seen))
            # after the board: were the memory newer than the board, a crash between the two
            # would read the board's old lanes as moves
            if keep:
                self._remember(text, data)
        return written

    def _remember(self, text: str, data: bytes | None) -> None:
        """Keep `text` as the board jobjournal wrote last, beside the cache (best effort:
        without it, moves are reported rather than applied); `data`: the text in UTF-8, when
        known. The memory is not read while it is the one written here."""
        memory = memory_file(self.root)
        known, self._memory = self._memory, None
        if memory is None:
            return
        with contextlib.suppress(OSError, JobJournalError):
            ours = known is not None and known.holds(memory)
            if known is not None and ours and known.text == text:
                self._memory = known
                return
            if ours or _read_text(memory) != text:
                os.makedirs(memory.parent, exist_ok=True)
                data = text.encode("utf-8") if data is None else data
                st = atomic_write(memory, data, durable=False)  # (best effort)
                self._memory = Written(text, signature_of(st), data)

    def untouched(self, config: Config) -> bool:
        """Whether the board on disk is the one last written or read here."""
        if self._board is None:
            return False
        try:
            path = board_file(self.root, config.board.path)
        except JobJournalError:
            return False
        return path == self._board[0] and self._board[1].holds(path)


def is_own_write(root: Path, config: Config) -> bool:
    """Whether the board on disk is the one jobjournal wrote last, or none: nothing the user
    changed (and, to a watcher, its own write)."""
    try:
        text = _read_text(board_file(root, config.board.path))
    except JobJournalError:
        return False
    return text is None or text == _remembered(root)
