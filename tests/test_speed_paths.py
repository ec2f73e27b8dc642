"""The fast paths give exactly what the plain paths give.

Each shortcut is checked against the way it replaces: front matter read without YAML against the
YAML loader; bodies read section by section against markdown-it on the whole body (the original
reader, copied here); the reused build against a build from scratch; the reused render against a
fresh one; parallel reading against one process. Plus the progress line, the start-up imports
and a smoke run of the benchmark.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import cast

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from jobjournal.cli.main import JobJournalGroup, cli
from jobjournal.cli.progress import ProgressLine
from jobjournal.config import Config, load_config
from jobjournal.core import body, context, engine, incremental, markdown, model, parse, render
from jobjournal.core import frontmatter as frontmatter_yaml
from jobjournal.core.dates import LEADING_WHEN, DateError, parse_when
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.links import LinkIndex, parse_links
from jobjournal.core.model import LogEntry, Note
from jobjournal.vault import reader as vault

from .conftest import TODAY

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
generate = importlib.import_module("generate").generate  # benchmarks/generate.py

# --- front matter without YAML ----------------------------------------------------------------

KEYS = ["type", "status", "company", "date", "with", "tags", "recruiter", "yes", "on", "Null",
        "Type", "a-b", "_x", "k" * 120, "k" * 101, "k" * 102, "from", "é", "x é", "1x", "-x",
        "x y", "x:y", "x ", " x", "'q'", '"q"', "?x", "x#", "A9_-"]
VALUES = ["", " ", "interview", '"[[Jane Doe]]"', "'it''s'", "'x'", '"a\\"b"', '"tab\\tx"', "yes",
          "No", "ON", "~", "null", "2026-11-20", "2026-11-20T10:00", "0612345", "1.5", ".inf",
          "a: b", "a:b", "x #c", "x#c", "[a, b]", "{a: 1}", "&a x", "*a", "!!str x", "|", ">",
          "- x", "-5", "@x", "`x`", "%x", "=", "<<", "a, b", "Müller", "x\u2028y", "x\x85y",
          "\ufeffx", "é", "a\tb", "x:", '"unterminated', "'unterminated", "http://x.example/a#b",
          "Globex's team", "  spaced  "]
OTHER = ["", "# comment", "  # indented comment", "  continuation", "...", "key:value",
         "? complex", "%YAML 1.1", "  - \"[[A]]\"", "- b", "  - ", "    - deep", "  - a: b",
         "  -x", "  - [x]", "  - yes", "-", "\t- tab"]
_fm_line = st.one_of(
    st.builds(lambda k, v: f"{k}:{(' ' + v) if v else ''}", st.sampled_from(KEYS),
              st.sampled_from(VALUES)),
    st.builds(lambda k: f"{k}:", st.sampled_from(KEYS)),
    st.builds(lambda v: f"  - {v}", st.sampled_from(VALUES)),
    st.sampled_from(OTHER),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fm_line, max_size=12))
def test_front_matter_without_yaml_reads_what_yaml_reads(lines: list[str]) -> None:
    fm_text = "\n".join(lines)
    simple = frontmatter_yaml._simple_yaml(fm_text)
    if simple is None:
        return  # left to the loader
    loader, handler = frontmatter_yaml._yaml()
    loaded = handler.load(fm_text, Loader=loader)  # must not raise: the shape was plain
    fields, key_lines = simple
    assert fields == (loaded or {})
    assert list(fields) == list(loaded or {})
    assert key_lines == (frontmatter_yaml._key_lines(fm_text) if fields else {})


def test_front_matter_of_the_usual_shape_is_read_without_yaml() -> None:
    fm_text = ('type: interview\nstatus: waiting\ncompany: Acme\ndate: 2026-11-20T10:00\n'
               'recruiter: "[[Dana]]"\nwith:\n  - "[[Sam]]"\n  - "[[Jo]]"\nthank_you:\n'
               "tags:\n  - interview\ncandidates: 3\n")
    assert frontmatter_yaml._simple_yaml(fm_text) == (
        {"type": "interview", "status": "waiting", "company": "Acme", "date": "2026-11-20T10:00",
         "recruiter": "[[Dana]]", "with": ["[[Sam]]", "[[Jo]]"], "thank_you": None,
         "tags": ["interview"], "candidates": "3"},
        {"type": 2, "status": 3, "company": 4, "date": 5, "recruiter": 6, "with": 7,
         "thank_you": 10, "tags": 11, "candidates": 13},
    )


def test_front_matter_lines_are_read_once_and_forgotten_past_a_bound(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frontmatter_yaml, "_LINES", {})
    first = frontmatter_yaml._simple_yaml("type: contact\ncompany: Acme\ntags:\n  - a\n")
    second = frontmatter_yaml._simple_yaml("company: Acme\ntype: contact\n")
    assert first == ({"type": "contact", "company": "Acme", "tags": ["a"]},
                     {"type": 2, "company": 3, "tags": 4})
    assert second == ({"company": "Acme", "type": "contact"}, {"company": 2, "type": 3})
    assert first[0]["company"] is second[0]["company"]  # one value, read once
    # a line's meaning never depends on the lines around it: an item only under an empty key
    assert frontmatter_yaml._simple_yaml("type: contact\n  - a\n") is None
    monkeypatch.setattr(frontmatter_yaml, "_LINES_MAX", 2)
    for n in range(5):
        assert frontmatter_yaml._simple_yaml(f"k{n}: v\n") == ({f"k{n}": "v"}, {f"k{n}": 2})
    assert len(frontmatter_yaml._LINES) <= 2


_FENCE_LINES = ["---", "...", "--- ", "...\t", "----", "..", "x", "", " ---", "...x", "a: b",
                "---x", "--", "\t---"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FENCE_LINES), max_size=10), st.booleans())
def test_the_closing_fence_is_found_where_the_regex_finds_it(
    lines: list[str], trailing: bool
) -> None:
    text = "---\n" + "\n".join(lines) + ("\n" if trailing else "")
    found = parse._closing_fence(text, 3)
    expected = parse._FM_END.search(text, 4)
    assert (found.span() if found else None) == (expected.span() if expected else None)


class _Scanned(str):
    """A text that counts how many characters its `find`, `rfind` and regex matches look at."""

    looked = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        found = str.find(self, sub, start, end)
        _Scanned.looked += (found if found >= 0 else len(self) if end is None else end) - (
            start or 0)
        return found

    def rfind(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        found = str.rfind(self, sub, start, end)
        _Scanned.looked += (len(self) if end is None else end) - max(found, start or 0)
        return found


@pytest.mark.parametrize("shape", ["---\n" + "...x\n" * 2000, "---\n" + "---x\n...y\n" * 1000])
def test_finding_the_closing_fence_looks_at_each_character_a_few_times(shape: str) -> None:
    _Scanned.looked = 0
    assert parse._closing_fence(_Scanned(shape), 3) is None
    assert _Scanned.looked <= 4 * len(shape)  # linear: a 4 MiB note must not take minutes


def test_finding_the_closing_fence_leaves_the_body_unread() -> None:
    """Front matter closed by `---` is found without searching the body for a `...` line."""
    _Scanned.looked = 0
    text = _Scanned("---\ntype: contact\n---\n" + "- a line of the body\n" * 1000)
    found = parse._closing_fence(text, 3)
    assert found is not None and found.start() == len("---\ntype: contact\n")
    assert _Scanned.looked <= 2 * len("---\ntype: contact\n---\n")


@pytest.mark.parametrize("text", ["catalog " * 5000, "# x " + "log " * 5000 + "\n## Log\n",
                                  "- 2026-01-01 # log " * 3000])
def test_looking_for_log_headings_looks_at_each_character_a_few_times(text: str) -> None:
    _Scanned.looked = 0
    scanned = _Scanned(text)
    body._has_log_heading(scanned, text.lower())
    reader = body._Reader(1, True, True, [])
    list(body._marks(scanned, text.lower(), reader))
    assert _Scanned.looked <= 6 * len(text)


# --- bodies without markdown-it ---------------------------------------------------------------

_MD = MarkdownIt("commonmark")
_MD.core.ruler.disable(["inline", "text_join"])


def _original_log_entry(content: str, line: int, problems: list[tuple[int, str]]) -> LogEntry | None:
    match = LEADING_WHEN.match(content)
    if match is None:
        return None
    try:
        when = parse_when(match["when"])
    except DateError as exc:
        problems.append((line, f"Log entry: {exc}"))
        return None
    text = " ".join(content[match.end() :].lstrip(body._LOG_SEPARATORS).split())
    return LogEntry(when, text, line, parse_links(text))


def _original_parse_body(text: str, first_line: int, with_log: bool = True) -> body.Body:
    """parse_body as it was before the line reader: markdown-it over the whole body."""
    want_log = with_log and body._LOG_HEADING.search(text) is not None
    lowered = text.lower()
    want_tasks = any(m in text for m in ("📅", "⏳")) or any(
        m in lowered for m in ("due::", "scheduled::"))
    result = body.Body()
    if not (want_log or want_tasks):
        return result
    tokens = _MD.parse(text)
    log, tasks = [], []
    log_level = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            if log_level and level <= log_level:
                log_level = 0
            if tokens[i + 1].content.strip().lower() == "log":
                log_level = level
        elif token.type == "list_item_open" and tokens[i + 1].type == "paragraph_open":
            inline = tokens[i + 2]
            line = first_line + (inline.map[0] if inline.map else 0)
            if want_tasks:
                task = body._task(inline.content, line, result.problems)
                if task is not None:
                    tasks.append(task)
            if want_log and log_level:
                entry = _original_log_entry(inline.content, line, result.problems)
                if entry is not None:
                    log.append(entry)
    result.log, result.tasks = tuple(log), tuple(tasks)
    return result


BODY_LINES = [
    "", "   ", "## Log", "# Log", "### log ##", "## Log#", "##  LOG  ", "## Log\u00a0", "## Notes",
    "# Tasks", "#tag line", "####### seven", "Log", "log", "===", "---", "- - -", "* * *", "***",
    "- 2026-11-20 Called [[Jane]]", "- 2026-11-20: Called [[Jane|J]] and [[Sam]]",
    "- [ ] task 📅 2026-11-28", "- [x] done 📅 2026-11-28", "* [/] doing [due:: 2026-11-29]",
    "+ [ ] scheduled ⏳ 2026-11-30", "-    2026-11-21 four spaces", "-     five spaces code",
    "-\t2026-11-22 tab", "- ", "-", "1. ordered 2026-11-20", "1) x", "2026-11-20 plain para",
    "plain text with technology", "  - 2026-11-23 nested", "    indented code - [ ] 📅 2026-11-28",
    "> quote - [ ] 📅 2026-11-28", "> - [ ] in quote 📅 2026-11-28", "> [!todo]", "> ## Log",
    "- ## Log", "  ## Log", "```", "```python", "~~~", "  ```", "````", "``` `x`", "<div>",
    "<!-- c -->", "-->", "</div>", "  <span>", "[foo]: /url", "- [foo]: /url", "[[Link]] para",
    "- # heading in item", "- > quote in item", "- <b>x</b>", "- ```", "- 1. nested", "- ***",
    "- ===", "- \u00a0nbsp", "\u00a0indented", "- trailing  ", "- x\u3000", "- 2026-02-30 bad",
    "- [[2026-11-20]] daily link", "- 2026-11-20T10:30 timed", "- 2026-11-20 10:30 spaced",
    "-  [ ] two spaces 📅 2026-11-28", "- [ ] due:: without brackets", "- [ ] (due:: 2026-11-28)",
    "- [ ] DUE:: x [Due:: 2026-12-01]", "- [ ] ſcheduled:: [scheduled:: 2026-12-02]",
    "\\- escaped", "| table | row |", "%% comment %%", "- [ ] 📅", "\t- tab item", "1.5 hours",
    "- 2026-13-01 month thirteen", "Log\n---", "> Log\n> ===", "- x\n  continued 📅 2026-11-28",
    "- [ ] a\nlazy 📅 2026-11-28", "- 2026-11-20 x\u0085y", "#", "## ", "- İlog", "- catalog",
    # nested items, indented code and callouts, read without markdown-it too
    "  * [ ] nested star 📅 2026-11-28", "   - 2026-11-24 three spaces", "-   wide bullet",
    "    - [ ] code or nested 📅 2026-11-28", "      six spaces [due:: 2026-11-29]", "[!todo]",
    "[!note]: /url", ">", "> > - [ ] deep 📅 2026-11-28", ">\t- [ ] tab 📅 2026-11-28",
    "> [!todo]\n> - [ ] callout 📅 2026-11-28", "  - 2026-11-25 [[Jane]]\n\n    more text",
    "  text 📅 2026-11-28", "  ```", "> - 2026-11-26 quoted log", ">- [ ] tight 📅 2026-11-28",
    # lines that continue a list item's paragraph lazily, at the left edge
    "lazy line  ", "lazy\u00a0", "lazy\u3000", "lazy\ufeff", "lazy [due:: 2026-11-29]  ",
    "lazy\t", "2026-11-21 lazy date", "> [!todo]\n> - [-] lazy\n> [!todo]\n> - [ ] b 📅 2026-11-28",
]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(BODY_LINES), max_size=24), st.booleans(), st.booleans(),
       st.integers(1, 30))
def test_bodies_read_without_markdown_it_as_with_it(
    lines: list[str], trailing: bool, with_log: bool, first_line: int
) -> None:
    text = "\n".join(lines) + ("\n" if trailing else "")
    fast = body.parse_body(text, first_line, with_log=with_log)
    slow = _original_parse_body(text, first_line, with_log)
    assert (fast.log, fast.tasks, fast.problems) == (slow.log, slow.tasks, slow.problems)


_HEADING_LINES = [*BODY_LINES, "\u00a0## Log", "\t## Log", "   ## Log", "    ## Log",
                  "## Log\u2028", "#\tLog", "Log\n\u00a0===", " Log \n  ---", "LOG\n--- x", "blog",
                  "## Technology", "# Catalog", "\x0c## log", "log\n", "\n## Log  #  ", "İ ## Log"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_HEADING_LINES), max_size=12), st.booleans())
def test_log_headings_are_found_line_by_line_as_the_regex_finds_them(
    lines: list[str], trailing: bool
) -> None:
    text = "\n".join(lines) + ("\n" if trailing else "")
    expected = body._LOG_HEADING.search(text) is not None
    assert body._has_log_heading(text, text.lower()) is expected


@pytest.fixture
def no_markdown_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any use of markdown-it fails the test: the line reader must do."""

    def refuse() -> None:
        raise AssertionError("markdown-it was not needed")

    monkeypatch.setattr(body, "_markdown", refuse)


@pytest.mark.usefixtures("no_markdown_it")
def test_a_plain_body_is_read_without_markdown_it() -> None:
    text = ("## Notes\nSome text about technology.\n\n```\n## Log\n- 2020-01-01 code\n```\n"
            "## Log\n- 2026-11-20 Called [[Jane]]\n- not dated\n\n## Tasks\n"
            "- [ ] Send CV 📅 2026-11-28\n- [x] Done 📅 2026-11-27\n")
    parsed = body.parse_body(text, 5)
    assert [(e.line, e.text) for e in parsed.log] == [(13, "Called [[Jane]]")]
    assert [(t.line, t.text, t.due) for t in parsed.tasks] == [(17, "Send CV", date(2026, 11, 28))]


def test_list_items_continued_lazily_are_read_without_markdown_it(
    monkeypatch: pytest.MonkeyPatch, no_markdown_it: None
) -> None:
    text = ("## Tasks\n> [!todo]\n> - [ ] Ask about salary\n> 📅 2026-11-30\n> [!todo]\n"
            "> - [x] Done 📅 2026-11-27\n\n## Log\n- 2026-11-20 Called [[Jane]],\n"
            "who said to wait  \nuntil Friday\n- 2026-11-21 Met [[Sam]]\n")
    parsed = body.parse_body(text, 1)
    assert [(e.line, e.text) for e in parsed.log] == [
        (9, "Called [[Jane]], who said to wait until Friday"), (12, "Met [[Sam]]")]
    # the second `[!todo]` continues the first task's text, as CommonMark (and Obsidian) read it
    assert [(t.line, t.text, t.due) for t in parsed.tasks] == [
        (3, "Ask about salary [!todo]", date(2026, 11, 30))]
    monkeypatch.undo()
    slow = _original_parse_body(text, 1)
    assert (parsed.log, parsed.tasks) == (slow.log, slow.tasks)


def test_could_hold_tasks_matches_lower_casing() -> None:
    for text in ["due::", "DUE::", "Due::", "ſcheduled::", "SCHEDULED::", "due :: x", "📅", "⏳",
                 "scheduled::", "İdue::", "nothing"]:
        lowered = text.lower()
        expected = any(m in text for m in ("📅", "⏳")) or any(
            m in lowered for m in ("due::", "scheduled::"))
        assert body.could_hold_tasks(text) is expected, text


def test_whole_notes_parse_the_same_with_and_without_the_fast_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    paths = generate(root, 400, seed=3, today=TODAY)
    extra = [p for p in (REPO / "tests" / "data").rglob("*.md")]
    samples = [(p, (root / p).read_bytes()) for p in paths]
    samples += [(str(p.relative_to(REPO)), p.read_bytes()) for p in extra]
    fast = [parse.parse_note(p, data, tasks_from_all=True) for p, data in samples]
    monkeypatch.setattr(frontmatter_yaml, "_simple_yaml", lambda fm_text: None)
    monkeypatch.setattr(body, "_fast_body", lambda text, lowered, reader: False)
    slow = [parse.parse_note(p, data, tasks_from_all=True) for p, data in samples]
    assert fast == slow
    assert [n.lines for n, _ in fast if n] == [n.lines for n, _ in slow if n]


# --- the engine and renderers' reuse ------------------------------------------------------------


def test_a_rebuild_after_changes_equals_a_build_from_scratch(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 300, seed=5, today=TODAY)
    loaded = vault.load_vault(root, load_config(root))
    notes = list(loaded.notes)
    config = loaded.config
    # one build kept on the same day (each step takes the update path), one moved a day on
    same_day, next_day = IncrementalBuild(), IncrementalBuild()
    same_day.build(notes, TODAY, config, paths=loaded.paths)
    contacts = [n for n in notes if n.type is not None and n.type.value == "contact"]
    steps: list[Callable[[list[Note]], list[Note]]] = [
        lambda ns: ns[:-1],  # a note deleted
        lambda ns: [dataclasses.replace(ns[0], last_contact=TODAY)] + ns[1:],
        lambda ns: [dataclasses.replace(n, log=(*n.log, LogEntry(TODAY, "Called",
                    99, parse_links(f"[[{contacts[0].title}]]")))) if i == 7 else n
                    for i, n in enumerate(ns)],  # a Log entry linking a contact
        lambda ns: [dataclasses.replace(n, log=()) if n.log else n for n in ns[:40]] + ns[40:],
        lambda ns: ns + [dataclasses.replace(contacts[1], path="Contacts/New One.md")],
        lambda ns: [dataclasses.replace(n, missed_call=TODAY) if i % 9 == 0 else n
                    for i, n in enumerate(ns)],
    ]
    for step in steps:
        notes = step(notes)
        paths = sorted(n.path for n in notes)
        for build, today in ((same_day, TODAY), (next_day, TODAY + timedelta(days=1))):
            reused = build.build(notes, today, config, paths=paths)
            assert reused == engine.build_agenda(notes, today, config, paths=paths)
            assert build.build(notes, today, config, paths=paths) == reused


def test_a_build_prepared_beforehand_equals_one_that_is_not(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 200, seed=9, today=TODAY)
    loaded = vault.load_vault(root, load_config(root))
    fresh = engine.build_agenda(loaded.notes, TODAY, loaded.config, paths=loaded.paths)
    build = IncrementalBuild()
    build.prepare(loaded.paths, loaded.config)
    assert build.build(loaded.notes, TODAY, loaded.config, paths=loaded.paths) == fresh
    build = IncrementalBuild()
    build.prepare(loaded.paths[1:], loaded.config)  # other paths: made again at the build
    assert build.build(loaded.notes, TODAY, loaded.config, paths=loaded.paths) == fresh


def test_notes_sharing_a_path_are_built_as_given() -> None:
    from jobjournal.core.model import NoteType

    twice = [Note("Contacts/Jo.md", NoteType.CONTACT, stay_in_touch=7),
             Note("Contacts/Jo.md", NoteType.CONTACT, stay_in_touch=30)]
    first = engine.build_agenda(twice, TODAY, Config())
    build = IncrementalBuild()
    assert build.build(twice, TODAY, Config()) == first
    assert build.build(twice, TODAY, Config()) == first
    assert len([i for i in first.items if i.kind.value == "stay-in-touch"]) == 2


def test_the_remembering_renderer_writes_what_a_fresh_render_writes(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 200, seed=9, today=TODAY)
    loaded = vault.load_vault(root, load_config(root))
    build, renderer = IncrementalBuild(), markdown.MarkdownRenderer()
    for today in (TODAY, TODAY, TODAY + timedelta(days=3), TODAY + timedelta(days=3)):
        agenda = build.build(loaded.notes, today, loaded.config, paths=loaded.paths)
        assert renderer.render(agenda, loaded.config) == markdown.render_markdown(
            agenda, loaded.config)


# --- text safety, made quicker ------------------------------------------------------------------

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _original_plain(text: str) -> str:
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or (unicodedata.category(ch) != "Cc" and ch not in _BIDI)
    )
    return " ".join(kept.split())


def test_plain_and_wikilink_safety_agree_with_the_per_character_rules() -> None:
    every = "".join(chr(c) for c in range(0x3100) if not 0xD800 <= c < 0xE000)
    assert render._plain(every) == _original_plain(every)
    for ch in every:
        assert render._plain(f"a{ch}b") == _original_plain(f"a{ch}b")
        original = ch not in "|[]#^<>&`$" and (ch == " " or _original_plain(ch) == ch)
        assert render._wikilink_safe(f"a{ch}b") is original, repr(ch)
    assert not render._wikilink_safe("50%% off")


_NAMES = st.sampled_from(["Jane", "jane", "Jane.md", "a/Jane", "A/jane.MD", "/Jane", " Jane ",
                          "b/", "Sam", "x/./Sam", "", "."])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(model.Link, _NAMES, st.none() | _NAMES, st.booleans()), max_size=12),
       st.lists(_NAMES.map(lambda name: f"{name}.md"), max_size=6))
def test_the_remembering_link_index_answers_as_the_plain_one(
    links: list[model.Link], paths: list[str]
) -> None:
    memo, plain = incremental._MemoLinks(paths), LinkIndex(paths)
    for link in links + links:  # asked twice: the second answer is the remembered one
        assert memo.resolve(link) == plain.resolve(link), link
        assert memo.person_name(link) == plain.person_name(link), link


def _original_burst(note: Note, ctx: context.RuleContext) -> tuple[str, int] | None:
    """calling_too_often's burst as first written: every note's entries sorted and walked."""
    entries = sorted((e for e in note.log if e.day <= ctx.today), key=context.entry_key)
    recent = ctx.today - timedelta(days=engine.TOO_OFTEN_RECENT_DAYS - 1)
    gap, first, burst = ctx.followup.min_gap_workdays, 0, None
    for last, entry in enumerate(entries):
        while first < last and entry.day >= ctx.workdays.add(entries[first].day, gap):
            first += 1
        if last - first + 1 >= engine.TOO_OFTEN_COUNT and entry.day >= recent:
            burst = (f"{entries[first].day}..{entry.day}", last - first + 1)
    return burst


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-80, 5), max_size=8), st.integers(1, 6))
def test_calling_too_often_skips_only_notes_that_cannot_have_a_burst(
    offsets: list[int], gap: int
) -> None:
    log = tuple(LogEntry(TODAY + timedelta(days=d), "x", n + 5) for n, d in enumerate(offsets))
    note = Note("Contacts/Dana.md", model.NoteType.CONTACT, log=log)
    config = Config()
    config = dataclasses.replace(
        config, followup=dataclasses.replace(config.followup, min_gap_workdays=gap))
    ctx = context.make_context([note], TODAY, config)
    found = engine.calling_too_often(note, ctx)
    expected = _original_burst(note, ctx) if len(log) >= engine.TOO_OFTEN_COUNT else None
    if expected is None:
        assert found is None
    else:
        span, count = expected
        first, last = span.split("..")
        assert found is not None
        assert found[0] == f"calling too often: {count} contacts between {first} and {last}"


@pytest.mark.parametrize("path", [
    "Contacts/Jane Doe.md", "Jane.md", "a/b/c.MD", "a//b.md", "a/./b.md", "a/.md", "a/b/.md",
    "x.txt", "a/", ".", "", "/abs/x.md", "a/../b.md", "dir.md/x.md", "a/b/.", "a/b//", "..",
    "a/..", "//", "/", "./x.md", "a/ .md", "a\\b.md",
])
def test_file_names_are_what_pure_posix_path_gives(path: str) -> None:
    assert model.file_name(path) == PurePosixPath(path).name
    assert context._title(path) == PurePosixPath(path).name[:-3]
    paths = [path, "Other/Jane Doe.md", "jane doe.md"]
    link = parse_links(f"[[{path}]]")[0] if path.strip("/. ") else parse_links("[[x]]")[0]
    memo = incremental._MemoLinks(paths)
    assert memo.resolve(link) == LinkIndex(paths).resolve(link)
    assert memo.resolve(link) == memo.resolve(link)  # remembered the same
    assert memo.person_name(link) == LinkIndex(paths).person_name(link)


# --- reading in several processes ---------------------------------------------------------------


def test_parallel_reading_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    generate(root, 600, seed=11, today=TODAY)
    config = load_config(root)
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "1")
    serial = vault.VaultState(root, config)
    one = serial.refresh()
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "2")
    monkeypatch.setattr(vault, "PARALLEL_MIN_FILES", 10)
    seen: list[tuple[int, int]] = []
    parallel = vault.VaultState(root, config)
    two = parallel.refresh(progress=lambda done, total: seen.append((done, total)))
    assert vault.can_fork() is sys.platform.startswith("linux")
    assert two == one
    assert list(parallel.files) == list(serial.files)
    assert parallel.files == serial.files
    assert seen and seen[-1] == (len(one.paths), len(one.paths))


# --- progress ---------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal_and_erased_at_the_end() -> None:
    quiet = io.StringIO()
    with ProgressLine(stream=quiet, delay=0) as progress:
        progress(5, 10)
    assert quiet.getvalue() == ""
    terminal = _Terminal()
    with ProgressLine(stream=terminal, delay=0) as progress:
        progress(5, 10)
        progress(10, 10)
    assert "Reading notes… 5/10" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r" + " " * len("Reading notes… 10/10") + "\r")
    late = _Terminal()
    with ProgressLine(stream=late, delay=60) as progress:
        progress(5, 10)
    assert late.getvalue() == ""


def test_no_progress_in_json_output_nor_on_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    generate(root, 60, seed=1, today=TODAY)
    monkeypatch.setattr("jobjournal.cli.progress.DELAY", 0.0)
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(
        cli, ["agenda", "--json", "--today", TODAY.isoformat(), "--vault", str(root)])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # nothing but the JSON object
    assert "Reading notes" not in result.output


# --- start-up -----------------------------------------------------------------------------------

HEAVY = ("yaml", "frontmatter", "markdown_it", "holidays", "watchdog", "openpyxl", "icalendar",
         "pathspec")


def _imported_by(statement: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(m for m in {heavy!r} if m in "
    code += "sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=REPO)
    return done.stdout.split()


def test_reading_and_computing_modules_import_no_heavy_library() -> None:
    modules = "jobjournal.vault.cache, jobjournal.vault.reader, jobjournal.core.engine, "
    modules += "jobjournal.core.render, jobjournal.cli.common, jobjournal.cli.progress"
    assert _imported_by(f"import {modules}") == []


def test_the_command_line_imports_no_heavy_library_before_a_command_runs() -> None:
    assert _imported_by("import jobjournal.cli.main") == []


def test_help_lists_every_command_without_importing_what_they_run() -> None:
    """`--help` imports each command's module to list it: those modules import their heavy
    libraries, the HTTP server and the recurrence library when they run, not before."""
    statement = "import click; from jobjournal.cli.main import cli; cli.get_help(click.Context(cli))"
    heavy = (*HEAVY, "http.server", "recurring_ical_events", "jobjournal.cli.agenda_site")
    assert _imported_by(statement, heavy) == []
    # nor the commands' modules themselves, nor the model (its dataclasses take a while to make)
    lazy = tuple(f"jobjournal.cli.{where.split(':')[0]}"
                 for where in JobJournalGroup.LAZY_COMMANDS.values())
    assert _imported_by(statement, (*lazy, "jobjournal.core.model", "jobjournal.vault.parallel")
                        ) == []


def test_a_command_loads_no_other_command_s_module(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 20, seed=3, today=TODAY)
    code = ("import sys\nfrom jobjournal.cli.main import cli\n"
            f"cli(['agenda', '--json', '--today', '{TODAY}', '--vault', {str(root)!r}], "
            "standalone_mode=False)\n"
            "others = {'jobjournal.cli.edit', 'jobjournal.cli.exchange', 'jobjournal.cli.git', "
            "'jobjournal.cli.watch'}\n"
            "print(' '.join(sorted(m for m in sys.modules if m in others)), "
            "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "JOBJOURNAL_CACHE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == []
    # and every command is still there, loaded when asked for
    runner = CliRunner()
    listed = runner.invoke(cli, ["--help"]).output
    for name in ("agenda", "check", "export", "git", "import", "init", "log", "new", "watch"):
        assert re.search(rf"^  {name} ", listed, re.MULTILINE), name
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0, name


@pytest.mark.parametrize("flag", ["--json", "--print"])
def test_agenda_that_writes_nothing_imports_nothing_only_writing_needs(
    tmp_path: Path, flag: str
) -> None:
    """`agenda --json` and `--print` apply no edits of the agenda note and write no note: the
    modules that do (and the Markdown renderer) are not imported, nor the insights, which
    only the agenda note shows, nor standard modules only other work needs."""
    root = tmp_path / "vault"
    generate(root, 20, seed=3, today=TODAY)
    writing = ("jobjournal.vault.user_edits", "jobjournal.vault.agenda_note",
               "jobjournal.vault.board_note", "jobjournal.vault.atomic", "jobjournal.core.ticks",
               "jobjournal.core.markdown", "jobjournal.core.board", "jobjournal.core.insights",
               "jobjournal.core.insight_tally", "statistics", "shutil", "tempfile")
    code = ("import sys\nfrom jobjournal.cli.main import cli\n"
            f"cli(['agenda', {flag!r}, '--today', '{TODAY}', '--vault', {str(root)!r}], "
            "standalone_mode=False)\n"
            f"print(' '.join(sorted(m for m in sys.modules if m in {writing!r})), "
            "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "JOBJOURNAL_CACHE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == []


# --- the benchmark --------------------------------------------------------------------------


def test_the_benchmark_runs_on_a_tiny_vault(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "50", "--repeats", "1",
         "--saves", "3", "--skip-naive", "--workdir", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert re.search(r"^\| notes \| workload \| median ", table, re.MULTILINE)
    for workload in ("floor", "cold", "warm", "watch", "start-up"):
        assert re.search(rf"^\|[^|]*\| {workload}", table, re.MULTILINE), workload
    assert not os.listdir(REPO / "benchmarks") or all(
        not name.startswith("vault-") for name in os.listdir(REPO / "benchmarks"))


def test_the_benchmark_times_a_workload_and_its_yardstick_in_turn(tmp_path: Path) -> None:
    """Ratios compare runs of the same minutes: one run of each workload in turn, then one
    more of each, untimed, for its memory."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmark_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # for its dataclasses
    spec.loader.exec_module(bench)
    log = tmp_path / "log"

    def note(mark: str) -> Callable[[int], list[str]]:
        code = f"open({str(log)!r}, 'a').write({mark!r})"
        return lambda i: [sys.executable, "-c", code]

    floor, cold = bench.Row(None, "floor"), bench.Row(None, "cold")
    bench._alternate([bench.Timed(floor, note("f")), bench.Timed(cold, note("c"))], 3)
    assert log.read_text() == "fc" * 4
    assert (len(floor.seconds), len(cold.seconds)) == (3, 3)


@pytest.mark.parametrize(("front_matter", "shape"), [
    ("# type\n[]", "a list"), ("# type\n''", "a single value"), ("# type\n0", "a single value"),
    ("# type\n{}", None), ("# type", None), ("type: interview\ndate: 2026-11-20", None),
])
def test_front_matter_of_another_shape_is_reported_as_before(
    front_matter: str, shape: str | None
) -> None:
    data = f"---\n{front_matter}\n---\n- [ ] x 📅 2026-11-28\n".encode()
    note, problems = parse.parse_note("Interviews/X.md", data)
    messages = [p.message for p in problems]
    if shape:
        assert note is None and messages == [f"front matter is {shape}, not `key: value` lines"]
    else:
        assert not [m for m in messages if m.startswith("front matter is")]


def test_help_says_of_each_command_what_its_own_help_says() -> None:
    """`--help` lists the commands from a table, without importing their modules: the table
    must say what each command's own help says first."""
    ctx = click.Context(cli)
    group = cast(JobJournalGroup, cli)
    for name, said in group.LAZY_HELP.items():
        command = group.get_command(ctx, name)
        assert command is not None and command.get_short_help_str(limit=10_000) == said, name
    assert set(group.LAZY_HELP) == set(group.LAZY_COMMANDS)


@pytest.mark.parametrize("changed", [False, True])
def test_compare_times_two_versions_in_turn_each_from_its_own_tree(
    tmp_path: Path, changed: bool
) -> None:
    """benchmarks/compare.py, run from the checkout (where `python -m jobjournal` would import
    the checkout's package): a copy of the package whose JSON differs must show it, so each run
    imported its own tree."""
    copy = tmp_path / "copy"
    shutil.copytree(REPO / "jobjournal", copy / "jobjournal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if changed:
        with (copy / "jobjournal" / "core" / "render.py").open("a", encoding="utf-8") as file:
            file.write("\n_plain_json = render_json\n\n\ndef render_json(*args, **kwargs):\n"
                       "    return _plain_json(*args, **kwargs).replace('\"today\"', '\"Today\"', 1)\n")
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), str(copy), "--notes", "40",
         "--repeats", "2"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "40 notes" in done.stdout and "2 runs each, in turn" in done.stdout
    rows = [line.split(" | ")[0] for line in done.stdout.splitlines() if line.startswith("| ")]
    assert rows[1:] == ["| floor: read every .md byte (os.walk, Python)", f"| {copy}", f"| {REPO}"]
    verdict = "They printed different agendas" if changed else "Both printed the same agenda."
    assert verdict in done.stdout


def test_compare_refuses_a_version_that_prints_no_agenda(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(REPO / "jobjournal", broken / "jobjournal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (broken / "jobjournal" / "__main__.py").write_text("raise SystemExit(1)\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), str(broken), "--notes", "20",
         "--repeats", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1
    assert f"{broken}: `agenda --json` printed no agenda" in done.stderr


def test_compare_refuses_a_folder_without_the_package(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert f"{tmp_path}: no jobjournal package in it" in done.stderr
