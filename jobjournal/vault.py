"""Finding the vault, scanning it and loading its notes with their problems (PRODUCT §2, §4.3)."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .config import CONFIG_NAME, Config, load_config
from .errors import VaultError
from .model import Note, Problem, Severity

if TYPE_CHECKING:
    import pathspec

#: How much of a file too big to read is looked at, for a `type:` line.
HEAD_BYTES = 4096
#: Below this many files to read, reading them in one process is quicker than starting others.
PARALLEL_MIN_FILES = 2000
#: (st_mtime_ns, st_size, st_ino): a save or a rename changes it.
Stamp = tuple[int, int, int]
#: Hears how reading goes: (files read, files to read).
Progress = Callable[[int, int], None]

# A sync tool's copy of a note both devices changed: it would double the note's follow-ups.
# Syncthing: `Jane.sync-conflict-20261120-123456-ABCDEFG.md`; Dropbox:
# `Jane (Jane's conflicted copy 2026-11-20).md`; the Nextcloud desktop client:
# `Jane (conflicted copy [user ]2026-11-20 123456).md`; other clients:
# `Jane (conflict 2026-11-20).md`; older ownCloud clients: `Jane_conflict-20261120-123456.md`.
# Titles that merely mention a conflict don't match.
_CONFLICT_COPY = re.compile(
    r"""
      \.sync-conflict-\d{8}-\d{6}(?:-[A-Za-z0-9]+)?
    | \s\((?:[^()]*['’]s\s)?conflicted\scopy\b.*\)
    | \s\(conflict\s\d{4}-\d{2}-\d{2}[^()]*\)
    | _conflict-\d{8}-\d{6}
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Vault:
    """A loaded vault: its notes and every problem found reading them."""

    root: Path
    config: Config
    notes: tuple[Note, ...]  # sorted by path
    problems: tuple[Problem, ...]  # sorted by (path, line)
    paths: tuple[str, ...]  # every scanned .md file (typed or not), for link resolution


def find_vault(explicit: str | None, env_value: str | None, cwd: Path) -> Path:
    """PRODUCT §2: `--vault PATH`, else $JOBJOURNAL_VAULT, else the first folder holding
    `.jobjournal.toml` from `cwd` upwards. A folder given explicitly needs no config file."""
    for given, source in ((explicit, "--vault"), (env_value, "$JOBJOURNAL_VAULT")):
        if given:
            path = (cwd / Path(given).expanduser()).resolve()
            if not path.exists():
                raise VaultError(f"{source} {given}: no such folder")
            if not path.is_dir():
                raise VaultError(f"{source} {given}: not a folder")
            return path
    start = cwd.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise VaultError("no vault here: run `jobjournal init PATH`, or pass --vault PATH")


def scan(root: Path, config: Config) -> list[str]:
    """The vault-relative POSIX paths of the notes to read, sorted (PRODUCT §2's skip list)."""
    return _scan(root, config)[0]


def load_note(
    root: str | Path, path: str, *, tasks_from_all: bool = False
) -> tuple[Note | None, list[Problem]]:
    """Read and parse one note (one open, one read); an unreadable file is a problem, not raised."""
    try:
        with open(os.path.join(root, path), "rb") as file:
            size = os.fstat(file.fileno()).st_size
            parse = _parse()
            if size > parse.MAX_BYTES:
                typed = parse.looks_typed(file.read(HEAD_BYTES))
                severity = Severity.ERROR if typed else Severity.WARNING
                message = f"the file is {size / 2**20:.1f} MiB, over the 4 MiB limit: not read"
                return None, [Problem(path, 1, severity, message)]
            data = file.read()
    except OSError as exc:
        # nothing can be seen of it, so it can't be known to be a jobjournal note: a warning
        return None, [Problem(path, 1, Severity.WARNING, f"cannot read it ({exc.strerror or exc})")]
    parsed: tuple[Note | None, list[Problem]] = parse.parse_note(
        path, data, tasks_from_all=tasks_from_all
    )
    return parsed


def _parse() -> ModuleType:
    """parse.py, imported when a first note is read: a run answered from the cache never is."""
    global _PARSE
    if _PARSE is None:
        from . import parse

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

    A file is read again only when its stamp changed. `refresh()` rescans the whole folder (one
    stat per file); `update(paths)` looks only at the given paths, for a watcher that knows what
    changed. Both return the assembled Vault.
    """

    def __init__(
        self, root: Path, config: Config, files: dict[str, FileState] | None = None
    ) -> None:
        self.root = root
        self.config = config
        self.files: dict[str, FileState] = dict(files or {})
        self._tasks_from_all = config.vault.tasks_from == "all"
        self._scan_problems: list[Problem] = []
        # derived from the set of paths alone, kept while it stays the same (see `vault`)
        self._paths: list[str] | None = None
        self._conflict_copies: frozenset[str] = frozenset()
        self._collisions: list[Problem] = []
        #: what other processes read in the last refresh, as it arrived: pickled
        #: {path: FileState} chunks (with their paths), which a cache can keep as they are
        self.pickled: list[tuple[bytes, tuple[str, ...]]] = []

    @property
    def scan_problems(self) -> tuple[Problem, ...]:
        """Problems of the last scan (folders that could not be read)."""
        return tuple(self._scan_problems)

    def stat(self) -> dict[str, Stamp]:
        """Scan the vault and stat every note, reading none: path → stamp, in path order."""
        found: dict[str, Stamp] = {}
        paths, self._scan_problems = _scan(self.root, self.config, found)
        return {path: found[path] for path in paths if path in found}

    def refresh(
        self, stamps: Mapping[str, Stamp] | None = None, *, progress: Progress | None = None
    ) -> Vault:
        """Rescan the vault; re-read new and changed files, forget vanished ones.

        `stamps`, from a `stat()` just made, spares scanning again; `progress` hears how the
        reading goes. Many files to read are read by several processes where that pays.
        """
        if stamps is None:
            stamps = self.stat()
        known = self.files
        to_read = [path for path, stamp in stamps.items()
                   if path not in known or known[path].stamp != stamp]
        read, self.pickled = (
            _read_all(self.root, stamps, to_read, self._tasks_from_all, progress)
            if to_read else ({}, [])
        )
        self.files = {
            path: read[path] if path in read else known[path] for path in stamps
        }
        return self.vault()

    def update(self, paths: Iterable[str]) -> Vault:
        """Re-read just these vault-relative paths (changed, created or deleted)."""
        wanted = _Wanted(self.root, self.config)
        for path in paths:
            state = self._read(path) if wanted(path) else None
            if state is None:
                if self.files.pop(path, None) is not None:
                    self._paths = None
            else:
                if path not in self.files:
                    self._paths = None
                self.files[path] = state
        return self.vault()

    def _read(self, path: str) -> FileState | None:
        try:
            st = os.stat(os.path.join(self.root, path))
        except OSError:
            return None  # vanished since the scan (or a dangling link)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        known = self.files.get(path)
        if known is not None and known.stamp == stamp:
            return known
        note, problems = load_note(self.root, path, tasks_from_all=self._tasks_from_all)
        return FileState(stamp, note, tuple(problems))

    def vault(self) -> Vault:
        """Assemble the Vault from what is held: conflict copies dropped, case collisions found."""
        files = self.files
        paths = self._paths
        if paths is None or len(paths) != len(files) or not all(p in files for p in paths):
            paths = self._paths = sorted(files)
            self._conflict_copies = frozenset(
                path for path in paths if _CONFLICT_COPY.search(path.rpartition("/")[2])
            )
            self._collisions = _case_collisions(paths)
        problems = list(self._scan_problems)
        notes: list[Note] = []
        for path in paths:
            state = files[path]
            if path in self._conflict_copies:
                # dropped whatever it holds: its follow-ups (or tasks) are the original's, twice
                typed = (state.note is not None and state.note.type is not None) or any(
                    p.is_error for p in state.problems
                )
                problems.append(_conflict_copy(path, typed))
                continue
            if state.problems:
                problems.extend(state.problems)
            if state.note is not None:
                notes.append(state.note)
        problems.extend(self._collisions)
        problems.sort(key=lambda p: (p.path or "", p.line or 0))
        return Vault(self.root, self.config, tuple(notes), tuple(problems), tuple(paths))


# --- reading many files ---------------------------------------------------------------------

_Item = tuple[str, Stamp]  # a file to read, and its stamp


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
    root: Path, stamps: Mapping[str, Stamp], paths: list[str], tasks_from_all: bool,
    progress: Progress | None,
) -> tuple[dict[str, FileState], list[tuple[bytes, tuple[str, ...]]]]:
    """Read and parse these files. In several processes when there are many, the work cut into
    chunks that this process shares with the others. Returns the FileStates by path, and the
    chunks other processes read as they arrived — each a pickled {path: FileState}, with its
    paths."""
    count = workers()
    items = [(path, stamps[path]) for path in paths]
    with gc_paused():
        if count > 1 and len(items) >= PARALLEL_MIN_FILES and can_fork():
            _parse()  # imported once, before forking, rather than in every process
            chunks = _chunks(items, count)
            results = _read_in_processes(str(root), chunks, tasks_from_all, count - 1, progress)
        else:
            chunks = _chunks(items, 1)
            results = []
            for chunk in chunks:
                results.append(_read_chunk(str(root), chunk, tasks_from_all))
                if progress is not None:
                    progress(sum(len(c) for c in chunks[: len(results)]), len(items))
        read: dict[str, FileState] = {}
        pickled: list[tuple[bytes, tuple[str, ...]]] = []
        for chunk, result in zip(chunks, results, strict=True):
            if isinstance(result, bytes):
                pickled.append((result, tuple(path for path, _ in chunk)))
                result = pickle.loads(result)
            read.update(result)
        return read, pickled


def _chunks(items: list[_Item], processes: int) -> list[list[_Item]]:
    # Small enough that the processes finish close together (a worker holds up to two chunks
    # when this process runs out of them), large enough that handing them over costs little.
    size = max(100, min(500, len(items) // (processes * 24) or 1))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _read_chunk(root: str, items: list[_Item], tasks_from_all: bool) -> dict[str, FileState]:
    states = {}
    for path, stamp in items:
        note, problems = load_note(root, path, tasks_from_all=tasks_from_all)
        states[path] = FileState(stamp, note, tuple(problems))
    return states


def _read_chunk_pickled(root: str, items: list[_Item], tasks_from_all: bool) -> bytes:
    """A worker's share: pickled here, once, both to travel back and to be cached as it is."""
    gc.disable()  # a worker lives for one read
    return pickle.dumps(_read_chunk(root, items, tasks_from_all), pickle.HIGHEST_PROTOCOL)


def can_fork() -> bool:
    """Whether work may go to forked processes: they start at once, with everything imported;
    but forking a process that runs other threads (a watcher's observer) can deadlock the
    child, so only when this process is alone."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _read_in_processes(
    root: str, chunks: list[list[_Item]], tasks_from_all: bool, others: int,
    progress: Progress | None,
) -> list[dict[str, FileState] | bytes]:
    """Chunks go to `others` worker processes from the front while this process reads them
    from the back, taking only chunks no worker has started: both finish together."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    total = sum(len(chunk) for chunk in chunks)
    results: list[dict[str, FileState] | bytes | None] = [None] * len(chunks)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=others, mp_context=context) as pool:
        futures = [pool.submit(_read_chunk_pickled, root, chunk, tasks_from_all)
                   for chunk in chunks]
        done_here = 0
        for index in range(len(chunks) - 1, -1, -1):
            if not futures[index].cancel():
                break  # a worker has it, and every chunk before it
            results[index] = _read_chunk(root, chunks[index], tasks_from_all)
            done_here += len(chunks[index])
            if progress is not None:
                done = sum(len(c) for c, f in zip(chunks, futures, strict=True)
                           if f.done() and not f.cancelled())
                progress(done_here + done, total)
        for index, future in enumerate(futures):
            if results[index] is None:
                results[index] = future.result()
                if progress is not None:
                    done = sum(len(c) for c, r in zip(chunks, results, strict=True) if r)
                    progress(done, total)
    return [result for result in results if result is not None]


def load_vault(root: Path, config: Config | None = None) -> Vault:
    """Scan and parse every note of the vault; problems are collected, never raised."""
    return VaultState(root, config if config is not None else load_config(root)).refresh()


class _Wanted:
    """Whether one vault-relative path is a note the scan would read (PRODUCT §2's skip list),
    for paths a watcher reports, without walking the whole vault."""

    def __init__(self, root: Path, config: Config) -> None:
        self._root_real = os.path.realpath(root)
        self._config = config
        ignore = config.vault.ignore
        self._ignore = _ignore_spec(ignore)

    def __call__(self, path: str) -> bool:
        if not path.isascii() and not is_utf8_name(path):
            return False  # reported by a scan (see `_undecodable`)
        parts = path.split("/")
        name = parts[-1]
        if any(part.startswith(".") for part in parts) or not name.endswith(".md"):
            return False
        if name.startswith("~$") or path == self._config.agenda.path:
            return False
        templates = self._config.vault.templates
        if path.startswith(templates + "/"):
            return False
        if self._ignore is not None:
            folders = ("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
            if self._ignore.match_file(path) or any(self._ignore.match_file(f) for f in folders):
                return False
        full = os.path.join(self._root_real, path)
        real = os.path.realpath(full)
        inside = real.startswith(self._root_real.rstrip(os.sep) + os.sep)
        return inside and os.path.isfile(real)


def _ignore_spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec | None:
    """The config's `ignore` patterns (gitignore syntax), or None when there are none."""
    patterns = list(patterns)
    if not patterns:
        return None
    import pathspec  # only for a vault that ignores something

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _conflict_copy(path: str, typed: bool) -> Problem:
    folder, _, name = path.rpartition("/")
    original = (folder + "/" if folder else "") + _CONFLICT_COPY.sub("", name)
    message = (
        f"a sync tool's conflict copy of {original}: merge what differs into that note and "
        "delete this file (it is not read: it would double the follow-ups)"
    )
    return Problem(path, 1, Severity.ERROR if typed else Severity.WARNING, message)


def _case_collisions(paths: list[str]) -> list[Problem]:
    by_folded: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        by_folded[path.casefold()].append(path)
    problems = []
    for group in by_folded.values():
        for path in group if len(group) > 1 else ():
            others = ", ".join(other for other in group if other != path)
            message = f"collides with {others} on macOS and Windows (the names differ only by case)"
            problems.append(Problem(path, 1, Severity.WARNING, message))
    return problems


def _scan(
    root: Path, config: Config, stamps: dict[str, Stamp] | None = None
) -> tuple[list[str], list[Problem]]:
    """The notes to read, sorted, and the folders that could not be read; with `stamps`, each
    note's stat stamp too (a file that vanished meanwhile has none)."""
    ignore = _ignore_spec(config.vault.ignore)
    templates, agenda = config.vault.templates, config.agenda.path
    root_real = os.path.realpath(root)
    inside = root_real.rstrip(os.sep) + os.sep
    found: list[str] = []
    problems: list[Problem] = []
    # Real paths already walked or read: a symlink back up the tree (a loop), or a second way to
    # the same folder or file, is skipped; the first path in the walk's sorted order wins.
    seen_dirs = {root_real}
    seen_files: set[str] = set()
    # Depth-first without recursion (a deep tree must not hit the recursion limit): a stack of
    # (entries of a folder, its vault-relative prefix, its real path ending with a separator).
    stack: list[tuple[Iterator[os.DirEntry[str]], str, str]] = []
    entries = _entries(str(root), "", problems)
    stack.append((entries, "", inside))
    while stack:
        entries, prefix, dir_real = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = entry.name
        if name.startswith("."):
            continue  # .git, .obsidian, .trash, editor files (.#x.md): skipped as Obsidian does
        rel = prefix + name
        try:
            is_link = entry.is_symlink()
            real = os.path.realpath(entry.path) if is_link else dir_real + name
            if is_link and not real.startswith(inside):
                continue  # leaves the vault
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue  # a link loop or a vanished entry
        if is_dir:
            # A folder named `x.md` is still a folder: it is walked, never read as a note.
            if rel == templates or (ignore is not None and ignore.match_file(rel + "/")):
                continue
            if not name.isascii() and not is_utf8_name(name):
                problems.append(_undecodable(rel, entry.path, folder=True))
                continue
            if real in seen_dirs:
                continue
            seen_dirs.add(real)
            stack.append((_entries(entry.path, rel, problems), rel + "/", real + os.sep))
        elif is_file and name.endswith(".md") and not name.startswith("~$"):
            # `~$x.md`: an office suite's lock file. Dangling links and sockets are neither.
            if rel == agenda or (ignore is not None and ignore.match_file(rel)):
                continue
            if not name.isascii() and not is_utf8_name(name):
                problems.append(_undecodable(rel, entry.path, folder=False))
                continue
            if real in seen_files:
                continue
            seen_files.add(real)
            found.append(rel)
            if stamps is not None:
                try:
                    st = entry.stat()
                except OSError:
                    continue  # vanished since the folder was listed
                stamps[rel] = (st.st_mtime_ns, st.st_size, st.st_ino)
    found.sort()
    return found, problems


def is_utf8_name(name: str) -> bool:
    """Whether a name read from the file system is UTF-8. One that isn't (a file unpacked or
    copied by a tool using another encoding) reaches Python with surrogate escapes, which no
    UTF-8 text can carry: not the agenda note, nor JSON, nor a terminal."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(path: str) -> str:
    """A path that may not be UTF-8 (see `is_utf8_name`), with U+FFFD for its bad bytes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _undecodable(rel: str, full: str, *, folder: bool) -> Problem:
    """The problem of a note or a folder whose name is not UTF-8: not read until renamed."""
    typed = False
    if not folder:
        with contextlib.suppress(OSError), open(full, "rb") as file:
            typed = _parse().looks_typed(file.read(HEAD_BYTES))
    what = "folder" if folder else "file"
    unread = "the notes in it are not read" if folder else "it is not read"
    message = (f"the {what} name is not valid UTF-8 (made by a tool using another encoding): "
               f"rename it; until then {unread}")
    return Problem(shown_name(rel), 1, Severity.ERROR if typed else Severity.WARNING, message)


def _entries(path: str, rel: str, problems: list[Problem]) -> Iterator[os.DirEntry[str]]:
    """A folder's entries sorted by name, for a deterministic walk; unreadable: a problem."""
    try:
        with os.scandir(path) as listing:
            return iter(sorted(listing, key=lambda entry: entry.name))
    except OSError as exc:
        message = f"cannot read this folder ({exc.strerror or exc})"
        problems.append(Problem(rel or ".", None, Severity.WARNING, message))
        return iter(())
