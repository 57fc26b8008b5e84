"""The shortcuts that make large models fast give the answers of the plain computation.

Plans built ``like`` another plan (shared day tables, expanded and compiled bookings),
replans for extra capacity, the causes of `impact` with shared bookings-free plans, and
the single-schedule search (in place, compiled job and best rates given) and decodes
started from the days known short are compared with the same computation done from
scratch, as are counter-offer probes started from the checked deal's compiled job and
bound (``solve.Basis``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bench import scale
from feasibility.engine import scheduler
from feasibility.engine.check import check_deals
from feasibility.engine.commitments import build_plan
from feasibility.engine.impact import LineImpact, LineState, causes
from feasibility.engine.plan import Plan, prepare
from feasibility.engine.scheduler import compile_job, decode, short_days
from feasibility.engine.search import index_order, search, serial_order, tails, used_resources
from feasibility.engine.solve import Basis
from feasibility.engine.trial import PROBE_BUDGET, delivered, replan, with_extra
from feasibility.engine.whatif import apply, targets, with_extra_capacity, with_receipt_moved
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

AS_OF = scale.AS_OF
BOOKINGS = 120
BOOKING_BUDGET = 1
"""The single-schedule search: the first priority rule alone."""


@pytest.fixture(scope="module")
def model() -> CapacityFile:
    return CapacityFile.model_validate(scale.capacity_data())


@pytest.fixture(scope="module")
def changed() -> CapacityFile:
    data: dict[str, Any] = scale.capacity_data()
    data["resources"] = [
        {**r, "per_day": r["per_day"] * 0.75} if k % 4 == 1 and "per_day" in r else r
        for k, r in enumerate(data["resources"])
    ]
    return CapacityFile.model_validate(data)


@pytest.fixture(scope="module")
def deals() -> list[Deal]:
    return [Deal.model_validate(d) for d in scale.booking_data(BOOKINGS)]


def _same(a: Plan, b: Plan) -> None:
    """Two plans with the same grid, day tables, free capacity, stock and bookings."""
    assert a.timeline == b.timeline
    assert a.resources == b.resources
    assert a.state.works == b.state.works
    assert a.state.free == b.state.free
    assert set(a.state.stocks) == set(b.state.stocks)
    for m, stock in a.state.stocks.items():
        other = b.state.stocks[m]
        assert stock.level == other.level
        assert stock.takes == other.takes
        assert stock.replenish == other.replenish
    assert a.bookings == b.bookings


def test_plan_like_another_model_is_the_plan_from_scratch(
    model: CapacityFile, changed: CapacityFile, deals: list[Deal]
) -> None:
    before = build_plan(model, deals, AS_OF)
    _same(build_plan(changed, deals, AS_OF, like=before), build_plan(changed, deals, AS_OF))
    _same(build_plan(model, deals, AS_OF, like=before), before)


def test_plan_like_another_calendar_or_date_builds_its_own_tables(
    model: CapacityFile, deals: list[Deal]
) -> None:
    before = build_plan(model, deals, AS_OF)
    calendar = model.calendar.model_copy(update={"workdays": ["mon", "tue", "wed", "thu"]})
    other = model.model_copy(update={"calendar": calendar})
    _same(build_plan(other, deals, AS_OF, like=before), build_plan(other, deals, AS_OF))
    later = AS_OF + dt.timedelta(days=9)
    _same(build_plan(model, deals, later, like=before), build_plan(model, deals, later))


def test_replan_with_extra_capacity_or_an_earlier_receipt_is_the_plan_from_scratch(
    model: CapacityFile, deals: list[Deal]
) -> None:
    plan = build_plan(model, deals, AS_OF)
    first, last = AS_OF + dt.timedelta(days=10), AS_OF + dt.timedelta(days=80)
    busy = plan.bookings[0].deal.lines[0].offering
    offering = next(o for o in model.offerings if o.id == busy)
    resource = next(s.resource for s in offering.steps if s.resource is not None)
    more = with_extra_capacity(model, resource, 3.0, first, last)
    _same(replan(plan, more), build_plan(more, deals, AS_OF))
    material = next(m for m in model.materials if m.receipts)
    moved = with_receipt_moved(model, material.id, material.receipts[0].date, first)
    _same(replan(plan, moved), build_plan(moved, deals, AS_OF))


def test_single_schedule_search_with_everything_given_places_as_the_plain_search(
    model: CapacityFile, deals: list[Deal]
) -> None:
    plan = build_plan(model, deals[:40], AS_OF)
    for deal in deals[40:60]:
        prepared = prepare(plan, deal, skip_done=True)
        if not prepared.lines:
            continue
        plain = plan.state.fork(plan.state.free, plan.state.stocks)
        fast = plan.state.fork(plan.state.free, plan.state.stocks)
        want = search(prepared.job, plain, prepared.release, prepared.due, BOOKING_BUDGET)
        effort = {t.step.resource for t in prepared.job.tasks if t.step.resource is not None}
        got = search(
            prepared.job,
            fast,
            prepared.release,
            prepared.due,
            BOOKING_BUDGET,
            in_place=True,
            compiled=compile_job(prepared.job, fast),
            best={r: max(fast.free[r]) for r in effort},
        )
        assert got == want
        assert fast.free == plain.free
        assert tails(prepared.job, plain) == tails(prepared.job, fast)


def test_index_order_is_the_serial_order_by_index(deals: list[Deal], model: CapacityFile) -> None:
    plan = build_plan(model, [], AS_OF)
    for deal in deals[:30]:
        job = prepare(plan, deal).job
        assert list(index_order(job)) == serial_order(job, lambda i: (float(i),))


def test_causes_with_shared_bookings_free_plans_are_the_causes_from_scratch(
    model: CapacityFile, changed: CapacityFile, deals: list[Deal]
) -> None:
    before = build_plan(model, deals, AS_OF)
    after = build_plan(changed, deals, AS_OF, like=before)
    bases = (build_plan(model, [], AS_OF, like=before), build_plan(changed, [], AS_OF, like=after))
    checked = 0
    for outcome in after.bookings[:12]:
        # As if every line had been delivered on the check date before the edit: worse.
        lines = [
            LineImpact(
                ln.line,
                outcome.deal.lines[ln.line],
                LineState(AS_OF, None, "feasible"),
                LineState(ln.delivered, None, "infeasible" if ln.broken else "feasible"),
            )
            for ln in outcome.lines
        ]
        if not any(ln.worse for ln in lines):
            continue
        checked += 1
        want = causes(model, changed, lines, AS_OF)
        assert causes(model, changed, lines, AS_OF, bases=bases) == want
    assert checked > 0


def test_check_offers_hold_on_plans_built_from_scratch(
    model: CapacityFile, deals: list[Deal]
) -> None:
    data = scale.deal_data()
    for line in data["lines"]:
        line["due"] = AS_OF + dt.timedelta(days=15)
    deal = Deal.model_validate(data)
    result = check_deals(model, deals, [deal], AS_OF)
    assert result.deals[0].offers
    # Each offer holds on a plan built from scratch from the changed model.
    for offer in result.deals[0].offers:
        changed_model, changed_deal = apply(model, deal, offer)
        again = check_deals(changed_model, deals, [changed_deal], AS_OF).deals[0]
        for n, day in targets(offer).items():
            got = again.lines[n].earliest
            assert got is not None and got <= day


def test_decodes_started_from_short_days_place_as_the_plain_decode(
    model: CapacityFile, deals: list[Deal], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = build_plan(model, deals[:80], AS_OF)
    seeded = 0
    for k, deal in enumerate(deals[80:110]):
        prepared = prepare(plan, deal, skip_done=True)
        if not prepared.lines:
            continue
        c = compile_job(prepared.job, plan.state)
        free = plan.state.free
        if k % 2:  # more capacity on one resource, as a counter-offer's probe has
            r = c.resources[0]
            free = {**free, r: [f + 1.0 for f in free[r]]}
        short = short_days(c, free)
        with monkeypatch.context() as m:
            m.setattr(scheduler, "_SHORT_CACHE", {})
            assert short_days(c, free) == short  # the kept tables are those of this capacity
        seeded += sum(map(len, short.values()))
        orders = [list(index_order(prepared.job)), serial_order(prepared.job, lambda i: (-i,))]
        for order in orders:
            runs = []
            for seeds in (None, short):
                left = {r: list(f) for r, f in free.items()}
                stocks = {m: s.copy() for m, s in plan.state.stocks.items()}
                d = decode(c, left, stocks, order, prepared.release, record=True, short=seeds)
                runs.append((d.start, d.finish, d.amounts, left))
            assert runs[0] == runs[1]
    assert seeded > 0  # the bookings leave days short: the seeds were used


def test_probes_from_the_checked_deals_basis_deliver_as_probes_from_scratch(
    model: CapacityFile, deals: list[Deal]
) -> None:
    plan = build_plan(model, deals[:80], AS_OF)
    for deal in deals[80:100]:
        prepared = prepare(plan, deal)
        if not prepared.lines:
            continue
        basis = Basis.of(plan, prepared)
        resources = sorted(used_resources(prepared.job))
        lo, hi = 0, max(d for d in [*prepared.due, 40] if d is not None)
        for extra in ({}, {resources[0]: 2.0}, dict.fromkeys(resources, 1.0)):
            more = with_extra(plan, extra, lo, hi)
            on_due = {n: d for n, d in zip(prepared.lines, prepared.due, strict=True) if d}
            for budget in (PROBE_BUDGET, None):
                got = delivered(more, deal, on_due, budget, basis)
                assert got == delivered(more, deal, on_due, budget)
