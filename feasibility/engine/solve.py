"""A deal's best schedule on a plan, with its lower bound and what is proven about it.

The heuristic search answers first. A line delivered on its unlimited-capacity bound, or
one the timetabling bound (``bound.cannot_meet``) shows cannot be a day earlier, is
proven. When some line is not, the exact stage (``exact``, CP-SAT) models the deal's own
problem and either finds a better schedule, proves the dates optimal, or, within its work
budget, leaves the heuristic's answer standing unproven.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from feasibility.engine.bound import cannot_meet, energy_bound, never_delivered
from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.scheduler import Compiled, Outcome, compile_job, hopeless_lines, place_job
from feasibility.engine.search import index_order, objective, search, used_materials, used_resources


@dataclass(frozen=True)
class Scheduled:
    """A deal's schedule, its lower bound, and per line whether its day is proven."""

    out: Outcome
    lower: Outcome
    """The deal scheduled with unlimited capacity."""
    bounds: list[int | None]
    """Per expanded line, the day before which no schedule delivers it: the later of the
    unlimited-capacity schedule and the energy bound (None: not within the grid)."""
    proven: list[bool]
    """Per expanded line: no schedule that SPEC's objective prefers delivers it earlier
    (it is on its lower bound, or proven a day early impossible, or the exact stage
    proved the whole schedule optimal)."""
    alone: list[bool]
    """Per expanded line: no schedule at all delivers it earlier, whatever the other lines
    do (on its bound, a day earlier proven impossible, or the only line of a proven
    optimum), so a due date before its day is impossible."""
    order: tuple[int, ...] | None = None
    """The task order whose serial decoding gives ``out`` (None: ``out`` is the exact
    stage's, which no order reproduces)."""


def unlimited_bound(plan: Plan, prepared: Prepared) -> Outcome:
    """The deal scheduled with unlimited capacity and no material limits: the day each line
    could be delivered at best (precedence, notice, calendars and lead times only)."""
    return place_job(
        prepared.job,
        plan.state.unlimited(used_resources(prepared.job)),
        index_order(prepared.job),
        prepared.release,
        take_materials=False,
    )


@dataclass(frozen=True)
class Basis:
    """What scheduling a prepared deal on a plan starts from and that does not depend on
    the free capacity: the compiled job and the unlimited-capacity bound. It serves every
    plan that differs from the one it was made on in free capacity alone: the same
    offerings, day grid, calendars and stock (``trial.with_extra``, or a plan rebuilt
    from a model with extra capacity)."""

    prepared: Prepared
    compiled: Compiled
    lower: Outcome
    _never: dict[int, tuple[list[list[float]], bool]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """``never`` answers, by line, with the free capacity of its resources they hold for."""

    @staticmethod
    def of(plan: Plan, prepared: Prepared) -> Basis:
        """The basis of ``prepared`` on ``plan``."""
        return Basis(
            prepared, compile_job(prepared.job, plan.state), unlimited_bound(plan, prepared)
        )

    def never(self, free: dict[str, list[float]], j: int) -> bool:
        """True when expanded line ``j`` is proven not deliverable within the horizon on
        ``free`` (``scheduler.hopeless_lines``, or ``bound.never_delivered``). The answer
        depends on the free capacity of the line's own resources alone, so it is kept for
        the probes that change only other resources'."""
        c, release = self.compiled, self.prepared.release
        rows = [free[r] for t in c.job.line_tasks[j] for r, _ in c.uses[t]]
        known = self._never.get(j)
        if known is not None and known[0] == rows:
            return known[1]
        answer = j in hopeless_lines(c, free, release) or never_delivered(c, free, release[j], j)
        self._never[j] = ([list(row) for row in rows], answer)
        return answer


def schedule_deal(
    plan: Plan,
    prepared: Prepared,
    budget: int | None = None,
    enough: Callable[[list[int | None]], bool] | None = None,
    basis: Basis | None = None,
) -> Scheduled:
    """The deal's best schedule, its lower bound and what is proven.

    The search tries ``budget`` candidate schedules (default: the policy's
    ``search_schedules``) and stops early at the bound, or when ``enough`` says so of a
    schedule's delivery days (per line). With the default budget, unless ``enough``
    accepted the answer or every line is proven, the exact stage then runs with the
    policy's ``exact_work``. A budget given (a probe) is the search alone, and its lines
    are proven by the unlimited bound only (the energy bound is not worked out).
    ``basis``: ``Basis.of(plan, prepared)``, when the caller has it (for a plan that
    differs from it in free capacity alone).
    """
    job = prepared.job
    if basis is None:
        basis = Basis.of(plan, prepared)
    lower, c = basis.lower, basis.compiled

    def settled(days: list[int | None]) -> bool:
        return days == lower.delivered or (enough is not None and enough(days))

    state = plan.state.fork(used_resources(job), used_materials(job))
    tries = plan.model.policy.search_schedules if budget is None else budget
    # The fork shares the plan's calendars, so the basis's compiled job serves the search.
    out = search(job, state, prepared.release, prepared.due, tries, enough=settled, compiled=c)
    order: tuple[int, ...] | None = decoding_order(out, len(c.kind))
    bounds = list(lower.delivered) if budget is not None else _bounds(c, plan, lower)
    proven = [d is not None and d == b for d, b in zip(out.delivered, bounds, strict=True)]
    work = plan.model.policy.exact_work
    if (
        all(proven)
        or (enough is not None and enough(out.delivered))
        or work <= 0
        or budget is not None
    ):
        return Scheduled(out, lower, bounds, proven, list(proven), order)
    for j, d in enumerate(out.delivered):
        if not proven[j] and d is not None:
            proven[j] = cannot_meet(c, plan.state.free, prepared.release[j], j, d - 1)
    if all(proven) or not exact_applies(c, out, lower):
        return Scheduled(out, lower, bounds, proven, list(proven), order)
    from feasibility.engine.exact import solve

    found = solve(c, plan.state, prepared.release, prepared.due, out, lower, work)
    if found.outcome is not None and objective(found.outcome, prepared.due) < objective(
        out, prepared.due
    ):
        out, order = found.outcome, None
    alone = list(proven)
    if found.optimal:
        proven = [True] * len(proven)
        alone = proven if len(proven) == 1 else alone
    return Scheduled(out, lower, bounds, proven, alone, order)


def exact_applies(c: Compiled, hint: Outcome, lower: Outcome) -> bool:
    """True when the exact stage can model the deal: every line of the search's schedule
    and of the unlimited bound is delivered, every task placed in the bound (a deal with a
    line beyond the horizon never imports the solver)."""
    delivered = all(d is not None for d in (*hint.delivered, *lower.delivered))
    return delivered and len(lower.placements) >= len(c.kind)


def decoding_order(out: Outcome, tasks: int) -> tuple[int, ...]:
    """The order the search decoded ``out`` in (its placements are recorded in that order),
    then the tasks it left out: decoding it again gives ``out`` (a task left out once has
    no room later either, as free capacity and stock only fall while decoding)."""
    placed = list(out.placements)
    seen = set(placed)
    return (*placed, *(t for t in range(tasks) if t not in seen))


def _bounds(c: Compiled, plan: Plan, lower: Outcome) -> list[int | None]:
    """Each line's lower bound: unlimited capacity, then the energy bound on top."""
    if any(d is None for d in lower.delivered) or len(lower.placements) < len(c.kind):
        return list(lower.delivered)
    starts = [lower.placements[t].start for t in range(len(c.kind))]
    energy = energy_bound(c, plan.state.free, starts)
    return [
        None if d is None else max(d, e if e is not None else d)
        for d, e in zip(lower.delivered, energy, strict=True)
    ]
