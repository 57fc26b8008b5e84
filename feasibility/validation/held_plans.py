"""`validate`'s word on bookings: plans that no longer fit (with what re-planning gives),
bookings without a plan, booked lines that miss their due date, expired holds, and booked
lines whose scope or load `check` would now call infeasible or at risk.

The bookings are placed in booking order, one after the other; what is then said of each
reads the finished plan only, so a large folder's is said by forked workers, each of a
span of the bookings (``SPAN``), and the positions are looked up here, only for the
problems reported.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from feasibility.engine.booked_scope import booked_reasons
from feasibility.engine.commitments import build_plan
from feasibility.engine.held import Misfit
from feasibility.engine.plan import BookingOutcome, Plan
from feasibility.errors import Severity, Unplaced
from feasibility.wording import amount
from feasibility.workspace import LoadedCapacity, LoadedDeal

MISFITS_SHOWN = 3
"""Misfits named per booking; the rest are counted."""
SPAN = 1000
"""Bookings per piece of work of a forked worker; fewer bookings are all done here."""

Where = tuple[tuple[str | int, ...], bool]
"""Where a problem is in its booking file: the path of keys, and whether the key itself
is meant rather than its value (``Document.where``'s ``prefer_key``)."""
Found = tuple[Where, str, Severity]
"""A problem of one booking: where, the message, the severity (plain data, which crosses
from a worker)."""


def booking_health(
    capacity: LoadedCapacity, bookings: list[LoadedDeal], as_of: dt.date
) -> list[Unplaced]:
    """Every problem of the bookings on ``as_of`` (errors and warnings)."""
    by_id = {b.deal.id: b for b in bookings}
    plan = build_plan(capacity.model, [b.deal for b in bookings], as_of)
    loaded = [by_id[o.deal.id] for o in plan.bookings]
    spans = [range(k, min(k + SPAN, len(loaded))) for k in range(0, len(loaded), SPAN)]
    out: list[Unplaced] = []
    for found in _said(plan, loaded, spans):
        for n, items in found:
            doc = loaded[n].doc
            for (path, prefer_key), message, severity in items:
                at = partial(doc.where, path, prefer_key=prefer_key)
                out.append(Unplaced(doc.file, at, message, severity))
    return out


def _said(
    plan: Plan, loaded: Sequence[LoadedDeal], spans: Sequence[range]
) -> Iterator[list[tuple[int, list[Found]]]]:
    """Per span, each of its bookings with problems and what they are (by forked workers
    when there are several spans and this machine forks)."""
    work = partial(_span_problems, plan, loaded)
    if len(spans) <= 1:
        yield from map(work, spans)
        return
    from feasibility.forked import can_fork, default_jobs, forked_map

    yield from forked_map(work, spans, min(default_jobs(), len(spans)) if can_fork() else 1)


def _span_problems(
    plan: Plan, loaded: Sequence[LoadedDeal], span: range
) -> list[tuple[int, list[Found]]]:
    out: list[tuple[int, list[Found]]] = []
    for n in span:
        earlier = partial(itertools.islice, plan.bookings, n)
        found = list(_problems(plan, loaded[n], plan.bookings[n], earlier))
        if found:
            out.append((n, found))
    return out


def _problems(
    plan: Plan,
    loaded: LoadedDeal,
    outcome: BookingOutcome,
    earlier: Callable[[], Iterable[BookingOutcome]],
) -> Iterator[Found]:
    """``earlier``: the bookings before this one, asked for only to name a misfit's
    holders (a copy of them per booking would be quadratic in the bookings)."""
    deal = loaded.deal
    owner = f" (owner: {deal.owner})" if deal.owner else ""
    hold = deal.booking.hold_until if deal.booking else None
    if hold is not None and hold < plan.as_of:
        msg = f"hold expired on {hold}; it no longer takes capacity: release or re-book it"
        yield _at("booking", "hold_until"), msg + owner, "warning"
    elif not outcome.counted:
        msg = f"every line was due before {plan.as_of}; it takes no capacity: release it"
        yield _at("id"), msg + owner, "warning"
    if outcome.status == "planned":
        msg = (
            f"{deal.id} holds no plan, so it is planned anew on every check; run "
            f"`feasibility replan --write {deal.id}` to pin the plan it gets"
        )
        yield (("booking",), True), msg, "warning"
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
            msg += _holders(plan, misfit, earlier())
            if k == 0:
                more = len(outcome.misfits) - MISFITS_SHOWN
                extra = f" ({more} more misfits)" if more > 0 else ""
                msg += f"{extra}; re-planning gives {gives} ({fix}){late}"
            yield _where(misfit), msg, "error"
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
        yield _at("lines", booked.line, "due"), msg, severity


def _scope(plan: Plan, loaded: LoadedDeal, outcome: BookingOutcome, owner: str) -> Iterator[Found]:
    """An unavailable feature (an error), a feature under review or a resource loaded
    above target (warnings) of each booked line, at the feature or the line."""
    deal = loaded.deal
    for booked in outcome.lines:
        n = booked.line
        for reason, k in booked_reasons(plan, outcome, booked):
            at = ("lines", n) if k is None else ("lines", n, "features", k)
            infeasible = reason.code == "FEATURE_UNAVAILABLE"
            verdict = "infeasible" if infeasible else "at risk"
            msg = (
                f"booked line {n}: {reason.message}, so {deal.id} is now {verdict}: "
                f"talk to the deal owner{owner}"
            )
            severity: Severity = "error" if infeasible else "warning"
            yield _at(*at), msg, severity


def _at(*path: str | int) -> Where:
    """The position of ``path``'s value."""
    return path, False


def _where(misfit: Misfit) -> Where:
    if misfit.step is not None:
        return _at("booking", "plan", "steps", misfit.step)
    if misfit.take is not None:
        return _at("booking", "plan", "materials", misfit.take)
    return ("booking", "plan"), True


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


def _holders(plan: Plan, misfit: Misfit, earlier: Iterable[BookingOutcome]) -> str:
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
