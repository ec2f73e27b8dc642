"""The three fast paths, proven against slow references on inputs that mostly take them.

- Front matter: `frontmatter._simple_yaml` (plain `key: value` lines read with str.partition and a
  memo table) against PyYAML's safe loader, configured here as the project configures its own (timestamps, integers and floats kept as text, booleans YAML 1.2's true/false only);
  the key lines against the line of each key node PyYAML composes. `load_yaml` as a whole
  (shortcut or loader) against the same reference, errors included.
- Bodies: `body.read_by_lines` (the line reader alone: None where it hands the body, or a section
  of it, to markdown-it) against markdown-it-py reading the whole body, walked here; `parse_body`
  as a whole against the same reference.
- JSON: the hand-written `render.render_json` against `json.dumps(…, ensure_ascii=False,
  indent=2)` of the public `--json` shape, built here field by field from the Agenda.

A comparison proves nothing when the shortcut declines, so the generators are made to land on it:
each test counts the cases that took the fast path and asserts a share of at least 80 %. Measured
over runs of 400-500 cases: front matter 87-96 %, bodies 92-99 %; every JSON case is the fast path
(render_json has no fallback), and 92-95 % of them carry text that json.dumps must escape (the
share asserted there). Near misses (a `" #"` comment after a value, doubled quotes, a colon at
the end, keys with spaces, `true:`; indented fences, HTML, setext headings, ordered lists) make
the remaining cases, and most of those of the tests of the whole functions, which hold every
text the shortcut declines to the same reference. docs/design.md, "Fast paths and their
proofs", tells why each shortcut is sound.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from jobjournal.core import body
from jobjournal.core import frontmatter as fm
from jobjournal.core.model import Agenda, Item, Kind, Problem, Section, Severity
from jobjournal.core.render import render_json

SHARE = 0.8
EXAMPLES = 400


def _one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in n draws. (Hypothesis draws the low end of a range of integers far
    more often than the rest: a share set with `integers(1, n) == 1` would be much larger.)"""
    return draw(st.sampled_from(range(n))) == n - 1


def _typed(value: Any) -> Any:
    """A value with its types spelled out, so that True, 1 and "1" never compare equal, and the
    order of a mapping's keys counts."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


# --- front matter -------------------------------------------------------------------------------

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _ReferenceLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader (on libyaml when it is there, as the project's: the two disagree on
    a few texts, `company: x\t#c` for one), configured as the project configures its own:
    timestamps, integers and floats stay the text written; the only booleans are true/false
    (YAML 1.2's, as Obsidian reads them)."""


_ReferenceLoader.yaml_implicit_resolvers = {
    first: [
        (tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
         if tag == "tag:yaml.org,2002:bool" else regexp)
        for tag, regexp in resolvers
        if tag not in (_TIMESTAMP, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ReferenceLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


def _reference_repeated_keys(text: str) -> set[str]:
    """The top-level keys given more than once, from the key nodes PyYAML composes."""
    node = yaml.compose(text, Loader=_ReferenceLoader)
    keys = [key.value for key, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    return {key for key in keys if keys.count(key) > 1}


def _reference_key_lines(text: str) -> dict[str, int]:
    """The file line of each top-level key, from the key nodes PyYAML composes (front matter
    starts on line 2)."""
    node = yaml.compose(text, Loader=_ReferenceLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 2 for key, _ in node.value}


_FM_KEYS = st.sampled_from([
    "type", "status", "company", "role", "date", "decision_date", "recruiter", "hiring_manager",
    "with", "tags", "candidates", "thank_you", "phone", "email", "missed_call", "follow_up",
    "last_contact", "stay_in_touch", "source", "yes", "no", "on", "Off", "y", "Type", "A9_-",
    "_private", "k" * 101, "x-y", "tRUE", "nULL",
]) | st.builds(
    str.__add__, st.sampled_from("abcxyzABCXYZ_"), st.text(st.sampled_from("aeiouXYZ09_-"), max_size=15)
)

#: Values of the plain shape that YAML may read as something else than their text, or not.
_FM_WORDS = [
    "Acme", "Globex's team", "Müller & Söhne", "Backend Developer", "interview", "rejected",
    "C# dev", "a#b", "x:y", "10:30", "http://x.example/a#b", "https://x.example/?q=1&r=2",
    "50% remote", "dana@example.com", "+33 6 12 34 56 78", "007", "0612345", "3", "1.5",
    "1e3", ".inf", ".NaN", "0x1F", "0o17", "1_000", "+1", "2026-11-20", "2026-11-20T10:00",
    "2026-11-20 10:00", "2026-02-30", "2026-11-20T10:00:00Z", "yes", "no", "on", "off", "y",
    "n", "Yes", "NO", "On", "true", "True", "TRUE", "false", "False", "FALSE", "tRUE", "null",
    "Null", "NULL", "nULL", "~", 'x"y', "it's", "🚀 launch", "日本語", "a  b", "trailing   ",
    "x-", "x?", "x!", "x|y", "x>y", "x*y", "x&y", "x%", "x@y", "x`y`", "v1.2", "a,b", "a, b",
    "x - y", "x -y", "x.", "5 ⭐", "Ünïcödé", "a'b'c", "=x",
]
_QUOTABLE = st.text(
    st.sampled_from("abcXYZ 019#:,[]{}&*!|>%@`-?=<éü日😀\\'\""), max_size=10
)
_FM_SCALARS = st.one_of(
    st.sampled_from(_FM_WORDS),
    _QUOTABLE.map(lambda s: '"' + s.replace('"', "").replace("\\", "") + '"'),
    _QUOTABLE.map(lambda s: "'" + s.replace("'", "") + "'"),
    st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat),
    st.integers(0, 10**9).map(lambda n: str(n).zfill(n % 4 + 1)),
)
_FM_COMMENTS = st.sampled_from(["", "# a comment", "  # indented comment", "#", "   "])


@st.composite
def _fm_entry(draw: st.DrawFn, key: str) -> list[str]:
    """One top-level key, its value on its line, or a list under it, or nothing."""
    shape = draw(st.sampled_from(["value"] * 6 + ["list", "list", "empty"]))
    if shape == "value":
        return [f"{key}:{' ' * draw(st.integers(1, 2))}{draw(_FM_SCALARS)}"]
    if shape == "empty":
        return [f"{key}:{draw(st.sampled_from(['', ' ', '  ']))}"]
    indent = " " * draw(st.sampled_from([2, 2, 2, 0, 4, 1]))
    items = draw(st.lists(_FM_SCALARS, min_size=1, max_size=4))
    lines = [f"{key}:"] + [f"{indent}-{' ' * draw(st.integers(1, 2))}{v}" for v in items]
    if _one_in(draw, 6):
        lines.insert(draw(st.integers(1, len(lines))), draw(_FM_COMMENTS))
    return lines


@st.composite
def plain_front_matter(draw: st.DrawFn) -> str:
    """Front matter as notes hold it: `key: value` lines, lists under empty keys, comments."""
    keys = draw(st.lists(_FM_KEYS, max_size=9, unique=True))
    lines: list[str] = []
    for key in keys:
        if _one_in(draw, 8):
            lines.append(draw(_FM_COMMENTS))
        lines += draw(_fm_entry(key))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


#: Lines (or a few) that the shortcut must leave to the loader, by the slip each one would catch;
#: drawn class first, so that every class comes often (Hypothesis favours a list's first items).
_FM_NEAR_MISSES: dict[str, list[str]] = {
    "a comment after a value": [
        "company: x #c", "company: Acme  # the old name", 'recruiter: "[[Dana]]" #c',
        "company: x\t#c", "tags:\n  - a #c", "role: Dev # senior?",
    ],
    "quotes": [
        "company: 'it''s'", 'company: "a\\"b"', 'company: "tab\\tx"', 'company: "x" y',
        "company: 'x", 'company: "x', "company: 'a'b'", 'company: "C:\\\\Users"',
        'company: "caf\\u00e9"', "tags:\n  - 'it''s'", 'tags:\n  - "a\\nb"',
    ],
    "a colon": [
        "company: x:", "company: a: b", "company: x :", "tags:\n  - x:", "key:value",
        "company: http://x.example/:", "tags:\n  - a: b",
    ],
    "keys of another shape": [
        "x y: v", "x : v", "company : Acme", "'q': v", '"q": v', "1x: v", "-x: v", "é: v",
        "k" * 102 + ": v", "? x", "<<: x", "x #y: v", "  company: x", "\tx: v",
    ],
    "keys YAML reads as other values": [
        "true: x", "null: x", "~: x", "True: x", "FALSE: x", "NULL: x",
    ],
    "flow collections": [
        "company: [a, b]", "company: {a: 1}", "company: a, [b]", "company: x]", "company: x}",
        "company: a [b]", "company: a{b}", "tags:\n  - [x]",
    ],
    "indicators": [
        "company: &a x", "company: *a", "company: !!str x", "date: !!timestamp 2026-11-20",
        "company: -5", "company: @x", "company: `x`", "company: %x", "company: ?x",
        "company: !x", "company: >x", "company: |x", "company: -", "company: <b>",
        "tags:\n  - <b>", "tags:\n  - -",
    ],
    "more than one line to a value": [
        "company: |\n  x", "company: >\n  x", "company:\n  name: x", "company: a\n  b",
        "company: x\n  - a", "tags:\n  - a\n    - b", "tags:\n  - a\n - b", "tags:\n  - ",
        "tags:\n  -x", "tags:\n- a\n  - b", "type: a\ntype: b",
    ],
    "characters": [
        "company: \ufeffx", "company: a\u2028b", "company: a\x85b", "company: a\x07b",
        "company: a\tb", "company: a\u2029b",
    ],
    "documents": ["---", "...", "%YAML 1.1", "--- x"],
}


@st.composite
def front_matter_texts(draw: st.DrawFn, near_misses: int = 8) -> str:
    """Plain front matter, with one near miss in about one case in `near_misses`."""
    text = draw(plain_front_matter())
    if not _one_in(draw, near_misses):
        return text
    lines = text.split("\n")
    near_miss = draw(st.sampled_from(sorted(_FM_NEAR_MISSES)).flatmap(
        lambda kind: st.sampled_from(_FM_NEAR_MISSES[kind])))
    lines.insert(draw(st.integers(0, len(lines))), near_miss)
    return "\n".join(lines)


def test_front_matter_shortcut_reads_what_pyyaml_reads() -> None:
    taken: Counter[bool] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(front_matter_texts())
    def agrees(text: str) -> None:
        fast = fm._simple_yaml(text)
        taken[fast is not None] += 1
        if fast is None:
            return
        loaded = yaml.load(text, Loader=_ReferenceLoader)  # must not raise: the shape was plain
        fields, key_lines = fast
        assert _typed(fields) == _typed(loaded if loaded is not None else {})
        assert key_lines == _reference_key_lines(text)
        assert fm._simple_yaml(text) == fast  # read again, each line from the memo table

    agrees()
    assert taken[True] >= SHARE * sum(taken.values()), taken


def _load_yaml_agrees(text: str) -> None:
    """load_yaml (shortcut or loader) gives the reference's mapping, or refuses what it
    refuses: YAML errors, and documents that are not a mapping."""
    try:
        expected = yaml.load(text, Loader=_ReferenceLoader)
    except yaml.YAMLError:
        expected = yaml.YAMLError
    try:
        fields, key_lines, repeated = fm.load_yaml(text)
    except fm.FrontMatterProblem:
        assert expected is yaml.YAMLError or not isinstance(expected, dict | None), expected
        return
    assert expected is not yaml.YAMLError, text
    assert _typed(fields) == _typed(expected if expected is not None else {}), text
    if all(isinstance(key, str) for key in fields) and not re.search("^[?]", text, re.M):
        # each key's line is right (an explicit `? x` key gets none: line 1 is told then)
        told = {key: line for key, line in key_lines.items() if key in fields}
        assert told.items() <= _reference_key_lines(text).items(), text
        assert set(repeated) == _reference_repeated_keys(text), text


_ALL_NEAR_MISSES = [line for lines in _FM_NEAR_MISSES.values() for line in lines]


def test_load_yaml_reads_what_pyyaml_reads_or_refuses_what_it_refuses() -> None:
    """Generated front matter alone, then with each near miss in turn put into it (Hypothesis,
    left to draw them, would leave some out for runs on end)."""

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plain_front_matter(), st.integers(0, 12))
    def agrees(text: str, at: int) -> None:
        _load_yaml_agrees(text)
        lines = text.split("\n")
        at = min(at, len(lines))
        for near_miss in _ALL_NEAR_MISSES:
            _load_yaml_agrees("\n".join([*lines[:at], near_miss, *lines[at:]]))

    agrees()


@pytest.mark.parametrize("text", [
    "company: [a\u2028\u2028\u2028\u2028", "a: b\u2028\u2028\u2028\u2028c: d: e",
    "company: a\u2028\u2028\u2028\u2028\tb: c", "company:\n  - Acme\ncompany: a\u2028b",
])
def test_a_yaml_error_on_a_line_yaml_counts_past_the_last_is_reported(text: str) -> None:
    """YAML ends lines at U+2028 too, so its error may point past the text's last line."""
    with pytest.raises(fm.FrontMatterProblem):
        fm.load_yaml(text)


def test_the_reference_loader_is_the_project_s() -> None:
    """The loader that `load_yaml` falls back on reads as the reference does."""
    loader, _ = fm._yaml()
    text = "\n".join(f"k{n}: {v}" for n, v in enumerate(_FM_WORDS) if ": " not in v)
    text += "\nd: !!timestamp 2026-11-20\n"
    assert _typed(yaml.load(text, Loader=loader)) == _typed(yaml.load(text, Loader=_ReferenceLoader))


# --- bodies ----------------------------------------------------------------------------------------

_MD = MarkdownIt("commonmark")
_MD.core.ruler.disable(["inline", "text_join"])


def reference_body(text: str, first_line: int, with_log: bool = True) -> body.Body:
    """markdown-it-py reading the whole body: the Log entries are the dated items of the
    sections under a heading "Log" (down to the next heading of its level or higher), tasks the
    open dated items anywhere; each item read by the module's own _log_entry and _task."""
    lowered = text.lower()
    want_log = with_log and body._LOG_HEADING.search(text) is not None
    want_tasks = "📅" in text or "⏳" in text or "due::" in lowered or "scheduled::" in lowered
    result = body.Body()
    if not (want_log or want_tasks):
        return result
    tokens = _MD.parse(text)
    log, tasks = [], []
    log_level = 0  # the level of the Log heading we are under; 0 when under none
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            if log_level and level <= log_level:
                log_level = 0
            if tokens[i + 1].content.strip().lower() == "log":
                log_level = level
        elif token.type == "list_item_open" and tokens[i + 1].type == "paragraph_open":
            inline = tokens[i + 2]
            assert inline.map is not None
            line = first_line + inline.map[0]
            if want_tasks:
                task = body._task(inline.content, line, result.problems)
                if task is not None:
                    tasks.append(task)
            if want_log and log_level:
                entry = body._log_entry(inline.content, line, result.problems)
                if entry is not None:
                    log.append(entry)
    result.log, result.tasks = tuple(log), tuple(tasks)
    return result


_DAYS = st.dates(date(2024, 1, 1), date(2027, 12, 31)).map(date.isoformat)
_WHO = st.sampled_from(["[[Dana]]", "[[Dana Recruiter|Dana]]", "[[People/Sam Hiring-Manager]]",
                        "Jo", "the Acme HR team", "[[Müller]]", ""])
_DOING = st.sampled_from(["Called", "Sent CV to", "Coffee with", "Met", "Emailed", "Ask",
                          "Interview with", "Prepare questions for", "Thank", "Relance"])
_PROSE = st.sampled_from([
    "Talked about the role and the team.", "Salary: 60k, remote two days.", "[[Dana]] knows the CTO.",
    "2026-11-20 was the first call.", "Next: wait for their answer", "Questions about the stack",
    "they use C# and Go", "Ask about the log pipeline", "#tag and more", "Ünïcödé text 🚀",
    "A | table | row |", "catalog of questions", "50% remote",
])


@st.composite
def _when(draw: st.DrawFn) -> str:
    day = draw(_DAYS)
    shape = draw(st.sampled_from(["day"] * 5 + ["T", "space", "link", "bad"]))
    if shape == "T":
        return f"{day}T{draw(st.integers(0, 23)):02}:{draw(st.integers(0, 59)):02}"
    if shape == "space":
        return f"{day} {draw(st.integers(0, 23)):02}:{draw(st.integers(0, 59)):02}"
    if shape == "link":
        return f"[[{day}]]"
    return day if shape != "bad" else draw(st.sampled_from(["2026-02-30", "2026-13-01"]))


@st.composite
def _dated_item(draw: st.DrawFn) -> str:
    """`2026-11-20 Called [[Dana]]`: a Log entry's text."""
    sep = draw(st.sampled_from([" ", " ", ": ", " - ", " — ", ", "]))
    return f"{draw(_when())}{sep}{draw(_DOING)} {draw(_WHO)}".rstrip()


@st.composite
def _task_item(draw: st.DrawFn) -> str:
    """`[ ] Send CV 📅 2026-11-28`, with the dates Obsidian Tasks and Dataview write."""
    box = draw(st.sampled_from(["[ ]", "[ ]", "[ ]", "[/]", "[x]", "[-]"]))
    markers = draw(st.lists(st.sampled_from([
        "📅 {}", "📅 {}", "⏳ {}", "⏳ {}", "[due:: {}]", "(due:: {})", "[scheduled:: {}]",
        "🛫 {}", "✅ {}", "📅", "📅️ {}", "[due:: {}x]", "⏫", "🔁 every week", "🆔 abc",
        "⛔ abc,def", "[priority:: high]",
    ]), min_size=1, max_size=4))
    dates = [m.format(draw(_DAYS)) for m in markers]
    return f"{box} {draw(_DOING)} {draw(_WHO)} {' '.join(dates)}".replace("  ", " ")


_ITEM_TEXT = st.one_of(_dated_item(), _dated_item(), _task_item(), _task_item(),
                       _PROSE.filter(lambda s: not s[0].isdigit() and s[0] not in "#|"))


@st.composite
def _list_block(draw: st.DrawFn) -> list[str]:
    """A list at the left edge: one-line items, some with an item nested under them, or a line
    continuing them lazily."""
    bullet = draw(st.sampled_from(["-", "-", "-", "*", "+"]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        gap = " " * draw(st.sampled_from([1, 1, 1, 1, 2]))
        lines.append(f"{bullet}{gap}{draw(_ITEM_TEXT)}")
        extra = draw(st.sampled_from(["none"] * 6 + ["nested", "nested", "lazy"]))
        if extra == "nested":
            nested = draw(st.sampled_from(["-", "*", "+"]))
            lines.append(f"{' ' * (len(bullet) + len(gap))}{nested} {draw(_ITEM_TEXT)}")
        elif extra == "lazy":
            lines.append(draw(_PROSE.filter(lambda s: s[0].isalpha())))
    return lines


@st.composite
def _quote_block(draw: st.DrawFn) -> list[str]:
    """An Obsidian callout or a quote, holding tasks or Log entries."""
    head = draw(st.sampled_from(["> [!todo]", "> [!note] Calls", "> Quoted:", ">"]))
    inner = draw(_list_block())
    return [head] + [f"> {line}" for line in inner]


@st.composite
def _fence_block(draw: st.DrawFn) -> list[str]:
    """Fenced code at the left edge, holding what would otherwise be read, and maybe fences
    that don't close it (shorter, of the other kind, with text after them) or that do."""
    if _one_in(draw, 3):  # a Markdown example holding a fence of its own
        return draw(st.sampled_from([
            ["````markdown", "```", "## Log", "- 2026-11-20 Called [[Dana]]",
             "- [ ] Send the CV 📅 2026-11-28", "```", "````"],
            ["~~~~", "~~~", "# Log", "- [ ] Ask Jo ⏳ 2026-11-29", "- 2026-11-21 Met Jo", "~~~~"],
        ]))
    fence = draw(st.sampled_from(["```", "```markdown", "~~~", "````", "~~~~"]))
    inside = draw(st.lists(st.one_of(
        st.just("## Log"), st.just("# Log"), _ITEM_TEXT.map(lambda s: f"- {s}"), _PROSE,
        st.sampled_from(["```", "~~~", "``` x", "````  ", "~~~~~"]),
    ), min_size=1, max_size=4))
    closing = fence.rstrip("markdown") if fence[0] == "`" else fence
    return [fence, *inside, closing]


#: Blocks that send a section, or the whole body, to markdown-it.
_SLOW_BLOCKS = [
    "  ```\n- [ ] in an indented fence 📅 2026-11-28\n  ```",
    "<div>\n- [ ] in HTML 📅 2026-11-28\n</div>", "<!-- - 2026-11-20 hidden -->",
    "Log\n---\n- 2026-11-20 under a setext Log", "Notes\n===", "1. ordered 📅 2026-11-28",
    "2) [ ] ordered task 📅 2026-11-28", "***", "- - -", "- ## Log\n- 2026-11-20 after",
    "\t- [ ] tab item 📅 2026-11-28", "- [ ] a\n\n  more text 📅 2026-11-28\n  - nested 2026-11-21",
    "- ```\n  - [ ] 📅 2026-11-28\n  ```", "  - [ ] one space too far 📅 2026-11-28",
    "- > [ ] quoted in item 📅 2026-11-28", "   ## Log", "> ## Log\n> - 2026-11-20 quoted log",
    "- x\n    - [ ] deep 📅 2026-11-28", "## Logistics", "# Log of calls",
    "- 2026-11-20 Called\n\n    - [ ] code, or an item in the item? 📅 2026-11-28", "[x]: /url\n- [ ] ref 📅 2026-11-28",
    # blocks that run on past a heading, or take in the line after them
    "<div>\n## Log\n- 2026-11-20 in HTML\n</div>", "<!--\n## Log\n- 2026-11-20 hidden\n-->",
    "- Notes\n  ```\n## Log\n- 2026-11-20 after a fence in an item\n  ```",
    "> [!todo]\n> - [ ] Ask Jo\nabout the salary 📅 2026-11-28", "> - 2026-11-20 Called\nback later",
    "- x\n      - [ ] six spaces: more of the item's text 📅 2026-11-28",
    "- a\n - [ ] one space 📅 2026-11-28\n   - 2026-11-22 three spaces",
]
_HEADING_TITLES = st.sampled_from(
    ["Log"] * 6 + ["log", "LOG", "Log ##", "Log  ", "Notes", "Tasks", "Questions", "Follow-ups",
                   "Next steps", "Calls", "Prep"]
)


@st.composite
def note_bodies(draw: st.DrawFn, slow: int = 80) -> str:
    """A note body: sections under headings of any level (Log among them, in any case), with
    lists of Log entries and tasks, nested items, callouts, fenced code and prose; each block
    one that forces markdown-it in about one case in `slow`. A quote is followed by a blank
    line (a line that isn't would run on in it lazily, which sends it to markdown-it)."""
    blocks: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        if not _one_in(draw, 4):
            level = draw(st.sampled_from([1, 2, 2, 2, 3, 3, 4, 5, 6]))
            blocks.append(f"{'#' * level} {draw(_HEADING_TITLES)}")
        for _ in range(draw(st.integers(0, 3))):
            if slow and _one_in(draw, slow):
                blocks.append(draw(st.sampled_from(_SLOW_BLOCKS)))
                continue
            kind = draw(st.sampled_from(["list"] * 6 + ["quote", "fence", "prose", "prose",
                                                          "table"]))
            if kind == "list":
                lines = draw(_list_block())
            elif kind == "quote":
                lines = draw(_quote_block())
            elif kind == "fence":
                lines = draw(_fence_block())
            elif kind == "table":
                lines = ["| when | what |", "|---|---|", "| 2026-11-20 | - [ ] 📅 2026-11-28 |"]
            else:
                lines = draw(st.lists(_PROSE, min_size=1, max_size=2))
            blocks.append("\n".join(lines))
    joined = blocks[0] if blocks else ""
    for before, block in pairwise(blocks):
        gaps = ["\n\n", "\n\n", "\n\n\n"] + ([] if before[0] == ">" else ["\n"])
        joined += draw(st.sampled_from(gaps)) + block
    return joined + draw(st.sampled_from(["", "\n", "\n\n"]))


def _read(parsed: body.Body) -> tuple[Any, ...]:
    return parsed.log, parsed.tasks, parsed.problems


def test_line_reader_reads_what_markdown_it_reads() -> None:
    taken: Counter[bool] = Counter()
    worked: Counter[bool] = Counter()  # bodies holding a Log heading or a task marker

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(note_bodies(), st.integers(1, 40), st.sampled_from([True] * 9 + [False]))
    def agrees(text: str, first_line: int, with_log: bool) -> None:
        fast = body.read_by_lines(text, first_line, with_log=with_log)
        taken[fast is not None] += 1
        worked[body._LOG_HEADING.search(text) is not None or body.could_hold_tasks(text)] += 1
        if fast is not None:
            assert _read(fast) == _read(reference_body(text, first_line, with_log))

    agrees()
    assert taken[True] >= SHARE * sum(taken.values()), taken
    assert worked[True] >= SHARE * sum(worked.values()), worked


def _parse_body_agrees(text: str, first_line: int, with_log: bool) -> None:
    expected = _read(reference_body(text, first_line, with_log))
    assert _read(body.parse_body(text, first_line, with_log=with_log)) == expected, text


def test_parse_body_reads_what_markdown_it_reads() -> None:
    """Generated bodies, then each with every block that sends it (or a section) to
    markdown-it put in it in turn (left to Hypothesis, some would be left out)."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(note_bodies(slow=4), st.integers(1, 40), st.booleans(), st.integers(0, 30))
    def agrees(text: str, first_line: int, with_log: bool, at: int) -> None:
        _parse_body_agrees(text, first_line, with_log)
        lines = text.split("\n")
        at = min(at, len(lines))
        for block in _SLOW_BLOCKS:
            for around in ("\n", "\n\n"):
                with_block = "\n".join(lines[:at]) + around + block + around + "\n".join(lines[at:])
                _parse_body_agrees(with_block, first_line, with_log)

    agrees()


#: Task dates: the first rank found gives the date (an emoji before a Dataview field, a due
#: date before a scheduled one).
_MARKERS = {"📅": 0, "[due::": 1, "⏳": 2, "[scheduled::": 3}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(sorted(_MARKERS)), min_size=1, max_size=4, unique=True),
       st.lists(st.dates(date(2024, 1, 1), date(2027, 12, 31)), min_size=4, max_size=4),
       st.sampled_from(["## Tasks\n", "## Log\n", "> [!todo]\n> ", ""]), st.booleans())
def test_a_task_is_due_on_its_due_date_else_on_its_scheduled_date(
    markers: list[str], days: list[date], before: str, slow: bool
) -> None:
    pairs = list(zip(markers, days[: len(markers)], strict=True))
    written = " ".join(f"{m} {d}]" if m[0] == "[" else f"{m} {d}" for m, d in pairs)
    expected = min(pairs, key=lambda marker_day: _MARKERS[marker_day[0]])[1]
    text = f"{before}- [ ] Send the CV {written}\n"
    parsed = body.read_by_lines(text, 1) if not slow else body.parse_body(text, 1)
    assert parsed is not None
    assert [(t.due, t.text) for t in parsed.tasks] == [(expected, "Send the CV")]


# --- JSON -----------------------------------------------------------------------------------------

#: Characters json.dumps must escape, and others it must leave as they are (ensure_ascii=False).
_HOSTILE = '"\\\n\r\t\b\f\x00\x01\x1f\x7f\x85\u2028\u2029/<>&\'éüß中日😀👩‍💻\ufeff'
_JSON_TEXT = st.one_of(
    st.text(st.sampled_from(_HOSTILE + "abc XYZ 019"), max_size=16),
    st.text(st.sampled_from(_HOSTILE), min_size=1, max_size=8),
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["Ask Jane Doe about the decision", 'say "thanks"', "C:\\Users\\dana",
                     "Müller — 10:00", "line 1\nline 2", "tab\there", "🚀 launch"]),
)
_MAYBE = st.none() | _JSON_TEXT
_TIMES = st.none() | st.times()
_JSON_ITEMS = st.builds(
    Item, st.sampled_from(Kind), st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.sampled_from(Section), _MAYBE, _MAYBE, _MAYBE, _JSON_TEXT, _JSON_TEXT,
    st.lists(_JSON_TEXT, max_size=3).map(tuple), _TIMES, st.sampled_from([None, "C/a.md",
                                                                           "C/b.md"]),
)
#: how to reach the people of _JSON_ITEMS (C/b.md has no entry: a contact note without either)
_JSON_REACH = st.fixed_dictionaries({"C/a.md": st.tuples(_MAYBE, _MAYBE)})
_JSON_PROBLEMS = st.builds(Problem, _MAYBE, st.none() | st.integers(0, 10**6),
                           st.sampled_from(Severity), _JSON_TEXT)


def reference_json(agenda: Agenda) -> str:
    """`agenda --json`, as json.dumps writes the public shape built plainly from the Agenda."""
    data = {
        "today": agenda.today.isoformat(),
        "items": [
            {
                "section": item.section.value,
                "kind": item.kind.value,
                "due": item.due.isoformat(),
                "note": item.note,
                "title": item.title,
                "contact": item.contact,
                "text": item.text,
                "warnings": list(item.warnings),
                "why": item.why,
                "days_overdue": (
                    (agenda.today - item.due).days if item.section is Section.OVERDUE else None
                ),
                "at": None if item.at is None else f"{item.at.hour:02}:{item.at.minute:02}",
                "id": None,
                "contact_note": item.contact_note,
                "phone": agenda.reach.get(item.contact_note or "", (None, None))[0],
                "email": agenda.reach.get(item.contact_note or "", (None, None))[1],
                "time": None if item.at is None else f"{item.at.hour:02}:{item.at.minute:02}",
            }
            for item in agenda.items
        ],
        "problems": [
            {"note": p.path, "line": p.line, "severity": p.severity.value, "message": p.message}
            for p in agenda.problems
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _needs_escaping(agenda: Agenda) -> bool:
    texts = [p.message for p in agenda.problems] + [
        text for item in agenda.items for text in (item.text, item.why, *item.warnings)
    ]
    return any(ch in '"\\' or ch < " " for text in texts for ch in text)


def test_render_json_writes_what_json_dumps_writes() -> None:
    exercised: Counter[bool] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(st.dates(date(2000, 1, 1), date(2100, 1, 1)),
           st.lists(_JSON_ITEMS, min_size=1, max_size=4),
           st.lists(_JSON_PROBLEMS, min_size=1, max_size=3), _JSON_REACH)
    def agrees(today: date, items: list[Item], problems: list[Problem],
               reach: dict[str, tuple[str | None, str | None]]) -> None:
        agenda = Agenda(today, tuple(items), tuple(problems), (), reach)
        exercised[_needs_escaping(agenda)] += 1
        assert render_json(agenda) == reference_json(agenda)

    agrees()
    assert exercised[True] >= SHARE * sum(exercised.values()), exercised


def test_render_json_of_an_empty_agenda_and_of_every_section() -> None:
    today = date(2026, 11, 26)
    assert render_json(Agenda(today, (), ())) == reference_json(Agenda(today, (), ()))
    items = tuple(
        Item(Kind.TASK, today + timedelta(days=n - 3), section, f"Notes/{n}.md", str(n), None,
             "x", "y", ("w",) * n, time(n, n) if n % 2 else None)
        for n, section in enumerate(Section)
    )
    agenda = Agenda(today, items, (Problem(None, None, Severity.WARNING, "über"),))
    assert render_json(agenda) == reference_json(agenda)
    assert json.loads(render_json(agenda))["items"][1]["days_overdue"] == 2
    assert datetime.fromisoformat(json.loads(render_json(agenda))["today"]).date() == today
