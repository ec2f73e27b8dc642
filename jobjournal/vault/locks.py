"""Locks on a vault, each an exclusive lock on a file named after the vault folder.

- The watch lock: one watcher per vault, held for the watcher's whole life.
- The agenda lock: held only while the agenda note is read, merged and written,
  by `agenda`, the watcher (for each write), the git hooks and `init`: two writers take turns,
  so neither writes a merge of what the note held before the other's write. (The rename makes
  every write whole anyway; the lock keeps a write from undoing another's.) A writer waits for
  the other to finish, up to AGENDA_LOCK_TIMEOUT seconds.

Where: in the user's runtime folder, `$XDG_RUNTIME_DIR/jobjournal/` (Linux), else a private
`jobjournal-<uid>` folder in the per-user temp folder (macOS `$TMPDIR`, Windows `%TEMP%`), as
`watch-<device>-<inode>.lock` and `agenda-<device>-<inode>.lock`. Named by the vault folder's
device and inode, not its path, so a symlink, a second mount point, `--vault` or
`$JOBJOURNAL_VAULT` all find the same lock. Not in the vault, although a git-ignored dot-folder
would keep it out of git and out of the scan: a vault travels (git, Syncthing, iCloud, Dropbox
copy it between devices), and a sync tool replacing the lock file with another device's copy
would leave the running watcher locking a file that no longer has a name, so a second watcher
would start. A lock never touches the vault (and works in a read-only one).

The lock is an OS lock on an open file (`flock` on POSIX, `msvcrt.locking` on Windows), not the
file's existence: it goes away with the process however that ends, so a crash leaves nothing
stale. The watch lock's file holds the holder's PID and vault, for the message a second watcher
prints. A lock file is removed when the lock is let go, so no file is left behind (on Windows,
where an open file can't be removed, they stay). Removing races with a process that has just
opened the file and waits for its lock: so it is removed while still locked, and whoever gets a
lock checks that the file it locked still has the name (same device and inode), else starts
again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from jobjournal.errors import JobJournalError, VaultError

# Windows locks a byte range, and a locked range can't be read by others: lock a byte far past
# the PID so a second process can still read who holds it.
_WINDOWS_LOCK_OFFSET = 1 << 20
#: How long a write of the agenda note waits for another one to finish, in seconds.
AGENDA_LOCK_TIMEOUT = 30.0


class LockedError(JobJournalError):
    """Another process holds one of the vault's locks."""


def lock_dir() -> Path:
    """The user's folder for jobjournal's runtime state (see the module's docstring)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return Path(runtime) / "jobjournal"
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"jobjournal-{user}"


def lock_path(root: Path, kind: str = "watch") -> Path:
    """The lock file of the vault at `root`: its watch lock, or (`kind="agenda"`) its agenda
    lock."""
    try:
        st = os.stat(root)
    except OSError as exc:
        doing = "watch" if kind == "watch" else "lock"
        raise VaultError(f"cannot {doing} {root}: {exc.strerror or exc}") from exc
    return lock_dir() / f"{kind}-{st.st_dev:x}-{st.st_ino:x}.lock"


@contextlib.contextmanager
def vault_lock(root: Path) -> Iterator[Path]:
    """Hold the vault's watch lock for the `with` block; LockedError (exit 2) names the holder."""
    path = lock_path(root)
    fd, pid = _take(path)
    if fd is None:
        holder = f"another watch (pid {pid})" if pid else "another watch"
        raise LockedError(f"{holder} is running on this vault; stop it first (lock: {path})")
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode() + os.fsencode(root) + b"\n")
        yield path
    finally:
        _release(fd, path)


@contextlib.contextmanager
def agenda_lock(root: Path, timeout: float = AGENDA_LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the vault's agenda lock for the `with` block, waiting up to `timeout` seconds for
    another writer to finish; LockedError (exit 2) when it doesn't."""
    path = lock_path(root, "agenda")
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        fd, _pid = _take(path)
        if fd is not None:
            break
        if time.monotonic() >= deadline:
            raise LockedError(
                f"another jobjournal process has been writing the agenda note for "
                f"{timeout:g} s; try again (lock: {path})"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    try:
        yield path
    finally:
        _release(fd, path)


def _take(path: Path) -> tuple[int | None, int | None]:
    """Lock the file at `path` without waiting: its descriptor, or None and the PID the
    holder wrote in it (if any) when another process holds it."""
    while True:
        fd = _open(path)
        try:
            if not _try_lock(fd):
                pid = _read_pid(fd)
                os.close(fd)
                return None, pid
            if _still_named(fd, path):
                return fd, None
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # removed by the holder that just let go: lock what has the name now


def _still_named(fd: int, path: Path) -> bool:
    """Whether the file locked through `fd` is still the one at `path`. The holder before us
    removes the file as it lets go (`_release`): a lock taken on a file that no longer has the
    name locks nothing anyone else will look at, so it must be taken again on what is there."""
    if sys.platform == "win32":
        return True  # an open file can't be removed there: the lock files stay
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _release(fd: int, path: Path) -> None:
    """Remove the lock file, then let go of the lock. Removed while still locked, so no other
    process can hold it meanwhile; one that opened it and waits for it sees, once it has the
    lock, that the name is gone (`_still_named`) and starts again with a new file."""
    try:
        if sys.platform != "win32":
            with contextlib.suppress(OSError):
                os.unlink(path)
        _unlock(fd)
    finally:
        os.close(fd)


def _open(path: Path) -> int:
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(folder)
        # O_NOFOLLOW: in a shared temp folder, never follow a link planted under our name. The
        # descriptor is not inherited (Python's default): a `git` run by the watcher must not
        # keep the lock alive after the watcher is gone.
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise VaultError(f"cannot create the lock file {path}: {exc.strerror or exc}") from exc


def _check_private(folder: Path) -> None:
    """Refuse a lock folder another user could have planted or can write to (shared /tmp)."""
    if not hasattr(os, "getuid"):
        return
    st = os.lstat(folder)
    if (
        not stat.S_ISDIR(st.st_mode)
        or st.st_uid != os.getuid()
        or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        raise VaultError(
            f"the lock folder {folder} is not a private folder of yours: remove it and try again"
        )


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 64).split(b"\n", 1)[0])
    except (OSError, ValueError):
        return None  # the holder has not written its PID yet


if sys.platform == "win32":  # not run by the test suite, which runs on Linux and macOS
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                return False
            raise VaultError(f"cannot lock the vault: {exc.strerror or exc}") from exc
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
