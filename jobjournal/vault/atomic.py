"""Writing files so that an editor, a sync tool or git never sees half of one.

See docs/design.md, "Writing into the vault".
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from jobjournal.errors import JobJournalError, RefusalError

#: The temp files written beside a file, as gitignore patterns: atomic_write's
#: `.Agenda.md.k2j4_x9z.tmp` and create_file's `.Ann.md.0123456789ab.new`. Never committed, even
#: where no .gitignore says so (a vault in a repository of the user's): `git install` and
#: `git sync` keep them out.
TEMP_NAMES = (".*.????????.tmp", ".*.????????????.new")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step: a temp file in the same folder, fsync, rename.

    The file keeps its permission bits (a new file gets 0o666 minus the umask). A symlink is
    followed, so the link stays a link and its target gets the new content. On failure the temp
    file is removed, the original is untouched, and JobJournalError says why in one line.
    """
    target = Path(os.path.realpath(path))
    tmp: str | None = None
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                       suffix=".tmp")
        except OSError as exc:
            raise JobJournalError(f"cannot write {path.name}: "
                                  f"{folder_refused(exc, target.parent)}") from exc
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise JobJournalError(f"cannot write {path.name}: {reason}") from exc
        raise
    _fsync_dir(target.parent)


def folder_refused(exc: OSError, folder: Path) -> str:
    """Why a new file could not be made in `folder`: the folder named when it is the folder that
    can't be written to (read-only, or not the user's), which the file's name alone hides."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"its folder {folder} can't be written to ({reason})"
    return reason


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; best effort (Windows can't open a folder for this)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process umask, read without changing it where the platform allows (threads may be
    creating files meanwhile); else the classic set-and-restore."""
    with contextlib.suppress(OSError, ValueError):
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
        match = re.search(r"^Umask:\s*([0-7]+)$", status, re.MULTILINE)
        if match:
            return int(match.group(1), 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask



def edit_file(path: Path, rel: str, change: Callable[[bytes], bytes]) -> bool:
    """Apply `change` to the file's bytes and write the result atomically; True when it changed.

    The bytes are read again just before writing: when an editor saved the note in the meantime,
    the edit is made again from what it saved (once; a note that keeps changing is refused), so
    no edit made a moment earlier is lost.
    """
    data = _read(path, rel)
    for _ in range(2):
        try:
            new = change(data)
        except RefusalError as exc:
            raise RefusalError(f"{rel} left unchanged: {exc.message}") from None
        current = _read(path, rel)
        if current == data:
            if new == data:
                return False
            atomic_write(path, new)
            return True
        data = current
    raise RefusalError(f"{rel} left unchanged: it kept changing while jobjournal was editing it; "
                       "try again once it is saved")


def _read(path: Path, rel: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise JobJournalError(f"cannot read {rel} ({exc.strerror or exc})") from None


def create_file(path: Path, rel: str, data: bytes) -> None:
    """Write a new file, complete from its first moment, and never over an existing one.

    The content goes to a temp file first and is hard-linked to its name, which fails when the
    name is taken (on a filesystem without hard links, an exclusive create is used instead). A
    name differing only by case or Unicode normalisation is taken too: on macOS it is the same
    file.
    """
    from jobjournal.vault.scan import name_key

    key = name_key(path.name)
    clash = next((p.name for p in path.parent.iterdir() if name_key(p.name) == key), None)
    if clash is not None:
        folder = rel.rpartition("/")[0]
        other = f"{folder}/{clash}" if folder else clash
        raise RefusalError(f"{other} already exists: jobjournal never overwrites a note "
                           "(choose another title, or use `jobjournal log` to add to it)")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.new")
    try:
        try:
            _write_new(temp, data)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise JobJournalError(f"cannot write {rel}: "
                                      f"{folder_refused(exc, path.parent)}") from None
            raise
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (FAT, some network shares)
            _write_new(path, data)
    except FileExistsError:
        raise RefusalError(f"{rel} already exists: jobjournal never overwrites a note") from None
    except OSError as exc:
        raise JobJournalError(f"cannot write {rel} ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(OSError):  # never made (a read-only folder), or gone already
            os.unlink(temp)


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never over an existing file) with the usual mode, and make it durable."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
