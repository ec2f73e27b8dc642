"""Working days (core/workdays.py): weekdays, public holidays of a country or a region."""

from __future__ import annotations

from datetime import date

import pytest

from jobjournal.config import CalendarConfig
from jobjournal.core.workdays import Workdays

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
