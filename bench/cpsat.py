"""The peer solver: OR-Tools CP-SAT on the same RCPSP instances (benchmark only).

OR-Tools is not a dependency of the package: ``pip install ortools`` for the benchmarks.
It is imported lazily so that the rest of ``bench`` works without it.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Any

from bench.psplib import Instance


@dataclass(frozen=True)
class PeerResult:
    """CP-SAT's best makespan (None: none found), its schedule and the solve time."""

    makespan: int | None
    proven: bool
    """True when CP-SAT proved the makespan optimal (or, with a deadline, infeasibility)."""
    starts: dict[int, int]
    finishes: dict[int, int]
    seconds: float


def available() -> str | None:
    """OR-Tools' version, or None when it is not installed."""
    try:
        ortools = importlib.import_module("ortools")
    except ImportError:
        return None
    return str(getattr(ortools, "__version__", "?"))


def solve(
    inst: Instance, deadline: int | None, time_limit: float = 10.0, workers: int = 1
) -> PeerResult:
    """Minimise the makespan (with ``deadline``: finish every job by then) with CP-SAT.

    Times are periods from 0; finishes are inclusive last days, as the engine reports.
    """
    cp: Any = importlib.import_module("ortools.sat.python.cp_model")
    t0 = time.perf_counter()
    horizon = sum(inst.durations) if deadline is None else deadline
    model = cp.CpModel()
    start: list[Any] = []
    end: list[Any] = []
    intervals: list[Any] = []
    for j, d in enumerate(inst.durations):
        s = model.new_int_var(0, max(horizon - d, 0), f"s{j}")
        e = model.new_int_var(0, horizon, f"e{j}")
        intervals.append(model.new_interval_var(s, d, e, f"i{j}"))
        start.append(s)
        end.append(e)
    for j, succs in enumerate(inst.succs):
        for s_ in succs:
            model.add(start[s_] >= end[j])
    for k, cap in enumerate(inst.capacity):
        used = [(intervals[j], inst.demands[j][k]) for j in range(inst.njobs)]
        used = [(i, u) for i, u in used if u > 0]
        if used:
            model.add_cumulative([i for i, _ in used], [u for _, u in used], cap)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, end)
    model.minimize(makespan)
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    seconds = time.perf_counter() - t0
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        return PeerResult(None, status == cp.INFEASIBLE, {}, {}, seconds)
    starts = {j: int(solver.value(start[j])) for j in range(inst.njobs) if inst.durations[j] > 0}
    finishes = {j: starts[j] + inst.durations[j] - 1 for j in starts}
    return PeerResult(int(solver.value(makespan)), status == cp.OPTIMAL, starts, finishes, seconds)
