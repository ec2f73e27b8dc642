"""Template placeholders left in a note: the sign of a template copied instead of inserted.

Obsidian's core Templates plugin fills `{{title}}`, `{{date}}`, `{{time}}` and `{{date:FORMAT}}`
when a template is inserted, and Templater runs `<% … %>` commands; other plugins (Periodic
Notes, QuickAdd) use `{{name}}` too. Outside the templates folder (which is never read), such a
placeholder means the note was made by copying the template file, or with the plugin switched
off: its dates were never written. An error where a placeholder stands for a date of a
jobjournal note, a warning elsewhere in one (docs/rules.md, "Problems"). Pure: text in,
(line, placeholder) pairs out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping

from jobjournal.core.fields import COERCERS, DATE_KEYS

# `{{date}}`, `{{date:YYYY-MM-DD}}`, `{{ title }}`, `{{VALUE:…}}`: a name, maybe a format.
# Templater: `<% … %>` and its `<%*`, `<%+`, `<%-`, `<%_` forms; a command may span lines,
# so an opening tag alone is enough.
_PLACEHOLDER = re.compile(
    r"\{\{[ \t]*[A-Za-z][\w-]*[ \t]*(?::[^{}\n]*)?\}\}|<%[^\n]*?(?:%>|$)",
    re.MULTILINE,
)


def could_hold(text: str) -> bool:
    """A cheap test before `find`: most notes hold neither `{{` nor `<%`. (A search for one
    character is many times quicker than one for two: most notes hold no `{` or `<` either.)"""
    return ("{" in text and "{{" in text) or ("<" in text and "<%" in text)


def find(text: str, first_line: int) -> dict[int, str]:
    """The first placeholder on each line that holds one, by 1-based file line; `first_line` is
    the file line of the text's first line. The text must use `\\n` line endings."""
    found: dict[int, str] = {}
    line, position = first_line, 0
    for match in _PLACEHOLDER.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        found.setdefault(line, match.group().strip())
    return found


def message(
    placeholder: str, key: str | None = None, *, is_date: bool = False, more: int = 0
) -> str:
    """What to tell the user about one placeholder (in the front matter's `key`, if given;
    `more`: how many others follow it)."""
    shown = placeholder if len(placeholder) <= 40 else placeholder[:39] + "…"
    others = f" ({more} more below)" if more else ""
    what = f"`{shown}`{others} is a template placeholder that was never filled in"
    if key is not None:
        value = "the date itself (YYYY-MM-DD)" if is_date else "the value itself"
        return f"{key}: {what}: write {value}"
    return (
        f"{what}: this note looks like a copy of a template; insert templates with Obsidian's "
        "Templates or Templater command instead, which fills them in"
    )


def report_unfilled(
    front: dict[int, str],
    key_lines: Mapping[str, int],
    body: str,
    body_line: int,
    report: Callable[[int | None, str, bool], None],
    fields: Collection[str] = frozenset(COERCERS),
) -> set[str]:
    """Report the placeholders of a jobjournal note: `front` is `find` over its front matter,
    `key_lines` the line of each top-level key, `fields` the keys its type reads. Returns the
    keys holding one, to be read as absent (a placeholder is no value). An error for each date
    field of the type holding one; one warning for all the others in the front matter (another
    type's field included: the note ignores it), and one for the body."""
    absent: set[str] = set()
    others: list[tuple[int, str, str | None]] = []
    owners = sorted((line, key) for key, line in key_lines.items())
    for line, placeholder in sorted(front.items()):
        at = bisect_right(owners, (line, "\uffff")) - 1  # the key whose value spans this line
        key = owners[at][1] if at >= 0 else None
        if key in absent:
            continue
        read = key in fields and key in COERCERS
        if read and key in DATE_KEYS:
            report(line, message(placeholder, key, is_date=True), True)
        else:
            others.append((line, placeholder, key if read else None))
        if read and key is not None:
            absent.add(key)
    if others:
        line, placeholder, key = others[0]
        report(line, message(placeholder, key, more=len(others) - 1), False)
    if could_hold(body):
        found = find(body, body_line)
        if found:
            line = min(found)
            report(line, message(found[line], more=len(found) - 1), False)
    return absent
