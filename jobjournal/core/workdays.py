"""Working-day arithmetic: configured weekdays minus public holidays.

See docs/rules.md, "Working days".
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

from jobjournal.config import WEEKDAYS, CalendarConfig


class Workdays:
    """Which days are working days, and `D + N workdays`."""

    def __init__(self, weekdays: tuple[str, ...], holidays: Container[date] = frozenset()) -> None:
        if not weekdays:
            raise ValueError("at least one working weekday is needed")
        self._weekdays = frozenset(WEEKDAYS.index(d) for d in weekdays)
        self._holidays = holidays

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
            day += timedelta(days=1)
        return day

    def add(self, day: date, n: int) -> date:
        """`day + n workdays`: count n working days forward; for n = 0, roll to a working day."""
        if n <= 0:
            return self.roll(day)
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day
