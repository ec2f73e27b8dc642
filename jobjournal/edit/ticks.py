"""Applying one line the user marked in the agenda to the text of its item's note (docs/design.md,
"Ticking the agenda"). Pure: text in, text out, through the byte-exact editor (editor.py) that
`jobjournal log` uses, so only the lines the change needs are touched.

A tick (`[x]`) says the contact the item asked for happened, on the line's day:

| kind | what the note gets |
|---|---|
| call-back | a Log entry "Returned <person>'s call", with the time of day when it is today's |
| thank-you, thank-referrer | `thank_you` / `thanked` set to the day |
| decision-follow-up, application-follow-up, follow-up, stay-in-touch | a Log entry saying so |
| gather-info, ask-decision-date, ask-new-date | a Log entry "Asked …" (the item stays, and says \
so, until the field it needs is recorded) |
| offer-deadline | a Log entry "Answered the offer" |
| move-on | `status: ghosted`, and its `status:` record |
| appointment | a Log entry "Interview held" / "Meeting held", `status: completed` and its record |
| task | the task line ticked in place, `[x]` and ` ✅ DAY`, as the Tasks plugin does |

`[-]` on a thank-you sets the field to `skipped`; on any other kind it is refused. Inline fields
(`[decision_date:: 2026-12-15]`) are set on the note, each read and checked as the note's own
field would be (a bad one refuses the whole line: nothing of it is written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from jobjournal.core.dates import DateError, parse_day, parse_when
from jobjournal.core.fields import COERCERS, KNOWN_FIELDS, FieldError, meant_field, thanks_field
from jobjournal.core.model import (
    ANSWERED_MARK,
    ASKED_MARK,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Item,
    Kind,
    NoteType,
    item_id,
)
from jobjournal.core.parse import parse_note
from jobjournal.core.rules import task_sources
from jobjournal.core.ticks import DONE_MARK, MarkedLine
from jobjournal.edit import editor
from jobjournal.edit.records import status_record
from jobjournal.errors import RefusalError

#: Kinds whose `[-]` means "no thank-you will be sent".
THANKS_KINDS = frozenset({Kind.THANK_YOU, Kind.THANK_REFERRER})
_STATUSES = OPEN_STATUSES | CLOSED_STATUSES
_LIST_KEYS = frozenset({"with", "tags"})
_WHEN_KEYS = frozenset({"date", "missed_call"})
_SENT_KEYS = frozenset({"thank_you", "thanked"})
_DATE_SHAPED = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
# An open task's checkbox at the start of a line (in a list, a quote or a callout).
_OPEN_TASK = re.compile(r"^([ \t]*(?:>[ \t]*)*(?:[-*+]|\d+[.)])[ \t]+\[)[ /](\])")
# A block id ending a line (`^abc-1`): the done date goes before it, as the Tasks plugin puts it.
_BLOCK_ID = re.compile(r"[ \t]+\^[\w-]+[ \t]*$")


class LineRefused(ValueError):
    """The line can't be applied as it stands (a bad inline value, `[-]` on an item that is no
    thank-you): the message says why, for the agenda's Problems."""


def apply_line(
    text: str, path: str, line: MarkedLine, item: Item, day: date, at: time | None = None, *,
    tasks_from_all: bool = False, zone: str = "",
) -> tuple[str, list[str]]:
    """The note's text with `line` applied to it, and what changed, one line each (`- 2026-12-03
    Followed up …`, `thank_you: 2026-12-03`). `day` is the day of the tick; `at` the time of day,
    for a tick made today. RefusalError when the note can't be edited safely (broken front
    matter, conflict markers…); LineRefused when the line can't be applied."""
    before = editor.front_matter(text)
    note_type = _note_type(before)
    fields = [(key, inline_value(note_type, key, raw)) for key, raw in _unique(line.fields)]
    when: date | datetime = datetime.combine(day, at) if at is not None else day
    entry: str | None = None
    status: str | None = None
    if line.cancelled:
        if item.kind not in THANKS_KINDS:
            raise LineRefused(
                "`[-]` only skips a thank-you: tick the line (`[x]`) when it is done, or set it "
                "back to `[ ]`")
        fields.insert(0, (_thanks_key(note_type), "skipped"))
    elif line.ticked:
        if item.kind is Kind.TASK:
            text = _tick_task(text, path, line.id, day, tasks_from_all, zone)
        elif item.kind in THANKS_KINDS:
            fields.insert(0, (_thanks_key(note_type), day))
        elif item.kind is Kind.MOVE_ON:
            status = "ghosted"
        elif item.kind is Kind.APPOINTMENT:
            entry = f"{'Meeting' if note_type is NoteType.MEETING else 'Interview'} held"
            status = "completed"
        else:
            entry = log_text(item)
    if any(key == "status" for key, _ in fields):
        status = None  # the status the user typed wins over the one a tick implies
    elif status is not None:
        fields.append(("status", status))
    changes: list[str] = []
    old_status = before.get("status")
    if fields:
        text = editor.set_fields(text, [(key, editor.yaml_value(value)) for key, value in fields])
        changes += [f"{key}: {editor.yaml_value(value)}" for key, value in fields]
    if item.kind is Kind.TASK and line.ticked:
        changes.insert(0, f"task ticked: {item.text} {DONE_MARK} {day.isoformat()}")
    new_status = dict(fields).get("status")
    record = status_record(old_status, new_status) if new_status is not None else None
    for words in (entry, record):
        if words is not None:
            logged = f"{editor.format_when(when)} {words}"
            if not _logged(text, logged):
                text = editor.append_log(text, logged)
                changes.append(f"- {logged}")
    return text, changes


def log_text(item: Item) -> str:
    """The Log entry a tick writes for an item whose kind is a contact made (or asked for)."""
    who = item.contact
    with_who = f" with {who}" if who and who != item.title else ""
    kind = item.kind
    if kind is Kind.CALL_BACK:
        return f"Returned {who}'s call" if who else "Returned the call"
    if kind is Kind.DECISION_FOLLOW_UP:
        return f"Followed up{with_who} on the decision"
    if kind is Kind.APPLICATION_FOLLOW_UP:
        return f"Followed up{with_who} on the application"
    if kind is Kind.FOLLOW_UP:
        return f"Followed up{with_who}, as planned"
    if kind is Kind.STAY_IN_TOUCH:
        return f"Got in touch{with_who}"
    asked = f"{ASKED_MARK}{who or 'them'}"
    if kind is Kind.GATHER_INFO:
        return f"{asked} about what the interview's note is missing"
    if kind is Kind.ASK_DECISION_DATE:
        return f"{asked} when the decision will be made"
    if kind is Kind.ASK_NEW_DATE:
        return f"{asked} for a new decision date"
    if kind is Kind.OFFER_DEADLINE:
        return ANSWERED_MARK
    raise LineRefused(f"a {kind.value} item can't be ticked")  # pragma: no cover - every kind


def _note_type(front_matter: dict[Any, Any]) -> NoteType | None:
    raw = front_matter.get("type")
    try:
        return NoteType(raw.strip()) if isinstance(raw, str) else None
    except ValueError:
        return None


def _thanks_key(note_type: NoteType | None) -> str:
    key = thanks_field(note_type) if note_type is not None else None
    if key is None:
        raise LineRefused("this note has no thank-you field")
    return key


def _unique(fields: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    keys = [key for key, _ in fields]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise LineRefused(f"`{twice[0]}` is given twice on the line: keep one")
    return list(fields)


def _a(note_type: NoteType) -> str:
    return f"{'an' if note_type.value[0] in 'aeiou' else 'a'} {note_type.value}"


def inline_value(note_type: NoteType | None, key: str, raw: str) -> object:
    """The value an inline field `[key:: raw]` sets on a note of this type, typed as `log --set`
    types it and checked as reading the note would check it; LineRefused, saying why, when it is
    not one of the type's fields or not a good value for it."""
    text = raw.strip()
    if note_type is None:
        raise LineRefused(f"`{key}`: this note is not a jobjournal note, so it has no fields")
    if key == "type" or key not in KNOWN_FIELDS[note_type]:
        meant = meant_field(note_type, key)
        hint = f": did you mean `{meant}`?" if meant else ""
        raise LineRefused(f"`{key}` is not a field of {_a(note_type)}{hint}")
    if not text:
        raise LineRefused(f"`{key}` has no value: write one, as in `[{key}:: …]`")
    try:
        if key == "status":
            status = text.lower()
            if status not in _STATUSES:
                raise LineRefused(f"`status`: unknown status {text!r}: use one of "
                                  f"{', '.join(sorted(OPEN_STATUSES) + sorted(CLOSED_STATUSES))}")
            return status
        if key in _SENT_KEYS:
            if text.lower() in ("true", "skipped"):
                return True if text.lower() == "true" else "skipped"
            if not _DATE_SHAPED.match(text):
                raise LineRefused(f"`{key}`: {text!r}: write the day you sent it (YYYY-MM-DD), "
                                  "true, or skipped")
            return parse_day(text)
        if key in _WHEN_KEYS:
            return parse_when(text)
        if key in ("follow_up", "last_contact", "decision_date", "respond_by", "applied"):
            return parse_day(text)
        if key in _LIST_KEYS:
            values = [part.strip() for part in text.split(",") if part.strip()]
            COERCERS[key](values)
            return values
        value = COERCERS[key](text)  # what reading the note would say of it, and its range
        return value if key in ("candidates", "stay_in_touch") else text
    except (DateError, FieldError) as exc:
        raise LineRefused(f"`{key}`: {exc}") from None


def _logged(text: str, entry: str) -> bool:
    """Whether the note's Log holds this very entry already (a tick applied once must not be
    written twice, should the agenda note have kept it)."""
    section = editor.log_section(text)
    if section is None:
        return False
    lines = editor.split_lines(text)
    return any(lines[i].rstrip("\r\n")[2:] == entry for i in range(*section[:2]))


def _tick_task(text: str, path: str, wanted: str, day: date, tasks_from_all: bool,
               zone: str) -> str:
    """The note with the task whose item has the id `wanted` ticked in place: `[x]`, and ` ✅ DAY`
    at the end of its line (before a block id), as the Tasks plugin ticks it."""
    note, _ = parse_note(path, text.encode("utf-8"), tasks_from_all=tasks_from_all, zone=zone)
    tasks = [] if note is None else task_sources(note.tasks)
    found = [t for t, source, nth in tasks if item_id(path, Kind.TASK, source, nth) == wanted]
    if not found:
        raise RefusalError("its task is no longer open: tick it in the note")
    lines = editor.split_lines(text)
    index = found[0].line - 1
    if not 0 <= index < len(lines):  # pragma: no cover - the parser's own line
        raise RefusalError("its task could not be found: tick it in the note")
    line = lines[index]
    bare = line.rstrip("\r\n")
    box = _OPEN_TASK.match(bare.removeprefix(editor.BOM))
    if box is None:
        raise RefusalError(f"line {index + 1} is not the open task it should be: tick it in "
                           "the note")
    bom = editor.BOM if bare.startswith(editor.BOM) else ""
    body = bare[len(bom):]
    body = f"{box[1]}x{box[2]}{body[box.end():]}"
    block = _BLOCK_ID.search(body)
    done = f" {DONE_MARK} {day.isoformat()}"
    body = (body[: block.start()] + done + body[block.start():] if block
            else body.rstrip(" \t") + done)
    lines[index] = bom + body + line[len(bare):]
    return "".join(lines)
