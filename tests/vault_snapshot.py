"""A vault's every byte, to show that a command changed nothing (or only what it may change).

Unlike `VaultDir.snapshot`, links are recorded as links (never followed: a loop or a link out of
the vault must not be read through), and every entry counts: a folder, a named pipe, a leftover
temp file. A file's modification time is kept too: rewriting a file with the same bytes is a
write all the same (a sync tool or git would see it).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

Entry = tuple[object, ...]


def snapshot(root: Path) -> dict[str, Entry]:
    """Every entry under `root` by POSIX relative path: what it is, its content, its mode."""
    found: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):  # links to folders are listed, not walked
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = Path(path).relative_to(root).as_posix()
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                found[rel] = ("folder", mode)  # its mtime changes when a file in it is renamed
            elif stat.S_ISREG(st.st_mode):
                found[rel] = ("file", Path(path).read_bytes(), mode, st.st_mtime_ns)
            else:
                found[rel] = ("other", stat.S_IFMT(st.st_mode), mode)  # never opened: a FIFO
    return found


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """The paths added, removed or changed between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys()
                  if before.get(path) != after.get(path))
