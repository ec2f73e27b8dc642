"""Working-day arithmetic: configured weekdays minus public holidays.

See docs/rules.md, "Working days".

`add` counts whole weeks arithmetically and then steps through the holidays in the range, so that
its time does not grow with the count (a `min_gap_workdays` of years costs what one of days
costs); `add_by_steps` is the obviously correct reference, one day at a time, and
tests/test_core_workdays.py holds the two equal.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Container
from datetime import date, timedelta

from jobjournal.config import WEEKDAYS, CalendarConfig

_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


class Workdays:
    """Which days are working days, and `D + N workdays`."""

    def __init__(self, weekdays: tuple[str, ...], holidays: Container[date] = frozenset()) -> None:
        if not weekdays:
            raise ValueError("at least one working weekday is needed")
        self._weekdays = frozenset(WEEKDAYS.index(d) for d in weekdays)
        self._holidays = holidays
        self._no_holidays = isinstance(holidays, frozenset | set) and not holidays
        #: per year, its holidays that fall on a working weekday, sorted (a memo of a pure
        #: function of the year: the holidays of a calendar don't change)
        self._lost: dict[int, list[date]] = {}

    @classmethod
    def from_config(cls, calendar: CalendarConfig) -> Workdays:
        if not calendar.holidays:
            return cls(calendar.workdays)
        import holidays  # heavy: only when a calendar is configured

        country, _, subdiv = calendar.holidays.partition("-")
        return cls(calendar.workdays, holidays.country_holidays(country, subdiv=subdiv or None))

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self._weekdays and day not in self._holidays

    def roll(self, day: date) -> date:
        """`day` if it is a working day, else the next working day."""
        while not self.is_workday(day):
            day += _DAY
        return day

    def add(self, day: date, n: int) -> date:
        """`day + n workdays`: count n working days forward; for n = 0, roll to a working day.

        What `add_by_steps` gives, in time that does not grow with n: a count of a week's
        working days or fewer is stepped; a larger one jumps over the whole weeks it spans (each
        holds the same working weekdays), then goes on for as many working days as holidays
        fell on working weekdays in the range it jumped (once more for those of that stretch).
        """
        if n <= len(self._weekdays):
            return add_by_steps(self, day, n)
        while n:
            end = self._add_weekdays(day, n)
            n = self._holidays_between(day, end)
            day = end
        return day

    def _add_weekdays(self, day: date, n: int) -> date:
        """`day` + n working weekdays (n ≥ 1), public holidays left aside."""
        weeks, rest = divmod(n, len(self._weekdays))
        if rest == 0:  # land on a working weekday: the last week is stepped through
            weeks, rest = weeks - 1, len(self._weekdays)
        day += _WEEK * weeks
        while rest:
            day += _DAY
            rest -= day.weekday() in self._weekdays
        return day

    def _holidays_between(self, after: date, last: date) -> int:
        """How many holidays fall on a working weekday in (after, last]."""
        if self._no_holidays:
            return 0
        return sum(
            bisect_right(lost, last) - bisect_right(lost, after)
            for lost in map(self._lost_in, range(after.year, last.year + 1))
        )

    def _lost_in(self, year: int) -> list[date]:
        lost = self._lost.get(year)
        if lost is None:
            first = date(year, 1, 1)
            days = (date(year, 12, 31) - first).days + 1
            lost = [
                day for day in (first + timedelta(days=n) for n in range(days))
                if day.weekday() in self._weekdays and day in self._holidays
            ]
            self._lost[year] = lost
        return lost


def add_by_steps(workdays: Workdays, day: date, n: int) -> date:
    """`day + n workdays`, one day at a time: the reference `Workdays.add` is tested against
    (and what it does itself for counts of a week or less)."""
    if n <= 0:
        return workdays.roll(day)
    while n:
        day += _DAY
        if workdays.is_workday(day):
            n -= 1
    return day

