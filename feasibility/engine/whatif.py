"""What-if transformations: the model and deal with one counter-offer applied.

Pure functions on the file models (``model_copy``): nothing is validated again or
changed in place. The engine verifies an offer by checking the transformed deal against
the transformed model, exactly as ``check`` would.
"""

from __future__ import annotations

import datetime as dt

from feasibility.engine.result import Offer
from feasibility.models.capacity import CapacityChange, CapacityFile, Resource
from feasibility.models.deal import Deal, DealLine

DAY = dt.timedelta(days=1)


def apply(model: CapacityFile, deal: Deal, offer: Offer) -> tuple[CapacityFile, Deal]:
    """The model and deal as they would be with ``offer`` taken."""
    n = offer.line
    assert n is not None
    if offer.kind == "later_date":
        return model, with_line(deal, n, due=offer.date)
    if offer.kind == "partial":
        return model, with_line(deal, n, quantity=offer.quantity, due=offer.date)
    if offer.kind == "split":
        assert offer.quantity is not None and offer.rest_date is not None
        return model, split_line(deal, n, offer.quantity, offer.date, offer.rest_date)
    if offer.kind == "drop_feature":
        features = [f for f in deal.lines[n].features if f != offer.feature]
        return model, with_line(deal, n, features=features, due=offer.date)
    if offer.kind == "extra_capacity":
        assert offer.from_ is not None and offer.to is not None
        for extra in offer.extras:
            model = with_extra_capacity(
                model, extra.resource, extra.amount_per_day, offer.from_, offer.to
            )
        return model, deal
    assert offer.material is not None and offer.receipt_date is not None
    assert offer.needed_by is not None
    return with_receipt_moved(model, offer.material, offer.receipt_date, offer.needed_by), deal


def targets(offer: Offer) -> dict[int, dt.date]:
    """Lines of the transformed deal that must be delivered by a date for ``offer`` to hold."""
    assert offer.line is not None and offer.date is not None
    if offer.kind == "split":
        assert offer.rest_date is not None
        return {offer.line: offer.date, offer.line + 1: offer.rest_date}
    return {offer.line: offer.date}


def with_line(deal: Deal, n: int, **update: object) -> Deal:
    """``deal`` with fields of line ``n`` replaced."""
    lines = list(deal.lines)
    lines[n] = lines[n].model_copy(update=update)
    return deal.model_copy(update={"lines": lines})


def split_line(deal: Deal, n: int, first: int, due: dt.date | None, rest_due: dt.date) -> Deal:
    """Line ``n`` as two lines: ``first`` units due ``due``, the rest due ``rest_due``."""
    line = deal.lines[n]
    parts: list[DealLine] = [
        line.model_copy(update={"quantity": first, "due": due}),
        line.model_copy(update={"quantity": line.quantity - first, "due": rest_due}),
    ]
    return deal.model_copy(update={"lines": [*deal.lines[:n], *parts, *deal.lines[n + 1 :]]})


def with_extra_capacity(
    model: CapacityFile, resource: str, amount: float, first: dt.date, last: dt.date
) -> CapacityFile:
    """``resource`` with ``amount`` more capacity per working day from ``first`` to ``last``.

    Expressed with `changes`: every level in force inside the window (at ``first`` and at
    each change dated inside it) is raised by ``amount``; the day after ``last`` the level
    the existing changes dictate comes back. A `per_week` level is raised by ``amount``
    times the resource's weekly workdays, so that each working day gets ``amount`` more.
    """
    resources = []
    for r in model.resources:
        if r.id == resource:
            r = r.model_copy(update={"changes": _raised(model, r, amount, first, last)})
        resources.append(r)
    return model.model_copy(update={"resources": resources})


def _raised(
    model: CapacityFile, r: Resource, amount: float, first: dt.date, last: dt.date
) -> list[CapacityChange]:
    workdays = r.calendar.workdays if r.calendar and r.calendar.workdays is not None else None
    per_week_days = max(len(set(workdays if workdays is not None else model.calendar.workdays)), 1)
    base = CapacityChange(from_=dt.date.min, per_day=r.per_day, per_week=r.per_week)

    def level(day: dt.date) -> CapacityChange:
        return max((c for c in r.changes if c.from_ <= day), key=lambda c: c.from_, default=base)

    def plus(change: CapacityChange, day: dt.date) -> CapacityChange:
        if change.per_day is not None:
            return CapacityChange(from_=day, per_day=change.per_day + amount, note=change.note)
        assert change.per_week is not None
        per_week = change.per_week + amount * per_week_days
        return CapacityChange(from_=day, per_week=per_week, note=change.note)

    end = last + DAY
    kept = [c for c in r.changes if not first <= c.from_ <= end]
    inside = [plus(c, c.from_) for c in r.changes if first < c.from_ <= last]
    back = level(end)
    back = back if back.from_ == end else back.model_copy(update={"from_": end})
    changes = [*kept, plus(level(first), first), *inside, back]
    return sorted(changes, key=lambda c: c.from_)


def with_receipt_moved(
    model: CapacityFile, material: str, planned: dt.date, arrival: dt.date
) -> CapacityFile:
    """``material``'s first receipt dated ``planned`` arriving on ``arrival`` instead."""
    materials = []
    for m in model.materials:
        if m.id == material:
            receipts = list(m.receipts)
            k = next(i for i, rc in enumerate(receipts) if rc.date == planned)
            receipts[k] = receipts[k].model_copy(update={"date": arrival})
            m = m.model_copy(update={"receipts": receipts})
        materials.append(m)
    return model.model_copy(update={"materials": materials})
