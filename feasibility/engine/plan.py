"""The model on a check date: the day grid, the capacity left, the bookings as they stand
(built by ``commitments.build_plan``), and a deal expanded for scheduling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from feasibility.engine.held import HeldTotals, Misfit
from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job, add_line
from feasibility.engine.timeline import ResourceDays, Timeline, build_timeline, resource_days
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal, HeldPlan


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


HoldStatus = Literal["held", "replanned", "planned", "none"]
"""What became of a booking's plan on the check date: it fit and was taken as it is; it
no longer fit and was re-planned; the booking had none and was planned; it takes nothing
(an expired hold, or every line due before the check date)."""


@dataclass(frozen=True)
class BookingOutcome:
    """A booking on the check date (``counted`` false: expired or done)."""

    deal: Deal
    counted: bool
    lines: list[BookedLine]
    status: HoldStatus = "none"
    plan: HeldPlan | None = None
    """The plan it takes capacity with: its own, or the one re-planning gave."""
    misfits: tuple[Misfit, ...] = ()
    """Why its own plan no longer fits (status ``replanned``)."""


@dataclass
class Plan:
    """The model on one check date, with reservations and bookings already placed."""

    model: CapacityFile
    timeline: Timeline
    resources: dict[str, ResourceDays]
    state: CapacityState
    bookings: list[BookingOutcome]
    held: HeldTotals | None = field(default=None, repr=False, compare=False)
    """Every counted booking's held plan as totals, when all of them fit (None when one
    was re-planned or planned); with it, plans of more generous models are built without
    placing the bookings again (``trial.replan``)."""

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
