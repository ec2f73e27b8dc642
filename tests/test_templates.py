"""templates.py: Obsidian template variables, Moment.js formats and safe titles.

Golden files: each template rendered with a fixed title and time must equal its expected file in
tests/data/templates/. A missing expected file fails the test; to (re)create the expected files
after a deliberate change, run with JOBJOURNAL_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from jobjournal.core.model import NoteType
from jobjournal.core.parse import parse_note
from jobjournal.edit.editor import front_matter
from jobjournal.edit.templates import (
    builtin_template,
    format_moment,
    obsidian_formats,
    ordinal,
    render_template,
    safe_title,
)

DATA = Path(__file__).parent / "data" / "templates"
VAULT_TEMPLATES = Path(__file__).parent.parent / "vault-template" / "Templates"
NOW = datetime(2026, 11, 26, 15, 4, 5, 678000)  # a Thursday afternoon


def check_golden(name: str, actual: str) -> None:
    expected_path = DATA / name
    if os.environ.get("JOBJOURNAL_UPDATE_GOLDEN"):
        expected_path.write_bytes(actual.encode("utf-8"))
    if not expected_path.exists():
        pytest.fail(f"missing expected file {expected_path}: review this output and save it there "
                    f"(or run with JOBJOURNAL_UPDATE_GOLDEN=1):\n{actual}")
    assert actual == expected_path.read_bytes().decode("utf-8"), name


def test_the_vault_template_has_one_template_per_type() -> None:
    assert sorted(p.stem for p in VAULT_TEMPLATES.glob("*.md")) == sorted(t.value for t in NoteType)


@pytest.mark.parametrize("note_type", list(NoteType), ids=str)
def test_vault_templates_render_to_their_golden_files(note_type: NoteType) -> None:
    template = (VAULT_TEMPLATES / f"{note_type.value}.md").read_text(encoding="utf-8")
    rendered = render_template(template, f"Example {note_type.value}", NOW)
    check_golden(f"vault-{note_type.value}.expected.md", rendered)
    assert "{{" not in rendered
    assert front_matter(rendered)["type"] == note_type.value
    note, _ = parse_note(f"X/Example {note_type.value}.md", rendered.encode("utf-8"))
    assert note is not None and note.type is note_type


@pytest.mark.parametrize("note_type", list(NoteType), ids=str)
def test_builtin_templates_render_to_their_golden_files(note_type: NoteType) -> None:
    rendered = render_template(builtin_template(note_type), "Acme", NOW)
    check_golden(f"builtin-{note_type.value}.expected.md", rendered)
    note, _ = parse_note("X/Acme.md", rendered.encode("utf-8"))
    assert note is not None and note.type is note_type


def test_every_moment_token_renders_to_its_golden_file() -> None:
    template = (DATA / "moment.md").read_text(encoding="utf-8")
    check_golden("moment.expected.md", render_template(template, "Tokens", NOW))


def test_golden_files_are_all_used() -> None:
    expected = {f"vault-{t.value}.expected.md" for t in NoteType}
    expected |= {f"builtin-{t.value}.expected.md" for t in NoteType}
    expected |= {"moment.md", "moment.expected.md"}
    assert {p.name for p in DATA.iterdir()} == expected


# --- Moment.js ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "when", "expected"),
    [
        ("YYYY-MM-DD", NOW, "2026-11-26"),
        ("HH:mm", NOW, "15:04"),
        ("HH:mm", datetime(2026, 1, 2, 7, 5), "07:05"),
        ("h:mm a", datetime(2026, 1, 2, 0, 5), "12:05 am"),
        ("h A", datetime(2026, 1, 2, 12), "12 PM"),
        ("k", datetime(2026, 1, 2, 0), "24"),
        ("D/M/YY", datetime(2026, 1, 2), "2/1/26"),
        ("Do", datetime(2026, 1, 1), "1st"),
        ("Do", datetime(2026, 1, 22), "22nd"),
        ("Do", datetime(2026, 1, 13), "13th"),
        ("ddd, MMM D", datetime(2026, 11, 29), "Sun, Nov 29"),
        ("dddd dd d E", datetime(2026, 11, 29), "Sunday Su 0 7"),
        ("[Q]Q", datetime(2026, 5, 1), "Q2"),
        ("DDDD", datetime(2026, 1, 5), "005"),
        # ISO weeks: 2027-01-01 is in week 53 of 2026; English weeks start on Sunday
        ("GGGG-[W]WW", datetime(2027, 1, 1), "2026-W53"),
        ("gggg-ww", datetime(2027, 1, 1), "2027-01"),
        ("GGGG-[W]WW", datetime(2024, 12, 30), "2025-W01"),
        ("gggg-ww", datetime(2025, 12, 28), "2026-01"),
        ("SSS", datetime(2026, 1, 1, 0, 0, 0, 123456), "123"),
        ("[YYYY] \\D YYYY", NOW, "YYYY D 2026"),
        ("LL", NOW, "November 26, 2026"),
        ("-/-, :", NOW, "-/-, :"),  # (moment reads most letters as tokens)
        ("", NOW, ""),
    ],
)
def test_format_moment(fmt: str, when: datetime, expected: str) -> None:
    assert format_moment(fmt, when) == expected


def test_format_moment_offset_has_the_right_shape() -> None:
    import re

    assert re.fullmatch(r"[+-]\d\d:\d\d [+-]\d{4}", format_moment("Z ZZ", NOW))


def test_ordinal() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "101st", "111th"]


# --- variables ----------------------------------------------------------------------------------


def test_render_template_variables() -> None:
    text = "{{title}}|{{date}}|{{time}}|{{date:dddd}}|{{time:YYYY}}|{{ TITLE }}|{{tITle:x}}|{{x}}"
    assert render_template(text, "Acme", NOW) == "Acme|2026-11-26|15:04|Thursday|2026|Acme|" \
        "{{tITle:x}}|{{x}}"


def test_render_template_uses_the_given_default_formats() -> None:
    text = "{{date}} {{time}} {{date:}}"
    assert render_template(text, "t", NOW, date_format="DD.MM.YYYY", time_format="h:mm A") == \
        "26.11.2026 3:04 PM 26.11.2026"


def test_a_title_is_inserted_as_it_is() -> None:
    # Obsidian inserts it raw; a title can't hold {{ }} anyway once it is safe
    assert render_template("# {{title}}", "{{date}}", NOW) == "# {{date}}"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('{"dateFormat": "DD.MM.YYYY", "timeFormat": "h:mm A"}', ("DD.MM.YYYY", "h:mm A")),
        ('{"folder": "Templates"}', ("YYYY-MM-DD", "HH:mm")),
        ('{"dateFormat": "", "timeFormat": 5}', ("YYYY-MM-DD", "HH:mm")),
        ("not json", ("YYYY-MM-DD", "HH:mm")),
        ("[1]", ("YYYY-MM-DD", "HH:mm")),
        (None, ("YYYY-MM-DD", "HH:mm")),
    ],
)
def test_obsidian_formats(settings: str | None, expected: tuple[str, str]) -> None:
    assert obsidian_formats(settings) == expected


# --- titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Acme - Backend", "Acme - Backend"),
        ("  Dana Recruiter  ", "Dana Recruiter"),
        ("Café Zoë (Berlin)", "Café Zoë (Berlin)"),
        ("v1.2 release", "v1.2 release"),
        ("COM10 stuff", "COM10 stuff"),
        ("Console", "Console"),
        ("👩‍💻 Dev meetup", "👩‍💻 Dev meetup"),
    ],
)
def test_safe_title_accepts(raw: str, title: str) -> None:
    assert safe_title(raw) == title


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Acme/Backend", 'has /.*try "Acme - Backend"'),
        ("..\\..\\etc", r"has \\"),
        ("../../etc/passwd", "has /"),
        ("Acme: Backend", 'has :.*try "Acme - Backend"'),
        ("What?", r"has \?"),
        ("a*b", r"has \*"),
        ('He said "hi"', "has \".*try \"He said 'hi'\""),
        ("<b>", "has < >"),
        ("a|b", r"has \|"),
        ("C# dev", "has #"),
        ("x^y", r"has \^"),
        ("Lee [mentor]", r'has \[ \].*try "Lee \(mentor\)"'),
        ("tab\there", r"has \\t"),
        ("line\nbreak", r"has \\n"),
        ("bell\x07", r"has \\x07"),
        ("para\u2029graph", "has"),
        (".hidden", "starts with a dot"),
        ("..", "starts with a dot"),
        ("CON", "reserved"),
        ("nul", "reserved"),
        ("Lpt1", "reserved"),
        ("aux.notes", "reserved"),
        ("x" * 253, "longer than 252 bytes"),
        ("é" * 127, "longer than 252 bytes"),
    ],
)
def test_safe_title_refuses(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        safe_title(raw)


def test_safe_title_allows_the_longest_name() -> None:
    assert safe_title("x" * 252) == "x" * 252
