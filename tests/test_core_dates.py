"""Dates as notes write them (core/dates.py): what is read, what is refused, and in what words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from jobjournal.core.dates import (
    FIRST_DAY,
    LAST_DAY,
    LEADING_WHEN,
    DateError,
    parse_day,
    parse_when,
)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("  2026-11-20  ", date(2026, 11, 20)),
        ("2026-11-20T10:30", datetime(2026, 11, 20, 10, 30)),
        ("2026-11-20 10:30", datetime(2026, 11, 20, 10, 30)),
        ("2026-11-20T10:30:15", datetime(2026, 11, 20, 10, 30, 15)),
        ("2026-11-20T10:30:15.250", datetime(2026, 11, 20, 10, 30, 15)),
        ("2026-11-20T23:30Z", datetime(2026, 11, 20, 23, 30)),  # the offset is dropped, not applied
        ("2026-11-20T10:30+02:00", datetime(2026, 11, 20, 10, 30)),
        ("2026-11-20T10:30 -0500", datetime(2026, 11, 20, 10, 30)),
        ("2026-11-20T10:30+02", datetime(2026, 11, 20, 10, 30)),
        ("[[2026-11-20]]", date(2026, 11, 20)),  # a daily-note link
        ("[[2026-11-20|Friday]]", date(2026, 11, 20)),
    ],
)
def test_a_written_date_is_read(text: str, when: date) -> None:
    assert parse_when(text) == when
    assert type(parse_when(text)) is type(when)
    assert parse_day(text) == (when.date() if isinstance(when, datetime) else when)


@pytest.mark.parametrize(
    "text",
    ["2026-11-2", "20261120", "2026-11-20T10", "2026-11-20x", "[[2026-11-20", "2026-11-20]]",
     "on 2026-11-20", "2026-11-20T10:30:1", "tomorrow", ""],
)
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(text)
    assert str(refused.value) == f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (" 2026-02-30 ", "'2026-02-30' is not a valid date (day is out of range for month)"),
        ("2026-13-01", "'2026-13-01' is not a valid date (month must be in 1..12)"),
        ("2026-11-20T24:00", "'2026-11-20T24:00' is not a valid date (hour must be in 0..23)"),
    ],
)
def test_an_impossible_date_is_refused_in_words(text: str, why: str) -> None:
    for _ in range(2):  # and refused again: never remembered
        with pytest.raises(DateError) as refused:
            parse_when(text)
        assert str(refused.value) == why


def test_dates_and_times_from_yaml_are_kept() -> None:
    aware = datetime(2026, 11, 20, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert parse_when(aware) == datetime(2026, 11, 20, 10, 30)
    assert parse_when(aware).tzinfo is None
    assert parse_when(date(2026, 11, 20)) == date(2026, 11, 20)
    assert parse_day(datetime(2026, 11, 20, 23, 59)) == date(2026, 11, 20)


def test_an_unquoted_daily_note_link_is_a_date() -> None:
    assert parse_when([["2026-11-20"]]) == date(2026, 11, 20)  # YAML reads [[…]] as nested lists


@pytest.mark.parametrize("value", [[["2026-11-20", "2026-11-21"]], [[20261120]], ["2026-11-20"],
                                   [["2026-11-20"], ["x"]], 20261120, None, True])
def test_other_values_are_not_dates(value: Any) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(value)
    assert str(refused.value) == f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"


@pytest.mark.parametrize(
    ("text", "when", "rest"),
    [
        ("2026-11-20 Called", "2026-11-20", " Called"),
        ("2026-11-20: Called", "2026-11-20", ": Called"),
        ("2026-11-20—Called", "2026-11-20", "—Called"),
        ("[[2026-11-20]] Called", "2026-11-20", " Called"),
        ("[[2026-11-20|Fri]], called", "2026-11-20", ", called"),
        ("  2026-11-20T09:40 Called", "2026-11-20T09:40", " Called"),
        ("2026-11-20 09:40:05", "2026-11-20 09:40:05", ""),
    ],
)
def test_a_log_entry_starts_with_its_date(text: str, when: str, rest: str) -> None:
    match = LEADING_WHEN.match(text)
    assert match is not None and match["when"] == when and text[match.end():] == rest


@pytest.mark.parametrize("text", ["2026-11-20x", "2026-11-201", "Called 2026-11-20", "[[2026-11-20"])
def test_text_that_does_not_start_with_a_date(text: str) -> None:
    assert LEADING_WHEN.match(text) is None


# --- the calendar jobjournal reads ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1900-01-01", "9000-12-31", "9000-12-31T23:59", "[[1900-01-01]]"])
def test_the_first_and_last_days_are_read(text: str) -> None:
    assert FIRST_DAY <= parse_day(text) <= LAST_DAY


@pytest.mark.parametrize(
    "text", ["0001-01-01", "1899-12-31", "1899-12-31T23:59", "9001-01-01", "9999-12-31",
             "9999-12-31T23:59", "[[0001-01-05]]"],
)
def test_a_date_outside_the_calendar_is_refused_in_words(text: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(text)
    assert str(refused.value) == (
        f"{text!r} is out of range: use a date from 1900-01-01 to 9000-12-31")


@pytest.mark.parametrize("value", [date(1, 1, 1), date(9999, 12, 31), datetime(1899, 12, 31, 12)])
def test_a_date_from_yaml_outside_the_calendar_is_refused_too(value: date) -> None:
    with pytest.raises(DateError, match="is out of range: use a date from 1900-01-01 to 9000-12-31"):
        parse_when(value)
