"""Check a sales pipeline: each deal alone, and in order as if the earlier ones had closed.

"Alone" is what `check` says of the deal today. "If all close" checks deal k against the
bookings plus deals 0..k-1, each placed as if it had been booked after the others, in the
pipeline's order, each holding the plan its own check found (as `book` records it), so
the answer for deal k is the one `check` would give once the earlier deals are booked.

The deals alone are independent of each other: with ``jobs`` above 1 they are checked in
that many worker processes (each a fork of this one, holding the same plan), and their
results come back in the pipeline's order, the same as one process gives. "If all close"
is a chain (deal k depends on the plans of deals 0..k-1) and runs in this process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.held import plan_load, take_load
from feasibility.engine.plan import Plan, other_bookings
from feasibility.engine.result import VERDICT_ORDER, DealResult, Verdict, worst
from feasibility.forked import forked_map
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

Progress = Callable[[], None]
"""Called once after each check of a deal (twice per deal: alone, then if all close)."""

CHUNKS_PER_JOB = 8
"""The deals alone are handed to the workers in about this many batches per worker: few
enough that sending them costs little, enough that the workers finish close together and
the progress bar moves."""

VERDICTS: tuple[Verdict, ...] = ("feasible", "at_risk", "infeasible")


@dataclass(frozen=True)
class PipelineDeal:
    """One deal of the pipeline, checked alone and as if every earlier deal had closed."""

    alone: DealResult
    if_all_close: DealResult
    line: int | None = None
    """Line of the deal's first row in the export it came from (1-based), if any."""
    booked: bool = False
    """True when a booking of the same id exists (and counts) already."""

    @property
    def worse(self) -> bool:
        """True when the earlier deals closing makes the verdict worse (dates may move
        later without it: compare ``earliest``)."""
        return VERDICT_ORDER[self.if_all_close.verdict] > VERDICT_ORDER[self.alone.verdict]


@dataclass(frozen=True)
class PipelineResult:
    """Every deal of a pipeline, in the pipeline's order, checked on one date."""

    as_of: dt.date
    company: str
    deals: list[PipelineDeal]

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of the deals checked alone (it decides the exit code)."""
        return worst([d.alone.verdict for d in self.deals])

    def counts(self, *, if_all_close: bool = False) -> dict[Verdict, int]:
        """Number of deals with each verdict, alone or if all close."""
        out = dict.fromkeys(VERDICTS, 0)
        for d in self.deals:
            out[(d.if_all_close if if_all_close else d.alone).verdict] += 1
        return out

    def expected_on_time(self, *, if_all_close: bool = False) -> tuple[float, int] | None:
        """The expected number of deals delivered on time in full (the sum of their
        sampled chances) and how many deals that counts (those with a due date); None
        when the model has no estimates or availabilities."""
        chances = [(d.if_all_close if if_all_close else d.alone).p_on_time for d in self.deals]
        known = [p for p in chances if p is not None]
        return (sum(known), len(known)) if known else None

    @property
    def first_worse(self) -> PipelineDeal | None:
        """The first deal that the earlier deals closing makes worse."""
        return next((d for d in self.deals if d.worse), None)


def check_pipeline(
    model: CapacityFile,
    bookings: Sequence[Deal],
    deals: Sequence[Deal],
    as_of: dt.date,
    *,
    lines: Sequence[int] = (),
    progress: Progress | None = None,
    exact: bool = False,
    jobs: int = 1,
) -> PipelineResult:
    """Check each deal alone, and again after the deals before it are placed as bookings.

    ``lines`` gives the export's line of each deal (for reports); ``progress`` is called
    after each check. A deal whose id is booked already is checked against the other
    bookings, as `book --replace` would. No counter-offers are computed: a pipeline is a
    summary. Without ``exact``, dates are the heuristic's (``policy.exact_work`` taken as
    0): valid, proven where the bounds prove them, but not searched for exactly. ``jobs``
    processes check the deals alone (1: this process only).
    """
    if not exact:
        model = heuristic_only(model)
    ids = {d.id for d in deals}
    booked = {b.id for b in bookings} & ids
    others = other_bookings(bookings, ids)
    alone_plan = build_plan(model, others, as_of)
    alone: list[DealResult] = []
    for result in check_alone(alone_plan, deals, jobs):
        alone.append(result)
        if progress is not None:
            progress()
    running = build_plan(model, others, as_of)
    out: list[PipelineDeal] = []
    for k, deal in enumerate(deals):
        together = alone[k] if k == 0 else check_deal(running, deal)
        close(running, together)
        line = lines[k] if k < len(lines) else None
        out.append(PipelineDeal(alone[k], together, line, deal.id in booked))
        if progress is not None:
            progress()
    return PipelineResult(as_of, model.company, out)


def check_alone(plan: Plan, deals: Sequence[Deal], jobs: int) -> Iterator[DealResult]:
    """Each deal checked alone against ``plan``, in order, by ``jobs`` processes (forks of
    this one, sharing ``plan`` without copying it; see ``forked``)."""
    jobs = min(jobs, len(deals))
    chunk = max(1, len(deals) // (max(jobs, 1) * CHUNKS_PER_JOB))
    yield from forked_map(partial(check_deal, plan), deals, jobs, chunk)


def heuristic_only(model: CapacityFile) -> CapacityFile:
    """``model`` with the exact search turned off (``policy.exact_work`` 0)."""
    policy = model.policy.model_copy(update={"exact_work": 0.0})
    return model.model_copy(update={"policy": policy})


def close(plan: Plan, result: DealResult) -> None:
    """Take the plan ``result``'s check found off ``plan``, as `book` would hold it."""
    if result.plan is not None:
        take_load(plan.state, plan_load(plan.model, plan.timeline, result.plan))
    plan.held = None  # the bookings' totals no longer tell all the plan holds
