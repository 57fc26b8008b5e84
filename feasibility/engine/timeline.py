"""The day grid of a check: day 0 is the check date; capacity and stock by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from feasibility.engine.calendar import WorkCalendar, company_calendar, merged_calendar
from feasibility.models.capacity import CapacityFile, Material, Resource
from feasibility.models.common import WEEKDAYS

EPS = 1e-9
"""Amounts closer than this to zero count as zero (floating-point residue)."""

MAX_CALENDAR_DAYS = 366 * 20
"""The grid never spans more than twenty years, whatever the horizon."""


@dataclass(frozen=True)
class Timeline:
    """Calendar days from the check date, with the company's working days."""

    start: dt.date
    """The check date (day index 0)."""
    company_works: tuple[bool, ...]
    """Whether the company (default calendar) works on each day index."""
    calendar: WorkCalendar
    """The company calendar, for days outside the grid."""

    @property
    def ndays(self) -> int:
        """Number of calendar days covered."""
        return len(self.company_works)

    def date(self, index: int) -> dt.date:
        """The date of a day index."""
        return self.start + dt.timedelta(days=index)

    def index(self, day: dt.date) -> int:
        """The day index of a date (negative before the check date)."""
        return (day - self.start).days

    def add_workdays(self, index: int, n: int) -> int:
        """The n-th company working day after ``index`` (n = 0: ``index`` itself).

        Returns ``ndays`` when that day lies beyond the grid.
        """
        i = index
        while n > 0:
            i += 1
            if i >= self.ndays:
                return self.ndays
            if self.company_works[i]:
                n -= 1
        return i

    def first_workday(self, index: int) -> int:
        """The first company working day on or after ``index`` (``ndays`` if none)."""
        i = max(index, 0)
        while i < self.ndays and not self.company_works[i]:
            i += 1
        return i

    def works(self, index: int) -> bool:
        """Whether the company works on a day index (also outside the grid)."""
        if 0 <= index < self.ndays:
            return self.company_works[index]
        return self.calendar.works(self.date(index))

    def slack(self, delivered: int, due: int) -> int:
        """Company working days from delivery to due date; negative when late."""
        lo, hi = sorted((delivered, due))
        n = sum(1 for i in range(lo + 1, hi + 1) if self.works(i))
        return n if due >= delivered else -n


def build_timeline(model: CapacityFile, as_of: dt.date) -> Timeline:
    """A grid long enough for ``policy.horizon_days`` company working days."""
    cal = company_calendar(model.calendar)
    works: list[bool] = []
    counted = 0
    day = as_of
    while counted <= model.policy.horizon_days and len(works) < MAX_CALENDAR_DAYS:
        w = cal.works(day)
        works.append(w)
        counted += w
        day += dt.timedelta(days=1)
    return Timeline(start=as_of, company_works=tuple(works), calendar=cal)


@dataclass(frozen=True)
class ResourceDays:
    """One resource's working days and gross capacity on each day of the grid."""

    resource: Resource
    calendar: WorkCalendar
    works: tuple[bool, ...]
    capacity: tuple[float, ...]
    """Capacity in the resource's unit on each day index, 0 when it does not work."""


def resource_days(model: CapacityFile, resource: Resource, timeline: Timeline) -> ResourceDays:
    """Capacity by day: per_day (or per_week over the weekly workdays) as changed by `changes`."""
    cal = merged_calendar(model.calendar, resource.calendar)
    per_week_days = max(len(cal.weekdays), 1)
    levels = [(dt.date.min, resource.per_day, resource.per_week)] + [
        (c.from_, c.per_day, c.per_week) for c in resource.changes
    ]
    works: list[bool] = []
    capacity: list[float] = []
    level = 0
    for i in range(timeline.ndays):
        day = timeline.date(i)
        while level + 1 < len(levels) and levels[level + 1][0] <= day:
            level += 1
        w = cal.works(day)
        works.append(w)
        _, per_day, per_week = levels[level]
        daily = per_day if per_day is not None else (per_week or 0.0) / per_week_days
        capacity.append(daily if w else 0.0)
    return ResourceDays(resource, cal, tuple(works), tuple(capacity))


def weekday_names(cal: WorkCalendar) -> list[str]:
    """The calendar's working weekdays as names (mon..sun)."""
    return [WEEKDAYS[d] for d in sorted(cal.weekdays)]


@dataclass
class Stock:
    """A material's projected stock by day, less what scheduled work took."""

    material: Material
    level: list[float]
    """Stock at the end of each day index before replenishment (on hand + receipts - takes)."""
    replenish: int | None
    """Day index from which any quantity can be had; None: never."""
    takes: list[tuple[int, float]] = field(default_factory=list)

    def available(self, index: int, qty: float) -> bool:
        """True when ``qty`` can be taken on day ``index`` without ever going negative."""
        if self.replenish is not None and index >= self.replenish:
            return True
        end = len(self.level) if self.replenish is None else min(self.replenish, len(self.level))
        return all(self.level[t] + EPS >= qty for t in range(index, end))

    def earliest(self, index: int, qty: float) -> int | None:
        """The first day on or after ``index`` on which ``qty`` can be taken, or None."""
        end = len(self.level) if self.replenish is None else min(self.replenish, len(self.level))
        suffix_ok = None
        running = float("inf")
        for t in range(end - 1, index - 1, -1):
            running = min(running, self.level[t])
            if running + EPS >= qty:
                suffix_ok = t
            else:
                break
        if suffix_ok is not None:
            return suffix_ok
        if self.replenish is not None:
            return max(index, self.replenish)
        return None

    def take(self, index: int, qty: float) -> None:
        """Take ``qty`` on day ``index`` (work starting that day)."""
        self.takes.append((index, qty))
        for t in range(max(index, 0), len(self.level)):
            self.level[t] -= qty


def build_stock(material: Material, timeline: Timeline) -> Stock:
    """Projected stock: on hand, plus each receipt from its date on (earlier ones count now)."""
    level = [material.on_hand] * timeline.ndays
    for r in material.receipts:
        for t in range(max(timeline.index(r.date), 0), timeline.ndays):
            level[t] += r.qty
    replenish = (
        None
        if material.replenish_days is None
        else timeline.index(timeline.start + dt.timedelta(days=material.replenish_days))
    )
    return Stock(material=material, level=level, replenish=replenish)
