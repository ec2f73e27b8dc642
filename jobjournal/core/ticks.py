"""Reading what the user did in the agenda note: the item lines they ticked, cancelled or
otherwise marked, and the inline fields they typed on them (docs/design.md, "Ticking the agenda").
Pure: text in, values out.

An item line of the agenda is a task line, `- [ ] … ^jj-…`, whose block id names the item. The
user ticks it (`[x]` or `[X]`), cancels it (`[-]`), gives it another mark (`[/]`, `[>]`…), or
types Dataview-style inline fields on it (`[decision_date:: 2026-12-15]`) before or after the
id. The id is the last `^jj-…` token of the line; a `✅ YYYY-MM-DD` (or `❌ YYYY-MM-DD`) on the
line is the day it was ticked, as the Tasks plugin writes it, or as jobjournal keeps it on a line
it could not apply yet. What jobjournal writes itself escapes `[`, `]` and `^` in any user text,
so no note can forge an id or a field on a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

#: A list item with a checkbox: its mark is the character between the brackets.
_TASK_LINE = re.compile(r"^[ \t]*(?:>[ \t]*)*[-*+][ \t]+\[(.)\](?=[ \t]|$)")
#: A block id of jobjournal's (`^jj-0123abcd89`, `^jj-0123abcd89-2`), not escaped.
_ID = re.compile(r"(?<!\\)\^(jj-[0-9a-f]{6,40}(?:-[0-9]+)?)(?![\w-])")
#: A Dataview inline field, `[key:: value]`; the value may hold `[[links]]`.
_FIELD = re.compile(
    r"(?<![\\\[])\[([A-Za-z_][\w-]*)::[ \t]*((?:[^\[\]\\]|\\.|\[\[[^\[\]]*\]\])*?)[ \t]*\]"
)
#: The day a line was ticked (✅) or cancelled (❌), as the Tasks plugin writes it.
_DONE = re.compile(r"(?:✅|❌)\ufe0f?[ \t]*(\d{4}-\d{2}-\d{2})")
#: Where lines end, as the editor and markdown-it see it: `\r\n`, `\r` or `\n`.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
TICKS = frozenset("xX")
_UNTOUCHED = "- [ ] "
CANCELLED = "-"
OPEN = " "
DONE_MARK = "✅"
CANCELLED_MARK = "❌"


@dataclass(frozen=True)
class MarkedLine:
    """One item line of the agenda note, as the user left it."""

    text: str  # the line, without its line ending
    number: int  # 1-based, within the text it was read from
    id: str  # the item's block id, without the caret
    mark: str  # the character between the brackets
    fields: tuple[tuple[str, str], ...]  # inline fields, in the line's order
    done: date | None  # the ✅/❌ day on the line, when there is a valid one

    @property
    def ticked(self) -> bool:
        return self.mark in TICKS

    @property
    def cancelled(self) -> bool:
        return self.mark == CANCELLED

    @property
    def to_apply(self) -> bool:
        """Whether the line asks for a change to a note: a tick, a cancel, or inline fields.
        (Any other mark alone applies nothing: it is kept on the line.)"""
        return self.ticked or self.cancelled or bool(self.fields)

    def dated(self, day: date) -> str:
        """The line with the day it was first read, `✅ DAY` (or `❌ DAY` when cancelled), put
        before its id, unless it carries a day already or marks nothing to date."""
        if self.done is not None or not (self.ticked or self.cancelled):
            return self.text
        sign = CANCELLED_MARK if self.cancelled else DONE_MARK
        last = _last(_ID, self.text)
        assert last is not None  # a MarkedLine has an id
        head = self.text[: last.start()].rstrip()
        return f"{head} {sign} {day.isoformat()} {self.text[last.start():]}"


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def marked_line(text: str, number: int = 1) -> MarkedLine | None:
    """The item line `text` (one line, no line ending) as a MarkedLine; None when it is no task
    line carrying an id of jobjournal's."""
    box = _TASK_LINE.match(text)
    if box is None:
        return None
    last = _last(_ID, text)
    if last is None:
        return None
    fields = tuple((m[1], m[2]) for m in _FIELD.finditer(text, box.end()))
    done = None
    day = _last(_DONE, text)
    if day is not None:
        try:
            done = date.fromisoformat(day[1])
        except ValueError:
            done = None
    return MarkedLine(text, number, last[1], box[1], fields, done)


def read_marked_lines(text: str) -> list[MarkedLine]:
    """Every item line of `text` (the agenda note's generated part) that the user marked or typed
    inline fields on, in order (an open line as jobjournal wrote it says nothing)."""
    return list(_marked_lines(text))


def _marked_lines(text: str) -> Iterator[MarkedLine]:
    if "^jj-" not in text:
        return
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        # (most lines are items as jobjournal wrote them: open, with no field to read)
        if "^jj-" in line and (not line.startswith(_UNTOUCHED) or "::" in line):
            found = marked_line(line, number)
            if found is not None:
                yield found


def unite_marked_lines(block: str, base: str, ours: str, theirs: str) -> str:
    """`block` (a generated part) holding the marked lines of both sides of a merge of the agenda
    note, whose generated parts are `base`, `ours` and `theirs`: a line new on either side is
    kept; a line of the base is kept while both sides still hold it (a side that took it out
    applied it). Each line replaces its item's line in `block`, or, when `block` has none, is
    added at the end: it is applied (or carried over) before the agenda is written again."""
    lines = [[line.text for line in read_marked_lines(part)] for part in (base, ours, theirs)]
    before, mine, yours = lines
    kept: list[str] = []
    for text in [*mine, *yours]:
        new = text not in before
        if (new or (text in mine and text in yours)) and text not in kept:
            kept.append(text)
    own = {line.text for line in read_marked_lines(block)}  # a side's marks: decided above
    out = [line for line in LINE_BREAK.split(block) if line not in own]
    places: dict[str, int] = {}
    for n, line in enumerate(out):
        last = _last(_ID, line) if "^jj-" in line else None
        if last is not None:
            places.setdefault(last[1], n)
    at_end: list[str] = []
    for text in kept:
        found = marked_line(text)
        place = places.pop(found.id, None) if found is not None else None
        if place is None:
            at_end.append(text)
        else:
            out[place] = text
    if at_end:
        tail = [out.pop()] if out and out[-1] == "" else []
        out += at_end + tail
    return "\n".join(out)
