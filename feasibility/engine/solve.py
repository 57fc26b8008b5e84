"""A deal's best schedule on a plan, with its unlimited-capacity lower bound."""

from __future__ import annotations

from collections.abc import Callable

from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.scheduler import Outcome, place_job
from feasibility.engine.search import index_order, search, used_materials, used_resources


def unlimited_bound(plan: Plan, prepared: Prepared) -> Outcome:
    """The deal scheduled with unlimited capacity and no material limits: the day each line
    could be delivered at best (precedence, notice, calendars and lead times only)."""
    return place_job(
        prepared.job,
        plan.state.unlimited(),
        index_order(prepared.job),
        prepared.release,
        take_materials=False,
    )


def schedule_deal(
    plan: Plan,
    prepared: Prepared,
    budget: int | None = None,
    enough: Callable[[Outcome], bool] | None = None,
) -> tuple[Outcome, Outcome]:
    """The deal's best schedule and its lower bound.

    The search tries ``budget`` candidate schedules (default: the policy's
    ``search_schedules``) and stops early at the bound, or when ``enough`` says so.
    """
    job = prepared.job
    lower = unlimited_bound(plan, prepared)

    def settled(out: Outcome) -> bool:
        return out.delivered == lower.delivered or (enough is not None and enough(out))

    state = plan.state.fork(used_resources(job), used_materials(job))
    tries = plan.model.policy.search_schedules if budget is None else budget
    out = search(job, state, prepared.release, prepared.due, tries, enough=settled)
    return out, lower
