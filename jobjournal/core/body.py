"""Note bodies: the Log section and open dated tasks, read with markdown-it-py.

What a Log entry and a dated task are: docs/rules.md, "Body: the Log and tasks".

markdown-it-py costs far more than the rest of reading a note, so it is handed only what needs it
(`_fast_body`): a body is cut into sections at its top-level headings, sections that can hold
neither a Log entry nor a task are skipped, and sections made only of paragraphs and one-line list
items are read line by line; markdown-it-py reads every other section, or the whole body when it
holds something that can run past a heading (a fence, an HTML block).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from jobjournal.core.dates import LEADING_WHEN, DateError, parse_day, parse_when
from jobjournal.core.links import parse_links
from jobjournal.core.model import LogEntry, Task

if TYPE_CHECKING:
    from markdown_it.token import Token

# Cheap pre-filters: markdown-it costs far more than a regex, and most bodies hold neither a Log
# heading nor a dated task. `\s` may span blank lines before a heading, which is harmless.
_LOG_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s+log\s*#*\s*$"  # ATX: ## Log
    r"|^ {0,3}log[ \t]*\n {0,3}(?:=+|-+)[ \t]*$",  # setext: Log, underlined
    re.IGNORECASE | re.MULTILINE,
)
# ASCII case folding only: no other character lower-cases to a letter of these words.
_TASK_FIELD = re.compile(r"(?:due|scheduled)::", re.IGNORECASE | re.ASCII)

_CHECKBOX = re.compile(r"^\s*\[(.)\](?=\s|$)")
_OPEN_CHECKBOXES = frozenset(" /")  # to do, in progress; every other status is done or dropped

# Obsidian Tasks: an emoji followed by its date. All six date emoji are stripped from the text.
_TASK_EMOJI_DATE = re.compile(r"[📅⏳🛫➕✅❌]\ufe0f?[ \t]*\d{4}-\d{2}-\d{2}")
_DUE_EMOJI = re.compile(r"(?P<emoji>[📅⏳])\ufe0f?[ \t]*(?P<value>\d{4}-\d{2}-\d{2})?")
# The rest of Obsidian Tasks' metadata, stripped from the text too (it is the plugin's
# bookkeeping, not what to do): priorities; a recurrence rule, up to the next emoji field; an id,
# the ids it depends on, and what to do on completion.
_TASK_SIGNIFIERS = "📅⏳🛫➕✅❌⏫🔼🔽⏬🔺🔁🆔⛔🏁"
_TASK_METADATA = re.compile(
    r"[⏫🔼🔽⏬🔺]\ufe0f?"
    rf"|🔁\ufe0f?[^{_TASK_SIGNIFIERS}\[(]*"
    r"|🆔\ufe0f?[ \t]*[\w-]*"
    r"|⛔\ufe0f?[ \t]*[\w-]*(?:[ \t]*,[ \t]*[\w-]+)*"
    r"|🏁\ufe0f?[ \t]*\w*"
)
# Dataview inline fields, bracketed or parenthesised: [due:: 2026-11-28] / (due:: 2026-11-28);
# the Tasks plugin's other fields in Dataview format are stripped like their emoji.
_DATAVIEW_DATE = re.compile(
    r"[\[(]\s*(?P<key>due|scheduled|start|created|completion|cancelled"
    r"|priority|repeat|id|dependsOn|onCompletion)\s*::\s*"
    r"(?P<value>[^\[\]()]*?)\s*[\])]",
    re.IGNORECASE,
)
_LOG_SEPARATORS = " \t:,.;–—-"


def _markdown() -> Any:
    """The markdown-it-py parser, made on first use (importing it costs start-up time).

    Only the block structure matters (which lines are list items, headings or code): inline
    parsing (emphasis, links, entities) is most of markdown-it's time, so it is switched off;
    inline tokens then carry the raw text of their paragraph, which is what the user wrote.
    """
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark")
        _MD.core.ruler.disable(["inline", "text_join"])
    return _MD


_MD: Any = None


@dataclass
class Body:
    """What a note body holds for jobjournal, with problems as (file line, message) pairs."""

    log: tuple[LogEntry, ...] = ()
    tasks: tuple[Task, ...] = ()
    problems: list[tuple[int, str]] = field(default_factory=list)


def could_hold_tasks(text: str) -> bool:
    """True when the text might carry a dated task (a cheap test before parsing it)."""
    if "📅" in text or "⏳" in text:
        return True
    # `due::` or `scheduled::` in any case, as `marker in text.lower()` would find them
    return "::" in text and _TASK_FIELD.search(text) is not None


def lower_ascii(text: str) -> str:
    """`text` with its ASCII letters lower-cased and every other character as it is: where it
    says "log", in any case, is where `text.lower()` says it (no other character lower-cases to
    an l, an o or a g, nor matches one ignoring case: tests/test_core_body.py looks at every
    one), at the same offsets. str.lower is quick on ASCII text only; on other text (an emoji, a
    name with an accent) `bytes.lower`, which changes ASCII letters only, is several times
    quicker."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _has_log_heading(text: str, lowered: str) -> bool:
    """`_LOG_HEADING.search(text) is not None`, trying the regex only where it can match: at
    the start of the line of each "log", and of the line of the `#` before it (its `\\s` spans
    line ends), rather than at every character. `lowered` is `lower_ascii(text)` (or
    text.lower())."""
    if len(lowered) != len(text):  # lower-casing moved the offsets: let the regex look
        return _LOG_HEADING.search(text) is not None
    at = lowered.find("log")
    while at >= 0:
        if _LOG_HEADING.match(text, text.rfind("\n", 0, at) + 1):
            return True
        before = at - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        if before >= 0 and text[before] == "#" and _LOG_HEADING.match(
            text, text.rfind("\n", 0, before) + 1
        ):
            return True
        # A later "log" on this line has text before it on the line: it can only be tried at
        # this same line start again. On to the next line (linear time, however long a line).
        end = text.find("\n", at)
        if end < 0:
            return False
        at = lowered.find("log", end + 1)
    return False


def parse_body(text: str, first_line: int, *, with_log: bool = True, zone: str = "") -> Body:
    """Read the Log entries (when `with_log`) and the open dated tasks of a note body.

    `first_line` is the 1-based file line of the body's first line, so that every line number
    reported is a line of the whole file. The text must use `\\n` line endings. A date-time
    with a UTC offset is converted to the time zone `zone` ("": the machine's).
    """
    lowered = lower_ascii(text)
    want_log = with_log and "log" in lowered and _has_log_heading(text, lowered)
    want_tasks = could_hold_tasks(text)
    body = Body()
    if not (want_log or want_tasks):
        return body
    reader = _Reader(first_line, want_log, want_tasks, body.problems, zone)
    if not _fast_body(text, lowered, reader):
        reader = _Reader(first_line, want_log, want_tasks, body.problems, zone)
        del body.problems[:]
        reader.tokens(_markdown().parse(text), 0)
    body.log = tuple(reader.log)
    body.tasks = tuple(reader.tasks)
    return body


def read_by_lines(
    text: str, first_line: int, *, with_log: bool = True, zone: str = ""
) -> Body | None:
    """What `parse_body` returns, when the line reader (`_fast_body`) reads the whole body alone;
    None when it hands the body, or a section of it, to markdown-it. parse_body does not call
    it: tests/test_fast_paths.py proves the line reader through it, and counts how often it is
    taken (docs/design.md, "Fast paths and their proofs")."""
    lowered = lower_ascii(text)
    want_log = with_log and "log" in lowered and _has_log_heading(text, lowered)
    want_tasks = could_hold_tasks(text)
    body = Body()
    if not (want_log or want_tasks):
        return body
    reader = _LinesOnly(first_line, want_log, want_tasks, body.problems, zone)
    try:
        if not _fast_body(text, lowered, reader):
            return None
    except _NeedsMarkdownIt:
        return None
    body.log = tuple(reader.log)
    body.tasks = tuple(reader.tasks)
    return body


class _Reader:
    """Collects Log entries and tasks from list items, following which Log section we are in."""

    def __init__(
        self, first_line: int, want_log: bool, want_tasks: bool, problems: list[tuple[int, str]],
        zone: str = "",
    ) -> None:
        self.first_line = first_line
        self.zone = zone
        self.want_log = want_log
        self.want_tasks = want_tasks
        self.problems = problems
        self.log: list[LogEntry] = []
        self.tasks: list[Task] = []
        self.log_level = 0  # level of the Log heading whose section we are in; 0 when in none

    def heading(self, level: int, is_log: bool) -> None:
        if self.log_level and level <= self.log_level:
            self.log_level = 0
        if is_log:
            self.log_level = level

    def item(self, content: str, line: int) -> None:
        """A list item whose first block is a paragraph: `content` is that paragraph's text, at
        body line `line` (0-based)."""
        line += self.first_line
        if self.want_tasks:
            task = _task(content, line, self.problems, self.zone)
            if task is not None:
                self.tasks.append(task)
        if self.want_log and self.log_level:
            entry = _log_entry(content, line, self.problems, self.zone)
            if entry is not None:
                self.log.append(entry)

    def section(self, text: str, offset: int) -> None:
        """A section the line reader can't read, at body line `offset`: markdown-it reads it."""
        self.tokens(_markdown().parse(text), offset)

    def tokens(self, tokens: list[Token], offset: int) -> None:
        """Walk markdown-it tokens of body lines starting at `offset`."""
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                self.heading(int(token.tag[1:]), tokens[i + 1].content.strip().lower() == "log")
            elif token.type == "list_item_open" and tokens[i + 1].type == "paragraph_open":
                inline = tokens[i + 2]
                self.item(inline.content, offset + _start(inline))


class _NeedsMarkdownIt(Exception):
    """A section the line reader hands to markdown-it (`read_by_lines`)."""


class _LinesOnly(_Reader):
    """A _Reader that refuses the sections the line reader hands to markdown-it."""

    def section(self, text: str, offset: int) -> None:
        raise _NeedsMarkdownIt


# --- reading without markdown-it where the structure is plain -------------------------------
# Sound because, in CommonMark, a heading at the left edge ends every open block (paragraphs,
# lists, quotes, indented code) except a fenced code block or an HTML block at the top level:
# so when no fence or HTML block can reach past a heading, each section between such headings
# parses the same alone as in the whole body. Fences at the left edge are followed; anything
# less clear-cut sends the whole body to markdown-it. tests/test_fast_paths.py proves that both
# read the same, through `read_by_lines` (docs/design.md, "Fast paths and their proofs").

# What matters between sections: headings at the left edge, fences, and HTML block starts. Each
# is looked for after a line feed (the body is searched with one put before it), rather than at
# `^` in MULTILINE mode: re then skips from line feed to line feed instead of trying every
# character, a fifth of the cost.
_STRUCTURE = re.compile(
    r"\n(?:(?P<heading>#{1,6})(?=[ \t]|$)"
    r"|(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
    r"|(?P<html> {0,3}<[A-Za-z/!?]))",
    re.MULTILINE,
)
_STRICT_LOG = re.compile(r"#{1,6} +log(?: +#+)? *", re.IGNORECASE | re.ASCII)
# A heading inside a quote or a list item, or an underlined one, that may say "Log".
_NESTED_LOG = re.compile(
    r"#[^\n]*log|log[^\n]*\n[ \t>]*(?:=+|-+)[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_UNDERLINE = re.compile(r"[ \t>]*(?:=+|-+)[ \t]*(?:\n|$)")
_BULLET = re.compile(r"[-*+] {1,4}(?=[^ \t])")
# The start of an item's text that makes its first block something other than a paragraph.
_NOT_PARAGRAPH = re.compile(
    r"#{1,6}(?:[ \t]|$)|>|<[A-Za-z/!?]|`{3}|~{3}|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)"
    r"|\[(?!\[|.\](?:[ \t]|$))"
)
_RULE_LIKE = re.compile(r"[-*_ \t]+")
_ORDERED = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")  # the one _NOT_PARAGRAPH start with a digit
_FENCE_LINE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
# A line that can only start or continue a paragraph at the left edge. (`[!todo]`, a callout's
# first line, can't start a link reference definition: no `:` follows its `]`.)
_PLAIN = re.compile(
    r"[^\s#>*+\-_=`~<\[\d]|#(?=[^\s#])|\[\[|\d{1,9}(?![\d.)])|\d{1,9}[.)](?=[^ \t])"
    r"|\[![^\]\\\s]*\](?!:)"
)


def _fast_body(text: str, lowered: str, reader: _Reader) -> bool:
    """Read the body section by section (see above); False when markdown-it must read it all.
    `lowered` is `lower_ascii(text)`."""
    if "\x00" in text or "\r" in text:
        return False  # markdown-it rewrites these: leave it to it
    # (offset, line, level) of each heading at the left edge: where sections start
    heads: list[tuple[int, int, int]] = []
    fence: tuple[str, int] | None = None
    line, position = 0, 0
    for match in _STRUCTURE.finditer("\n" + text):
        start = match.start()  # its "\n" is at the index in `text` of its line's start
        line += text.count("\n", position, start)
        position = start
        heading, _, marker, info, _ = match.groups()
        if fence is not None:
            if marker and marker[0] == fence[0] and len(marker) >= fence[1] and (
                not info.strip(" \t")
            ):
                fence = None
        elif heading:
            heads.append((start, line, len(heading)))
        elif marker:
            if match.group(2) or (marker[0] == "`" and "`" in info):
                return False  # maybe inside a list item, or not a fence at all
            fence = (marker[0], len(marker))
        else:
            return False  # an HTML block
    if not heads or heads[0][0]:
        heads.insert(0, (0, 0, 0))  # what comes before the first heading
    offsets = [offset for offset, _, _ in heads]
    # sections that may hold a task, or a heading saying "Log" inside a quote or a list item
    needed = {bisect_right(offsets, at) - 1 for at in _marks(text, lowered, reader)}
    for index, (start, first, level) in enumerate(heads):
        before = reader.log_level
        if level:
            heading_end = text.find("\n", start)
            heading = text[start:] if heading_end < 0 else text[start:heading_end]
            is_log = _STRICT_LOG.fullmatch(heading) is not None
            if not is_log and "log" in heading.lower():
                return False
            reader.heading(level, is_log)
        if index not in needed and not (reader.want_log and reader.log_level):
            continue  # can hold neither a Log entry nor a task
        end = offsets[index + 1] if index + 1 < len(offsets) else len(text)
        section = text[start:end]
        lines = section.split("\n")
        items = _plain_items(lines, 1 if level else 0)
        if items is None:
            reader.log_level = before  # markdown-it sees the heading again
            reader.section(section, first)
        else:
            for number, content in items:
                reader.item(content, first + number)
    return True


def _marks(text: str, lowered: str, reader: _Reader) -> Iterator[int]:
    """Where a section may need reading: each task marker (what `could_hold_tasks` looks for),
    and each "log" that a heading inside a quote or a list item, or an underlined one, may hold
    (what _NESTED_LOG finds). Found with `str.find`, many times quicker than a regex here."""
    if reader.want_tasks:
        for marker in ("📅", "⏳", "::"):
            at = text.find(marker)
            while at >= 0:
                if marker != "::" or text[max(0, at - 9) : at].lower().endswith(
                    ("due", "scheduled")
                ):
                    yield at
                at = text.find(marker, at + 1)
    if reader.want_log:
        if len(lowered) != len(text):  # lower-casing moved the offsets: let the regex look
            yield from (match.start() for match in _NESTED_LOG.finditer(text))
            return
        # One look per line holding "log" (linear time, however long a line): some "log" on
        # it has a `#` before it exactly when its last one does.
        at = lowered.find("log")
        while at >= 0:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            last = lowered.rfind("log", at, len(text) if line_end < 0 else line_end)
            if "#" in text[line_start:last] or (
                line_end >= 0 and _UNDERLINE.match(text, line_end + 1)
            ):
                yield at
            if line_end < 0:
                return
            at = lowered.find("log", line_end + 1)


def _plain_items(lines: list[str], start: int) -> list[tuple[int, str]] | None:
    """(line, text) of each list item in lines[start:] when they hold only blank lines,
    paragraphs, list items of one line (with items of one line nested one level under them),
    each maybe followed by lazy continuation lines at the left edge, fenced code at the left
    edge, indented code, and quotes (callouts) of the same; None otherwise."""
    items = []
    after_item = False  # the line before is a list item's
    paragraph = ""  # the text of the last item's paragraph so far, as markdown-it joins it
    in_list = -1  # in a list at the left edge: the column of its last item's text
    deepest = -1  # in a list: the column of the text of its last item, or the one nested in it
    skip = 0  # lines of a quote, read already
    fence: tuple[str, int] | None = None
    for number in range(start, len(lines)):
        if number < skip:
            continue
        line = lines[number]
        if fence is not None:
            closing = _FENCE_LINE.match(line)
            if closing and closing[2][0] == fence[0] and len(closing[2]) >= fence[1] and (
                not closing[3].strip(" \t")
            ):
                fence = None
            continue
        if not line.strip(" \t"):
            after_item = False
            continue
        first = line[0]
        if first == " ":
            indent = len(line) - len(line.lstrip(" "))
            if line[indent] == "\t":
                return None
            if after_item:  # a list item nested in the one above, or more of that item's text
                nested = _BULLET.match(line, indent)
                if nested is None or indent != in_list:
                    return None
                paragraph = line[nested.end() :]
                content = paragraph.rstrip(" \t")
                if not _paragraph_item(line[indent:], content):
                    return None
                items.append((number, content))
                deepest = nested.end()
            elif in_list >= 0:
                # after a blank line: a one-line paragraph or code in the item above
                if indent < in_list or not (indent - deepest >= 4 or _PLAIN.match(line, indent)):
                    return None
                if number + 1 < len(lines) and lines[number + 1].strip(" \t"):
                    return None  # more lines: they might start a list in that item
                deepest = max(in_list, deepest if indent >= deepest else in_list)
            elif indent < 4:
                return None  # a block indented by 1-3 spaces
            # else indented code, or more of a paragraph's text: no list item either way
            continue
        if first == ">":
            found = _quote(lines, number)
            if found is None:
                return None
            skip, quoted = found
            items += quoted
            after_item, in_list = False, -1
            continue
        if first in "`~":
            opening = _FENCE_LINE.match(line)
            if opening is None or opening[1] or (opening[2][0] == "`" and "`" in opening[3]):
                return None
            fence, after_item, in_list = (opening[2][0], len(opening[2])), False, -1
            continue
        bullet = _BULLET.match(line)
        if bullet is not None:
            paragraph = line[bullet.end() :]
            content = paragraph.rstrip(" \t")
            if not _paragraph_item(line, content):
                return None
            items.append((number, content))
            after_item, in_list = True, bullet.end()
            deepest = in_list
        elif not _PLAIN.match(line):
            return None  # some other block
        elif after_item:
            # a lazy continuation line: more of the last item's paragraph, which markdown-it
            # joins line by line and trims at the end (so only its last line loses its spaces)
            paragraph += "\n" + line
            content = paragraph.rstrip(" \t")
            if content[-1].isspace() or content[-1] == "\ufeff":
                return None  # whitespace that JavaScript's trim and Python's strip see apart
            items[-1] = (items[-1][0], content)
        else:
            in_list = -1  # a paragraph at the left edge, after a blank line, ends a list
    return items


def _paragraph_item(line: str, content: str) -> bool:
    """Whether a one-line list item (`line` from its bullet on, `content` after the bullet)
    holds just a paragraph."""
    first = content[0]
    if first.isascii() and first.isalnum():
        # The usual item (a Log entry's date, a word): a letter starts no other block, nor
        # does a digit unless an ordered list's `1.`; and neither item nor line is a rule.
        return not (first.isdigit() and _ORDERED.match(content)) and not content[-1].isspace()
    return not (
        _RULE_LIKE.fullmatch(line)
        or _NOT_PARAGRAPH.match(content)
        or _RULE_LIKE.fullmatch(content)
        or content[0].isspace()
        or content[-1].isspace()
    )


def _quote(lines: list[str], number: int) -> tuple[int, list[tuple[int, str]]] | None:
    """A quote (an Obsidian callout) at the left edge from lines[number], followed by a blank
    line or a list item: (the line after it, its list items), or None when it holds more than
    `_plain_items` reads, or when the line after it may belong to it."""
    end = number
    while end < len(lines) and lines[end][:1] == ">":
        end += 1
    if end < len(lines) and lines[end].strip(" \t") and not _BULLET.match(lines[end]):
        return None  # a lazy continuation line, or another block
    inner = []
    for line in lines[number:end]:
        if "\t" in line:
            return None
        inner.append(line[2:] if line[1:2] == " " else line[1:])
    found = _plain_items(inner, 0)
    if found is None:
        return None
    return end, [(number + at, content) for at, content in found]


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


def _log_entry(
    content: str, line: int, problems: list[tuple[int, str]], zone: str = ""
) -> LogEntry | None:
    match = LEADING_WHEN.match(content)
    if match is None:
        return None  # an undated item is a remark, not a contact
    try:
        when = parse_when(match["when"], zone)
    except DateError as exc:
        problems.append((line, f"Log entry: {exc}"))
        return None
    text = " ".join(content[match.end() :].lstrip(_LOG_SEPARATORS).split())
    return LogEntry(when, text, line, parse_links(text))


def _task(
    content: str, line: int, problems: list[tuple[int, str]], zone: str = ""
) -> Task | None:
    if "[" not in content:
        return None  # no checkbox (most list items): spare the regex
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
        value = _task_day(match["value"], line, problems, zone)
        if is_due and due is None:
            due = value
        elif not is_due and scheduled is None:
            scheduled = value
    for match in _DATAVIEW_DATE.finditer(rest):
        key = match["key"].lower()
        if key == "due" and due is None:
            due = _task_day(match["value"], line, problems, zone)
        elif key == "scheduled" and scheduled is None:
            scheduled = _task_day(match["value"], line, problems, zone)
    when = due or scheduled  # Tasks' rule: a scheduled date counts only when there is no due date
    if when is None:
        return None
    text = _DATAVIEW_DATE.sub(" ", _TASK_METADATA.sub(" ", _TASK_EMOJI_DATE.sub(" ", rest)))
    return Task(when, " ".join(text.split()), line)


def _task_day(
    value: str, line: int, problems: list[tuple[int, str]], zone: str = ""
) -> date | None:
    try:
        return parse_day(value, zone)
    except DateError as exc:
        problems.append((line, f"task: {exc}"))
        return None
