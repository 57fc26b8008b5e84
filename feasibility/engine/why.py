"""Why this date: the chain of steps and gaps that fixes a line's delivery (``check --why``).

Read back from the line's last step to where its work can start: each step follows the
predecessor that finished last (or the line's release day), and the days between the first
day a step could start and the day it starts are split by what held it on each of them:
stock not yet in (until the day it is), a holiday or closure (named), a resource with no
room (named, with who took the room), or nothing (the schedule's order). Plain weekends
join the gap they fall in. Read off the schedule and the plan: no engine run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from feasibility.engine.diagnose import day_off_name, days_text, supply, task_calendars
from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.result import WhyCause, WhyLink
from feasibility.engine.scheduler import MaterialWait, Outcome, Placement
from feasibility.engine.tasks import Task
from feasibility.engine.timeline import EPS
from feasibility.wording import amount, plural

Load = dict[str, dict[int, float]]
"""What the deal itself takes: resource -> day index -> amount in the resource's unit."""


@dataclass(frozen=True)
class _Day:
    """What held a step back on one day of a gap (``cause`` None: a plain weekend)."""

    cause: WhyCause | None
    name: str = ""


def line_chain(plan: Plan, prepared: Prepared, j: int, out: Outcome) -> tuple[WhyLink, ...]:
    """The chain that fixes expanded line ``j``'s delivery, earliest start first (empty
    when the line is not delivered)."""
    placed = {t: out.placements[t] for t in prepared.job.line_tasks[j] if t in out.placements}
    if out.delivered[j] is None or not placed:
        return ()
    load = _own_load(out)
    release = prepared.release[j]
    t = max(placed, key=lambda k: (placed[k].finish, k))
    backwards: list[WhyLink] = []
    while True:
        task, p = prepared.job.tasks[t], placed[t]
        pred = max(task.preds, key=lambda k: (placed[k].finish, k), default=None)
        ready = release if pred is None else max(release, placed[pred].finish + 1)
        gaps = _gaps(plan, prepared, t, ready, p, out, load)
        after = None if pred is None else prepared.job.tasks[pred]
        held = not gaps and after is not None
        backwards.append(_work(plan, prepared, t, p, after, held=held))
        backwards += reversed(gaps)
        if pred is None:
            break
        t = pred
    backwards.append(_start(plan, prepared, j))
    return tuple(reversed(backwards))


def _own_load(out: Outcome) -> Load:
    load: Load = defaultdict(lambda: defaultdict(float))
    for p in out.placements.values():
        for day, r, x in p.amounts:
            load[r][day] += x
    return load


def _label(task: Task) -> str:
    """'install, unit 3' or 'handover' (a per-line step)."""
    return task.step.id if task.unit is None else f"{task.step.id}, unit {task.unit}"


def _start(plan: Plan, prepared: Prepared, j: int) -> WhyLink:
    """Where the line's work can start: the check date, the offering's notice, or the
    deal's start."""
    tl = plan.timeline
    day = tl.date(prepared.release[j])
    line = prepared.deal.lines[prepared.lines[j]]
    notice = next(o for o in plan.model.offerings if o.id == line.offering).min_notice_days
    start = prepared.deal.start
    cause: WhyCause
    if start is not None and start >= day:
        cause, why = "deal_start", f"the deal starts {start}"
    elif notice > 0:
        cause = "notice"
        why = f"{line.offering} needs {plural(notice, 'working day')} of notice from {tl.start}"
    else:
        cause, why = "check_date", f"the check date is {tl.start}"
    return WhyLink(cause, day, day, f"work can start on {day}: {why}")


def _work(
    plan: Plan, prepared: Prepared, t: int, p: Placement, after: Task | None, *, held: bool
) -> WhyLink:
    """Task ``t`` at work; ``held``: it started the first day its predecessor let it."""
    tl = plan.timeline
    task = prepared.job.tasks[t]
    step = task.step
    cal = task_calendars(plan, prepared, t)
    days = sum(1 for d in range(p.start, p.finish + 1) if all(c.works(tl.date(d)) for c in cal))
    if step.uses:
        what = ", ".join(
            f"{amount(u, plan.resources[r].resource.unit)} of {_name(plan, r)} a day"
            for r, u in step.uses.items()
        )
    elif step.resource is not None and step.effort is not None:
        unit = plan.resources[step.resource].resource.unit
        what = f"{amount(step.effort, unit)} of {_name(plan, step.resource)}"
        if step.max_per_day is not None:
            what += f", at most {amount(step.max_per_day, unit)} a day"
    else:
        what = ""
    since = "" if after is None else f", after {_label(after)}"
    took = (
        f"{plural(days, 'working day')}; {what}"
        if what
        else f"a wait of {plural(days, 'working day')}"
    )
    message = f"{_label(task)}: {_dates(tl.date(p.start), tl.date(p.finish))} ({took}{since})"
    named: dict[str, list[int]] = {}
    for d in range(p.start, p.finish + 1):
        name = day_off_name(cal, tl.date(d))
        if name is not None:
            named.setdefault(name, []).append(d)
    if named:
        message += f"; days off on the way: {_days_off_text(plan, named)}"
    cause: WhyCause = "precedence" if held else "work"
    return WhyLink(
        cause,
        tl.date(p.start),
        tl.date(p.finish),
        message,
        step.id,
        task.unit,
        step.resource,
        days_off=_days_off_list(plan, named),
    )


def _days_off_text(plan: Plan, named: dict[str, list[int]]) -> str:
    """'Good Friday (2027-03-26), Year-end shutdown (2026-12-28 to 2026-12-31)'."""
    tl = plan.timeline
    return ", ".join(days_text(name, [tl.date(d) for d in ds]) for name, ds in named.items())


def _days_off_list(plan: Plan, named: dict[str, list[int]]) -> tuple[tuple[dt.date, str], ...]:
    """Each day off of ``named`` with its name, by date."""
    days = [(plan.timeline.date(d), name) for name, ds in named.items() for d in ds]
    return tuple(sorted(days))


def _name(plan: Plan, resource: str) -> str:
    r = plan.resources[resource].resource
    return r.name or r.id


def _gaps(
    plan: Plan, prepared: Prepared, t: int, ready: int, p: Placement, out: Outcome, load: Load
) -> list[WhyLink]:
    """The gaps from ``ready`` (the first day task ``t`` could start) to its start."""
    task = prepared.job.tasks[t]
    waits = [w for w in out.waits if w.group == task.group and w.available is not None]
    wait = max(waits, key=lambda w: (w.available or 0, w.material), default=None)
    stocked = ready if wait is None or wait.available is None else wait.available
    cals = task_calendars(plan, prepared, t)
    tl = plan.timeline
    days: list[tuple[int, _Day]] = []
    for d in range(ready, p.start):
        date = tl.date(d)
        if d < stocked:
            days.append((d, _Day("material")))
        elif (name := day_off_name(cals, date)) is not None:
            days.append((d, _Day("calendar", name)))
        elif not all(c.works(date) for c in cals):
            days.append((d, _Day(None)))
        else:
            days.append((d, _Day("capacity")))
    return [_gap(plan, prepared, t, cause, span, wait, load) for cause, span in _segments(days)]


def _segments(days: Sequence[tuple[int, _Day]]) -> list[tuple[WhyCause, list[tuple[int, _Day]]]]:
    """Runs of days with one cause; plain weekends join the run they fall in, and a run
    ends on its last day with a cause."""
    runs: list[tuple[WhyCause, list[tuple[int, _Day]]]] = []
    pending: list[tuple[int, _Day]] = []
    for d, day in days:
        if day.cause is None:
            pending.append((d, day))
            continue
        if runs and runs[-1][0] == day.cause:
            runs[-1][1].extend(pending)
        pending = []
        if not runs or runs[-1][0] != day.cause:
            runs.append((day.cause, []))
        runs[-1][1].append((d, day))
    return runs


def _gap(
    plan: Plan,
    prepared: Prepared,
    t: int,
    cause: WhyCause,
    span: list[tuple[int, _Day]],
    wait: MaterialWait | None,
    load: Load,
) -> WhyLink:
    """One gap before task ``t``: its days, what held it, in words."""
    tl = plan.timeline
    task = prepared.job.tasks[t]
    first, last = tl.date(span[0][0]), tl.date(span[-1][0])
    before = f"{_label(task)} could not start {_dates(first, last)}"
    if cause == "material" and wait is not None and wait.available is not None:
        m = next(x for x in plan.model.materials if x.id == wait.material)
        needs = prepared.job.groups[wait.group].needs[m.id]
        message = (
            f"{before}: {amount(needs, m.unit)} of {m.name or m.id} not in stock until "
            f"{tl.date(wait.available)} ({supply(plan, m.id, wait.available)})"
        )
        return WhyLink(cause, first, last, message, task.step.id, task.unit, material=m.id)
    if cause == "calendar":
        named: dict[str, list[int]] = {}
        for d, day in span:
            if day.cause == "calendar":
                named.setdefault(day.name, []).append(d)
        message = f"{before}: days off, {_days_off_text(plan, named)}"
        offs = _days_off_list(plan, named)
        return WhyLink(cause, first, last, message, task.step.id, task.unit, days_off=offs)
    return _capacity_gap(
        plan, prepared, t, (span[0][0], span[-1][0]), [d for d, day in span if day.cause], load
    )


def _capacity_gap(
    plan: Plan, prepared: Prepared, t: int, span: tuple[int, int], days: list[int], load: Load
) -> WhyLink:
    """A gap on working days: the task's resource with no room on most of ``days`` and
    who took the room (its own capacity, bookings and reservations, the deal's other
    work); ``order`` when every resource had room (where the schedule put the step)."""
    tl = plan.timeline
    task = prepared.job.tasks[t]
    step = task.step
    first, last = tl.date(span[0]), tl.date(span[1])
    before = f"{_label(task)} could not start {_dates(first, last)}"
    needs = dict(step.uses or {})
    if step.resource is not None and step.effort is not None:
        needs[step.resource] = EPS
    short: dict[str, list[int]] = {}
    for r, need in sorted(needs.items()):
        free = plan.state.free[r]
        short[r] = [d for d in days if free[d] - load[r].get(d, 0.0) < need - EPS / 2]
    neck = max(short, key=lambda k: len(short[k]), default=None)
    if neck is None or not short[neck]:
        message = f"{before}: no limit held it then; it is where the schedule put it"
        return WhyLink("order", first, last, message, step.id, task.unit)
    need = needs[neck]
    rd = plan.resources[neck]
    takers = []
    if any(rd.capacity[d] < need - EPS / 2 for d in short[neck]):
        takers.append("its own capacity")
    if any(rd.capacity[d] >= need - EPS / 2 > plan.state.free[neck][d] for d in short[neck]):
        takers.append("booked work and reservations")
    if any(plan.state.free[neck][d] >= need - EPS / 2 for d in short[neck]):
        takers.append("this deal's other work")
    room = "no room" if step.uses is None else f"less than {amount(need, rd.resource.unit)} free"
    message = (
        f"{before}: {_name(plan, neck)} had {room} on "
        f"{_of_them(len(short[neck]))} (taken by {' and by '.join(takers)})"
    )
    return WhyLink("capacity", first, last, message, step.id, task.unit, resource=neck)


def _of_them(n: int) -> str:
    """'that working day' / '7 of those working days'."""
    return "that working day" if n == 1 else f"{n} of those working days"


def _dates(first: dt.date, last: dt.date) -> str:
    """'on 2027-01-04' or 'from 2027-01-04 to 2027-01-08'."""
    return f"on {first}" if first == last else f"from {first} to {last}"
