"""The day grid of a check: day 0 is the check date; capacity and stock by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    if resource.calendar is None:
        works = timeline.company_works  # the company calendar, already worked out per day
    else:
        works = tuple(cal.works(timeline.date(i)) for i in range(timeline.ndays))
    per_week_days = max(len(cal.weekdays), 1)
    levels = [(0, resource.per_day, resource.per_week)] + [
        (max(timeline.index(c.from_), 0), c.per_day, c.per_week)
        for c in sorted(resource.changes, key=lambda c: c.from_)
    ]
    capacity: list[float] = []
    for k, (first, per_day, per_week) in enumerate(levels):
        last = levels[k + 1][0] if k + 1 < len(levels) else timeline.ndays
        daily = per_day if per_day is not None else (per_week or 0.0) / per_week_days
        capacity.extend(daily if w else 0.0 for w in works[first:last])
    return ResourceDays(resource, cal, works, tuple(capacity))


def weekday_names(cal: WorkCalendar) -> list[str]:
    """The calendar's working weekdays as names (mon..sun)."""
    return [WEEKDAYS[d] for d in sorted(cal.weekdays)]


_GRAIN = 2.0**20
"""Stock amounts that are whole multiples of 1/_GRAIN ..."""
_BOUND = 2.0**32
"""... and smaller than this in magnitude add and subtract exactly in floating point,
in any order (2**20 * 2**33 < 2**53), so takes can be summed per block and per day."""


def _exact(x: float) -> bool:
    return -_BOUND < x < _BOUND and (x * _GRAIN).is_integer()


class Stock:
    """A material's projected stock by day, less what scheduled work took.

    ``level`` reads as a plain list (stock at the end of each day index before
    replenishment: on hand + receipts - takes) and may be changed in place by the
    caller. Internally, while every amount is exact in floating point (``_exact``), a
    take is recorded in O(sqrt(days)): days before ``replenish`` (the only ones queries
    look at) are kept in blocks with a pending amount per block and the block minimum;
    later days only get a per-day total, applied when ``level`` is read. Any amount that
    is not exact switches the stock to the plain day-by-day arithmetic, so the values
    are always the ones that subtracting every take from every later day gives.
    """

    def __init__(
        self,
        material: Material,
        level: list[float],
        replenish: int | None,
        takes: list[tuple[int, float]] | None = None,
    ) -> None:
        self.material = material
        self._level = level
        """Per day: the value, less (before ``replenish``) its block's ``_lazy`` and
        (from ``replenish`` on) the running total of ``_diff``."""
        self.replenish = replenish
        """Day index from which any quantity can be had; None: never."""
        self.takes: list[tuple[int, float]] = takes if takes is not None else []
        self._plain = False
        """True once some amount was not exact: day-by-day arithmetic only."""
        self._built = False
        self._end = 0
        self._size = 1
        self._lazy: list[float] = []
        self._low: list[float] = []
        self._diff: dict[int, float] = {}
        self._total = 0.0

    def __repr__(self) -> str:
        return f"Stock({self.material.id!r}, replenish={self.replenish!r})"

    def copy(self) -> Stock:
        """An independent copy with the same values, blocks and takes (no rebuild: a
        scratch copy per candidate schedule or sample costs only the lists' copies)."""
        twin = Stock(self.material, list(self._level), self.replenish, list(self.takes))
        twin._plain, twin._built = self._plain, self._built
        twin._end, twin._size, twin._total = self._end, self._size, self._total
        twin._lazy, twin._low, twin._diff = list(self._lazy), list(self._low), dict(self._diff)
        return twin

    @property
    def level(self) -> list[float]:
        """Stock by day index, as a list the caller may change."""
        self._flush()
        return self._level

    def _flush(self) -> None:
        """Apply the pending amounts to ``_level`` and drop the blocks."""
        if not self._built:
            return
        self._built = False
        level, size = self._level, self._size
        for b, lazy in enumerate(self._lazy):
            if lazy:
                for t in range(b * size, min((b + 1) * size, self._end)):
                    level[t] -= lazy
        if self._diff:
            run = 0.0
            for t in range(self._end, len(level)):
                run += self._diff.get(t, 0.0)
                level[t] -= run
        self._lazy, self._low, self._diff = [], [], {}

    def _build(self) -> bool:
        """Set up the blocks; False (and plain arithmetic from now on) when an amount
        is not exact."""
        if self._built:
            return True
        if self._plain:
            return False
        level = self._level
        if not all(_exact(x) for x in level):
            self._plain = True
            return False
        n = len(level)
        end = n if self.replenish is None else max(min(self.replenish, n), 0)
        size = max(8, int(end**0.5))
        self._end, self._size = end, size
        nblocks = (end + size - 1) // size
        self._lazy = [0.0] * nblocks
        self._low = [min(level[b * size : min((b + 1) * size, end)]) for b in range(nblocks)]
        self._diff = {}
        self._total = 0.0
        self._built = True
        return True

    def _end_day(self) -> int:
        n = len(self._level)
        return n if self.replenish is None else min(self.replenish, n)

    def available(self, index: int, qty: float) -> bool:
        """True when ``qty`` can be taken on day ``index`` without ever going negative."""
        if self.replenish is not None and index >= self.replenish:
            return True
        if index < 0 or not self._build():
            self._flush()
            level = self._level
            return all(level[t] + EPS >= qty for t in range(index, self._end_day()))
        end, size, level = self._end, self._size, self._level
        if index >= end:
            return True
        b = index // size
        hi = min((b + 1) * size, end)
        lazy = self._lazy[b]
        low = min(level[index:hi]) - lazy
        for m in self._low[b + 1 :]:
            low = min(low, m)
        return low + EPS >= qty

    def earliest(self, index: int, qty: float) -> int | None:
        """The first day on or after ``index`` on which ``qty`` can be taken, or None."""
        if index < 0 or not self._build():
            self._flush()
            suffix_ok = self._plain_suffix(index, qty)
        else:
            suffix_ok = self._suffix(index, qty)
        if suffix_ok is not None:
            return suffix_ok
        if self.replenish is not None:
            return max(index, self.replenish)
        return None

    def _plain_suffix(self, index: int, qty: float) -> int | None:
        level = self._level
        suffix_ok = None
        running = float("inf")
        for t in range(self._end_day() - 1, index - 1, -1):
            running = min(running, level[t])
            if running + EPS >= qty:
                suffix_ok = t
            else:
                break
        return suffix_ok

    def _suffix(self, index: int, qty: float) -> int | None:
        """The first day of the run of days up to ``replenish`` on which ``qty`` can
        be taken, ending there and starting no earlier than ``index`` (None: empty)."""
        end, size, level, lazies, lows = self._end, self._size, self._level, self._lazy, self._low
        if index >= end:
            return None
        first = index // size
        for b in range((end - 1) // size, first - 1, -1):
            lo = b * size
            if lo >= index and lows[b] + EPS >= qty:
                continue
            lazy = lazies[b]
            for t in range(min(lo + size, end) - 1, max(lo, index) - 1, -1):
                if level[t] - lazy + EPS < qty:
                    return t + 1 if t + 1 < end else None
        return index

    def take(self, index: int, qty: float) -> None:
        """Take ``qty`` on day ``index`` (work starting that day)."""
        self.takes.append((index, qty))
        i = max(index, 0)
        level = self._level
        if self._build() and _exact(qty) and self._total + abs(qty) < _BOUND:
            if i >= len(level):
                return
            self._total += abs(qty)
            end = self._end
            if i >= end:
                self._diff[i] = self._diff.get(i, 0.0) + qty
                return
            self._diff[end] = self._diff.get(end, 0.0) + qty
            size = self._size
            b = i // size
            hi = min((b + 1) * size, end)
            for t in range(i, hi):
                level[t] -= qty
            lows, lazies = self._low, self._lazy
            lows[b] = min(level[b * size : hi]) - lazies[b]
            for c in range(b + 1, len(lows)):
                lazies[c] += qty
                lows[c] -= qty
            return
        self._flush()
        self._plain = True
        for t in range(i, len(level)):
            level[t] -= qty


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
