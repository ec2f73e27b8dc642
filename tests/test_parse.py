"""parse_note: golden files in tests/data/parse, plus properties that it never raises nor hangs.

Each `<case>.md` sits beside `<case>.expected.json`; cases named `all-…` are parsed with
`tasks_from_all=True`, and every case in the time zone ZONE (a date-time with a UTC offset is
converted to it, whatever the machine's). `JJ_REGEN=1 pytest tests/test_parse.py` rewrites the expected files: review
every change by hand before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.core.model import Link, Note, NoteType, Problem, Severity
from jobjournal.core.parse import JOBJOURNAL_TYPES, MAX_BYTES, parse_note

DATA = Path(__file__).parent / "data" / "parse"
CASES = sorted(DATA.glob("*.md"))
REGEN = bool(os.environ.get("JJ_REGEN"))
ZONE = "Europe/Berlin"


# --- serialising what parse_note returns, for the golden files ------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Link):
        if not value.is_wikilink:
            return value.target
        return f"[[{value.target}|{value.alias}]]" if value.alias else f"[[{value.target}]]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    return value


def note_json(note: Note | None) -> dict[str, Any] | None:
    """A Note's path, type and every field that differs from its default."""
    if note is None:
        return None
    out: dict[str, Any] = {}
    for field in dataclasses.fields(note):
        value = getattr(note, field.name)
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING
        if value != default:
            out[field.name] = _json_value(value)
    return out


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"line": problem.line, "severity": problem.severity.value, "message": problem.message}


def parsed_json(case: Path) -> dict[str, Any]:
    tasks_from_all = case.stem.startswith("all-")
    note, problems = parse_note(case.name, case.read_bytes(), tasks_from_all=tasks_from_all,
                                zone=ZONE)
    assert all(p.path == case.name for p in problems)
    return {"note": note_json(note), "problems": [problem_json(p) for p in problems]}


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_golden(case: Path) -> None:
    expected_path = case.with_suffix(".expected.json")
    actual = parsed_json(case)
    if REGEN:
        text = json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
        expected_path.write_text(text, encoding="utf-8")
    if not expected_path.exists():
        pytest.fail(
            f"{expected_path.relative_to(DATA.parent.parent.parent)} is missing: run "
            "`JJ_REGEN=1 pytest tests/test_parse.py`, then check the file by hand"
        )
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


def test_every_expected_file_has_its_case() -> None:
    stale = [p.name for p in DATA.glob("*.expected.json") if not p.with_name(
        p.name.replace(".expected.json", ".md")).exists()]
    assert not stale
    assert len(CASES) > 40


# --- direct checks of behaviour the golden files show less plainly -------------------------------


def test_crlf_and_lf_give_the_same_note() -> None:
    lf = (DATA / "log-variants.md").read_bytes()
    crlf = lf.replace(b"\n", b"\r\n")
    assert parse_note("x.md", lf) == parse_note("x.md", crlf)


def test_bom_and_crlf_together() -> None:
    data = b"\xef\xbb\xbf" + (DATA / "crlf.md").read_bytes()
    note, problems = parse_note("x.md", data)
    assert note is not None and note.type is NoteType.INTERVIEW
    assert [p.line for p in problems] == [4]
    assert [entry.line for entry in note.log] == [9]


def test_a_byte_that_is_not_utf8_after_a_bom_is_shown_at_its_line() -> None:
    # the byte order mark shifts nothing: the byte shown is the bad one, on its own line
    data = b"\xef\xbb\xbf---\ntype: contact\n---\nab\ncaf\xe9\n"
    assert parse_note("x.md", data) == (None, [Problem(
        "x.md", 5, Severity.ERROR, "not valid UTF-8 (byte 0xe9): save the file as UTF-8")])
    # and one byte order mark is dropped, as "utf-8-sig" drops it; a second one is text
    note, _ = parse_note("x.md", b"\xef\xbb\xbf\xef\xbb\xbf---\ntype: contact\n---\n")
    assert note is None
    note, _ = parse_note("x.md", b"\xef\xbb\xbf---\ntype: contact\n---\n")
    assert note is not None and note.type is NoteType.CONTACT


def test_lines_are_recorded_for_every_top_level_key() -> None:
    note, _ = parse_note("x.md", (DATA / "interview-all-fields.md").read_bytes())
    assert note is not None
    assert note.line_of("type") == 2
    assert note.line_of("with") == 10
    assert note.line_of("tags") == 20
    assert note.line_of("absent") == 1


def test_oversized_data_is_refused_without_parsing() -> None:
    data = b"---\ntype: interview\n---\n" + b"x" * MAX_BYTES
    note, problems = parse_note("big.md", data)
    assert note is None
    assert [(p.severity, p.line) for p in problems] == [(Severity.ERROR, 1)]
    assert "4 MiB" in problems[0].message


def test_ordinary_note_is_silent_without_tasks_from_all() -> None:
    assert parse_note("x.md", (DATA / "all-ordinary-tasks.md").read_bytes()) == (None, [])


def test_types_are_the_model_types() -> None:
    assert {"contact", "interview", "application", "referral", "meeting"} == JOBJOURNAL_TYPES


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/name:os.system",
        "!!python/object/new:os.system [x]",
    ],
)
def test_object_tags_never_run(payload: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"---\ntype: interview\nx: {payload.replace('pwned', str(marker))}\n---\n"
    note, problems = parse_note("x.md", text.encode())
    assert note is None and not marker.exists()
    assert problems[0].is_error and "not allowed" in problems[0].message


# --- never raise, never hang ---------------------------------------------------------------------

_YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "---", "...", "type: interview", "type: contact", "date: 2026-02-30", "date:",
                "with:", "  - [[A]]", "- [[B]]", "recruiter: [[X|Y]]", "candidates: many",
                "a: &a [1, 2]", "b: [*a, *a]", "c: *zz", "? [x]", ": y", "!!set {a, b}",
                "tags: {a: [b, {c: d}]}", "thank_you: !!binary aGk=", "x: !!timestamp 2026-13-01",
                "## Log", "# log", "- 2026-11-20 called", "- [ ] do 📅 2026-11-28",
                "- [ ] x [due:: 2026-02-30]", "> - [/] y ⏳ 2026-11-29", "```", "<<<<<<< HEAD",
                "=======", ">>>>>>> b", "\t", "  ", "'", '"', "{", "[", "|", ">", "%YAML 1.2",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    for blob in (data, b"---\ntype: interview\n" + data, b"---\n" + data + b"\n---\n"):
        note, problems = parse_note("r.md", blob, tasks_from_all=True)
        assert all(isinstance(p, Problem) for p in problems)
        assert note is None or isinstance(note, Note)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_YAMLISH, all_tasks=st.booleans(), crlf=st.booleans())
def test_yamlish_text_never_raises(text: str, all_tasks: bool, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    note, problems = parse_note("r.md", ("---\n" + text).encode(), tasks_from_all=all_tasks)
    assert note is None or isinstance(note, Note)
    lines = [p.line or 0 for p in problems]
    assert lines == sorted(lines)


@pytest.mark.parametrize(
    "value",
    [
        "[" * 5000,
        "{a: " * 5000,
        "- " * 5000 + "x",
        "[" * 999 + "]" * 999,
        "[" * 60 + "]" * 60,
        "\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)),
    ],
    ids=["flow-seq", "flow-map", "block-seq", "libyaml-limit", "just-over-50", "block-map"],
)
def test_deep_nesting_is_a_problem_quickly(value: str) -> None:
    start = time.perf_counter()
    note, problems = parse_note("deep.md", f"---\ntype: interview\na: {value}\n---\n".encode())
    assert time.perf_counter() - start < 1
    assert note is None
    assert len(problems) == 1 and problems[0].is_error


def test_nesting_up_to_the_limit_is_fine() -> None:
    value = "[" * 48 + "]" * 48  # the mapping is level 1, `a` level 2
    note, problems = parse_note("ok.md", f"---\ntype: contact\na: {value}\n---\n".encode())
    assert note is not None and problems == []


@pytest.mark.parametrize("levels", [9, 30])
def test_alias_bomb_is_a_problem_quickly(levels: int) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    text = "---\ntype: interview\n" + "\n".join(lines) + "\n---\n"
    start = time.perf_counter()
    note, problems = parse_note("bomb.md", text.encode())
    assert time.perf_counter() - start < 1
    assert note is None and problems[0].is_error and "values" in problems[0].message
