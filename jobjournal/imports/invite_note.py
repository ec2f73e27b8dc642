"""What an invite (imports/invite.py) writes: the fields and the `## Invite` section of a new
note, or the few changes to the note an earlier invite of the same UID made (README, "Calendar
invites"). Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobjournal.core.dates import DateError, parse_when
from jobjournal.core.model import NoteType, When
from jobjournal.edit import editor as edit
from jobjournal.imports.invite import Invite, Person

INVITE_HEADING = "## Invite"
_LOG_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+log[ \t]*#*[ \t]*$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
#: A line of the invite's text that Markdown would read as more than text (a heading, a list
#: item — a Log entry or a task —, a quote, a fence, a rule, HTML, a table, a link
#: definition): escaped.
_BLOCK_START = re.compile(r"^(?:[#>*+=_~`<|\[-]|\d{1,9}[.)])")


def note_fields(invite: Invite, note_type: NoteType,
                named: Callable[[Person], str]) -> list[tuple[str, object]]:
    """The front-matter fields of a new note made from `invite`: only what the invite gives
    (a template's empty `company:` stays empty rather than guessed). `named` writes a person
    as the note names them: a link to their contact note, else their name."""
    fields: list[tuple[str, object]] = [("date", invite.start)]
    people = list(invite.attendees)
    if note_type is NoteType.INTERVIEW:
        if invite.organizer is not None:
            fields.append(("recruiter", named(invite.organizer)))
        if invite.company:
            fields.append(("company", invite.company))
        if invite.role:
            fields.append(("role", invite.role))
    elif invite.organizer is not None and all(
            person.email != invite.organizer.email for person in people):
        people.insert(0, invite.organizer)  # a meeting has no recruiter: its organizer is met
    if people:
        fields.append(("with", [named(person) for person in people]))
    if invite.location:
        fields.append(("location", invite.location))
    fields += [("uid", invite.uid), ("sequence", invite.sequence)]
    return fields


def invite_title(invite: Invite, note_type: NoteType, make_title: Callable[[str], str]) -> str:
    """The new note's title: the invite's summary as a file name allows it, else "Interview
    2026-12-08" (the type and the day)."""
    try:
        return make_title(invite.summary)
    except ValueError:
        day = invite.start.date() if isinstance(invite.start, datetime) else invite.start
        return f"{note_type.value.capitalize()} {day.isoformat()}"


def invite_section(invite: Invite) -> list[str]:
    """The `## Invite` section's lines: who sent it and to whom (with their addresses, which
    the front matter doesn't keep), then the invite's text, every line of it plain text."""
    lines = [INVITE_HEADING, ""]
    if invite.organizer is not None:
        lines.append(f"Organizer: {_address(invite.organizer)}  ")
    if invite.attendees:
        lines.append(f"Guests: {', '.join(_address(person) for person in invite.attendees)}  ")
    if invite.video and invite.video != invite.location:
        lines.append(f"Video call: {invite.video}  ")
    if len(lines) > 2:
        lines[-1] = lines[-1].rstrip()
        lines.append("")
    text = plain_text(invite.description)
    return lines + text + ([""] if text else [])


def _address(person: Person) -> str:
    if not person.email or person.name == person.email:
        return escape_line(person.name) if person.name != person.email else f"<{person.email}>"
    return f"{escape_line(person.name)} <{person.email}>"


def plain_text(text: str) -> list[str]:
    """An invite's text as Markdown lines that read as the text itself: no line starts a
    heading, a list (no Log entry, no task), a quote, a fence or HTML; no Obsidian comment
    (`%%`) hides what follows; runs of blank lines become one."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = escape_line(raw.strip())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def escape_line(line: str) -> str:
    line = line.replace("%%", "%\\%")
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    if match.group(0)[-1] in ".)" and len(match.group(0)) > 1:
        at = len(match.group(0)) - 1
        return f"{line[:at]}\\{line[at:]}"
    return f"\\{line}"


def add_invite_section(text: str, section: Sequence[str]) -> str:
    """`text` with `section` put before its Log heading (so that the Log stays the note's
    last section, where entries are added), or at its end when it has none."""
    lines = edit.split_lines(text)
    ending = "\r\n" if "\r\n" in text else "\n"
    added = [line + ending for line in section]
    start, in_code = _body_start(lines), False
    for index in range(start, len(lines)):
        bare = lines[index].rstrip("\r\n")
        if _FENCE.match(bare):
            in_code = not in_code
        elif not in_code and _LOG_HEADING.match(bare):
            return "".join(lines[:index] + added + lines[index:])
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += ending
    gap = [ending] if lines and lines[-1].strip() else []
    return "".join(lines + gap + added)


def _body_start(lines: Sequence[str]) -> int:
    if lines and lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip(" \t") == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip("\r\n").rstrip(" \t") in ("---", "..."):
                return index + 1
    return 0


# --- an invite again: the note it made, updated -------------------------------------------------


@dataclass(frozen=True)
class Update:
    """What an invite changes in the note of its UID: fields, Log entries (each starting with
    its date), and when there is nothing to change, why."""

    fields: tuple[tuple[str, object], ...] = ()
    entries: tuple[str, ...] = ()
    unchanged: str | None = None


def plan_update(front: Mapping[Any, Any], invite: Invite, *, zone: str, now: datetime) -> Update:
    """The changes `invite` makes to the note of its UID, whose front matter is `front` (dates
    as text): an invite older than the one recorded (a lower SEQUENCE) changes nothing; a
    cancellation sets `status: cancelled`; a new time changes `date`; either is written in
    the Log as news from them (`←`), dated when the invite was sent; `sequence` follows. An
    invite for one occurrence of a series changes the note only when it is dated at that
    occurrence."""
    recorded = _recorded_sequence(front.get("sequence"))
    if recorded is not None and invite.sequence < recorded:
        return Update(unchanged=f"this invite is older than the one the note records (sequence "
                                f"{invite.sequence} < {recorded}): nothing changed")
    sent = invite.stamp if invite.stamp is not None and invite.stamp <= now else now
    stamp = edit.format_when(sent.replace(second=0))
    fields: list[tuple[str, object]] = []
    entries: list[str] = []
    current = front.get("date")
    when = _recorded_when(current, zone)
    if invite.occurrence_of is not None and when not in (invite.occurrence_of, invite.start):
        return Update(unchanged=(
            f"this invite {'cancels' if invite.cancelled else 'changes'} one occurrence of a "
            f"series, on {edit.format_when(invite.occurrence_of)}, not the one the note is "
            f"dated at ({current}): nothing changed"))
    if invite.cancelled:
        status = front.get("status")
        before = status.strip() if isinstance(status, str) else ""
        if before.lower() != "cancelled":
            fields.append(("status", "cancelled"))
            who = f" by {invite.organizer.name}" if invite.organizer is not None else ""
            entries.append(f"{stamp} ← Cancelled{who}")
            entries.append(f"{stamp} status: {before} → cancelled" if before
                           else f"{stamp} status: cancelled")
    elif when != invite.start and not (invite.series and when in invite.series):
        new = edit.format_when(invite.start)
        fields.append(("date", invite.start))
        was = f" (was {edit.format_when(when)})" if when is not None else ""
        entries.append(f"{stamp} ← Rescheduled to {new}{was}")
    if recorded != invite.sequence:
        fields.append(("sequence", invite.sequence))
    if not fields and not entries:
        return Update(unchanged="the note already holds this invite: nothing changed")
    return Update(tuple(fields), tuple(entries))


def _recorded_sequence(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _recorded_when(value: object, zone: str) -> When | None:
    try:
        return parse_when(value, zone)
    except DateError:
        return None
