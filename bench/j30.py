"""PSPLIB j30 through the engine's public API, and through CP-SAT as a peer.

Each instance becomes a capacity model and a deal (``bench.psplib``) due at the proven
optimum; ``build_plan`` + ``check_deal`` give the verdict, the earliest date and the
schedule, which is re-checked here independently (capacity per day per resource,
precedence, durations) so that an engine bug cannot inflate the figures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench import cpsat
from bench.psplib import (
    DATA,
    START,
    Instance,
    capacity_model,
    deal_model,
    instances,
    read_optima,
    verify,
)
from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.models.capacity import Policy


@dataclass(frozen=True)
class Run:
    """One instance checked once: verdict, makespan found, seconds, problems found."""

    name: str
    optimum: int
    deadline: int
    feasible: bool
    makespan: int | None
    """Periods from the start to the earliest date found, inclusive (None: not found)."""
    seconds: float
    problems: tuple[str, ...] = ()
    """Violations found by the independent check (empty: the schedule is valid)."""


@dataclass
class Summary:
    """Figures over a set of runs."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Instances run."""
        return len(self.runs)

    @property
    def feasible(self) -> int:
        """Instances found feasible by their due date."""
        return sum(r.feasible for r in self.runs)

    @property
    def mean_deviation(self) -> float:
        """Mean of (makespan found - optimum) / optimum, in % (not found: excluded)."""
        devs = [(r.makespan - r.optimum) / r.optimum for r in self.runs if r.makespan is not None]
        return 100 * statistics.fmean(devs) if devs else float("nan")

    @property
    def at_optimum(self) -> int:
        """Instances whose makespan found equals the optimum."""
        return sum(r.makespan == r.optimum for r in self.runs)

    @property
    def invalid(self) -> int:
        """Runs whose schedule failed the independent check."""
        return sum(bool(r.problems) for r in self.runs)

    @property
    def below_optimum(self) -> int:
        """Runs claiming a makespan below the proven optimum or feasible before it."""
        return sum(
            (r.makespan is not None and r.makespan < r.optimum)
            or (r.feasible and r.deadline < r.optimum)
            for r in self.runs
        )

    def quantile(self, q: float) -> float:
        """Seconds per instance at quantile ``q`` (0.5: median)."""
        times = sorted(r.seconds for r in self.runs)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, round(q * (len(times) - 1)))]


def load(step: int = 1) -> tuple[list[Instance], dict[str, int]]:
    """The j30 instances (every ``step``-th) and the optimum table."""
    found = instances(DATA / "j30")[::step]
    return found, read_optima(DATA / "j30opt.sm")


def engine_run(inst: Instance, optimum: int, deadline: int, budget: int | None) -> Run:
    """Check the instance's deal due ``deadline`` periods after the start; time the check.

    Timed: ``build_plan`` and ``check_deal`` (the model is built beforehand, as a file
    would be read).
    """
    model = capacity_model(inst, budget)
    deal = deal_model(inst, deadline)
    t0 = time.perf_counter()
    plan = build_plan(model, [], START)
    result = check_deal(plan, deal)
    seconds = time.perf_counter() - t0
    starts: dict[int, int] = {}
    finishes: dict[int, int] = {}
    for step in result.schedule:
        j = int(step.step.removeprefix("job")) - 1
        starts[j] = (step.start - START).days
        finishes[j] = (step.finish - START).days
    problems = verify(inst, starts, finishes) if result.earliest is not None else []
    makespan = None if result.earliest is None else (result.earliest - START).days + 1
    if makespan is not None and finishes and max(finishes.values()) + 1 != makespan:
        problems.append("earliest date differs from the schedule's last day")
    feasible = result.verdict == "feasible"
    if feasible and (makespan is None or makespan > deadline):
        problems.append("feasible verdict for a schedule that misses the due date")
    return Run(inst.name, optimum, deadline, feasible, makespan, seconds, tuple(problems))


def engine(
    insts: Sequence[Instance],
    optima: dict[str, int],
    budget: int | None,
    offset: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Every instance through the engine, due at optimum + ``offset``."""
    b = budget if budget is not None else Policy().search_schedules
    label = f"engine, {b} schedules" + (" (default)" if budget is None else "")
    label += f", due at optimum {offset:+d}" if offset else ""
    out = Summary(label)
    for k, inst in enumerate(insts):
        opt = optima[inst.name]
        out.runs.append(engine_run(inst, opt, opt + offset, budget))
        if progress and (k + 1) % 60 == 0:
            progress(f"{label}: {k + 1}/{len(insts)}")
    return out


def peer(
    insts: Sequence[Instance],
    optima: dict[str, int],
    time_limit: float,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Every instance through CP-SAT (one worker, minimise the makespan, time-limited)."""
    out = Summary(f"OR-Tools CP-SAT {cpsat.available()}, 1 worker, {time_limit:g} s limit")
    for k, inst in enumerate(insts):
        opt = optima[inst.name]
        res = cpsat.solve(inst, None, time_limit=time_limit)
        problems = verify(inst, res.starts, res.finishes) if res.makespan is not None else []
        feasible = res.makespan is not None and res.makespan <= opt
        out.runs.append(
            Run(inst.name, opt, opt, feasible, res.makespan, res.seconds, tuple(problems))
        )
        if progress and (k + 1) % 60 == 0:
            progress(f"CP-SAT: {k + 1}/{len(insts)}")
    return out
