"""PSPLIB single-mode RCPSP instances (``.sm``) and their mapping onto our file models.

The mapping follows ``../shared/bench-data/psplib/README.md``: one resource per renewable
resource (``per_day`` = its capacity), a calendar on which every day is a working day, one
offering whose steps are the real jobs (fixed steps; a job without demand is a wait), and a
deal with one line of quantity 1 due on ``start + D - 1``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-data" / "psplib"
"""The PSPLIB data beside the project (never copied into it)."""

START = dt.date(2030, 1, 7)
"""Check date and deal start of every mapped instance (day 0 = period 0)."""

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class Instance:
    """One RCPSP instance: jobs 0..n-1 (PSPLIB numbering less one), dummies included."""

    name: str
    durations: tuple[int, ...]
    """Duration of each job in periods (days)."""
    demands: tuple[tuple[int, ...], ...]
    """Per-period demand of each job on each resource."""
    succs: tuple[tuple[int, ...], ...]
    """Successors of each job."""
    capacity: tuple[int, ...]
    """Capacity of each renewable resource."""
    cpm: int
    """Critical-path length (the file's MPM-Time)."""

    @property
    def njobs(self) -> int:
        """Jobs including the two dummies."""
        return len(self.durations)

    def preds(self) -> list[list[int]]:
        """Predecessors of each job."""
        out: list[list[int]] = [[] for _ in self.durations]
        for j, ss in enumerate(self.succs):
            for s in ss:
                out[s].append(j)
        return out


def parse_sm(path: Path) -> Instance:
    """Read one ``.sm`` file."""
    lines = path.read_text(encoding="ascii").splitlines()
    njobs = int(next(ln for ln in lines if ln.startswith("jobs")).split(":")[1])
    i = next(k for k, ln in enumerate(lines) if ln.startswith("PROJECT INFORMATION"))
    cpm = int(lines[i + 2].split()[5])
    i = next(k for k, ln in enumerate(lines) if ln.startswith("PRECEDENCE RELATIONS"))
    succs: list[tuple[int, ...]] = []
    for ln in lines[i + 2 : i + 2 + njobs]:
        f = [int(x) for x in ln.split()]
        succs.append(tuple(s - 1 for s in f[3 : 3 + f[2]]))
    i = next(k for k, ln in enumerate(lines) if ln.startswith("REQUESTS/DURATIONS"))
    durations: list[int] = []
    demands: list[tuple[int, ...]] = []
    for ln in lines[i + 3 : i + 3 + njobs]:
        f = [int(x) for x in ln.split()]
        durations.append(f[2])
        demands.append(tuple(f[3:]))
    i = next(k for k, ln in enumerate(lines) if ln.startswith("RESOURCEAVAILABILITIES"))
    capacity = tuple(int(x) for x in lines[i + 2].split())
    return Instance(path.stem, tuple(durations), tuple(demands), tuple(succs), capacity, cpm)


def read_optima(path: Path, prefix: str = "j30") -> dict[str, int]:
    """Makespans by instance name (``j301_1`` ...): proven optimal ones from ``j30opt.sm``,
    best-known ones from ``j90hrs.sm`` (``prefix="j90"``); the first number per row."""
    out: dict[str, int] = {}
    for ln in path.read_text(encoding="ascii").splitlines():
        m = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)", ln)
        if m:
            out[f"{prefix}{m[1]}_{m[2]}"] = int(m[3])
    return out


def read_bounds(path: Path, prefix: str = "j90") -> dict[str, int]:
    """Lower bounds by instance name from a bounds table (``j90lb.sm``).

    Its rows are ``par inst UB LB [*] [author]``; instances the table leaves out are not
    in the result (``j90lb.sm`` stops at ``45_5``).
    """
    out: dict[str, int] = {}
    for ln in path.read_text(encoding="ascii").splitlines():
        m = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", ln)
        if m:
            out[f"{prefix}{m[1]}_{m[2]}"] = int(m[4])
    return out


def instances(folder: Path) -> list[Instance]:
    """Every instance of a folder, in PSPLIB order (parameter cell, then instance)."""

    def key(p: Path) -> tuple[int, int]:
        m = re.search(r"(\d+)_(\d+)$", p.stem)
        assert m is not None
        return int(m[1]), int(m[2])

    return [parse_sm(p) for p in sorted(folder.glob("*.sm"), key=lambda p: key(p)[:2])]


def job_id(j: int) -> str:
    """The step id of job ``j`` (0-based; PSPLIB job j+1)."""
    return f"job{j + 1}"


def real_preds(inst: Instance) -> list[list[int]]:
    """Each real job's predecessors among real jobs, carried through zero-duration dummies."""
    preds = inst.preds()
    out: list[list[int]] = [[] for _ in inst.durations]
    for j in range(inst.njobs):
        found: list[int] = []
        stack = list(preds[j])
        seen: set[int] = set()
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            if inst.durations[p] == 0:
                stack.extend(preds[p])
            else:
                found.append(p)
        out[j] = sorted(found)
    return out


def capacity_model(
    inst: Instance, search_schedules: int | None = None, exact_work: float | None = None
) -> CapacityFile:
    """The instance as a capacity model: every day worked, one offering ``project``.

    The policy asks for no slack and allows full loading, so that the verdict is feasible
    exactly when the line meets its due date. ``search_schedules`` and ``exact_work`` set
    those policy knobs (None: the default).
    """
    preds = real_preds(inst)
    steps: list[dict[str, Any]] = []
    for j in range(inst.njobs):
        d = inst.durations[j]
        if d == 0:
            continue
        step: dict[str, Any] = {"id": job_id(j), "days": d, "after": [job_id(p) for p in preds[j]]}
        uses = {f"R{k + 1}": float(u) for k, u in enumerate(inst.demands[j]) if u > 0}
        if uses:
            step["uses"] = uses
        steps.append(step)
    policy: dict[str, Any] = {
        "target_utilization": 1.0,
        "min_slack_days": 0,
        "horizon_days": sum(inst.durations) + 1,
    }
    if search_schedules is not None:
        policy["search_schedules"] = search_schedules
    if exact_work is not None:
        policy["exact_work"] = exact_work
    data: dict[str, Any] = {
        "version": 1,
        "company": inst.name,
        "calendar": {"workdays": ALL_DAYS},
        "resources": [
            {"id": f"R{k + 1}", "per_day": float(c)} for k, c in enumerate(inst.capacity)
        ],
        "offerings": [{"id": "project", "steps": steps}],
        "policy": policy,
    }
    return CapacityFile.model_validate(data)


def deal_model(inst: Instance, deadline: int) -> Deal:
    """A deal for the whole project, due ``deadline`` periods after the start."""
    due = START + dt.timedelta(days=deadline - 1)
    return Deal.model_validate(
        {
            "id": inst.name.replace("_", "-"),
            "customer": "PSPLIB",
            "start": START,
            "lines": [{"offering": "project", "quantity": 1, "due": due}],
        }
    )


def verify(inst: Instance, starts: dict[int, int], finishes: dict[int, int]) -> list[str]:
    """Independent check of a schedule (day offsets from START, inclusive finishes).

    Every real job placed once with its duration, precedence (through dummies) and every
    resource's capacity on every day. Returns the violations found (empty: valid).
    """
    problems: list[str] = []
    preds = real_preds(inst)
    real = [j for j in range(inst.njobs) if inst.durations[j] > 0]
    for j in real:
        if j not in starts:
            problems.append(f"{job_id(j)} not scheduled")
            continue
        if starts[j] < 0:
            problems.append(f"{job_id(j)} starts before the start")
        if finishes[j] - starts[j] + 1 != inst.durations[j]:
            problems.append(f"{job_id(j)} lasts {finishes[j] - starts[j] + 1} days")
        for p in preds[j]:
            if p in finishes and starts[j] <= finishes[p]:
                problems.append(f"{job_id(j)} starts before {job_id(p)} ends")
    if problems:
        return problems
    horizon = max(finishes.values(), default=-1) + 1
    for k, cap in enumerate(inst.capacity):
        load = [0] * horizon
        for j in real:
            for d in range(starts[j], finishes[j] + 1):
                load[d] += inst.demands[j][k]
        over = [d for d, v in enumerate(load) if v > cap]
        if over:
            problems.append(f"R{k + 1} over capacity on day {over[0]}")
    return problems
