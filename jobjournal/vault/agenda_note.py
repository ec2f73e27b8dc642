"""The agenda note: where it may live, and rewriting only its generated part.

Everything outside the `<!-- jobjournal:begin -->` / `<!-- jobjournal:end -->` marker lines is the
user's and is kept byte for byte; a file at the agenda path without the markers is the user's own
note, and jobjournal refuses to touch it; so is a read-only one (chmod 444: frozen by its owner).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jobjournal.core.ticks import read_marked_lines
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault.atomic import atomic_write
from jobjournal.vault.locks import agenda_lock

BEGIN = "<!-- jobjournal:begin -->"
END = "<!-- jobjournal:end -->"
NEW_NOTE_FRONT_MATTER = "---\ntype: agenda\ngenerated_by: jobjournal\n---\n"

_BOM = "\ufeff"
# A marker is a whole line: surrounding spaces or tabs allowed; the line ending is captured.
_BEGIN_LINE = re.compile(rf"^[ \t]*{re.escape(BEGIN)}[ \t]*(\r\n|\n|\r|$)", re.MULTILINE)
_END_LINE = re.compile(rf"^[ \t]*{re.escape(END)}[ \t]*(?=\r\n|\n|\r|$)", re.MULTILINE)
_HOW_TO_FIX = (
    f"add a line {BEGIN} and, below it, a line {END} where the agenda should go, "
    "or set [agenda] path in .jobjournal.toml to another note"
)
# Writing races with an editor saving the same note: re-read when it changed under us.
_ATTEMPTS = 5
# A temp file of atomic_write's for the agenda note (`.Agenda.md.k2j4_x9z.tmp`) still there
# this long after it was last written was left by a writer that was killed: removed.
_LEFTOVER_SECONDS = 60


def agenda_file(root: Path, relpath: str) -> Path:
    """The real path of the agenda note, refusing one outside the vault (symlinks included),
    in a hidden folder, not ending in `.md`, or that is a folder."""
    if not relpath.endswith(".md"):
        raise RefusalError(f'agenda path "{relpath}" must be a note ending in ".md"')
    if Path(relpath).is_absolute() or relpath.startswith(("/", "\\", "~")):
        raise RefusalError(f'agenda path "{relpath}" must be relative to the vault')
    try:
        vault = root.resolve(strict=True)
        path = (vault / relpath).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, a missing vault
        raise RefusalError(f'agenda path "{relpath}" cannot be resolved: {exc}') from None
    if not path.is_relative_to(vault):
        raise RefusalError(
            f'agenda path "{relpath}" leads outside the vault ({path}); '
            "set [agenda] path in .jobjournal.toml to a note inside it"
        )
    inside = path.relative_to(vault).parts
    if not inside or any(part.startswith(".") for part in inside):
        raise RefusalError(f'agenda path "{relpath}" is in a hidden folder Obsidian does not show')
    if path.suffix != ".md":
        raise RefusalError(f'agenda path "{relpath}" points to {path.name}, which is not a note')
    if path.is_dir():
        raise RefusalError(f'agenda path "{relpath}" is a folder, not a note')
    return path


def merge_agenda(existing: str | None, block: str) -> str:
    """The agenda note's new text: `block` put between the markers of `existing`.

    None or an empty (or blank) file gives a new note with front matter. Text outside the markers
    is kept byte for byte; the block takes the line ending of the begin marker's line (CRLF
    stays CRLF). Raises RefusalError when `existing` has no markers, or they are not one begin
    marker followed by one end marker.
    """
    block = _block_of(block)
    bom = _BOM if existing and existing.startswith(_BOM) else ""
    text = (existing or "")[len(bom) :]
    if not text or text.isspace():
        return f"{bom}{NEW_NOTE_FRONT_MATTER}{BEGIN}\n{block}{END}\n"
    begins = _marker_lines(_BEGIN_LINE, BEGIN, text)
    ends = _marker_lines(_END_LINE, END, text)
    if not begins and not ends:
        raise RefusalError(
            "the agenda note has no jobjournal markers: it is your own note, so jobjournal "
            f"leaves it alone; to use it, {_HOW_TO_FIX}"
        )
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        found = f"{len(begins)} begin and {len(ends)} end marker lines"
        if len(begins) == 1 and len(ends) == 1:
            found = "the end marker before the begin marker"
        raise RefusalError(
            f"the agenda note's markers are broken ({found}): jobjournal will not guess which "
            f"part is yours; keep exactly one {BEGIN} line followed by one {END} line, "
            "or set [agenda] path in .jobjournal.toml to another note"
        )
    begin, end = begins[0], ends[0]
    newline = begin.group(1)
    if newline != "\n":
        block = block.replace("\n", newline)
    return f"{bom}{text[: begin.end()]}{block}{text[end.start() :]}"


def _block_of(block: str) -> str:
    """A generated part as it goes between the markers: line feeds only, a final one; and no
    marker line in it (ValueError: a bug)."""
    if "\r" in block:
        block = block.replace("\r\n", "\n")
    if not block.endswith("\n"):
        block += "\n"
    if _marker_lines(_BEGIN_LINE, BEGIN, block) or _marker_lines(_END_LINE, END, block):
        raise ValueError("the generated agenda must not contain a marker line")
    return block


def _around(text: str) -> tuple[bytes, bytes, str] | None:
    """What surrounds the generated part of an agenda note's text, in UTF-8 (everything up to
    the begin marker's line ending, everything from the end marker's line on), and that line
    ending; None when the markers are not one begin and one end line."""
    begins = _marker_lines(_BEGIN_LINE, BEGIN, text)
    ends = _marker_lines(_END_LINE, END, text)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    begin, end = begins[0], ends[0]
    return text[: begin.end()].encode("utf-8"), text[end.start() :].encode("utf-8"), begin[1]


def generated_part(text: str) -> str:
    """The text between the agenda's marker lines ("" when there are none)."""
    begins = _marker_lines(_BEGIN_LINE, BEGIN, text)
    ends = _marker_lines(_END_LINE, END, text, begins[0].end()) if begins else []
    return text[begins[0].end() : ends[0].start()] if begins and ends else ""


def without_generated_part(text: str) -> str:
    """`text` with the lines between the agenda's marker lines left empty: the user's text, each
    line where it was (for messages naming a line)."""
    begins = _marker_lines(_BEGIN_LINE, BEGIN, text)
    ends = _marker_lines(_END_LINE, END, text, begins[0].end()) if begins else []
    if not begins or not ends:
        return text
    start, end = begins[0].end(), ends[0].start()
    return text[:start] + "\n" * text.count("\n", start, end) + text[end:]


def _marker_lines(line: re.Pattern[str], marker: str, text: str, start: int = 0
                  ) -> list[re.Match[str]]:
    """What `line.finditer(text, start)` finds, where `line` matches a line holding `marker`:
    the pattern is tried only at the start of the lines that hold the marker (tried at every
    line of a large agenda, it costs a hundred times more). tests/test_agenda_note.py holds
    both ways equal."""
    found: list[re.Match[str]] = []
    at = text.find(marker, start)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if line_start >= start and (not found or found[-1].start() != line_start):
            match = line.match(text, line_start)
            if match is not None:
                found.append(match)
        at = text.find(marker, at + len(marker))
    return found


def write_agenda(root: Path, relpath: str, block: str, *, last: str | None = None) -> bool:
    """See `_write_agenda`."""
    return _write_agenda(root, relpath, block, last=last)[0]


def _write_agenda(root: Path, relpath: str, block: str, *, last: str | None = None,
                  known: Written | None = None) -> tuple[bool, Written | None]:
    """Write `block` into the agenda note at `relpath` (creating it and its folders when missing),
    atomically and only when its content changes. Returns whether the file was written.

    Never over a line the user ticked (or typed fields on) that `block` doesn't hold (a tick
    made after it was computed, not applied yet): MarkedMeanwhile then, and nothing written
    (the next regeneration applies it first). `last` is the generated part the caller wrote
    last time: when the note still holds it, nobody marked anything since, and it is not
    looked through.

    `known` is the note as the caller last wrote or read it: while the file has its signature,
    it is taken to hold that text and not read. Returns, with whether the file was written, the
    note as written or found.

    Holds the vault's agenda lock meanwhile (locks.py): two writers take turns."""
    path = agenda_file(root, relpath)
    with agenda_lock(root):
        return _write_locked(path, relpath, block, last, known)


#: How long after a file's last modification its signature alone is not trusted: a change made
#: within the same tick of the file system's clock keeps the modification time, and a tick
#: ([ ] → [x]) keeps the size. Two seconds where modification times are whole seconds (FAT,
#: HFS+), a tenth of a second elsewhere (the kernel's clock ticks every few milliseconds).
_RACY_NS = (2_000_000_000, 100_000_000)


@dataclass
class Written:
    """A file's text as jobjournal last wrote or read it, with its stat signature then (inode,
    size, modification time in ns). While the file has that signature it holds that text: the
    text is compared as well until a comparison made later than a tick of the file system's
    clock after the modification found it the same (so a change made within that tick, which
    keeps the signature, is seen), as git does with its "racily clean" files."""

    text: str  # "" when only its bytes are kept
    signature: tuple[int, int, int]
    data: bytes | None = None  # the text in UTF-8, when known
    verified: bool = False

    def holds(self, path: Path) -> bool:
        """Whether the file at `path` holds this text, reading it only while it is racy."""
        if signature(path) != self.signature:
            return False
        if self.verified:
            return True
        modified = self.signature[2]
        racy = _RACY_NS[0] if modified % 1_000_000_000 == 0 else _RACY_NS[1]
        settled = time.time_ns() > modified + racy  # (before the read: a later change shows)
        if self.data is None:
            self.data = self.text.encode("utf-8")
        try:
            same = path.read_bytes() == self.data
        except OSError:
            return False
        self.verified = same and settled and signature(path) == self.signature
        return same


class AgendaWriter:
    """`write_agenda` for a caller that writes the agenda note again and again (a watcher): it
    remembers the note as it last wrote or read it (`Written`), so that while nobody touched the
    file it is neither read again nor looked through for the user's marks; and then the new
    note is made as bytes, from the bytes around the generated part and the new part, without
    making its whole text first."""

    def __init__(self, root: Path, relpath: str) -> None:
        self.root, self.relpath = root, relpath
        self._known: Written | None = None
        #: the bytes around the generated part of the known note, and the begin marker's line
        #: ending; and its generated part
        self._around: tuple[bytes, bytes, str] | None = None
        self._block: str | None = None

    def write(self, block: str, last: str | None, data: bytes | None = None) -> bool:
        """`write_agenda(root, relpath, block, last=last)`; raises as it does. `data`: the
        block in UTF-8, when the caller has it (`MarkdownRenderer.data`)."""
        known, self._known = self._known, None  # (forgotten should the write fail)
        around, self._around = self._around, None
        path = agenda_file(self.root, self.relpath)
        if known is not None and around is not None and self._block is not None:
            with agenda_lock(self.root):
                if known.holds(path):
                    normal = _block_of(block)
                    return self._write_around(path, known, around, normal,
                                              data if normal is block else None)
        written, self._known = _write_agenda(self.root, self.relpath, block, last=last,
                                             known=known if known and known.text else None)
        if self._known is not None:
            text = self._known.text
            self._around = _around(text)
            self._block = generated_part(text).replace("\r\n", "\n") if self._around else None
        return written

    def _write_around(self, path: Path, known: Written, around: tuple[bytes, bytes, str],
                      block: str, data: bytes | None) -> bool:
        """Write `block` into the note `known` holds (the note as written here last: no mark
        of the user's to look for), between the bytes `around` it; what `_write_locked` does."""
        head, tail, newline = around
        if block == self._block:
            self._known, self._around = known, around
            return False
        if read_only(path):
            raise RefusalError(_read_only(self.relpath))
        if data is None or newline != "\n":
            data = (block if newline == "\n" else block.replace("\n", newline)).encode("utf-8")
        data = b"".join((head, data, tail))
        if signature(path) != known.signature:  # saved by someone else this very moment
            raise MarkedMeanwhile(f"{self.relpath} changed while the agenda was being written")
        st = atomic_write(path, data)
        _remove_leftovers(path)
        self._known = Written("", signature_of(st), data)
        self._around, self._block = around, block
        return True

    def untouched(self) -> bool:
        """Whether the note is exactly the one last written or read here."""
        known = self._known
        if known is None:
            return False
        try:
            return known.holds(agenda_file(self.root, self.relpath))
        except RefusalError:
            return False


class MarkedMeanwhile(RefusalError):
    """The agenda note holds a line the user ticked since the agenda to write was computed."""


def unseen_marks(existing: str, block: str, last: str | None = None) -> bool:
    """Whether the agenda note's text `existing` holds a line the user ticked, cancelled or typed
    inline fields on that `block` doesn't hold as they left it; `last` as in write_agenda.
    (Another mark alone asks for nothing: it may go.)"""
    part = generated_part(existing)
    if "^jj-" not in part or (last is not None and part.replace("\r\n", "\n") == last):
        return False
    wanted = {(line.id, line.mark, line.fields) for line in read_marked_lines(part)
              if line.to_apply}
    return bool(wanted - {(line.id, line.mark, line.fields) for line in read_marked_lines(block)})


def _write_locked(path: Path, relpath: str, block: str, last: str | None = None,
                  known: Written | None = None) -> tuple[bool, Written | None]:
    for _ in range(_ATTEMPTS):
        existing: str | None
        seen: tuple[int, int, int] | None
        ours = known is not None and known.holds(path)
        if known is not None and ours:
            existing, seen = known.text, known.signature
        else:
            existing, seen = _read(path, relpath)
        try:
            merged = merge_agenda(existing, block)
        except RefusalError as exc:
            raise RefusalError(f"{relpath}: {exc.message}") from None
        if merged == existing:
            return False, (Written(existing, seen) if existing is not None and seen else None)
        if existing is None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise JobJournalError(f"cannot create the folder for {relpath}: {exc}") from exc
        if signature(path) != seen:
            continue  # saved by someone else since we read it: merge again with what is there now
        if existing is not None and read_only(path):
            raise RefusalError(_read_only(relpath))
        if existing is not None and not ours and unseen_marks(existing, block, last):
            raise MarkedMeanwhile(
                f"{relpath}: a line was ticked while the agenda was being worked out, so it was "
                "not rewritten; run jobjournal agenda again to apply it")
        data = merged.encode("utf-8")
        st = atomic_write(path, data)
        _remove_leftovers(path)
        return True, Written(merged, signature_of(st), data)
    raise JobJournalError(f"{relpath} keeps changing while jobjournal writes it; try again")


def _read_only(relpath: str) -> str:
    return (f"{relpath} is read-only (its permissions say so): jobjournal will not replace it; "
            f"make it writable (chmod u+w {relpath}) to have the agenda written, or set "
            "[agenda] path in .jobjournal.toml to another note")


def rewrite_generated_part(path: Path, relpath: str, change: Callable[[str], str]) -> bool:
    """Replace the agenda note's generated part with `change(generated part)`, as `write_agenda`
    writes a block; for a caller holding the agenda lock. Whether the file was written."""
    for _ in range(_ATTEMPTS):
        existing, seen = _read(path, relpath)
        if existing is None:
            return False
        block = change(generated_part(existing).replace("\r\n", "\n"))
        try:
            merged = merge_agenda(existing, block)
        except RefusalError as exc:
            raise RefusalError(f"{relpath}: {exc.message}") from None
        if merged == existing:
            return False
        if signature(path) != seen:
            continue
        if read_only(path):
            return False
        atomic_write(path, merged.encode("utf-8"))
        return True
    raise JobJournalError(f"{relpath} keeps changing while jobjournal writes it; try again")


def _remove_leftovers(path: Path) -> None:
    """Remove the temp files a killed write of the agenda note left beside it. They are hidden
    (a dot-file: never scanned, nor shown by Obsidian) but would travel with the vault."""
    leftover = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    prefix = f".{path.name}."
    too_old = time.time() - _LEFTOVER_SECONDS
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and leftover.fullmatch(entry.name):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < too_old:
                        os.unlink(entry.path)


def _read(path: Path, relpath: str) -> tuple[str | None, tuple[int, int, int] | None]:
    """The note's text (None when missing) and its signature when read."""
    try:
        seen = signature(path)
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise JobJournalError(f"cannot read {relpath}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8"), seen
    except UnicodeDecodeError:
        raise RefusalError(
            f"{relpath} is not UTF-8 text, so jobjournal will not overwrite it; "
            "save it as UTF-8 or set [agenda] path in .jobjournal.toml to another note"
        ) from None


def read_only(path: Path) -> bool:
    """Whether the note's permission bits forbid this user to write it. A rename would replace
    it all the same (that needs only the folder's permission), but a user who froze the agenda
    (chmod 444) meant to keep it as it is. The bits count, not the system's say: root may
    write anything, and a read-only file system is another error."""
    try:
        st = os.stat(path)
    except OSError:
        return False  # gone: nothing to keep
    if not hasattr(os, "geteuid"):  # Windows: the read-only attribute clears every write bit
        return not st.st_mode & stat.S_IWUSR
    uid = os.geteuid()
    if uid == 0 or st.st_uid == uid:
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH if uid == 0 else stat.S_IWUSR
    elif st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        bits = stat.S_IWGRP
    else:
        bits = stat.S_IWOTH
    return not st.st_mode & bits


def signature_of(st: os.stat_result) -> tuple[int, int, int]:
    """A file's stat signature (`Written.signature`): inode, size, modification time in ns."""
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def signature(path: Path) -> tuple[int, int, int] | None:
    """The stat signature of the file at `path`; None when there is none (OSError else)."""
    try:
        return signature_of(os.stat(path))
    except FileNotFoundError:
        return None
