"""Finding the notes in a vault: the folder walk with its skip list, and the problems a file's
name alone shows (not UTF-8, a sync tool's conflict copy, a case collision). The skip list is
in docs/rules.md, "Notes and fields".

Notes are not read here (only the head of one whose name is not UTF-8, to tell how bad that is):
`reader.py` reads and parses what this finds.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from jobjournal.config import Config
from jobjournal.core.model import Problem, Severity

if TYPE_CHECKING:
    import pathspec

#: How much of a file too big to read is looked at, for a `type:` line.
HEAD_BYTES = 4096
#: (st_mtime_ns, st_size, st_ino): a save or a rename changes it.
Stamp = tuple[int, int, int]
#: On Windows a folder listing's stat gives inode 0 where os.stat and os.fstat give the file
#: index: stamps leave it out there, so that the ways of taking one agree.
_INODES = os.name != "nt"


def stamp_of(st: os.stat_result) -> Stamp:
    """A file's stamp from its stat."""
    return (st.st_mtime_ns, st.st_size, st.st_ino if _INODES else 0)

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


def scan(root: Path, config: Config) -> list[str]:
    """The vault-relative POSIX paths of the notes to read, sorted (the skip list applied)."""
    return walk(root, config)[0]


def walk(
    root: Path, config: Config, stamps: dict[str, Stamp] | None = None,
    links: list[str] | None = None,
) -> tuple[list[str], list[Problem]]:
    """The notes to read, sorted, and the folders that could not be read; with `stamps`, each
    note's stat stamp too (a file that vanished meanwhile has none); into `links`, the
    symbolic links met inside the vault that name a note or a folder (dangling ones too)."""
    ignore = _ignore_spec(config.vault.ignore)
    templates, generated = config.vault.templates, config.skipped_notes()
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
            if is_link and links is not None and (name.endswith(".md") or entry.is_dir()):
                links.append(rel)
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
            if rel in generated or (ignore is not None and ignore.match_file(rel)):
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
                stamps[rel] = stamp_of(st)
    found.sort()
    return found, problems


class Wanted:
    """Whether one vault-relative path is a note the scan would read (by the same skip list),
    for paths a watcher reports, without walking the whole vault."""

    def __init__(self, root: Path, config: Config) -> None:
        self._root_real = os.path.realpath(root)
        self._config = config
        ignore = config.vault.ignore
        self._ignore = _ignore_spec(ignore)

    def __call__(self, path: str) -> bool:
        if not self.named(path):
            return False
        full = os.path.join(self._root_real, path)
        real = os.path.realpath(full)
        inside = real.startswith(self._root_real.rstrip(os.sep) + os.sep)
        return inside and os.path.isfile(real)

    def named(self, path: str) -> bool:
        """Whether the skip list lets `path` through by its name alone, looking at nothing on
        disk (for a path in git's index, which the working tree may lack)."""
        if not path.isascii() and not is_utf8_name(path):
            return False  # reported by a scan (see `_undecodable`)
        parts = path.split("/")
        name = parts[-1]
        if any(part.startswith(".") for part in parts) or not name.endswith(".md"):
            return False
        if name.startswith("~$") or path in self._config.skipped_notes():
            return False
        templates = self._config.vault.templates
        if path.startswith(templates + "/"):
            return False
        if self._ignore is not None:
            folders = ("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
            if self._ignore.match_file(path) or any(self._ignore.match_file(f) for f in folders):
                return False
        return True


def _ignore_spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec | None:
    """The config's `ignore` patterns (gitignore syntax), or None when there are none."""
    patterns = list(patterns)
    if not patterns:
        return None
    import pathspec  # only for a vault that ignores something

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def conflict_copies(paths: Iterable[str]) -> frozenset[str]:
    """Those of these paths named as a sync tool's conflict copy (see `_CONFLICT_COPY`)."""
    return frozenset(path for path in paths if _CONFLICT_COPY.search(path.rpartition("/")[2]))


def conflict_copy(path: str, typed: bool) -> Problem:
    """The problem of a conflict copy, not read: an error when it looks like a typed note."""
    folder, _, name = path.rpartition("/")
    original = (folder + "/" if folder else "") + _CONFLICT_COPY.sub("", name)
    message = (
        f"a sync tool's conflict copy of {original}: merge what differs into that note and "
        "delete this file (it is not read: it would double the follow-ups)"
    )
    return Problem(path, 1, Severity.ERROR if typed else Severity.WARNING, message)


def name_key(name: str) -> str:
    """A name as a file system that ignores case and Unicode normalisation compares it (macOS:
    "Café" typed with a composed é and with e + a combining accent are one name; Windows and
    macOS: "Café" and "CAFÉ" are)."""
    if name.isascii():
        return name.casefold()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def case_collisions(paths: list[str]) -> list[Problem]:
    """A warning for each path whose name differs from another's only by case or by Unicode
    normalisation (see `name_key`)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        by_key[name_key(path)].append(path)
    problems = []
    for group in by_key.values():
        for path in group if len(group) > 1 else ():
            others = [other for other in group if other != path]
            folded = path.casefold()
            if all(other.casefold() == folded for other in others):
                where, why = "macOS and Windows", "by case"
            else:
                form = unicodedata.normalize("NFC", path)
                where, why = "macOS", "in how their accented letters are encoded, their " \
                    "Unicode normalisation"
                if not all(unicodedata.normalize("NFC", other) == form for other in others):
                    why = "by case and " + why
            message = f"collides with {', '.join(others)} on {where} (the names differ only {why})"
            problems.append(Problem(path, 1, Severity.WARNING, message))
    return problems


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
            from jobjournal.core import parse

            typed = parse.looks_typed(file.read(HEAD_BYTES))
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
