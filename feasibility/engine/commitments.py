"""Bookings on a check date: reservations first, then each booking's held plan in booking
order, re-planned only when it no longer fits or it has none (SPEC, "Commitments hold
their plan")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence, Set
from dataclasses import dataclass

from feasibility.engine.held import (
    HeldTotals,
    Misfit,
    Pending,
    PlanLoad,
    add_pending,
    load_misfits,
    paused_gc,
    plan_load,
    stops_counting,
    take_pending,
    take_totals,
)
from feasibility.engine.plan import (
    BookedLine,
    BookingOutcome,
    HoldStatus,
    Plan,
    booking_order,
    day_tables,
    prepare,
)
from feasibility.engine.plan_rules import CompanyDays, LineRules, Part, left_out_keys, line_misfits
from feasibility.engine.replan import delivered_on, replan
from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job, add_line
from feasibility.engine.timeline import build_stock
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal, HeldPlan


def build_plan(
    model: CapacityFile,
    bookings: Sequence[Deal],
    as_of: dt.date,
    *,
    like: Plan | None = None,
    replan_ids: frozenset[str] = frozenset(),
    held: HeldTotals | None = None,
) -> Plan:
    """Capacity after reservations, then each booking in booking order (SPEC).

    ``like``: a plan on the same date whose day tables may be reused (``day_tables``).
    ``replan_ids``: bookings re-planned even when their plan fits (`replan ID...`).
    ``held``: the bookings as totals known to fit ``model`` (``HeldTotals.usable_on``
    ``as_of``), taken in place of ``bookings``; the plan then lists no booking outcomes.
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
    if held is not None:
        take_totals(state, held)
        plan.held = held
        return plan
    pending: Pending = {}
    takes: list[tuple[int, str, float]] = []
    ids: set[str] = set()
    outlive: list[tuple[int, int]] = []
    shared = _Shared(plan)
    with paused_gc():
        for deal in booking_order(bookings):
            force = deal.id in replan_ids
            outcome = place_booking(plan, deal, pending, force=force, takes=takes, shared=shared)
            plan.bookings.append(outcome)
            if outcome.counted and outcome.plan is not None:
                ids.add(deal.id)
                outlive += _outlives(deal, outcome.plan)
    totals = None
    if all(o.status in ("held", "none") for o in plan.bookings):
        start = as_of.toordinal()
        amounts = {r: {start + i: a for i, a in days.items()} for r, days in pending.items()}
        totals = HeldTotals(as_of, amounts, takes, frozenset(ids), outlive)
    take_pending(state, pending)
    plan.held = totals
    return plan


def _outlives(deal: Deal, plan: HeldPlan) -> list[tuple[int, int]]:
    """(first day ``deal`` no longer counts, last day ``plan`` takes anything) as date
    ordinals, when the plan goes on after that day (see ``HeldTotals.outlive``)."""
    days = [d for s in plan.steps for d in s.days] + [t.date for t in plan.materials]
    hold = deal.booking.hold_until if deal.booking else None
    stop = stops_counting(hold, [ln.due for ln in deal.lines])
    if stop is None or not days or max(days) < stop:
        return []
    return [(stop.toordinal(), max(days).toordinal())]


def counts(deal: Deal, as_of: dt.date) -> bool:
    """Whether a booking takes capacity on ``as_of``: not an expired hold, and some line
    is due on or after it (or has no due date)."""
    hold = deal.booking.hold_until if deal.booking else None
    stop = stops_counting(hold, [line.due for line in deal.lines])
    return stop is None or as_of < stop


class _Shared:
    """What the checks of one plan's bookings share: the resources' calendars, the
    company's working days on the grid, and the rules of each booked line (lines of the
    same offering, quantity and features expand to the same step instances)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.calendars = {rid: rd.calendar for rid, rd in plan.resources.items()}
        tl = plan.timeline
        self.days = CompanyDays(tl.calendar, tl.start, tl.company_works)
        self.offerings = {o.id: o for o in plan.model.offerings}
        self.lines: dict[tuple[str, int, tuple[str, ...]], LineRules] = {}

    def parts(self, deal: Deal) -> list[Part]:
        """The rules of each line of ``deal`` the model can expand (as ``prepare``)."""
        out: list[Part] = []
        for n, line in enumerate(deal.lines):
            offering = self.offerings.get(line.offering)
            if offering is None or any(f not in offering.features for f in line.features):
                continue
            key = (line.offering, line.quantity, tuple(line.features))
            rules = self.lines.get(key)
            if rules is None:
                job = Job()
                add_line(job, 0, line, offering)
                rules = self.lines[key] = LineRules(job, self.calendars)
            out.append((n, rules))
        return out


def plan_misfits(
    plan: Plan, deal: Deal, held: HeldPlan, pending: Pending | None = None
) -> list[Misfit]:
    """Why ``held`` does not fit ``plan`` as it stands, less what is ``pending`` (rules,
    calendars, capacity, stock)."""
    shared = _Shared(plan)
    load = plan_load(plan.model, plan.timeline, held)
    return _misfits(plan, deal, held, shared.parts(deal), load, pending, shared)


def _misfits(
    plan: Plan,
    deal: Deal,
    held: HeldPlan,
    parts: list[Part],
    load: PlanLoad,
    pending: Pending | None,
    shared: _Shared,
) -> list[Misfit]:
    done = {
        n for n, line in enumerate(deal.lines) if line.due is not None and line.due < plan.as_of
    }
    horizon = plan.model.policy.horizon_days
    rules = line_misfits(parts, deal, held, shared.days, done, horizon)
    return list(rules) + load_misfits(plan.model, plan.state, held, load, pending)


def place_booking(
    plan: Plan,
    deal: Deal,
    pending: Pending,
    *,
    force: bool = False,
    takes: list[tuple[int, str, float]] | None = None,
    shared: _Shared | None = None,
) -> BookingOutcome:
    """Add ``deal``'s plan to ``pending`` when it fits (its stock takes taken, and listed
    in ``takes``); else take what is pending, re-plan it (from the check date, keeping
    work done before it) and take the new plan. ``shared``: what the checks of ``plan``'s
    bookings share (made anew without it)."""
    if not counts(deal, plan.as_of):
        return BookingOutcome(deal, False, [])
    if shared is None:
        shared = _Shared(plan)
    held = deal.booking.plan if deal.booking else None
    misfits: list[Misfit] = []
    parts = shared.parts(deal)
    if held is not None and not force:
        load = plan_load(plan.model, plan.timeline, held)
        misfits = _misfits(plan, deal, held, parts, load, pending, shared)
        if not misfits:
            add_pending(pending, load)
            start = plan.as_of.toordinal()
            for i, _, m, qty in load.takes:
                plan.state.stocks[m].take(i, qty)
                if takes is not None:
                    takes.append((start + i, m, qty))
            return _outcome(plan, deal, held, parts, "held", ())
    take_pending(plan.state, pending)
    prepared = prepare(plan, deal, skip_done=True)
    new = replan(plan, prepared, held)
    status: HoldStatus = "planned" if held is None else "replanned"
    return _outcome(plan, deal, new, parts, status, tuple(misfits))


def _outcome(
    plan: Plan,
    deal: Deal,
    held: HeldPlan,
    parts: list[Part],
    status: HoldStatus,
    misfits: tuple[Misfit, ...],
) -> BookingOutcome:
    live = [n for n, line in enumerate(deal.lines) if line.due is None or line.due >= plan.as_of]
    dates = delivered_on(held, live, left_out_keys(parts, held))
    lines = [BookedLine(n, deal.lines[n].due, dates[n]) for n in live]
    return BookingOutcome(deal, True, lines, status, held, misfits)


@dataclass(frozen=True)
class Replanned:
    """One booking under `replan`: its plan as it stood and what it is now."""

    outcome: BookingOutcome
    """``status`` replanned (or planned, for a booking that held none) when it changed."""
    before: dict[int, dt.date | None]
    """Each counted line's delivery day under the old plan (empty without one)."""

    @property
    def changed(self) -> bool:
        """The booking has a new plan to record."""
        return self.outcome.status in ("replanned", "planned")


def replan_bookings(
    model: CapacityFile, bookings: Sequence[Deal], as_of: dt.date, ids: Set[str] = frozenset()
) -> list[Replanned]:
    """Every counted booking in booking order: those whose plan no longer fits, has none,
    or is named in ``ids`` re-planned into what the earlier plans leave free."""
    plan = build_plan(model, bookings, as_of, replan_ids=frozenset(ids))
    shared = _Shared(plan)
    out = []
    for outcome in plan.bookings:
        if not outcome.counted:
            continue
        old = outcome.deal.booking.plan if outcome.deal.booking else None
        before = {}
        if old is not None:
            left_out = left_out_keys(shared.parts(outcome.deal), old)
            before = delivered_on(old, [b.line for b in outcome.lines], left_out)
        out.append(Replanned(outcome, before))
    return out
