"""Reasons for a line's verdict, each with SPEC's stable code and whom to talk to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feasibility.engine.calendar import WorkCalendar
from feasibility.engine.diagnose import (
    DaysOffTrial,
    bottleneck,
    day_off_name,
    days_text,
    free_in_window,
    line_demand,
    line_resources,
    off_day,
    stock_helps,
    supply,
    task_calendars,
    task_resources,
    total_unit,
    window_utilization,
)
from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.result import LineResult, Reason, Verdict
from feasibility.engine.scheduler import Outcome
from feasibility.engine.solve import Scheduled
from feasibility.engine.timeline import Timeline
from feasibility.models.capacity import Feature
from feasibility.models.deal import DealLine
from feasibility.wording import amount, plural

AT_RISK_CODES = {"NEEDS_REVIEW", "LOW_SLACK", "HIGH_UTILIZATION", "LOW_CONFIDENCE"}
"""Codes that put a line at risk; every other code makes it infeasible."""
INFORMATIONAL_CODES = {"MATERIAL", "CALENDAR"}
"""Codes that explain an on-time line's date without changing its verdict."""


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
    days_off: DaysOffTrial | None = None,
) -> tuple[LineResult, list[Reason]]:
    """The result of expanded line ``j`` and the reasons from its dates and load, from the
    deal's schedule, bounds and proofs (``found``) and each line's day were there no
    holidays or closures (``days_off``, None when the model has none)."""
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
    if due is not None and due < 0:
        reasons.append(
            Reason(
                "DUE_PASSED",
                f"due {line.due} has passed: the check date is {timeline.start}; "
                "agree a new due date with the customer",
                line=n,
            )
        )
    elif due is not None and due < release:
        reasons.append(_notice(plan, prepared, j))
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
            f"earliest delivery {timeline.date(delivered)} is "
            f"{plural(-(slack or 0), 'working day')} after due {line.due}"
        )
        if found.alone[j] or (bound is not None and bound > due):
            message += f": {line.due} is impossible with the capacity free (proven)"
        reasons.append(Reason("LATE", message, line=n))
        reasons += _capacity_reasons(plan, prepared, j, found)
    elif slack is not None and slack < policy.min_slack_days:
        reasons.append(
            Reason(
                "LOW_SLACK",
                f"only {plural(slack, 'working day')} of slack before due {line.due} "
                f"(policy asks for {policy.min_slack_days})",
                line=n,
            )
        )
    reasons += _material_reasons(plan, prepared, j, out, delivered)
    if days_off is not None:
        reasons += _calendar_reasons(plan, prepared, j, out, days_off)
    reasons += _utilization_reasons(plan, prepared, j, delivered)
    codes = {r.code for r in reasons + scope}
    if due is None or delivered <= due:
        codes -= INFORMATIONAL_CODES
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
        None
        if due is not None
        else timeline.date(timeline.add_workdays(delivered, policy.min_slack_days)),
    )
    return result, reasons


MOST_NAMED = 6
"""Days off named in a CALENDAR reason before '... and N more'."""


def _calendar_reasons(
    plan: Plan, prepared: Prepared, j: int, out: Outcome, trial: DaysOffTrial
) -> list[Reason]:
    """CALENDAR: the holidays and closures that hold up the line's steps (a day off within
    a step, or right before it starts, on the calendars the step works by), each named only
    when working it alone makes the line earlier; when none does alone but working every
    day off does, all of them together."""
    delivered = out.delivered[j]
    if delivered is None:
        return []
    tl = plan.timeline
    named: dict[str, list[int]] = {}
    for t in prepared.job.line_tasks[j]:
        placed = out.placements.get(t)
        if placed is None:
            continue
        cals = task_calendars(plan, prepared, t)
        for day in _days_off_around(tl, cals, placed.start, placed.finish):
            name = day_off_name(cals, day) or "day off"
            if tl.index(day) not in named.setdefault(name, []):
                named[name].append(tl.index(day))
    if not named:
        return []
    without = trial.dates()[j]
    if without is None or without >= delivered:
        return []
    helping = {
        name: days
        for name, days in named.items()
        if _earlier(trial.dates(frozenset(days))[j], delivered)
    }
    together = not helping
    if not together:
        without = trial.dates(frozenset(d for days in helping.values() for d in days))[j]
        assert without is not None
    ordered = sorted((helping or named).items(), key=lambda kv: min(kv[1]))
    texts = [days_text(name, sorted(tl.date(d) for d in days)) for name, days in ordered]
    if len(texts) > MOST_NAMED:
        texts = [*texts[:MOST_NAMED], f"and {len(texts) - MOST_NAMED} more"]
    gain = plural((tl.date(delivered) - tl.date(without)).days, "day")
    if together:
        how = f" together: {', '.join(texts)}; without days off"
    else:
        how = f": {', '.join(texts)}; with {'it' if len(texts) == 1 else 'them'} worked"
    return [
        Reason(
            "CALENDAR",
            f"days off hold up its steps{how} it would be delivered {gain} earlier",
            line=prepared.lines[j],
        )
    ]


def _earlier(got: int | None, delivered: int) -> bool:
    return got is not None and got < delivered


def _days_off_around(
    tl: Timeline, cals: Sequence[WorkCalendar], start: int, finish: int
) -> list[dt.date]:
    """Days off of any of ``cals`` from ``start`` to ``finish`` (day indexes), and the run of
    days off just before ``start`` (what held the start back)."""
    found: list[dt.date] = []
    i = start - 1
    while i >= 0 and any(off_day(c, tl.date(i)) for c in cals):
        found.append(tl.date(i))
        i -= 1
    found += [
        tl.date(k) for k in range(start, finish + 1) if any(off_day(c, tl.date(k)) for c in cals)
    ]
    return found


def _notice(plan: Plan, prepared: Prepared, j: int) -> Reason:
    """NOTICE: the due date is before work can start, saying what the start counts from."""
    n = prepared.lines[j]
    line = prepared.deal.lines[n]
    offering = next(o for o in plan.model.offerings if o.id == line.offering)
    timeline = plan.timeline
    release = timeline.date(prepared.release[j])
    start = prepared.deal.start
    if start is not None and start >= release:
        why = f"the deal starts {start}"
    else:
        notice = plural(offering.min_notice_days, "working day")
        why = f"{offering.id} needs {notice} of notice from the check date {timeline.start}"
    return Reason(
        "NOTICE",
        f"due {line.due} is before work can start on {release}: {why}",
        line=n,
        owner=offering.owner,
    )


def _capacity_reasons(plan: Plan, prepared: Prepared, j: int, found: Scheduled) -> list[Reason]:
    """CAPACITY: the resource whose unlimited capacity brings the late line in earliest
    (none when no resource does), short over the window from where its work could start
    (with unlimited capacity) to the due date."""
    delivered = found.out.delivered[j]
    assert delivered is not None
    neck = bottleneck(plan, prepared, j, delivered)
    if neck is None:
        return []
    n = prepared.lines[j]
    due = prepared.due[j]
    resource = plan.resources[neck.resource].resource
    starts = [
        found.lower.placements[t].start
        for t in prepared.job.line_tasks[j]
        if t in found.lower.placements and neck.resource in task_resources(prepared, t)
    ]
    lo = min(starts, default=prepared.release[j])
    hi = due if due is not None and due >= lo else delivered
    need = line_demand(prepared, j, resource.id)
    free = free_in_window(plan, resource.id, lo, hi)
    tl = plan.timeline
    workdays = max(1, sum(plan.resources[resource.id].works[max(lo, 0) : hi + 1]))
    short = max(0.0, need - free) / workdays
    unit = resource.unit
    total = total_unit(prepared, j, resource.id, unit)
    detail = (
        f"short by about {amount(round(short, 1), unit)} a day "
        f"({amount(need, total)} needed, {amount(free, total)} free over those days)"
        if need > free
        else f"{amount(free, total)} free over those days in all, not on the days the work "
        "needs them"
    )
    gain = tl.slack(neck.delivered, delivered)
    detail = (
        f"between {tl.date(lo)} and {tl.date(hi)}: {detail}; with unlimited "
        f"{resource.name or resource.id} the line would be {plural(gain, 'working day')} earlier"
    )
    return [
        Reason(
            "CAPACITY",
            f"{resource.name or resource.id} is the bottleneck {detail}",
            line=n,
            resource=resource.id,
            owner=resource.owner,
        )
    ]


def _material_reasons(
    plan: Plan, prepared: Prepared, j: int, out: Outcome, delivered: int | None = None
) -> list[Reason]:
    """MATERIAL: each material a unit of the line waits for, when unlimited stock of it
    would make the line earlier (always, when the line is not delivered at all), with
    the receipt or replenishment day it waits for."""
    materials = {m.id: m for m in plan.model.materials}
    n = prepared.lines[j]
    tl = plan.timeline
    seen: dict[str, Reason] = {}
    tried: set[str] = set()
    for wait in out.waits:
        group = prepared.job.groups[wait.group]
        if group.line != j or wait.material in tried:
            continue
        tried.add(wait.material)
        if delivered is not None and not stock_helps(plan, prepared, j, wait.material, delivered):
            continue
        m = materials[wait.material]
        if wait.available is None:
            when = "and no more can be had within the horizon"
        else:
            when = f"until {tl.date(wait.available)} ({supply(plan, m.id, wait.available)})"
        message = (
            f"not enough {m.name or m.id} in stock for {amount(group.needs[m.id], m.unit)} "
            f"from {tl.date(wait.wanted)} {when}"
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
            out.append(utilization_reason(plan, n, r, used, lo, delivered))
    return out


def utilization_reason(plan: Plan, n: int, r: str, used: float, lo: int, hi: int) -> Reason:
    """HIGH_UTILIZATION of line ``n``: ``r`` is ``used`` (a share) loaded by other work on
    day indexes lo..hi."""
    resource = plan.resources[r].resource
    return Reason(
        "HIGH_UTILIZATION",
        f"{resource.name or r} is already {used:.0%} loaded by other work between "
        f"{plan.timeline.date(lo)} and {plan.timeline.date(hi)} "
        f"(target {plan.model.policy.target_utilization:.0%})",
        line=n,
        resource=r,
        owner=resource.owner,
    )
