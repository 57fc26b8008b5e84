"""Planning a booking: into what reservations and earlier plans leave free, from the check
date, keeping what its old plan did before that date as done (SPEC, "Commitments hold
their plan"). Also the held plan of a schedule that a check found.

A step of the old plan that finished before the check date is kept as it was. One that
started before it and finishes on or after it is resumed: what it did before the check
date is kept, and what remains (effort left, fixed days left, wait days left) is
scheduled from the check date. Every other step is scheduled anew. A unit whose material
was taken before the check date does not take it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import replace

from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.plan_rules import Key, task_key
from feasibility.engine.scheduler import Outcome
from feasibility.engine.search import search
from feasibility.engine.tasks import Job, Task
from feasibility.models.capacity import Step
from feasibility.models.deal import HeldPlan, PlannedStep, PlannedTake


def held_plan(
    plan: Plan,
    prepared: Prepared,
    out: Outcome,
    kept: Iterable[PlannedStep] = (),
    kept_takes: Iterable[PlannedTake] = (),
) -> HeldPlan:
    """The plan ``out`` (a schedule of ``prepared`` on ``plan``) holds, with ``kept``
    steps and takes of an old plan (done work), merged by step instance."""
    tl = plan.timeline
    job, lines = prepared.job, prepared.lines
    steps: dict[Key, PlannedStep] = {(s.line, s.unit, s.step): s for s in kept}
    group_start: dict[int, int] = {}
    for t, p in out.placements.items():
        task = job.tasks[t]
        days: dict[dt.date, dict[str, float]] = {}
        for d, r, amount in p.amounts:
            uses = days.setdefault(tl.date(d), {})
            uses[r] = uses.get(r, 0.0) + amount
        key = task_key(task, lines)
        start, finish = tl.date(p.start), tl.date(p.finish)
        done = steps.get(key)
        if done is not None:  # resumed: the days before the check date are kept
            days = {**done.days, **days}
            start = done.start
        steps[key] = PlannedStep(
            line=key[0], unit=key[1], step=key[2], start=start, finish=finish, days=days
        )
        if task.group is not None:
            g = task.group
            group_start[g] = min(group_start.get(g, p.start), p.start)
    takes = list(kept_takes)
    taken = {(x.line, x.unit) for x in takes}
    for g, first in group_start.items():
        group = job.groups[g]
        if (lines[group.line], group.unit) in taken:
            continue
        needs = dict(group.needs)
        takes.append(
            PlannedTake(line=lines[group.line], unit=group.unit, date=tl.date(first), take=needs)
        )
    ordered = sorted(steps.values(), key=lambda s: (s.start, s.line, s.unit or 0, s.finish))
    takes.sort(key=lambda x: (x.date, x.line, x.unit or 0))
    return HeldPlan(planned_on=tl.start, steps=ordered, materials=takes)


def replan(plan: Plan, prepared: Prepared, old: HeldPlan | None) -> HeldPlan:
    """Schedule ``prepared`` (a booking's lines) into ``plan``'s state, which takes its
    load, keeping what ``old`` did before the check date; returns the new plan."""
    tl = plan.timeline
    release = [max(tl.index(prepared.deal.start), 0) if prepared.deal.start else 0] * len(
        prepared.lines
    )
    entries = {} if old is None else {(s.line, s.unit, s.step): s for s in old.steps}
    taken = set() if old is None else {(x.line, x.unit) for x in old.materials if x.date < tl.start}
    job, index, kept = _remaining(prepared, entries, taken, tl.start, plan)
    sub = Prepared(prepared.deal, job, release, prepared.due, prepared.lines)
    tries = plan.model.policy.search_schedules
    out = search(job, plan.state, release, prepared.due, tries, in_place=True)
    out.placements = {index[t]: p for t, p in out.placements.items()}
    if old is not None:  # lines taken as done (due before the check date) stay as held
        live = set(prepared.lines)
        kept += [s for s in old.steps if s.line not in live]
    kept_takes = (
        []
        if old is None
        else [x for x in old.materials if x.date < tl.start or x.line not in set(prepared.lines)]
    )
    return held_plan(plan, replace(sub, job=prepared.job), out, kept, kept_takes)


def _remaining(
    prepared: Prepared,
    entries: Mapping[Key, PlannedStep],
    taken: set[tuple[int, int | None]],
    today: dt.date,
    plan: Plan,
) -> tuple[Job, list[int], list[PlannedStep]]:
    """The job of what is left to do, the full job's task index of each of its tasks, and
    the old steps kept (done, or resumed: their days before ``today``)."""
    full, lines = prepared.job, prepared.lines
    kept: list[PlannedStep] = []
    new_index: dict[int, int] = {}
    tasks: list[Task] = []
    index: list[int] = []
    for t in full.tasks:
        old = entries.get(task_key(t, lines))
        step = t.step
        if old is not None and old.start < today:
            if old.finish < today:
                kept.append(old)
                continue
            kept.append(_before(old, today))
            left = _left(t, old, today, plan)
            if left is None:
                continue
            step = left
        group = t.group
        if group is not None:
            g = full.groups[group]
            if (lines[g.line], g.unit) in taken:
                group = None
        new_index[t.index] = len(tasks)
        preds = tuple(new_index[p] for p in t.preds if p in new_index)
        tasks.append(replace(t, index=len(tasks), step=step, preds=preds, group=group))
        index.append(t.index)
    line_tasks: list[list[int]] = [[] for _ in full.line_tasks]
    for task in tasks:
        line_tasks[task.line].append(task.index)
    return Job(tasks, list(full.groups), line_tasks), index, kept


def _before(old: PlannedStep, today: dt.date) -> PlannedStep:
    """What a resumed step did before ``today``."""
    days = {d: u for d, u in old.days.items() if d < today}
    finish = max(days, default=old.start)
    return old.model_copy(update={"days": days, "finish": finish})


def _left(t: Task, old: PlannedStep, today: dt.date, plan: Plan) -> Step | None:
    """The step with only what remains from ``today`` on (None: nothing remains)."""
    step = t.step
    before = [d for d in old.days if d < today]
    kind = step.kind()
    if kind == "effort":
        assert step.effort is not None and step.resource is not None
        done = sum(old.days[d].get(step.resource, 0.0) for d in before)
        rest = step.effort - done
        return step.model_copy(update={"effort": rest}) if rest > 1e-9 else None
    assert step.days is not None
    if kind == "fixed":
        rest_days = step.days - len(before)
    else:
        cal = plan.timeline.calendar
        rest_days = step.days - sum(
            cal.works(old.start + dt.timedelta(days=n)) for n in range((today - old.start).days)
        )
    return step.model_copy(update={"days": rest_days}) if rest_days > 0 else None


def delivered_on(
    plan: HeldPlan, lines: Sequence[int], left_out: Set[Key] = frozenset()
) -> dict[int, dt.date | None]:
    """Each line's delivery day in ``plan``: its last step's finish (None: no step, or a
    step instance of ``left_out``, work the plan leaves out, is of that line: it is not
    delivered within the horizon)."""
    out: dict[int, dt.date | None] = dict.fromkeys(lines)
    for s in plan.steps:
        if s.line in out:
            was = out[s.line]
            out[s.line] = s.finish if was is None else max(was, s.finish)
    for line, _, _ in left_out:
        if line in out:
            out[line] = None
    return out
