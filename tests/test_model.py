"""Note.of, the quick way parsing makes notes, gives the very Note the dataclass makes."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.core.fields import COERCERS, FIELD_NAMES
from jobjournal.core.model import Link, LogEntry, Note, NoteType, Task

_WHEN = st.dates(date(2000, 1, 1), date(2100, 1, 1)) | st.datetimes(
    datetime(2000, 1, 1), datetime(2100, 1, 1))
_LINK = st.builds(Link, st.text(max_size=5), st.none() | st.text(max_size=5), st.booleans())
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "status": st.sampled_from(["active", "rejected", "waiting"]),
    "missed_call": _WHEN, "date": _WHEN,
    "follow_up": st.dates(), "last_contact": st.dates(), "decision_date": st.dates(),
    "respond_by": st.dates(), "applied": st.dates(),
    "tags": st.lists(st.text(max_size=4), max_size=3).map(tuple),
    "company": st.text(max_size=8), "role": st.text(max_size=8), "phone": st.text(max_size=8),
    "stay_in_touch": st.integers(0, 400), "candidates": st.integers(0, 20),
    "recruiter": _LINK, "contact": _LINK, "from_": _LINK,
    "with_": st.lists(_LINK, max_size=3).map(tuple),
    "thank_you": st.dates() | st.just(True), "thanked": st.dates() | st.just(True),
    "log": st.lists(st.builds(LogEntry, _WHEN, st.text(max_size=6), st.integers(1, 99),
                              st.lists(_LINK, max_size=2).map(tuple)), max_size=3).map(tuple),
    "tasks": st.lists(st.builds(Task, st.dates(), st.text(max_size=6), st.integers(1, 99)),
                      max_size=2).map(tuple),
    "lines": st.dictionaries(st.sampled_from(["type", "date", "status"]), st.integers(2, 30)),
}


@settings(max_examples=300, deadline=None)
@given(st.none() | st.sampled_from(NoteType),
       st.fixed_dictionaries({}, optional=_VALUES))
def test_note_of_is_the_note_the_dataclass_makes(kind: NoteType | None,
                                                 values: dict[str, Any]) -> None:
    made = Note.of("Interviews/Acme.md", kind, **dict(values))
    expected = Note("Interviews/Acme.md", kind, **values)
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert made.lines == expected.lines
    for name in (f.name for f in dataclasses.fields(Note)):
        assert getattr(made, name) == getattr(expected, name), name
    assert pickle.loads(pickle.dumps(made)) == expected
    assert dataclasses.replace(made, status="closed") == dataclasses.replace(
        expected, status="closed")


def test_note_of_knows_every_field_made_by_a_factory() -> None:
    # Note.of makes `lines` itself; another such field would be missing from its notes
    factories = {f.name for f in dataclasses.fields(Note)
                 if f.default_factory is not dataclasses.MISSING}
    assert factories == {"lines"}
    defaults = {f.name for f in dataclasses.fields(Note) if f.default is not dataclasses.MISSING}
    assert all(hasattr(Note, name) for name in defaults)  # read from the class when not set


def test_parsing_hands_note_of_field_names_only() -> None:
    names = {f.name for f in dataclasses.fields(Note)}
    assert {FIELD_NAMES.get(key, key) for key in COERCERS} <= names
    assert set(_VALUES) <= names


def test_links_of_the_same_value_are_one_object(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobjournal.core import links

    first = links.parse_links("Called [[People/Jane|Jane]] and [[Sam]]")
    again = links.parse_links("Met [[People/Jane|Jane]]")
    assert first == (Link("People/Jane", "Jane", True), Link("Sam", None, True))
    assert again[0] is first[0]
    assert links.parse_link("Jane") is links.make_link("Jane")
    assert links.parse_link("[[Sam]]") is first[1]
    monkeypatch.setattr(links, "_MADE_MAX", 2)  # a long-running watcher forgets, never grows
    for name in ("a", "b", "c", "d"):
        links.make_link(name)
    assert len(links._MADE) <= 2
    assert links.make_link("Sam", None, True) == first[1]


def test_a_date_is_read_the_same_every_time_and_an_impossible_one_always_refused() -> None:
    from jobjournal.core import dates

    assert dates.parse_when("2026-11-20") == dates.parse_when("2026-11-20") == date(2026, 11, 20)
    assert dates.parse_when("2026-11-20T10:30") == datetime(2026, 11, 20, 10, 30)
    for _ in range(2):
        with pytest.raises(dates.DateError, match="not a valid date"):
            dates.parse_when("2026-02-30")


def test_dates_of_the_same_text_are_one_object(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobjournal.core import dates

    monkeypatch.setattr(dates, "_READ", {})
    first = dates.parse_when("2026-11-20")
    assert dates.parse_when("2026-11-20") is first
    assert dates.parse_when("2026-11-20T10:30") is dates.parse_when("2026-11-20T10:30")
    # one with a UTC offset is read in the time zone asked for, never remembered for another
    assert dates.parse_when("2026-11-20T10:30Z", "Europe/Berlin") == datetime(2026, 11, 20, 11, 30)
    assert dates.parse_when("2026-11-20T10:30Z", "Asia/Tokyo") == datetime(2026, 11, 20, 19, 30)
    assert "2026-11-20T10:30Z" not in dates._READ
    monkeypatch.setattr(dates, "_READ_MAX", 2)  # a long-running watcher forgets, never grows
    for day in range(1, 6):
        assert dates.parse_when(f"2026-12-0{day}") == date(2026, 12, day)
        assert len(dates._READ) <= 2


