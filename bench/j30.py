"""PSPLIB j30 through the engine's public API, and through CP-SAT as a peer.

Each instance becomes a capacity model and a deal (``bench.psplib``) due at the proven
optimum; ``build_plan`` + ``check_deal`` give the verdict, the earliest date and the
schedule, which is re-checked here independently (capacity per day per resource,
precedence, durations) so that an engine bug cannot inflate the figures.

The same functions serve j90 (``bench.j90``), whose reference makespans are best-known
rather than proven: ``optimum`` is then the best-known makespan and ``bound`` the proven
lower bound, which no valid schedule can beat.
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
    proven: bool = False
    """Every line of the result is proven (the engine) or the solver proved optimality or
    infeasibility (CP-SAT)."""
    lower: int | None = None
    """The lower bound the solver claims, in periods like ``makespan`` (None: none)."""
    bound: int | None = None
    """The known lower bound on the makespan (None: ``optimum`` is proven optimal, so it
    is the bound)."""
    error: str | None = None
    """The exception the solver raised (None: it ran to an answer)."""

    @property
    def known_bound(self) -> int:
        """No valid schedule finishes in fewer periods than this."""
        return self.optimum if self.bound is None else self.bound

    @property
    def contradiction(self) -> str | None:
        """What this run claims that the reference tables refute (None: nothing)."""
        if self.makespan is not None and self.makespan < self.known_bound:
            return f"makespan {self.makespan} below the known bound {self.known_bound}"
        if self.feasible and self.deadline < self.known_bound:
            return f"feasible when due at {self.deadline} < known bound {self.known_bound}"
        if self.proven and self.makespan is not None and self.makespan > self.optimum:
            return f"makespan {self.makespan} proven, but {self.optimum} is known"
        if self.lower is not None and self.lower > self.optimum:
            return f"lower bound {self.lower} claimed, but {self.optimum} is known"
        return None


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

    @property
    def proven(self) -> int:
        """Instances whose answer is proven (every line proven; CP-SAT: optimal/infeasible)."""
        return sum(r.proven for r in self.runs)

    @property
    def below_bound(self) -> int:
        """Runs claiming a makespan below the known lower bound or feasible before it."""
        return sum(
            (r.makespan is not None and r.makespan < r.known_bound)
            or (r.feasible and r.deadline < r.known_bound)
            for r in self.runs
        )

    @property
    def contradictions(self) -> int:
        """Runs whose claims the reference tables refute (``Run.contradiction``)."""
        return sum(r.contradiction is not None for r in self.runs)

    @property
    def errors(self) -> int:
        """Runs where the solver raised an exception."""
        return sum(r.error is not None for r in self.runs)

    @property
    def median(self) -> float:
        """Median seconds per instance."""
        return self.quantile(0.5)

    @property
    def p95(self) -> float:
        """95th-percentile seconds per instance."""
        return self.quantile(0.95)

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


def engine_run(
    inst: Instance,
    optimum: int,
    deadline: int,
    budget: int | None,
    bound: int | None = None,
    exact_work: float | None = None,
) -> Run:
    """Check the instance's deal due ``deadline`` periods after the start; time the check.

    Timed: ``build_plan`` and ``check_deal`` (the model is built beforehand, as a file
    would be read). ``budget`` and ``exact_work``: the policy's ``search_schedules`` and
    ``exact_work`` (None: the default). An exception is recorded in the run, not raised.
    """
    model = capacity_model(inst, budget, exact_work)
    deal = deal_model(inst, deadline)
    t0 = time.perf_counter()
    try:
        plan = build_plan(model, [], START)
        result = check_deal(plan, deal)
    except Exception as exc:  # a run of hundreds of instances records it and goes on
        seconds = time.perf_counter() - t0
        error = f"{type(exc).__name__}: {exc}"
        return Run(inst.name, optimum, deadline, False, None, seconds, bound=bound, error=error)
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
    proven = bool(result.lines) and all(ln.proven for ln in result.lines)
    lows = [ln.lower_bound for ln in result.lines]
    lower = None if None in lows else max((d - START).days + 1 for d in lows if d is not None)
    return Run(
        inst.name,
        optimum,
        deadline,
        feasible,
        makespan,
        seconds,
        tuple(problems),
        proven=proven,
        lower=lower,
        bound=bound,
    )


def engine_label(budget: int | None, exact_work: float | None = None) -> str:
    """The row label of an engine run with these policy knobs (None: the default)."""
    policy = Policy()
    b = policy.search_schedules if budget is None else budget
    w = policy.exact_work if exact_work is None else exact_work
    label = f"engine, {b} schedules, exact work {w:g}"
    return label + (" (default)" if budget is None and exact_work is None else "")


def engine(
    insts: Sequence[Instance],
    optima: dict[str, int],
    budget: int | None,
    offset: int = 0,
    progress: Callable[[str], None] | None = None,
    *,
    bounds: dict[str, int] | None = None,
    exact_work: float | None = None,
    label: str | None = None,
) -> Summary:
    """Every instance through the engine, due at optimum + ``offset``.

    ``optima``: the reference makespans (j90: best-known); ``bounds``: proven lower bounds
    where they differ from the reference (None: the reference is proven optimal).
    """
    if label is None:
        label = engine_label(budget, exact_work)
        label += f", due at optimum {offset:+d}" if offset else ""
    out = Summary(label)
    for k, inst in enumerate(insts):
        opt = optima[inst.name]
        bound = None if bounds is None else bounds[inst.name]
        out.runs.append(engine_run(inst, opt, opt + offset, budget, bound, exact_work))
        if progress and (k + 1) % 60 == 0:
            progress(f"{label}: {k + 1}/{len(insts)}")
    return out


def peer_label(time_limit: float) -> str:
    """The row label of a CP-SAT run."""
    return f"OR-Tools CP-SAT {cpsat.available()}, 1 worker, {time_limit:g} s limit"


def peer(
    insts: Sequence[Instance],
    optima: dict[str, int],
    time_limit: float,
    progress: Callable[[str], None] | None = None,
    *,
    bounds: dict[str, int] | None = None,
    label: str | None = None,
) -> Summary:
    """Every instance through CP-SAT (one worker, minimise the makespan, time-limited).

    Feasible: a makespan within the reference (``optima``) found by the limit; proven:
    CP-SAT proved its makespan optimal (or the instance infeasible).
    """
    out = Summary(peer_label(time_limit) if label is None else label)
    for k, inst in enumerate(insts):
        opt = optima[inst.name]
        bound = None if bounds is None else bounds[inst.name]
        res = cpsat.solve(inst, None, time_limit=time_limit)
        problems = verify(inst, res.starts, res.finishes) if res.makespan is not None else []
        feasible = res.makespan is not None and res.makespan <= opt
        out.runs.append(
            Run(
                inst.name,
                opt,
                opt,
                feasible,
                res.makespan,
                res.seconds,
                tuple(problems),
                proven=res.proven,
                bound=bound,
            )
        )
        if progress and (k + 1) % 60 == 0:
            progress(f"CP-SAT: {k + 1}/{len(insts)}")
    return out
