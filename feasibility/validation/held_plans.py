"""`validate`'s word on bookings: plans that no longer fit (with what re-planning gives),
bookings without a plan, booked lines that miss their due date, expired holds, and booked
lines whose scope or load `check` would now call infeasible or at risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from feasibility.engine.booked_scope import booked_reasons, own_load
from feasibility.engine.commitments import build_plan
from feasibility.engine.held import Misfit
from feasibility.engine.plan import BookingOutcome, Plan
from feasibility.errors import Severity, Unplaced
from feasibility.io.yamlio import Document
from feasibility.wording import amount
from feasibility.workspace import LoadedCapacity, LoadedDeal

MISFITS_SHOWN = 3
"""Misfits named per booking; the rest are counted."""


def booking_health(
    capacity: LoadedCapacity, bookings: list[LoadedDeal], as_of: dt.date
) -> list[Unplaced]:
    """Every problem of the bookings on ``as_of`` (errors and warnings)."""
    by_id = {b.deal.id: b for b in bookings}
    plan = build_plan(capacity.model, [b.deal for b in bookings], as_of)
    out: list[Unplaced] = []
    for n, outcome in enumerate(plan.bookings):
        out += _problems(plan, by_id[outcome.deal.id], n)
    return out


def _problems(plan: Plan, loaded: LoadedDeal, n: int) -> Iterator[Unplaced]:
    """The problems of ``plan``'s booking ``n``; the bookings before it are copied only to
    name a misfit's holders (a copy per booking would be quadratic in the bookings)."""
    outcome = plan.bookings[n]
    doc, deal = loaded.doc, loaded.deal
    owner = f" (owner: {deal.owner})" if deal.owner else ""
    hold = deal.booking.hold_until if deal.booking else None
    if hold is not None and hold < plan.as_of:
        msg = f"hold expired on {hold}; it no longer takes capacity: release or re-book it"
        yield Unplaced(doc.file, _at(doc, "booking", "hold_until"), msg + owner, "warning")
    elif not outcome.counted:
        msg = f"every line was due before {plan.as_of}; it takes no capacity: release it"
        yield Unplaced(doc.file, _at(doc, "id"), msg + owner, "warning")
    if outcome.status == "planned":
        msg = (
            f"{deal.id} holds no plan, so it is planned anew on every check; run "
            f"`feasibility replan --write {deal.id}` to pin the plan it gets"
        )
        at = partial(doc.where, ("booking",), prefer_key=True)
        yield Unplaced(doc.file, at, msg, "warning")
    yield from _scope(plan, loaded, outcome, owner)
    broken = [b for b in outcome.lines if b.broken]
    if outcome.status == "replanned":
        gives = ", ".join(
            f"line {b.line} {b.delivered or 'not within the horizon'}" for b in outcome.lines
        )
        late = f"; that misses a due date: talk to the deal owner{owner}" if broken else ""
        fix = f"`feasibility replan --write {deal.id}` records it"
        for k, misfit in enumerate(outcome.misfits[:MISFITS_SHOWN]):
            msg = f"{deal.id}'s plan no longer fits: {misfit.message}{_short(plan, misfit)}"
            msg += _holders(plan, misfit, plan.bookings[:n])
            if k == 0:
                more = len(outcome.misfits) - MISFITS_SHOWN
                extra = f" ({more} more misfits)" if more > 0 else ""
                msg += f"{extra}; re-planning gives {gives} ({fix}){late}"
            yield Unplaced(doc.file, partial(_where, loaded, misfit), msg)
        return
    forced = deal.booking.forced_reason if deal.booking else None
    for booked in broken:
        when = (
            f"is delivered only {booked.delivered}"
            if booked.delivered
            else "is not delivered within the horizon"
        )
        msg = f"booked line {booked.line} is due {booked.due} but {when}"
        if forced is not None:
            msg += f", as it was booked with --force ('{forced}')"
        msg += f"; talk to the deal owner{owner}"
        severity: Severity = "error" if forced is None else "warning"
        yield Unplaced(doc.file, _at(doc, "lines", booked.line, "due"), msg, severity)


def _scope(
    plan: Plan, loaded: LoadedDeal, outcome: BookingOutcome, owner: str
) -> Iterator[Unplaced]:
    """An unavailable feature (an error), a feature under review or a resource loaded
    above target (warnings) of each booked line, at the feature or the line."""
    doc, deal = loaded.doc, loaded.deal
    own = own_load(plan, outcome)
    for booked in outcome.lines:
        n = booked.line
        for reason, k in booked_reasons(plan, outcome, booked, own):
            at = ("lines", n) if k is None else ("lines", n, "features", k)
            infeasible = reason.code == "FEATURE_UNAVAILABLE"
            verdict = "infeasible" if infeasible else "at risk"
            msg = (
                f"booked line {n}: {reason.message}, so {deal.id} is now {verdict}: "
                f"talk to the deal owner{owner}"
            )
            severity: Severity = "error" if infeasible else "warning"
            yield Unplaced(doc.file, _at(doc, *at), msg, severity)


def _at(doc: Document, *path: str | int) -> Callable[[], tuple[int, int]]:
    """The position of ``path`` in ``doc``, looked up when asked for."""
    return partial(doc.where, path)


def _where(loaded: LoadedDeal, misfit: Misfit) -> tuple[int, int]:
    if misfit.step is not None:
        return loaded.doc.where(("booking", "plan", "steps", misfit.step))
    if misfit.take is not None:
        return loaded.doc.where(("booking", "plan", "materials", misfit.take))
    return loaded.doc.where(("booking", "plan"), prefer_key=True)


def _short(plan: Plan, misfit: Misfit) -> str:
    if misfit.short <= 0 or (misfit.resource is None and misfit.material is None):
        return ""
    if misfit.resource is not None and misfit.resource in plan.resources:
        unit = plan.resources[misfit.resource].resource.unit
    elif misfit.material is not None and misfit.material in plan.state.stocks:
        unit = plan.state.stocks[misfit.material].material.unit
    else:
        return ""
    return f" (short by {amount(round(misfit.short, 3), unit)})"


def _holders(plan: Plan, misfit: Misfit, earlier: Sequence[BookingOutcome]) -> str:
    """The earlier bookings holding the resource on the misfit's day (after a merge of two
    branches, the other booking of the pair)."""
    if misfit.resource is None or misfit.day is None:
        return ""
    day, rid = misfit.day, misfit.resource
    names = [
        o.deal.id
        for o in earlier
        if o.plan is not None and any(rid in s.days.get(day, {}) for s in o.plan.steps)
    ]
    return f"; held that day by earlier bookings: {', '.join(names)}" if names else ""
