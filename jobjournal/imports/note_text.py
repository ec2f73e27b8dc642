"""The text of a note `import csv` creates: its type's template, filled in as `jobjournal new` fills
it (templates.py renders Obsidian's variables, editor.py sets each field on its own line), with
the spreadsheet's remaining columns written under the note's Notes heading. Pure: no I/O, no
clock.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

from jobjournal.edit import editor as edit
from jobjournal.edit.new_notes import NoteMaker
from jobjournal.edit.templates import safe_title
from jobjournal.imports.csv_import import NewNote, Quoted

#: What a character that can't be in a title becomes (others: " - ", as a separator would).
_REPLACEMENTS = {"[": "(", "]": ")", "<": "(", ">": ")", '"': "'", "#": ""}
_DASHES = re.compile(r"\s*-(?:\s*-)+\s*")
_NOTES_HEADING = re.compile(r"^#{1,6}[ \t]+notes[ \t]*#*[ \t]*$", re.IGNORECASE)
_FM_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def import_title(raw: str) -> str:
    """A title for a spreadsheet's text ("Acme / Globex - Sr. Engineer"): characters that break
    a file name or a wikilink are replaced, so the row still makes a note; ValueError when no
    title can be made (nothing left, a name reserved on Windows, too long)."""
    text = " ".join(raw.split())
    fixed = "".join(char if _allowed(char) else _REPLACEMENTS.get(
        char, " - " if char.isprintable() else " ") for char in text)
    # no leading dot (a hidden file), nor separators left at either end
    fixed = _DASHES.sub(" - ", " ".join(fixed.split())).lstrip(" -.").rstrip(" -")
    return safe_title(fixed)


@functools.cache
def _allowed(char: str) -> bool:
    """Whether templates.safe_title accepts `char` inside a title (it owns the rules)."""
    try:
        safe_title(f"a{char}a")
    except ValueError:
        return False
    return True


def render_note(maker: NoteMaker, note: NewNote) -> str:
    """The new note's text: its type's template filled in for its title, its fields set, the
    spreadsheet's other columns added under its Notes heading."""
    fields = [
        # a JSON string is a YAML double-quoted one: phone numbers stay text
        (key, json.dumps(value, ensure_ascii=False) if isinstance(value, Quoted)
         else edit.yaml_value(value))
        for key, value in note.fields
    ]
    text = maker.render(note.type, note.title, fields)
    return insert_notes(text, note.body) if note.body else text


def insert_notes(text: str, body: Sequence[str]) -> str:
    """Put `body` first under the note's Notes heading (any level, any case), after one blank
    line; a note without one gets `## Notes` at its end."""
    lines = edit.split_lines(text)
    ending = "\r\n" if "\r\n" in text else "\n"
    added = [line + ending for line in body]
    start = _body_start(lines)
    in_code = False
    for index in range(start, len(lines)):
        bare = lines[index].rstrip("\r\n")
        if bare.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        elif not in_code and _NOTES_HEADING.match(bare.strip()):
            after = index + 1
            while after < len(lines) and not lines[after].strip():
                after += 1
            tail = [ending] if after < len(lines) else []
            return "".join(lines[: index + 1] + [ending, *added, *tail] + lines[after:])
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += ending
    gap = [ending] if lines and lines[-1].strip() else []
    return "".join(lines + gap + [f"## Notes{ending}", ending, *added])


def _body_start(lines: Sequence[str]) -> int:
    """The index of the first line after the front matter (0 when there is none)."""
    if lines and lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip(" \t") == "---":
        for index in range(1, len(lines)):
            if _FM_END.match(lines[index].rstrip("\r\n")):
                return index + 1
    return 0
