"""Confidence (issue 15): agreement with mcprojsim, convergence, and the cost of sampling.

``python -m bench.confidence [--quick] [--part agreement,convergence,time]`` prints the
figures; ``python -m bench --only confidence`` renders them as a ``BENCHMARKS.md`` section.

(a) Agreement. 50 generated projects without shared resources (chains and small DAGs of
3-12 tasks, each task a three-point estimate in working days) are written both as a
feasibility model (one offering, one step per task, ``after`` for the precedence, a
one-unit deal) and as an mcprojsim project (same tasks, ``dependencies``, the same
``low``/``expected``/``high`` in ``unit: days``, triangular). mcprojsim is the real package
from PyPI, installed into its own venv of a Python >= 3.13 (``FEASIBILITY_BENCH_PY313``,
``python3.13``/``python3.14`` on PATH, or ``pyenv``); it is never a dependency of the
package. P50 and P80 are compared as working days of work from the start day.

(b) Convergence. P80 from the default ``policy.samples`` against a 20,000-sample reference
(drawn under another deal id, so its draws are independent of the 500), on generated small
models with shared resources, availabilities and reservations, and on examples/confidence.

(c) Time. ``check`` of examples/confidence as fresh processes (median of a few runs)
against the same check with ``policy.samples`` at its minimum and with every estimate and
availability removed; a check with estimates on the scale model at 5,000 booked plans
(``bench/scale.py``); and the share of sampling time spent drawing random numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bench import scale
from feasibility.engine.commitments import build_plan
from feasibility.engine.confidence import (
    _draw,
    _sampling_order,
    _spread,
    confidences,
    sample_deal,
    seed_of,
    summary,
)
from feasibility.engine.plan import Plan, prepare
from feasibility.engine.result import Confidence
from feasibility.engine.scheduler import compile_job, decode, delivered
from feasibility.engine.search import used_materials
from feasibility.engine.solve import schedule_deal
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "confidence"
EXAMPLE_AS_OF = "2026-11-23"
START = dt.date(2027, 1, 4)
"""Start (and check date) of every generated project: a Monday."""
WEEK = ["mon", "tue", "wed", "thu", "fri"]

PEER = "mcprojsim==0.15.2"
"""The peer, pinned so that a run is repeatable."""
PY313_ENV = "FEASIBILITY_BENCH_PY313"
PROJECTS = 50
PEER_ITERATIONS = 10_000
OUR_SAMPLES = 10_000
"""Samples on both sides of the agreement, so that Monte Carlo noise (about 0.1 working
day at P80) stays well inside the one-day tolerance; the default 500 is reported too."""
CONVERGENCE_CASES = 40
REFERENCE = 20_000
TOLERANCE = 1
"""Working days."""
SHARE_TARGET = 0.95
CHECK_SECONDS = 3.0
SCALE_SECONDS = 10.0
SCALE_AT = 5000


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the peer


def python313() -> str | None:
    """A Python >= 3.13 interpreter for mcprojsim: the env var, PATH, then pyenv."""
    candidates: list[str] = []
    if os.environ.get(PY313_ENV):
        candidates.append(os.environ[PY313_ENV])
    for name in ("python3.13", "python3.14", "python3"):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    roots = [Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))]
    pyenv = shutil.which("pyenv")
    if pyenv:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            roots.insert(0, Path(done.stdout.strip()))
    for root in roots:
        versions = root / "versions"
        if versions.is_dir():
            candidates += [str(p / "bin" / "python3") for p in sorted(versions.iterdir())]
    for exe in candidates:
        try:
            done = subprocess.run(
                [exe, "-c", "import sys; print(sys.version_info >= (3, 13))"],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.strip() == "True":
            return exe
    return None


def peer_venv(progress: Callable[[str], None] = _log) -> Path | None:
    """The ``mcprojsim`` script of a cached venv (created with a Python >= 3.13 and the
    pinned peer installed on first use); None, with a message, when none can be had."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    if not os.access(base.parent if not base.exists() else base, os.W_OK):
        base = Path(tempfile.gettempdir())
    venv = base / "feasibility-bench" / ("venv-" + PEER.replace("==", "-"))
    script = venv / "bin" / "mcprojsim"
    if script.exists():
        return script
    exe = python313()
    if exe is None:
        progress(
            "confidence: no Python >= 3.13 found (set FEASIBILITY_BENCH_PY313, or put"
            " python3.13 on PATH, or install one with pyenv): mcprojsim agreement skipped"
        )
        return None
    progress(f"confidence: creating {venv} with {exe} and installing {PEER}")
    try:
        subprocess.run([exe, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", PEER], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError) as e:
        progress(f"confidence: could not install {PEER} ({e}): mcprojsim agreement skipped")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return script if script.exists() else None


# --------------------------------------------------------------------------- (a) agreement


@dataclass(frozen=True)
class Task:
    """One project task: its predecessors and its estimate in working days."""

    id: str
    after: tuple[str, ...]
    low: float
    likely: int
    high: float


def projects(n: int, seed: int = 15) -> list[list[Task]]:
    """``n`` projects: even ones chains, odd ones small DAGs (each task after 0-2 earlier
    ones); 3-12 tasks; most likely 1-8 working days (our wait ``days`` are whole), low
    between half of it and it (at least 1, so our rounding's floor of one day never
    binds), high 1.2-3 times it."""
    out: list[list[Task]] = []
    for k in range(n):
        rng = random.Random(seed * 1000 + k)
        tasks: list[Task] = []
        for i in range(rng.randint(3, 12)):
            likely = rng.randint(1, 8)
            low = round(rng.uniform(max(1.0, 0.5 * likely), likely), 1)
            high = round(likely * rng.uniform(1.2, 3.0), 1)
            if k % 2 == 0:
                after: tuple[str, ...] = (tasks[-1].id,) if tasks else ()
            else:
                earlier = [t.id for t in tasks]
                after = tuple(sorted(rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))))
            tasks.append(Task(f"t{i:02d}", after, low, likely, high))
        out.append(tasks)
    return out


def feasibility_project(
    tasks: Sequence[Task], samples: int, kind: str = "wait"
) -> tuple[CapacityFile, Deal]:
    """The project as our model: ``wait`` maps each task to a wait step (``days`` the most
    likely, ``estimate`` low/high in working days); ``effort`` to an effort step on a
    resource of its own (8 hours a day, effort and estimate in hours, 8 per day)."""
    steps: list[dict[str, Any]] = []
    resources: list[dict[str, Any]] = [{"id": "unused", "unit": "hours", "per_day": 8.0}]
    for t in tasks:
        step: dict[str, Any] = {"id": t.id, "after": list(t.after)}
        if kind == "wait":
            step.update(days=t.likely, estimate={"low": t.low, "high": t.high})
        else:
            resources.append({"id": f"r-{t.id}", "unit": "hours", "per_day": 8.0})
            step.update(
                resource=f"r-{t.id}",
                effort=8.0 * t.likely,
                estimate={"low": 8.0 * t.low, "high": 8.0 * t.high},
            )
        steps.append(step)
    model = CapacityFile.model_validate(
        {
            "version": 1,
            "company": "Agreement Co",
            "calendar": {"workdays": WEEK},
            "resources": resources,
            "offerings": [{"id": "project", "steps": steps}],
            "policy": {"samples": samples, "horizon_days": 1500},
        }
    )
    deal = Deal.model_validate(
        {"id": "PROJECT", "customer": "Peer", "lines": [{"offering": "project", "quantity": 1}]}
    )
    return model, deal


def mcprojsim_project(tasks: Sequence[Task], name: str) -> dict[str, Any]:
    """The project as mcprojsim reads it: triangular (its default) on low/expected/high in
    ``unit: days`` (8 hours each), scheduled at 8 hours a day from START, no resources (so
    dependency-only, continuous), default uncertainty factors (every multiplier 1.0)."""
    return {
        "project": {
            "name": name,
            "start_date": START.isoformat(),
            "hours_per_day": 8,
            "distribution": "triangular",
        },
        "tasks": [
            {
                "id": t.id,
                "name": t.id,
                "dependencies": list(t.after),
                "estimate": {
                    "low": t.low,
                    "expected": float(t.likely),
                    "high": t.high,
                    "unit": "days",
                },
            }
            for t in tasks
        ],
    }


def working_days_through(start: dt.date, day: dt.date) -> int:
    """Mon-fri days from ``start`` through ``day``, both counted."""
    n, d = 0, start
    while d <= day:
        n += d.weekday() < 5
        d += dt.timedelta(days=1)
    return n


def our_percentiles(model: CapacityFile, deal: Deal) -> tuple[int, int]:
    """P50 and P80 of the line, in working days from START through the delivery day."""
    plan = build_plan(model, [], START)
    prepared = prepare(plan, deal)
    found = schedule_deal(plan, prepared)
    drawn = sample_deal(plan, prepared, found, model.policy.samples)
    c = summary(plan, [d[0] for d in drawn.delivered], None)
    assert c.p50 is not None and c.p80 is not None
    return working_days_through(START, c.p50), working_days_through(START, c.p80)


def peer_percentiles(
    script: Path, project: dict[str, Any], seed: int, folder: Path
) -> tuple[int, int]:
    """mcprojsim's P50 and P80 as working days (its ``working_days``: hours / 8, rounded
    up), from its JSON export; run with HOME in ``folder`` so no user config is read."""
    path = folder / f"{project['project']['name']}.yaml"
    path.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    out = folder / project["project"]["name"]
    subprocess.run(
        [str(script), "simulate", str(path), "-n", str(PEER_ITERATIONS), "-s", str(seed)]
        + ["-f", "json", "-o", str(out), "-qq"],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(folder), "NO_COLOR": "1"},
        cwd=folder,
    )
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    ci = data["calendar_time_confidence_intervals"]
    return int(ci["50"]["working_days"]), int(ci["80"]["working_days"])


@dataclass(frozen=True)
class ProjectRow:
    """One project: its size and shape, and the P50/P80 of each side in working days."""

    tasks: int
    chain: bool
    peer: tuple[int, int]
    wait: tuple[int, int]
    wait_default: tuple[int, int]
    effort: tuple[int, int]

    def pair(self, kind: str) -> tuple[int, int]:
        """Our P50 and P80 under a mapping: wait, wait_default or effort."""
        return {"wait": self.wait, "wait_default": self.wait_default, "effort": self.effort}[kind]


@dataclass
class Agreement:
    """What (a) found (``skipped``: why it did not run)."""

    rows: list[ProjectRow] = field(default_factory=list)
    skipped: str = ""
    seconds: float = 0.0

    def within(self, kind: str) -> int:
        """Projects whose P50 and P80 are both within TOLERANCE of mcprojsim's."""
        return sum(
            abs(r.pair(kind)[0] - r.peer[0]) <= TOLERANCE
            and abs(r.pair(kind)[1] - r.peer[1]) <= TOLERANCE
            for r in self.rows
        )

    def bias(self, kind: str, q: int) -> float:
        """Mean (ours - mcprojsim) in working days at P50 (q=0) or P80 (q=1)."""
        return statistics.fmean(r.pair(kind)[q] - r.peer[q] for r in self.rows)

    def worst(self, kind: str) -> int:
        """The largest |ours - mcprojsim| at P50 or P80."""
        return max(max(abs(r.pair(kind)[q] - r.peer[q]) for q in (0, 1)) for r in self.rows)


def agreement(n: int, progress: Callable[[str], None] = _log) -> Agreement:
    """Run (a) on ``n`` projects."""
    script = peer_venv(progress)
    if script is None:
        return Agreement(skipped="no Python >= 3.13 or mcprojsim could not be installed")
    t0 = time.perf_counter()
    out = Agreement()
    with tempfile.TemporaryDirectory(prefix="feasibility-mcprojsim-") as tmp:
        for k, tasks in enumerate(projects(n)):
            peer = peer_percentiles(
                script, mcprojsim_project(tasks, f"p{k:02d}"), 1500 + k, Path(tmp)
            )
            wait = our_percentiles(*feasibility_project(tasks, OUR_SAMPLES, "wait"))
            wait500 = our_percentiles(*feasibility_project(tasks, 500, "wait"))
            effort = our_percentiles(*feasibility_project(tasks, OUR_SAMPLES, "effort"))
            row = ProjectRow(len(tasks), k % 2 == 0, peer, wait, wait500, effort)
            out.rows.append(row)
            progress(
                f"confidence agreement {k + 1}/{n}: {len(tasks)} tasks"
                f" {'chain' if row.chain else 'dag'}; P50/P80 mcprojsim {peer[0]}/{peer[1]},"
                f" wait {wait[0]}/{wait[1]}, wait@500 {wait500[0]}/{wait500[1]},"
                f" effort {effort[0]}/{effort[1]} working days"
            )
    out.seconds = time.perf_counter() - t0
    return out


# --------------------------------------------------------------------------- (b) convergence


def convergence_model(k: int) -> tuple[CapacityFile, Deal]:
    """A small model with shared resources: 2-3 people resources and a crew, some below
    full availability, a reservation, one offering of 3-5 steps (effort, fixed work using
    the crew, waits), every step with an estimate; a deal of 1-2 lines of 1-3 units."""
    rng = random.Random(2500 + k)
    people = [f"p{i}" for i in range(rng.randint(2, 3))]
    resources: list[dict[str, Any]] = [
        {
            "id": p,
            "unit": "hours",
            "per_day": float(rng.choice([8, 16, 24])),
            "availability": rng.choice([1.0, 0.95, 0.9, 0.8]),
        }
        for p in people
    ]
    resources.append(
        {
            "id": "crew",
            "unit": "crews",
            "per_day": float(rng.randint(1, 2)),
            "availability": rng.choice([1.0, 0.9]),
        }
    )
    steps: list[dict[str, Any]] = []
    for s in range(rng.randint(3, 5)):
        kind = rng.random()
        step: dict[str, Any] = {"id": f"s{s}"}
        if kind < 0.5:
            effort = float(rng.randint(4, 24))
            step.update(
                resource=rng.choice(people),
                effort=effort,
                estimate={"low": effort * 0.8, "high": effort * rng.uniform(1.3, 2.5)},
                max_per_day=8.0,
            )
        elif kind < 0.8:
            days = rng.randint(1, 3)
            step.update(
                days=days, uses={"crew": 1.0}, estimate={"low": 1, "high": days + rng.randint(1, 3)}
            )
        else:
            days = rng.randint(2, 8)
            step.update(days=days, estimate={"low": max(1, days - 2), "high": days * 2})
        if s > 0 and rng.random() < 0.3:
            step["after"] = [f"s{rng.randrange(s)}"]
        steps.append(step)
    model = CapacityFile.model_validate(
        {
            "version": 1,
            "company": "Convergence Co",
            "calendar": {"workdays": WEEK},
            "resources": resources,
            "offerings": [{"id": "work", "steps": steps}],
            "reservations": [
                {
                    "resource": people[0],
                    "from": START + dt.timedelta(days=rng.randint(0, 10)),
                    "to": START + dt.timedelta(days=rng.randint(11, 25)),
                    "per_day": 8.0,
                }
            ],
        }
    )
    lines = [
        {
            "offering": "work",
            "quantity": rng.randint(1, 3),
            "due": START + dt.timedelta(days=rng.randint(20, 60)),
        }
        for _ in range(rng.randint(1, 2))
    ]
    return model, Deal.model_validate({"id": f"CONV-{k:03d}", "customer": "C", "lines": lines})


def example_model() -> tuple[CapacityFile, list[Deal], Deal]:
    """examples/confidence: the model, its bookings and the deal."""
    model = CapacityFile.model_validate(
        yaml.safe_load((EXAMPLE / "capacity.yaml").read_text(encoding="utf-8"))
    )
    bookings = [
        Deal.model_validate(yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted((EXAMPLE / "bookings").glob("*.yaml"))
    ]
    deal = Deal.model_validate(
        yaml.safe_load((EXAMPLE / "tight-permits.yaml").read_text(encoding="utf-8"))
    )
    return model, bookings, deal


def _line_confidences(plan: Plan, deal: Deal, samples: int) -> list[Confidence]:
    """Each expanded line's confidence from ``samples`` samples, as ``check`` gives it
    with ``policy.samples`` = ``samples`` (the same code; ``confidences`` reads the policy)."""
    policy = plan.model.policy.model_copy(update={"samples": samples})
    model = plan.model.model_copy(update={"policy": policy})
    plan = replace(plan, model=model)
    prepared = prepare(plan, deal)
    found = schedule_deal(plan, prepared)
    drawn = sample_deal(plan, prepared, found, samples)
    return [
        summary(plan, [d[j] for d in drawn.delivered], due) for j, due in enumerate(prepared.due)
    ]


def _gap(plan: Plan, a: dt.date | None, b: dt.date | None) -> int | None:
    """Company working days between two dates (None: either beyond the horizon)."""
    if a is None or b is None:
        return None if a is not b else 0
    tl = plan.timeline
    lo, hi = sorted((tl.index(a), tl.index(b)))
    return sum(tl.company_works[d] for d in range(lo + 1, hi + 1))


@dataclass
class Convergence:
    """What (b) found: per line, |P80(default) - P80(reference)| in working days."""

    gaps: list[int | None] = field(default_factory=list)
    covered: int = 0
    """Lines whose reference p_on_time lies in the default samples' 95 % interval."""
    with_due: int = 0
    cases: int = 0
    samples: int = 500
    seconds: float = 0.0
    reference_seconds: float = 0.0

    @property
    def within(self) -> int:
        """Lines within TOLERANCE."""
        return sum(g is not None and g <= TOLERANCE for g in self.gaps)


def convergence(n: int, progress: Callable[[str], None] = _log) -> Convergence:
    """Run (b) on ``n`` generated cases and examples/confidence."""
    t0 = time.perf_counter()
    out = Convergence()
    cases: list[tuple[str, CapacityFile, list[Deal], Deal, dt.date]] = []
    for k in range(n):
        model, deal = convergence_model(k)
        cases.append((deal.id, model, [], deal, START))
    model, bookings, deal = example_model()
    cases.append(
        ("examples/confidence", model, bookings, deal, dt.date.fromisoformat(EXAMPLE_AS_OF))
    )
    for name, model, bookings, deal, as_of in cases:
        plan = build_plan(model, bookings, as_of)
        default = model.policy.samples
        out.samples = default
        t1 = time.perf_counter()
        ours = _line_confidences(plan, deal, default)
        t2 = time.perf_counter()
        # The reference draws under another id: its samples are independent of the 500.
        ref = _line_confidences(plan, replace_id(deal, deal.id + "-REF"), REFERENCE)
        out.reference_seconds += time.perf_counter() - t2
        out.cases += 1
        for c, r in zip(ours, ref, strict=True):
            g = _gap(plan, c.p80, r.p80)
            out.gaps.append(g)
            if c.interval is not None and r.p_on_time is not None:
                out.with_due += 1
                out.covered += c.interval[0] - 1e-9 <= r.p_on_time <= c.interval[1] + 1e-9
        progress(
            f"confidence convergence {out.cases}/{len(cases)} {name}: P80 "
            + ", ".join(f"{c.p80} vs {r.p80}" for c, r in zip(ours, ref, strict=True))
            + f" ({t2 - t1:.2f} s at {default}, {time.perf_counter() - t2:.1f} s at {REFERENCE})"
        )
    out.seconds = time.perf_counter() - t0
    return out


def replace_id(deal: Deal, new: str) -> Deal:
    """The deal under another id (which seeds its samples)."""
    return deal.model_copy(update={"id": new})


# --------------------------------------------------------------------------- (c) time


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    """A capacity model's data without any estimate or availability."""
    out = json.loads(json.dumps(data, default=str))
    for r in out.get("resources", []):
        r.pop("availability", None)
    for o in out.get("offerings", []):
        for s in o.get("steps", []):
            s.pop("estimate", None)
    return dict(out)


def _with_estimates(data: dict[str, Any]) -> dict[str, Any]:
    """The scale model with an estimate on every step: effort 0.8-1.8x, days -1/+100 %."""
    out = json.loads(json.dumps(data, default=str))
    for o in out["offerings"]:
        for s in o["steps"]:
            if "effort" in s:
                s["estimate"] = {"low": 0.8 * s["effort"], "high": 1.8 * s["effort"]}
            else:
                s["estimate"] = {"low": max(1, s["days"] - 1), "high": 2 * s["days"]}
    return dict(out)


def _median_of(args: list[str], cwd: Path, runs: int, cache: Path) -> float:
    return statistics.median(scale.measure(args, cwd, cache=cache).seconds for _ in range(runs))


@dataclass
class Timing:
    """What (c) found (seconds are medians of fresh processes)."""

    runs: int = 0
    example: float = 0.0
    example_min: float = 0.0
    example_plain: float = 0.0
    exit_code: int | None = None
    scale_bookings: int = 0
    scale_check: float = 0.0
    scale_plain: float = 0.0
    scale_cold: float = 0.0
    scale_plain_cold: float = 0.0
    confidences_seconds: float = 0.0
    """In process: ``confidences`` (the sampling order's search, the samples, summaries)."""
    scale_runs: int = 0
    draw_share: float = 0.0
    sampling_seconds: float = 0.0
    replica_equal: bool = False
    presence_share: float = 0.0
    """Share of the drawing time that is the presence days (the rest: triangular work)."""
    numpy_import: float = 0.0
    """Median wall time of ``python -c "import numpy"`` less that of ``python -c pass``."""


def draw_share(rounds: int = 3) -> tuple[float, float, float, float, bool]:
    """Share of ``sample_deal``'s time spent drawing on examples/confidence (seeding the
    streams, the triangular draws, the availability days) against scheduling (copying the
    free capacity and stocks, ``decode``, ``delivered``): the engine's loop replayed with
    each half timed apart. Also the time of ``sample_deal`` itself, that of ``confidences``
    (which adds the sampling order's search), the share of the drawing that is the presence
    days, and whether the replay gave its results."""
    model, bookings, deal = example_model()
    plan = build_plan(model, bookings, dt.date.fromisoformat(EXAMPLE_AS_OF))
    prepared = prepare(plan, deal)
    found = schedule_deal(plan, prepared)
    n = model.policy.samples
    best_draw, best_sched, best_whole, best_all = math.inf, math.inf, math.inf, math.inf
    best_presence = 0.0
    same = True
    for _ in range(rounds):
        t0 = time.perf_counter()
        want = sample_deal(plan, prepared, found, n).delivered
        best_whole = min(best_whole, time.perf_counter() - t0)
        t0 = time.perf_counter()
        confidences(plan, prepared, found)
        best_all = min(best_all, time.perf_counter() - t0)
        c = compile_job(prepared.job, plan.state)
        spread = _spread(c)
        share = {r.id: r.availability for r in plan.model.resources}
        away = {r: share[r] for r in c.resources if share[r] < 1}
        order = _sampling_order(plan, prepared, found)
        seed = seed_of(prepared.deal.id, plan.as_of.isoformat())
        materials = used_materials(prepared.job)
        drawing = scheduling = presence = 0.0
        got: list[list[int | None]] = []
        for s in range(n):
            t1 = time.perf_counter()
            job = _draw(c, spread, random.Random(f"{seed}/{s}/steps"))
            t1b = time.perf_counter()
            days_away: dict[str, list[bool]] = {}
            for r, a in away.items():
                rng = random.Random(f"{seed}/{s}/{r}")
                days_away[r] = [rng.random() >= a for _ in plan.state.free[r]]
            t2 = time.perf_counter()
            free = {r: list(plan.state.free[r]) for r in c.resources}
            for r, gone in days_away.items():
                free[r] = [0.0 if g else f for g, f in zip(gone, free[r], strict=True)]
            stocks = {m: plan.state.stocks[m].copy() for m in materials}
            got.append(delivered(job, decode(job, free, stocks, order, prepared.release).finish))
            t3 = time.perf_counter()
            drawing += t2 - t1
            presence += t2 - t1b
            scheduling += t3 - t2
        same = same and got == want
        if drawing + scheduling < best_draw + best_sched:
            best_draw, best_sched, best_presence = drawing, scheduling, presence
    drawn = best_draw / (best_draw + best_sched)
    return drawn, best_presence / best_draw, best_whole, best_all, same


def timing(
    runs: int, scale_bookings: int, folder: Path, progress: Callable[[str], None] = _log
) -> Timing:
    """Run (c)."""
    out = Timing(runs=runs, scale_bookings=scale_bookings)
    exe = scale.cli()
    data = yaml.safe_load((EXAMPLE / "capacity.yaml").read_text(encoding="utf-8"))
    variants = {"estimates": data}
    variants["min"] = {**data, "policy": {**data.get("policy", {}), "samples": 10}}
    variants["plain"] = _strip(data)
    deal = EXAMPLE / "tight-permits.yaml"
    times: dict[str, list[float]] = {k: [] for k in variants}
    caps: dict[str, Path] = {}
    for name, d in variants.items():
        sub = folder / f"example-{name}"
        shutil.copytree(EXAMPLE / "bookings", sub / "bookings", dirs_exist_ok=True)
        (sub / "capacity.yaml").write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
        caps[name] = sub / "capacity.yaml"
    cache = folder / "cache"
    for name, cap in caps.items():  # one untimed run each fills the caches (holidays)
        args = [exe, "check", str(deal), "--capacity", str(cap), "--as-of", EXAMPLE_AS_OF]
        m = scale.measure(args, folder, cache=cache)
        if name == "estimates":
            out.exit_code = m.exit_code
    for _ in range(runs):  # interleaved, so a busy spell hits every variant alike
        for name, cap in caps.items():
            args = [exe, "check", str(deal), "--capacity", str(cap), "--as-of", EXAMPLE_AS_OF]
            times[name].append(scale.measure(args, folder, cache=cache).seconds)
    out.example = statistics.median(times["estimates"])
    out.example_min = statistics.median(times["min"])
    out.example_plain = statistics.median(times["plain"])
    progress(
        f"confidence time: example check {out.example:.2f} s, samples=10"
        f" {out.example_min:.2f} s, no estimates {out.example_plain:.2f} s (medians of {runs})"
    )
    if scale_bookings:
        t0 = time.perf_counter()
        w = scale.generate(folder / f"scale-{scale_bookings}", scale_bookings)
        plain = scale.capacity_data()
        (w.capacity.parent / "capacity-plain.yaml").write_text(
            yaml.safe_dump(plain, sort_keys=False), encoding="utf-8"
        )
        w.capacity.write_text(
            yaml.safe_dump(_with_estimates(plain), sort_keys=False), encoding="utf-8"
        )
        made = time.perf_counter() - t0
        progress(f"confidence time: scale model of {scale_bookings} generated, {made:.0f} s")
        day = scale.AS_OF.isoformat()
        est = [exe, "check", str(w.deal), "--capacity", str(w.capacity), "--as-of", day]
        bare = [
            exe,
            "check",
            str(w.deal),
            "--capacity",
            str(w.capacity.parent / "capacity-plain.yaml"),
        ]
        bare += ["--as-of", day]
        # Each capacity file its own cache folder: one held-load cache serves one model.
        est_cache, bare_cache = folder / "scale-cache-estimates", folder / "scale-cache-plain"
        # Cold: reads every booking and writes the held-load cache (a rep's first check).
        out.scale_cold = scale.measure(est, folder, cache=est_cache).seconds
        out.scale_plain_cold = scale.measure(bare, folder, cache=bare_cache).seconds
        out.scale_runs = max(1, runs // 2)
        out.scale_check = _median_of(est, folder, out.scale_runs, est_cache)
        out.scale_plain = _median_of(bare, folder, out.scale_runs, bare_cache)
        progress(
            f"confidence time: scale {scale_bookings} check with estimates {out.scale_check:.2f} s,"
            f" without {out.scale_plain:.2f} s (medians of {out.scale_runs}); cold"
            f" {out.scale_cold:.2f} s and {out.scale_plain_cold:.2f} s"
        )
    found = draw_share()
    out.draw_share, out.presence_share, out.sampling_seconds = found[:3]
    out.confidences_seconds, out.replica_equal = found[3:]
    bare_python = [sys.executable, "-c", "pass"]
    with_numpy = [sys.executable, "-c", "import numpy"]
    scale.measure(with_numpy, folder, cache=cache)
    py = [scale.measure(bare_python, folder, cache=cache).seconds for _ in range(runs)]
    np_ = [scale.measure(with_numpy, folder, cache=cache).seconds for _ in range(runs)]
    out.numpy_import = statistics.median(np_) - statistics.median(py)
    progress(
        f"confidence time: drawing {out.draw_share:.1%} of sampling time"
        f" ({out.presence_share:.0%} of it presence days)"
        f" (sample_deal {out.sampling_seconds:.3f} s at 500 samples; replay equal:"
        f" {out.replica_equal}); confidences {out.confidences_seconds:.3f} s;"
        f" importing numpy {out.numpy_import:.3f} s"
    )
    return out


# --------------------------------------------------------------------------- all three


@dataclass
class ConfidenceRun:
    """Every figure of the part."""

    agreement: Agreement
    convergence: Convergence | None
    timing: Timing | None
    quick: bool


def run(
    quick: bool,
    progress: Callable[[str], None] = _log,
    parts: Sequence[str] = ("agreement", "convergence", "time"),
) -> ConfidenceRun:
    """All three measurements (``quick``: 10 projects, 10 cases, 3 runs, 1,000 bookings)."""
    a = (
        agreement(10 if quick else PROJECTS, progress)
        if "agreement" in parts
        else Agreement(skipped="not run")
    )
    b = (
        convergence(10 if quick else CONVERGENCE_CASES, progress)
        if "convergence" in parts
        else None
    )
    c = None
    if "time" in parts:
        with tempfile.TemporaryDirectory(prefix="feasibility-bench-confidence-") as tmp:
            c = timing(3 if quick else 5, 1000 if quick else SCALE_AT, Path(tmp), progress)
    return ConfidenceRun(a, b, c, quick)


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def section(r: ConfidenceRun, command: str) -> list[str]:
    """The figures as a BENCHMARKS.md section."""
    out = [
        "## Confidence: agreement with mcprojsim, convergence, time",
        "",
        "`bench/confidence.py`. Each sample draws every step's work from its triangular"
        " estimate (fixed and wait days rounded half-up to whole working days, at least 1;"
        " effort continuous) and each resource's days away, then schedules the sample with"
        ' the serial scheduler (SPEC, "Confidence"). Every figure below comes from the'
        " command at the end of the section.",
        "",
        "### (a) Agreement with mcprojsim",
        "",
    ]
    a = r.agreement
    if a.skipped:
        out += [f"Not measured: {a.skipped}.", ""]
    else:
        n = len(a.rows)
        chains = sum(x.chain for x in a.rows)
        out += [
            f"{n} generated projects ({chains} chains, {n - chains} DAGs with each task after"
            " 0-2 earlier ones; 3-12 tasks; most likely 1-8 working days, low between half of"
            " it and it and at least 1, high 1.2-3x it), no shared resources, so only"
            " precedence and durations matter. Both sides draw the same triangular"
            " distribution per task; the mapping:",
            "",
            f"- mcprojsim ({PEER}, from PyPI in its own Python >= 3.13 venv): one task per"
            " task, `dependencies`, `estimate: {low, expected, high, unit: days}` (its"
            " default triangular; a day is 8 hours), `hours_per_day: 8`, start"
            f" {START} (a Monday), no resources (dependency-only, continuous hours), default"
            f" uncertainty factors (all 1.0), HOME in a temp folder (no user config),"
            f" `-n {PEER_ITERATIONS:,} -s <1500+k>`. Its P50/P80 are its JSON"
            " `calendar_time_confidence_intervals` `working_days` (hours / 8 rounded up, so"
            " a percentile ending within day N counts N). Its `delivery_date` is the"
            " working day after that (start + N working days), ours is the day the work"
            " ends, so working-day counts are compared, not dates.",
            "- feasibility, **wait mapping** (judged): one offering, one wait step per task"
            " (`days` = the most likely, `estimate: {low, high}` in working days, `after`"
            " the predecessors, `after: []` for a root), a one-unit deal, check date = start,"
            " notice 0, mon-fri, no holidays; delivery = working days from the start"
            f" through the line's P50/P80 day; `policy.samples` {OUR_SAMPLES:,}.",
            "- feasibility, **effort mapping** (for comparison): each task an effort step on a"
            " resource of its own (8 hours a day; effort and estimate x8 hours), continuous"
            " draws; same deal.",
            "",
            "| mapping | P50 and P80 within 1 working day | mean ours - mcprojsim P50 |"
            " P80 | worst gap |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for kind, label in (
            ("wait", f"wait, {OUR_SAMPLES:,} samples"),
            ("wait_default", "wait, 500 samples (default)"),
            ("effort", f"effort, {OUR_SAMPLES:,} samples"),
        ):
            w = a.within(kind)
            out.append(
                f"| {label} | {w}/{n} ({w / n:.0%}) | {a.bias(kind, 0):+.2f} |"
                f" {a.bias(kind, 1):+.2f} | {a.worst(kind)} |"
            )
        w = a.within("wait")
        out += [
            "",
            "Why the mappings differ: our grain is one day and a step starts the day after"
            ' its predecessors end (SPEC, "Time, exactly"), while mcprojsim\'s'
            " dependency-only schedule is continuous (a successor starts at the hour its"
            " predecessor ends). An effort step ends on the day its work is used up, so each"
            " task is rounded *up* to whole days: about half a day late per task on the"
            " critical path, which grows with the path's length. A wait's draw is rounded"
            " half-up per task, which is unbiased; what is left is the per-task rounding"
            " noise (about 0.29 working day per task, standard deviation) and mcprojsim's one"
            " rounding up of the total: mcprojsim counts a percentile that ends anywhere in"
            " day N as N, while our rounded sum reaches N when the continuous sum is below"
            " about N + 0.5, so ours is expected about half a working day *earlier* at any"
            " percentile (the mean columns above; what goes beyond half a day is the right"
            " skew of the estimates, whose density falls across most rounding intervals, so a draw"
            " rounds down a little more often than up). An effort step on a resource with"
            " unlimited daily capacity would not help: its work is used up on its first"
            " day, so every task would take one day. So the wait mapping is the closest our"
            " model can come; exact agreement is impossible at a one-day grain, and the"
            " effort mapping shows the grain's cost when every task is rounded up. With no"
            " shared resources the serial scheduler's order cannot matter, and the wait"
            " mapping shows no lateness against mcprojsim.",
            "",
            "| target | reached | |",
            "| --- | --- | --- |",
            f"| P50 and P80 within one working day on >= 95 % of {n} projects (wait mapping)"
            f" | {w}/{n} ({w / n:.0%}) | {_met(w / n >= SHARE_TARGET)} |",
            "",
        ]
    b = r.convergence
    if b is not None:
        lines = len(b.gaps)
        worst = max((g for g in b.gaps if g is not None), default=0)
        spread = ", ".join(
            f"{sum(g == k for g in b.gaps)} at {k}"
            for k in sorted({g for g in b.gaps if g is not None})
        )
        beyond = sum(g is None for g in b.gaps)
        out += [
            "### (b) Convergence",
            "",
            f"{b.cases - 1} generated small models (2-3 people resources in hours at 8-24 a"
            " day and a crew of 1-2, availabilities 0.8-1, a reservation, one offering of 3-5"
            " effort / fixed / wait steps, each with an estimate; a deal of 1-2 lines of 1-3"
            " units) and examples/confidence (`tight-permits.yaml` as of"
            f" {EXAMPLE_AS_OF}). Each line's P80 from the default {b.samples} samples"
            f" against a {REFERENCE:,}-sample reference with `policy.samples` set to"
            f" {REFERENCE:,} on a model copy; the reference is drawn under the deal id with"
            " `-REF` appended, so its draws are independent of the default ones (the seed"
            " comes from the deal id and the check date).",
            "",
            "| target | reached | |",
            "| --- | --- | --- |",
            f"| P80 within one working day of the reference on >= 95 % of lines"
            f" | {b.within}/{lines} lines of {b.cases} cases ({b.within / lines:.0%});"
            f" largest gap {worst} working days | {_met(b.within / lines >= SHARE_TARGET)} |",
            "",
            f"Gaps in working days: {spread}"
            + (f", {beyond} beyond the horizon on one side" if beyond else "")
            + f". The reference p_on_time lies within the default samples' 95 % (Wilson)"
            f" interval on {b.covered} of {b.with_due} lines"
            f" ({b.covered / max(1, b.with_due):.0%}; about 95 % is expected if the stated"
            " Monte Carlo error is right).",
            "",
            f"The {REFERENCE:,}-sample references took {b.reference_seconds:.0f} s in all"
            f" ({b.reference_seconds / b.cases:.1f} s a case).",
            "",
        ]
    c = r.timing
    if c is not None:
        ok_ex = c.exit_code in (0, 1, 3)
        out += [
            "### (c) Time",
            "",
            "`feasibility check examples/confidence/tight-permits.yaml --capacity"
            f" examples/confidence/capacity.yaml --as-of {EXAMPLE_AS_OF}` as fresh processes"
            f" of the installed CLI (`bench/scale.py`'s launcher), {c.runs} interleaved"
            " rounds after one untimed run of each (caches filled); medians. The same check"
            " on copies of the model with `policy.samples: 10` (its minimum) and with every"
            " estimate and availability removed (no sampling at all).",
            "",
            "| check | median | ratio |",
            "| --- | ---: | ---: |",
            f"| with estimates, 500 samples | {c.example:.2f} s | 1.00 |",
            f"| `policy.samples: 10` | {c.example_min:.2f} s | {c.example_min / c.example:.2f} |",
            f"| no estimates or availabilities | {c.example_plain:.2f} s |"
            f" {c.example_plain / c.example:.2f} |",
        ]
        if c.scale_bookings:
            out += [
                f"| scale model, {c.scale_bookings:,} booked plans, estimates on every step"
                f" | {c.scale_check:.2f} s | 1.00 |",
                f"| the same without estimates | {c.scale_plain:.2f} s |"
                f" {c.scale_plain / c.scale_check:.2f} |",
                f"| scale model with estimates, cold (first check: reads every booking,"
                f" writes the held-load cache; one run) | {c.scale_cold:.2f} s | |",
                f"| the same without estimates, cold | {c.scale_plain_cold:.2f} s |"
                f" {c.scale_plain_cold / c.scale_cold:.2f} |",
            ]
        out += [
            "",
            f"The scale model is `bench/scale.py`'s at {c.scale_bookings:,} bookings holding"
            " their plans, with an estimate added to every step of every offering (effort:"
            " low 0.8x, high 1.8x; fixed and wait days: low days - 1 (at least 1), high 2x);"
            " the bookings' plans are unchanged. Its `check` runs after a cold one (the"
            f" held-load cache filled), median of {c.scale_runs}.",
            "",
            "Drawing against scheduling: the engine's sampling loop (`sample_deal`) replayed"
            " in process on the example at 500 samples, each half timed apart (best of 3;"
            " the replay gives `sample_deal`'s results:"
            f" {'yes' if c.replica_equal else '**no**'}). Seeding the random streams and"
            " drawing (triangular work, and each resource's presence on every day of the"
            f" horizon) take **{c.draw_share:.0%}** of the sampling time; copying the free"
            " capacity, `decode` and `delivered` the rest. Of the drawing,"
            f" {c.presence_share:.0%} is the presence draws: one `random()` per day of the"
            " horizon per resource below full availability, per sample, whatever the span"
            " of the deal's work. But the whole"
            f" of `sample_deal` takes {c.sampling_seconds * 1000:.0f} ms of the"
            f" {c.example:.2f} s check (`confidences`, which adds the search for the sampling"
            f" order with the due dates left out, {c.confidences_seconds * 1000:.0f} ms;"
            " the rest of the gap to the check with no estimates is mostly the at-risk"
            " line's counter-offer (`offers.confident_date`), verified by re-running the"
            " engine with the offered due date),"
            " while importing numpy alone costs"
            f" {c.numpy_import * 1000:.0f} ms (`python -c 'import numpy'` against"
            " `python -c pass`, medians): even if numpy made the drawing free it would save"
            f" at most {c.draw_share * c.sampling_seconds * 1000:.0f} ms and cost more to"
            " import, and bulk draws would not keep the per-sample, per-purpose seeded"
            " streams that make the answer reproducible. numpy does not pay at these sizes.",
            "",
            "| target | reached | |",
            "| --- | --- | --- |",
            f"| check with estimates at the default samples <= {CHECK_SECONDS:g} s"
            f" | {c.example:.2f} s | {_met(ok_ex and c.example <= CHECK_SECONDS)} |",
        ]
        if c.scale_bookings:
            label = f"{c.scale_bookings:,} booked plans"
            if c.scale_bookings != SCALE_AT:
                label += f" (quick run: the target is at {SCALE_AT:,})"
            out.append(
                f"| check with estimates at {label} <= {SCALE_SECONDS:g} s"
                f" | {c.scale_check:.2f} s ({c.scale_cold:.2f} s cold) |"
                f" {_met(max(c.scale_check, c.scale_cold) <= SCALE_SECONDS)} |"
            )
        out.append("")
    return out + [command]


def main(argv: list[str] | None = None) -> int:
    """Print the section."""
    p = argparse.ArgumentParser(prog="python -m bench.confidence", description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--part", default="agreement,convergence,time")
    args = p.parse_args(argv)
    parts = [x.strip() for x in args.part.split(",") if x.strip()]
    r = run(args.quick, parts=parts)
    print("\n".join(section(r, "python -m bench.confidence")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
