"""Whether a held plan keeps the model's rules: the step instances the booked lines expand
to, each step's kind (effort adding up, fixed work on consecutive working days, waits
of the right length), precedence, the deal's start and the material takes.

Calendars and capacity on the check date's days are ``held.load_misfits``' part; this
module reads only the model and the calendars, so it holds on any check date. A step
that a re-plan resumed (started before the plan's ``planned_on``, finishing on or after
it) may have a gap at ``planned_on``; a wait begun before then is taken as planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence, Set
from itertools import pairwise

from feasibility.engine.calendar import WorkCalendar
from feasibility.engine.held import Misfit
from feasibility.engine.tasks import Job, Task
from feasibility.models.deal import Deal, HeldPlan, PlannedStep

Key = tuple[int, int | None, str]
"""(deal line index, unit or None, step id): one step instance."""

TOLERANCE = 1e-6
"""Relative slack allowed when effort amounts are added up (floating-point residue)."""


def task_key(task: Task, lines: Sequence[int]) -> Key:
    """The key of a task of a job whose job lines are the deal lines ``lines``."""
    return (lines[task.line], task.unit, task.step.id)


def rule_misfits(
    job: Job,
    lines: Sequence[int],
    deal: Deal,
    plan: HeldPlan,
    company: WorkCalendar,
    calendars: Mapping[str, WorkCalendar],
    done: Set[int] = frozenset(),
) -> Iterator[Misfit]:
    """Every way ``plan`` breaks the rules for the job of ``deal`` (all its lines); a line
    of ``done`` (due before the check date) without a step in the plan is taken as done."""
    entries: dict[Key, int] = {}
    for k, s in enumerate(plan.steps):
        key = (s.line, s.unit, s.step)
        if key in entries:
            yield Misfit(f"{_name(key)} is in the plan twice", step=k)
        entries.setdefault(key, k)
    planned = {s.line for s in plan.steps}
    expected = {
        task_key(t, lines): t
        for t in job.tasks
        if lines[t.line] not in done or lines[t.line] in planned
    }
    for key, k in entries.items():
        if key not in expected:
            yield Misfit(f"{_name(key)} is not a step of the booked line (any more)", step=k)
    for key, t in expected.items():
        k_or_none = entries.get(key)
        if k_or_none is None:
            yield Misfit(f"{_name(key)} is missing from the plan")
            continue
        k = k_or_none
        s = plan.steps[k]
        for text in _kind_problems(t, s, plan.planned_on, company, calendars):
            yield Misfit(f"{_name(key)}: {text}", step=k)
        if deal.start is not None and s.start < deal.start:
            yield Misfit(f"{_name(key)} starts {s.start}, before the deal's start", step=k)
        for p in t.preds:
            before = entries.get(task_key(job.tasks[p], lines))
            if before is not None and plan.steps[before].finish >= s.start:
                other = _name(task_key(job.tasks[p], lines))
                text = f"{_name(key)} starts {s.start}, before {other} has finished"
                yield Misfit(text, step=k)
    live = {key[0] for key in expected}
    yield from _take_problems(job, lines, plan, entries, live)


def _kind_problems(
    t: Task,
    s: PlannedStep,
    resumed_on: dt.date,
    company: WorkCalendar,
    calendars: Mapping[str, WorkCalendar],
) -> Iterator[str]:
    step = t.step
    days = sorted(s.days)
    if s.start > s.finish:
        yield f"starts {s.start}, after it finishes ({s.finish})"
        return
    if days and (days[0] != s.start or days[-1] != s.finish):
        yield f"its days run {days[0]} to {days[-1]}, not {s.start} to {s.finish}"
    if step.kind() == "effort":
        assert step.resource is not None and step.effort is not None
        total = 0.0
        for day in days:
            uses = s.days[day]
            if set(uses) != {step.resource}:
                yield f"on {day} it holds {_ids(uses)}, not {step.resource}"
            amount = uses.get(step.resource, 0.0)
            total += amount
            if step.max_per_day is not None and amount > step.max_per_day * (1 + TOLERANCE):
                yield f"on {day} it does {amount:g}, more than max_per_day {step.max_per_day:g}"
        if abs(total - step.effort) > TOLERANCE * max(1.0, step.effort):
            yield f"its days add up to {total:g}, not the step's effort {step.effort:g}"
    elif step.kind() == "fixed":
        assert step.uses is not None and step.days is not None
        for day in days:
            if s.days[day] != step.uses:
                yield f"on {day} it holds {_ids(s.days[day])}, not {_ids(step.uses)}"
        if len(days) != step.days:
            yield f"it works {len(days)} days, not the step's {step.days}"
        cals = [calendars[r] for r in step.uses if r in calendars]
        for a, b in pairwise(days):
            if a < resumed_on <= b:
                continue
            gap = _first_common_workday(cals, a, b)
            if gap is not None:
                yield f"it skips {gap}, a working day of its resources (fixed work is consecutive)"
    else:
        if days:
            yield "a wait holds no resource"
        assert step.days is not None
        if s.start >= resumed_on:
            counted = _company_days(company, s.start, s.finish)
            if counted != step.days or not company.works(s.start):
                yield (
                    f"it runs {counted} company working days from {s.start} to {s.finish}, "
                    f"not the step's {step.days}"
                )


def _take_problems(
    job: Job, lines: Sequence[int], plan: HeldPlan, entries: Mapping[Key, int], live: Set[int]
) -> Iterator[Misfit]:
    takes: dict[tuple[int, int | None], int] = {}
    for k, take in enumerate(plan.materials):
        takes.setdefault((take.line, take.unit), k)
    wanted: dict[tuple[int, int | None], tuple[int, dict[str, float]]] = {}
    for g, group in enumerate(job.groups):
        if lines[group.line] not in live:
            continue
        wanted[(lines[group.line], group.unit)] = (g, group.needs)
    for (line, unit), k in takes.items():
        if (line, unit) not in wanted and line in live:
            what = f"line {line}" + (f" unit {unit}" if unit else "")
            yield Misfit(f"{what} takes material it does not need", take=k)
    for (line, unit), (g, needs) in wanted.items():
        what = f"line {line}" + (f" unit {unit}" if unit else "")
        starts = [
            plan.steps[entries[task_key(t, lines)]].start
            for t in job.tasks
            if t.group == g and task_key(t, lines) in entries
        ]
        k_or_none = takes.get((line, unit))
        if k_or_none is None:
            yield Misfit(f"{what}: its material take is missing from the plan")
            continue
        take = plan.materials[k_or_none]
        if take.take != needs:
            text = f"{what} takes {_ids(take.take)}, not {_ids(needs)}"
            yield Misfit(text, take=k_or_none)
        if starts and take.date != min(starts):
            text = f"{what} takes its material on {take.date}, not when it starts ({min(starts)})"
            yield Misfit(text, take=k_or_none)


def _first_common_workday(cals: Sequence[WorkCalendar], a: dt.date, b: dt.date) -> dt.date | None:
    day = a + dt.timedelta(days=1)
    while day < b:
        if all(c.works(day) for c in cals):
            return day
        day += dt.timedelta(days=1)
    return None


def _company_days(company: WorkCalendar, start: dt.date, finish: dt.date) -> int:
    n, day = 0, start
    while day <= finish:
        n += company.works(day)
        day += dt.timedelta(days=1)
    return n


def _name(key: Key) -> str:
    line, unit, step = key
    return f"line {line}" + (f" unit {unit}" if unit else "") + f" step {step}"


def _ids(amounts: Mapping[str, float]) -> str:
    return ", ".join(f"{r} {a:g}" for r, a in amounts.items()) or "nothing"
