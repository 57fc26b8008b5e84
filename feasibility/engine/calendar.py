"""Working calendars: weekdays, public holidays (the `holidays` package) and closures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_lib

from feasibility.models.capacity import Calendar, CalendarOverride, Closure, Holidays
from feasibility.models.common import WEEKDAYS


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: a weekday pattern less holidays and closures."""

    weekdays: frozenset[int]
    """Worked days of the week, Monday = 0."""
    holidays: Holidays | None
    closures: tuple[Closure, ...]

    def works(self, day: dt.date) -> bool:
        """True when ``day`` is a working day of this calendar."""
        if day.weekday() not in self.weekdays:
            return False
        if self.holidays is not None and day in public_holidays(self.holidays, day.year):
            return False
        return not any(c.from_ <= day <= c.to for c in self.closures)

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday's or closure's name on ``day``, if any."""
        if self.holidays is not None:
            name = public_holidays(self.holidays, day.year).get(day)
            if name:
                return str(name)
        for c in self.closures:
            if c.from_ <= day <= c.to:
                return c.reason or "closure"
        return None


def company_calendar(spec: Calendar) -> WorkCalendar:
    """The default calendar of every resource."""
    return WorkCalendar(
        weekdays=frozenset(WEEKDAYS.index(d) for d in spec.workdays),
        holidays=spec.holidays,
        closures=tuple(spec.closures),
    )


def merged_calendar(default: Calendar, override: CalendarOverride | None) -> WorkCalendar:
    """A resource's calendar: its own workdays and holidays replace the default's when
    given; its closures add to the default's."""
    if override is None:
        return company_calendar(default)
    workdays = override.workdays if override.workdays is not None else default.workdays
    return WorkCalendar(
        weekdays=frozenset(WEEKDAYS.index(d) for d in workdays),
        holidays=override.holidays if override.holidays is not None else default.holidays,
        closures=(*default.closures, *override.closures),
    )


@lru_cache(maxsize=256)
def public_holidays(spec: Holidays, year: int) -> dict[dt.date, str]:
    """Public holidays (observed days included) of one country/subdivision in one year."""
    found = holidays_lib.country_holidays(
        spec.country, subdiv=spec.subdivision, years=year, observed=True
    )
    return {day: str(name) for day, name in found.items()}


def known_region(spec: Holidays) -> str | None:
    """None when the holidays package knows the country and subdivision; else what is wrong."""
    supported: dict[str, list[str]] = holidays_lib.list_supported_countries()
    if spec.country not in supported:
        return f"unknown holidays country '{spec.country}'"
    subdivisions = supported[spec.country]
    if spec.subdivision is not None and spec.subdivision not in subdivisions:
        return f"unknown subdivision '{spec.subdivision}' of country '{spec.country}'"
    return None
