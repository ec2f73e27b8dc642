"""Dates as notes write them (core/dates.py): what is read, what is refused, and in what words."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from jobjournal.core.dates import (
    FIRST_DAY,
    LAST_DAY,
    LEADING_WHEN,
    DateError,
    in_range,
    parse_day,
    parse_when,
    range_error,
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
        ("2026-11-20Z", date(2026, 11, 20)),  # a day has no time to shift: the offset is dropped
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
    assert parse_when(aware, "Europe/Berlin") == datetime(2026, 11, 20, 9, 30)
    assert parse_when(aware, "Europe/Berlin").tzinfo is None
    naive = datetime(2026, 11, 20, 10, 30)  # no offset: already the vault's time, as written
    assert parse_when(naive) == parse_when(naive, "Asia/Tokyo") == naive
    assert parse_when(naive, "America/Anchorage") == naive
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
        ("2026-11-20T09:40+01:00 Called", "2026-11-20T09:40+01:00", " Called"),
        ("2026-11-20T09:40Z: called", "2026-11-20T09:40Z", ": called"),
        ("2026-11-20 10:00-11:00 Interview", "2026-11-20 10:00", "-11:00 Interview"),  # a range
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
             "9999-12-31T23:59:59Z", "[[0001-01-05]]"],
)
def test_a_date_outside_the_calendar_is_refused_in_words(text: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(text)
    assert str(refused.value) == (
        f"{text!r} is out of range: use a date from 1900-01-01 to 9000-12-31")


@pytest.mark.parametrize(
    ("value", "zone", "shown"),
    [(date(1, 1, 1), "", "0001-01-01"), (date(9999, 12, 31), "", "9999-12-31"),
     (datetime(1899, 12, 31, 12), "", "1899-12-31T12:00:00"),
     (datetime(9000, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "Europe/Berlin",
      "9000-12-31T23:30:00-05:00")],  # 9001-01-01 in Berlin
)
def test_a_date_from_yaml_outside_the_calendar_is_refused_too(
    value: date, zone: str, shown: str
) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(value, zone)
    assert str(refused.value) == f"{shown} is out of range: use a date from 1900-01-01 to 9000-12-31"


def test_the_calendar_s_bounds_are_in_it() -> None:
    day = timedelta(days=1)
    assert in_range(FIRST_DAY) and in_range(LAST_DAY)
    assert not in_range(FIRST_DAY - day) and not in_range(LAST_DAY + day)
    assert range_error("'x'") == "'x' is out of range: use a date from 1900-01-01 to 9000-12-31"


@pytest.mark.parametrize(
    "text", ["9000-12-31T23:30-05:00",  # 9001-01-01 in Berlin
             "1900-01-01T00:30+05:00",  # 1899-12-31 in Berlin
             "9999-12-31T23:59-14:00"],  # past what the clock library can convert
)
def test_an_offset_that_moves_a_date_out_of_the_calendar_is_refused(text: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(text, "Europe/Berlin")
    assert str(refused.value) == (
        f"{text!r} is out of range: use a date from 1900-01-01 to 9000-12-31")


def test_a_daily_note_link_with_an_offset_is_read_in_the_vault_s_time_zone() -> None:
    assert parse_when("[[2026-11-20T10:30Z]]", "Asia/Tokyo") == datetime(2026, 11, 20, 19, 30)
    # unquoted, YAML reads the link as a list holding a list
    assert parse_when([["2026-11-20T10:30Z"]], "Asia/Tokyo") == datetime(2026, 11, 20, 19, 30)


@pytest.mark.parametrize("text", ["1900-01-01T12:00+00:00", "9000-12-31T12:00Z"])
def test_the_calendar_s_first_and_last_days_are_read_with_an_offset(text: str) -> None:
    assert parse_day(text, "UTC") in (FIRST_DAY, LAST_DAY)


# --- UTC offsets: converted to the vault's time zone -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "when"),
    [
        ("2026-12-08T15:00+01:00", "Europe/Berlin", datetime(2026, 12, 8, 15, 0)),
        ("2026-12-08T15:00Z", "Europe/Berlin", datetime(2026, 12, 8, 16, 0)),
        ("2026-07-01T12:00Z", "Europe/Berlin", datetime(2026, 7, 1, 14, 0)),  # summer time
        ("2026-11-20T23:30-05:00", "Europe/Berlin", datetime(2026, 11, 21, 5, 30)),
        ("2026-11-20T10:30 -0500", "Europe/Berlin", datetime(2026, 11, 20, 16, 30)),
        ("2026-11-20T10:30+02", "Europe/Berlin", datetime(2026, 11, 20, 9, 30)),
        ("2026-11-20T02:00Z", "America/New_York", datetime(2026, 11, 19, 21, 0)),
        ("2026-11-20 10:30:15.5+05:30", "UTC", datetime(2026, 11, 20, 5, 0, 15)),
        ("2026-11-20T10:30", "America/New_York", datetime(2026, 11, 20, 10, 30)),  # as written
        ("2026-11-20T23:30+23:00", "UTC", datetime(2026, 11, 20, 0, 30)),  # the widest offsets
        ("2026-11-20T00:30-23:59", "UTC", datetime(2026, 11, 21, 0, 29)),
    ],
)
def test_a_time_with_an_offset_is_read_in_the_vault_s_time_zone(
    text: str, zone: str, when: datetime
) -> None:
    assert parse_when(text, zone) == when
    assert parse_when(text, zone).tzinfo is None
    assert parse_day(text, zone) == when.date()  # the local day, not the written one


def test_without_a_time_zone_the_machine_s_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert parse_when("2026-11-20T23:30Z") == datetime(2026, 11, 21, 8, 30)
        assert parse_day("2026-11-20T23:30Z") == date(2026, 11, 21)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("offset", ["+24:00", "-25:00", "+01:60", "-23:60"])
def test_an_impossible_offset_is_refused(offset: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when(f"2026-11-20T10:30{offset}", "UTC")
    assert str(refused.value) == (
        f"'2026-11-20T10:30{offset}' is not a valid date (no time zone is {offset} from UTC)")


@pytest.mark.parametrize(("length", "shown"), [(58, "'" + "x" * 58 + "'"),
                                              (59, "'" + "x" * 56 + "…")])
def test_a_long_value_is_cut_short_in_the_message(length: int, shown: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_when("x" * length)  # its repr: 60 characters, then 61
    assert str(refused.value) == f"{shown} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
