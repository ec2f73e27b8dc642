"""The parse cache: what reading every note gave, kept between runs
(docs/design.md, "The parse cache").

A run stats every note (it must, to see what changed) but reads and parses only the notes whose
stat stamp — modification time, size and inode — differs from the one the cache holds. (With no
cache yet, nothing is statted: each note's stamp is taken from the open file as it is read.) When no
stamp differs, the output of a command run earlier on exactly these notes, the same day and with
the same settings, is printed again without computing anything.

Where it is kept: two files per vault (the parses, in chunks; the outputs, with the stamps they
were computed from), named by a hash of the vault's real path, in the user's cache folder —
`$JOBJOURNAL_CACHE_DIR` when set; else `$XDG_CACHE_HOME/jobjournal` (`~/.cache/jobjournal`) on
Linux and other Unixes, `~/Library/Caches/jobjournal` on macOS, `%LOCALAPPDATA%\\jobjournal\\Cache`
on Windows. Not in the vault (say a hidden, git-ignored folder): a vault travels — git,
Syncthing, iCloud copy it between devices, and a `.gitignore` stops only git — while stat stamps
mean something on one machine only; and a cache folder is what every platform sets aside for
data that can be deleted at any time and is never backed up.
A cache folder that would lie inside the vault (a vault in the home folder) is not used.

When it is thrown away, never trusted: it can't be read (missing, truncated, garbage), it was
written by another version of jobjournal (or of its parsing libraries, or another Python), it
is for another vault, another `tasks_from` setting or another time zone, or it is not the user's
own file. A file
whose stamp changed is always read again; so is one modified within RACY_SECONDS of being read
(a second save in the same clock tick could keep its stamp: git calls these "racily clean").
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jobjournal import __version__
from jobjournal.config import Config
from jobjournal.core.model import Note, Problem
from jobjournal.vault import background as deferred
from jobjournal.vault.reader import (
    RACY_SECONDS,
    FileState,
    Progress,
    Vault,
    VaultState,
    gc_paused,
)
from jobjournal.vault.scan import Stamp

#: Bumped whenever what the cache holds changes shape.
FORMAT = 1
#: Below this many notes a vault is read in milliseconds: no cache file is kept for it.
MIN_FILES = 200
#: More chunks than this in the parses file, and they are all pickled again, fewer and fuller.
MAX_SHARDS = 64
#: Libraries whose version changes what parsing gives.
_PARSING_LIBRARIES = ("yaml", "markdown_it", "frontmatter", "holidays")


def cache_dir() -> Path:
    """The folder holding jobjournal's caches (see the module's docstring)."""
    override = os.environ.get("JOBJOURNAL_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "jobjournal" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "jobjournal"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "jobjournal"


def cache_files(root: Path) -> tuple[Path, Path] | None:
    """The vault's two cache files — its notes' parses, and outputs computed from them — or
    None when they would lie inside the vault."""
    real = os.path.realpath(root)
    folder = Path(os.path.realpath(cache_dir()))
    if folder == Path(real) or folder.is_relative_to(real):
        return None
    name = "vault-" + hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return folder / f"{name}.notes.pickle", folder / f"{name}.outputs.pickle"


def _fingerprint(config: Config) -> tuple[object, ...]:
    """What a cache must have been written under to be trusted: this code, these libraries,
    this Python, and the settings parsing depends on (which notes' tasks count, and the time
    zone a date-time with a UTC offset is read in)."""
    package = Path(__file__).parent.parent
    code = []
    for layer in ("core", "vault"):  # the parsing code and the cache's own
        with os.scandir(package / layer) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    code.append((f"{layer}/{entry.name}", st.st_size, st.st_mtime_ns))
    libraries: list[tuple[str, tuple[int, int] | None]] = []
    for name in _PARSING_LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec else None
            found = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            found = None
        libraries.append((name, (found.st_size, found.st_mtime_ns) if found else None))
    return (
        FORMAT, __version__, sys.version_info[:3], tuple(sorted(code)), tuple(libraries),
        config.vault.tasks_from, config.calendar.timezone or _machine_zone(),
    )


def _machine_zone() -> tuple[object, ...]:
    """The machine's time zone, as this process sees it: a date-time with a UTC offset is read
    in it when the vault names none."""
    return (os.environ.get("TZ"), time.tzname, time.timezone, time.altzone)


class CachedVault:
    """One run's view of a vault through its cache: the stamps just taken, what the cache
    knows, and what this run adds to it. (A vault under MIN_FILES notes has no cache.)

        run = CachedVault.open(root, config)
        output = run.result("json", today)    # None unless nothing changed since
        if output is None:
            output = render(run.vault())      # reads only what changed
            run.keep("json", today, output)
        run.save()

    Two files: the parses, in chunks (large; read only when some note must be read, and
    written again only in the chunks that changed), and the outputs with the stamps they were
    computed from (small; all a run needs when nothing changed).
    """

    def __init__(self, root: Path, config: Config, files: tuple[Path, Path] | None) -> None:
        self.root = root
        self.config = config
        self.state = VaultState(root, config)
        self._stat_time = time.time_ns()
        # Stamps are needed to compare with a cache; with none yet (a first run, --no-cache),
        # each note's stamp is taken as it is read, sparing a stat per note.
        self.stamps: dict[str, Stamp] | None = None
        self._paths: list[str] | None = None
        if files is not None and any(os.path.lexists(path) for path in files):
            self.stamps = self.state.stat()
            count = len(self.stamps)
        else:
            self._paths = self.state.scan()
            count = len(self._paths)
        self._scan_problems: tuple[Problem, ...] = self.state.scan_problems
        self.files = files if count >= MIN_FILES else None
        self._real_root = os.path.realpath(root)
        self._fingerprint = _fingerprint(config) if self.files is not None else ()
        self._outputs: dict[str, Any] = {}
        if self.files is not None:
            self._outputs = self._load(self.files[1], stamps=dict, results=dict)
        self._vault: Vault | None = None
        self._results: dict[tuple[str, str, str], Any] = {}

    @classmethod
    def open(cls, root: Path, config: Config, *, use_cache: bool = True) -> CachedVault:
        """Scan and stat the vault, and load its cache (unless `use_cache` is false)."""
        return cls(root, config, cache_files(root) if use_cache else None)

    # --- reading ---------------------------------------------------------------------------

    def _load(self, path: Path, **expected: type) -> dict[str, Any]:
        """A cache file's contents when they can be trusted, else nothing."""
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            fd = os.open(path, flags)
        except OSError:
            return {}
        try:
            with os.fdopen(fd, "rb") as file:
                if hasattr(os, "getuid") and os.fstat(file.fileno()).st_uid != os.getuid():
                    return {}  # not written by this user: never unpickled
                data = file.read()
            # Trust boundary: pickle runs code named in the file it loads. This file is our own,
            # in the user's own cache folder, owned by the user (checked above): whoever can
            # write it can already run code as the user. A cache is never read from a vault,
            # which may come from someone else.
            with gc_paused():
                cached = pickle.loads(data)
        except Exception:  # truncated, garbage, or from a version whose classes differ
            return {}
        if (
            not isinstance(cached, dict)
            or cached.get("fingerprint") != self._fingerprint
            or cached.get("root") != self._real_root
            or not all(isinstance(cached.get(key), kind) for key, kind in expected.items())
        ):
            return {}
        return cached

    def _unchanged(self) -> bool:
        """Whether the notes are exactly those the kept outputs were computed from."""
        return bool(self._outputs) and self.stamps is not None and (
            self._outputs["stamps"] == self.stamps
            and self._outputs.get("scan_problems") == self._scan_problems
        )

    def _key(self, name: str, today: Any) -> tuple[str, str, str]:
        return (name, str(today), repr(self.config))

    def result(self, name: str, today: Any) -> Any:
        """The output `name` kept by a run on these very notes, the same day and with the same
        settings; None when there is none."""
        if not self._unchanged():
            return None
        return self._outputs["results"].get(self._key(name, today))

    @property
    def paths(self) -> list[str]:
        """Every note's path, as scanned when the run was opened."""
        if self.stamps is not None:
            return list(self.stamps)
        return list(self._paths or ())

    def vault(
        self, *, progress: Progress | None = None,
        meanwhile: Callable[[list[str]], None] | None = None,
        arrived: Callable[[list[Note]], None] | None = None,
    ) -> Vault:
        """The vault, reading only the notes the cache doesn't hold as they are now; the parses
        are written back at once when any changed. `meanwhile(paths)` is called while other
        processes read every note, when this is a first read; `arrived` hears each chunk's
        notes read in several processes as it arrives (see VaultState.refresh)."""
        if self._vault is None:
            shards, known = self._load_parses()
            self.state.files = known
            self._vault = self.state.refresh(
                self.stamps, paths=self._paths, progress=progress, meanwhile=meanwhile,
                arrived=arrived)
            current = self.state.files
            if self.stamps is None:  # taken as the notes were read
                self.stamps = {path: state.stamp for path, state in current.items()}
                self._scan_problems = self.state.scan_problems
            if self.files is not None and (
                len(current) != len(known) or any(known.get(p) is not s for p, s in current.items())
            ):
                pickled, now = self.state.pickled, dict(current)
                content = {
                    "fingerprint": self._fingerprint,
                    "root": self._real_root,
                    "stat_time": self._stat_time,
                    # pickled when written: after the output, when that is deferred
                    "shards": lambda: _reshard(shards, known, now, pickled),
                }
                _write_later(self.files[0], content)
        return self._vault

    def _load_parses(self) -> tuple[list[tuple[bytes, frozenset[str]]], dict[str, FileState]]:
        """The cached parses: each chunk (pickled, with its paths; empty bytes when it held an
        untrusted parse) and all the trusted parses by path. A parse of a note modified
        shortly before it was read is not trusted (see RACY_SECONDS)."""
        if self.files is None:
            return [], {}
        cached = self._load(self.files[0], shards=list, stat_time=int)
        racy_after = cached.get("stat_time", 0) - RACY_SECONDS * 10**9
        shards: list[tuple[bytes, frozenset[str]]] = []
        known: dict[str, FileState] = {}
        try:
            with gc_paused():
                for blob in cached.get("shards", []):
                    states = pickle.loads(blob)
                    if not isinstance(states, dict) or not all(
                        isinstance(state, FileState) for state in states.values()
                    ):
                        return [], {}
                    trusted = {p: s for p, s in states.items() if s.stamp[0] < racy_after}
                    known.update(trusted)
                    whole = len(trusted) == len(states)
                    shards.append((blob if whole else b"", frozenset(states)))
        except Exception:  # a damaged chunk: read every note again
            return [], {}
        return shards, known

    # --- writing ---------------------------------------------------------------------------

    def keep(self, name: str, today: Any, value: Any) -> None:
        """Remember an output computed from these notes (printed again by `result`)."""
        self._results[self._key(name, today)] = value

    def save(self) -> None:
        """Write the outputs this run computed. A cache that can't be written is no error:
        the next run computes them again."""
        if self.files is None or not self._results or self.stamps is None:
            return
        racy_after = self._stat_time - RACY_SECONDS * 10**9
        if any(stamp[0] >= racy_after for stamp in self.stamps.values()):
            return  # a note may change within its clock tick: outputs from it can't be kept
        results = dict(self._outputs["results"]) if self._unchanged() else {}
        if all(results.get(key) == value for key, value in self._results.items()):
            return
        results.update(self._results)
        content = {
            "fingerprint": self._fingerprint,
            "root": self._real_root,
            "stamps": self.stamps,
            "scan_problems": self._scan_problems,
            "results": _latest(results),
        }
        _write_later(self.files[1], content)


def _reshard(
    shards: list[tuple[bytes, frozenset[str]]], known: dict[str, FileState],
    current: dict[str, FileState], pickled: list[tuple[bytes, tuple[str, ...]]],
) -> list[bytes]:
    """The parses file's chunks after a refresh: a cached chunk whose notes are all unchanged
    stays as it is; one with a changed or vanished note is pickled again with what is current;
    new notes come as the processes that read them pickled them, or in one new chunk."""
    chunks: list[bytes] = []
    placed: set[str] = set()
    for blob, paths in shards:
        if blob and all(known.get(path) is current.get(path) for path in paths):
            chunks.append(blob)
        else:
            states = {path: current[path] for path in sorted(paths) if path in current}
            if states:
                chunks.append(_dumps(states))
        placed.update(paths)
    for blob, read in pickled:  # read by other processes just now
        if placed.isdisjoint(read):
            chunks.append(blob)
            placed.update(read)
    rest = {path: state for path, state in current.items() if path not in placed}
    if rest:
        chunks.append(_dumps(rest))
    if len(chunks) > MAX_SHARDS:
        ordered = sorted(current)
        size = len(ordered) // 16 + 1
        chunks = [_dumps({p: current[p] for p in ordered[i : i + size]})
                  for i in range(0, len(ordered), size)]
    return chunks


def _dumps(states: dict[str, FileState]) -> bytes:
    with gc_paused():
        return pickle.dumps(states, protocol=pickle.HIGHEST_PROTOCOL)


def _latest(results: Mapping[tuple[str, str, str], Any]) -> dict[tuple[str, str, str], Any]:
    """The outputs worth keeping: those of the latest day (older days never come back)."""
    if not results:
        return {}
    latest = max(key[1] for key in results)
    return {key: value for key, value in results.items() if key[1] == latest}


def _write_later(path: Path, content: dict[str, Any]) -> None:
    """Write a cache file once the command's output is out (see vault/background.py); a value
    that is a function is replaced by what it returns, then. A cache that can't be written is no
    error: the next run reads the notes again."""

    def write() -> None:
        made = {key: value() if callable(value) else value for key, value in content.items()}
        with contextlib.suppress(OSError):
            _write_atomically(path, made)

    deferred.defer(write)


def _write_atomically(path: Path, content: object) -> None:
    """Pickle to a temporary file beside `path`, then rename it over: a reader sees the old
    file or the new one, never half of one. No fsync: a cache lost in a crash is rebuilt."""
    import tempfile  # only when writing

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file, gc_paused():
            pickle.dump(content, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def load_cached_vault(root: Path, config: Config) -> Vault:
    """The vault's notes read through its parse cache: only the notes changed since are read
    (for the git hooks and the merge driver, which run on every commit and merge)."""
    return CachedVault.open(root, config).vault()
