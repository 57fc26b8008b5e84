"""Why a line is late or tight: bottleneck resource, utilization, material shortage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.scheduler import Outcome
from feasibility.engine.search import search, used_materials
from feasibility.engine.state import CapacityState


def line_resources(prepared: Prepared, j: int) -> list[str]:
    """Resources used by the tasks of expanded line ``j``, in first-use order."""
    seen: dict[str, None] = {}
    for t in prepared.job.line_tasks[j]:
        step = prepared.job.tasks[t].step
        if step.resource is not None and step.effort is not None:
            seen[step.resource] = None
        for r in step.uses or {}:
            seen[r] = None
    return list(seen)


def line_demand(prepared: Prepared, j: int, resource: str) -> float:
    """Total work line ``j`` needs from ``resource``, in the resource's unit."""
    total = 0.0
    for t in prepared.job.line_tasks[j]:
        step = prepared.job.tasks[t].step
        if step.resource == resource and step.effort is not None:
            total += step.effort
        if step.uses and resource in step.uses and step.days is not None:
            total += step.uses[resource] * step.days
    return total


DIAGNOSIS_BUDGET = 3
"""Candidate schedules per what-if run of a diagnosis (the search's priority rules)."""


def relaxed(plan: Plan, prepared: Prepared, resources: Iterable[str]) -> Outcome:
    """The deal placed with unlimited capacity on ``resources`` (the rest as booked),
    by the search's priority rules alone, so that what-if runs compare like with like."""
    names = list(resources)
    job = prepared.job
    state = plan.state.fork(names, used_materials(job))
    inf = float("inf")
    for r in names:
        state.free[r] = [inf if w else 0.0 for w in state.works[r]]
    return search(job, state, prepared.release, prepared.due, DIAGNOSIS_BUDGET)


@dataclass(frozen=True)
class Bottleneck:
    """The resource whose extra capacity helps a late line most."""

    resource: str
    gain_days: int
    """Calendar days the line gets earlier with that resource unlimited."""


def bottleneck(plan: Plan, prepared: Prepared, j: int, delivered: int) -> Bottleneck | None:
    """The resource that, made unlimited, brings line ``j`` earliest; None if none helps."""
    best: Bottleneck | None = None
    baseline = relaxed(plan, prepared, []).delivered[j]
    reference = delivered if baseline is None else max(delivered, baseline)
    for r in line_resources(prepared, j):
        d = relaxed(plan, prepared, [r]).delivered[j]
        if d is None:
            continue
        gain = reference - d
        if gain > 0 and (best is None or gain > best.gain_days):
            best = Bottleneck(r, gain)
    return best


def window_utilization(plan: Plan, state: CapacityState, resource: str, lo: int, hi: int) -> float:
    """Share of ``resource``'s capacity taken on day indexes lo..hi (0 when it has none)."""
    gross = plan.resources[resource].capacity
    lo, hi = max(lo, 0), min(hi, plan.timeline.ndays - 1)
    total = sum(gross[lo : hi + 1])
    if total <= 0:
        return 0.0
    free = sum(state.free[resource][lo : hi + 1])
    return max(0.0, min(1.0, (total - free) / total))


def free_in_window(plan: Plan, resource: str, lo: int, hi: int) -> float:
    """Capacity of ``resource`` still free before the deal on day indexes lo..hi."""
    lo, hi = max(lo, 0), min(hi, plan.timeline.ndays - 1)
    return sum(plan.state.free[resource][lo : hi + 1])
