"""What it would take to make a late line's due date: extra capacity, an earlier receipt.

Amounts and dates are searched by bisection with cheap probes on the plan's state, then
confirmed on a plan rebuilt from the changed model (bookings re-placed, so that they may
take part of the extra capacity, as they would): a probe there first, the full search
last. A value that fails is raised (amounts) or moved earlier (receipts) a few times
before the offer is given up.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from feasibility.engine.diagnose import free_in_window, line_demand, line_resources, total_unit
from feasibility.engine.result import ExtraCapacity, Offer
from feasibility.engine.solve import Basis
from feasibility.engine.timeline import EPS
from feasibility.engine.trial import (
    PROBE_BUDGET,
    LineCase,
    largest,
    meets,
    replan,
    smallest,
    with_extra,
    with_receipt,
)
from feasibility.engine.whatif import with_extra_capacity, with_receipt_moved
from feasibility.models.capacity import CapacityFile, Material
from feasibility.wording import amount, singular

RAISES = (0, 1, 2, 4)
"""Grains added to each probed amount, in turn, until a rebuilt plan confirms it."""
EARLIER = (0, 1, 3, 7)
"""Calendar days a probed arrival is moved earlier, in turn, until a rebuilt plan
confirms it."""


def peak(case: LineCase, resource: str) -> float:
    """The resource's most capacity on a day of the line's window, in its unit."""
    return max(case.plan.resources[resource].capacity[case.release : case.due + 1], default=0.0)


def grain(case: LineCase, resource: str) -> float:
    """Extra capacity is offered in whole units, or in halves when the resource has
    less than 4 units a day in the line's window."""
    return 0.5 if peak(case, resource) < 4 else 1.0


def extra_capacity(case: LineCase, bottleneck: str | None) -> list[Offer]:
    """For each resource whose extra capacity alone makes the due date (the bottleneck
    first), the smallest amount per working day from the line's earliest start to its
    due date; when none does alone, the smallest amounts of several together. No
    resource is offered more than doubled (its peak daily capacity in the window)."""
    prepared, j, lo, due = case.prepared, case.j, case.release, case.due
    used = line_resources(prepared, j)
    order = sorted(used, key=lambda r: r != bottleneck)
    step = {r: grain(case, r) for r in used}
    demand = {r: line_demand(prepared, j, r) for r in used}
    top = {r: max(1, math.ceil(min(demand[r], peak(case, r)) / step[r])) for r in used}
    # Fewer grains than this cannot hold the line's work on r inside the window at all.
    floor: dict[str, int] = {}
    lacking: set[str] = set()
    """Resources with less free in the window than the line's work on them: a probe that
    adds capacity to other resources only cannot make the due date."""
    for r in used:
        days = max(1, sum(case.plan.resources[r].works[lo : due + 1]))
        short = demand[r] - free_in_window(case.plan, r, lo, due)
        floor[r] = math.ceil(short / days / step[r]) - 1
        if short > EPS * days:
            lacking.add(r)

    def ok(grains: dict[str, int]) -> bool:
        extra = {r: k * step[r] for r, k in grains.items() if k > 0}
        plan = with_extra(case.plan, extra, lo, due)
        return meets(plan, case.deal, case.on_due, PROBE_BUDGET, case.basis)

    def varying(base: dict[str, int], r: str) -> Callable[[int], bool]:
        return lambda k: ok({**base, r: k})

    singles = [r for r in order if not lacking - {r} and ok({r: top[r]})]
    found = [{r: smallest(max(floor[r], 0), top[r], varying({}, r))} for r in singles]
    if not singles and len(used) > 1 and ok(top):
        grains = dict(top)
        for r in [*reversed(order[1:]), order[0]]:
            # The fewest grains first: most resources of a line need none, or their floor.
            least, probe = max(floor[r], -1) + 1, varying(grains, r)
            grains[r] = least if least < top[r] and probe(least) else smallest(least, top[r], probe)
        found = [{r: grains[r] for r in order if grains[r] > 0}]
    offers = [
        _confirm_capacity(case, grains, step, top, _latest_start(case, grains, step))
        for grains in found
    ]
    return [o for o in offers if o is not None]


def _latest_start(case: LineCase, grains: dict[str, int], step: dict[str, float]) -> int:
    """The latest first day of the extra capacity's window (ending on the due date) that
    still makes the date with these amounts: the shortest window, by bisection."""
    extra = {r: k * step[r] for r, k in grains.items() if k > 0}

    def ok(lo: int) -> bool:
        moved = with_extra(case.plan, extra, lo, case.due)
        return meets(moved, case.deal, case.on_due, PROBE_BUDGET, case.basis)

    return largest(case.release, case.due + 1, ok)


def _confirm_capacity(
    case: LineCase,
    grains: dict[str, int],
    step: dict[str, float],
    top: dict[str, int],
    start: int,
) -> Offer | None:
    """The first of the probed amounts, raised by ``RAISES`` grains (never past ``top``),
    that a rebuilt plan confirms over ``start``..due, or else over the whole window."""
    for more, lo in [*((m, start) for m in RAISES), *((m, case.release) for m in RAISES)]:
        first, last = case.date(lo), case.date(case.due)
        if any(k + more > top[r] for r, k in grains.items()):
            return None
        extra = {r: (k + more) * step[r] for r, k in grains.items()}
        model = case.plan.model
        for r, more_a_day in extra.items():
            model = with_extra_capacity(model, r, more_a_day, first, last)
        # More capacity on the same calendars: the checked deal's basis serves.
        if _confirmed(case, model, case.basis):
            return _capacity_offer(case, extra, lo)
    return None


def _confirmed(case: LineCase, model: CapacityFile, basis: Basis | None = None) -> bool:
    """A probe, then the full search, on a plan rebuilt from ``model`` (``basis``: the
    deal's on it, when ``model`` differs from the plan's in capacity alone)."""
    plan = replan(case.plan, model)
    if not meets(plan, case.deal, case.on_due, PROBE_BUDGET, basis):
        return False
    return meets(plan, case.deal, case.on_due, None, basis)


def _capacity_offer(case: LineCase, extra: dict[str, float], lo: int) -> Offer:
    first, last = case.date(lo), case.date(case.due)
    resources = [case.plan.resources[r].resource for r in extra]
    parts = [
        f"{_more(extra[r.id], r.unit)} a day of {r.name or r.id} "
        f"({amount(extra[r.id] * case.workdays(r.id, lo), _total(case, r.id))} in all)"
        for r in resources
    ]
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    owners = list(dict.fromkeys(r.owner for r in resources if r.owner))
    ask = f" (ask {', '.join(owners)})" if owners else ""
    message = f"{case.label}With {what} from {first} to {last}{ask}, {case.whole} by {last}"
    main, *rest = resources
    return Offer(
        "extra_capacity",
        case.n,
        last,
        resource=main.id,
        amount_per_day=extra[main.id],
        from_=first,
        to=last,
        together=tuple(ExtraCapacity(r.id, extra[r.id], r.owner) for r in rest),
        owner=main.owner,
        message=message,
    )


def _more(x: float, unit: str) -> str:
    """'8 more hours', '1 more crew': the unit made singular for exactly one."""
    return f"{x:g} more {singular(unit) if x == 1 else unit}"


def _total(case: LineCase, resource: str) -> str:
    unit = case.plan.resources[resource].resource.unit
    return total_unit(case.prepared, case.j, resource, unit)


def earlier_material(case: LineCase, materials: list[str]) -> list[Offer]:
    """For each of ``materials``: the first receipt (by date) that, arriving earlier on
    its own, makes the due date, and the latest day it may arrive."""
    offers: list[Offer] = []
    for m in materials:
        material = next(x for x in case.plan.model.materials if x.id == m)
        for planned in sorted({rc.date for rc in material.receipts}):
            offer = _earlier_receipt(case, material, planned)
            if offer is not None:
                offers.append(offer)
                break
    return offers


def _earlier_receipt(case: LineCase, material: Material, planned: dt.date) -> Offer | None:
    """The latest arrival of the (first) receipt dated ``planned`` that makes the due date."""
    tl, release, due = case.plan.timeline, case.release, case.due
    was = tl.index(planned)
    if was <= release:
        return None
    receipt = next(rc for rc in material.receipts if rc.date == planned)

    def ok(day: int) -> bool:
        moved = with_receipt(case.plan, material.id, was, day, receipt.qty)
        return meets(moved, case.deal, case.on_due, PROBE_BUDGET)

    if not ok(release):
        return None
    latest = largest(release, min(was, due + 1), ok)
    for back in EARLIER:
        arrival = tl.date(max(latest - back, release))
        if _confirmed(case, with_receipt_moved(case.plan.model, material.id, planned, arrival)):
            what = f"{receipt.qty:g} {material.unit} of {material.name or material.id}"
            note = f" ({receipt.note})" if receipt.note else ""
            ask = f" (ask {material.owner})" if material.owner else ""
            message = (
                f"{case.label}If the {what} due {planned}{note} arrive by {arrival}{ask}, "
                f"{case.whole} by {case.date(due)}"
            )
            return Offer(
                "earlier_material",
                case.n,
                case.date(due),
                material=material.id,
                receipt_date=planned,
                needed_by=arrival,
                owner=material.owner,
                message=message,
            )
    return None
