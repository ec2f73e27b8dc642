"""Finding the vault, scanning it and loading its notes with their problems (PRODUCT §2, §4.3)."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from .config import CONFIG_NAME, Config, load_config
from .errors import VaultError
from .model import Note, Problem, Severity
from .parse import MAX_BYTES, looks_typed, parse_note

#: How much of a file too big to read is looked at, for a `type:` line.
HEAD_BYTES = 4096

# A sync tool's copy of a note both devices changed: it would double the note's follow-ups.
# Syncthing: `Jane.sync-conflict-20261120-123456-ABCDEFG.md`; Dropbox and Nextcloud:
# `Jane (Jane's conflicted copy 2026-11-20).md`; Nextcloud and ownCloud:
# `Jane (conflict 2026-11-20).md`; older clients: `Jane_conflict-20261120-123456.md`.
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
    root: Path, path: str, *, tasks_from_all: bool = False
) -> tuple[Note | None, list[Problem]]:
    """Read and parse one note (one open, one read); an unreadable file is a problem, not raised."""
    try:
        with open(os.path.join(root, path), "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_BYTES:
                typed = looks_typed(file.read(HEAD_BYTES))
                severity = Severity.ERROR if typed else Severity.WARNING
                message = f"the file is {size / 2**20:.1f} MiB, over the 4 MiB limit: not read"
                return None, [Problem(path, 1, severity, message)]
            data = file.read()
    except OSError as exc:
        # nothing can be seen of it, so it can't be known to be a jobjournal note: a warning
        return None, [Problem(path, 1, Severity.WARNING, f"cannot read it ({exc.strerror or exc})")]
    return parse_note(path, data, tasks_from_all=tasks_from_all)


@dataclass(frozen=True)
class FileState:
    """One scanned file as last read: its stat stamp, and what parsing it gave."""

    stamp: tuple[int, int, int]  # (st_mtime_ns, st_size, st_ino): a save or a rename changes it
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

    def refresh(self) -> Vault:
        """Rescan the vault; re-read new and changed files, forget vanished ones."""
        paths, self._scan_problems = _scan(self.root, self.config)
        files = {}
        for path in paths:
            state = self._read(path)
            if state is not None:
                files[path] = state
        self.files = files
        return self.vault()

    def update(self, paths: Iterable[str]) -> Vault:
        """Re-read just these vault-relative paths (changed, created or deleted)."""
        wanted = _Wanted(self.root, self.config)
        for path in paths:
            state = self._read(path) if wanted(path) else None
            if state is None:
                self.files.pop(path, None)
            else:
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
        paths = sorted(self.files)
        problems = list(self._scan_problems)
        notes: list[Note] = []
        for path in paths:
            state = self.files[path]
            name = path.rpartition("/")[2]
            if _CONFLICT_COPY.search(name):
                # dropped whatever it holds: its follow-ups (or tasks) are the original's, twice
                typed = (state.note is not None and state.note.type is not None) or any(
                    p.is_error for p in state.problems
                )
                problems.append(_conflict_copy(path, typed))
                continue
            problems.extend(state.problems)
            if state.note is not None:
                notes.append(state.note)
        problems.extend(_case_collisions(paths))
        problems.sort(key=lambda p: (p.path or "", p.line or 0))
        return Vault(self.root, self.config, tuple(notes), tuple(problems), tuple(paths))


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
        self._ignore = pathspec.GitIgnoreSpec.from_lines(ignore) if ignore else None

    def __call__(self, path: str) -> bool:
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


def _scan(root: Path, config: Config) -> tuple[list[str], list[Problem]]:
    ignore = pathspec.GitIgnoreSpec.from_lines(config.vault.ignore) if config.vault.ignore else None
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
    # (entries of a folder, its vault-relative prefix, its real path).
    stack: list[tuple[Iterator[os.DirEntry[str]], str, str]] = []
    entries = _entries(str(root), "", problems)
    stack.append((entries, "", root_real))
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
            real = os.path.realpath(entry.path) if is_link else os.path.join(dir_real, name)
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
            if real in seen_dirs:
                continue
            seen_dirs.add(real)
            stack.append((_entries(entry.path, rel, problems), rel + "/", real))
        elif is_file and name.endswith(".md") and not name.startswith("~$"):
            # `~$x.md`: an office suite's lock file. Dangling links and sockets are neither.
            if rel == agenda or (ignore is not None and ignore.match_file(rel)):
                continue
            if real in seen_files:
                continue
            seen_files.add(real)
            found.append(rel)
    found.sort()
    return found, problems


def _entries(path: str, rel: str, problems: list[Problem]) -> Iterator[os.DirEntry[str]]:
    """A folder's entries sorted by name, for a deterministic walk; unreadable: a problem."""
    try:
        with os.scandir(path) as listing:
            return iter(sorted(listing, key=lambda entry: entry.name))
    except OSError as exc:
        message = f"cannot read this folder ({exc.strerror or exc})"
        problems.append(Problem(rel or ".", None, Severity.WARNING, message))
        return iter(())
