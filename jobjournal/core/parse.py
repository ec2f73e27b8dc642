"""Text → Note: front matter split and loaded safely, fields coerced.

Loading the front matter is in frontmatter.py, the coercion of each field in fields.py, the
body's Log and tasks in body.py. What is read is in docs/rules.md, "Notes and fields"; what
is a problem, under "Problems".

Pure: no filesystem access. A problem with the whole file drops the note; a bad field is reported
and the note is read as if the field were absent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jobjournal.core import placeholders
from jobjournal.core.body import could_hold_tasks, parse_body
from jobjournal.core.conflicts import conflict_marker_line
from jobjournal.core.dates import DateError
from jobjournal.core.fields import (
    FIELD_NAMES,
    KNOWN_FIELDS,
    FieldError,
    coercers,
    meant_field,
)
from jobjournal.core.frontmatter import FrontMatterProblem, load_yaml
from jobjournal.core.model import CLOSED_STATUSES, OPEN_STATUSES, Note, NoteType, Problem, Severity

JOBJOURNAL_TYPES = {t.value for t in NoteType}
#: Each type by its name: a look-up in a dict, where calling the enum runs its metaclass.
_TYPE_OF = {t.value: t for t in NoteType}
MAX_BYTES = 4 * 1024 * 1024

#: A `type:` line naming a jobjournal type, visible even when the front matter can't be read.
TYPE_LINE = re.compile(
    r"^type:[ \t]*[\"']?(?:" + "|".join(sorted(JOBJOURNAL_TYPES)) + r")\b", re.MULTILINE
)
_FENCE = re.compile(r"^---[ \t]*$")
_FM_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_STATUSES = OPEN_STATUSES | CLOSED_STATUSES

#: The required field of each type, and what it means (for the message).
_REQUIRED = {
    NoteType.INTERVIEW: ("date", "when it happens"),
    NoteType.APPLICATION: ("applied", "when you applied"),
    NoteType.REFERRAL: ("date", "when you were referred"),
    NoteType.MEETING: ("date", "when it happens"),
}


#: Adds a problem: (file line or None, message, is it an error?).
Report = Callable[[int | None, str, bool], None]


class _FileProblem(Exception):
    """The whole file is unusable: the note is dropped."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_note(
    path: str, data: bytes, *, tasks_from_all: bool = False, zone: str = ""
) -> tuple[Note | None, list[Problem]]:
    """Parse one note's bytes; None when it is not a jobjournal note (or is unusable).

    `path` is vault-relative and POSIX. Problems are errors only in a jobjournal note (its `type`,
    or a `type:` line when the front matter can't be read); elsewhere they are warnings.
    With `tasks_from_all`, an ordinary note holding open dated tasks becomes a Note with no type.
    A date-time written with a UTC offset is converted to the vault's time zone `zone` (an IANA
    name; "": the machine's).
    """
    problems: list[Problem] = []

    def report(line: int | None, message: str, error: bool) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        problems.append(Problem(path, line, severity, message))

    try:
        note = _parse(path, data, tasks_from_all, zone, report)
    except _FileProblem as exc:
        report(exc.line, exc.message, looks_typed(data))
        note = None
    if len(problems) > 1:
        problems.sort(key=lambda p: p.line or 0)
    return note, problems


def looks_typed(data: bytes) -> bool:
    """True when raw bytes show a jobjournal `type:` line (used where they can't be parsed)."""
    # latin-1 decodes any byte; NULs are dropped so that a UTF-16 file shows its text too
    text = data[:MAX_BYTES].decode("latin-1").replace("\x00", "").replace("\r", "\n")
    return TYPE_LINE.search(text) is not None


def _parse(
    path: str, data: bytes, tasks_from_all: bool, zone: str, report: Report
) -> Note | None:
    if len(data) > MAX_BYTES:
        raise _FileProblem(1, "the file is larger than 4 MiB: not read")
    text = _decode(data)
    conflict = conflict_marker_line(text)  # one look for "<<<<<<<" in a note without them
    if conflict is not None:
        raise _FileProblem(
            conflict, "git conflict markers: resolve the merge conflict in this file"
        )

    fm_text, body, body_line = _split(text)
    maybe_placeholders = placeholders.could_hold(text)  # once for front matter and body
    unfilled = (
        placeholders.find(fm_text, 2)
        if fm_text and maybe_placeholders and placeholders.could_hold(fm_text) else {}
    )
    # Without a `type` key front matter can't make a jobjournal note: don't spend YAML on it
    # (an ordinary note is ignored silently, whatever its values) — unless it is no mapping at
    # all (a list, a sentence), which is reported wherever it is, as broken YAML is.
    try:
        fields, lines, repeated = (
            load_yaml(fm_text) if fm_text and ("type" in fm_text or _maybe_not_a_mapping(fm_text))
            else ({}, {}, {})
        )
    except FrontMatterProblem as exc:
        if exc.line in unfilled:  # an unquoted `{{date}}` is a YAML mapping, never a date
            raise _FileProblem(exc.line, placeholders.message(unfilled[exc.line])) from None
        raise _FileProblem(exc.line, exc.message) from None
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
        parsed = parse_body(body, body_line, with_log=False, zone=zone)
        for line, message in parsed.problems:
            report(line, message, False)
        return Note.of(path, None, tasks=parsed.tasks) if parsed.tasks else None

    values: dict[str, Any] = {}
    bad: set[str] = set()
    known = KNOWN_FIELDS[note_type]
    for key, (first, last, same) in repeated.items():
        if key not in known:
            continue
        if same:  # harmless, but a leftover
            report(last, f"{key}: given twice (lines {first} and {last}), with the same value: "
                   "delete one", False)
        else:  # which value the user meant is anyone's guess: neither is used
            report(last, f"{key}: given twice (lines {first} and {last}), and YAML silently "
                   "keeps only the last: delete the one you don't mean", True)
            bad.add(key)
    if unfilled or (maybe_placeholders and placeholders.could_hold(body)):
        bad |= placeholders.report_unfilled(unfilled, lines, body, body_line, report, known)
    coercer_of = coercers(zone)
    for key, raw in fields.items():
        if key not in known:  # unknown keys are the user's business, but for two kinds of slip
            meant = meant_field(note_type, key) if isinstance(key, str) else None
            if meant is not None:
                report(lines.get(key, 1), f"`{key}` is not a field of {_a(note_type)}, so it is "
                       f"ignored: did you mean `{meant}`?", False)
            continue
        coerce = coercer_of.get(key)
        if coerce is None or key in bad:
            continue
        try:
            value = coerce(raw)
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

    parsed = parse_body(body, body_line, zone=zone)
    for line, message in parsed.problems:
        report(line, message, True)
    if parsed.log:
        values["log"] = parsed.log
    if parsed.tasks:
        values["tasks"] = parsed.tasks
    return Note.of(path, note_type, lines=lines, **values)


def _decode(data: bytes) -> str:
    try:
        # what "utf-8-sig" gives (one leading byte order mark dropped), without its codec's
        # Python-level wrapper: several times quicker on a short note
        text = data.decode()
        if text[:1] == "\ufeff":
            text = text[1:]
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _FileProblem(1, "the file is UTF-16: save it as UTF-8") from None
        line = data.count(b"\n", 0, exc.start) + 1
        reason = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
        raise _FileProblem(line, reason) from None
    # one line-ending convention for the front matter, YAML marks and markdown-it alike
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _split(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, 1-based file line of the body's first line)."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _FENCE.match(first):
        return None, text, 1
    closing = _closing_fence(text, first_end) if first_end >= 0 else None
    if closing is None:
        raise _FileProblem(1, "unterminated front matter: the `---` on line 1 has no closing `---`")
    fm_text = text[first_end + 1 : closing.start()]
    body_start = text.find("\n", closing.end())
    closing_line = fm_text.count("\n") + 2
    if body_start < 0:
        return fm_text, "", closing_line + 1
    return fm_text, text[body_start + 1 :], closing_line + 1



def _maybe_not_a_mapping(fm_text: str) -> bool:
    """False when front matter's first line with content starts a mapping (`key: value`, `{`):
    a cheap look, so that only a list, a lone value or an odd shape goes to the YAML loader."""
    start = 0
    while start <= len(fm_text):
        end = fm_text.find("\n", start)
        end = len(fm_text) if end < 0 else end
        text = fm_text[start:end].strip()
        start = end + 1
        if not text or text[0] in "#%":
            continue  # blank, a comment, a YAML directive
        if text[0] in "-[\"'":
            return True  # a list (or a quoted key, which the loader reads)
        return text[0] != "{" and ": " not in text and not text.endswith(":")
    return False


def _closing_fence(text: str, start: int) -> re.Match[str] | None:
    """`_FM_END.search(text, start + 1)`, looking only at lines starting `---` or `...` (found
    with str.find, where a regex would try every character); `start` is a line end."""
    # `...` lines are looked for only up to the next `---` line, which usually closes the front
    # matter: not through the whole body. Each search starts past what was searched already:
    # linear time.
    dashes = text.find("\n---", start)
    at = start
    while True:
        dots = text.find("\n...", at, len(text) if dashes < 0 else dashes)
        if dots >= 0:
            match = _FM_END.match(text, dots + 1)
            if match is not None:
                return match
            at = dots + 1
            continue
        if dashes < 0:
            return None
        match = _FM_END.match(text, dashes + 1)
        if match is not None:
            return match
        at = dashes + 1
        dashes = text.find("\n---", at)


def _note_type(raw: Any, line: int, report: Report) -> NoteType | None:
    if isinstance(raw, str) and (known := _TYPE_OF.get(raw.strip())) is not None:
        return known
    if not isinstance(raw, str) or not raw.strip():
        return None
    name = raw.strip()
    # A warning, never an error (other plugins use `type` too: `type: book`); a
    # typo of ours ("intervew", "Interview") gets a suggestion. `[vault] ignore` quiets folders.
    report(line, f"unknown type {name!r} ({_type_hint(name.lower())}): read as an ordinary note",
           False)
    return None


def _a(note_type: NoteType) -> str:
    """"an interview", "a contact"."""
    return f"{'an' if note_type.value[0] in 'aeiou' else 'a'} {note_type.value}"


def _type_hint(name: str) -> str:
    """A suggestion for an unknown type."""
    import difflib  # only for a mistake: it costs start-up time

    suggestion = difflib.get_close_matches(name, sorted(JOBJOURNAL_TYPES), n=1, cutoff=0.75)
    return f"did you mean {suggestion[0]!r}?" if suggestion else (
        f"jobjournal reads {', '.join(t.value for t in NoteType)}")


def _suggest(status: str) -> str:
    import difflib  # only for a mistake: it costs start-up time

    match = difflib.get_close_matches(status, sorted(_STATUSES), n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match else ""
