"""Git's conflict markers in a note (docs/rules.md, "Problems"): the `<<<<<<<` and `>>>>>>>`
lines git writes around the two sides of a conflict. Inside a fenced code block such a line is
text (a note about git may show one), so only the lines outside fences count.

Pure. Cheap in the usual case, a note without a marker-looking line (two substring searches);
only a note with one is read as Markdown, for its fences.
"""

from __future__ import annotations

import re

from jobjournal.core.body import _markdown

# Git writes all three markers; a `=======` line alone is also a setext heading's underline, so
# only the `<<<<<<<` and `>>>>>>>` lines are looked for.
_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.MULTILINE)
_FRONT_MATTER_START = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def conflict_marker_lines(text: str, *, markdown: bool = True) -> list[int]:
    """The 1-based numbers of the lines of `text` that are git conflict markers; with
    `markdown`, those inside a fenced code block of the body (after any front matter) are not."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return []
    if "\r" in text:  # one line-ending convention, the line numbers unchanged
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [text.count("\n", 0, match.start()) + 1 for match in _MARKER.finditer(text)]
    if not lines or not markdown:
        return lines
    fenced = _fenced_lines(text.removeprefix("\ufeff"))
    return [line for line in lines if line not in fenced]


def conflict_marker_line(text: str, *, markdown: bool = True) -> int | None:
    """The first line that `conflict_marker_lines` finds; None when there is none."""
    lines = conflict_marker_lines(text, markdown=markdown)
    return lines[0] if lines else None


def _fenced_lines(text: str) -> set[int]:
    """The 1-based numbers of the lines inside the body's fenced code blocks (their fence lines
    included), as markdown-it reads them. Front matter is no Markdown: an unterminated one
    leaves no body."""
    offset = 0
    if _FRONT_MATTER_START.match(text):
        end = _FRONT_MATTER_END.search(text, text.index("\n") + 1)
        if end is None:
            return set()
        offset = text.count("\n", 0, end.start()) + 1
        text = text[end.end() + 1 :]
    fenced: set[int] = set()
    for token in _markdown().parse(text):
        if token.type == "fence" and token.map:
            start, stop = token.map
            fenced.update(range(offset + start + 1, offset + stop + 1))
    return fenced
