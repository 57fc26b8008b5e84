"""Working calendars: weekdays, public holidays (the `holidays` package, through the cache
of ``store/days_off.py``) and closures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from feasibility.models.capacity import Calendar, CalendarOverride, Closure, Holidays
from feasibility.models.common import WEEKDAYS
from feasibility.store.days_off import holidays_of, region_problem, years_unknown


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: a weekday pattern less holidays and closures."""

    weekdays: frozenset[int]
    """Worked days of the week, Monday = 0."""
    holidays: Holidays | None
    closures: tuple[Closure, ...]
    _off: dict[int, frozenset[dt.date]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """Holidays and closed days by year, filled as years are asked for."""

    def works(self, day: dt.date) -> bool:
        """True when ``day`` is a working day of this calendar."""
        if day.weekday() not in self.weekdays:
            return False
        off = self._off.get(day.year)
        if off is None:
            off = self._off[day.year] = self._days_off(day.year)
        return day not in off

    def _days_off(self, year: int) -> frozenset[dt.date]:
        days = set(public_holidays(self.holidays, year)) if self.holidays is not None else set()
        for c in self.closures:
            day, last = max(c.from_, dt.date(year, 1, 1)), min(c.to, dt.date(year, 12, 31))
            while day <= last:
                days.add(day)
                day += dt.timedelta(days=1)
        return frozenset(days)

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
    return holidays_of(spec.country, spec.subdivision, year)


def holidays_gap(spec: Holidays, first: int, last: int) -> str | None:
    """What the holidays package warns it does not know of the years ``first``..``last``
    (e.g. 'Requested Holidays are available only from 2001 to 2035'), or None."""
    return years_unknown(spec.country, spec.subdivision, first, last)


def known_region(spec: Holidays) -> str | None:
    """None when the holidays package knows the country and subdivision; else what is wrong."""
    return region_problem(spec.country, spec.subdivision)
