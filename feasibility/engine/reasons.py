"""Reasons for a line's verdict, each with SPEC's stable code and whom to talk to."""

from __future__ import annotations

from feasibility.engine.diagnose import (
    bottleneck,
    free_in_window,
    line_demand,
    line_resources,
    window_utilization,
)
from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.result import LineResult, Reason, Verdict
from feasibility.engine.scheduler import Outcome
from feasibility.engine.solve import Scheduled
from feasibility.models.capacity import Feature
from feasibility.models.deal import DealLine

AT_RISK_CODES = {"NEEDS_REVIEW", "LOW_SLACK", "HIGH_UTILIZATION"}
"""Codes that put a line at risk; every other code makes it infeasible."""


def scope_reasons(plan: Plan, n: int, line: DealLine) -> list[Reason]:
    """Reasons from what the line asks for: unknown, unavailable or reviewed scope."""
    offerings = {o.id: o for o in plan.model.offerings}
    offering = offerings.get(line.offering)
    if offering is None:
        known = ", ".join(sorted(offerings)) or "none"
        return [
            Reason(
                "UNKNOWN_OFFERING",
                f"there is no offering '{line.offering}' (offerings: {known})",
                line=n,
            )
        ]
    out: list[Reason] = []
    for f in line.features:
        spec = offering.features.get(f)
        if spec is None:
            known = ", ".join(sorted(offering.features)) or "none"
            message = f"{offering.id} has no feature '{f}' (features: {known})"
            out.append(Reason("UNKNOWN_FEATURE", message, line=n, owner=offering.owner))
        elif spec == "unavailable":
            message = f"feature '{f}' cannot be promised with {offering.id}"
            out.append(Reason("FEATURE_UNAVAILABLE", message, line=n, owner=offering.owner))
        elif isinstance(spec, Feature) and spec.review:
            message = f"feature '{f}' needs sign-off from operations before it is promised"
            out.append(Reason("NEEDS_REVIEW", message, line=n, owner=offering.owner))
    return out


def timed_line(
    plan: Plan,
    prepared: Prepared,
    j: int,
    found: Scheduled,
    scope: list[Reason],
) -> tuple[LineResult, list[Reason]]:
    """The result of expanded line ``j`` and the reasons from its dates and load, from the
    deal's schedule, bounds and proofs (``found``)."""
    out, bounds = found.out, found.bounds
    n = prepared.lines[j]
    line = prepared.deal.lines[n]
    timeline, policy = plan.timeline, plan.model.policy
    delivered, bound, due = out.delivered[j], bounds[j], prepared.due[j]
    unlimited = found.lower.delivered[j]
    reasons: list[Reason] = []
    if delivered is None:
        reasons += _material_reasons(plan, prepared, j, out) or [
            Reason(
                "BEYOND_HORIZON",
                f"cannot be delivered within the horizon of {policy.horizon_days} working "
                f"days (to {timeline.date(timeline.ndays - 1)})",
                line=n,
            )
        ]
        return LineResult(line.offering, line.quantity, line.due, None, None, "infeasible"), reasons
    slack = None if due is None else timeline.slack(delivered, due)
    release = prepared.release[j]
    if due is not None and due < release:
        offering = next(o for o in plan.model.offerings if o.id == line.offering)
        reasons.append(
            Reason(
                "NOTICE",
                f"due {line.due} is before work can start on {timeline.date(release)} "
                f"({offering.min_notice_days} working days' notice, deal start)",
                line=n,
                owner=offering.owner,
            )
        )
    elif due is not None and unlimited is not None and unlimited > due:
        reasons.append(
            Reason(
                "LATE",
                f"even with unlimited capacity the earliest delivery is "
                f"{timeline.date(unlimited)} (steps, calendars and materials): {line.due} "
                "is impossible",
                line=n,
            )
        )
    elif due is not None and delivered > due:
        message = (
            f"earliest delivery {timeline.date(delivered)} is {-(slack or 0)} working "
            f"days after due {line.due}"
        )
        if found.alone[j] or (bound is not None and bound > due):
            message += f": {line.due} is impossible with the capacity free (proven)"
        reasons.append(Reason("LATE", message, line=n))
        reasons += _capacity_reasons(plan, prepared, j, delivered)
        reasons += _material_reasons(plan, prepared, j, out)
    elif slack is not None and slack < policy.min_slack_days:
        reasons.append(
            Reason(
                "LOW_SLACK",
                f"only {slack} working days of slack before due {line.due} "
                f"(policy asks for {policy.min_slack_days})",
                line=n,
            )
        )
    reasons += _utilization_reasons(plan, prepared, j, delivered)
    codes = {r.code for r in reasons + scope}
    verdict: Verdict = "feasible"
    if codes - AT_RISK_CODES:
        verdict = "infeasible"
    elif codes:
        verdict = "at_risk"
    result = LineResult(
        line.offering,
        line.quantity,
        line.due,
        timeline.date(delivered),
        slack,
        verdict,
        None if bound is None else timeline.date(bound),
        found.proven[j],
        None if unlimited is None else timeline.date(unlimited),
    )
    return result, reasons


def _capacity_reasons(plan: Plan, prepared: Prepared, j: int, delivered: int) -> list[Reason]:
    found = bottleneck(plan, prepared, j, delivered)
    if found is None:
        return []
    n = prepared.lines[j]
    due = prepared.due[j]
    lo, hi = prepared.release[j], due if due is not None else delivered
    resource = plan.resources[found.resource].resource
    need = line_demand(prepared, j, resource.id)
    free = free_in_window(plan, resource.id, lo, hi)
    tl = plan.timeline
    workdays = max(1, sum(plan.resources[resource.id].works[max(lo, 0) : hi + 1]))
    short = max(0.0, need - free) / workdays
    detail = (
        f"short by about {short:.1f} {resource.unit} a day ({need:g} needed, {free:g} free)"
        if need > free
        else f"{free:g} {resource.unit} are free in all, not on the days the work needs them"
    )
    detail = f"between {tl.date(lo)} and {tl.date(hi)}: {detail}"
    return [
        Reason(
            "CAPACITY",
            f"{resource.name or resource.id} is the bottleneck {detail}",
            line=n,
            resource=resource.id,
            owner=resource.owner,
        )
    ]


def _material_reasons(plan: Plan, prepared: Prepared, j: int, out: Outcome) -> list[Reason]:
    materials = {m.id: m for m in plan.model.materials}
    n = prepared.lines[j]
    seen: dict[str, Reason] = {}
    for wait in out.waits:
        group = prepared.job.groups[wait.group]
        if group.line != j or wait.material in seen:
            continue
        m = materials[wait.material]
        when = (
            "and no more can be had within the horizon"
            if wait.available is None
            else f"until {plan.timeline.date(wait.available)}"
        )
        message = (
            f"not enough {m.name or m.id} in stock for {group.needs[m.id]:g} {m.unit} "
            f"from {plan.timeline.date(wait.wanted)} {when}"
        )
        seen[m.id] = Reason("MATERIAL", message, line=n, material=m.id, owner=m.owner)
    return list(seen.values())


def _utilization_reasons(plan: Plan, prepared: Prepared, j: int, delivered: int) -> list[Reason]:
    """Resources that other work (reservations, bookings) already loads above the target
    while this line runs (from its release to its delivery)."""
    n = prepared.lines[j]
    lo = prepared.release[j]
    target = plan.model.policy.target_utilization
    out: list[Reason] = []
    for r in line_resources(prepared, j):
        used = window_utilization(plan, plan.state, r, lo, delivered)
        if used > target + 1e-9:
            resource = plan.resources[r].resource
            out.append(
                Reason(
                    "HIGH_UTILIZATION",
                    f"{resource.name or r} is already {used:.0%} loaded by other work between "
                    f"{plan.timeline.date(lo)} and {plan.timeline.date(delivered)} "
                    f"(target {target:.0%})",
                    line=n,
                    resource=r,
                    owner=resource.owner,
                )
            )
    return out
