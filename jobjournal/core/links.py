"""Resolving Obsidian links to notes (docs/rules.md, "Links")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from jobjournal.core.model import Link, file_name

# [[target#heading^block|alias]]
_WIKILINK = re.compile(r"\[\[([^\[\]|#^]*)(?:[#^][^\[\]|]*)?(?:\|([^\[\]]*))?\]\]")


#: Links made so far, by value: a vault names the same few people thousands of times, and a
#: Link is immutable, so one object serves them all (fewer to make, to pickle and to load). A
#: memo table of a pure function, kept because it pays: without it a new day's build of 10,000
#: notes runs 5 % more instructions, and a cold read of 50,000 notes takes 6 % more memory.
_MADE: dict[tuple[str, str | None, bool], Link] = {}
_MADE_MAX = 50_000  # forgotten past this many (a watcher runs for days)


def make_link(target: str, alias: str | None = None, is_wikilink: bool = False) -> Link:
    """Link(target, alias, is_wikilink), the same object for the same values."""
    key = (target, alias, is_wikilink)
    try:
        return _MADE[key]
    except KeyError:
        if len(_MADE) >= _MADE_MAX:
            _MADE.clear()
        link = _MADE[key] = Link(target, alias, is_wikilink)
        return link


def parse_links(text: str) -> tuple[Link, ...]:
    """Every wikilink in a piece of text, in order."""
    if "[[" not in text:
        return ()
    return tuple(
        make_link(m.group(1).strip(), (m.group(2) or "").strip() or None, True)
        for m in _WIKILINK.finditer(text)
        if m.group(1).strip()
    )


def parse_link(text: str) -> Link:
    """A field value: a wikilink (quoted in YAML) or plain text naming a person."""
    stripped = text.strip()
    match = _WIKILINK.fullmatch(stripped)
    if match and match.group(1).strip():
        return make_link(match.group(1).strip(), (match.group(2) or "").strip() or None, True)
    return make_link(stripped)


def _shortest_first(path: str) -> tuple[int, str]:
    return (len(path), path)


class LinkIndex:
    """Resolves link targets to vault paths: by file name or path suffix, case-insensitively;
    among several matches the shortest path wins, then the alphabetically first."""

    def __init__(self, paths: Iterable[str]) -> None:
        # made for every run over every scanned path: no lower-casing of whole paths, and only
        # the names several paths share sorted (a tenth of the names, 30 % of the time)
        by_name: dict[str, list[str]] = {}
        for path in paths:
            stem = path[:-3] if path[-3:].lower() == ".md" else path
            name = file_name(stem).lower()
            found = by_name.get(name)
            if found is None:
                by_name[name] = [path]
            else:
                found.append(path)
        for candidates in by_name.values():
            if len(candidates) > 1:
                candidates.sort(key=_shortest_first)
        self._by_name = by_name

    def resolve(self, link: Link) -> str | None:
        """The path of the note a link points to, or None (plain text never resolves)."""
        if not link.is_wikilink:
            return None
        target = link.target.strip().lstrip("/")
        if target.lower().endswith(".md"):
            target = target[:-3]
        suffix = target.lower()
        for path in self._by_name.get(file_name(target).lower(), ()):
            stem = path[:-3].lower()
            if stem == suffix or stem.endswith("/" + suffix):
                return path
        return None

    def person_name(self, link: Link | None) -> str | None:
        """The title of the person a link names: the resolved note's title, else the link's name."""
        if link is None:
            return None
        path = self.resolve(link)
        if path is not None:
            return file_name(path)[:-3]
        return link.name or None
