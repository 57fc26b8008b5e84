"""Search over task orders: several priority rules, then biased random sampling.

Every candidate is decoded by the serial scheduler (so every candidate obeys SPEC's
rules); the best by lateness, then by delivery dates, wins. The number of candidates is
``policy.search_schedules`` and the random stream is seeded, so a check is deterministic.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Sequence

from feasibility.engine.scheduler import Outcome, place_job
from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job

Key = Callable[[int], tuple[float, ...]]
SEED = 20261122


def used_resources(job: Job) -> set[str]:
    """Ids of every resource a task of ``job`` takes capacity from."""
    out: set[str] = set()
    for t in job.tasks:
        if t.step.resource is not None and t.step.effort is not None:
            out.add(t.step.resource)
        out.update((t.step.uses or {}).keys())
    return out


def used_materials(job: Job) -> set[str]:
    """Ids of every material a unit of ``job`` takes."""
    return {m for g in job.groups for m in g.needs}


def objective(out: Outcome, due: Sequence[int | None]) -> tuple[int, int, int, int]:
    """Smaller is better: lines not delivered, total and worst lateness, sum of dates."""
    missing = sum(d is None for d in out.delivered)
    days = [d for d in out.delivered if d is not None]
    pairs = zip(out.delivered, due, strict=True)
    late = [max(0, d - u) for d, u in pairs if d is not None and u is not None]
    return (missing, sum(late), max(late, default=0), sum(days))


def serial_order(job: Job, key: Key) -> list[int]:
    """A precedence-respecting order: always the eligible task with the smallest key."""
    succs: list[list[int]] = [[] for _ in job.tasks]
    missing = [len(t.preds) for t in job.tasks]
    for t in job.tasks:
        for p in t.preds:
            succs[p].append(t.index)
    heap = [(key(t.index), t.index) for t in job.tasks if not t.preds]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, i = heapq.heappop(heap)
        order.append(i)
        for s in succs[i]:
            missing[s] -= 1
            if missing[s] == 0:
                heapq.heappush(heap, (key(s), s))
    return order


def tails(job: Job, state: CapacityState) -> list[float]:
    """Length of the longest chain from each task to the end of its line, in days
    (effort steps estimated at the resource's best daily rate)."""
    best: dict[str, float] = {r: max(f, default=0.0) for r, f in state.free.items()}
    succs: list[list[int]] = [[] for _ in job.tasks]
    for t in job.tasks:
        for p in t.preds:
            succs[p].append(t.index)
    out = [0.0] * len(job.tasks)
    for i in reversed(serial_order(job, lambda k: (float(k),))):
        step = job.tasks[i].step
        if step.resource is not None and step.effort is not None:
            rate = min(step.max_per_day or math.inf, best.get(step.resource, 0.0) or 1.0)
            length = math.ceil(step.effort / rate) if rate != math.inf else 1.0
        else:
            length = float(step.days or 1)
        out[i] = length + max((out[s] for s in succs[i]), default=0.0)
    return out


def search(
    job: Job,
    state: CapacityState,
    release: Sequence[int],
    due: Sequence[int | None],
    budget: int,
    enough: Callable[[Outcome], bool] = lambda _: False,
) -> Outcome:
    """The best of up to ``budget`` candidate schedules; ``state`` takes the winner's load.

    Stops early when ``enough`` says a candidate cannot be improved.
    """
    resources, materials = used_resources(job), used_materials(job)
    tail = tails(job, state)
    ranked = sorted(range(len(due)), key=lambda i: (due[i] is None, due[i] or 0, i))
    rank = {line: r for r, line in enumerate(ranked)}
    lines = [rank[t.line] for t in job.tasks]
    units = [float(t.unit or 0) for t in job.tasks]
    rules: list[Key] = [
        lambda i: (lines[i], -tail[i], i),
        lambda i: (lines[i], units[i], -tail[i], i),
        lambda i: (-tail[i], lines[i], i),
    ]
    rng = random.Random(SEED)
    best: tuple[tuple[int, int, int, int], Outcome, CapacityState] | None = None
    for n in range(budget):
        if n < len(rules):
            key = rules[n]
        else:
            noise = [rng.uniform(0.6, 1.4) for _ in job.tasks]
            key = _noisy(lines, tail, noise, rng.random() < 0.5)
        fork = state.fork(resources, materials)
        out = place_job(job, fork, serial_order(job, key), release)
        score = objective(out, due)
        if best is None or score < best[0]:
            best = (score, out, fork)
        if enough(out):
            break
    assert best is not None
    state.adopt(best[2], resources, materials)
    return best[1]


def _noisy(lines: list[int], tail: list[float], noise: list[float], by_line: bool) -> Key:
    if by_line:
        return lambda i: (lines[i], -tail[i] * noise[i], i)
    return lambda i: (-tail[i] * noise[i], i)
