"""The hostile-input corpus (tests/data/hostile/README.md): every file a real vault holds is read without a crash, a
hang or a changed byte, and gives the problem it must give — or none.

Small cases are files in tests/data/hostile/, one per class; the big and the strange ones (a 5 MB
note, nesting thousands deep, symlink loops, sync tools' conflict copies, editors' temp files)
are built at test time by tests/data/hostile/generate.py. `CASES` below is the expectations
table, and tests/data/hostile/README.md says what each class is and why it gets what it gets.

Each case goes into a small vault beside a healthy note and an agenda note holding the user's own
text, which then runs `agenda --json`, `check` and `agenda` (the one that writes): no crash (no
exit 3), no hang (each command well under HANG_GUARD seconds), no byte changed anywhere but
between the agenda note's markers, the healthy note still read, and exactly the expected problems.
A last part renders a vault of notes full of HTML, table pipes, brackets and fake markers, and
parses the agenda note with markdown-it-py to show its layout and links survive them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt
from markdown_it.token import Token

from jobjournal.cli.main import cli
from jobjournal.config import Config
from jobjournal.core.model import Link
from jobjournal.core.parse import parse_note
from jobjournal.vault.agenda_note import BEGIN, END
from jobjournal.vault.watcher import Watcher

from .vault_snapshot import changes, snapshot

CORPUS = Path(__file__).parent / "data" / "hostile"
TODAY = "2026-11-26"
HANG_GUARD = 5.0  # seconds per command: a guard against hangs, not a benchmark
ANCHOR = "Contacts/Dana Anchor.md"  # a healthy note: it must stay read whatever lies beside it
AGENDA = "Agenda.md"
USER_AGENDA = f"# My own notes\n\nAbove the agenda.\n\n{BEGIN}\nold\n{END}\n\nBelow it, mine too.\n"


def _load_generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_generate", CORPUS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


# --- the expectations table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """One problem: its severity, line, and a fragment of its message; `path` defaults to the
    case's own note."""

    severity: str
    line: int
    fragment: str
    path: str | None = None


@dataclass(frozen=True)
class Case:
    problems: tuple[Expect, ...] = ()  # exactly these, in (path, line) order; none: silent
    read: tuple[str, ...] = ()  # notes that must give items (so they were read)
    unread: tuple[str, ...] = ()  # notes that must give none
    fields: dict[str, Any] = field(default_factory=dict)  # the note's values, for corpus files
    build: Callable[[Path], list[str]] | None = None  # None: copy the corpus file


def E(severity: str, line: int, fragment: str, path: str | None = None) -> Expect:  # noqa: N802
    return Expect(severity, line, fragment, path)


SELF = "Notes/{name}.md"  # where a corpus file goes in the vault
JANE = "Contacts/Jane.md"
_CONFLICT_ERROR = "a sync tool's conflict copy of Contacts/Jane.md: merge what differs"

CASES: dict[str, Case] = {
    # front matter's shape
    "unterminated-front-matter": Case(
        (E("error", 1, "unterminated front matter: the `---` on line 1 has no closing `---`"),)),
    "front-matter-list": Case((E("warning", 2, "front matter is a list, not `key: value`"),)),
    "front-matter-scalar": Case(
        (E("warning", 2, "front matter is a single value, not `key: value`"),)),
    "front-matter-late": Case(),
    "empty-front-matter": Case(),
    "whitespace-front-matter": Case(),
    "dots-terminator": Case(read=(SELF,)),
    "json-front-matter": Case(read=(SELF,)),
    # bytes and encodings
    "empty-file": Case(),
    "binary": Case((E("warning", 1, "not valid UTF-8 (byte 0x89)"),)),
    "bom": Case(read=(SELF,)),
    "crlf-bom": Case(read=(SELF,)),
    "cr-only": Case(read=(SELF,)),
    "utf16-le": Case((E("error", 1, "the file is UTF-16: save it as UTF-8"),)),
    "utf16-be": Case((E("error", 1, "the file is UTF-16: save it as UTF-8"),)),
    "latin1": Case((E("error", 3, "not valid UTF-8 (byte 0xe9): save the file as UTF-8"),)),
    "cp1252": Case((E("error", 3, "not valid UTF-8 (byte 0x93): save the file as UTF-8"),)),
    "nul-in-front-matter": Case(
        (E("error", 3, "front matter holds a NUL byte (U+0000), which YAML does not allow"),)),
    "nul-in-body": Case(read=(SELF,)),
    # YAML typed by hand
    "tab-indentation": Case((E("error", 5, "a tab: YAML indents with spaces only"),)),
    "duplicate-keys": Case(
        (E("error", 5, "missed_call: given twice (lines 3 and 5), and YAML silently keeps"),),
        unread=(SELF,), fields={"company": "Acme", "missed_call": None}),
    "duplicate-keys-same": Case(
        (E("warning", 5, "company: given twice (lines 4 and 5), with the same value: delete one"),),
        read=(SELF,), fields={"company": "Acme"}),
    "non-string-keys": Case(read=(SELF,)),
    "unhashable-key": Case((E("error", 4, "a key that is a list or a mapping"),)),
    "yaml11-sexagesimal": Case(
        read=(SELF,), fields={"company": "10:30", "phone": "0612345", "role": "1_000"}),
    "yaml11-booleans": Case(
        (E("warning", 6, "unknown status 'off' (did you mean 'offer'?): it counts as open"),),
        read=(SELF,),
        fields={"company": "no", "role": "yes", "status": "off", "relationship": "on"}),
    "unquoted-links": Case(read=(SELF,), fields={
        "recruiter": Link("Jane Doe", is_wikilink=True),
        "with_": (Link("Sam Lee", "Sam", is_wikilink=True),
                  Link("People/Jo Kim", is_wikilink=True))}),
    # templates never filled in
    "templater-in-date": Case(
        (E("error", 3, 'date: `<% tp.date.now("YYYY-MM-DD") %>` is a template placeholder'),),
        fields={"company": "Acme", "date": None}),
    "template-placeholder-in-date": Case(
        (E("error", 4, "`{{date}}` is a template placeholder that was never filled in"),)),
    "template-placeholder-in-text": Case(
        (E("warning", 4, "company: `{{title}}` is a template placeholder"),
         E("warning", 6, "`{{title}}` (1 more below) is a template placeholder")),
        read=(SELF,), fields={"company": None}),
    # code and bombs
    "python-tag": Case(
        (E("error", 4, "YAML tag '!!python/object/apply:os.system' is not allowed"),)),
    "alias-bomb": Case(
        (E("error", 12, "front matter holds more than 10,000 values (repeated aliases?)",
           "Notes/alias-bomb.md"),), build=generate.alias_bomb),
    "deep-nesting-flow": Case(
        (E("error", 4, "front matter nests deeper than 50 levels", "Notes/deep-flow.md"),),
        build=generate.deep_flow),
    "deep-nesting-block": Case(
        (E("error", 5, "front matter nests deeper than 50 levels", "Notes/deep-block.md"),),
        build=generate.deep_block),
    "deep-nesting-mapping": Case(
        (E("error", 3, "front matter nests deeper than 50 levels", "Notes/deep-mapping.md"),),
        build=generate.deep_mapping),
    # size
    "huge-5mb": Case(
        (E("error", 1, "MiB, over the 4 MiB limit: not read", "Notes/huge-5mb.md"),),
        build=generate.huge_note),
    "huge-front-matter": Case(
        (E("error", 10002, "front matter holds more than 10,000 values",
           "Notes/huge-front-matter.md"),), build=generate.huge_front_matter),
    "long-line-2mb": Case(read=("Notes/long-line-2mb.md",), build=generate.long_line),
    "long-value-2mb": Case(read=("Notes/long-value-2mb.md",), build=generate.long_value),
    # git and sync tools
    "git-conflict-markers": Case(
        (E("error", 3, "git conflict markers: resolve the merge conflict in this file"),)),
    **{
        f"conflict-copy-{kind}": Case(
            (E("error", 1, _CONFLICT_ERROR, f"Contacts/{name}"),), read=(JANE,),
            unread=(f"Contacts/{name}",), build=generate.conflict_copy(kind))
        for kind, name in generate.CONFLICT_COPIES.items()
    },
    "case-collision": Case(
        (E("warning", 1, "collides with Contacts/jane.md on macOS and Windows", JANE),
         E("warning", 1, "collides with Contacts/Jane.md on macOS and Windows",
           "Contacts/jane.md")),
        read=(JANE, "Contacts/jane.md"), build=generate.case_collision),
    # the file system's oddities
    "non-utf8-names": Case(
        (E("warning", 1, "the folder name is not valid UTF-8 (made by a tool using another "
           "encoding): rename it; until then the notes in it are not read", "Caf\ufffd"),
         E("error", 1, "the file name is not valid UTF-8", "Contacts/Soci\ufffdt\ufffd.md")),
        build=generate.non_utf8_names),
    "folder-named-md": Case(read=("Notes.md/inner.md",), build=generate.folder_named_md),
    "dangling-symlink": Case(build=generate.dangling_symlink),
    "symlink-loop": Case(read=("Notes/real.md",), unread=("Notes/loop.md", "Notes/a.md"),
                         build=generate.symlink_loop),
    "symlink-outside": Case(unread=("Notes/Secret.md", "Elsewhere/Secret.md"),
                            build=generate.symlink_outside),
    "editor-files": Case(build=generate.editor_files),
    "fifo": Case(build=generate.fifo),
}


def test_every_corpus_file_has_a_row_and_every_row_a_case() -> None:
    files = {p.stem for p in CORPUS.glob("*.md") if p.name != "README.md"}
    copied = {name for name, case in CASES.items() if case.build is None}
    assert files == copied
    assert set(generate.BUILDERS) <= set(CASES)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    missing = [name for name in CASES if f"`{name}`" not in readme]
    assert not missing, f"tests/data/hostile/README.md does not describe {missing}"


# --- running a case -----------------------------------------------------------------------------


@pytest.fixture
def jj(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """`jj(root, "agenda", "--json")`: the CLI on that vault, timed against HANG_GUARD."""
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "run").mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))  # the agenda lock's folder
    runner = CliRunner()

    def invoke(root: Path, *args: str) -> Result:
        start = time.monotonic()
        result = runner.invoke(cli, ["--vault", str(root), *args, "--today", TODAY])
        took = time.monotonic() - start
        assert took < HANG_GUARD, f"{' '.join(args)} took {took:.1f} s"
        assert result.exit_code != 3, result.output  # 3: "a bug in jobjournal"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            repr(result.exception))
        return result

    return invoke


def build_vault(root: Path, name: str, case: Case) -> None:
    root.mkdir()
    (root / ".jobjournal.toml").write_text("", encoding="utf-8")
    (root / "Contacts").mkdir()
    (root / ANCHOR).write_text("---\ntype: contact\nmissed_call: 2026-11-24\n---\n")
    (root / AGENDA).write_text(USER_AGENDA, encoding="utf-8")
    if case.build is None:
        (root / "Notes").mkdir()
        shutil.copyfile(CORPUS / f"{name}.md", root / SELF.format(name=name))
    else:
        try:
            case.build(root)
        except OSError as exc:
            pytest.skip(f"can't be built here: {exc}")


def run_case(root: Path, name: str, case: Case, jj: Callable[..., Result]) -> dict[str, Any]:
    """The three commands, and what each may change; returns the agenda's JSON."""
    before = snapshot(root)

    shown = jj(root, "agenda", "--json")
    assert shown.exit_code == 0, shown.output
    assert changes(before, snapshot(root)) == []
    agenda = json.loads(shown.stdout)

    checked = jj(root, "check")
    errors = any(p["severity"] == "error" for p in agenda["problems"])
    assert checked.exit_code == (1 if errors else 0), checked.output
    assert changes(before, snapshot(root)) == []
    listed = [line for line in checked.stdout.splitlines() if line]
    folder = os.path.relpath(root) + os.sep  # check names notes from the current folder
    assert listed == [f"{folder}{p['note']}:{p['line']}: {p['severity']}: {p['message']}"
                      for p in agenda["problems"]]

    written = jj(root, "agenda")
    assert written.exit_code == 0, written.output
    assert written.stdout.startswith(f"{AGENDA} updated: ")
    assert changes(before, snapshot(root)) == [AGENDA, "Pipeline.md"]  # and the board, new
    text = (root / AGENDA).read_text(encoding="utf-8")
    head, _, rest = USER_AGENDA.partition("old\n")
    assert text.startswith(head) and text.endswith(rest)
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    return agenda  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(CASES))
def test_corpus(name: str, tmp_path: Path, jj: Callable[..., Result],
                monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    monkeypatch.chdir(tmp_path)  # where `os.system("touch hostile-pwned")` would leave its file
    root = tmp_path / "vault"
    build_vault(root, name, case)
    agenda = run_case(root, name, case, jj)

    mine = SELF.format(name=name)
    got = [(p["note"], p["severity"], p["line"], p["message"]) for p in agenda["problems"]]
    want = [(e.path or mine, e.severity, e.line, e.fragment) for e in case.problems]
    assert [g[:3] for g in got] == [w[:3] for w in want], got
    for (*_, message), (*_, fragment) in zip(got, want, strict=True):
        assert fragment in message

    with_items = {item["note"] for item in agenda["items"]}
    assert ANCHOR in with_items  # everything else is still read
    for path in case.read:
        assert path.format(name=name) in with_items, f"{path} was not read"
    for path in case.unread:
        assert path.format(name=name) not in with_items, f"{path} was read"
    # and nothing else gives items: what is not read shows nowhere
    assert with_items <= {ANCHOR, None, *[p.format(name=name) for p in case.read]}

    if case.fields:
        note, _ = parse_note(mine, (CORPUS / f"{name}.md").read_bytes())
        assert note is not None
        assert {key: getattr(note, key) for key in case.fields} == case.fields

    assert not (tmp_path / "hostile-pwned").exists() and not (root / "hostile-pwned").exists()


def test_the_python_tag_payload_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `python-tag` case proves something: an unsafe loader runs its payload, which makes
    the very file test_corpus checks jobjournal never makes."""
    import yaml

    monkeypatch.chdir(tmp_path)
    text = (CORPUS / "python-tag.md").read_text(encoding="utf-8")
    yaml.load(text.split("---\n")[1], Loader=yaml.UnsafeLoader)  # unsafe on purpose
    assert (tmp_path / "hostile-pwned").exists()


def test_the_whole_corpus_in_one_vault(tmp_path: Path, jj: Callable[..., Result],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case side by side, each in a folder of its own: the same problems as one by one,
    in seconds, and a watcher's agenda the same as the command's."""
    monkeypatch.chdir(tmp_path)  # `check` names the notes from here: vault/...
    root = tmp_path / "vault"
    build_vault(root, "dots-terminator", Case())
    expected = []
    for name, case in CASES.items():
        folder = root / name
        folder.mkdir()
        if case.build is None:
            shutil.copyfile(CORPUS / f"{name}.md", folder / f"{name}.md")
            own = f"{name}/{name}.md"
        else:
            try:
                case.build(folder)
            except OSError:
                continue  # case-collision on a case-insensitive file system
            own = ""
        expected += [(f"{name}/{e.path}" if e.path else own, e.severity, e.line)
                     for e in case.problems]
    start = time.monotonic()
    agenda = run_case(root, "", Case(), jj)
    assert time.monotonic() - start < 3 * HANG_GUARD
    got = [(p["note"], p["severity"], p["line"]) for p in agenda["problems"]]
    assert got == sorted(expected)

    # a watcher on the same vault writes the very agenda `agenda` wrote (`unchanged`)
    (root / AGENDA).write_text(USER_AGENDA, encoding="utf-8")
    reports: list[str] = []
    watcher = Watcher(root, Config(), clock=lambda: datetime(2026, 11, 26, 12, 0),
                      report=reports.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert watcher.started.wait(10 * HANG_GUARD), "the watcher wrote no agenda"
    finally:
        watcher.stop()
        thread.join(10 * HANG_GUARD)
    assert not thread.is_alive() and reports == []
    again = jj(root, "agenda")
    assert again.stdout.startswith(f"{AGENDA} unchanged: "), again.output


# --- the agenda escapes user text ---------------------------------------------------------------

# Titles (file names) and front matter holding what would break the agenda's Markdown, its links,
# its table or its markers. POSIX file names may hold anything but `/` and NUL.
ESCAPE_NOTES = {
    "Interviews/<img src=x onerror=alert(1)>.md": (
        "---\ntype: interview\ndate: 2026-11-30T10:00\ncompany: <script>alert(\"x\")</script>\n"
        "role: \"*Senior* _Engineer_ | **lead** `code`\"\n"
        "recruiter: \"Eve <b>the</b> *recruiter* | [[x]] #tag\"\n"
        "status: \"<i>waiting</i> | soon\"\n---\n"),
    "Contacts/Pipe | Co.md": (
        "---\ntype: contact\nmissed_call: 2026-11-26\n"
        "company: \"*Bold* _Corp_ **Inc** ~~x~~ ==hl== $x$ %%c%%\"\nstatus: \"a | b\"\n---\n"),
    "Interviews/Acme ]] #hash ^block [[x.md": (
        "---\ntype: interview\ndate: 2026-11-16\ndecision_date: 2026-11-20\ncompany: Acme\n"
        "role: Dev\nhiring_manager: \"[[Dana ]] Lead]]\"\nstatus: \"line one\\nline two\"\n---\n"),
    "Contacts/<!-- jobjournal:end -->.md": (
        "---\ntype: contact\nmissed_call: 2026-11-25\ncompany: \"<!-- jobjournal:end -->\"\n"
        "status: \"<!-- jobjournal:begin -->\"\n---\n## Log\n"
        "- 2026-11-10 Called <!-- jobjournal:end --> and ]] then | pipes\n\n"
        "- [ ] <!-- jobjournal:begin --> call | back ]] **now** <b>x</b> 📅 2026-11-26\n"),
    "Contacts/New\nline\u202e.md": (
        "---\ntype: contact\nmissed_call: 2026-11-25\nstatus: \"# heading?\\n- item?\"\n---\n"
        "- [ ] task with a | pipe and `tick and [link](http://x.example) 📅 2026-11-27\n"),
    "Notes/[[broken]] | #x.md": "---\ntype: contact\nmissed_call: 2026-11-25\n",
    "Applications/Tab\tand `tick`.md": (
        "---\ntype: application\napplied: 2026-11-02\n"
        "company: \"Acme\\n# Not a heading\\n- not an item\"\n"
        "contact: \"[[People/Zoë|Zoë <u>x</u>]]\"\n---\n"),
    "Contacts/Plain Jane.md": "---\ntype: contact\nmissed_call: 2026-11-26\nstatus: active\n---\n",
}
_SECTIONS = ("Call back now", "Overdue", "Today", "Upcoming", "Waiting", "Needs info")
_DAY_HEADINGS = {"2026-11-27": "Fri 27 Nov (tomorrow)", "2026-11-30": "Mon 30 Nov"}
_SECTION_KEYS = ("call-back", "overdue", "today", "upcoming", "waiting", "needs-info")
_WIKILINK = re.compile(r"^- (?:\*\*\d\d:\d\d\*\* )?\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")


def _top_items(tokens: list[Token], start: int, end: int) -> list[tuple[int, list[Token]]]:
    """(source line, inline children) of each top-level list item in tokens[start:end]."""
    found = []
    depth = 0
    for i in range(start, end):
        token = tokens[i]
        if token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "list_item_open" and depth == 1:
            assert token.map is not None
            inline = tokens[i + 2]
            found.append((token.map[0], inline.children or []))
    return found


def test_the_agenda_escapes_user_text(tmp_path: Path, jj: Callable[..., Result]) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / ".jobjournal.toml").write_text("", encoding="utf-8")
    for rel, text in ESCAPE_NOTES.items():
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / AGENDA).write_text(USER_AGENDA, encoding="utf-8")
    data = json.loads(jj(root, "agenda", "--json").stdout)
    assert jj(root, "agenda").exit_code == 0
    source = (root / AGENDA).read_text(encoding="utf-8")
    lines = source.split("\n")

    # the markers, once each, as whole lines; the user's text around them intact
    assert source.count(BEGIN) == 1 and source.count(END) == 1
    assert lines.count(BEGIN) == 1 and lines.count(END) == 1
    head, _, tail = USER_AGENDA.partition("old\n")
    assert source.startswith(head) and source.endswith(tail)

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(source)
    # no HTML at all but the two markers
    html = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert html == [BEGIN, END]
    assert not [c for t in tokens for c in t.children or () if c.type == "html_inline"]
    assert [t.info for t in tokens if t.type == "fence"] == ["mermaid"]

    # headings: exactly the expected ones
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens)
                if t.type == "heading_open"]
    days = sorted({item["due"] for item in data["items"] if item["section"] == "upcoming"})
    expected_headings = [("h1", "My own notes"), ("h1", f"Agenda — {TODAY} (Thursday)")]
    for heading, key in zip(_SECTIONS, _SECTION_KEYS, strict=True):
        expected_headings.append(("h2", heading))
        if key == "upcoming":
            expected_headings += [("h3", _DAY_HEADINGS[day]) for day in days]
    expected_headings += [("h2", "Problems"), ("h2", "Pipeline")]
    expected_headings += [("h3", h) for h in ("Funnel", "By source", "Weekly activity",
                                              "Time in status")]
    assert headings == expected_headings

    # one list item per agenda item, in order, each linking its note
    opens = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    bounds = dict(zip([tokens[i + 1].content for i in opens],
                      zip(opens, [*opens[1:], len(tokens)], strict=True), strict=True))
    for heading, key in zip(_SECTIONS, _SECTION_KEYS, strict=True):
        items = [item for item in data["items"] if item["section"] == key]
        shown = _top_items(tokens, *bounds[heading])
        assert len(shown) == len(items), heading
        for (line, children), item in zip(shown, items, strict=True):
            assert _links_to(lines[line], children) == item["note"], lines[line]
    problems = _top_items(tokens, *bounds["Problems"])
    assert len(problems) == len(data["problems"]) > 0
    for (line, children), problem in zip(problems, data["problems"], strict=True):
        assert _links_to(lines[line], children, skip=1) == problem["note"], lines[line]

    # the pipeline table: as many cells in every row as columns, statuses shown as written
    start, end = bounds["Pipeline"]
    insights_at = next(i for i in range(start + 1, end) if tokens[i].type == "heading_open")
    table = _table_rows(tokens, start, insights_at)  # the counts, before the insights
    statuses = {" ".join(s.split()) for s in ("<i>waiting</i> | soon", "a | b", "line one\nline two",
                                              "<!-- jobjournal:begin -->", "# heading?\n- item?")}
    assert statuses <= set(table[0])
    assert all(len(row) == len(table[0]) for row in table)
    assert table[-1][0] == "Total" and table[-1][-1] == str(len(ESCAPE_NOTES) - 1)


def _links_to(line: str, children: list[Token], skip: int = 0) -> str | None:
    """The note the item's first link points at (after `skip` leading emphasis, the problem's
    mark), from the raw line for a wikilink (markdown-it doesn't know them), else the token. An
    item's line is a task line: its checkbox is not part of the link."""
    line = re.sub(r"^- \[ \] ", "- ", line)
    wikilink = _WIKILINK.match(line)
    if wikilink is None and skip:
        wikilink = _WIKILINK.match("- " + line.split("** ", 1)[-1])
    if wikilink is not None:
        return wikilink.group(1) + ".md"
    hrefs = [str(c.attrs["href"]) for c in children if c.type == "link_open"]
    return unquote(hrefs[0]) if hrefs else None


def _table_rows(tokens: list[Token], start: int, end: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for i in range(start, end):
        if tokens[i].type == "tr_open":
            rows.append([])
        elif tokens[i].type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            rows[-1].append("".join(c.content for c in inline.children or ()
                                    if c.type in ("text", "code_inline")))
    return rows
