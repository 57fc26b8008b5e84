"""`pipeline --jobs`: the deals alone checked by one process and by several, on the scale model.

The model is the scale section's (``bench/scale.py``) with its bookings holding their plans;
the pipeline is ``DEALS`` generated deals of 1-3 lines. The deals alone are checked through
the engine's public API (``check_alone``, what `pipeline` runs) in this process and by one
forked worker per core, against the same plan, in ``BLOCKS`` blocks taken in turn; both
result lists must be equal. Then
the whole `pipeline` command (alone and if all close) runs on the first ``COMMAND_DEALS``
deals as a fresh process with ``--jobs 1`` and with one job per core, and its two outputs
must be byte for byte the same.
"""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.scale import AS_OF, booking_data, cli, generate
from feasibility.engine.commitments import build_plan
from feasibility.engine.pipeline import check_alone, heuristic_only
from feasibility.engine.result import DealResult
from feasibility.forked import default_jobs
from feasibility.models.deal import Deal
from feasibility.workspace import load_workspace

BOOKINGS = 5000
DEALS = 1000
BLOCKS = 4
"""The deals alone are timed block by block, one process and every core in turn (the order
alternating), so that a busy spell of the shared machine hits both alike."""
COMMAND_DEALS = 100
"""Deals of the pipeline the whole command runs on (if all close is sequential and long)."""
TARGET = 0.6
"""The deals alone with every core, at most this share of one process's time."""


@dataclass(frozen=True)
class PipelineRun:
    """What one run measured (wall seconds)."""

    bookings: int
    deals: int
    command_deals: int
    jobs: int
    alone_one: float
    alone_jobs: float
    alone_equal: bool
    command_one: float
    command_jobs: float
    output_equal: bool

    @property
    def ratio(self) -> float:
        """The deals alone with ``jobs`` processes over one process."""
        return self.alone_jobs / self.alone_one


def deals(n: int) -> list[dict[str, object]]:
    """``n`` pipeline deals: the scale section's bookings of another seed, not booked."""
    out: list[dict[str, object]] = []
    for k, b in enumerate(booking_data(n, seed=23)):
        out.append({"id": f"PL-{k:05d}", "customer": b["customer"], "lines": b["lines"]})
    return out


def _csv(path: Path, data: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "customer", "offering", "quantity", "due"])
        for d in data:
            for ln in d["lines"]:  # type: ignore[attr-defined]
                w.writerow([d["id"], d["customer"], ln["offering"], ln["quantity"], ln["due"]])


def _command(csv_path: Path, capacity: Path, jobs: int, cache: Path) -> tuple[float, bytes]:
    args = [cli(), "pipeline", str(csv_path), "--capacity", str(capacity)]
    args += ["--as-of", AS_OF.isoformat(), "--format", "csv", "--jobs", str(jobs)]
    env = {**os.environ, "NO_COLOR": "1", "FEASIBILITY_CACHE_DIR": str(cache)}
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1, 3):
        raise RuntimeError(done.stderr.decode(errors="replace"))
    return seconds, done.stdout


def run(
    bookings: int = BOOKINGS, n: int = DEALS, progress: Callable[[str], None] | None = None
) -> PipelineRun:
    """Generate the model of ``bookings`` and a pipeline of ``n`` deals, and time the deals
    alone and the command."""
    log = progress or (lambda _: None)
    jobs = default_jobs()
    with tempfile.TemporaryDirectory(prefix="feasibility-bench-pipeline-") as tmp:
        folder = Path(tmp)
        w = generate(folder / "model", bookings)
        data = deals(n)
        _csv(folder / "pipeline.csv", data[:COMMAND_DEALS])
        log(f"pipeline: model of {bookings} bookings and {n} deals generated")
        workspace = load_workspace(w.capacity)
        model = heuristic_only(workspace.capacity.model)
        plan = build_plan(model, workspace.booked_deals, AS_OF)
        pipeline = [Deal.model_validate(d) for d in data]
        one: list[DealResult] = []
        many: list[DealResult] = []
        seconds = {1: 0.0, jobs: 0.0}
        size = -(-len(pipeline) // BLOCKS)
        for b in range(BLOCKS):
            block = pipeline[b * size : (b + 1) * size]
            for j in (1, jobs) if b % 2 == 0 else (jobs, 1):
                t0 = time.perf_counter()
                (one if j == 1 else many).extend(check_alone(plan, block, j))
                seconds[j] += time.perf_counter() - t0
            log(
                f"pipeline: alone, block {b + 1} of {BLOCKS}: 1 process {seconds[1]:.1f} s,"
                f" {jobs} processes {seconds[jobs]:.1f} s so far"
            )
        cache = folder / "cache"
        command_one, out_one = _command(folder / "pipeline.csv", w.capacity, 1, cache)
        log(f"pipeline: command --jobs 1 {command_one:.1f} s")
        command_jobs, out_jobs = _command(folder / "pipeline.csv", w.capacity, jobs, cache)
        log(f"pipeline: command --jobs {jobs} {command_jobs:.1f} s")
    return PipelineRun(
        bookings,
        n,
        min(COMMAND_DEALS, n),
        jobs,
        seconds[1],
        seconds[jobs],
        one == many,
        command_one,
        command_jobs,
        out_one == out_jobs,
    )
