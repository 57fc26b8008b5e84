"""Check a deal against a plan: schedule it, then give verdict, score and reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from feasibility.engine.commitments import build_plan
from feasibility.engine.confidence import confidences, confident_line, uncertain
from feasibility.engine.diagnose import DaysOffTrial
from feasibility.engine.offers import counter_offers
from feasibility.engine.plan import Plan, Prepared, other_bookings, prepare
from feasibility.engine.reasons import scope_reasons, timed_line
from feasibility.engine.replan import held_plan
from feasibility.engine.result import (
    CheckResult,
    DealResult,
    LineResult,
    Reason,
    ScheduledStep,
    worst,
)
from feasibility.engine.scheduler import Outcome
from feasibility.engine.score import score_deal
from feasibility.engine.solve import schedule_deal
from feasibility.engine.why import line_chain
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal


def check_deals(
    model: CapacityFile,
    bookings: Sequence[Deal],
    deals: Sequence[Deal],
    as_of: dt.date,
    *,
    plan: Plan | None = None,
) -> CheckResult:
    """Check each deal alone against the model and its bookings on ``as_of``; a deal whose
    id is booked is checked against the other bookings, never on top of its own.
    ``plan``: the model and bookings on ``as_of`` when the caller built it already."""
    plan = build_plan(model, bookings, as_of) if plan is None else plan
    booked = {b.id for b in bookings}
    results = []
    for deal in deals:
        own = plan
        if deal.id in booked:
            own = build_plan(model, other_bookings(bookings, {deal.id}), as_of, like=plan)
        result = check_deal(own, deal)
        if result.verdict != "feasible":
            result = replace(result, offers=counter_offers(own, deal, result))
        results.append(result)
    return CheckResult(as_of, model.company, results)


def check_deal(plan: Plan, deal: Deal) -> DealResult:
    """Verdict, score, per-line dates, reasons and schedule of one deal (no offers)."""
    prepared = prepare(plan, deal)
    found = schedule_deal(plan, prepared)
    days_off = DaysOffTrial(plan, deal) if _has_days_off(plan.model) else None
    out = found.out
    sampled, p_on_time = (
        confidences(plan, prepared, found) if uncertain(plan.model) else (None, None)
    )
    reasons: list[Reason] = []
    lines: list[LineResult] = []
    for n, line in enumerate(deal.lines):
        line_reasons = scope_reasons(plan, n, line)
        if n in prepared.lines:
            j = prepared.lines.index(n)
            result, timing = timed_line(plan, prepared, j, found, line_reasons, days_off)
            result = replace(result, why=line_chain(plan, prepared, j, out))
            if sampled is not None:
                result, doubt = confident_line(plan, n, result, sampled[j])
                timing += doubt
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
        plan=held_plan(plan, prepared, out),
        p_on_time=0.0
        if p_on_time is not None and len(prepared.lines) < len(deal.lines)
        else p_on_time,
    )


def _has_days_off(model: CapacityFile) -> bool:
    """True when some calendar has public holidays or closures."""
    own = [r.calendar for r in model.resources if r.calendar is not None]
    return (
        model.calendar.holidays is not None
        or bool(model.calendar.closures)
        or any(c.holidays is not None or c.closures for c in own)
    )


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
