"""Links (core/links.py): wikilinks read from text and fields, and resolved to vault notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobjournal.core import links
from jobjournal.core.links import LinkIndex, make_link, parse_link, parse_links
from jobjournal.core.model import Link


def wiki(target: str, alias: str | None = None) -> Link:
    return Link(target, alias, True)


def test_every_wikilink_in_a_text_in_order() -> None:
    text = "Called [[Dana]] and [[People/Sam Hiring|Sam]], then [[Acme#Notes]] and [[ Jo ^block | Jo ]]"
    assert parse_links(text) == (wiki("Dana"), wiki("People/Sam Hiring", "Sam"), wiki("Acme"),
                                 wiki("Jo", "Jo"))


@pytest.mark.parametrize("text", ["no links", "[[ ]] and [[|alias]] and [[#heading]]", "[Dana]",
                                  "[[Dana", "[[]]"])
def test_text_without_a_named_wikilink_has_no_links(text: str) -> None:
    assert parse_links(text) == ()


def test_an_empty_alias_is_no_alias() -> None:
    assert parse_links("[[Dana| ]]") == (wiki("Dana"),)
    assert parse_link(" [[Dana|]] ") == wiki("Dana")


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("[[Dana Recruiter]]", wiki("Dana Recruiter")),
        (" [[People/Dana|Dana R.]] ", wiki("People/Dana", "Dana R.")),
        ("Dana Recruiter", Link("Dana Recruiter")),
        ("  Dana  ", Link("Dana")),
        ("[[ ]]", Link("[[ ]]")),  # names nobody: kept as the text written
        ("[[Dana]] and [[Sam]]", Link("[[Dana]] and [[Sam]]")),
    ],
)
def test_a_field_is_a_wikilink_or_a_name(text: str, link: Link) -> None:
    assert parse_link(text) == link


def test_the_same_link_is_one_object_and_the_table_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(links, "_MADE", {})
    monkeypatch.setattr(links, "_MADE_MAX", 3)
    first = make_link("Dana", None, True)
    assert make_link("Dana", None, True) is first
    assert make_link("Dana") == Link("Dana") and make_link("Dana") is not first
    for name in "abcdef":
        assert make_link(name) == Link(name)
        assert len(links._MADE) <= 3


PATHS = [
    "Contacts/Dana Recruiter.md", "Archive/2025/Contacts/Dana Recruiter.md",
    "People/Sam.md", "Old/Sam.md", "Interviews/Acme - Backend.md", "Contacts/Xavier Dupont.md",
]


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("Dana Recruiter", "Contacts/Dana Recruiter.md"),  # the shortest path wins
        ("dana recruiter", "Contacts/Dana Recruiter.md"),  # whatever the case
        ("Contacts/Dana Recruiter", "Contacts/Dana Recruiter.md"),
        ("2025/Contacts/Dana Recruiter", "Archive/2025/Contacts/Dana Recruiter.md"),
        ("/Contacts/Dana Recruiter.md", "Contacts/Dana Recruiter.md"),
        ("Dana Recruiter.MD", "Contacts/Dana Recruiter.md"),
        ("Sam", "Old/Sam.md"),  # as short: the alphabetically first
        ("People/Sam", "People/Sam.md"),
        ("ple/Sam", None),  # a suffix of the path, but not whole folders
        ("Recruiter", None),
        ("Acme - Backend", "Interviews/Acme - Backend.md"),
        ("Nobody", None),
        ("Xavier Dupont", "Contacts/Xavier Dupont.md"),
        ("/Xavier Dupont", "Contacts/Xavier Dupont.md"),
    ],
)
def test_a_link_resolves_to_a_note_by_name_or_path(target: str, path: str | None) -> None:
    assert LinkIndex(PATHS).resolve(wiki(target)) == path


def test_plain_text_never_resolves() -> None:
    index = LinkIndex(PATHS)
    assert index.resolve(Link("Dana Recruiter")) is None
    assert index.person_name(Link("Dana Recruiter")) == "Dana Recruiter"


def test_a_person_is_named_by_their_note_else_by_the_link() -> None:
    index = LinkIndex(PATHS)
    assert index.person_name(wiki("dana recruiter")) == "Dana Recruiter"  # the note's title
    assert index.person_name(wiki("People/Jo Smith", "Jo")) == "Jo Smith"
    assert index.person_name(None) is None
    assert index.person_name(Link("")) is None


_PATH_PARTS = ["a", "A", "b", "Acme", "acme", "x y", "é", "İ", "K", ".md", ".MD", "md"]


@given(st.lists(st.lists(st.sampled_from(_PATH_PARTS), min_size=1, max_size=3).map(
    lambda parts: "/".join(parts) + ("" if parts[-1].endswith(("md", "MD")) else ".md")),
    max_size=12))
def test_the_index_holds_what_the_plain_construction_holds(paths: list[str]) -> None:
    """Names by their lower-cased file name without `.md` (any case), each list shortest path
    first, then alphabetical: as the plain construction, every path lower-cased and every
    list sorted."""
    from collections import defaultdict

    plain: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        stem = path[:-3] if path.lower().endswith(".md") else path
        plain[links.file_name(stem).lower()].append(path)
    for candidates in plain.values():
        candidates.sort(key=lambda p: (len(p), p))
    assert LinkIndex(paths)._by_name == dict(plain)
