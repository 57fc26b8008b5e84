"""Weekly load of each resource: capacity, work already booked, and a deal's work overlaid.

Weeks run Monday to Sunday. Amounts are in the resource's unit. Days before the check date
are the past, which the engine does not plan: they count neither capacity nor work, so the
week holding the check date counts only its days from the check date on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.confidence import sample_deal
from feasibility.engine.plan import Plan, other_bookings, prepare
from feasibility.engine.result import DealResult
from feasibility.engine.solve import schedule_deal
from feasibility.engine.timeline import EPS
from feasibility.engine.weeks import DEFAULT_WEEKS, week_start
from feasibility.errors import UsageError
from feasibility.models.capacity import CapacityFile, Resource
from feasibility.models.deal import Deal
from feasibility.validation.schema import did_you_mean


@dataclass(frozen=True)
class WeekLoad:
    """One resource in one week; amounts in the resource's unit."""

    start: dt.date
    """The Monday the week starts on."""
    capacity: float
    """Gross capacity of the week's days from the check date on (before any work)."""
    booked: float
    """Capacity taken by reservations and bookings."""
    deal: float = 0.0
    """Capacity the overlaid deal's schedule takes (0 without a deal); with a percentile
    asked for, that percentile of what the deal's confidence samples take this week."""

    @property
    def utilization(self) -> float | None:
        """Share of capacity booked or reserved; None when there is no capacity that week."""
        return self.booked / self.capacity if self.capacity > EPS else None

    @property
    def with_deal(self) -> float | None:
        """Share of capacity taken once the deal's work is added; None without capacity."""
        return (self.booked + self.deal) / self.capacity if self.capacity > EPS else None


@dataclass(frozen=True)
class ResourceLoad:
    """One resource's load, week by week."""

    resource: Resource
    weeks: list[WeekLoad]


@dataclass(frozen=True)
class LoadResult:
    """The load of the chosen resources over consecutive weeks, on one check date."""

    as_of: dt.date
    company: str
    target: float
    """``policy.target_utilization``: loading above this share of capacity is at risk."""
    start: dt.date
    """The Monday of the first week."""
    weeks: int
    resources: list[ResourceLoad]
    deal: DealResult | None = None
    """The overlaid deal, checked against the bookings (None without ``--with``)."""
    percentile: int | None = None
    """The deal's load is this percentile of its sampled loads (None: its schedule's)."""

    @property
    def mondays(self) -> list[dt.date]:
        """The first day of each week shown."""
        return [self.start + dt.timedelta(weeks=w) for w in range(self.weeks)]

    @property
    def end(self) -> dt.date:
        """The Sunday of the last week."""
        return self.start + dt.timedelta(days=7 * self.weeks - 1)


def load_report(
    model: CapacityFile,
    bookings: Sequence[Deal],
    as_of: dt.date,
    *,
    start: dt.date | None = None,
    weeks: int = DEFAULT_WEEKS,
    resources: Sequence[str] = (),
    deal: Deal | None = None,
    percentile: int | None = None,
) -> LoadResult:
    """Weekly load from the week of ``start`` (default: the check date) for ``weeks`` weeks.

    ``resources`` picks resources by id (default: all, in file order); ``deal`` is checked
    against the other bookings (never on top of its own, as `check` does) and its schedule
    overlaid; with ``percentile`` (e.g. 80), each week shows that percentile of what the
    deal's confidence samples take that week instead. Raises ``UsageError`` for an unknown
    resource, a start before the check date's week, or weeks beyond the planning horizon.
    """
    plan = build_plan(
        model, bookings if deal is None else other_bookings(bookings, {deal.id}), as_of
    )
    first = week_start(start or as_of)
    if first < week_start(as_of):
        raise UsageError(
            f"--from {start} is before the week of the check date {as_of}: the past is not "
            "planned; use --as-of to look at another date"
        )
    last = plan.timeline.index(first) + 7 * weeks - 1
    if last >= plan.timeline.ndays:
        end = plan.timeline.date(plan.timeline.ndays - 1)
        raise UsageError(
            f"--weeks {weeks}: the model plans up to {end} (policy.horizon_days); ask for fewer"
        )
    overlay = None if deal is None else check_deal(plan, deal)
    weekly = None
    if deal is not None and percentile is not None:
        weekly = sampled_weeks(plan, deal, first, weeks, percentile / 100)
    return LoadResult(
        as_of=as_of,
        company=model.company,
        target=model.policy.target_utilization,
        start=first,
        weeks=weeks,
        resources=[
            resource_load(plan, r, first, weeks, overlay, weekly)
            for r in pick_resources(model, resources)
        ],
        deal=overlay,
        percentile=percentile if deal is not None else None,
    )


def sampled_weeks(
    plan: Plan, deal: Deal, first: dt.date, weeks: int, q: float
) -> dict[str, list[float]]:
    """Per resource, the ``q`` quantile (nearest rank) of what the deal's confidence
    samples take in each week from the Monday ``first``."""
    prepared = prepare(plan, deal)
    drawn = sample_deal(
        plan, prepared, schedule_deal(plan, prepared), plan.model.policy.samples, record=True
    )
    lo = plan.timeline.index(first)
    per: dict[str, list[list[float]]] = {}
    for taken in drawn.taken:
        sums: dict[str, list[float]] = {}
        for day, r, amount in taken:
            w = (day - lo) // 7
            if 0 <= w < weeks:
                sums.setdefault(r, [0.0] * weeks)[w] += amount
        for r, row in sums.items():
            per.setdefault(r, []).append(row)
    n = len(drawn.taken)
    rank = max(1, math.ceil(q * n - 1e-9)) - 1
    out: dict[str, list[float]] = {}
    for r, rows in per.items():
        rows += [[0.0] * weeks] * (n - len(rows))
        out[r] = [sorted(col)[rank] for col in zip(*rows, strict=True)]
    return out


def pick_resources(model: CapacityFile, ids: Sequence[str]) -> list[Resource]:
    """The resources named (all when none are), in file order; unknown ids are usage errors."""
    known = [r.id for r in model.resources]
    for rid in ids:
        if rid not in known:
            hint = did_you_mean(rid, known) or f"; resources: {', '.join(known)}"
            raise UsageError(f"--resource: no resource '{rid}'{hint}")
    return [r for r in model.resources if not ids or r.id in ids]


def resource_load(
    plan: Plan,
    resource: Resource,
    first: dt.date,
    weeks: int,
    deal: DealResult | None,
    weekly: dict[str, list[float]] | None = None,
) -> ResourceLoad:
    """``resource``'s weeks from the Monday ``first``: gross capacity, booked = gross - free,
    and the deal's work (its schedule's, or ``weekly``: per resource, per week)."""
    timeline = plan.timeline
    gross = plan.resources[resource.id].capacity
    free = plan.state.free[resource.id]
    by_day: defaultdict[int, float] = defaultdict(float)
    for step in deal.schedule if deal else []:
        for day, rid, amount in step.daily:
            if rid == resource.id:
                by_day[timeline.index(day)] += amount
    out: list[WeekLoad] = []
    for w in range(weeks):
        lo = timeline.index(first) + 7 * w
        days = range(max(lo, 0), lo + 7)
        out.append(
            WeekLoad(
                start=timeline.date(lo),
                capacity=sum(gross[i] for i in days),
                booked=sum(max(0.0, gross[i] - free[i]) for i in days),
                deal=sum(by_day[i] for i in days)
                if weekly is None
                else weekly.get(resource.id, [0.0] * weeks)[w],
            )
        )
    return ResourceLoad(resource, out)
