"""Working days (core/workdays.py): weekdays, public holidays of a country or a region."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.config import WEEKDAYS, CalendarConfig
from jobjournal.core.workdays import Workdays, add_by_steps

CESAR_CHAVEZ_DAY = date(2026, 3, 31)  # a Tuesday; a public holiday in California only


def test_a_region_s_own_holidays_are_not_working_days() -> None:
    california = Workdays.from_config(CalendarConfig(holidays="US-CA"))
    assert not california.is_workday(CESAR_CHAVEZ_DAY)
    assert california.add(date(2026, 3, 30), 1) == date(2026, 4, 1)


def test_a_country_s_calendar_leaves_its_regions_holidays_alone() -> None:
    us = Workdays.from_config(CalendarConfig(holidays="US"))
    assert us.is_workday(CESAR_CHAVEZ_DAY)
    assert not us.is_workday(date(2026, 11, 26))  # Thanksgiving


def test_without_a_calendar_every_weekday_works() -> None:
    plain = Workdays.from_config(CalendarConfig())
    assert plain.is_workday(date(2026, 11, 26))
    assert not plain.is_workday(date(2026, 11, 28))  # a Saturday


def test_a_week_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="^at least one working weekday is needed$"):
        Workdays(())


def test_zero_workdays_after_a_day_off_is_the_next_working_day() -> None:
    plain = Workdays.from_config(CalendarConfig())
    assert plain.add(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday → Monday
    assert plain.add(date(2026, 11, 26), 0) == date(2026, 11, 26)
    assert plain.add(date(2026, 11, 28), -3) == date(2026, 11, 30)


# --- D + N workdays: whole weeks at once, against one day at a time --------------------------------

WEEKDAY_SETS = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True).map(
    lambda days: tuple(sorted(days, key=WEEKDAYS.index)))
#: holidays clustered where the counts land, some on weekends, some on working days
HOLIDAYS = st.frozensets(st.dates(date(2026, 1, 1), date(2041, 12, 31)), max_size=40)


#: counts of workdays: mostly over a week's (the fast path), about one in ten a week's or fewer
#: (sampled_from: Hypothesis draws the low end of `integers` far more often than the rest)
COUNTS = st.sampled_from(range(10)).flatmap(
    lambda kind: st.integers(0, 7) if kind == 9 else st.integers(8, 60) if kind < 5
    else st.integers(8, 3650))


def test_adding_workdays_jumps_whole_weeks_and_agrees_with_stepping() -> None:
    taken: Counter[bool] = Counter()

    @settings(max_examples=150, deadline=None)
    @given(weekdays=WEEKDAY_SETS, holidays=HOLIDAYS,
           day=st.dates(date(2026, 1, 1), date(2027, 12, 31)), n=COUNTS)
    def agrees(weekdays: tuple[str, ...], holidays: frozenset[date], day: date, n: int) -> None:
        workdays = Workdays(weekdays, holidays)
        taken[n > len(weekdays)] += 1  # the fast path: more than a week's working days
        expected = add_by_steps(workdays, day, n)
        assert workdays.add(day, n) == expected
        assert workdays.add(day, n) == expected  # again, from what it remembered

    agrees()
    assert taken[True] >= 0.8 * sum(taken.values()), taken


class CountingHolidays:
    """Holidays that count how often they are looked at."""

    def __init__(self, days: set[date]) -> None:
        self.days = frozenset(days)
        self.looked = 0

    def __contains__(self, day: object) -> bool:
        self.looked += 1
        return day in self.days


def test_a_count_of_years_of_workdays_is_not_stepped_day_by_day() -> None:
    """Stepping looked at every day of the range: 3650 workdays cost 5110 looks, and the two
    million workdays a config once allowed cost seconds per call."""
    holidays = CountingHolidays({date(2027, 1, 1), date(2030, 12, 25)})
    workdays = Workdays(("mon", "tue", "wed", "thu", "fri"), holidays)
    first = workdays.add(date(2026, 11, 26), 3650)  # learns the holidays of the years it spans
    assert first == add_by_steps(workdays, date(2026, 11, 26), 3650)
    holidays.looked = 0
    for n in range(8, 3650, 7):
        workdays.add(date(2026, 11, 26), n)
    assert holidays.looked == 0


def test_holidays_are_skipped_by_the_fast_path_too() -> None:
    us = Workdays.from_config(CalendarConfig(holidays="US"))
    # 2026-11-26 is Thanksgiving, 2026-12-25 Christmas: two weekdays to step over
    assert us.add(date(2026, 11, 25), 19) == date(2026, 12, 23)
    assert us.add(date(2026, 11, 25), 21) == date(2026, 12, 28)


def test_holidays_at_the_turn_of_the_year_count_on_the_fast_path() -> None:
    """Each year's holidays are looked up to its last day, the 31st of December."""
    turn = {date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1)}  # Wed, Thu, Fri
    workdays = Workdays(("mon", "tue", "wed", "thu", "fri"), frozenset(turn))
    for n in range(6, 12):
        assert workdays.add(date(2026, 12, 24), n) == add_by_steps(workdays, date(2026, 12, 24), n)
    assert workdays.add(date(2026, 12, 24), 6) == date(2027, 1, 6)
