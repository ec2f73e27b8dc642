"""Text → Note: front matter split and loaded safely, fields coerced (PRODUCT §2, §4.3).

The coercion of each field is in fields.py, the body's Log and tasks in body.py.

Pure: no filesystem access. A problem with the whole file drops the note; a bad field is reported
and the note is read as if the field were absent.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

import frontmatter.default_handlers
import yaml

from .body import could_hold_tasks, parse_body
from .dates import DateError
from .fields import COERCERS, FIELD_NAMES, FieldError, coerce_field
from .model import CLOSED_STATUSES, OPEN_STATUSES, Note, NoteType, Problem, Severity

JOBJOURNAL_TYPES = {t.value for t in NoteType}
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 50
MAX_VALUES = 10_000  # far above any real front matter; an alias bomb reaches it at once

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
_STATUSES = OPEN_STATUSES | CLOSED_STATUSES

#: PRODUCT §2.1: the bold field of each type, and what it means (for the message).
_REQUIRED = {
    NoteType.INTERVIEW: ("date", "when it happens"),
    NoteType.APPLICATION: ("applied", "when you applied"),
    NoteType.REFERRAL: ("date", "when you were referred"),
    NoteType.MEETING: ("date", "when it happens"),
}


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loading, with dates and numbers left as strings.

    Dates: PyYAML raises for the whole file on `2026-02-30`; as strings they are coerced field by
    field in dates.py. Numbers: YAML 1.1 reads `phone: 0612345` as the octal 201 957, and the int
    fields accept strings of digits anyway.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in (_TIMESTAMP, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# An explicit `!!timestamp` is read as text too, for the same reason.
_Loader.add_constructor(_TIMESTAMP, _Loader.construct_yaml_str)
_YAML = frontmatter.default_handlers.YAMLHandler()


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
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise _FileProblem(line, "git conflict markers: resolve the merge conflict in this file")

    fm_text, body, body_line = _split(text)
    # Without a `type` key front matter can't make a jobjournal note: don't spend YAML on it
    # (an ordinary note is ignored silently, whatever its front matter holds).
    fields = (_load_yaml(fm_text) or {}) if fm_text and "type" in fm_text else {}
    if fields.get("type") == "agenda" and fields.get("generated_by") == "jobjournal":
        return None  # our own output, wherever it was moved: never input, not even its tasks
    lines = _key_lines(fm_text) if fm_text and fields else {}
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
    for key, raw in fields.items():
        if key not in COERCERS:
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


def _load_yaml(fm_text: str) -> dict[Any, Any] | None:
    """The front matter as a mapping (None when empty); _FileProblem when it can't be used."""
    try:
        value = _YAML.load(fm_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _FileProblem(*_yaml_problem(exc, fm_text.count("\n"))) from None
    except RecursionError:
        raise _FileProblem(1, f"front matter nests deeper than {MAX_DEPTH} levels") from None
    except Exception as exc:  # a loader bug must not stop the run: it is this note's problem
        reason = f"front matter could not be read ({type(exc).__name__}: {exc})"
        raise _FileProblem(1, reason) from None
    if value is None:
        return None
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else "a single value"
        raise _FileProblem(2, f"front matter is {kind}, not `key: value` lines")
    too_big = _too_big(value)
    if too_big:
        key, reason = too_big
        raise _FileProblem(_key_lines(fm_text).get(key, 1), reason)
    return value


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


def _note_type(raw: Any, line: int, report: Report) -> NoteType | None:
    if isinstance(raw, str) and raw.strip() in JOBJOURNAL_TYPES:
        return NoteType(raw.strip())
    if not isinstance(raw, str) or not raw.strip():
        return None
    name = raw.strip()
    # Other plugins use `type` too (`type: book`): warn only when the value looks like a typo of
    # ours ("intervew", "Interview"), so that a vault full of other notes stays quiet.
    suggestion = difflib.get_close_matches(name.lower(), sorted(JOBJOURNAL_TYPES), n=1, cutoff=0.75)
    if suggestion:
        report(line, f"unknown type {name!r} (did you mean {suggestion[0]!r}?)", False)
    return None


def _suggest(status: str) -> str:
    match = difflib.get_close_matches(status, sorted(_STATUSES), n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match else ""
