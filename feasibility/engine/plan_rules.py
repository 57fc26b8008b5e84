"""Whether a held plan keeps the model's rules: the step instances the booked lines expand
to, each step's kind (effort adding up, fixed work on consecutive working days, waits
of the right length), precedence, the deal's start and the material takes.

Calendars and capacity on the check date's days are ``held.load_misfits``' part; this
module reads only the model and the calendars, so it holds on any check date. A step
that a re-plan resumed (started before the plan's ``planned_on``, finishing on or after
it) may have a gap at ``planned_on``; a wait begun before then is taken as planned.

A plan may leave out work its planning found no room for within the horizon (the
scheduler places nothing of a step it cannot finish on the grid, nor anything after it):
a step instance left out, with every step instance after it, is not a misfit, and its
line is not delivered within the horizon (``replan.delivered_on``). A wait that follows
planned work is left out only when it would end beyond the grid of ``planned_on``
(its length is the calendar's alone); a step of resources or one that starts its unit
may have found no capacity or stock. Only the calendar and the model decide this, so it
holds on any check date and in any more generous model, like every other rule here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import replace
from itertools import pairwise

from feasibility.engine.calendar import WorkCalendar
from feasibility.engine.held import Misfit
from feasibility.engine.tasks import Job, Task
from feasibility.engine.timeline import MAX_CALENDAR_DAYS
from feasibility.models.deal import Deal, HeldPlan, PlannedStep
from feasibility.wording import plural

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
    horizon_days: int | None = None,
) -> Iterator[Misfit]:
    """Every way ``plan`` breaks the rules for the job of ``deal`` (all its lines); a line
    of ``done`` (due before the check date) without a step in the plan is taken as done.
    ``horizon_days``: the model's horizon, for a left-out wait (see the module); None
    takes no wait as left out."""
    parts = job_parts(job, lines, calendars)
    return line_misfits(parts, deal, plan, CompanyDays(company), done, horizon_days)


class LineRules:
    """What the rules read of one booked line, whatever the plan: its step instances as
    the line alone expands to (tasks of job line 0), each one's kind, the tasks that
    follow each, the calendars of each fixed step's resources, and its material groups.
    Bookings of the same offering, quantity and features share one."""

    def __init__(self, job: Job, calendars: Mapping[str, WorkCalendar]) -> None:
        self.tasks = job.tasks
        self.groups = job.groups
        self.kinds = [t.step.kind() for t in job.tasks]
        self.follows: dict[int, list[int]] = {}
        for t in job.tasks:
            for p in t.preds:
                self.follows.setdefault(p, []).append(t.index)
        self.calendars = [
            [calendars[r] for r in t.step.uses if r in calendars] if t.step.uses else []
            for t in job.tasks
        ]

    def keys(self, line: int) -> list[Key]:
        """Each task's key as deal line ``line``."""
        return [(line, t.unit, t.step.id) for t in self.tasks]


Part = tuple[int, LineRules]
"""A deal line (its index in the deal) and its rules."""


def job_parts(job: Job, lines: Sequence[int], calendars: Mapping[str, WorkCalendar]) -> list[Part]:
    """``job``'s lines (the deal lines ``lines``), each as the job of that line alone."""
    out: list[Part] = []
    for j, tasks in enumerate(job.line_tasks):
        index = {t: n for n, t in enumerate(tasks)}
        mine = [g for g, x in enumerate(job.groups) if x.line == j]
        groups = {g: n for n, g in enumerate(mine)}
        alone: list[Task] = []
        for t in tasks:
            task = job.tasks[t]
            group = None if task.group is None else groups[task.group]
            preds = tuple(index[p] for p in task.preds)
            alone.append(replace(task, index=index[t], line=0, preds=preds, group=group))
        line_job = Job(
            alone, [replace(job.groups[g], line=0) for g in mine], [list(range(len(tasks)))]
        )
        out.append((lines[j], LineRules(line_job, calendars)))
    return out


def line_misfits(
    parts: Sequence[Part],
    deal: Deal,
    plan: HeldPlan,
    company: CompanyDays,
    done: Set[int] = frozenset(),
    horizon_days: int | None = None,
) -> Iterator[Misfit]:
    """``rule_misfits`` for the deal lines ``parts`` (in deal order)."""
    entries: dict[Key, int] = {}
    for k, s in enumerate(plan.steps):
        key = (s.line, s.unit, s.step)
        if key in entries:
            yield Misfit(f"{_name(key)} is in the plan twice", step=k)
        entries.setdefault(key, k)
    planned = {s.line for s in plan.steps}
    counted = [(n, rules, rules.keys(n)) for n, rules in parts if n not in done or n in planned]
    expected = {
        key: (rules, t)
        for _, rules, keys in counted
        for key, t in zip(keys, rules.tasks, strict=True)
    }
    for key, k in entries.items():
        if key not in expected:
            yield Misfit(f"{_name(key)} is not a step of the booked line (any more)", step=k)
    left_out: set[Key] = set()
    if len(entries) < len(expected):
        for _, rules, keys in counted:
            left_out |= _left_out(rules, keys, deal, plan, entries, company, horizon_days)
    for _, rules, keys in counted:
        for key, t in zip(keys, rules.tasks, strict=True):
            k_or_none = entries.get(key)
            if k_or_none is None:
                if key not in left_out:
                    yield Misfit(f"{_name(key)} is missing from the plan")
                continue
            k = k_or_none
            s = plan.steps[k]
            for text in _kind_problems(t, s, plan.planned_on, rules, company):
                yield Misfit(f"{_name(key)}: {text}", step=k)
            if deal.start is not None and s.start < deal.start:
                yield Misfit(f"{_name(key)} starts {s.start}, before the deal's start", step=k)
            for p in t.preds:
                before = entries.get(keys[p])
                if before is not None and plan.steps[before].finish >= s.start:
                    other = _name(keys[p])
                    text = f"{_name(key)} starts {s.start}, before {other} has finished"
                    yield Misfit(text, step=k)
    yield from _take_problems(counted, plan, entries)


class CompanyDays:
    """The company calendar, with its working days counted on a check's day grid at once
    (``start``: the grid's first day, ``works``: whether each of its days is worked, as
    ``Timeline`` has them); off the grid, day by day."""

    def __init__(
        self, company: WorkCalendar, start: dt.date | None = None, works: Sequence[bool] = ()
    ) -> None:
        self.company = company
        self.start = start
        self.prefix = [0]
        for w in works:
            self.prefix.append(self.prefix[-1] + w)

    def works(self, day: dt.date) -> bool:
        """Whether the company works on ``day``."""
        return self.company.works(day)

    def between(self, start: dt.date, finish: dt.date) -> int:
        """Company working days from ``start`` to ``finish``, both included."""
        if self.start is not None:
            i, j = (start - self.start).days, (finish - self.start).days
            if 0 <= i <= j < len(self.prefix) - 1:
                return self.prefix[j + 1] - self.prefix[i]
        return _company_days(self.company, start, finish)


def _kind_problems(
    t: Task,
    s: PlannedStep,
    resumed_on: dt.date,
    rules: LineRules,
    company: CompanyDays,
) -> Iterator[str]:
    step = t.step
    days = sorted(s.days)
    if s.start > s.finish:
        yield f"starts {s.start}, after it finishes ({s.finish})"
        return
    if days and (days[0] != s.start or days[-1] != s.finish):
        yield f"its days run {days[0]} to {days[-1]}, not {s.start} to {s.finish}"
    kind = rules.kinds[t.index]
    if kind == "effort":
        assert step.resource is not None and step.effort is not None
        total = 0.0
        resource = step.resource
        for day in days:
            uses = s.days[day]
            if len(uses) != 1 or resource not in uses:
                yield f"on {day} it holds {_ids(uses)}, not {step.resource}"
            amount = uses.get(step.resource, 0.0)
            total += amount
            if step.max_per_day is not None and amount > step.max_per_day * (1 + TOLERANCE):
                yield f"on {day} it does {amount:g}, more than max_per_day {step.max_per_day:g}"
        if abs(total - step.effort) > TOLERANCE * max(1.0, step.effort):
            yield f"its days add up to {total:g}, not the step's effort {step.effort:g}"
    elif kind == "fixed":
        assert step.uses is not None and step.days is not None
        for day in days:
            if s.days[day] != step.uses:
                yield f"on {day} it holds {_ids(s.days[day])}, not {_ids(step.uses)}"
        if len(days) != step.days:
            yield f"it works {plural(len(days), 'day')}, not the step's {step.days}"
        cals = rules.calendars[t.index]
        for a, b in pairwise(days):
            if a < resumed_on <= b or (b - a).days == 1:
                continue
            gap = _first_common_workday(cals, a, b)
            if gap is not None:
                yield f"it skips {gap}, a working day of its resources (fixed work is consecutive)"
    else:
        if days:
            yield "a wait holds no resource"
        assert step.days is not None
        if s.start >= resumed_on:
            counted = company.between(s.start, s.finish)
            if counted != step.days or not company.works(s.start):
                yield (
                    f"it runs {counted} company working days from {s.start} to {s.finish}, "
                    f"not the step's {step.days}"
                )


def _take_problems(
    counted: Sequence[tuple[int, LineRules, list[Key]]], plan: HeldPlan, entries: Mapping[Key, int]
) -> Iterator[Misfit]:
    takes: dict[tuple[int, int | None], int] = {}
    for k, take in enumerate(plan.materials):
        takes.setdefault((take.line, take.unit), k)
    live = {n for n, _, _ in counted}
    wanted: dict[tuple[int, int | None], tuple[list[dt.date], dict[str, float]]] = {}
    for n, rules, keys in counted:
        for g, group in enumerate(rules.groups):
            starts = [
                plan.steps[entries[keys[t.index]]].start
                for t in rules.tasks
                if t.group == g and keys[t.index] in entries
            ]
            wanted[(n, group.unit)] = (starts, group.needs)
    for (line, unit), k in takes.items():
        if (line, unit) not in wanted and line in live:
            what = f"line {line}" + (f" unit {unit}" if unit else "")
            yield Misfit(f"{what} takes material it does not need", take=k)
    for (line, unit), (starts, needs) in wanted.items():
        what = f"line {line}" + (f" unit {unit}" if unit else "")
        k_or_none = takes.get((line, unit))
        if k_or_none is None:
            if starts:  # none of its steps planned: its stock was never taken (left out)
                yield Misfit(f"{what}: its material take is missing from the plan")
            continue
        take = plan.materials[k_or_none]
        if take.take != needs:
            text = f"{what} takes {_ids(take.take)}, not {_ids(needs)}"
            yield Misfit(text, take=k_or_none)
        if starts and take.date != min(starts):
            text = f"{what} takes its material on {take.date}, not when it starts ({min(starts)})"
            yield Misfit(text, take=k_or_none)


def left_out_keys(parts: Sequence[Part], plan: HeldPlan) -> set[Key]:
    """The step instances of the deal lines ``parts`` that ``plan`` does not hold (left
    out, or missing: ``rule_misfits`` tells which)."""
    have = {(s.line, s.unit, s.step) for s in plan.steps}
    return {key for n, rules in parts for key in rules.keys(n) if key not in have}


def _left_out(
    rules: LineRules,
    keys: Sequence[Key],
    deal: Deal,
    plan: HeldPlan,
    entries: Mapping[Key, int],
    company: CompanyDays,
    horizon_days: int | None,
) -> set[Key]:
    """The step instances of one line that the plan may leave out (see the module): not
    in the plan, none of their successors in it, and a wait after planned work ends
    beyond the grid of the plan's ``planned_on``."""
    out: set[Key] = set()
    end: dt.date | None = None
    for t in rules.tasks:
        key = keys[t.index]
        if key in entries:
            continue
        if any(keys[u] in entries for u in rules.follows.get(t.index, ())):
            continue
        preds = [keys[p] for p in t.preds]
        if rules.kinds[t.index] == "wait" and preds and all(p in entries for p in preds):
            if horizon_days is None:
                continue
            if end is None:
                end = grid_end(company.company, plan.planned_on, horizon_days)
            est = max(plan.steps[entries[p]].finish for p in preds) + dt.timedelta(days=1)
            if deal.start is not None:
                est = max(est, deal.start)
            assert t.step.days is not None
            if _wait_ends(company.company, est, t.step.days, end):
                continue
        out.add(key)
    return out


def grid_end(company: WorkCalendar, start: dt.date, horizon_days: int) -> dt.date:
    """The last day of the day grid of a check on ``start`` (``timeline.build_timeline``)."""
    counted, day, n = 0, start, 0
    while counted <= horizon_days and n < MAX_CALENDAR_DAYS:
        counted += company.works(day)
        day += dt.timedelta(days=1)
        n += 1
    return day - dt.timedelta(days=1)


def _wait_ends(company: WorkCalendar, est: dt.date, days: int, end: dt.date) -> bool:
    """Whether a wait of ``days`` company working days from ``est`` (its first working
    day on or after it) ends on or before ``end``."""
    day, left = est, days
    while day <= end:
        if company.works(day):
            left -= 1
            if left == 0:
                return True
        day += dt.timedelta(days=1)
    return False


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
