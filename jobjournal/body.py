"""Note bodies: the Log section and open dated tasks, read with markdown-it-py (PRODUCT §2.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .dates import LEADING_WHEN, DateError, parse_day, parse_when
from .links import parse_links
from .model import LogEntry, Task

# Cheap pre-filters: markdown-it costs far more than a regex, and most bodies hold neither a Log
# heading nor a dated task. `\s` may span blank lines before a heading, which is harmless.
_LOG_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s+log\s*#*\s*$"  # ATX: ## Log
    r"|^ {0,3}log[ \t]*\n {0,3}(?:=+|-+)[ \t]*$",  # setext: Log, underlined
    re.IGNORECASE | re.MULTILINE,
)
_TASK_EMOJI_MARKERS = ("📅", "⏳")
_TASK_FIELD_MARKERS = ("due::", "scheduled::")

# Only the block structure matters (which lines are list items, headings or code): inline parsing
# (emphasis, links, entities) is most of markdown-it's time, so it is switched off; inline tokens
# then carry the raw text of their paragraph, which is what the user wrote.
_MD = MarkdownIt("commonmark")
_MD.core.ruler.disable(["inline", "text_join"])

_CHECKBOX = re.compile(r"^\s*\[(.)\](?=\s|$)")
_OPEN_CHECKBOXES = frozenset(" /")  # to do, in progress; every other status is done or dropped

# Obsidian Tasks: an emoji followed by its date. All six date emoji are stripped from the text.
_TASK_EMOJI_DATE = re.compile(r"[📅⏳🛫➕✅❌]\ufe0f?[ \t]*\d{4}-\d{2}-\d{2}")
_DUE_EMOJI = re.compile(r"(?P<emoji>[📅⏳])\ufe0f?[ \t]*(?P<value>\d{4}-\d{2}-\d{2})?")
# Dataview inline fields, bracketed or parenthesised: [due:: 2026-11-28] / (due:: 2026-11-28).
_DATAVIEW_DATE = re.compile(
    r"[\[(]\s*(?P<key>due|scheduled|start|created|completion|cancelled)\s*::\s*"
    r"(?P<value>[^\[\]()]*?)\s*[\])]",
    re.IGNORECASE,
)
_LOG_SEPARATORS = " \t:,.;–—-"


@dataclass
class Body:
    """What a note body holds for jobjournal, with problems as (file line, message) pairs."""

    log: tuple[LogEntry, ...] = ()
    tasks: tuple[Task, ...] = ()
    problems: list[tuple[int, str]] = field(default_factory=list)


def could_hold_tasks(text: str) -> bool:
    """True when the text might carry a dated task (a cheap test before parsing it)."""
    if any(marker in text for marker in _TASK_EMOJI_MARKERS):
        return True
    lowered = text.lower()
    return any(marker in lowered for marker in _TASK_FIELD_MARKERS)


def parse_body(text: str, first_line: int, *, with_log: bool = True) -> Body:
    """Read the Log entries (when `with_log`) and the open dated tasks of a note body.

    `first_line` is the 1-based file line of the body's first line, so that every line number
    reported is a line of the whole file. The text must use `\\n` line endings.
    """
    want_log = with_log and _LOG_HEADING.search(text) is not None
    want_tasks = could_hold_tasks(text)
    body = Body()
    if not (want_log or want_tasks):
        return body
    tokens = _MD.parse(text)
    log: list[LogEntry] = []
    tasks: list[Task] = []
    log_level = 0  # level of the Log heading whose section we are in; 0 when in none
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            if log_level and level <= log_level:
                log_level = 0
            if tokens[i + 1].content.strip().lower() == "log":
                log_level = level
        elif token.type == "list_item_open" and tokens[i + 1].type == "paragraph_open":
            inline = tokens[i + 2]
            line = first_line + _start(inline)
            if want_tasks:
                task = _task(inline.content, line, body.problems)
                if task is not None:
                    tasks.append(task)
            if want_log and log_level:
                entry = _log_entry(inline.content, line, body.problems)
                if entry is not None:
                    log.append(entry)
    body.log = tuple(log)
    body.tasks = tuple(tasks)
    return body


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


def _log_entry(content: str, line: int, problems: list[tuple[int, str]]) -> LogEntry | None:
    match = LEADING_WHEN.match(content)
    if match is None:
        return None  # an undated item is a remark, not a contact
    try:
        when = parse_when(match["when"])
    except DateError as exc:
        problems.append((line, f"Log entry: {exc}"))
        return None
    text = " ".join(content[match.end() :].lstrip(_LOG_SEPARATORS).split())
    return LogEntry(when, text, line, parse_links(text))


def _task(content: str, line: int, problems: list[tuple[int, str]]) -> Task | None:
    checkbox = _CHECKBOX.match(content)
    if checkbox is None or checkbox.group(1) not in _OPEN_CHECKBOXES:
        return None
    rest = content[checkbox.end() :]
    due = scheduled = None
    for match in _DUE_EMOJI.finditer(rest):
        is_due = match["emoji"] == "📅"
        if match["value"] is None:
            message = f"task: {match['emoji']} is not followed by a date (YYYY-MM-DD)"
            problems.append((line, message))
            continue
        value = _task_day(match["value"], line, problems)
        if is_due and due is None:
            due = value
        elif not is_due and scheduled is None:
            scheduled = value
    for match in _DATAVIEW_DATE.finditer(rest):
        key = match["key"].lower()
        if key == "due" and due is None:
            due = _task_day(match["value"], line, problems)
        elif key == "scheduled" and scheduled is None:
            scheduled = _task_day(match["value"], line, problems)
    when = due or scheduled  # Tasks' rule: a scheduled date counts only when there is no due date
    if when is None:
        return None
    text = _DATAVIEW_DATE.sub(" ", _TASK_EMOJI_DATE.sub(" ", rest))
    return Task(when, " ".join(text.split()), line)


def _task_day(value: str, line: int, problems: list[tuple[int, str]]) -> date | None:
    try:
        return parse_day(value)
    except DateError as exc:
        problems.append((line, f"task: {exc}"))
        return None
