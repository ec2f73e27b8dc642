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
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from jobjournal.errors import JobJournalError, RefusalError

#: The temp files written beside a file, as gitignore patterns: atomic_write's
#: `.Agenda.md.k2j4_x9z.tmp` and create_file's `.Ann.md.0123456789ab.new`. Never committed, even
#: where no .gitignore says so (a vault in a repository of the user's): `git install` and
#: `git sync` keep them out.
TEMP_NAMES = (".*.????????.tmp", ".*.????????????.new")


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> os.stat_result:
    """Replace `path` with `data` in one step: a temp file in the same folder, fsync, rename.

    The file keeps its permission bits (a new file gets 0o666 minus the umask). A symlink is
    followed, so the link stays a link and its target gets the new content. On failure the temp
    file is removed, the original is untouched, and JobJournalError says why in one line.
    Returns the stat of the file written, taken from the file itself before it was renamed (its
    inode, size and modification time are the new file's: a later change shows in them).
    Not `durable`: no fsync, for what may be lost in a crash (a file jobjournal keeps for itself
    outside the vault); the rename is atomic all the same.
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
            if durable:
                os.fsync(out.fileno())
            written = os.fstat(out.fileno())
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
    if durable:
        _fsync_dir(target.parent)
    return written


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
    """Write a new file, complete from its first moment, and never over an existing one (see
    NewFiles, which makes many at once). Raises RefusalError when the name is taken, by this
    name or one differing only by case or Unicode normalisation (the same file on macOS)."""
    with NewFiles() as files:
        ticket = files.add(path, rel, data)
        failed = files.flush()
    if ticket in failed:
        raise failed[ticket]


class NewFiles:
    """New files — notes `new` or `import csv` makes — each complete from its first moment and
    never written over an existing one:

        with NewFiles() as files:
            ticket = files.add(path, "Contacts/Dana.md", data)  # refused at once if taken
            failed = files.flush()   # ticket → the error that kept it from its name

    Each file's content goes to a temp file beside it, which is then hard-linked to its name:
    that fails when the name is taken (on a file system without hard links, an exclusive
    create is used instead). A name differing only by case or Unicode normalisation counts as
    taken (see scan.name_key), each folder listed once. The content of a batch of files is made
    durable at once, before any of them gets its name (one sync of the file system where
    Linux has one, rather than an fsync per file), and each folder once at the end, so that a
    crash leaves every file whole or absent.
    """

    def __init__(self, batch: int = 256) -> None:
        self.batch = batch
        self._taken: dict[Path, dict[str, str]] = {}  # folder → name_key(name) → name
        self._pending: list[tuple[int, Path, str, Path, bytes]] = []  # ticket, temp, rel, …
        self._folders: set[Path] = set()
        self._tickets = 0

    def __enter__(self) -> NewFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()
        self._discard()
        for folder in sorted(self._folders):
            _fsync_dir(folder)

    @property
    def full(self) -> bool:
        """Whether a batch is waiting to be flushed."""
        return len(self._pending) >= self.batch

    def add(self, path: Path, rel: str, data: bytes) -> int:
        """Write `data` for `path` under a temp name; its ticket, for what `flush` says. Raises
        RefusalError when the name is taken, JobJournalError when it can't be written."""
        from jobjournal.vault.scan import name_key

        folder = path.parent
        taken = self._taken.get(folder)
        if taken is None:
            try:
                taken = {name_key(name): name for name in os.listdir(folder)}
            except OSError as exc:
                raise JobJournalError(f"cannot read {rel.rpartition('/')[0] or '.'}/ "
                                      f"({exc.strerror or exc})") from None
            self._taken[folder] = taken
        key = name_key(path.name)
        clash = taken.get(key)
        if clash is not None:
            other = f"{rel.rpartition('/')[0]}/{clash}".lstrip("/")
            raise RefusalError(f"{other} already exists: jobjournal never overwrites a note "
                               "(choose another title, or use `jobjournal log` to add to it)")
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.new")
        try:
            with open(temp, "xb") as out:
                out.write(data)
        except OSError as exc:
            with contextlib.suppress(OSError):  # never made (a read-only folder), or half made
                os.unlink(temp)
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise JobJournalError(f"cannot write {rel}: "
                                      f"{folder_refused(exc, folder)}") from None
            raise JobJournalError(f"cannot write {rel} ({exc.strerror or exc})") from None
        taken[key] = path.name
        self._tickets += 1
        self._pending.append((self._tickets, temp, rel, path, data))
        self._folders.add(folder)
        return self._tickets

    def flush(self) -> dict[int, JobJournalError]:
        """Make the waiting files durable, then give each its name; the files that could not
        have it, by ticket (RefusalError: someone else took the name meanwhile)."""
        pending, self._pending = self._pending, []
        failed: dict[int, JobJournalError] = {}
        if not pending:
            return failed
        try:
            _sync([temp for _, temp, _, _, _ in pending])
        except OSError as exc:
            error = JobJournalError(f"cannot write {pending[0][2]} ({exc.strerror or exc})")
            for ticket, temp, _, _, _ in pending:
                failed[ticket] = error
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            return failed
        for ticket, temp, rel, path, data in pending:
            try:
                try:
                    os.link(temp, path)
                except FileExistsError:
                    raise
                except OSError:  # no hard links here (FAT, some network shares)
                    _write_new(path, data)
            except FileExistsError:
                failed[ticket] = RefusalError(
                    f"{rel} already exists: jobjournal never overwrites a note")
            except OSError as exc:
                failed[ticket] = JobJournalError(f"cannot write {rel} ({exc.strerror or exc})")
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
        return failed

    def _discard(self) -> None:
        """Remove the temp files of a batch never flushed (an error on the way)."""
        for _, temp, _, _, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        self._pending = []


def _sync(paths: list[Path]) -> None:
    """Make these files' content durable: on Linux one syncfs of the file system holding them
    (one flush of its journal rather than one per file), else an fsync of each."""
    syncfs = _syncfs()
    if syncfs is not None:
        fd = os.open(paths[0], os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2) through ctypes, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, ImportError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never over an existing file) with the usual mode, and make it durable."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
