"""The model on a check date: the day grid, capacity left after reservations and bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from feasibility.engine.scheduler import Compiled, Outcome, compile_job, place_compiled
from feasibility.engine.search import first_order, schedules, search
from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job, add_line
from feasibility.engine.timeline import (
    ResourceDays,
    Timeline,
    build_stock,
    build_timeline,
    resource_days,
)
from feasibility.models.capacity import CapacityFile, Offering
from feasibility.models.deal import Deal

BOOKING_BUDGET = 1
"""Candidate schedules per booking: bookings are re-placed with the first priority rule."""


@dataclass(frozen=True)
class Prepared:
    """A deal expanded for scheduling: tasks, each line's release and due day index."""

    deal: Deal
    job: Job
    release: list[int]
    due: list[int | None]
    lines: list[int]
    """Indexes (in the deal) of the lines that were expanded, in job order."""


@dataclass(frozen=True)
class BookedLine:
    """What became of one booked line on the check date."""

    line: int
    due: dt.date | None
    delivered: dt.date | None
    """None: not deliverable within the horizon."""

    @property
    def broken(self) -> bool:
        """True when the line now misses its due date."""
        if self.delivered is None:
            return True
        return self.due is not None and self.delivered > self.due


@dataclass(frozen=True)
class BookingOutcome:
    """A booking re-scheduled on the check date (``counted`` false: expired or done)."""

    deal: Deal
    counted: bool
    lines: list[BookedLine]


@dataclass
class JobCache:
    """Bookings as expanded and compiled for placement, shared by the plans built on one
    grid from models with the same offerings (``build_plan(like=...)``): ``prepare`` only
    reads the offerings and the grid, and a compiled job only the grid and the working
    days of its resources (checked by identity before reuse)."""

    timeline: Timeline
    offerings: list[Offering]
    entries: dict[int, _Entry] = field(default_factory=dict)
    """By ``id(deal)``."""


@dataclass
class Plan:
    """The model on one check date, with reservations and bookings already placed."""

    model: CapacityFile
    timeline: Timeline
    resources: dict[str, ResourceDays]
    state: CapacityState
    bookings: list[BookingOutcome]
    jobs: JobCache | None = field(default=None, repr=False, compare=False)

    @property
    def as_of(self) -> dt.date:
        """The check date."""
        return self.timeline.start


def booking_order(bookings: Sequence[Deal]) -> list[Deal]:
    """Bookings in the order they take capacity: booked_on, then id."""
    return sorted(bookings, key=lambda d: (d.booking.booked_on if d.booking else dt.date.min, d.id))


def day_tables(
    model: CapacityFile, as_of: dt.date, like: Plan | None = None
) -> tuple[Timeline, dict[str, ResourceDays]]:
    """The day grid of ``model`` on ``as_of`` and each resource's days on it.

    With ``like`` (a plan of another model on the same date), its grid and the days of
    every resource that did not change are reused: both are functions of the calendar,
    the horizon, the check date and the resource alone, so the tables are the same.
    Sharing them also lets the scheduler's caches, keyed by identity, hit across plans.
    """
    if (
        like is None
        or like.as_of != as_of
        or like.model.calendar != model.calendar
        or like.model.policy.horizon_days != model.policy.horizon_days
    ):
        timeline = build_timeline(model, as_of)
        return timeline, {r.id: resource_days(model, r, timeline) for r in model.resources}
    timeline = like.timeline
    resources: dict[str, ResourceDays] = {}
    for r in model.resources:
        was = like.resources.get(r.id)
        if was is not None and was.resource == r:
            resources[r.id] = ResourceDays(r, was.calendar, was.works, was.capacity)
        elif was is not None and was.resource.calendar == r.calendar:
            # Working days depend on the calendars alone: only the capacity is new.
            fresh = resource_days(model, r, timeline)
            resources[r.id] = ResourceDays(r, was.calendar, was.works, fresh.capacity)
        else:
            resources[r.id] = resource_days(model, r, timeline)
    return timeline, resources


def other_bookings(bookings: Sequence[Deal], ids: set[str]) -> list[Deal]:
    """The bookings whose id is not in ``ids``: what a deal of one of those ids is checked
    against (as `book --replace` does), never on top of its own booking."""
    return [b for b in bookings if b.id not in ids]


def build_plan(
    model: CapacityFile, bookings: Sequence[Deal], as_of: dt.date, *, like: Plan | None = None
) -> Plan:
    """Capacity after reservations, then each booking in booking order (SPEC).

    ``like``: a plan on the same date whose day tables may be reused (``day_tables``).
    """
    timeline, resources = day_tables(model, as_of, like)
    free = {rid: list(rd.capacity) for rid, rd in resources.items()}
    for res in model.reservations:
        if res.resource not in free:
            continue
        lo, hi = max(timeline.index(res.from_), 0), min(timeline.index(res.to), timeline.ndays - 1)
        days = free[res.resource]
        for i in range(lo, hi + 1):
            days[i] = max(0.0, days[i] - res.per_day)
    state = CapacityState(
        timeline=timeline,
        works={rid: rd.works for rid, rd in resources.items()},
        free=free,
        stocks={m.id: build_stock(m, timeline) for m in model.materials},
    )
    plan = Plan(model, timeline, resources, state, [])
    if (
        like is not None
        and like.jobs is not None
        and like.jobs.timeline is timeline
        and like.jobs.offerings == model.offerings
    ):
        plan.jobs = like.jobs
    else:
        plan.jobs = JobCache(timeline, model.offerings)
    peaks = _Peaks(plan.state.free)
    for deal in booking_order(bookings):
        plan.bookings.append(_place_booking(plan, deal, peaks))
    return plan


def prepare(plan: Plan, deal: Deal, *, skip_done: bool = False) -> Prepared:
    """Expand a deal's lines whose offering and features exist; compute release and due.

    With ``skip_done``, lines due before the check date are left out (work taken as done).
    """
    offerings = {o.id: o for o in plan.model.offerings}
    timeline = plan.timeline
    job = Job()
    release: list[int] = []
    due: list[int | None] = []
    lines: list[int] = []
    start = max(timeline.index(deal.start), 0) if deal.start else 0
    for n, line in enumerate(deal.lines):
        offering = offerings.get(line.offering)
        if offering is None or any(f not in offering.features for f in line.features):
            continue
        if skip_done and line.due is not None and line.due < timeline.start:
            continue
        add_line(job, len(lines), line, offering)
        lines.append(n)
        notice = timeline.add_workdays(0, offering.min_notice_days)
        release.append(max(start, notice))
        due.append(None if line.due is None else timeline.index(line.due))
    return Prepared(deal, job, release, due, lines)


@dataclass(frozen=True)
class _Entry:
    """A booking expanded (``skip_done``) and compiled for placement."""

    deal: Deal
    """Kept so that ``id(deal)``, the entry's key, stays this deal's."""
    prepared: Prepared
    compiled: Compiled
    reads: tuple[str, ...]
    """Resources whose working days ``compile_job`` read."""
    works: tuple[tuple[bool, ...], ...]
    """Their working days, as compiled against (the objects)."""
    effort: tuple[str, ...]
    """Resources whose best daily rate ``tails`` reads."""
    orders: dict[tuple[float, ...], tuple[int, ...]] = field(default_factory=dict)
    """The single-schedule order (``first_order``) by the best rates of ``effort``: it
    depends on nothing else of the state."""


def _entry(plan: Plan, deal: Deal) -> _Entry | None:
    """The booking expanded and compiled on the plan's state, from the plan's ``jobs``
    when an earlier plan of the same grid and offerings made it (None: nothing to
    place)."""
    cache = plan.jobs
    state_works = plan.state.works
    hit = None if cache is None else cache.entries.get(id(deal))
    if hit is not None and hit.deal is deal:
        if all(state_works.get(r) is w for r, w in zip(hit.reads, hit.works, strict=True)):
            return hit
        prepared = hit.prepared
    else:
        prepared = prepare(plan, deal, skip_done=True)
    if not prepared.lines:
        return None
    tasks = prepared.job.tasks
    reads: dict[str, None] = {}
    for t in tasks:
        if t.step.resource is not None:
            reads[t.step.resource] = None
        reads.update(dict.fromkeys(t.step.uses or {}))
    entry = _Entry(
        deal,
        prepared,
        compile_job(prepared.job, plan.state),
        tuple(reads),
        tuple(state_works[r] for r in reads),
        tuple(dict.fromkeys(t.step.resource for t in tasks if t.step.resource is not None)),
    )
    if cache is not None:
        cache.entries[id(deal)] = entry
    return entry


class _Peaks:
    """The most free capacity of each resource on a day, kept while a plan is built.

    Placing a booking only lowers free capacity, on the days its placements record, so
    a resource's peak stands as long as the day it was found on is not one of them.
    """

    def __init__(self, free: dict[str, list[float]]) -> None:
        self.free = free
        self.peak: dict[str, tuple[float, int]] = {}

    def of(self, resources: Sequence[str]) -> dict[str, float]:
        """``max(free[r], default=0.0)`` for each resource."""
        out: dict[str, float] = {}
        for r in resources:
            hit = self.peak.get(r)
            if hit is None:
                days = self.free[r]
                top = max(days, default=0.0)
                hit = self.peak[r] = (top, days.index(top) if days else -1)
            out[r] = hit[0]
        return out

    def placed(self, out: Outcome) -> None:
        """Forget the peaks ``out`` may have lowered."""
        peak = self.peak
        for p in out.placements.values():
            for d, r, amount in p.amounts:
                hit = peak.get(r)
                if hit is not None and (hit[1] == d or amount < 0):
                    del peak[r]


def _place_booking(plan: Plan, deal: Deal, peaks: _Peaks) -> BookingOutcome:
    hold = deal.booking.hold_until if deal.booking else None
    if hold is not None and hold < plan.as_of:
        return BookingOutcome(deal, False, [])
    entry = _entry(plan, deal)
    if entry is None:
        return BookingOutcome(deal, False, [])
    prepared = entry.prepared
    best = peaks.of(entry.effort)
    # The plan's state is its own while it is built: placed in place.
    if schedules(BOOKING_BUDGET, len(prepared.job.tasks)) <= 1:
        key = tuple(best[r] for r in entry.effort)
        order = entry.orders.get(key)
        if order is None:
            order = entry.orders[key] = tuple(first_order(entry.compiled, prepared.due, best))
        out: Outcome = place_compiled(entry.compiled, plan.state, order, prepared.release)
    else:
        out = search(
            prepared.job,
            plan.state,
            prepared.release,
            prepared.due,
            BOOKING_BUDGET,
            in_place=True,
            compiled=entry.compiled,
            best=best,
        )
    peaks.placed(out)
    booked = [
        BookedLine(
            line=n,
            due=deal.lines[n].due,
            delivered=None if d is None else plan.timeline.date(d),
        )
        for n, d in zip(prepared.lines, out.delivered, strict=True)
    ]
    return BookingOutcome(deal, True, booked)
