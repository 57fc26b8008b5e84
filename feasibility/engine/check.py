"""Check a deal against a plan: schedule it, then give verdict, score and reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from feasibility.engine.diagnose import (
    bottleneck,
    free_in_window,
    line_demand,
    line_resources,
    window_utilization,
)
from feasibility.engine.offers import counter_offers
from feasibility.engine.plan import Plan, Prepared, build_plan, prepare
from feasibility.engine.result import (
    CheckResult,
    DealResult,
    LineResult,
    Reason,
    ScheduledStep,
    Verdict,
    worst,
)
from feasibility.engine.scheduler import Outcome, place_job
from feasibility.engine.score import score_deal
from feasibility.engine.search import search, serial_order, used_materials, used_resources
from feasibility.models.capacity import CapacityFile, Feature
from feasibility.models.deal import Deal, DealLine

AT_RISK_CODES = {"NEEDS_REVIEW", "LOW_SLACK", "HIGH_UTILIZATION"}


def check_deals(
    model: CapacityFile, bookings: Sequence[Deal], deals: Sequence[Deal], as_of: dt.date
) -> CheckResult:
    """Check each deal alone against the model and its bookings on ``as_of``."""
    plan = build_plan(model, bookings, as_of)
    results = []
    for deal in deals:
        result = check_deal(plan, deal)
        if result.verdict != "feasible":
            result = replace(result, offers=counter_offers(plan, deal, result))
        results.append(result)
    return CheckResult(as_of, model.company, results)


def schedule_deal(plan: Plan, prepared: Prepared) -> tuple[Outcome, Outcome]:
    """The deal's best schedule and its unlimited-capacity lower bound."""
    job = prepared.job
    lower = place_job(
        job,
        plan.state.unlimited(),
        serial_order(job, lambda i: (float(i),)),
        prepared.release,
        take_materials=False,
    )
    state = plan.state.fork(used_resources(job), used_materials(job))
    out = search(
        job,
        state,
        prepared.release,
        prepared.due,
        plan.model.policy.search_schedules,
        enough=lambda o: o.delivered == lower.delivered,
    )
    return out, lower


def check_deal(plan: Plan, deal: Deal) -> DealResult:
    """Verdict, score, per-line dates, reasons and schedule of one deal (no offers)."""
    prepared = prepare(plan, deal)
    out, lower = schedule_deal(plan, prepared)
    reasons: list[Reason] = []
    lines: list[LineResult] = []
    for n, line in enumerate(deal.lines):
        line_reasons = _scope_reasons(plan, n, line)
        if n in prepared.lines:
            j = prepared.lines.index(n)
            result, timing = _timed_line(plan, prepared, j, out, lower, line_reasons)
            line_reasons += timing
        else:
            result = LineResult(line.offering, line.quantity, line.due, None, None, "infeasible")
        reasons += line_reasons
        lines.append(result)
    verdict = worst([ln.verdict for ln in lines])
    parts, score = score_deal(plan, prepared, out, lines, reasons, verdict)
    dates = [ln.earliest for ln in lines]
    earliest = None if None in dates else max(d for d in dates if d is not None)
    return DealResult(
        id=deal.id,
        customer=deal.customer,
        owner=deal.owner,
        verdict=verdict,
        score=score,
        parts=parts,
        earliest=earliest,
        lines=lines,
        reasons=reasons,
        schedule=_schedule(plan, prepared, out),
    )


def _scope_reasons(plan: Plan, n: int, line: DealLine) -> list[Reason]:
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


def _timed_line(
    plan: Plan,
    prepared: Prepared,
    j: int,
    out: Outcome,
    lower: Outcome,
    scope: list[Reason],
) -> tuple[LineResult, list[Reason]]:
    n = prepared.lines[j]
    line = prepared.deal.lines[n]
    timeline, policy = plan.timeline, plan.model.policy
    delivered, bound, due = out.delivered[j], lower.delivered[j], prepared.due[j]
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
    elif due is not None and bound is not None and bound > due:
        reasons.append(
            Reason(
                "LATE",
                f"even with unlimited capacity the earliest delivery is {timeline.date(bound)} "
                f"(steps, calendars and materials): {line.due} is impossible",
                line=n,
            )
        )
    elif due is not None and delivered > due:
        reasons.append(
            Reason(
                "LATE",
                f"earliest delivery {timeline.date(delivered)} is {-(slack or 0)} working "
                f"days after due {line.due}",
                line=n,
            )
        )
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


def _schedule(plan: Plan, prepared: Prepared, out: Outcome) -> list[ScheduledStep]:
    tl = plan.timeline
    steps: list[ScheduledStep] = []
    for t, p in sorted(out.placements.items(), key=lambda kv: (kv[1].start, kv[0])):
        task = prepared.job.tasks[t]
        uses: dict[str, float] = {}
        for _, r, amount in p.amounts:
            uses[r] = uses.get(r, 0.0) + amount
        steps.append(
            ScheduledStep(
                line=prepared.lines[task.line],
                unit=task.unit,
                step=task.step.id,
                start=tl.date(p.start),
                finish=tl.date(p.finish),
                uses=uses,
                daily=tuple((tl.date(d), r, a) for d, r, a in p.amounts),
                feature=task.feature,
            )
        )
    return steps
