"""Serial schedule generation: place tasks one by one, each as early as every limit allows.

Given an order of the tasks that respects precedence, each task is put at its earliest
start: after its predecessors, not before its line's release day, once its unit's
materials are in stock, and where its resources have the capacity (SPEC, "Time, exactly").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job, Task
from feasibility.engine.timeline import EPS


@dataclass(frozen=True)
class Placement:
    """Where one task landed: first and last day index, and what it took each day."""

    task: int
    start: int
    finish: int
    amounts: tuple[tuple[int, str, float], ...]
    """(day index, resource id, amount in the resource's unit) for every day it used."""


@dataclass(frozen=True)
class MaterialWait:
    """A unit whose start waited for stock: from the day it could otherwise start."""

    group: int
    material: str
    wanted: int
    available: int | None
    """Day index the stock was there, or None if it never is within the horizon."""


@dataclass
class Outcome:
    """The result of placing a job: placements, material waits, delivery per line."""

    placements: dict[int, Placement] = field(default_factory=dict)
    waits: list[MaterialWait] = field(default_factory=list)
    delivered: list[int | None] = field(default_factory=list)
    """Day index each line is delivered on, None when it cannot be within the horizon."""


def place_job(
    job: Job,
    state: CapacityState,
    order: Sequence[int],
    release: Sequence[int],
    *,
    take_materials: bool = True,
) -> Outcome:
    """Place the tasks of ``job`` in ``order`` into ``state`` (which is changed).

    ``release`` is each line's earliest day index. With ``take_materials`` false, stock
    is checked but not consumed (for lower bounds).
    """
    out = Outcome()
    finish: dict[int, int] = {}
    group_day: dict[int, int] = {}
    ndays = state.timeline.ndays
    for t in order:
        task = job.tasks[t]
        est = release[task.line]
        blocked = False
        for p in task.preds:
            if p not in finish:
                blocked = True
                break
            est = max(est, finish[p] + 1)
        if blocked:
            continue
        g = task.group
        if g is not None and g in group_day:
            est = max(est, group_day[g])
        elif g is not None:
            ready = _materials_ready(job, g, state, est, out)
            if ready is None:
                continue
            est = ready
        placed = _place(task, state, est, ndays)
        if placed is None:
            continue
        if g is not None and g not in group_day:
            group_day[g] = placed.start
            if take_materials:
                for m, q in job.groups[g].needs.items():
                    state.stocks[m].take(placed.start, q)
        for day, r, amount in placed.amounts:
            state.free[r][day] -= amount
        out.placements[t] = placed
        finish[t] = placed.finish
    for tasks in job.line_tasks:
        ends = [finish.get(t) for t in tasks]
        done = [e for e in ends if e is not None]
        out.delivered.append(max(done) if ends and len(done) == len(ends) else None)
    return out


def _materials_ready(job: Job, g: int, state: CapacityState, est: int, out: Outcome) -> int | None:
    day = est
    for m, q in job.groups[g].needs.items():
        ready = state.stocks[m].earliest(est, q)
        if ready is None or ready > est:
            out.waits.append(MaterialWait(g, m, est, ready))
        if ready is None:
            return None
        day = max(day, ready)
    return day


def _place(task: Task, state: CapacityState, est: int, ndays: int) -> Placement | None:
    step = task.step
    if step.resource is not None and step.effort is not None:
        return _place_effort(task, state, est, ndays)
    if step.uses:
        return _place_fixed(task, state, est, ndays)
    return _place_wait(task, state, est)


def _place_effort(task: Task, state: CapacityState, est: int, ndays: int) -> Placement | None:
    step = task.step
    r = step.resource
    assert r is not None and step.effort is not None
    works, free = state.works[r], state.free[r]
    cap = step.max_per_day if step.max_per_day is not None else float("inf")
    remaining = step.effort
    amounts: list[tuple[int, str, float]] = []
    for day in range(max(est, 0), ndays):
        if not works[day] or free[day] <= EPS:
            continue
        take = min(free[day], cap, remaining)
        amounts.append((day, r, take))
        remaining -= take
        if remaining <= EPS:
            return Placement(task.index, amounts[0][0], day, tuple(amounts))
    return None


def _place_fixed(task: Task, state: CapacityState, est: int, ndays: int) -> Placement | None:
    step = task.step
    assert step.uses is not None and step.days is not None
    uses = list(step.uses.items())
    run: list[int] = []
    for day in range(max(est, 0), ndays):
        if not all(state.works[r][day] for r, _ in uses):
            continue
        if all(state.free[r][day] + EPS >= units for r, units in uses):
            run.append(day)
            if len(run) == step.days:
                amounts = tuple((d, r, units) for d in run for r, units in uses)
                return Placement(task.index, run[0], run[-1], amounts)
        else:
            run = []
    return None


def _place_wait(task: Task, state: CapacityState, est: int) -> Placement | None:
    days = task.step.days
    assert days is not None
    timeline = state.timeline
    start = timeline.first_workday(est)
    finish = timeline.add_workdays(start, days - 1)
    if finish >= timeline.ndays:
        return None
    return Placement(task.index, start, finish, ())
