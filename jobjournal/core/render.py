"""Renderers: an Agenda as the agenda note's Markdown, as JSON, or for the terminal
(README, "The agenda").

Pure functions of their arguments: the same Agenda (and config) always gives byte-identical text.
Every piece of user text (titles, names, item texts, messages) goes through `escape_md` or
`_plain` on its way out, so a note can neither break the agenda's Markdown nor forge its markers.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter, countOf
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import click

from jobjournal.core.model import Agenda, Item, NoteType, PipelineRow, Problem, Section, Severity

# Fixed English names: the agenda must not depend on the machine's locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: The sections the agenda note and the terminal show (`later` is JSON only), with their
#: heading, explanation and what to say when empty.
_SHOWN: tuple[tuple[Section, str, str, str], ...] = (
    (Section.CALL_BACK, "Call back now",
     "Missed calls not yet returned. Recruiters move on within hours: return these first.",
     "No missed calls to return."),
    (Section.OVERDUE, "Overdue", "Past their date: do these now.", "Nothing overdue."),
    (Section.TODAY, "Today", "Due today.", "Nothing due today."),
    (Section.UPCOMING, "Upcoming", "Due in the next {horizon} days, by day.",
     "Nothing in the next {horizon} days."),
    (Section.WAITING, "Waiting",
     "Decisions not due yet: give it time to play out, and don't call before the date shown.",
     "Nothing to wait for."),
    (Section.NEEDS_INFO, "Needs info", "What to ask or record, so follow-ups can be worked out.",
     "Nothing missing."),
)  # fmt: skip

_PROBLEMS_EXPLANATION = (
    "Notes jobjournal could not read, or doubts: fix them and the agenda follows."
)

#: summary_line's labels, in section order.
_COUNTED: tuple[tuple[Section, str], ...] = (
    (Section.CALL_BACK, "call back"),
    (Section.OVERDUE, "overdue"),
    (Section.TODAY, "today"),
    (Section.UPCOMING, "upcoming"),
    (Section.WAITING, "waiting"),
    (Section.NEEDS_INFO, "needs info"),
)

# --- text safety ------------------------------------------------------------------------------

# C0/C1 controls (terminal escapes included) and bidi overrides: never passed through.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Backslash-escaped: CommonMark and Obsidian syntax (emphasis, code, links, tables, tags,
# math, strikethrough, highlight, block ids); `_` only where it could start or end emphasis
# (inside a word, as in follow_up, it cannot).
_MD_SPECIAL = re.compile(r"([\\`*\[\]|#$~=^]|(?<![^\W_])_|_(?![^\W_]))")
# Characters that end or split a wikilink: such a note is linked with a Markdown link instead.
# (and `<>&` and backticks and `$`, which Obsidian might read as HTML, code or math around them).
_WIKILINK_BREAKERS = frozenset("|[]#^<>&`$")


# What _plain drops: C0/C1 controls that are not whitespace (whitespace becomes a space), and
# bidi overrides. The same as testing each character's Unicode category, in one pass.
_DROPPED = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f" + "".join(sorted(_BIDI)) + "]")
# A character that keeps a title out of a wikilink: a breaker, whitespace other than a space,
# or a character _plain drops.
_WIKILINK_UNSAFE = re.compile(
    "[" + re.escape("".join(sorted(_WIKILINK_BREAKERS))) + "]|%%|[^\\S ]|" + _DROPPED.pattern
)


def _plain(text: str) -> str:
    """One line of printable text: whitespace runs (newlines included) become one space."""
    return " ".join(_DROPPED.sub("", text).split())


def escape_md(text: str) -> str:
    """User text made safe inside one line of the agenda's Markdown.

    Newlines collapse to spaces; Markdown and Obsidian syntax is backslash-escaped; `&`, `<`, `>`
    become entities (so no HTML, and no `<!--` that could forge a marker); `%%` (an Obsidian
    comment) is broken with an entity.
    """
    return _escape(_plain(text))


def _escape(plain: str) -> str:
    """`escape_md` of text already made plain."""
    out = _MD_SPECIAL.sub(r"\\\g<0>", plain)
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("%%", "%&#37;")


# What a message quotes as code: a name (a field, a key, a status: `decision_date`), alone or as
# `key: value` to type, and the front matter's `---`. Anything else in backticks stays text: a
# message also quotes the user's own text, whatever it holds.
_CODE_SPAN = re.compile(r"`([^`]+)`")
_CODE = re.compile(r"---|[A-Za-z_][\w-]*(?:: [\w .:/+-]+)?")


def escape_md_with_code(text: str) -> str:
    """`escape_md`, except that a name a message quotes (`` `decision_date` ``,
    `` `applied: YYYY-MM-DD` ``) stays a code span, so that it renders as code instead of
    showing its backticks."""
    plain = _plain(text)
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(plain):
        if _CODE.fullmatch(span.group(1)):
            parts += [_escape(plain[last : span.start()]), span.group(0)]
            last = span.end()
    parts.append(_escape(plain[last:]))
    return "".join(parts)


def _wikilink_safe(text: str) -> bool:
    return _WIKILINK_UNSAFE.search(text) is None


def note_link(path: str, title: str | None = None) -> str:
    """An Obsidian link to a note: `[[Folder/Note|Note]]`, or a Markdown link with a percent-encoded
    path when the path or the title holds a character that would break a wikilink."""
    label = title if title is not None else PurePosixPath(path).name.removesuffix(".md")
    target = path.removesuffix(".md")
    if not (_wikilink_safe(target) and _wikilink_safe(label)):
        return f"[{escape_md(label)}]({quote(path, safe='/')})"
    return f"[[{target}]]" if target == label else f"[[{target}|{label}]]"


# --- dates --------------------------------------------------------------------------------------


def _day_heading(day: date, today: date) -> str:
    """`Mon 30 Nov`, with the year when it is not this year's, and "(tomorrow)"."""
    label = f"{_WEEKDAYS[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1]}"
    if day.year != today.year:
        label += f" {day.year}"
    if (day - today).days == 1:
        label += " (tomorrow)"
    return label


def _days_overdue(item: Item, today: date) -> int | None:
    return (today - item.due).days if item.section is Section.OVERDUE else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _upcoming_by_day(items: Iterable[Item]) -> list[tuple[date, list[Item]]]:
    groups: dict[date, list[Item]] = {}
    for item in items:
        groups.setdefault(item.due, []).append(item)
    return sorted(groups.items())


# --- summary ------------------------------------------------------------------------------------


_section_of = attrgetter("section")
_severity_of = attrgetter("severity")


def summary_line(agenda: Agenda) -> str:
    """One short line: "2 call back · 3 overdue · … · 1 problem (1 error)"; "nothing due" when
    no section has an item."""
    sections = list(map(_section_of, agenda.items))
    counts = {section: countOf(sections, section) for section, _ in _COUNTED}
    errors = countOf(map(_severity_of, agenda.problems), Severity.ERROR)
    return summary_of(counts, len(agenda.problems) + len(agenda.carried), errors)


def summary_of(counts: Mapping[Section, int], problems: int, errors: int) -> str:
    """`summary_line` from the number of items in each section and of problems and errors."""
    parts = [f"{n} {label}" for section, label in _COUNTED if (n := counts.get(section, 0))]
    if not parts:
        parts.append("nothing due")
    if problems:
        detail = f" ({_plural(errors, 'error')})" if errors else ""
        parts.append(_plural(problems, "problem") + detail)
    return " · ".join(parts)


# --- JSON (a public interface: add fields, never rename or remove) ------------------------------


# Written directly, as `json.dumps(data, ensure_ascii=False, indent=2)` writes it, three times
# quicker (json's indenting encoder is pure Python): strings are escaped by json's own encoder,
# and tests/test_render.py checks the text against json.dumps.
_json_string = json.encoder.encode_basestring  # what ensure_ascii=False uses


def _json_value(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _json_string(value)
    return str(int(value))


def _json_list(values: list[str], pad: str) -> str:
    if not values:
        return "[]"
    inner = ",\n".join(f"{pad}  {_json_string(value)}" for value in values)
    return f"[\n{inner}\n{pad}]"


def _reach(
    item: Item, reach: Mapping[str, tuple[str | None, str | None]]
) -> tuple[str | None, str | None]:
    """The phone and email of the person `item` names, from their contact note; (None, None)
    when there is no such note or it gives neither."""
    if item.contact_note is None:
        return (None, None)
    return reach.get(item.contact_note, (None, None))


def _item_json(
    item: Item, today: date, reach: Mapping[str, tuple[str | None, str | None]]
) -> str:
    at = item.at.strftime("%H:%M") if item.at else None
    phone, email = _reach(item, reach)
    return (
        "    {\n"
        f'      "section": {_json_string(item.section.value)},\n'
        f'      "kind": {_json_string(item.kind.value)},\n'
        f'      "due": "{item.due.isoformat()}",\n'
        f'      "note": {_json_value(item.note)},\n'
        f'      "title": {_json_value(item.title)},\n'
        f'      "contact": {_json_value(item.contact)},\n'
        f'      "text": {_json_string(item.text)},\n'
        f'      "warnings": {_json_list(list(item.warnings), "      ")},\n'
        f'      "why": {_json_string(item.why)},\n'
        f'      "days_overdue": {_json_value(_days_overdue(item, today))},\n'
        f'      "at": {_json_value(at)},\n'
        f'      "id": {_json_value(item.id)},\n'
        f'      "contact_note": {_json_value(item.contact_note)},\n'
        f'      "phone": {_json_value(phone)},\n'
        f'      "email": {_json_value(email)},\n'
        f'      "time": {_json_value(at)}\n'
        "    }"
    )


def _problem_json(problem: Problem) -> str:
    return (
        "    {\n"
        f'      "note": {_json_value(problem.path)},\n'
        f'      "line": {_json_value(problem.line)},\n'
        f'      "severity": {_json_string(problem.severity.value)},\n'
        f'      "message": {_json_string(problem.message)}\n'
        "    }"
    )


def _json_objects(objects: list[str]) -> str:
    return "[\n" + ",\n".join(objects) + "\n  ]" if objects else "[]"


def render_json(agenda: Agenda) -> str:
    """The agenda as one JSON object, items in section order, `later` last:
    `today`, then `items` (section, kind, due, note, title, contact, text, warnings, why,
    days_overdue, at, id, contact_note, phone, email, time), then `problems` (note, line,
    severity, message). `id` is the item's block id in the agenda note (null without a note)."""
    items = _json_objects([_item_json(item, agenda.today, agenda.reach)
                           for item in agenda.items])
    problems = _json_objects([_problem_json(problem) for problem in agenda.problems])
    return (f'{{\n  "today": "{agenda.today.isoformat()}",\n  "items": {items},\n'
            f'  "problems": {problems}\n}}\n')


# --- pipeline counts (the agenda note and the terminal) ----------------------------------------


#: Pipeline columns: open statuses, then closed ones, in the order docs/rules.md lists them
#: ("Notes and fields"); others after.
_STATUS_ORDER = (
    "scheduled", "applied", "interviewing", "completed", "waiting", "offer", "active",
    "accepted", "rejected", "declined", "withdrawn", "ghosted", "cancelled", "closed", "inactive",
)  # fmt: skip


def _status_order(status: str) -> tuple[int, int, str]:
    if status in _STATUS_ORDER:
        return (0, _STATUS_ORDER.index(status), "")
    return (1, 0, status) if status else (2, 0, "")


def _pipeline_counts(rows: Iterable[PipelineRow]) -> dict[tuple[NoteType, str], int]:
    counts: dict[tuple[NoteType, str], int] = {}
    for row in rows:
        if row.count > 0:
            key = (row.type, row.status)
            counts[key] = counts.get(key, 0) + row.count
    types = list(NoteType)
    return dict(
        sorted(counts.items(), key=lambda kv: (types.index(kv[0][0]), _status_order(kv[0][1])))
    )


def _status_label(status: str) -> str:
    return status or "no status"


# --- terminal (`agenda --print`) ----------------------------------------------------------------

_COLORS: dict[Section, dict[str, Any]] = {
    Section.CALL_BACK: {"fg": "red", "bold": True},
    Section.OVERDUE: {"fg": "red"},
    Section.TODAY: {"fg": "yellow"},
    Section.UPCOMING: {"fg": "cyan"},
    Section.WAITING: {"fg": "blue"},
    Section.NEEDS_INFO: {"fg": "magenta"},
}
_MIN_WIDTH = 24  # below this, wrapping cannot keep an indented line readable


class _Terminal:
    def __init__(self, width: int, color: bool) -> None:
        self.width = max(width, _MIN_WIDTH)
        self.color = color
        self.lines: list[str] = []

    def style(self, text: str, **styles: Any) -> str:
        return click.style(text, **styles) if self.color and styles else text

    def add(self, text: str, indent: str = "", more: str = "    ", **styles: Any) -> None:
        """Wrap plain `text` to the width; continuation lines are indented `more` past `indent`."""
        wrapped = textwrap.wrap(
            text,
            self.width,
            initial_indent=indent,
            subsequent_indent=" " * len(indent) + more,
            break_on_hyphens=False,
        )
        self.lines += [self.style(line, **styles) for line in wrapped or [indent.rstrip()]]

    def item(
        self, item: Item, today: date, indent: str,
        reach: Mapping[str, tuple[str | None, str | None]],
    ) -> None:
        head = _plain(item.title or "")
        who = _plain(item.contact or "")
        if who and who != head:
            head = f"{head} ({who})" if head else who
        if item.at is not None:
            head = f"{item.at:%H:%M} {head}".rstrip()
        text = f"{head}: {_plain(item.text)}" if head else _plain(item.text)
        days = _days_overdue(item, today)
        if days is not None:
            text += f" — {_plural(days, 'day')} overdue"
        self.add(text, indent + "- ", "")
        phone, email = _reach(item, reach)
        if phone or email:
            how = [f"{label} {_plain(value)}" for label, value in (("phone", phone),
                                                                  ("email", email)) if value]
            self.add(" · ".join(how), indent + "    ", "  ")
        if item.why:
            self.add(f"why: {_plain(item.why)}", indent + "    ", "  ", dim=True)
        for warning in item.warnings:
            self.add(f"⚠ {_plain(warning)}", indent + "    ", "  ", fg="yellow")

    def problem(self, where: str, problem: Problem) -> None:
        severity = problem.severity.value
        start = len(self.lines)
        self.add(f"{where}: {severity}: {_plain(problem.message)}", "  ")
        # wrapped uncoloured, then the severity word coloured: widths stay exact
        prefix = f"  {where}: {severity}:"
        if self.color and self.lines[start].startswith(prefix):
            styled = self.style(severity, fg="red" if problem.is_error else "yellow", bold=True)
            self.lines[start] = f"  {where}: {styled}:" + self.lines[start][len(prefix) :]


def render_terminal(agenda: Agenda, *, width: int = 80, color: bool = True) -> str:
    """The agenda for a terminal: the sections that have items, wrapped to `width` columns
    (at least 24), coloured with ANSI codes only when `color`."""
    today = agenda.today
    term = _Terminal(width, color)
    term.add(f"Agenda — {today.isoformat()} ({_WEEKDAYS[today.weekday()]})", bold=True)
    term.add(summary_line(agenda), more="")
    for section, heading, _, _ in _SHOWN:
        items = agenda.in_section(section)
        if not items:
            continue
        term.lines.append("")
        term.add(heading, **{"bold": True, **_COLORS[section]})
        if section is Section.UPCOMING:
            for day, day_items in _upcoming_by_day(items):
                term.add(_day_heading(day, today), "  ", bold=True)
                for item in day_items:
                    term.item(item, today, "    ", agenda.reach)
        else:
            for item in items:
                term.item(item, today, "  ", agenda.reach)
    if agenda.problems:
        term.lines.append("")
        term.add("Problems", bold=True)
        for problem in agenda.problems:
            where = _plain(problem.path or "vault")
            where += f":{problem.line}" if problem.line is not None else ""
            term.problem(where, problem)
    counts = _pipeline_counts(agenda.pipeline)
    if counts:
        term.lines.append("")
        term.add("Pipeline", bold=True)
        for note_type in NoteType:
            parts = [f"{n} {_status_label(s)}" for (t, s), n in counts.items() if t is note_type]
            if parts:
                total = sum(n for (t, _), n in counts.items() if t is note_type)
                term.add(f"{note_type.value}: {total} — " + ", ".join(parts), "  ")
    return "\n".join(term.lines) + "\n"
