"""Writing files so that an editor, a sync tool or git never sees half of one (PRODUCT §4.2, §9)."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from .errors import JobJournalError


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
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
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
