"""The `jobjournal-note` merge driver: two devices' edits of one note merge like data
(README, "Git: history, backup and sync between devices"; docs/design.md, "Merging notes").

- the front matter is merged key by key, from "ours" through the byte-exact editor's view of the
  keys' lines: a key changed on one side takes that side's lines; both sides changing one key
  differently is a conflict on that key alone, written as git's conflict markers around that
  key's lines (which `jobjournal check` and the pre-commit hook report, with the line);
- the Log section's entries of both sides are united, in date order (on one date: base's, then
  ours', then theirs'), without duplicates; an entry one side deleted stays deleted;
- the rest of the body is merged by `git merge-file`.

A file that is not a jobjournal note (no jobjournal `type` on both sides), and anything this
module can't take apart with certainty, is merged by `git merge-file` alone, as git would.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jobjournal.core.dates import LEADING_WHEN, DateError, parse_when
from jobjournal.core.model import NoteType
from jobjournal.edit.editor import decode_note, front_matter, key_spans, log_section, split_lines
from jobjournal.errors import RefusalError
from jobjournal.git.hooks import _merge_file

NOTE_TYPES = frozenset(kind.value for kind in NoteType)
_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")  # a list item at the left edge
_ENDING = re.compile(r"\r\n|\r|\n")
_PLACEHOLDER = "jobjournal-merge: the Log goes here 7f3c9e1a"
_MISSING = object()


class _CannotMerge(Exception):
    """Not a note, or not one this driver takes apart with certainty: git's text merge it is."""


def merge_note_versions(base: Path, ours: Path, theirs: Path, *, marker_size: int = 7) -> int:
    """Merge three versions of a note into `ours`, where git wants the result; return the number
    of conflicts (0: merged cleanly). A file that is not a jobjournal note is merged by `git
    merge-file`, whose count this returns."""
    datas = [path.read_bytes() for path in (base, ours, theirs)]
    try:
        data, conflicts = merge_notes(*datas, marker_size=marker_size)
    except _CannotMerge:
        data, conflicts = _merge_file(ours, base, theirs, marker_size)
    ours.write_bytes(data)
    return conflicts


def merge_notes(base: bytes, ours: bytes, theirs: bytes, *, marker_size: int = 7) -> tuple[
    bytes, int
]:
    """The merged note and its number of conflicts; _CannotMerge when the versions are not all
    jobjournal notes (base may be empty: a note both sides added) or can't be taken apart."""
    try:
        texts = [decode_note(data) for data in (base, ours, theirs)]
        versions = [_Version.read(text) for text in texts]
    except (RefusalError, DateError, ValueError) as exc:
        raise _CannotMerge(str(exc)) from None
    b, o, t = versions
    if o.close is None or t.close is None or not (o.is_note() and t.is_note()):
        raise _CannotMerge("not a jobjournal note")
    ending = _uniform_ending(o.lines)
    fm, checked, expected, fm_conflicts = _merge_front_matter(b, o, t, marker_size)
    body, body_conflicts, united = _merge_body(b, o, t, ending, marker_size)
    _verify("".join(checked), body, expected, united, body_conflicts)
    return ("".join(fm) + body).encode("utf-8"), fm_conflicts + body_conflicts


@dataclass
class _Version:
    lines: list[str]
    close: int | None
    spans: dict[str, tuple[int, int]]
    values: dict[Any, Any]
    log: tuple[int, int] | None  # [first, end) line indices of the Log section's content

    @classmethod
    def read(cls, text: str) -> _Version:
        lines, close, spans, values = key_spans(text)
        found = log_section(text)
        return cls(lines, close, spans, values, None if found is None else found[:2])

    def is_note(self) -> bool:
        kind = self.values.get("type")
        return isinstance(kind, str) and kind in NOTE_TYPES

    @property
    def body_start(self) -> int:
        return 0 if self.close is None else self.close + 1

    def key_lines(self, key: str) -> list[str]:
        first, last = self.spans[key]
        return self.lines[first : last + 1]


def _same(a: object, b: object) -> bool:
    """Equal values of the same types (YAML's true is not 1, 1 is not "1")."""
    return a is b or (type(a) is type(b) and repr(a) == repr(b))


def _uniform_ending(lines: list[str]) -> str | None:
    """The line ending every line of `lines` has (the last one may have none); None if mixed."""
    endings = {line[len(line.rstrip("\r\n")) :] for line in lines} - {""}
    return endings.pop() if len(endings) == 1 else None if endings else "\n"


def _with_ending(lines: list[str], ending: str | None) -> list[str]:
    if ending is None:
        return lines
    return [_ENDING.sub(ending, line) if line.endswith(("\n", "\r")) else line + ending
            for line in lines]  # fmt: skip


# --- front matter ---------------------------------------------------------------------------


def _merge_front_matter(
    b: _Version, o: _Version, t: _Version, marker_size: int
) -> tuple[list[str], list[str], dict[Any, Any], int]:
    """(the merged front matter's lines, the same with each conflict resolved to ours, the
    values that one must hold, the number of conflicting keys). Built from ours' lines: only
    the lines of keys theirs changed are replaced, inserted or removed."""
    assert o.close is not None
    ending = _uniform_ending(o.lines[: o.close + 1]) or "\n"
    replace: dict[int, tuple[int, list[str], list[str]]] = {}  # first → (last, merged, checked)
    after: dict[int, list[tuple[list[str], list[str]]]] = {}  # line → [(merged, checked)]
    expected = dict(o.values)
    conflicts = 0
    order = list(o.values) + [key for key in t.values if key not in o.values]
    for key in order:
        mine, yours = o.values.get(key, _MISSING), t.values.get(key, _MISSING)
        was = b.values.get(key, _MISSING)
        if _same(mine, yours) or _same(yours, was):
            continue  # unchanged on their side, or changed alike: ours stands
        theirs_lines = [] if yours is _MISSING else _with_ending(t.key_lines(key), ending)
        if _same(mine, was):  # changed on their side only: theirs it is
            merged = checked = theirs_lines
            if yours is _MISSING:
                del expected[key]
            else:
                expected[key] = yours
        else:
            conflicts += 1
            mine_lines = [] if mine is _MISSING else o.key_lines(key)
            merged = [
                f"{'<' * marker_size} ours{ending}", *mine_lines, f"{'=' * marker_size}{ending}",
                *theirs_lines, f"{'>' * marker_size} theirs{ending}",
            ]  # fmt: skip
            checked = mine_lines
        if key in o.spans:
            first, last = o.spans[key]
            replace[first] = (last, merged, checked)
        else:
            after.setdefault(_anchor(key, o, t), []).append((merged, checked))
    merged_lines: list[str] = []
    checked_lines: list[str] = []
    index = 0
    while index <= o.close:
        if index in replace:
            last, merged, checked = replace[index]
            merged_lines += merged
            checked_lines += checked
        else:
            last = index
            merged_lines += o.lines[index : index + 1]
            checked_lines += o.lines[index : index + 1]
        for merged, checked in after.get(last, []):
            merged_lines += merged
            checked_lines += checked
        index = last + 1
    return merged_lines, checked_lines, expected, conflicts


def _anchor(key: str, o: _Version, t: _Version) -> int:
    """The line of ours after which a key only theirs has goes: after the key before it in
    theirs that ours has too, else after the last key of ours."""
    keys = list(t.values)
    for before in reversed(keys[: keys.index(key)]):
        if before in o.spans:
            return o.spans[before][1]
    return max((last for _, last in o.spans.values()), default=0)


# --- the body -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    lines: tuple[str, ...]  # with their endings, and blank lines after it within the Log
    key: tuple[str, ...]  # what makes two entries the same: their non-blank lines, trimmed
    day: date | None


@dataclass
class _Log:
    lead: list[str]  # lines before the first entry
    entries: list[_Entry]
    tail: list[str]  # blank lines after the last entry

    @classmethod
    def read(cls, lines: list[str]) -> _Log:
        end = len(lines)
        while end and not lines[end - 1].strip():
            end -= 1
        starts = [i for i in range(end) if _ITEM.match(lines[i])]
        if not starts:
            return cls(lines[:end], [], lines[end:])
        entries = []
        previous: date | None = None
        for at, start in enumerate(starts):
            stop = starts[at + 1] if at + 1 < len(starts) else end
            chunk = tuple(lines[start:stop])
            day = _day(lines[start]) or previous
            previous = day
            key = tuple(line.strip() for line in chunk if line.strip())
            entries.append(_Entry(chunk, key, day))
        return cls(lines[: starts[0]], entries, lines[end:])

    def keys(self) -> list[tuple[str, ...]]:
        return [entry.key for entry in self.entries]


def _day(line: str) -> date | None:
    item = _ITEM.match(line)
    content = line[item.end() :] if item else line
    match = LEADING_WHEN.match(content)
    if match is None:
        return None
    try:
        when = parse_when(match["when"], "")
    except DateError:
        return None
    return when.date() if isinstance(when, datetime) else when


def _unite(b: _Log, o: _Log, t: _Log, ending: str | None) -> list[str]:
    """The merged Log section's content lines (see the module's docstring)."""
    if o.keys() == b.keys() and o.lead == b.lead:
        return _with_ending(t.lead + [line for e in t.entries for line in e.lines] + t.tail,
                            ending)  # fmt: skip
    if t.keys() == b.keys() and t.lead == b.lead:
        return o.lead + [line for e in o.entries for line in e.lines] + o.tail
    if o.lead == t.lead or t.lead == b.lead:
        lead = o.lead
    elif o.lead == b.lead:
        lead = _with_ending(t.lead, ending)
    else:
        raise _CannotMerge("both sides changed the text at the top of the Log")
    in_ours, in_theirs, in_base = set(o.keys()), set(t.keys()), set(b.keys())
    ours_by_key = {entry.key: entry for entry in o.entries}
    chosen: list[tuple[int, int, _Entry]] = []
    seen: set[tuple[str, ...]] = set()
    for rank, entries in enumerate((b.entries, o.entries, t.entries)):
        for index, entry in enumerate(entries):
            if entry.key in seen:
                continue
            if entry.key in in_base and not (entry.key in in_ours and entry.key in in_theirs):
                continue  # one side deleted it
            seen.add(entry.key)
            entry = ours_by_key.get(entry.key) or entry
            chosen.append((rank, index, entry))
    days = [entry.day for entry in o.entries if entry.day is not None]
    pairs = list(zip(days, days[1:], strict=False))
    descending = any(a > c for a, c in pairs) and not any(a < c for a, c in pairs)
    direction = -1 if descending else 1

    def order(item: tuple[int, int, _Entry]) -> tuple[int, int, int, int]:
        rank, index, entry = item
        day = entry.day
        return (0, 0, rank, index) if day is None else (1, direction * day.toordinal(), rank, index)

    chosen.sort(key=order)
    lines: list[str] = []
    for _, _, entry in chosen:
        entry_lines = list(entry.lines) if entry in o.entries else _with_ending(
            list(entry.lines), ending
        )
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += ending or "\n"
        lines += entry_lines
    return lead + lines + o.tail


def _merge_body(
    b: _Version, o: _Version, t: _Version, ending: str | None, marker_size: int
) -> tuple[str, int, list[tuple[str, ...]] | None]:
    """(the merged body, its number of conflicts, the Log entries' keys it must hold, or None
    when no version has a Log). The Log's content is taken out of each version, in its place
    a placeholder line; `git merge-file` merges the rest; the united Log replaces the
    placeholder."""
    rests: list[str] = []
    logs: list[_Log] = []
    for version in (b, o, t):
        lines = version.lines[version.body_start :]
        if version is not o and ending and lines:
            final = lines[-1].endswith(("\n", "\r"))
            lines = _with_ending(lines, ending)
            lines[-1] = lines[-1] if final else lines[-1].rstrip("\r\n")
        if version.log is not None:
            first, end = (at - version.body_start for at in version.log)
            logs.append(_Log.read(lines[first:end]))
            if first == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
                lines = [*lines[:-1], lines[-1] + (ending or "\n")]  # the heading ends the file
            lines = [*lines[:first], _PLACEHOLDER + (ending or "\n"), *lines[end:]]
        else:
            logs.append(_Log([], [], []))
        rests.append("".join(lines))
    if any(_PLACEHOLDER in text and text.count(_PLACEHOLDER) != 1 for text in rests) or any(
        _PLACEHOLDER in "".join(version.lines) for version in (b, o, t)
    ):
        raise _CannotMerge("a Log the driver can't place")
    merged, conflicts = _merge_texts(rests[1], rests[0], rests[2], marker_size)
    if all(version.log is None for version in (b, o, t)):
        return merged, conflicts, None
    if merged.count(_PLACEHOLDER) != 1:
        raise _CannotMerge("the Log's heading is in a conflict")
    united = _unite(logs[0], logs[1], logs[2], ending)
    at = merged.index(_PLACEHOLDER)
    stop = at + len(_PLACEHOLDER)
    stop += len(m.group()) if (m := _ENDING.match(merged, stop)) else 0
    text = merged[:at] + "".join(united) + merged[stop:]
    return text, conflicts, _Log.read(split_lines("".join(united))).keys()


def _merge_texts(ours: str, base: str, theirs: str, marker_size: int) -> tuple[str, int]:
    with tempfile.TemporaryDirectory(prefix="jobjournal-merge-") as tmp:
        paths = [Path(tmp, label) for label in ("ours", "base", "theirs")]
        for path, text in zip(paths, (ours, base, theirs), strict=True):
            path.write_bytes(text.encode("utf-8"))
        data, conflicts = _merge_file(paths[0], paths[1], paths[2], marker_size)
    return data.decode("utf-8"), conflicts


def _verify(
    front: str, body: str, expected: dict[Any, Any], united: list[tuple[str, ...]] | None,
    conflicts: int,
) -> None:
    """The merged front matter, with each conflict resolved to ours, must hold the values meant,
    and (when the body merged cleanly) the note the united Log: else git's text merge is used."""
    try:
        values = front_matter(front)
        if set(values) != set(expected) or not all(_same(values[k], expected[k]) for k in values):
            raise RefusalError("the merged front matter is not what was meant")
        if united is not None and not conflicts:
            found = log_section(front + body)
            lines = split_lines(front + body)
            if found is None or _Log.read(lines[found[0] : found[1]]).keys() != united:
                raise RefusalError("the merged Log is not what was meant")
    except RefusalError as exc:
        raise _CannotMerge(str(exc)) from None
