"""What `check` of a booked deal would now say of a booked line's scope and load, read
from the plan it holds: a feature made ``unavailable`` or ``review: true``, or a resource
that other work loads above ``policy.target_utilization`` while the line's plan runs.

`validate` and `impact` use it, so a capacity edit that makes `check` of a booking say
infeasible or at risk is reported on the booking as a plan misfit is.
"""

from __future__ import annotations

from feasibility.engine.diagnose import window_utilization
from feasibility.engine.plan import BookedLine, BookingOutcome, Plan
from feasibility.engine.reasons import scope_reasons, utilization_reason
from feasibility.engine.result import Reason

SCOPE_CODES = ("FEATURE_UNAVAILABLE", "NEEDS_REVIEW")
"""Reasons from what a booked line asks for that make it infeasible or at risk."""


Load = dict[str, dict[int, float]]
"""Per resource, per day index: an amount a booking's plan holds, negated (given back)."""


def own_load(plan: Plan, outcome: BookingOutcome) -> Load:
    """Everything ``outcome``'s plan holds, negated, its steps in plan order."""
    tl = plan.timeline
    own: Load = {}
    for s in outcome.plan.steps if outcome.plan else []:
        for day, amounts in s.days.items():
            i = tl.index(day)
            for r, a in amounts.items():
                days = own.setdefault(r, {})
                days[i] = days.get(i, 0.0) - a
    return own


def booked_reasons(
    plan: Plan, outcome: BookingOutcome, booked: BookedLine, own: Load | None = None
) -> list[tuple[Reason, int | None]]:
    """FEATURE_UNAVAILABLE and NEEDS_REVIEW of the booked line (with the feature's index in
    the line), then HIGH_UTILIZATION of each resource its plan holds (index None), over the
    days from its first step (or the check date) to its delivery, counting everything but
    this booking as other work. ``own``: ``own_load(plan, outcome)``, when the caller asks
    of several lines of the booking."""
    n = booked.line
    line = outcome.deal.lines[n]
    out: list[tuple[Reason, int | None]] = [
        (r, k)
        for k, f in enumerate(line.features)
        for r in scope_reasons(plan, n, line.model_copy(update={"features": [f]}))
        if r.code in SCOPE_CODES
    ]
    steps = [s for s in (outcome.plan.steps if outcome.plan else []) if s.line == n]
    if not steps or booked.delivered is None:
        return out
    tl = plan.timeline
    lo = max(tl.index(min(s.start for s in steps)), 0)
    hi = min(tl.index(booked.delivered), tl.ndays - 1)
    used = sorted({r for s in steps for amounts in s.days.values() for r in amounts})
    used = [r for r in used if r in plan.resources]
    if own is None:
        own = own_load(plan, outcome)
    target = plan.model.policy.target_utilization
    for r in used:  # window_utilization counts the days of own[r] within lo..hi only
        share = window_utilization(plan, plan.state, r, lo, hi, own.get(r))
        if share > target + 1e-9:
            out.append((utilization_reason(plan, n, r, share, lo, hi), None))
    return out
