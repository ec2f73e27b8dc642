"""Front matter read into a mapping (core/frontmatter.py): limits, lines and problems."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from jobjournal.core import frontmatter as fm


def _problem(fm_text: str) -> tuple[int | None, str]:
    with pytest.raises(fm.FrontMatterProblem) as caught:
        fm.load_yaml(fm_text)
    assert str(caught.value) == caught.value.message  # what a traceback or a log would show
    return caught.value.line, caught.value.message


def test_a_big_list_is_refused_at_the_line_of_its_value_past_the_limit() -> None:
    # front matter on file line 2, `items:` there, item k on line 2 + k; the list itself is the
    # first value, so the 10,001st value is item 10,000
    text = "\n".join(["items:"] + [f"  - item {k:05d}" for k in range(1, 10_003)])
    assert len(text) > fm.BIG_FRONT_MATTER  # counted before it is loaded
    assert _problem(text) == (10_002, "front matter holds more than 10,000 values")


def test_keys_are_not_counted_as_values() -> None:
    # each key on its own line, its value on the next: the 10,001st value is on line
    # 2 + 2 * 10_001 - 1, one line after its key (a key counted would stop a line earlier)
    pairs = [line for j in range(1, 10_003) for line in (f"key{j:05d}:", "  value")]
    text = "\n".join(pairs)
    assert len(text) > fm.BIG_FRONT_MATTER
    assert _problem(text) == (20_003, "front matter holds more than 10,000 values")


def test_big_front_matter_under_the_limit_is_read() -> None:
    text = "\n".join(["items:"] + [f"  - item {k:05d}" for k in range(1, 9_999)])
    assert len(text) > fm.BIG_FRONT_MATTER
    mapping, lines, repeated = fm.load_yaml(text)
    assert len(mapping["items"]) == 9_998 and lines == {"items": 2} and repeated == {}


def test_values_up_to_the_limit_are_read_and_one_more_is_refused() -> None:
    # the list is a value, and each of its items: 1 + 9,999 values, then 1 + 10,000
    ok = "a: [" + ", ".join(["1"] * 9_999) + "]"
    assert len(fm.load_yaml(ok)[0]["a"]) == 9_999
    too_many = "a: [" + ", ".join(["1"] * 10_000) + "]"
    assert _problem(too_many) == (
        2, "front matter holds more than 10,000 values (repeated aliases?)")


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused() -> None:
    # `a` is level 2, its list level 3, …: the `x` inside 48 lists is at level 50
    deepest = "a: " + "[" * 48 + "x" + "]" * 48
    mapping, _, _ = fm.load_yaml(deepest)
    value: object = mapping["a"]
    for _ in range(48):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == "x"
    assert _problem("a: " + "[" * 49 + "x" + "]" * 49) == (
        2, "front matter nests deeper than 50 levels")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: b\nc: d: e", 3),  # a colon inside a plain value, on the last line
        ("a: b\n  c: d\ne: f", 3),
        ("a:\n  - b\n c: d\ne: f", 4),  # a key out of line, inside the mapping opened on line 2
        ("a: {b: c\nd: e\nf: g", 3),  # the flow mapping never closed: found wrong on line 3
    ],
)
def test_invalid_yaml_is_reported_at_the_line_where_it_goes_wrong(text: str, line: int) -> None:
    where, message = _problem(text)
    assert where == line and message.startswith("front matter is not valid YAML: ")


@pytest.mark.parametrize("text", ["a: [b, c\nd: e", 'a: "x\ny: z'])
def test_invalid_yaml_found_only_at_the_end_is_reported_where_it_opened(text: str) -> None:
    where, message = _problem(text)
    assert where == 2 and message.startswith("front matter is not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('a: "\x00"', 2, "front matter holds a NUL byte (U+0000), which YAML does not allow: "
                         "delete it"),
        ('b: c\na: "x\x01"', 3, "front matter holds a control character (U+0001), which YAML does "
                                "not allow: delete it"),
        ('a: "\x01"\nb: "\x02"', 2, "front matter holds a control character (U+0001), which YAML "
                                    "does not allow: delete it"),  # the first one
        ('\na: "\x01"', 3, "front matter holds a control character (U+0001), which YAML does "
                        "not allow: delete it"),  # after an empty first line
        ("\x01: b", 2, "front matter holds a control character (U+0001), which YAML does not "
                       "allow: delete it"),  # the very first character
        ("? [a, b]\n: c", 2, "a key that is a list or a mapping (`? [a, b]`, `{a: b}: …`): front "
                             "matter keys must be plain names"),
        ("a:\n\t- b", 3, "a tab: YAML indents with spaces only (replace the tab with spaces)"),
        ("\ta: b", 2, "a tab: YAML indents with spaces only (replace the tab with spaces)"),
        ("a: b\nc:\n  d: e\n\tf: g", 5,
         "a tab: YAML indents with spaces only (replace the tab with spaces)"),
    ],
)
def test_what_hand_typed_front_matter_gets_wrong_is_told_in_plain_words(
    text: str, line: int, message: str
) -> None:
    assert _problem(text) == (line, message)


PLAIN = [
    'a: "quoted: value"', "a: 'single'", 'a: ""', "a: ''", "a: text with spaces", "a: x#y",
    "a: true", "a: False", "a: ~", "a: null", "a: NULL", "a: yes", "a: 2026-11-20", "a: 0612345",
    "a: 10:30", "a:\n  - b\n  - 'c'\n  - \"d\"", "a:\n- b\n-   c", "key_1: v\nkey-2: w",
    # comment and blank lines anywhere, keys starting with `_`, as long as 101 characters
    "# a comment\na: b", "a: b\n\nc: d", "a: b\n   \nc: d", "a: b\n  # indented\nc: d",
    "a:\n  - b\n\n  - c\n# done", "_private: x", "k" * 101 + ": v", "a: Xavier X",
]
NOT_PLAIN = [
    "a: 'it''s'", 'a: "say \\"hi\\""', 'a: "x" # c', "a: b # c", "a: b:", "a: -b", "a: [x]",
    "a: {x}", "a: x: y", "a: @x", "a: %x", "a: &x y", "a: *x", "a: !x y", "a: |", "a: >",
    "a: 'open", 'a: "open', "a:\n  -", "a:\n  - b # c", "a: b\n  c", "true: x", "1a: b",
    "a: x]", "a:\n  - [b]", "a:\n  - b:", "a: b\n- c",
    # lines that only look plain: more of a value, a key with a space, no space after a colon
    "a: b\n  X", "a: b\n  X#y", "a: b\n \xa0#x", "a: b\n \xa0", "a: b\xa0", "a: \xa0b",
    "a : b", "a:b", "x: 1\na:b", "a: b\nc", "- a\n- b", "a:\n- b\n  - c", "a:\n  - b\n    - c",
    "k" * 102 + ": v", "k" * 1025 + ": v", "a.b: c", "1a: b",  # YAML's keys end at 1024
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_front_matter_is_read_without_yaml_as_yaml_reads_it(text: str) -> None:
    assert fm._simple_yaml(text) is not None
    mapping, lines, _ = fm.load_yaml(text)
    assert mapping == fm._load_with_yaml(text)
    assert lines == fm._key_lines(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_other_front_matter_is_read_as_yaml_reads_it(text: str) -> None:
    try:
        expected = fm._load_with_yaml(text)
    except fm.FrontMatterProblem:
        with pytest.raises(fm.FrontMatterProblem):
            fm.load_yaml(text)
        return
    if not isinstance(expected, dict):  # a list or a single value: no `key: value` lines
        with pytest.raises(fm.FrontMatterProblem, match="^front matter is a"):
            fm.load_yaml(text)
        return
    assert fm.load_yaml(text)[0] == expected


# --- where each limit starts, and the loader's own failures ---------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (0, "front matter holds more than 10,000 values (repeated aliases?)"),  # loaded, counted
        (1, "front matter holds more than 10,000 values"),  # counted event by event, not loaded
    ],
)
def test_front_matter_longer_than_the_threshold_is_counted_before_it_is_loaded(
    extra: int, message: str
) -> None:
    head = "a: [" + ", ".join(["1"] * 10_000) + ", "
    text = head + "y" * (fm.BIG_FRONT_MATTER + extra - len(head) - 1) + "]"
    assert len(text) == fm.BIG_FRONT_MATTER + extra
    assert _problem(text) == (2, message)


def test_front_matter_of_as_many_lines_as_values_allowed_is_counted_by_the_loader() -> None:
    # the plain reader takes at most one value a line: past 10,000 line ends, the loader reads
    # it and counts 10,001 values (the list and its items)
    text = "items:\n" + "\n".join(["  - x"] * 10_000)
    assert len(text) <= fm.BIG_FRONT_MATTER
    assert _problem(text) == (2, "front matter holds more than 10,000 values (repeated aliases?)")
    fewer = "items:\n" + "\n".join(["  - x"] * 9_999)
    assert len(fm.load_yaml(fewer)[0]["items"]) == 9_999


def test_mappings_nested_up_to_the_limit_are_read_and_one_level_more_is_refused() -> None:
    # `a` is level 2, the mapping under it level 3, …: the `x` inside 48 mappings is at level 50
    mapping, _, _ = fm.load_yaml("a: " + "{b: " * 48 + "x" + "}" * 48)
    value: object = mapping["a"]
    for _ in range(48):
        assert isinstance(value, dict) and list(value) == ["b"]
        value = value["b"]
    assert value == "x"
    assert _problem("a: " + "{b: " * 49 + "x" + "}" * 49) == (
        2, "front matter nests deeper than 50 levels")


def test_a_limit_passed_under_a_key_written_on_no_line_of_its_own_is_told_at_line_1() -> None:
    # a flow mapping: no line starts with the key `a`
    assert _problem("{a: " + "[" * 49 + "x" + "]" * 49 + "}") == (
        1, "front matter nests deeper than 50 levels")


def test_a_value_the_loader_fails_on_is_this_note_s_problem() -> None:
    # an explicit integer tag on a word: the loader's int() raises, not a YAML error
    assert _problem("a: !!int x") == (
        1, "front matter could not be read (ValueError: invalid literal for int() with base 10: "
           "'x')")


def test_the_first_of_two_equal_control_characters_is_told() -> None:
    assert _problem('a: "\x01"\nb: "\x01"') == (
        2, "front matter holds a control character (U+0001), which YAML does not allow: delete it")


def test_a_yaml_error_on_the_line_yaml_counts_just_past_the_last_is_reported() -> None:
    # YAML also ends a line at U+2028: the error is on YAML's second line, the text has one
    _, message = _problem("a: b\u2028c: d: e")
    assert message == ("front matter is not valid YAML: mapping values are not allowed in this "
                       "context: quote a value that holds `: ` (`role: \"Lead: Backend\"`), and "
                       "start each key at the beginning of its line")


@pytest.mark.parametrize(("text", "hint"), [
    ("role: Lead: Backend", "quote a value that holds `: `"),
    ("a: b\n  c: d", "start each key at the beginning of its line"),
    ("company: @home", "quote a value that starts with a sign such as @ or %"),
    ("company: `x`", "quote a value that starts with a sign such as @ or %"),
    ("a: *x", "quote a value that starts with * or &"),
    ('a: "open', "close the quote the value opens, or leave the quotes out"),
    ("tags: [a, b", "close the list with ], or quote a value that starts with ["),
    ("a: {b", "close the mapping with }, or quote a value that starts with {"),
    ("a: b\nstray words\nc: d", "write each line as `key: value`"),
    ("- a\nb: c", "indent a list's `- items` under their key the same way"),
])
def test_a_yaml_error_says_how_to_fix_it(text: str, hint: str) -> None:
    _, message = _problem(text)
    assert message.startswith("front matter is not valid YAML: ")
    assert hint in message.split(": ", 2)[2] and message.count(hint) == 1


def test_a_key_like_line_inside_a_value_spanning_lines_is_not_the_key_s_line() -> None:
    """`company:` inside a quoted value written over two lines is text: the key's line is the
    real one, above it (the line a problem with `company` points to)."""
    text = 'company: Acme\nnotes: "called Dana\ncompany: she moved to Globex"\nrole: dev'
    mapping, lines, _ = fm.load_yaml(text)
    assert mapping["company"] == "Acme"
    assert lines == {"company": 2, "notes": 3, "role": 5}
    mapping, lines, _ = fm.load_yaml('company: "x\ntype: Acme\ncompany: "#"')
    assert mapping == {"company": "x type: Acme company: "}
    assert lines == {"company": 2}


@pytest.mark.parametrize(
    ("text", "repeated"),
    [
        ("a: x\nb: y\na: x", {"a": (2, 4, True)}),  # the same value twice
        ("a: x\na: y", {"a": (2, 3, False)}),
        ("a:\na:", {"a": (2, 3, False)}),  # no value on the line: nothing to call the same
    ],
)
def test_a_key_given_twice_is_told_with_its_lines_and_whether_its_values_agree(
    text: str, repeated: dict[str, tuple[int, int, bool]]
) -> None:
    assert fm.load_yaml(text)[2] == repeated


# --- the characters the plain shape leaves to the loader ---------------------------------------

#: YAML's printable set (c-printable) less tabs, NEL, LINE and PARAGRAPH SEPARATOR (which YAML
#: reads as line breaks) and the BOM, plus the line feed: what the plain shape may hold.
_PLAIN_SHAPE_CHARS = (
    r"[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _traced_lines(action: Callable[[], object]) -> int:
    """How many lines of Python `action` runs (a count of work that the machine's load can't
    change, unlike a timing)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def test_the_characters_left_to_the_loader_are_exactly_those_outside_the_plain_set() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    refused = set(fm._NOT_SIMPLE_CHARS.findall(every))
    allowed = set(re.findall(_PLAIN_SHAPE_CHARS, every))
    assert refused.isdisjoint(allowed)
    assert len(refused) + len(allowed) == sys.maxunicode + 1


def test_the_characters_left_to_the_loader_are_a_pattern_quick_to_compile() -> None:
    """Every run compiles it once, at start-up: as the set's complement (a class of 1.1 million
    characters) it cost more than all other patterns together."""
    from re import _compiler  # type: ignore[attr-defined]

    pattern = fm._NOT_SIMPLE_CHARS.pattern
    cost = _traced_lines(lambda: _compiler.compile(pattern, 0))
    complement = _traced_lines(lambda: _compiler.compile("[^" + _PLAIN_SHAPE_CHARS[1:], 0))
    assert cost * 10 < complement, (cost, complement)
