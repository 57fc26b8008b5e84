"""Why a line is late or tight: bottleneck resource, utilization, material shortage,
days off; each cause by counterfactual (relaxed, the line gets earlier)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from feasibility.engine.calendar import WorkCalendar
from feasibility.engine.plan import Plan, Prepared, day_tables, prepare
from feasibility.engine.scheduler import Outcome
from feasibility.engine.search import search, used_materials, used_resources
from feasibility.engine.state import CapacityState
from feasibility.engine.timeline import ResourceDays, Stock, Timeline
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.wording import amount, plural, singular

_T = TypeVar("_T")


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


def total_unit(prepared: Prepared, j: int, resource: str, unit: str) -> str:
    """The unit of line ``j``'s total on ``resource`` over days: 'crew-days' when fixed
    work holds it a day, else ``unit`` itself (hours of effort add up to hours)."""
    tasks = prepared.job.tasks
    held = any(resource in (tasks[t].step.uses or {}) for t in prepared.job.line_tasks[j])
    return f"{singular(unit)}-days" if held else unit


def task_resources(prepared: Prepared, t: int) -> set[str]:
    """The resources task ``t`` takes capacity from (none for a wait)."""
    step = prepared.job.tasks[t].step
    found = set(step.uses or {})
    if step.resource is not None and step.effort is not None:
        found.add(step.resource)
    return found


def task_calendars(plan: Plan, prepared: Prepared, t: int) -> list[WorkCalendar]:
    """The calendars task ``t`` works by: its resources', or the company's for a wait."""
    uses = task_resources(prepared, t)
    return [plan.resources[r].calendar for r in sorted(uses)] or [plan.timeline.calendar]


def days_text(name: str, days: Sequence[dt.date]) -> str:
    """'Thanksgiving Day (2026-11-26)' or 'Year-end shutdown (2026-12-24 to 2027-01-01)'
    (``days`` in date order)."""
    if len(days) == 1:
        return f"{name} ({days[0]})"
    return f"{name} ({days[0]} to {days[-1]})"


def off_day(cal: WorkCalendar, day: dt.date) -> bool:
    """A weekday the calendar works, taken off by a holiday or closure."""
    return day.weekday() in cal.weekdays and not cal.works(day)


def day_off_name(cals: Sequence[WorkCalendar], day: dt.date) -> str | None:
    """What takes ``day`` off one of ``cals``: a closure's reason first (a holiday within a
    closure is part of it), else the public holiday's name; None when the day is worked or
    a plain weekend."""
    off = [c for c in cals if off_day(c, day)]
    for c in off:
        for closure in c.closures:
            if closure.from_ <= day <= closure.to:
                return closure.reason or "closure"
    return next((c.holiday_name(day) for c in off), None) or ("day off" if off else None)


def supply(plan: Plan, material: str, day: int) -> str:
    """What makes ``material`` available on day index ``day``: a receipt or replenishment."""
    stock = plan.state.stocks[material]
    if stock.replenish is not None and day >= stock.replenish:
        m = stock.material
        return f"replenishment {plural(m.replenish_days or 0, 'day')} after the check date"
    receipts = [r for r in stock.material.receipts if plan.timeline.index(r.date) <= day]
    if receipts:
        last = max(receipts, key=lambda r: r.date)
        return f"the receipt of {amount(last.qty, stock.material.unit)} on {last.date}"
    return "stock freed by other work"


DIAGNOSIS_BUDGET = 3
"""Candidate schedules per what-if run of a diagnosis (the search's priority rules)."""


def relaxed(
    plan: Plan, prepared: Prepared, resources: Iterable[str], materials: Iterable[str] = ()
) -> Outcome:
    """The deal placed with unlimited capacity on ``resources`` and unlimited stock of
    ``materials`` (the rest as booked), by the search's priority rules alone, so that
    what-if runs compare like with like."""
    names = list(resources)
    job = prepared.job
    state = plan.state.fork(names, used_materials(job))
    inf = float("inf")
    for r in names:
        state.free[r] = [inf if w else 0.0 for w in state.works[r]]
    for m in materials:
        s = state.stocks[m]
        state.stocks[m] = Stock(s.material, list(s.level), 0, list(s.takes))
    return search(job, state, prepared.release, prepared.due, DIAGNOSIS_BUDGET)


@dataclass(frozen=True)
class Bottleneck:
    """The resource whose extra capacity helps a late line most."""

    resource: str
    gain_days: int
    """Calendar days the line gets earlier with that resource unlimited."""
    delivered: int
    """Day index the line would be delivered on with it unlimited."""


def bottleneck(plan: Plan, prepared: Prepared, j: int, delivered: int) -> Bottleneck | None:
    """The resource that, made unlimited, brings line ``j`` earliest, earlier than it is
    delivered now (``delivered``); None when none does."""
    best: Bottleneck | None = None
    for r in line_resources(prepared, j):
        d = relaxed(plan, prepared, [r]).delivered[j]
        if d is None:
            continue
        gain = delivered - d
        if gain > 0 and (best is None or gain > best.gain_days):
            best = Bottleneck(r, gain, d)
    return best


def stock_helps(plan: Plan, prepared: Prepared, j: int, material: str, delivered: int) -> bool:
    """True when unlimited stock of ``material`` makes line ``j`` earlier than
    ``delivered``."""
    d = relaxed(plan, prepared, [], [material]).delivered[j]
    return d is not None and d < delivered


def window_utilization(
    plan: Plan,
    state: CapacityState,
    resource: str,
    lo: int,
    hi: int,
    extra: Mapping[int, float] | None = None,
) -> float:
    """Share of ``resource``'s capacity taken on day indexes lo..hi (0 when it has none),
    with ``extra`` (day index -> amount) taken on top."""
    gross = plan.resources[resource].capacity
    lo, hi = max(lo, 0), min(hi, plan.timeline.ndays - 1)
    total = sum(gross[lo : hi + 1])
    if total <= 0:
        return 0.0
    free = sum(state.free[resource][lo : hi + 1])
    if extra:
        free -= sum(a for d, a in extra.items() if lo <= d <= hi)
    return max(0.0, min(1.0, (total - free) / total))


def free_in_window(plan: Plan, resource: str, lo: int, hi: int) -> float:
    """Capacity of ``resource`` still free before the deal on day indexes lo..hi."""
    lo, hi = max(lo, 0), min(hi, plan.timeline.ndays - 1)
    return sum(plan.state.free[resource][lo : hi + 1])


def without_days_off(model: CapacityFile) -> CapacityFile:
    """``model`` with no public holidays and no closures, in every calendar."""
    calendar = model.calendar.model_copy(update={"holidays": None, "closures": []})
    resources = [
        r
        if r.calendar is None
        else r.model_copy(
            update={"calendar": r.calendar.model_copy(update={"holidays": None, "closures": []})}
        )
        for r in model.resources
    ]
    return model.model_copy(update={"calendar": calendar, "resources": resources})


def without_days_off_plan(plan: Plan) -> Plan:
    """``plan`` with no holidays or closures: each day off becomes a working day with the
    capacity the resource would have then, and everything already taken (reservations,
    bookings, deals placed on the plan) stays taken."""
    model = without_days_off(plan.model)
    timeline, resources = day_tables(model, plan.as_of)
    n = timeline.ndays
    free: dict[str, list[float]] = {}
    works: dict[str, tuple[bool, ...]] = {}
    for r, days in resources.items():
        was = plan.resources[r].capacity
        now = plan.state.free[r]
        free[r] = [now[i] + days.capacity[i] - was[i] for i in range(min(n, len(now)))]
        works[r] = days.works[: len(free[r])]
    state = CapacityState(timeline, works, free, plan.state.stocks)
    return Plan(model, timeline, resources, state, plan.bookings)


@dataclass
class DaysOffTrial:
    """What-if runs of a deal with days off worked: all of them, or a chosen few (day
    indexes), each run once, by the search's priority rules."""

    plan: Plan
    deal: Deal
    _runs: dict[frozenset[int] | None, list[int | None]] = field(default_factory=dict)

    @cached_property
    def relaxed(self) -> Plan:
        """``plan`` with no holidays or closures (``without_days_off_plan``), built on the
        first run that needs it."""
        return without_days_off_plan(self.plan)

    def dates(self, days: frozenset[int] | None = None) -> list[int | None]:
        """Each expanded line's day with ``days`` worked (None: every day off)."""
        if days not in self._runs:
            plan = self.relaxed if days is None else worked_on(self.plan, self.relaxed, days)
            self._runs[days] = dates_without_days_off(plan, self.deal)
        return self._runs[days]


def worked_on(plan: Plan, relaxed: Plan, days: frozenset[int]) -> Plan:
    """``plan`` with its days off among ``days`` (day indexes) worked as in ``relaxed``
    (whose grid may be shorter: it reaches the horizon sooner)."""
    tl = plan.timeline
    n = min(tl.ndays, relaxed.timeline.ndays)
    chosen = sorted(d for d in days if 0 <= d < n)

    def mixed(was: Sequence[_T], now: Sequence[_T]) -> list[_T]:
        out = list(was)
        for d in chosen:
            out[d] = now[d]
        return out

    timeline = Timeline(
        tl.start, tuple(mixed(tl.company_works, relaxed.timeline.company_works)), tl.calendar
    )
    resources: dict[str, ResourceDays] = {}
    free: dict[str, list[float]] = {}
    works: dict[str, tuple[bool, ...]] = {}
    for r, was in plan.resources.items():
        now = relaxed.resources[r]
        works[r] = tuple(mixed(was.works, now.works))
        capacity = tuple(mixed(was.capacity, now.capacity))
        resources[r] = ResourceDays(was.resource, was.calendar, works[r], capacity)
        free[r] = mixed(plan.state.free[r], relaxed.state.free[r])
    state = CapacityState(timeline, works, free, plan.state.stocks)
    return Plan(plan.model, timeline, resources, state, plan.bookings)


def dates_without_days_off(relaxed_plan: Plan, deal: Deal) -> list[int | None]:
    """Each expanded line's day with no holidays or closures (``relaxed_plan``: the
    bookings on ``without_days_off`` of the model), by the search's priority rules."""
    prepared = prepare(relaxed_plan, deal)
    free = relaxed_plan.state.fork(used_resources(prepared.job), used_materials(prepared.job))
    out = search(prepared.job, free, prepared.release, prepared.due, DIAGNOSIS_BUDGET)
    return list(out.delivered)
