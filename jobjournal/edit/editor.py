"""Minimal, byte-preserving edits of a note's text: set a front-matter field, append a Log line.

An edit changes only the lines it must. Nothing here round-trips YAML through a
dumper: the front matter is composed (not dumped) only to learn which lines hold a key, and the
edit replaces those lines, or inserts one, leaving every other byte as it was: other keys, their
order and quoting, comments, blank lines, CRLF line endings, a BOM, the final newline (or its
absence) and the body. After each edit the result is read again and must hold what was intended;
anything doubtful is refused (RefusalError) rather than written. Pure: no I/O, no clock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt

from jobjournal.core.conflicts import conflict_marker_line
from jobjournal.errors import RefusalError

BOM = "\ufeff"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # markdown-it's line breaks: \r\n, \r, \n
_FENCE = re.compile(r"^---[ \t]*$")
_FM_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML 1.1, not to us
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAX_VALUES = 10_000  # far above any real front matter
# Characters a double-quoted YAML scalar must escape to stay on one line and printable.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_MD = MarkdownIt("commonmark")
_MD.core.ruler.disable(["inline", "text_join"])  # only the block structure matters here


class _Loader(yaml.SafeLoader):
    """Safe loading with dates left as text, so that one bad date elsewhere (2026-02-30) doesn't
    make a note uneditable; values are only compared with each other, never interpreted."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor(_TIMESTAMP, _timestamp_as_text)

#: The same reading done by libyaml, when PyYAML has it: ten times quicker, for checking that
#: an edit gives what was intended (set_fields). A disagreement between the two readers can
#: only send an edit to the slower way (see set_fields), never let a wrong one through.
_QuickLoader: type[Any] = _Loader
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        """_Loader's rules, read by libyaml."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _CLoader.add_constructor(_TIMESTAMP, _timestamp_as_text)
    _QuickLoader = _CLoader


# --- values as YAML text ------------------------------------------------------------------------


def format_when(when: date | datetime) -> str:
    """A date as YYYY-MM-DD, a date-time as YYYY-MM-DDTHH:MM (with :SS only when not zero)."""
    if isinstance(when, datetime):
        return when.strftime("%Y-%m-%dT%H:%M:%S" if when.second else "%Y-%m-%dT%H:%M")
    return when.isoformat()


def yaml_value(value: object) -> str:
    """A value as one line of YAML: dates and numbers bare, text quoted only where YAML would
    misread it, links (`[[…]]`) always quoted, as Obsidian requires; a list in flow style."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return format_when(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml_str(v, flow=True) if isinstance(v, str) else yaml_value(v)
                               for v in value) + "]"
    if isinstance(value, str):
        return _yaml_str(value, flow=False)
    raise TypeError(f"cannot write {type(value).__name__} as a front-matter value")


def _yaml_str(text: str, *, flow: bool) -> str:
    if _reads_back_bare(text, flow=flow):
        return text
    quoted = '"' + "".join(_escape(char) for char in text) + '"'
    if _load_value(quoted) != text:  # pragma: no cover - a bug in _escape
        raise ValueError(f"cannot write {text!r} as YAML")
    return quoted


#: What a YAML 1.2 reader (Obsidian) takes for a number, leading zeros and all.
_NUMBER_LIKE = re.compile(r"[-+]?(?=\.?\d)\d*(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _reads_back_bare(text: str, *, flow: bool) -> bool:
    if not text or text != text.strip() or text.startswith("[[") or not text.isprintable():
        return False
    if _NUMBER_LIKE.fullmatch(text):
        return False  # Obsidian reads 0612345678 as a number and drops the 0: keep it text
    try:
        # the standard loader: a bare 2026-12-05 or 0612 must not pass for text
        if flow:
            return bool(yaml.safe_load(f"k: [{text}]") == {"k": [text]})
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable() and char != BOM:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else \
        f"\\U{code:08x}"


def _load_value(text: str, loader: type[Any] = _Loader) -> Any:
    return yaml.load(f"k: {text}", Loader=loader)["k"]  # a safe loader


# --- the note's layout --------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """The text's lines, each with its own line ending (the last one may have none)."""
    return _LINE.findall(text)


def _bare(line: str) -> str:
    return line.rstrip("\r\n")


def _ending(line: str, default: str) -> str:
    return line[len(_bare(line)) :] or default


def _file_ending(lines: Sequence[str]) -> str:
    for line in lines:
        if _bare(line) != line:
            return _ending(line, "\n")
    return "\n"


def _front_matter(lines: Sequence[str]) -> int | None:
    """The index of the closing `---` line, or None when the note has no front matter."""
    if not lines or not _FENCE.match(_bare(lines[0]).removeprefix(BOM)):
        return None
    for index in range(1, len(lines)):
        if _FM_END.match(_bare(lines[index])):
            return index
    raise RefusalError("its front matter has no closing `---`: close it (or fix it) by hand first")


def _check(
    lines: Sequence[str], close: int | None
) -> tuple[yaml.MappingNode | None, dict[Any, Any]]:
    """Refuse a note that can't be edited safely; else its composed front matter and values."""
    _refuse_conflicts("".join(lines))
    if close is None:
        return None, {}
    return _parse_front_matter("".join(lines[1:close]))


def _refuse_conflicts(text: str) -> None:
    line = conflict_marker_line(text)
    if line is not None:
        raise RefusalError(
            f"it holds git conflict markers (line {line}): resolve the conflict first"
        )


def _parse_front_matter(fm: str) -> tuple[yaml.MappingNode | None, dict[Any, Any]]:
    """The front matter's text composed, and its values, when jobjournal may edit it."""
    if any(char in fm for char in _YAML_ONLY_BREAKS):
        raise RefusalError("its front matter holds an unusual line break (U+2028, U+2029 or NEL): "
                           "edit it by hand")
    try:
        node = yaml.compose(fm, Loader=_Loader)
        _check_size(node)
        values = yaml.load(fm, Loader=_Loader)  # a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise RefusalError(
            f"its front matter is not valid YAML ({where}{problem}): fix it first"
        ) from None
    except RecursionError:
        raise RefusalError("its front matter nests too deeply: fix it first") from None
    if node is None:
        return None, {}
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise RefusalError("its front matter is not `key: value` lines: fix it first")
    if node.flow_style:
        raise RefusalError("its front matter is one {…} mapping: write it as `key: value` lines")
    return node, values


#: `_parse_front_matter` of a template's front matter, read once for all the notes made from it
#: (keyed by the text: what it gives is only read, never changed).
_parsed_front_matter = functools.lru_cache(maxsize=16)(_parse_front_matter)


def _front_matter_values(text: str) -> Any:
    """The values of the note's front matter, read by the quicker reader (see _QuickLoader),
    without `_check`'s checks: for a note jobjournal has just made from one that passed them."""
    lines = split_lines(text)
    close = _front_matter(lines)
    try:
        return yaml.load("".join(lines[1:close]), Loader=_QuickLoader) if close else None
    except (yaml.YAMLError, RecursionError):
        return None


def _check_size(node: yaml.Node | None) -> None:
    """Refuse an alias bomb: a small text whose values, with aliases expanded, are countless
    (comparing them after the edit would never end)."""
    stack, count = [node], 0
    while stack:
        item = stack.pop()
        count += 1
        if count > _MAX_VALUES:
            raise RefusalError(f"its front matter holds more than {_MAX_VALUES:,} values "
                               "(repeated aliases?): edit it by hand")
        if isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(part for pair in item.value for part in pair)


def front_matter(text: str) -> dict[Any, Any]:
    """The note's front-matter values (dates left as text), after checking that jobjournal may
    edit it: RefusalError for an unterminated or broken front matter, one that is not `key: value`
    lines, or git conflict markers anywhere in the note."""
    lines = split_lines(text)
    return _check(lines, _front_matter(lines))[1]


# --- setting a field ----------------------------------------------------------------------------


def set_field(text: str, key: str, value: str) -> str:
    """Set front-matter `key` to `value` (one line of YAML, see yaml_value).

    The key's lines (all of them, when its value spans several) become one line that keeps the
    key's spelling, its indentation and an inline comment; a new key is inserted as one line
    before the closing `---`; a note without front matter gets one at the top.
    """
    lines = split_lines(text)
    close = _front_matter(lines)
    node, before = _check(lines, close)
    if close is None:
        ending = _file_ending(lines)
        start = 1 if text.startswith(BOM) else 0
        head = [BOM] if start else []
        created = [f"---{ending}", f"{key}:{' ' if value else ''}{value}{ending}", f"---{ending}"]
        rest = lines[:]
        if rest and start:
            rest[0] = rest[0][1:]
        result = "".join(head + created + rest)
    else:
        result = "".join(_set_in(lines, close, node, key, value))
    _verify_field(result, key, value, before)
    return result


def _set_in(
    lines: list[str], close: int, node: yaml.MappingNode | None, key: str, value: str
) -> list[str]:
    start, end, new = _replacement(lines, close, node, key, value)
    return lines[:start] + [new] + lines[end:]


def _replacement(
    lines: list[str], close: int, node: yaml.MappingNode | None, key: str, value: str
) -> tuple[int, int, str]:
    """Where setting `key` changes the note's lines, and into what: lines[start:end] (empty for
    a new key, inserted before the closing line) become one line."""
    pairs = [(k, v) for k, v in (node.value if node else []) if k.value == key]
    if len(pairs) > 1:
        raise RefusalError(f"`{key}` appears {len(pairs)} times in its front matter: keep one")
    if not pairs:
        indent = node.value[0][0].start_mark.column if node and node.value else 0
        ending = _ending(lines[close - 1], "\n")
        return close, close, f"{' ' * indent}{key}:{' ' if value else ''}{value}{ending}"
    key_node, value_node = pairs[0]
    first = 1 + key_node.start_mark.line  # front matter starts on the note's second line
    if not isinstance(key_node, yaml.ScalarNode) or key_node.end_mark.line != first - 1:
        raise RefusalError(f"`{key}` is written as a complex YAML key: edit it by hand")
    fm_lines = [_bare(line) for line in lines[1:close]]
    last = 1 + _last_line(value_node, key_node.end_mark.index, fm_lines)
    line = _bare(lines[first])
    colon = line.find(":", key_node.end_mark.column)
    if colon < 0 or line[key_node.end_mark.column : colon].strip():
        raise RefusalError(f"`{key}` is not written as `{key}: value`: edit it by hand")
    after = line[colon + 1 :]
    empty = value_node.start_mark.index == value_node.end_mark.index
    if not empty and value_node.start_mark.line == key_node.start_mark.line and last == first:
        gap = after[: value_node.start_mark.column - colon - 1] or " "
        tail = line[value_node.end_mark.column :]
        comment = tail if tail.strip().startswith("#") else ""
        new = line[: colon + 1] + (gap + value if value else "") + comment
    else:
        comment = after if after.strip().startswith("#") else ""
        if not empty and value_node.start_mark.line == key_node.start_mark.line:
            comment = ""  # `key: |  # note` or a flow value running on: the comment goes with it
        new = line[: colon + 1] + (" " + value if value else "") + comment
    return first, last + 1, new + _ending(lines[first], "\n")


def set_fields(text: str, fields: Sequence[tuple[str, str]],
               defaults: Sequence[tuple[str, str]] = ()) -> str:
    """What `set_field` gives for each of `defaults` whose key the front matter lacks, then for
    each of `fields`, in turn — reading the YAML once after all the changes, not twice per key
    (a note made by `import csv` sets several, from a template read once). The same lines
    change as one by one: each key's own lines, new keys before the closing `---` in their
    order, a key given twice in its first place with its last value. Whatever the one-by-one
    way would do differently (a note without front matter, a refusal, a result that does not
    read back as intended) is left to it, so that the outcome is always the same:
    tests/test_edit.py holds the two equal."""
    lines = split_lines(text)
    try:
        close = _front_matter(lines)
        if close is None:
            raise RefusalError("no front matter yet")  # made by set_field, one key at a time
        _refuse_conflicts("".join(lines))
        node, before = _parsed_front_matter("".join(lines[1:close]))
        wanted = {key: value for key, value in defaults if key not in before}
        wanted.update(fields)
        replaced: list[tuple[int, int, str]] = []
        added: list[str] = []
        for key, value in wanted.items():
            start, end, new = _replacement(lines, close, node, key, value)
            if start == end:
                added.append(new)
            else:
                replaced.append((start, end, new))
        for start, end, new in sorted(replaced, reverse=True):
            lines[start:end] = [new]
        at = close - sum(end - start - 1 for start, end, _ in replaced)
        lines[at:at] = added
        result = "".join(lines)
        expected = {**before, **{key: _load_value(value, _QuickLoader)
                                 for key, value in wanted.items()}}
        after = _front_matter_values(result)
        if after == expected and list(after) == list(expected):
            return result
    except RefusalError:
        pass
    return _set_one_by_one(text, fields, defaults)


def _set_one_by_one(text: str, fields: Sequence[tuple[str, str]],
                    defaults: Sequence[tuple[str, str]]) -> str:
    """The reference `set_fields`: one `set_field` after another."""
    if defaults:
        present = front_matter(text)
        for key, value in defaults:
            if key not in present:
                text = set_field(text, key, value)
    for key, value in fields:
        text = set_field(text, key, value)
    return text


def key_spans(
    text: str,
) -> tuple[list[str], int | None, dict[str, tuple[int, int]], dict[Any, Any]]:
    """The note's lines, the index of its closing `---` (None without front matter), each
    top-level key's (first, last) line index, and the values (dates left as text); the lines
    between spans (comments, blank lines) belong to no key. RefusalError where `set_field`
    would refuse: conflict markers, broken YAML, a key given twice or written as a complex key."""
    lines = split_lines(text)
    close = _front_matter(lines)
    node, values = _check(lines, close)
    spans: dict[str, tuple[int, int]] = {}
    if close is None or node is None:
        return lines, close, spans, values
    fm_lines = [_bare(line) for line in lines[1:close]]
    for key_node, value_node in node.value:
        first = 1 + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or key_node.end_mark.line != first - 1:
            raise RefusalError("a key is written as a complex YAML key: edit it by hand")
        if key_node.value in spans:
            raise RefusalError(f"`{key_node.value}` appears twice in its front matter: keep one")
        last = 1 + _last_line(value_node, key_node.end_mark.index, fm_lines)
        spans[key_node.value] = (first, last)
    if set(spans) != set(values):
        raise RefusalError("a key is not plain text (a number, true or null): edit it by hand")
    return lines, close, spans, values


def _last_line(node: yaml.Node, key_end: int, fm_lines: Sequence[str]) -> int:
    """The last front-matter line holding part of a value (trailing blank and comment lines,
    which YAML's marks count in, are left to the next key)."""
    last = node.start_mark.line
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if item.start_mark.index < key_end:
            raise RefusalError("its value holds a YAML alias (`*name`): edit it by hand")
        end = item.end_mark
        if isinstance(item, yaml.ScalarNode) and item.style in ("|", ">"):
            # a block scalar's end mark lies past its trailing blank lines
            line = min(end.line if end.column else end.line - 1, len(fm_lines) - 1)
            while line > item.start_mark.line and not fm_lines[line].strip():
                line -= 1
            last = max(last, line)
        elif isinstance(item, yaml.ScalarNode) or getattr(item, "flow_style", False):
            last = max(last, end.line if end.column else end.line - 1)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(part for pair in item.value for part in pair)
    return last


def _verify_field(result: str, key: str, value: str, before: dict[Any, Any]) -> None:
    lines = split_lines(result)
    _, after = _check(lines, _front_matter(lines))
    expected = {**before, key: _load_value(value)}
    if after != expected or list(after) != list(expected):
        raise RefusalError(f"setting `{key}` would not give the intended front matter: "
                           "edit this note by hand")


# --- appending to the Log -----------------------------------------------------------------------


def log_section(text: str) -> tuple[int, int, str] | None:
    """(index of the first line after the Log heading, index of the line ending its section,
    bullet of its last list item) in `text`'s lines, or None when the note has no Log heading.

    The Log is the section under the first top-level heading named Log (any level, any case); it
    ends at the next heading of the same or a higher level
    (docs/rules.md, "Body: the Log and tasks").
    """
    lines = split_lines(text)
    close = _front_matter(lines)
    start = 0 if close is None else close + 1
    tokens = _MD.parse("".join(lines[start:]).removeprefix(BOM))
    level = 0
    found: tuple[int, int] | None = None
    bullet = "-"
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            if found is not None and int(token.tag[1:]) <= level:
                return found[0], start + token.map[0], bullet
            if found is None and tokens[index + 1].content.strip().lower() == "log":
                level, found = int(token.tag[1:]), (start + token.map[1], len(lines))
        elif found is not None and token.type == "list_item_open" and token.level == 1 \
                and token.markup in ("-", "*", "+"):
            bullet = token.markup
    return None if found is None else (found[0], found[1], bullet)


def append_log(text: str, entry: str) -> str:
    """Add `- ENTRY` after the last non-blank line of the note's Log section, or, when there is
    none, a `## Log` heading holding it at the end of the note."""
    if not entry.strip() or any(char in entry for char in "\r\n"):
        raise ValueError("a Log entry is one line of text")
    lines = split_lines(text)
    _check(lines, _front_matter(lines))
    section = log_section(text)
    if section is None:
        ending = _file_ending(lines)
        final = not lines or _bare(lines[-1]) != lines[-1]
        added = [] if final else [ending]
        if lines and _bare(lines[-1]).strip():
            added.append(ending)
        added += [f"## Log{ending}", f"- {entry}" + (ending if final else "")]
        result = text + "".join(added)
    else:
        first, end, bullet = section
        at = first
        for index in range(end - 1, first - 1, -1):
            if _bare(lines[index]).strip():
                at = index + 1
                break
        item = f"{bullet} {entry}"
        if at == len(lines) and lines and _bare(lines[-1]) == lines[-1]:
            # the last line has no line ending: the new one takes that state over
            lines[-1] += _file_ending(lines)
            lines.append(item)
        else:
            neighbour = lines[at - 1] if at else ""
            lines.insert(at, item + _ending(neighbour, _file_ending(lines)))
        result = "".join(lines)
    _verify_log(result, entry)
    return result


def _verify_log(result: str, entry: str) -> None:
    section = log_section(result)
    lines = split_lines(result)
    if section is None or not any(_bare(lines[i])[2:] == entry for i in range(*section[:2])):
        raise RefusalError("the new Log entry would not land in the Log section: add it by hand")


# --- whole notes --------------------------------------------------------------------------------


def decode_note(data: bytes) -> str:
    """A note's bytes as text, keeping a BOM as the first character (so encoding restores it)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusalError(f"it is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                           f"{exc.start}): save it as UTF-8 first") from None


def edit_note(data: bytes, fields: Iterable[tuple[str, object]], entry: str | None = None) -> bytes:
    """Set each (key, value) in the front matter, then append the Log entry (when given)."""
    text = decode_note(data)
    front_matter(text)
    for key, value in fields:
        text = set_field(text, key, yaml_value(value))
    if entry is not None:
        text = append_log(text, entry)
    return text.encode("utf-8")
