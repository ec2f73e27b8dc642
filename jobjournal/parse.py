"""Text → Note: front matter split and loaded safely, fields coerced (PRODUCT §2, §4.3).

The coercion of each field is in fields.py, the body's Log and tasks in body.py.

Pure: no filesystem access. A problem with the whole file drops the note; a bad field is reported
and the note is read as if the field were absent.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import placeholders
from .body import could_hold_tasks, parse_body
from .dates import DateError
from .fields import COERCERS, FIELD_NAMES, FieldError, coerce_field
from .model import CLOSED_STATUSES, OPEN_STATUSES, Note, NoteType, Problem, Severity

JOBJOURNAL_TYPES = {t.value for t in NoteType}
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 50
MAX_VALUES = 10_000  # far above any real front matter; an alias bomb reaches it at once
#: Front matter longer than this (in characters) is first counted event by event: loading
#: hundreds of thousands of values costs seconds, counting stops at MAX_VALUES.
BIG_FRONT_MATTER = 64 * 1024

#: A `type:` line naming a jobjournal type, visible even when the front matter can't be read.
TYPE_LINE = re.compile(
    r"^type:[ \t]*[\"']?(?:" + "|".join(sorted(JOBJOURNAL_TYPES)) + r")\b", re.MULTILINE
)
_FENCE = re.compile(r"^---[ \t]*$")
_FM_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# Git writes all three markers; a `=======` line alone is also a setext heading's underline, so
# only the `<<<<<<<` and `>>>>>>>` lines are looked for.
_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)
_KEY = re.compile(r"""^(["']?)([^\s#"'\-?:][^:"']*?)\1[ \t]*:(?:[ \t]|$)""")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_STATUSES = OPEN_STATUSES | CLOSED_STATUSES

#: PRODUCT §2.1: the bold field of each type, and what it means (for the message).
_REQUIRED = {
    NoteType.INTERVIEW: ("date", "when it happens"),
    NoteType.APPLICATION: ("applied", "when you applied"),
    NoteType.REFERRAL: ("date", "when you were referred"),
    NoteType.MEETING: ("date", "when it happens"),
}


if TYPE_CHECKING:
    import yaml


@functools.cache
def _yaml() -> tuple[Any, Any]:
    """(the YAML loader class, python-frontmatter's YAML handler), built on first use: most
    front matter never needs them (see `_simple_yaml`), and importing them costs start-up time."""
    import frontmatter.default_handlers
    import yaml

    class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
        """Safe loading, with dates and numbers left as strings.

        Dates: PyYAML raises for the whole file on `2026-02-30`; as strings they are coerced
        field by field in dates.py. Numbers: YAML 1.1 reads `phone: 0612345` as the octal
        201 957 and `10:30` as 630, and the int fields accept strings of digits anyway.
        Booleans are YAML 1.2's, as Obsidian reads them: only true/false; `company: no` or
        `status: off` is the text the user wrote, not YAML 1.1's false.
        """

    _Loader.yaml_implicit_resolvers = {
        first: [
            (tag, _BOOL_1_2 if tag == _BOOL else regexp)
            for tag, regexp in resolvers
            if tag not in (_TIMESTAMP, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # An explicit `!!timestamp` is read as text too, for the same reason.
    _Loader.add_constructor(_TIMESTAMP, _Loader.construct_yaml_str)
    return _Loader, frontmatter.default_handlers.YAMLHandler()


#: Adds a problem: (file line or None, message, is it an error?).
Report = Callable[[int | None, str, bool], None]


class _FileProblem(Exception):
    """The whole file is unusable: the note is dropped."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_note(
    path: str, data: bytes, *, tasks_from_all: bool = False
) -> tuple[Note | None, list[Problem]]:
    """Parse one note's bytes; None when it is not a jobjournal note (or is unusable).

    `path` is vault-relative and POSIX. Problems are errors only in a jobjournal note (its `type`,
    or a `type:` line when the front matter can't be read); elsewhere they are warnings.
    With `tasks_from_all`, an ordinary note holding open dated tasks becomes a Note with no type.
    """
    problems: list[Problem] = []

    def report(line: int | None, message: str, error: bool) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        problems.append(Problem(path, line, severity, message))

    try:
        note = _parse(path, data, tasks_from_all, report)
    except _FileProblem as exc:
        report(exc.line, exc.message, looks_typed(data))
        note = None
    problems.sort(key=lambda p: p.line or 0)
    return note, problems


def looks_typed(data: bytes) -> bool:
    """True when raw bytes show a jobjournal `type:` line (used where they can't be parsed)."""
    # latin-1 decodes any byte; NULs are dropped so that a UTF-16 file shows its text too
    text = data[:MAX_BYTES].decode("latin-1").replace("\x00", "").replace("\r", "\n")
    return TYPE_LINE.search(text) is not None


def _parse(path: str, data: bytes, tasks_from_all: bool, report: Report) -> Note | None:
    if len(data) > MAX_BYTES:
        raise _FileProblem(1, "the file is larger than 4 MiB: not read")
    text = _decode(data)
    conflict = _CONFLICT.search(text) if "<<<<<<<" in text or ">>>>>>>" in text else None
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise _FileProblem(line, "git conflict markers: resolve the merge conflict in this file")

    fm_text, body, body_line = _split(text)
    unfilled = placeholders.find(fm_text, 2) if fm_text and placeholders.could_hold(fm_text) else {}
    # Without a `type` key front matter can't make a jobjournal note: don't spend YAML on it
    # (an ordinary note is ignored silently, whatever its front matter holds).
    try:
        fields, lines, repeated = (
            _load_yaml(fm_text) if fm_text and "type" in fm_text else ({}, {}, {})
        )
    except _FileProblem as exc:
        if exc.line in unfilled:  # an unquoted `{{date}}` is a YAML mapping, never a date
            raise _FileProblem(exc.line, placeholders.message(unfilled[exc.line])) from None
        raise
    if fields.get("type") == "agenda" and fields.get("generated_by") == "jobjournal":
        return None  # our own output, wherever it was moved: never input, not even its tasks
    if "type" in repeated and not repeated["type"][2]:
        first, last, _ = repeated["type"]
        message = f"`type` is given twice (lines {first} and {last}), with different values"
        raise _FileProblem(last, f"{message}: keep the right one")
    note_type = _note_type(fields.get("type"), lines.get("type", 2), report)
    if note_type is None:
        if not (tasks_from_all and could_hold_tasks(body)):
            return None
        parsed = parse_body(body, body_line, with_log=False)
        for line, message in parsed.problems:
            report(line, message, False)
        return Note(path, None, tasks=parsed.tasks) if parsed.tasks else None

    values: dict[str, Any] = {}
    bad: set[str] = set()
    for key, (first, last, same) in repeated.items():
        if key not in COERCERS and key != "type":
            continue
        if same:  # harmless, but a leftover
            report(last, f"{key}: given twice (lines {first} and {last}), with the same value: "
                   "delete one", False)
        else:  # which value the user meant is anyone's guess: neither is used
            report(last, f"{key}: given twice (lines {first} and {last}), and YAML silently "
                   "keeps only the last: delete the one you don't mean", True)
            bad.add(key)
    if unfilled or placeholders.could_hold(body):
        bad |= placeholders.report_unfilled(unfilled, lines, body, body_line, report)
    for key, raw in fields.items():
        if key not in COERCERS or key in bad:
            continue  # unknown keys are the user's business
        try:
            value = coerce_field(key, raw)
        except (FieldError, DateError) as exc:
            report(lines.get(key, 1), f"{key}: {exc}", True)
            bad.add(key)
            continue
        if value is not None:
            values[FIELD_NAMES.get(key, key)] = value

    status = values.get("status")
    if status is not None and status not in _STATUSES:
        message = f"unknown status {status!r}{_suggest(status)}: it counts as open"
        report(lines.get("status", 1), message, False)
    required = _REQUIRED.get(note_type)
    if required and required[0] not in values and required[0] not in bad:
        key, meaning = required
        message = f"{note_type.value} has no `{key}` ({meaning}): add `{key}: YYYY-MM-DD`"
        report(lines.get("type", 1), message, True)

    parsed = parse_body(body, body_line)
    for line, message in parsed.problems:
        report(line, message, True)
    return Note(path, note_type, log=parsed.log, tasks=parsed.tasks, lines=lines, **values)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _FileProblem(1, "the file is UTF-16: save it as UTF-8") from None
        line = data.count(b"\n", 0, exc.start) + 1
        reason = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
        raise _FileProblem(line, reason) from None
    # one line-ending convention for the front matter, YAML marks and markdown-it alike
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, 1-based file line of the body's first line)."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _FENCE.match(first):
        return None, text, 1
    closing = _FM_END.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise _FileProblem(1, "unterminated front matter: the `---` on line 1 has no closing `---`")
    fm_text = text[first_end + 1 : closing.start()]
    body_start = text.find("\n", closing.end())
    closing_line = fm_text.count("\n") + 2
    if body_start < 0:
        return fm_text, "", closing_line + 1
    return fm_text, text[body_start + 1 :], closing_line + 1


def _load_yaml(
    fm_text: str,
) -> tuple[dict[Any, Any], dict[str, int], dict[str, tuple[int, int, bool]]]:
    """The front matter as a mapping (empty when there is none), the line of each top-level
    key, and the keys given more than once (see `_repeated_keys`); _FileProblem when it can't
    be used."""
    simple = _simple_yaml(fm_text) if fm_text.count("\n") < MAX_VALUES else None
    if simple is not None:
        return (*simple, {})  # at most two levels, and fewer values than lines: never too big
    value = _load_with_yaml(fm_text)
    if value is None:
        return {}, {}, {}
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else "a single value"
        raise _FileProblem(2, f"front matter is {kind}, not `key: value` lines")
    if not value:
        return {}, {}, {}
    too_big = _too_big(value)
    if too_big:
        key, reason = too_big
        raise _FileProblem(_key_lines(fm_text).get(key, 1), reason)
    return value, _key_lines(fm_text), _repeated_keys(fm_text, value)


def _load_with_yaml(fm_text: str) -> Any:
    loader, handler = _yaml()
    import yaml

    try:
        too_many = _too_many_values(fm_text, loader) if len(fm_text) > BIG_FRONT_MATTER else None
        if too_many is None:
            return handler.load(fm_text, Loader=loader)
    except yaml.YAMLError as exc:
        where = _plain_yaml_problem(exc, fm_text) or _yaml_problem(exc, fm_text.count("\n"))
        raise _FileProblem(*where) from None
    except RecursionError:
        raise _FileProblem(1, f"front matter nests deeper than {MAX_DEPTH} levels") from None
    except Exception as exc:  # a loader bug must not stop the run: it is this note's problem
        reason = f"front matter could not be read ({type(exc).__name__}: {exc})"
        raise _FileProblem(1, reason) from None
    raise _FileProblem(too_many, f"front matter holds more than {MAX_VALUES:,} values")


def _too_many_values(fm_text: str, loader: Any) -> int | None:
    """The file line where the front matter's values pass MAX_VALUES, counted as `_too_big`
    counts them (every node but the mappings' keys, aliases once) from the parser's events,
    never built; None when they don't. YAML errors are raised."""
    import yaml

    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    nodes = (yaml.ScalarEvent, yaml.AliasEvent, *starts)
    parser = loader(fm_text)
    try:
        open_: list[list[int]] = []  # per open collection: [is it a mapping, nodes in it]
        count = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, nodes):
                if open_:
                    is_map, seen = open_[-1]
                    open_[-1][1] += 1
                    if not (is_map and seen % 2 == 0):  # not a key
                        count += 1
                        if count > MAX_VALUES:
                            mark = event.start_mark
                            return 2 + mark.line if mark is not None else 1
                if isinstance(event, starts):
                    open_.append([isinstance(event, yaml.MappingStartEvent), 0])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                open_.pop()
        return None
    finally:
        parser.dispose()


# --- the plain shape of front matter, read without YAML -------------------------------------
# Nearly every note's front matter is `key: value` lines at the left edge, with `- item` lists
# under an empty key: for that shape what the YAML loader returns is plain to see, and reading
# it directly costs a fraction of the C loader. Anything else (escapes, flow collections, block
# scalars, anchors, tags, nesting, comments after a value, tabs, characters YAML refuses or
# reads as line breaks) goes to the loader, which also reports the errors.
# tests/test_speed_paths.py checks that both agree.

_SIMPLE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,100}):(?: +(.*?))? *")
_SIMPLE_ITEM = re.compile(r"( *)- +(.*?) *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
# Tabs, and everything outside YAML's printable set or that YAML reads as a line break
# (NEL, LINE and PARAGRAPH SEPARATOR), or a BOM: left to the loader.
_NOT_SIMPLE_CHARS = re.compile(
    r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# A plain value starting with one of these is something else in YAML (or may be).
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`<=")
#: Words the loader reads as booleans and nulls (numbers, dates and yes/no stay text: _yaml).
_YAML_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
}
_NOT_SIMPLE = object()


def _simple_yaml(fm_text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """What `_load_yaml` returns — the mapping the YAML loader would give, and the key lines —
    for front matter of the plain shape; None when the text has any other shape."""
    if _NOT_SIMPLE_CHARS.search(fm_text):
        return None
    result: dict[str, Any] = {}
    lines: dict[str, int] = {}
    items: list[Any] | None = None  # the list under the last key, while its value is empty
    key = ""
    indent = -1
    for number, line in enumerate(fm_text.split("\n"), start=2):
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue  # a blank line or a comment line
        if stripped[0] == "-":
            match = _SIMPLE_ITEM.fullmatch(line)
            if match is None or items is None:
                return None
            if indent < 0:
                indent = len(match[1])
                result[key] = items
            elif len(match[1]) != indent:
                return None
            value = _simple_scalar(match[2])
            if value is _NOT_SIMPLE:
                return None
            items.append(value)
            continue
        match = _SIMPLE_KEY.fullmatch(line)
        if match is None or match[1] in _YAML_WORDS or match[1] in lines:
            return None  # (a key given twice is the loader's path's to report)
        key = match[1]
        lines[key] = number
        if match[2]:
            value = _simple_scalar(match[2])
            if value is _NOT_SIMPLE:
                return None
            result[key], items = value, None
        else:
            result[key], items, indent = None, [], -1
    return (result, lines) if result else ({}, {})


def _simple_scalar(raw: str) -> Any:
    """One value of the plain shape (quoted, or plain and on one line), or _NOT_SIMPLE."""
    if not raw:
        return _NOT_SIMPLE  # an empty list item
    first = raw[0]
    if first == '"' or first == "'":
        match = (_DOUBLE_QUOTED if first == '"' else _SINGLE_QUOTED).fullmatch(raw)
        return match[1] if match else _NOT_SIMPLE
    if first in _PLAIN_START or ": " in raw or " #" in raw or raw[-1] == ":":
        return _NOT_SIMPLE
    if "[" in raw or "]" in raw or "{" in raw or "}" in raw:
        return _NOT_SIMPLE
    return _YAML_WORDS.get(raw, raw)


def _yaml_problem(exc: yaml.YAMLError, fm_lines: int) -> tuple[int, str]:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if context is not None and (mark is None or mark.line >= fm_lines):
        # found only at the end (an unclosed quote or bracket): point at where it opened
        mark = context
    line = 2 + mark.line if mark is not None else 1  # the front matter starts on line 2
    problem = str(getattr(exc, "problem", None) or exc).strip()
    if getattr(exc, "context", None):
        problem = f"{problem} ({exc.context})"  # type: ignore[attr-defined]
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return line, f"YAML tag {name!r} is not allowed: front matter holds plain values only"
    if "nesting depth" in problem:
        return line, f"front matter nests deeper than {MAX_DEPTH} levels"
    return line, f"front matter is not valid YAML: {problem}"


def _plain_yaml_problem(exc: yaml.YAMLError, fm_text: str) -> tuple[int, str] | None:
    """(line, reason) in plain words for the YAML errors hand-typed front matter runs into most,
    where the loader's own words don't tell what to do; None for the others."""
    character = getattr(exc, "character", None)
    if character is not None:  # a ReaderError: the reader stops at the first such character
        char = chr(character) if isinstance(character, int) else str(character)
        at = fm_text.find(char)
        line = fm_text.count("\n", 0, at) + 2 if at >= 0 else 1
        name = "a NUL byte" if char == "\x00" else "a control character"
        return line, (f"front matter holds {name} (U+{ord(char):04X}), which YAML does not "
                      "allow: delete it")
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    line = 2 + mark.line
    if getattr(exc, "problem", None) == "found unhashable key":
        return line, ("a key that is a list or a mapping (`? [a, b]`, `{a: b}: …`): "
                      "front matter keys must be plain names")
    text_line = (fm_text.split("\n") + [""])[mark.line] if mark.line >= 0 else ""
    if 0 <= mark.column < len(text_line) and text_line[mark.column] == "\t":
        return line, "a tab: YAML indents with spaces only (replace the tab with spaces)"
    return None


def _too_big(value: dict[Any, Any]) -> tuple[Any, str] | None:
    """(top-level key, reason) when the front matter nests too deep or holds too many values."""
    # Iterative, and capped: aliases are shared references, so an alias bomb is a small graph
    # that a recursive walk would visit billions of times.
    stack: list[tuple[Any, int, Any]] = [(child, 2, key) for key, child in value.items()]
    seen = 0
    while stack:
        item, depth, key = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return key, f"front matter holds more than {MAX_VALUES:,} values (repeated aliases?)"
        if depth > MAX_DEPTH:
            return key, f"front matter nests deeper than {MAX_DEPTH} levels"
        if isinstance(item, dict):
            stack.extend((child, depth + 1, key) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1, key) for child in item)
    return None


def _key_lines(fm_text: str) -> dict[str, int]:
    """The 1-based file line of each top-level key (the last one wins, as in YAML loading)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(fm_text.split("\n"), start=2):
        match = _KEY.match(line)
        if match:
            lines[match.group(2).strip()] = number
    return lines


def _repeated_keys(fm_text: str, value: dict[Any, Any]) -> dict[str, tuple[int, int, bool]]:
    """Top-level keys given more than once: key → (its first line, its last line, whether both
    lines hold the same one-line value). YAML keeps only the last value, silently; when they
    differ, which one the user meant is anyone's guess."""
    first: dict[str, tuple[int, str]] = {}
    repeated: dict[str, tuple[int, int, bool]] = {}
    for number, line in enumerate(fm_text.split("\n"), start=2):
        match = _KEY.match(line)
        if match:
            key = match.group(2).strip()
            written = line[match.end() :].strip()
            if key in first:
                start, was = first[key]
                repeated[key] = (start, number, bool(written) and written == was)
            else:
                first[key] = (number, written)
    # a key-like line inside a multi-line quoted value is not a key: keep the loaded ones
    return {key: where for key, where in repeated.items() if key in value}


def _note_type(raw: Any, line: int, report: Report) -> NoteType | None:
    if isinstance(raw, str) and raw.strip() in JOBJOURNAL_TYPES:
        return NoteType(raw.strip())
    if not isinstance(raw, str) or not raw.strip():
        return None
    name = raw.strip()
    # PRODUCT §4.3: a warning, never an error (other plugins use `type` too: `type: book`); a
    # typo of ours ("intervew", "Interview") gets a suggestion. `[vault] ignore` quiets folders.
    report(line, f"unknown type {name!r} ({_type_hint(name.lower())}): read as an ordinary note",
           False)
    return None


@functools.lru_cache(maxsize=256)
def _type_hint(name: str) -> str:
    """A suggestion for an unknown type, worked out once per name (a vault of `type: book`
    notes asks again and again)."""
    suggestion = difflib.get_close_matches(name, sorted(JOBJOURNAL_TYPES), n=1, cutoff=0.75)
    return f"did you mean {suggestion[0]!r}?" if suggestion else (
        f"jobjournal reads {', '.join(t.value for t in NoteType)}")


def _suggest(status: str) -> str:
    match = difflib.get_close_matches(status, sorted(_STATUSES), n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match else ""
