"""How much an offer asks, as one share for ranking offers of different kinds.

Every offer changes the deal (the customer concedes) or the model (operations act); its ask
is that change as a share of what the line is: a delay as the working days late over the
working days from the line's earliest start to its due date (at most 1: a date past twice
the lead time is worth as little as no delivery), units late or dropped as a share of the
quantity, a feature as its share of the line's steps, extra capacity as the amount asked
over the resource's capacity from the line's earliest start to its due date, an earlier
receipt as the days it moves over the days until it was due. Ties keep the kind order.
"""

from __future__ import annotations

import datetime as dt

from feasibility.engine.result import Offer
from feasibility.engine.trial import LineCase


def ask(case: LineCase, offer: Offer) -> float:
    """The share of the line (or of the capacity it runs on) that ``offer`` changes."""
    units = case.line.quantity
    if offer.kind == "later_date":
        return _delay(case, offer.date)
    if offer.kind == "partial":
        return (units - (offer.quantity or 0)) / units
    if offer.kind == "split":
        return (units - (offer.quantity or 0)) / units * _delay(case, offer.rest_date)
    if offer.kind == "drop_feature":
        tasks = [case.prepared.job.tasks[t] for t in case.prepared.job.line_tasks[case.j]]
        share = sum(t.feature == offer.feature for t in tasks) / max(len(tasks), 1)
        return share + _delay(case, offer.date)
    if offer.kind == "extra_capacity":
        return sum(_capacity_share(case, x.resource, x.amount_per_day, offer) for x in offer.extras)
    assert offer.needed_by is not None and offer.receipt_date is not None
    moved = (offer.receipt_date - offer.needed_by).days
    return moved / max((offer.receipt_date - case.plan.as_of).days, 1)


def _delay(case: LineCase, day: dt.date | None) -> float:
    """Working days after the due date over the line's lead time (working days from its
    earliest start to its due date), at most 1; 1 when there is no date."""
    if day is None:
        return 1.0
    tl = case.plan.timeline
    late = -tl.slack(tl.index(day), case.due)
    lead = max(tl.slack(case.release, case.due), 1)
    return min(max(late, 0) / lead, 1.0)


def _capacity_share(case: LineCase, resource: str, per_day: float, offer: Offer) -> float:
    """Extra capacity over the offer's window as a share of the resource's capacity from
    the line's earliest start to its due date."""
    rd = case.plan.resources[resource]
    lo = case.release if offer.from_ is None else case.plan.timeline.index(offer.from_)
    extra = per_day * case.workdays(resource, lo)
    return extra / max(sum(rd.capacity[case.release : case.due + 1]), 1e-9)
