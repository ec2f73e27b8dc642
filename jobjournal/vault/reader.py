"""Finding the vault and loading its notes with their problems (docs/rules.md, "Notes and
fields" and "Problems"): every file `scan.py` finds is read and parsed, in several processes when
there are many, and kept with its stat stamp so that only changed files are read again."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import stat
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from jobjournal.config import CONFIG_NAME, Config, load_config
from jobjournal.core.model import Note, Problem, Severity
from jobjournal.errors import VaultError
from jobjournal.vault.parallel import can_fork
from jobjournal.vault.scan import (
    HEAD_BYTES,
    Stamp,
    Wanted,
    case_collisions,
    conflict_copies,
    conflict_copy,
    stamp_of,
    walk,
)

#: Below this many files to read, reading them in one process is quicker than starting others.
PARALLEL_MIN_FILES = 2000
#: A file modified this recently before it was read may change again within its clock tick
#: keeping its stamp (file systems with 1-second or 2-second stamps, `touch -r`): its parse is
#: not trusted by stamp, and it is read again (git calls such files "racily clean").
RACY_SECONDS = 3
#: Hears how reading goes: (files read, files to read).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Vault:
    """A loaded vault: its notes and every problem found reading them."""

    root: Path
    config: Config
    notes: tuple[Note, ...]  # sorted by path
    problems: tuple[Problem, ...]  # sorted by (path, line)
    paths: tuple[str, ...]  # every scanned .md file (typed or not), for link resolution


def find_vault(explicit: str | None, env_value: str | None, cwd: Path) -> Path:
    """`--vault PATH`, else $JOBJOURNAL_VAULT, else the first folder holding
    `.jobjournal.toml` from `cwd` upwards. A folder is a vault only if it holds
    `.jobjournal.toml`: any other folder given (a home folder, a typo) is refused, so that
    nothing is ever read as notes, or written, there."""
    for given, source in ((explicit, "--vault"), (env_value, "$JOBJOURNAL_VAULT")):
        if given:
            path = (cwd / Path(given).expanduser()).resolve()
            if not path.exists():
                raise VaultError(f"{source} {given}: no such folder")
            if not path.is_dir():
                raise VaultError(f"{source} {given}: not a folder")
            if not (path / CONFIG_NAME).is_file():
                raise VaultError(
                    f"{source} {given}: not a vault (it has no {CONFIG_NAME}): give the vault's "
                    f"folder, or make a new vault with `jobjournal init PATH`"
                )
            return path
    start = cwd.resolve()
    found = enclosing_vault(start)
    if found is None:
        raise VaultError("no vault here: run `jobjournal init PATH`, or pass --vault PATH")
    return found


def enclosing_vault(folder: Path) -> Path | None:
    """The nearest folder holding `.jobjournal.toml`, `folder` itself or above it; None when
    there is none."""
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


def load_note(
    root: str | Path, path: str, *, tasks_from_all: bool = False, zone: str = ""
) -> tuple[Note | None, list[Problem]]:
    """Read and parse one note (one open, one read); an unreadable file is a problem, not raised."""
    read = _load(str(root), path, tasks_from_all, zone)
    if read is None:
        return None, [_gone(path)]
    return read[1], read[2]


def _gone(path: str) -> Problem:
    """The problem of a file that was there and is no more (a warning, as for any unreadable)."""
    return Problem(path, 1, Severity.WARNING, f"cannot read it ({os.strerror(errno.ENOENT)})")


def _load(
    root: str, path: str, tasks_from_all: bool, zone: str = "", root_fd: int | None = None
) -> tuple[Stamp, Note | None, list[Problem]] | None:
    """One note read and parsed, with the stat stamp of what was read (taken from the open
    file: no second look-up by name); None when it is gone. `root_fd`, the vault's folder
    opened (see `_open_root`), spares looking up the folders above it for every note."""
    try:
        # os-level calls, without the file objects open() makes: half the time per note
        if root_fd is None:
            fd = os.open(os.path.join(root, path), _READ_FLAGS)
        else:
            fd = os.open(path, _READ_FLAGS, dir_fd=root_fd)
        try:
            st = os.fstat(fd)
            stamp = stamp_of(st)
            if not stat.S_ISREG(st.st_mode):  # replaced by a pipe or a device since the scan
                raise OSError(errno.EINVAL, "not a regular file")
            parse = _parse()
            if st.st_size > parse.MAX_BYTES:
                typed = parse.looks_typed(os.read(fd, HEAD_BYTES))
                severity = Severity.ERROR if typed else Severity.WARNING
                size = st.st_size / 2**20
                message = f"the file is {size:.1f} MiB, over the 4 MiB limit: not read"
                return stamp, None, [Problem(path, 1, severity, message)]
            data = _read_to_end(fd, st.st_size)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return None  # gone since the folder was listed
    except OSError as exc:
        # nothing can be seen of it, so it can't be known to be a jobjournal note: a warning
        try:
            st = os.stat(os.path.join(root, path))
        except OSError:
            return None
        stamp = stamp_of(st)
        reason = f"cannot read it ({exc.strerror or exc})"
        return stamp, None, [Problem(path, 1, Severity.WARNING, reason)]
    note, problems = parse.parse_note(path, data, tasks_from_all=tasks_from_all, zone=zone)
    return stamp, note, problems


#: Reading a note: no blocking on a pipe put where a note was, binary on Windows.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open_root(root: str) -> int | None:
    """The vault's folder opened, for opening its notes relative to it (where the system allows
    that); None when it can't be, and then each note is opened by its whole path."""
    if os.open not in os.supports_dir_fd:
        return None
    try:
        return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


def _read_to_end(fd: int, size: int) -> bytes:
    """All the bytes of an open file whose size was `size` when statted: one read asking for
    one byte more than that, which finds the end at once, unless the file grew or the system
    gave less (a network file system may), then reads until the end."""
    data = os.read(fd, size + 1)
    if len(data) == size:
        return data
    parts = [data]
    while more := os.read(fd, max(size, 1 << 16)):
        parts.append(more)
    return b"".join(parts)


def _parse() -> ModuleType:
    """parse.py, imported when a first note is read: a run answered from the cache never is."""
    global _PARSE
    if _PARSE is None:
        from jobjournal.core import parse

        _PARSE = parse
    return _PARSE


_PARSE: ModuleType | None = None


@dataclass(frozen=True)
class FileState:
    """One scanned file as last read: its stat stamp, and what parsing it gave."""

    stamp: Stamp
    note: Note | None
    problems: tuple[Problem, ...]


class VaultState:
    """The vault held in memory: every scanned file's parse, keyed by path with its stat stamp.

    A file is read again when its stamp changed, or when it was modified within RACY_SECONDS
    of being read (a later save in the same clock tick may keep its stamp). `refresh()` rescans
    the whole folder (one stat per file); `update(paths)` reads the given paths again, for a
    watcher told that they changed: an event for a file means reading it, whatever its stamp
    says. Both return the assembled Vault.
    """

    def __init__(
        self, root: Path, config: Config, files: dict[str, FileState] | None = None
    ) -> None:
        self.root = root
        self.config = config
        self.files: dict[str, FileState] = dict(files or {})
        self._tasks_from_all = config.vault.tasks_from == "all"
        self._zone = config.calendar.timezone
        # files modified shortly before they were read: their stamps can't be trusted
        self._racy: set[str] = set()
        self._scan_problems: list[Problem] = []
        #: whether the last scan met a symbolic link naming a note or a folder: then one file
        #: may be two notes' (the first path in the scan's order wins), and a note may change
        #: with no event naming it, so `update` scans the whole vault again
        self.has_links = False
        # derived from the set of paths alone, kept while it stays the same (see `vault`)
        self._paths: list[str] | None = None
        self._conflict_copies: frozenset[str] = frozenset()
        self._collisions: list[Problem] = []
        # the last assembled Vault, and where each of its notes is in it (made when needed)
        self._last: Vault | None = None
        self._last_files: dict[str, FileState] | None = None  # what it was assembled from
        self._note_at: dict[str, int] | None = None
        #: what other processes read in the last refresh, as it arrived: pickled
        #: {path: FileState} chunks (with their paths), which a cache can keep as they are
        self.pickled: list[tuple[bytes, tuple[str, ...]]] = []

    @property
    def scan_problems(self) -> tuple[Problem, ...]:
        """Problems of the last scan (folders that could not be read)."""
        return tuple(self._scan_problems)

    def scan(self) -> list[str]:
        """Scan the vault, statting nothing: every note's path, sorted."""
        links: list[str] = []
        paths, self._scan_problems = walk(self.root, self.config, links=links)
        self.has_links = bool(links)
        return paths

    def stat(self) -> dict[str, Stamp]:
        """Scan the vault and stat every note, reading none: path → stamp, in path order."""
        found: dict[str, Stamp] = {}
        links: list[str] = []
        paths, self._scan_problems = walk(self.root, self.config, found, links)
        self.has_links = bool(links)
        return {path: found[path] for path in paths if path in found}

    def refresh(
        self, stamps: Mapping[str, Stamp] | None = None, *, paths: list[str] | None = None,
        progress: Progress | None = None, meanwhile: Callable[[list[str]], None] | None = None,
        arrived: Callable[[list[Note]], None] | None = None,
    ) -> Vault:
        """Rescan the vault; re-read new and changed files, forget vanished ones.

        `stamps`, from a `stat()` just made, spares scanning again; `progress` hears how the
        reading goes. Many files to read are read by several processes where that pays. A first
        refresh, with nothing held, stats nothing: every file is read, and its stamp is taken
        from the open file (`paths`, from a `scan()` just made, spares scanning again). Then
        `meanwhile(paths)` is called while other processes read, for work that needs the paths
        only (see parallel.run_chunks). When several processes read, `arrived(notes)` hears
        here each chunk's notes as it arrives, for work on them while the others read on (the
        notes the Vault will hold: conflict copies, which it leaves out, are left out).
        """
        if stamps is None and not self.files:
            scanned = self.scan() if paths is None else paths

            def alongside() -> None:
                self._index(scanned)  # what `vault()` makes of the paths, unless some vanish
                if meanwhile is not None:
                    meanwhile(scanned)

            read, self.pickled, self._racy = _read_all(
                self.root, dict.fromkeys(scanned), scanned, self._tasks_from_all, progress,
                alongside, self._zone, self._kept(arrived),
            )
            self.files = read  # in the scan's order, the path order: see _read_all
            return self.vault()
        if stamps is None:
            stamps = self.stat()
        known, racy = self.files, self._racy
        to_read = [path for path, stamp in stamps.items()
                   if path not in known or known[path].stamp != stamp or path in racy]
        read, self.pickled, self._racy = (
            _read_all(self.root, stamps, to_read, self._tasks_from_all, progress,
                      zone=self._zone, arrived=self._kept(arrived))
            if to_read else ({}, [], set())
        )
        self.files = {
            path: _same_or(known.get(path), read[path]) if path in read else known[path]
            for path in stamps
        }
        return self.vault()

    def _kept(
        self, arrived: Callable[[list[Note]], None] | None
    ) -> Callable[[list[Note]], None] | None:
        """`arrived`, told only the notes the Vault keeps: not conflict copies (known by the
        time a chunk arrives: `_index` runs first, see `refresh`)."""
        if arrived is None:
            return None

        def kept(notes: list[Note]) -> None:
            copies = self._conflict_copies
            arrived([note for note in notes if note.path not in copies] if copies else notes)

        return kept

    def with_config(self, config: Config) -> VaultState:
        """A state for new settings, keeping the parses when they don't depend on what changed
        (a parse depends on the settings only through `tasks_from` and the time zone, in which a
        date-time with a UTC offset is read)."""
        if (config.vault.tasks_from, config.calendar.timezone) != (
                self.config.vault.tasks_from, self.config.calendar.timezone):
            return VaultState(self.root, config)
        state = VaultState(self.root, config, self.files)
        state._racy = set(self._racy)
        return state

    def update(self, paths: Iterable[str]) -> Vault:
        """Read just these vault-relative paths again (changed, created or deleted), whatever
        their stamps say: a file event for a note is reason enough. In a vault with symbolic
        links (`has_links`), or where one appears, the whole vault is scanned again instead."""
        paths = list(paths)
        if self.has_links or any(os.path.islink(os.path.join(self.root, p)) for p in paths):
            return self.refresh()
        wanted = Wanted(self.root, self.config)
        replaced: list[tuple[str, FileState, FileState]] = []
        for path in paths:
            state = self._read(path) if wanted(path) else None
            if state is None:
                if self.files.pop(path, None) is not None:
                    self._paths = None
            else:
                known = self.files.get(path)
                if known is None:
                    self._paths = None
                elif known is not state:
                    replaced.append((path, known, state))
                self.files[path] = state
        return self._patched(replaced) or self.vault()

    def _patched(self, replaced: list[tuple[str, FileState, FileState]]) -> Vault | None:
        """The last assembled Vault with these files' notes and problems replaced, when that is
        all that changed: the same paths, and a note where there was one (a saved note, the
        usual case). None when the Vault must be assembled again (see `vault`)."""
        last = self._last
        if last is None or self._paths is None or self._last_files is not self.files:
            return None  # paths came or went, or the files were replaced since
        if not replaced:
            return last
        if self._note_at is None:
            self._note_at = {note.path: n for n, note in enumerate(last.notes)}
        notes = list(last.notes)
        problems: list[Problem] | None = None
        for path, before, after in replaced:
            at = self._note_at.get(path)
            if path in self._conflict_copies or at is None or after.note is None:
                return None
            notes[at] = after.note
            if before.problems != after.problems:
                if problems is None:
                    problems = list(last.problems)
                self._replace_problems(problems, path, after.problems)
        self._last = Vault(self.root, self.config, tuple(notes),
                           last.problems if problems is None else tuple(problems), last.paths)
        return self._last

    def _replace_problems(
        self, problems: list[Problem], path: str, found: tuple[Problem, ...]
    ) -> None:
        """Put `found` in place of the problems of the file at `path` in `problems` (sorted as
        `vault` sorts them): that file's are all together there, with those of the scan and of
        case collisions about the same path, which stay."""
        start = bisect_left(problems, path, key=_problem_path)
        end = bisect_right(problems, path, key=_problem_path)
        kept_before = [p for p in self._scan_problems if p.path == path]
        kept_after = [p for p in self._collisions if p.path == path]
        problems[start:end] = sorted([*kept_before, *found, *kept_after], key=_problem_line)

    def _read(self, path: str) -> FileState | None:
        """The file read now; the state held for it when reading gives just that again (so
        that what did not change stays the same object)."""
        started = time.time_ns()
        read = _load(str(self.root), path, self._tasks_from_all, self._zone)
        if read is None:
            self._racy.discard(path)
            return None  # vanished since the event (or a dangling link)
        state = _same_or(self.files.get(path), FileState(read[0], read[1], tuple(read[2])))
        if _racy({path: state}, started):
            self._racy.add(path)
        else:
            self._racy.discard(path)
        return state

    def _index(self, paths: list[str]) -> None:
        """What `vault()` derives from the set of paths alone: `paths` sorted."""
        self._paths = paths
        self._conflict_copies = conflict_copies(paths)
        self._collisions = case_collisions(paths)

    def vault(self) -> Vault:
        """Assemble the Vault from what is held: conflict copies dropped, case collisions found."""
        files = self.files
        paths = self._paths
        if paths is None or len(paths) != len(files) or not all(p in files for p in paths):
            paths = sorted(files)
            self._index(paths)
        problems = list(self._scan_problems)
        notes: list[Note] = []
        for path in paths:
            state = files[path]
            if path in self._conflict_copies:
                # dropped whatever it holds: its follow-ups (or tasks) are the original's, twice
                typed = (state.note is not None and state.note.type is not None) or any(
                    p.is_error for p in state.problems
                )
                problems.append(conflict_copy(path, typed))
                continue
            if state.problems:
                problems.extend(state.problems)
            if state.note is not None:
                notes.append(state.note)
        problems.extend(self._collisions)
        problems.sort(key=_problem_place)
        self._last = Vault(self.root, self.config, tuple(notes), tuple(problems), tuple(paths))
        self._last_files, self._note_at = files, None
        return self._last


def _racy(states: Mapping[str, FileState], started: int) -> set[str]:
    """The files among `states`, read from `started` on (time.time_ns), that were modified
    within RACY_SECONDS before that (or later: a clock set back): not to be trusted by stamp."""
    since = started - RACY_SECONDS * 10**9
    return {path for path, state in states.items() if state.stamp[0] >= since}


def _same_or(known: FileState | None, state: FileState) -> FileState:
    """`known` when `state` (a file read again) is just the same: unchanged notes stay the same
    objects, which is how what changed is told from what didn't (see Vault and the watcher)."""
    return known if known is not None and known == state else state


def _problem_path(problem: Problem) -> str:
    return problem.path or ""


def _problem_line(problem: Problem) -> int:
    return problem.line or 0


def _problem_place(problem: Problem) -> tuple[str, int]:
    """Where a problem is listed in a Vault: by path, then line."""
    return (problem.path or "", problem.line or 0)


# --- reading many files ---------------------------------------------------------------------

_Item = tuple[str, Stamp | None]  # a file to read, and its stamp (None: take it as it is read)


def workers() -> int:
    """How many processes may read notes: $JOBJOURNAL_WORKERS, else one per core available."""
    value = os.environ.get("JOBJOURNAL_WORKERS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off while many objects without cycles are made: parsed
    notes are acyclic, and collecting while building thousands of them costs more than the
    parsing itself. With `freeze`, what was made is frozen at the end (a command about to
    exit): no later collection walks it. Either way, objects are freed by reference counting
    as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def _read_all(
    root: Path, stamps: Mapping[str, Stamp | None], paths: list[str], tasks_from_all: bool,
    progress: Progress | None, meanwhile: Callable[[], None] | None = None, zone: str = "",
    arrived: Callable[[list[Note]], None] | None = None,
) -> tuple[dict[str, FileState], list[tuple[bytes, tuple[str, ...]]], set[str]]:
    """Read and parse these files: in several processes when there are many (parallel.py),
    calling `meanwhile` while the others read (else first). Returns the FileStates by path, in
    the order of `paths` (a file gone meanwhile has none); the chunks other processes read as
    they arrived — each a pickled {path: FileState}, with its paths; and the racy files among
    them (see `_racy`), found chunk by chunk as each comes, while its states are at hand (one
    more pass over thousands of states once all are read costs milliseconds). When several
    processes read, `arrived` hears here each chunk's notes as it arrives (with one process,
    it is not called: it gains nothing by doing that work early)."""
    started = time.time_ns()
    racy: set[str] = set()
    count = workers()
    items = [(path, stamps[path]) for path in paths]
    parallel = count > 1 and len(items) >= PARALLEL_MIN_FILES and can_fork()
    chunks = _chunks(items, count if parallel else 1)
    with gc_paused():
        if parallel:
            from jobjournal.vault import parallel as forked

            _parse()  # imported once, before forking, rather than in every process
            todo = len(items)
            finished = 0

            def done(index: int, value: Any) -> None:
                nonlocal finished
                finished += len(chunks[index])
                racy.update(_racy(value, started))
                if arrived is not None:
                    arrived(_notes_of(value))
                if progress is not None:
                    progress(finished, todo)

            results = forked.run_chunks(
                lambda index: _read_chunk(str(root), chunks[index], tasks_from_all, zone),
                len(chunks), count - 1, done, meanwhile,
            )
        else:
            if meanwhile is not None:
                meanwhile()
            results = []
            for chunk in chunks:
                value = _read_chunk(str(root), chunk, tasks_from_all, zone)
                racy.update(_racy(value, started))
                results.append((value, None))
                if progress is not None:
                    progress(sum(len(c) for c in chunks[: len(results)]), len(items))
        read: dict[str, FileState] = {}
        pickled: list[tuple[bytes, tuple[str, ...]]] = []
        for chunk, (value, blob) in zip(chunks, results, strict=True):
            if blob is not None:
                pickled.append((blob, tuple(path for path, _ in chunk)))
            read.update(value)  # chunk after chunk: in the order of `paths`
        return read, pickled, racy


def _notes_of(states: dict[str, FileState]) -> list[Note]:
    """The notes of a chunk's FileStates, in their order (which pickling keeps)."""
    return [state.note for state in states.values() if state.note is not None]


def _chunks(items: list[_Item], processes: int) -> list[list[_Item]]:
    """Chunks that shrink as the work left does ("guided" scheduling): large while much is left,
    so that handing them over costs little, small at the end, so that the processes finish
    within a few notes of each other (and never more than parallel.MAX_CHUNKS of them)."""
    smallest = max(25, -(-len(items) // 8192))
    chunks, start = [], 0
    while start < len(items):
        size = max(smallest, min(500, (len(items) - start) // (processes * 2)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def _read_chunk(
    root: str, items: list[_Item], tasks_from_all: bool, zone: str = ""
) -> dict[str, FileState]:
    """FileStates of these files, with the stamps the scan gave, or when it gave none, with
    those of the files as they were read. A file gone meanwhile is left out, when its stamp was
    not known (else it is a problem of the file the scan saw, as before)."""
    states = {}
    root_fd = _open_root(root)
    try:
        for path, stamp in items:
            read = _load(root, path, tasks_from_all, zone, root_fd)
            if read is None:
                if stamp is None:
                    continue
                read = (stamp, None, [_gone(path)])
            states[path] = FileState(stamp if stamp is not None else read[0], read[1],
                                     tuple(read[2]))
    finally:
        if root_fd is not None:
            os.close(root_fd)
    return states


def load_vault(root: Path, config: Config | None = None) -> Vault:
    """Scan and parse every note of the vault; problems are collected, never raised."""
    return VaultState(root, config if config is not None else load_config(root)).refresh()
