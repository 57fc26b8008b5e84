"""Held plans as load: what a booking's plan takes on the check date's day grid, whether
it still fits what is free, and taking it (SPEC, "Commitments hold their plan").

A plan's work on days before the check date is taken as done: it takes nothing. So is a
material take before the check date. A take on or after the day the booking's own
replenishment arrives (``planned_on`` + ``replenish_days``) is supplied by that order and
takes nothing from stock either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from feasibility import wording
from feasibility.engine.state import CapacityState
from feasibility.engine.timeline import EPS, Timeline
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import HeldPlan

FREEZE_AFTER = 500_000
"""Objects made by a ``paused_gc`` phase above which they are left out of later passes."""


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off while a phase builds many objects that live on
    (thousands of bookings read, their plans placed): each of its passes would walk them
    all again, which took over half the time of reading 10,000 bookings. What such a phase
    drops is freed by reference counting as always; nested phases leave it to the outer.

    When the phase made more than ``FREEZE_AFTER`` objects, they are moved out of the
    collector's sight (``gc.freeze``) before it is turned on again: its first pass would
    otherwise walk every one of them (a quarter of a second at 10,000 bookings)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_AFTER:
            gc.freeze()
        gc.enable()


@dataclass(frozen=True)
class Misfit:
    """Why a held plan no longer fits the model on a check date."""

    message: str
    """A sentence naming the step instance, the day and the resource or material."""
    step: int | None = None
    """Index in the plan's ``steps`` (to locate it in the booking file), if any."""
    take: int | None = None
    """Index in the plan's ``materials``, if any."""
    day: dt.date | None = None
    resource: str | None = None
    material: str | None = None
    short: float = 0.0
    """By how much it is short, in the resource's or material's unit (0: a rule)."""


@dataclass(frozen=True)
class PlanLoad:
    """A held plan on the day grid: amounts per resource and day index, material takes."""

    amounts: dict[str, dict[int, float]]
    """Resource -> day index -> amount held (days on the grid only)."""
    where: dict[tuple[str, int], int]
    """(resource, day index) -> index of the first plan step holding it there."""
    takes: list[tuple[int, int, str, float]]
    """(day index, take index, material, quantity) that come off stock, by day."""


def plan_load(model: CapacityFile, timeline: Timeline, plan: HeldPlan) -> PlanLoad:
    """What ``plan`` takes on ``timeline`` (nothing before its start, see the module)."""
    amounts: dict[str, dict[int, float]] = defaultdict(dict)
    where: dict[tuple[str, int], int] = {}
    ndays, first = timeline.ndays, timeline.start
    for k, step in enumerate(plan.steps):
        for day, uses in step.days.items():
            i = (day - first).days  # timeline.index
            if i < 0 or i >= ndays:
                continue
            for r, amount in uses.items():
                held = amounts[r]
                if i in held:
                    held[i] += amount
                else:
                    held[i] = amount
                    where[(r, i)] = k
    lead = {m.id: m.replenish_days for m in model.materials}
    takes: list[tuple[int, int, str, float]] = []
    for k, take in enumerate(plan.materials):
        i = timeline.index(take.date)
        if i < 0:
            continue
        for m, qty in take.take.items():
            days = lead.get(m)
            if days is not None and take.date >= plan.planned_on + dt.timedelta(days=days):
                continue
            takes.append((i, k, m, qty))
    takes.sort()
    return PlanLoad(dict(amounts), where, takes)


Pending = dict[str, dict[int, float]]
"""Held load not yet taken off the state: resource -> day index -> amount, summed in
booking order (see ``HeldTotals``)."""


def stops_counting(hold_until: dt.date | None, dues: Sequence[dt.date | None]) -> dt.date | None:
    """The first check date on which a booking no longer counts (``commitments.counts``):
    the day after its hold expires, or after its last due date when every line has one
    (None: it always counts)."""
    ends = [] if hold_until is None else [hold_until]
    if None not in dues:
        ends.append(max((d for d in dues if d is not None), default=dt.date.min))
    return min(ends) + dt.timedelta(days=1) if ends else None


@dataclass(frozen=True)
class HeldTotals:
    """Every counted booking's plan on a check date on which all of them fit: the amounts
    per resource and day summed in booking order, and the stock takes in booking order.

    Taken off a state as one amount per day, they give bit for bit the state that taking
    the plans one by one gives, and on any later check date the same holds for the days
    from then on (a plan that fits keeps fitting as the date moves: days and takes before
    it are done, bookings only stop counting), as long as no booking that stops counting
    still takes something from then on (``usable_on``).
    """

    as_of: dt.date
    amounts: dict[str, dict[int, float]]
    """Resource -> date ordinal -> amount."""
    takes: list[tuple[int, str, float]]
    """(date ordinal, material, quantity), in booking order."""
    ids: frozenset[str]
    """Every counted booking's id."""
    outlive: list[tuple[int, int]]
    """(first day it no longer counts, last day its plan holds or takes anything), date
    ordinals, of each counted booking whose plan goes on after it stops counting."""

    _rows: dict[tuple[int, int], dict[str, list[float]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """``rows`` already laid out, by grid."""

    def rows(self, start: int, ndays: int) -> dict[str, list[float]]:
        """Per resource, the amount on each day index of a grid of ``ndays`` days from
        date ordinal ``start`` (0.0 on days without), laid out once per grid."""
        found = self._rows.get((start, ndays))
        if found is None:
            found = self._rows[(start, ndays)] = {}
            for r, days in self.amounts.items():
                row = found[r] = [0.0] * ndays
                for day, amount in days.items():
                    if 0 <= day - start < ndays:
                        row[day - start] = amount
        return found

    def usable_on(self, day: dt.date) -> bool:
        """Whether these totals are the bookings' load on check date ``day``."""
        if day < self.as_of:
            return False
        o = day.toordinal()
        return not any(stop <= o <= last for stop, last in self.outlive)


def take_pending(state: CapacityState, pending: Pending) -> None:
    """Take the pending held load off ``state`` and forget it."""
    for r, days in pending.items():
        free = state.free[r]
        for i, amount in days.items():
            free[i] -= amount
    pending.clear()


def add_pending(pending: Pending, load: PlanLoad) -> None:
    """Add a fitting plan's load to ``pending`` (its stock takes are taken at once)."""
    for r, days in load.amounts.items():
        held = pending.setdefault(r, {})
        for i, amount in days.items():
            held[i] = held.get(i, 0.0) + amount


def take_totals(state: CapacityState, totals: HeldTotals) -> None:
    """Take ``totals`` off ``state`` on the days from its check date on."""
    start, ndays = state.timeline.start.toordinal(), state.timeline.ndays
    for r, row in totals.rows(start, ndays).items():
        free = state.free[r]
        assert len(free) == ndays, "a free-capacity list covers the grid"
        # x - 0.0 is x: days without an amount keep their value bit for bit.
        free[:] = map(operator.sub, free, row)
    for day, m, qty in totals.takes:
        if day >= start:
            state.stocks[m].take(day - start, qty)


def load_misfits(
    model: CapacityFile,
    state: CapacityState,
    plan: HeldPlan,
    load: PlanLoad,
    pending: Pending | None = None,
) -> list[Misfit]:
    """Where ``load`` does not fit ``state`` (less what is ``pending``): a resource that
    does not work that day or has less free than the plan holds, a take the stock cannot
    give (unknown ids included)."""
    out: list[Misfit] = []
    tl = state.timeline
    for r, days in load.amounts.items():
        free, works = state.free.get(r), state.works.get(r)
        held = (pending or {}).get(r, {})
        for i in sorted(days):
            amount = days[i]
            if free is None or works is None:
                text = f"'{r}' is not a resource"
                out.append(_misfit(plan, load.where[(r, i)], tl.date(i), r, amount, text))
                continue
            left = free[i] - held.get(i, 0.0)
            if not works[i]:
                text = f"{r} does not work that day"
                out.append(_misfit(plan, load.where[(r, i)], tl.date(i), r, amount, text))
            elif left + EPS < amount:
                short = amount - max(left, 0.0)
                unit = next(x.unit for x in model.resources if x.id == r)
                text = (
                    f"{r} has {wording.amount(round(left, 3), unit)} free, the plan holds "
                    f"{_n(amount)} that day"
                )
                out.append(_misfit(plan, load.where[(r, i)], tl.date(i), r, short, text))
    out += _stock_misfits(model, state, plan, load)
    return out


def _stock_misfits(
    model: CapacityFile, state: CapacityState, plan: HeldPlan, load: PlanLoad
) -> list[Misfit]:
    """Takes the stock cannot give: each take, with every earlier take of the plan, must be
    there from its day on (the stock's own ``available`` with the running total)."""
    out: list[Misfit] = []
    units = {m.id: m.unit for m in model.materials}
    total: dict[str, float] = defaultdict(float)
    for i, k, m, qty in load.takes:
        stock = state.stocks.get(m)
        day = state.timeline.date(i)
        total[m] += qty
        take = plan.materials[k]
        what = f"line {take.line}" + (f" unit {take.unit}" if take.unit else "")
        if stock is None:
            text = f"{what} takes '{m}' on {day}, which is not a material"
            out.append(Misfit(text, take=k, day=day, material=m, short=qty))
        elif not stock.available(i, total[m]):
            text = (
                f"{what} takes {_n(qty)} {units[m]} of {m} on {day}: not that much in stock "
                "from then on"
            )
            out.append(Misfit(text, take=k, day=day, material=m, short=qty))
    return out


def take_load(state: CapacityState, load: PlanLoad) -> None:
    """Take ``load`` off ``state`` (capacity, then stock)."""
    for r, days in load.amounts.items():
        free = state.free[r]
        for i, amount in days.items():
            free[i] -= amount
    for i, _, m, qty in load.takes:
        state.stocks[m].take(i, qty)


def _misfit(plan: HeldPlan, k: int, day: dt.date, resource: str, short: float, why: str) -> Misfit:
    s = plan.steps[k]
    unit = f" unit {s.unit}" if s.unit else ""
    text = f"line {s.line}{unit} step {s.step} on {day}: {why}"
    return Misfit(text, step=k, day=day, resource=resource, short=short)


def _n(x: float) -> str:
    """An amount as people write it: 2, 1.5, 0.333."""
    return f"{round(x, 3):g}"
