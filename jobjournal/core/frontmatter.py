"""Front matter text → the mapping it holds, safely (docs/rules.md, "Notes and fields").

Front matter of the plain `key: value` shape is read directly (`_simple_yaml`); anything else goes
to a safe PyYAML loader, with dates and numbers left as text, and is refused when it nests too deep
or holds too many values (an alias bomb). Also here: the line of each top-level key, the keys given
twice, and YAML's errors told in plain words. PyYAML and python-frontmatter are imported on first
use only: most notes never need them.

Pure: no filesystem access. Front matter that can't be used raises `FrontMatterProblem`.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

MAX_DEPTH = 50
MAX_VALUES = 10_000  # far above any real front matter; an alias bomb reaches it at once
#: Front matter longer than this (in characters) is first counted event by event: loading
#: hundreds of thousands of values costs seconds, counting stops at MAX_VALUES.
BIG_FRONT_MATTER = 64 * 1024

_KEY = re.compile(r"""^(["']?)([^\s#"'\-?:][^:"']*?)\1[ \t]*:(?:[ \t]|$)""")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

if TYPE_CHECKING:
    import yaml


class FrontMatterProblem(Exception):
    """The front matter can't be used: the whole note is dropped."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _make_yaml() -> tuple[Any, Any]:
    """(the YAML loader class, python-frontmatter's YAML handler), built on first use (`_yaml`):
    most front matter never needs them (see `_simple_yaml`), and importing them costs start-up
    time."""
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


#: `_make_yaml`, made once. (Wrapped here rather than decorated: the mutation run mutates no
#: decorated function, see docs/mutation.md.)
_yaml = functools.cache(_make_yaml)


def load_yaml(
    fm_text: str,
) -> tuple[dict[Any, Any], dict[str, int], dict[str, tuple[int, int, bool]]]:
    """The front matter as a mapping (empty when there is none), the line of each top-level
    key, and the keys given more than once (see `_repeated_keys`); FrontMatterProblem when it
    can't be used."""
    simple = _simple_yaml(fm_text) if fm_text.count("\n") < MAX_VALUES else None
    if simple is not None:
        return (*simple, {})  # at most two levels, and fewer values than lines: never too big
    value = _load_with_yaml(fm_text)
    if value is None:
        return {}, {}, {}
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else "a single value"
        raise FrontMatterProblem(2, f"front matter is {kind}, not `key: value` lines")
    if not value:
        return {}, {}, {}
    too_big = _too_big(value)
    if too_big:
        key, reason = too_big
        raise FrontMatterProblem(_key_lines(fm_text).get(key, 1), reason)
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
        raise FrontMatterProblem(*where) from None
    except RecursionError:
        raise FrontMatterProblem(1, f"front matter nests deeper than {MAX_DEPTH} levels") from None
    except Exception as exc:  # a loader bug must not stop the run: it is this note's problem
        reason = f"front matter could not be read ({type(exc).__name__}: {exc})"
        raise FrontMatterProblem(1, reason) from None
    raise FrontMatterProblem(too_many, f"front matter holds more than {MAX_VALUES:,} values")


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
# tests/test_fast_paths.py proves that both agree, on front matter that mostly takes this path
# (docs/design.md, "Fast paths and their proofs").

#: A key of the plain shape: these characters, not starting with a digit or `-`, at most 101.
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SIMPLE_ITEM = re.compile(r"( *)- +(.*?) *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
# Tabs, and everything outside YAML's printable set or that YAML reads as a line break
# (NEL, LINE and PARAGRAPH SEPARATOR), or a BOM: left to the loader. Written as the few
# characters refused rather than as the complement of those allowed (`[^\n\x20-\x7e…]`), which
# re compiles one code point at a time: a twentieth of the cost, paid at every start.
_NOT_SIMPLE_CHARS = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
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
    """What `load_yaml` returns — the mapping the YAML loader would give, and the key lines —
    for front matter of the plain shape; None when the text has any other shape."""
    if _NOT_SIMPLE_CHARS.search(fm_text):
        return None
    result: dict[str, Any] = {}
    lines: dict[str, int] = {}
    items: list[Any] | None = None  # the list under the last key, while its value is empty
    key = ""
    indent = -1
    known = _LINES
    for number, line in enumerate(fm_text.split("\n"), start=2):
        try:
            said = known[line]
        except KeyError:
            said = _read_line(line)
            if len(line) <= _LINE_KEPT:  # a long line is seldom seen twice: not kept
                if len(known) >= _LINES_MAX:
                    known.clear()
                known[line] = said
        if said is None:
            return None
        kind, name_or_indent, value = said
        if kind is _SKIP_LINE:
            continue
        if kind is _ITEM_LINE:
            if items is None:
                return None
            if indent < 0:
                indent = name_or_indent
                result[key] = items
            elif name_or_indent != indent:
                return None
            items.append(value)
            continue
        if name_or_indent in lines:
            return None  # (a key given twice is the loader's path's to report)
        key = name_or_indent
        lines[key] = number
        if value is _EMPTY:
            result[key], items, indent = None, [], -1
        else:
            result[key], items = value, None
    return (result, lines) if result else ({}, {})


# What each line of front matter says on its own, remembered by its text: most lines come back
# note after note (`type: interview`, `status: rejected`, `  - contact`). Forgotten past
# _LINES_MAX (a watcher runs for days). The values are immutable, so notes share them. A memo
# table of a pure function, kept because it pays: a cold read runs 5.5 % fewer instructions.
_SKIP_LINE, _ITEM_LINE, _KEY_LINE = "skip", "item", "key"
_EMPTY = object()  # a key with no value (None, or the list its items make)
_LINES: dict[str, tuple[str, Any, Any] | None] = {}
_LINES_MAX = 50_000
_LINE_KEPT = 200  # characters


def _read_line(line: str) -> tuple[str, Any, Any] | None:
    """One line of plain front matter: (_SKIP_LINE, None, None) for a blank or comment line,
    (_ITEM_LINE, its indent, its value) for a list item, (_KEY_LINE, the key, its value or
    _EMPTY) for `key: value` or `key:`; None for any other shape."""
    first = line[:1]
    if first == "#" or not first:
        return _SKIP_LINE, None, None  # a comment line or an empty one
    if first == " " or first == "-":
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            return _SKIP_LINE, None, None  # a blank line or a comment line
        if stripped[0] != "-":
            return None  # indented: more of a value, or nesting
        match = _SIMPLE_ITEM.fullmatch(line)
        if match is None:
            return None
        value = _simple_scalar(match[2])
        return None if value is _NOT_SIMPLE else (_ITEM_LINE, len(match[1]), value)
    # `key: value` (or `key:`): a plain key, a colon, then nothing or spaces and the value
    name, colon, rest = line.partition(":")
    if (
        not colon
        or not (first == "_" or first.isalpha())
        or len(name) > 101
        or not _KEY_CHARS.issuperset(name)
        or (rest and rest[0] != " ")
        or name in _YAML_WORDS
    ):
        return None
    raw = rest.strip(" ")
    if not raw:
        return _KEY_LINE, name, _EMPTY
    value = _simple_scalar(raw)
    return None if value is _NOT_SIMPLE else (_KEY_LINE, name, value)


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
    return line, f"front matter is not valid YAML: {problem}{_yaml_hint(problem)}"


# What the YAML errors hand-typed front matter runs into mean, in plain words: (what the loader
# says, what to do about it). The first that matches is added to the loader's own words.
_YAML_HINTS = (
    (re.compile(r"mapping values are not allowed"),
     'quote a value that holds `: ` (`role: "Lead: Backend"`), and start each key at the '
     "beginning of its line"),
    (re.compile(r"found character (?:'.' )?that cannot start any token"),
     'quote a value that starts with a sign such as @ or % (`key: "@…"`)'),
    (re.compile(r"found undefined alias|expected alias or anchor"),
     'quote a value that starts with * or & (`key: "*…"`)'),
    (re.compile(r"unexpected end of stream.*quoted scalar"),
     "close the quote the value opens, or leave the quotes out"),
    (re.compile(r"expected ',' or '\]'"),
     'close the list with ], or quote a value that starts with [ (`key: "[…]"`)'),
    (re.compile(r"expected ',' or '\}'"),
     'close the mapping with }, or quote a value that starts with { (`key: "{…}"`)'),
    (re.compile(r"could not find expected ':'"),
     "write each line as `key: value`, and quote a value that goes on to the next line"),
    (re.compile(r"expected <block end>|did not find expected (?:key|'-' indicator)"),
     "start each key at the beginning of its line, and indent a list's `- items` under their "
     "key the same way"),
)


def _yaml_hint(problem: str) -> str:
    """`: what to do` for a YAML error the loader explains only in its own terms; "" else."""
    for pattern, hint in _YAML_HINTS:
        if pattern.search(problem):
            return ": " + hint
    return ""


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
    # YAML also ends lines at U+0085, U+2028 and U+2029: its line may lie past the last one
    lines = fm_text.split("\n")
    text_line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
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
    """The 1-based file line of each top-level key (the last one wins, as in YAML loading).

    Key-like lines are found line by line; a key seen twice may be a line inside a value that
    spans lines (`company: "x` … `company: y"`), so then the lines come from YAML's own nodes."""
    lines: dict[str, int] = {}
    for number, line in enumerate(fm_text.split("\n"), start=2):
        match = _KEY.match(line)
        if match:
            key = match.group(2).strip()
            if key in lines:
                return {key: where[-1] for key, where in _node_key_lines(fm_text).items()}
            lines[key] = number
    return lines


def _node_key_lines(fm_text: str) -> dict[str, list[int]]:
    """The file lines of each top-level key as YAML composes the front matter, in order (read
    again: this only runs for the rare front matter that shows a key twice)."""
    import yaml

    loader, _ = _yaml()
    node = yaml.compose(fm_text, Loader=loader)
    lines: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(key.value, []).append(key.start_mark.line + 2)
    return lines


def _repeated_keys(fm_text: str, value: dict[Any, Any]) -> dict[str, tuple[int, int, bool]]:
    """Top-level keys given more than once: key → (its first line, its last line, whether both
    lines hold the same one-line value). YAML keeps only the last value, silently; when they
    differ, which one the user meant is anyone's guess."""
    text_lines = fm_text.split("\n")
    seen: set[str] = set()
    for line in text_lines:
        match = _KEY.match(line)
        if match:
            key = match.group(2).strip()
            if key in seen:
                break
            seen.add(key)
    else:
        return {}
    # a key-like line may be inside a value that spans lines: YAML's nodes tell the keys
    repeated: dict[str, tuple[int, int, bool]] = {}
    for key, where in _node_key_lines(fm_text).items():
        if len(where) > 1 and key in value:
            was, written = (_written(text_lines[number - 2]) for number in (where[0], where[-1]))
            repeated[key] = (where[0], where[-1], bool(written) and written == was)
    return repeated


def _written(line: str) -> str:
    """What a `key: value` line gives its key, as written."""
    match = _KEY.match(line)
    return line[match.end() :].strip() if match else ""
