"""Engine runs for counter-offers: a transformed deal scheduled the way `check` does it.

A trial runs the engine's search on a deal with an offer applied and says whether the
lines the offer is about are delivered by their target days. Probes run it with a few
candidate schedules (``PROBE_BUDGET``) while searching for an amount, a quantity or a
date; verification runs it with the policy's ``search_schedules``. Capacity and stock
can be changed on a plan's state for cheap probes (``with_extra``, ``with_receipt``);
an offer that changes the model is verified on a plan built from the changed model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from feasibility.engine.commitments import build_plan
from feasibility.engine.plan import Plan, Prepared, prepare
from feasibility.engine.result import LineResult
from feasibility.engine.solve import Basis, schedule_deal
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal, DealLine

PROBE_BUDGET = 3
"""Candidate schedules per probe (the search's first priority rules)."""

Targets = dict[int, int]
"""Deal line index -> latest day index it may be delivered on."""


@dataclass(frozen=True)
class LineCase:
    """A line to find offers for: the deal as checked, the line's index and its result."""

    plan: Plan
    prepared: Prepared
    j: int
    """Index of the line among the expanded lines (``prepared.lines``)."""
    result: LineResult

    @property
    def deal(self) -> Deal:
        """The deal as checked."""
        return self.prepared.deal

    @property
    def n(self) -> int:
        """Index of the line in the deal."""
        return self.prepared.lines[self.j]

    @property
    def line(self) -> DealLine:
        """The deal line."""
        return self.deal.lines[self.n]

    @property
    def due(self) -> int:
        """The line's due day index (only lines with a due date get offers)."""
        due = self.prepared.due[self.j]
        assert due is not None
        return due

    @property
    def release(self) -> int:
        """The line's earliest start, as a day index."""
        return self.prepared.release[self.j]

    @property
    def on_due(self) -> Targets:
        """The line delivered by its due date."""
        return {self.n: self.due}

    @property
    def label(self) -> str:
        """'Line n (offering): ' to start a message in a deal of several lines, else ''."""
        return f"Line {self.n} ({self.line.offering}): " if len(self.deal.lines) > 1 else ""

    @property
    def whole(self) -> str:
        """The whole line in a sentence: 'all 12', or 'delivery' for a single unit."""
        return f"all {self.line.quantity}" if self.line.quantity > 1 else "delivery"

    def date(self, index: int) -> dt.date:
        """The date of a day index."""
        return self.plan.timeline.date(index)

    def workdays(self, resource: str, lo: int) -> int:
        """Working days of ``resource`` from day index ``lo`` to the line's due date."""
        return sum(self.plan.resources[resource].works[max(lo, 0) : self.due + 1])

    @cached_property
    def basis(self) -> Basis:
        """The deal as checked, compiled with its unlimited bound, on this plan: probes on
        plans with more free capacity (``with_extra``) start from it."""
        return Basis.of(self.plan, self.prepared)

    def meets(self, deal: Deal, targets: Targets, *, probe: bool = False) -> bool:
        """Whether ``deal`` meets ``targets`` on this plan (a probe, or the full search)."""
        return meets(self.plan, deal, targets, PROBE_BUDGET if probe else None)


def delivered(
    plan: Plan,
    deal: Deal,
    targets: Targets,
    budget: int | None = None,
    basis: Basis | None = None,
) -> list[int | None]:
    """Day index each line of ``deal`` is delivered on (None: not scheduled).

    Runs the engine's search as ``check`` does (stopping once the unlimited-capacity
    bound is reached), and also stops once the targets are met in a way no better
    candidate can undo. The search ranks lines not delivered first, then lateness, then
    delivery dates: so a single line keeps meeting its target, and several lines keep
    meeting their due dates once every line is delivered and none is late, every line
    but those no schedule can deliver (``Basis.never``: they are missing from every
    candidate alike). Without a ``budget`` (a verification, not a probe), a
    search that does not settle goes on to the exact stage as `check` does, without the
    targets: what it finds is what `check` of ``deal`` finds, since a schedule forced to
    meet the targets need not be the one SPEC's objective prefers. ``basis``: ``deal``'s
    on a plan that ``plan`` differs from in free capacity alone (``LineCase.basis``).
    """
    if basis is None:
        basis = Basis.of(plan, prepare(plan, deal))
    prepared = basis.prepared
    by_job = {j: targets[n] for j, n in enumerate(prepared.lines) if n in targets}
    single = len(prepared.lines) == 1
    on_due = all(prepared.due[j] == day for j, day in by_job.items())
    # A single line settles on its target alone; several need the lines any schedule can
    # deliver, all on time (whether a line cannot be delivered is asked only of the lines
    # a candidate leaves out).

    def settled(days: list[int | None]) -> bool:
        if not _meets(days, by_job):
            return False
        if single:
            return True
        if not on_due:
            return False
        missed = [
            j for j, d in enumerate(prepared.due) if days[j] is None or not _meets(days, {j: d})
        ]
        return all(days[j] is None and basis.never(plan.state.free, j) for j in missed)

    out = schedule_deal(plan, prepared, budget, enough=settled, basis=basis).out
    dates: list[int | None] = [None] * len(deal.lines)
    for j, n in enumerate(prepared.lines):
        dates[n] = out.delivered[j]
    return dates


def meets(
    plan: Plan,
    deal: Deal,
    targets: Targets,
    budget: int | None = None,
    basis: Basis | None = None,
) -> bool:
    """True when every target line of ``deal`` is delivered by its target day."""
    return _meets(delivered(plan, deal, targets, budget, basis), targets)


def _meets(dates: list[int | None], targets: Mapping[int, int | None]) -> bool:
    for n, day in targets.items():
        got = dates[n]
        if day is not None and (got is None or got > day):
            return False
    return True


def replan(plan: Plan, model: CapacityFile) -> Plan:
    """``plan``'s bookings and check date on ``model``, a more generous version of
    ``plan``'s (more capacity, earlier supply: what offers try), so that every plan that
    fitted still fits and the held totals are taken as they are (the day tables of
    unchanged resources are shared with ``plan``)."""
    if plan.held is not None:
        return build_plan(model, [], plan.as_of, like=plan, held=plan.held)
    return build_plan(model, [b.deal for b in plan.bookings], plan.as_of, like=plan)


def with_extra(plan: Plan, extra: dict[str, float], lo: int, hi: int) -> Plan:
    """``plan`` with more free capacity on the resources' working days lo..hi (probes)."""
    state = plan.state.fork(extra, [])
    for r, amount in extra.items():
        free, works = state.free[r], state.works[r]
        for i in range(max(lo, 0), min(hi, len(free) - 1) + 1):
            if works[i]:
                free[i] += amount
    return replace(plan, state=state)


def with_receipt(plan: Plan, material: str, planned: int, arrival: int, qty: float) -> Plan:
    """``plan`` with ``qty`` of ``material`` in stock from ``arrival`` instead of
    ``planned`` (probes; both day indexes)."""
    state = plan.state.fork([], [material])
    level = state.stocks[material].level
    for t in range(max(arrival, 0), min(planned, len(level))):
        level[t] += qty
    return replace(plan, state=state)


def smallest(bad: int, good: int, ok: Callable[[int], bool]) -> int:
    """The smallest k in (bad, good] with ``ok(k)``, by bisection (``ok(good)`` holds)."""
    while good - bad > 1:
        mid = (bad + good) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


def largest(good: int, bad: int, ok: Callable[[int], bool]) -> int:
    """The largest k in [good, bad) with ``ok(k)``, by bisection (``ok(good)`` holds)."""
    while bad - good > 1:
        mid = (bad + good) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good
