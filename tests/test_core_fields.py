"""Front-matter values coerced to Note fields (core/fields.py), value by value."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobjournal.core.fields import (
    COERCERS,
    COUNTERPARTS,
    DATE_KEYS,
    TYPE_FIELDS,
    FieldError,
    _count,
    _distance,
    _what,
    _when,
    coercers,
    meant_field,
    thanks_field,
)
from jobjournal.core.model import Link, NoteType


@pytest.mark.parametrize(
    "value",
    [
        ["Acme"],  # `company: [Acme]`, a list of one name
        [["Acme", "Initech"]],  # `company: [[Acme, Initech]]`, a list inside a list
        [[1]],  # `company: [[1]]`: a number, not the name of a link
        [["Acme"], ["Initech"]],  # two unquoted links
    ],
)
def test_a_list_where_text_is_wanted_is_refused(value: Any) -> None:
    with pytest.raises(FieldError, match="must be text, not a list"):
        COERCERS["company"](value)


def test_an_unquoted_link_where_text_is_wanted_is_kept_as_written() -> None:
    assert COERCERS["company"]([["Acme"]]) == "[[Acme]]"


@pytest.mark.parametrize(("value", "count"), [("3", 3), (" 12 ", 12), ("+5", 5), ("0003", 3),
                                               (3, 3), ("1", 1), ("3650", 3650)])
def test_a_whole_number_is_read(value: Any, count: int) -> None:
    assert COERCERS["candidates"](value) == count
    assert COERCERS["stay_in_touch"](value) == count


@pytest.mark.parametrize(
    ("value", "said"),
    [(True, "true/false"), (False, "true/false"), ("2.5", "'2.5'"), ("٣", "'٣'"), (2.0, "2.0"),
     ("1e3", "'1e3'"), ("0x10", "'0x10'"), ("x" * 80, repr("x" * 80)[:57] + "…")],
)
def test_anything_but_a_whole_number_is_refused(value: Any, said: str) -> None:
    with pytest.raises(FieldError, match=f"^{re.escape(said)} is not a whole number$"):
        COERCERS["candidates"](value)


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [("candidates", 0, "0"), ("candidates", -1, "-1"), ("candidates", "-2", "-2"),
     ("candidates", "10001", "10001"), ("candidates", 10**30, "a number of over 18 digits"),
     ("candidates", "9" * 5000, "9" * 57 + "…"), ("stay_in_touch", "0", "0"),
     ("stay_in_touch", "3651", "3651"), ("stay_in_touch", "5550142", "5550142"),
     ("stay_in_touch", " 100000000000 ", "100000000000"), ("stay_in_touch", "-0", "0")],
)
def test_a_whole_number_out_of_its_range_is_refused(key: str, value: Any, said: str) -> None:
    most = {"candidates": 10000, "stay_in_touch": 3650}[key]
    with pytest.raises(FieldError) as refused:
        COERCERS[key](value)
    assert str(refused.value) == f"{said} is out of range: use a whole number from 1 to {most}"


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        ("#job, #remote", ("job", "remote")),
        ("job remote", ("job", "remote")),
        (["#X", "job"], ("X", "job")),  # the platform's tag: the `#` goes, the name stays
        (["#XR", "#"], ("XR",)),  # a lone `#` is no tag
        ([None, "job", "  ", "##"], ("job",)),  # `- ` with nothing after it, blanks, only `#`
        ([2026, "job"], ("2026", "job")),
        (["#", None], None),
    ],
)
def test_tags_are_read_without_their_hash(value: Any, tags: tuple[str, ...] | None) -> None:
    assert COERCERS["tags"](value) == tags


@pytest.mark.parametrize(
    ("value", "said"),
    [([{"a": "b"}], "a set of `key: value` pairs"), ([["a"]], "a list")],
)
def test_tags_holding_a_mapping_or_a_list_are_refused(value: Any, said: str) -> None:
    with pytest.raises(FieldError, match=f"^must be a list of tags, not a list holding {said}$"):
        COERCERS["tags"](value)


@pytest.mark.parametrize(("value", "status"), [("Rejected", "rejected"), (" OFFER ", "offer"),
                                               ("", None), ("  ", None), (None, None)])
def test_a_status_is_read_in_lower_case_and_an_empty_one_is_none(value: Any, status: str | None
                                                                 ) -> None:
    assert COERCERS["status"](value) == status


def wiki(target: str, alias: str | None = None) -> Link:
    return Link(target, alias, True)


@pytest.mark.parametrize(
    ("value", "links"),
    [
        ("[[Dana]]", (wiki("Dana"),)),
        ("Dana Recruiter", (Link("Dana Recruiter"),)),
        (["[[Dana]]", None, "  ", "Sam"], (wiki("Dana"), Link("Sam"))),  # blanks skipped
        ([["Dana"]], (wiki("Dana"),)),  # an unquoted [[Dana]]
        ([["Dana|D"]], (wiki("Dana", "D"),)),
        ([["#Notes"]], (wiki("#Notes"),)),  # not a link Obsidian would resolve, but one written
        ([["a]b"]], (wiki("a]b"),)),
        (["Jo", [["Dana"]], "[[Sam]]"], (Link("Jo"), wiki("Dana"), wiki("Sam"))),  # in order
        ([["Dana"], ["Sam"]], (wiki("Dana"), wiki("Sam"))),
        ([["Dana", "Sam"], "Jo"], (Link("Dana"), Link("Sam"), Link("Jo"))),
        ([5551234, 2.5], (Link("5551234"), Link("2.5"))),
        ([None, " "], None),
        ("", None),
    ],
)
def test_links_are_read_from_text_lists_and_unquoted_links(
    value: Any, links: tuple[Link, ...] | None
) -> None:
    assert COERCERS["with"](value) == links
    assert COERCERS["recruiter"](value) == (links[0] if links else None)


@pytest.mark.parametrize(("value", "said"), [(True, "true/false"), ([{"a": 1}], "a set of `key: value` pairs")])
def test_what_is_neither_a_link_nor_a_name_is_refused(value: Any, said: str) -> None:
    with pytest.raises(FieldError, match=f"^must be a link or a name, not {re.escape(said)}$"):
        COERCERS["with"](value)


@pytest.mark.parametrize(("value", "text"), [(3, "3"), (2.5, "2.5"), (" Acme ", "Acme"), ("", None)])
def test_text_is_kept_trimmed_and_numbers_as_written(value: Any, text: str | None) -> None:
    assert COERCERS["company"](value) == text


@pytest.mark.parametrize("key", ["company", "tags", "with", "follow_up", "stay_in_touch"])
@pytest.mark.parametrize("value", [None, [], "", "   "])
def test_an_empty_value_is_no_value(key: str, value: Any) -> None:
    assert COERCERS[key](value) is None


# --- which keys are slips -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note_type", "key", "meant"),
    [
        # a slip of the keyboard: distance ≤ 2, or ≤ 1 for a field shorter than 5 letters
        (NoteType.INTERVIEW, "dat", "date"),
        (NoteType.INTERVIEW, "decison_date", "decision_date"),
        (NoteType.INTERVIEW, "Decision_Date", "decision_date"),  # compared lower-cased
        (NoteType.CONTACT, "compnay", "company"),  # a swap is 2
        (NoteType.CONTACT, "emial", "email"),  # 5 letters: 2 allowed
        (NoteType.CONTACT, "stayintouch", "stay_in_touch"),
        (NoteType.CONTACT, "rol", "role"),
        (NoteType.CONTACT, "tag", "tags"),
        (NoteType.CONTACT, "tgas", None),  # 4 letters: only 1 allowed
        (NoteType.REFERRAL, "form", None),
        (NoteType.REFERRAL, "rate", "date"),
        (NoteType.INTERVIEW, "urls", "url"),
        # this type's field under another type's name
        (NoteType.REFERRAL, "thank_you", "thanked"),
        (NoteType.INTERVIEW, "thanked", "thank_you"),
        (NoteType.MEETING, "thanked", "thank_you"),
        (NoteType.APPLICATION, "date", "applied"),
        (NoteType.INTERVIEW, "applied", "date"),
        # fields, and keys of the user's own or of other types with no counterpart
        (NoteType.INTERVIEW, "date", None),
        (NoteType.INTERVIEW, "type", None),
        (NoteType.INTERVIEW, "uid", None),
        (NoteType.CONTACT, "decision_date", None),
        (NoteType.MEETING, "url", None),
        (NoteType.CONTACT, "aliases", None),
        (NoteType.INTERVIEW, "remote", None),
        (NoteType.INTERVIEW, "x" * 200, None),
        # within reach of two fields: the closer (`status` is 2 away, `tags` 1), and of two
        # as close, the first of the type's fields (the common ones first)
        (NoteType.CONTACT, "stags", "tags"),
        (NoteType.INTERVIEW, "tage", "tags"),
    ],
)
def test_meant_field(note_type: NoteType, key: str, meant: str | None) -> None:
    assert meant_field(note_type, key) == meant


def test_no_field_of_one_type_passes_for_a_slip_on_another_but_the_counterparts() -> None:
    every = set().union(*TYPE_FIELDS.values())
    slips = {(t, key): meant_field(t, key) for t in NoteType for key in every
             if meant_field(t, key) is not None}
    assert slips == {(t, key): meant for t, pairs in COUNTERPARTS.items()
                     for key, meant in pairs.items()}


@given(st.text(max_size=12), st.text(max_size=12))
def test_distance_is_levenshtein_s(a: str, b: str) -> None:
    def levenshtein(a: str, b: str) -> int:  # the textbook recursion, memoised
        @functools.cache
        def d(i: int, j: int) -> int:
            if not i or not j:
                return i or j
            return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))

        return d(len(a), len(b))

    for limit in (0, 1, 2, 3):
        expected = levenshtein(a, b)
        assert _distance(a, b, limit) == (expected if expected <= limit else None)


_KEYS = st.sampled_from(["aliases", "created", "Company", "dat", "thanked", "applied", "linkedin"])


@given(st.lists(st.tuples(st.sampled_from(NoteType), _KEYS | st.text(max_size=10)), max_size=30))
def test_meant_field_remembered_answers_as_computed_afresh(keys: list[tuple[NoteType, str]]) -> None:
    # the memo table (a vault repeats the same few keys of its own) against the plain function;
    # the keys come mostly from a small pool, so most answers are remembered ones
    afresh = meant_field.__wrapped__
    for note_type, key in keys:
        assert meant_field(note_type, key) == afresh(note_type, key)
    assert meant_field.cache_info().maxsize is not None  # bounded: a watcher runs for days


#: A zone far from the machine's, so that a zone dropped on the way shows.
_FAR = "Asia/Tokyo" if datetime.now().astimezone().utcoffset() != timedelta(hours=9) else (
    "America/Los_Angeles")


@pytest.mark.parametrize("key", sorted(DATE_KEYS))
@pytest.mark.parametrize(
    "value", ["2026-11-20T23:30+00:00", datetime(2026, 11, 20, 23, 30, tzinfo=UTC)]
)
def test_every_date_field_reads_a_time_with_an_offset_in_the_vault_s_zone(
    key: str, value: str | datetime
) -> None:
    instant = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    far = instant.astimezone(ZoneInfo(_FAR)).replace(tzinfo=None)
    machine = instant.astimezone().replace(tzinfo=None)  # no zone set: the machine's
    timed = COERCERS[key] is _when  # the others keep the day alone
    assert coercers(_FAR)[key](value) == (far if timed else far.date())
    assert COERCERS[key](value) == (machine if timed else machine.date())
    assert coercers("") is COERCERS


def test_a_value_shown_in_a_message_is_cut_past_60_characters() -> None:
    assert _what("x" * 58) == repr("x" * 58)  # 60 characters, shown whole
    assert _what("x" * 59) == repr("x" * 59)[:57] + "…"
    for digits, shown in ((60, "9" * 60), (61, "9" * 57 + "…")):
        with pytest.raises(FieldError, match=f"^{shown} is out of range"):
            COERCERS["stay_in_touch"]("9" * digits)


def test_a_number_out_of_range_is_shown_up_to_18_digits() -> None:
    with pytest.raises(FieldError, match=f"^{10**18 - 1} is out of range"):
        _count(10**18 - 1, 1, 3650)
    with pytest.raises(FieldError, match="^a number of over 18 digits is out of range"):
        _count(10**18, 1, 3650)
    with pytest.raises(FieldError, match="^a number of over 18 digits is out of range"):
        _count(-(10**18), 1, 3650)


@pytest.mark.parametrize(("note_type", "field"), [
    (NoteType.INTERVIEW, "thank_you"), (NoteType.MEETING, "thank_you"),
    (NoteType.REFERRAL, "thanked"), (NoteType.CONTACT, None), (NoteType.APPLICATION, None),
])
def test_the_field_that_records_thanks(note_type: NoteType, field: str | None) -> None:
    assert thanks_field(note_type) == field
