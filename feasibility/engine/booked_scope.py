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


def booked_reasons(
    plan: Plan, outcome: BookingOutcome, booked: BookedLine
) -> list[tuple[Reason, int | None]]:
    """FEATURE_UNAVAILABLE and NEEDS_REVIEW of the booked line (with the feature's index in
    the line), then HIGH_UTILIZATION of each resource its plan holds (index None), over the
    days from its first step (or the check date) to its delivery, counting everything but
    this booking as other work."""
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
    own: dict[str, dict[int, float]] = {r: {} for r in used}  # given back: negative
    for s in outcome.plan.steps if outcome.plan else []:
        for day, amounts in s.days.items():
            i = tl.index(day)
            if lo <= i <= hi:
                for r, a in amounts.items():
                    if r in own:
                        own[r][i] = own[r].get(i, 0.0) - a
    target = plan.model.policy.target_utilization
    for r in used:
        share = window_utilization(plan, plan.state, r, lo, hi, own[r])
        if share > target + 1e-9:
            out.append((utilization_reason(plan, n, r, share, lo, hi), None))
    return out
