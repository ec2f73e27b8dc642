"""Fuzzing: random and hostile input never raises, never hangs, never stops the watcher,
and never breaks the agenda's layout.

tests/test_parse.py already throws random bytes and YAML-ish lines at `parse_note`; this module
adds what it doesn't: mutations of the hostile corpus (tests/data/hostile/), front matter built
from the constructs hand-typed YAML goes wrong with, the properties every problem must have (a
line inside the file, a one-line reason), random vault edits made while a real Watcher runs, and
random user text rendered into the agenda note.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from jobjournal.config import Config
from jobjournal.core.engine import build_agenda
from jobjournal.core.markdown import render_markdown
from jobjournal.core.model import Note, Problem
from jobjournal.core.parse import parse_note
from jobjournal.vault.agenda_note import BEGIN, END
from jobjournal.vault.reader import load_vault
from jobjournal.vault.watcher import Watcher

CORPUS = Path(__file__).parent / "data" / "hostile"
SAMPLES = [p.read_bytes() for p in sorted(CORPUS.glob("*.md")) if p.name != "README.md"]
TODAY = date(2026, 11, 26)
NOON = datetime(2026, 11, 26, 12, 0)
DEADLINE = 20.0  # seconds for the watcher to settle: generous, for slow CI machines
SLOW = 2.0  # seconds for one parse: a hang guard, not a benchmark

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")


@contextlib.contextmanager
def runtime_dir() -> Iterator[Path]:
    """Locks in a runtime folder of the test's own (hypothesis runs many examples per test, so
    not a function-scoped fixture)."""
    with tempfile.TemporaryDirectory() as folder:
        old = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = folder
        try:
            yield Path(folder)
        finally:
            if old is None:
                del os.environ["XDG_RUNTIME_DIR"]
            else:
                os.environ["XDG_RUNTIME_DIR"] = old


def check_parse(data: bytes, tasks_from_all: bool = False) -> tuple[Note | None, list[Problem]]:
    """parse_note, with what every answer must satisfy."""
    start = time.monotonic()
    note, problems = parse_note("Notes/x.md", data, tasks_from_all=tasks_from_all)
    assert time.monotonic() - start < SLOW
    assert note is None or isinstance(note, Note)
    file_lines = data.count(b"\n") + data.count(b"\r") + 2  # generous: CR, CRLF, UTF-16
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == "Notes/x.md"
        assert problem.line is not None and 1 <= problem.line <= file_lines, problem
        assert problem.message and "\n" not in problem.message, problem.message
        assert problem.message == problem.message.strip()
    return note, problems


# --- the parser ---------------------------------------------------------------------------------


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for kind, at, chunk in edits:
        if not data:
            data = chunk
            continue
        at %= len(data)
        if kind == 0:
            data = data[:at] + chunk + data[at:]  # insert
        elif kind == 1:
            data = data[:at] + data[at + len(chunk) :]  # delete
        elif kind == 2:
            data = data[:at] + chunk + data[at + len(chunk) :]  # overwrite
        else:
            data = data[:at]  # truncate
    return data


_CHUNKS = st.one_of(
    st.binary(min_size=1, max_size=8),
    st.sampled_from([b"\n", b"\r\n", b"\r", b"\t", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"---\n",
                     b"...\n", b"<<<<<<< a\n", b"{{date}}", b"<% tp.date.now() %>", b"&a ", b"*a",
                     b"!!python/name:os.system", b"? ", b"[", b"{", b"'", b'"', b"\xe9", b"\x93",
                     "é".encode(), "📅 2026-11-28".encode(), b"type: interview\n", b"- [ ] x "]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES),
       edits=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6), _CHUNKS), max_size=6),
       tasks_from_all=st.booleans())
def test_mutated_corpus_files_give_problems_not_exceptions(
    sample: bytes, edits: list[tuple[int, int, bytes]], tasks_from_all: bool
) -> None:
    check_parse(_mutate(sample, edits), tasks_from_all)


_KEYS = st.sampled_from(["type", "date", "company", "status", "missed_call", "with", "recruiter",
                         "thank_you", "candidates", "tags", "1", "null", "? [a]", '"type"', "x"])
_VALUES = st.one_of(
    st.sampled_from(["contact", "interview", "2026-11-20", "2026-02-30", "10:30", "no", "off",
                     "yes", "[[Jane]]", '"[[Jane|J]]"', "{{date}}", "<% tp.file.title %>",
                     "&a [1, 2]", "*a", "!!python/object/apply:os.system [x]", "!!binary aGk=",
                     "[", "{a: [b", "|", ">", "'", '"unterminated', "\t- x", "~", "0612345",
                     "{'type': 'contact'}", "- a", "2026-11-20T10:00", "many", "-1"]),
    st.text(max_size=12),
)
_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", _KEYS, _VALUES),
    st.builds(lambda k: f"{k}:", _KEYS),
    st.builds(lambda i, v: " " * i + f"- {v}", st.integers(0, 4), _VALUES),
    st.builds(lambda i, k, v: "\t" * i + f"{k}: {v}", st.integers(1, 2), _KEYS, _VALUES),
    st.sampled_from(["", "#", "...", "---", "%YAML 1.1", ": x", "<<<<<<< HEAD", "=======",
                     ">>>>>>> b", "? ", "  ", "\ufeff"]),
)
_BODY = st.lists(st.sampled_from([
    "## Log", "- 2026-11-20 Called [[Jane]]", "- 2026-02-30 Bad", "- [ ] do 📅 2026-11-28",
    "- [ ] {{title}} 📅 2026-13-01", "```", "<% tp.date.now() %>", "# {{date}}", "x" * 300,
    "> - [/] y ⏳ 2026-11-29", "<!-- jobjournal:end -->", "\x00", "- [ ] [due:: 2026-02-30]",
]), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINE, max_size=14), body=_BODY, close=st.sampled_from(["---", "...", ""]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]),
       crlf=st.booleans())
def test_hand_typed_front_matter_gives_problems_not_exceptions(
    lines: list[str], body: list[str], close: str, encoding: str, crlf: bool
) -> None:
    text = "\n".join(["---", *lines, close, *body]) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    note, problems = check_parse(text.encode(encoding, errors="replace"))
    if note is not None and note.type is not None:
        keys = [line.partition(":")[0] for line in lines if not line.startswith((" ", "\t", "-"))]
        repeated = {key for key in keys if keys.count(key) > 1} & {"date", "company", "status"}
        for key in repeated:  # a repeated key is reported, never silently read
            assert any(p.message.startswith(f"{key}: given twice") for p in problems), key


# --- the watcher --------------------------------------------------------------------------------

_NAMES = ["Contacts/Ann.md", "Contacts/ann.md", "Contacts/Bo.md", "Interviews/Acme.md",
          "Deep/er/x.md", "Contacts/Ann.sync-conflict-20261120-123456-ABCDEFG.md",
          "Contacts/.Ann.md.swp", "Contacts/Ann.md~", "Contacts/~$Ann.md", "4913", "Notes.md",
          os.fsdecode("Contacts/Société.md".encode("latin-1"))]  # a name that is not UTF-8
_NOTES = [
    "---\ntype: contact\nmissed_call: 2026-11-25\n---\n",
    "---\ntype: interview\ndate: 2026-11-20\ncompany: Acme\nrole: Dev\n---\n## Log\n"
    "- 2026-11-23 Called\n",
    "---\ntype: application\napplied: 2026-11-02\ncompany: Globex\n---\n- [ ] ask 📅 2026-11-27\n",
]
_CONTENT = st.one_of(
    st.sampled_from(_NOTES).map(str.encode), st.sampled_from(SAMPLES), st.binary(max_size=64),
)
_EDIT = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(_NAMES), _CONTENT, st.booleans()),
    st.tuples(st.just("delete"), st.sampled_from(_NAMES)),
    st.tuples(st.just("rename"), st.sampled_from(_NAMES), st.sampled_from(_NAMES)),
    st.tuples(st.just("rmtree"), st.sampled_from(["Contacts", "Deep", "Interviews"])),
    st.tuples(st.just("move-folder"), st.sampled_from(["Contacts", "Deep"]),
              st.sampled_from(["Moved", ".trash", "Deep/er/in"])),
    st.tuples(st.just("symlink"), st.sampled_from(_NAMES), st.sampled_from(["..", "/", "gone"])),
    st.tuples(st.just("delete-agenda")),
)


def _apply(root: Path, edit: tuple[object, ...]) -> None:
    """One edit, as an editor, a sync tool or a user at a shell would make it; an edit that
    makes no sense in the vault's state (a folder where a file is) is skipped."""
    kind = edit[0]
    with contextlib.suppress(OSError):
        if kind == "write":
            _, name, content, atomic = edit
            path = root / str(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            if atomic:  # a temp file renamed over the note, as Obsidian and vim save
                temp = path.with_name(f".{path.name}.fuzz")
                temp.write_bytes(content)  # type: ignore[arg-type]
                os.replace(temp, path)
            else:
                path.write_bytes(content)  # type: ignore[arg-type]
        elif kind == "delete":
            (root / str(edit[1])).unlink()
        elif kind == "rename":
            target = root / str(edit[2])
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / str(edit[1]), target)
        elif kind == "rmtree":
            shutil.rmtree(root / str(edit[1]))
        elif kind == "move-folder":
            target = root / str(edit[2])
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(root / str(edit[1]), target)
        elif kind == "symlink":
            path = root / str(edit[1])
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(str(edit[2]), path)
        elif kind == "delete-agenda":
            (root / "Agenda.md").unlink()


def _fresh_block(root: Path) -> str:
    """What a fresh `agenda` run on the vault as it is now puts between the markers."""
    vault = load_vault(root, Config())
    agenda = build_agenda(vault.notes, TODAY, vault.config, paths=vault.paths,
                          problems=vault.problems)
    return render_markdown(agenda, vault.config)


def _block(root: Path) -> str | None:
    try:
        text = (root / "Agenda.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    _, found, rest = text.partition(BEGIN + "\n")
    block, ended, _ = rest.partition(END)
    return block if found and ended else None


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(st.tuples(st.sampled_from(_NAMES[:5]), st.sampled_from(_NOTES)),
                      max_size=4),
       edits=st.lists(_EDIT, min_size=1, max_size=14),
       pause=st.sampled_from([0.0, 0.0, 0.01, 0.06]))
# found by this test: two links to one file, the second named as a sync tool's conflict copy,
# and the file written through it; the watcher reported the copy, which a fresh run skips
@example(
    start=[("Contacts/ann.md", "---\ntype: contact\nmissed_call: 2026-11-25\n---\n")],
    edits=[("delete", "Contacts/Ann.md"),
           ("write", "Contacts/Ann.md", b"---\ntype: contact\nmissed_call: 2026-11-25\n---\n",
            False),
           ("delete", "Contacts/Ann.md"), ("symlink", "Contacts/Ann.md", "gone"),
           ("delete", "Contacts/ann.md"),
           ("symlink", "Contacts/Ann.sync-conflict-20261120-123456-ABCDEFG.md", "gone"),
           ("write", "Contacts/Ann.sync-conflict-20261120-123456-ABCDEFG.md",
            b"---\n{\"type\": \"contact\", \"missed_call\": \"2026-11-25\"}\n---\n", False)],
    pause=0.0,
)
def test_random_vault_edits_never_stop_the_watcher(
    start: list[tuple[str, str]], edits: list[tuple[object, ...]], pause: float
) -> None:
    with runtime_dir(), tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        root.mkdir()
        (root / ".jobjournal.toml").write_text("", encoding="utf-8")
        for name, text in start:
            _apply(root, ("write", name, text.encode(), False))
        reports: list[str] = []
        failure: list[BaseException] = []
        watcher = Watcher(root, Config(), clock=lambda: NOON, report=reports.append,
                          quiet_period=0.05, max_delay=0.3, check_every=0.2)

        def run() -> None:
            try:
                watcher.run()
            except BaseException as exc:  # the test fails on it below
                failure.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            assert watcher.started.wait(DEADLINE), f"no first agenda: {failure} {reports}"
            for edit in edits:
                _apply(root, edit)
                if pause:
                    time.sleep(pause)
            # the vault is still from here on: the watcher must come to a fresh run's agenda
            expected = _fresh_block(root)
            deadline = time.monotonic() + DEADLINE
            while _block(root) != expected:
                assert thread.is_alive(), f"the watcher stopped: {failure} {reports}"
                assert time.monotonic() < deadline, (
                    f"the watcher's agenda never matched a fresh run's; it reported {reports}")
                time.sleep(0.02)
            assert thread.is_alive(), f"the watcher stopped: {failure} {reports}"
            assert not [line for line in reports if "bug" in line], reports
        finally:
            watcher.stop()
            thread.join(DEADLINE)
        assert not thread.is_alive() and not failure, failure


# --- the agenda's layout ------------------------------------------------------------------------

_USER_TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"),
              st.sampled_from([*"<>&|[]#^*_`$%~=\\!:()\n\r\t-", "<!--", "-->", "]]", "[[", BEGIN,
                               END, "%%", "```", "<script>", "<img src=x onerror=y>", "](x)"])),
    min_size=1, max_size=20,
).map("".join)


def _title(text: str) -> str:
    """A file name (no `/`, not hidden) holding the text."""
    return "t " + text.replace("/", "∕")[:60]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(_USER_TEXT, min_size=1, max_size=4), texts=st.lists(_USER_TEXT, min_size=4,
                                                                           max_size=4))
def test_random_user_text_never_breaks_the_agenda(titles: list[str], texts: list[str]) -> None:
    """Titles, companies, people, statuses and task texts of any characters: the agenda keeps
    its headings, one list item per item, no HTML, and its markers once each."""
    company, person, status, task = (t.replace("\\", "\\\\").replace('"', '\\"') for t in texts)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "Notes").mkdir()
        for n, title in enumerate(titles):
            path = root / "Notes" / f"{_title(title)} {n}.md"
            front = (f'---\ntype: interview\ndate: 2026-11-2{n}\ncompany: "{company}"\n'
                     f'recruiter: "{person}"\nstatus: "{status}"\n---\n')
            one_line = " ".join(task.replace("\\\\", "\\").split()) or "x"
            path.write_bytes((front + f"- [ ] {one_line} 📅 2026-11-2{n + 5}\n").encode("utf-8",
                                                                                      "replace"))
        vault = load_vault(root, Config())
        agenda = build_agenda(vault.notes, TODAY, vault.config, paths=vault.paths,
                              problems=vault.problems)
        block = render_markdown(agenda, vault.config)
    text = f"{BEGIN}\n{block}{END}\n"
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.content.strip() for t in tokens if t.type == "html_block"] == [BEGIN, END]
    assert not [c for t in tokens for c in t.children or () if c.type == "html_inline"]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens)
                if t.type == "heading_open" and t.tag in ("h1", "h2")]
    assert headings[1:] == ["Call back now", "Overdue", "Today", "Upcoming", "Waiting",
                            "Needs info", "Problems", "Pipeline"]
    # one top-level list item per item shown (`later` is JSON only) and per problem
    top_items = sum(1 for t in tokens if t.type == "list_item_open" and t.level == 1)
    shown = [item for item in agenda.items if item.section.value != "later"]
    assert top_items == len(shown) + len(agenda.problems)
    tables: list[list[int]] = []
    for token in tokens:  # every row of each table (pipeline, insights) as wide as its header
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append(0)
        elif token.type in ("th_open", "td_open"):
            tables[-1][-1] += 1
    assert all(len(set(widths)) == 1 for widths in tables)
