"""Search over task orders: priority rules, biased sampling, then a genetic algorithm.

Every candidate is an order of the tasks that respects precedence, decoded by the serial
scheduler (``scheduler.decode``), so every candidate obeys SPEC's rules; the best by
lateness, then by delivery dates, wins. The search:

1. decodes five priority rules (due line then longest tail, latest finish, latest start,
   unit by unit, most successors);
2. samples orders with regret-based biased random sampling on the latest finish (and,
   every other one, on the reversed network, decoded backward from the best dates);
3. evolves the population with Hartmann's two-point crossover of activity lists and a
   swap mutation, until the best stalls for ``STALL`` generations, then samples anew.

Every candidate is improved by forward-backward improvement (``improve``): a
right-justified pass only proposes a new order, which is decoded forward again with
every SPEC rule and kept only when it is better.

The search stops early when the caller's ``enough`` accepts the best, or when
``bound.cannot_meet`` proves that no line can be delivered any earlier. Otherwise it
decodes ``schedules(policy.search_schedules, tasks)`` schedules (every forward and every
backward pass counts one). The random stream is seeded, so a check is deterministic and
does not depend on the machine's speed.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from feasibility.engine.bound import cannot_meet, never_delivered
from feasibility.engine.improve import justify, reverse
from feasibility.engine.scheduler import (
    Compiled,
    Outcome,
    compile_job,
    decode,
    delivered,
    place_compiled,
    short_days,
)
from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job
from feasibility.engine.timeline import Stock

Key = Callable[[int], tuple[float, ...]]
Score = tuple[int, int, int, int, int, int]
"""Lines not delivered, lines late, total lateness in days, the last line's day, the sum
of the lines' days, the lines' days weighted by due order (``due_weights``)."""
SEED = 20261122

POPULATION = 24
"""Individuals kept by the genetic algorithm."""
MUTATION = 0.05
"""Chance of swapping each task with the next one in a child's order."""
STALL = 10
"""Generations without a better best after which the population is sampled anew."""
REFERENCE_TASKS = 30
"""A job of more tasks than this gets proportionally fewer schedules (see ``schedules``)."""
LARGE_TASKS = 2000
"""A job of more tasks than this gets at most ``PRIORITY_RULES`` schedules."""
PRIORITY_RULES = 5
"""Priority rules the search decodes before sampling."""


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


def objective(out: Outcome, due: Sequence[int | None]) -> Score:
    """Smaller is better: lines not delivered, lines late, total lateness, then the whole
    deal's delivery day, then the sum of the lines' days (SPEC, "Exact dates": meet every
    due date that can be met, then deliver everything as early as possible), then the
    lines' days weighted by due order (``due_weights``: lines due sooner, sooner)."""
    return _score(out.delivered, due, due_weights(due))


def due_weights(due: Sequence[int | None]) -> list[int]:
    """Each line's weight in the last term of the objective: the line due first weighs as
    many as there are lines, the next one less, down to 1; lines with no due date come
    last, and lines due the same day in deal order. Among schedules equal in every other
    term (the same sum of days), it delivers the lines due sooner first."""
    rank = sorted(range(len(due)), key=lambda n: (due[n] is None, due[n] or 0, n))
    weights = [0] * len(due)
    for k, n in enumerate(rank):
        weights[n] = len(due) - k
    return weights


def _score(lines: Sequence[int | None], due: Sequence[int | None], weights: list[int]) -> Score:
    missing = late = total = last = dates = ordered = 0
    for d, u, w in zip(lines, due, weights, strict=True):
        if d is None:
            missing += 1
            continue
        dates += d
        ordered += w * d
        last = max(last, d)
        if u is not None and d > u:
            late += 1
            total += d - u
    return (missing, late, total, last, dates, ordered)


def serial_order(job: Job, key: Key, succs: Sequence[Sequence[int]] | None = None) -> list[int]:
    """A precedence-respecting order: always the eligible task with the smallest key.

    ``succs``: each task's successors in task order (``Compiled.succs``), when known."""
    missing = [len(task.preds) for task in job.tasks]
    if succs is None:
        found: list[list[int]] = [[] for _ in job.tasks]
        for task in job.tasks:
            for p in task.preds:
                found[p].append(task.index)
        succs = found
    heap = [(key(task.index), task.index) for task in job.tasks if not task.preds]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, t = heapq.heappop(heap)
        order.append(t)
        for s in succs[t]:
            missing[s] -= 1
            if missing[s] == 0:
                heapq.heappush(heap, (key(s), s))
    return order


def tails(job: Job, state: CapacityState, best: Mapping[str, float] | None = None) -> list[float]:
    """Length of the longest chain from each task to the end of its line, in days
    (effort steps estimated at the resource's best daily rate: ``best`` when given, the
    most free capacity of the resource on a day, ``max(state.free[r])``)."""
    if best is None:
        best = _best_rates(job, state)
    succs: list[list[int]] = [[] for _ in job.tasks]
    for task in job.tasks:
        for p in task.preds:
            succs[p].append(task.index)
    return _tails(job, best, succs)


def _best_rates(job: Job, state: CapacityState) -> dict[str, float]:
    """The most free capacity on a day of each resource a task of ``job`` names."""
    effort = {t.step.resource for t in job.tasks if t.step.resource is not None}
    return {r: max(state.free[r], default=0.0) for r in effort}


def _tails(job: Job, best: Mapping[str, float], succs: Sequence[Sequence[int]]) -> list[float]:
    """``tails`` with the best rates and each task's successors given."""
    out = [0.0] * len(job.tasks)
    for t in reversed(index_order(job)):
        longest = 0.0
        for s in succs[t]:
            if out[s] > longest:
                longest = out[s]
        out[t] = _length(job, t, best) + longest
    return out


def index_order(job: Job) -> Sequence[int]:
    """``serial_order`` by task index: simply 0, 1, 2, ... when every task comes after
    its predecessors in the job (as ``add_line`` builds jobs)."""
    for i, task in enumerate(job.tasks):
        if task.index != i or (task.preds and max(task.preds) >= i):
            return serial_order(job, lambda i: (float(i),))
    return range(len(job.tasks))


def _length(job: Job, t: int, best: Mapping[str, float]) -> float:
    """A task's duration in days (effort at the resource's best daily rate)."""
    step = job.tasks[t].step
    if step.resource is not None and step.effort is not None:
        rate = min(step.max_per_day or math.inf, best.get(step.resource, 0.0) or 1.0)
        return math.ceil(step.effort / rate) if rate != math.inf else 1.0
    return float(step.days or 1)


@dataclass
class Candidate:
    """A decoded order: its score, tie-break and each task's first and last day."""

    order: list[int]
    score: Score
    spread: int
    """Tie-break among equal scores: sum of every task's last day (denser is better)."""
    start: list[int]
    finish: list[int]

    @property
    def rank(self) -> tuple[Score, int]:
        """Sort key: smaller is better."""
        return (self.score, self.spread)


class BudgetSpentError(Exception):
    """Raised when the search has decoded its last allowed schedule."""


class Evaluator:
    """Decodes orders on scratch copies of the free capacity, counting each decode."""

    def __init__(
        self,
        c: Compiled,
        state: CapacityState,
        release: Sequence[int],
        due: Sequence[int | None],
        materials: set[str],
        budget: int,
    ) -> None:
        self.c = c
        self.state = state
        self.release = release
        self.due = due
        self.weights = due_weights(due)
        self.materials = sorted(materials)
        self.base = {r: state.free[r] for r in c.resources}
        self.short = short_days(c, self.base)
        self.left = budget

    def spend(self) -> None:
        """Count one decoded schedule; raise ``BudgetSpentError`` when none is left."""
        if self.left <= 0:
            raise BudgetSpentError
        self.left -= 1

    def scratch(self) -> tuple[dict[str, list[float]], dict[str, Stock]]:
        """Fresh copies of the free capacity and the stocks the job uses."""
        free = {r: f[:] for r, f in self.base.items()}
        stocks = self.state.stocks
        if self.materials:
            stocks = dict(stocks)
            for m in self.materials:
                stocks[m] = stocks[m].copy()
        return free, stocks

    def forward(self, order: list[int]) -> Candidate:
        """Decode ``order`` forward (one schedule of the budget)."""
        self.spend()
        free, stocks = self.scratch()
        d = decode(self.c, free, stocks, order, self.release, short=self.short)
        lines = delivered(self.c, d.finish)
        spread = sum(d.finish)
        return Candidate(order, _score(lines, self.due, self.weights), spread, d.start, d.finish)


def search(
    job: Job,
    state: CapacityState,
    release: Sequence[int],
    due: Sequence[int | None],
    budget: int,
    enough: Callable[[list[int | None]], bool] | None = None,
    *,
    in_place: bool = False,
    compiled: Compiled | None = None,
    best: Mapping[str, float] | None = None,
) -> Outcome:
    """The best of up to ``budget`` candidate schedules; ``state`` takes the winner's load.

    Stops early when ``enough`` says a candidate cannot be improved (it is asked about
    each new best candidate's delivery day index per line). The winner is placed on
    copies of the free-capacity lists and stocks it changes, which then replace
    ``state``'s; with ``in_place``, on ``state``'s own (the same values, for a caller
    whose lists and stocks nothing else refers to). ``compiled``: ``compile_job(job, state)``, and
    ``best``: the most free capacity of each resource on a day (see ``tails``), when the
    caller has them.
    """
    c = compile_job(job, state) if compiled is None else compiled
    tail = _tails(job, _best_rates(job, state) if best is None else best, c.succs)
    budget = schedules(budget, len(job.tasks))
    if budget <= 1:
        order = _first_order(c, due, tail)
    else:
        ev = Evaluator(c, state, release, due, used_materials(job), budget)
        run = _Run(c, ev, release, due, enough)
        with contextlib.suppress(BudgetSpentError):
            run.go(tail)
        assert run.best is not None
        order = run.best.order
    if in_place:
        return place_compiled(c, state, order, release)
    resources, materials = used_resources(job), used_materials(job)
    fork = state.fork(resources, materials)
    out = place_compiled(c, fork, order, release)
    state.adopt(fork, resources, materials)
    return out


def schedules(budget: int, tasks: int) -> int:
    """Schedules the search decodes for a budget of ``budget`` and a job of ``tasks``.

    Up to ``REFERENCE_TASKS`` tasks, the budget itself; beyond, proportionally fewer (but
    at least 20, or the budget if smaller), so that a check's work, and so its time,
    stays bounded however large the deal: the work is about ``budget`` x 30 task
    placements. Beyond ``LARGE_TASKS``, at most the priority rules: a sampled order costs
    about tasks x units to draw there.
    """
    if tasks <= REFERENCE_TASKS:
        return budget
    if tasks > LARGE_TASKS:
        return min(budget, PRIORITY_RULES)
    return max(min(budget, 20), budget * REFERENCE_TASKS // tasks)


def first_order(c: Compiled, due: Sequence[int | None], best: Mapping[str, float]) -> list[int]:
    """The order a search of one schedule places: the first priority rule, on the tails
    for the best daily rates ``best`` (see ``tails``)."""
    return _first_order(c, due, _tails(c.job, best, c.succs))


def _first_order(c: Compiled, due: Sequence[int | None], tail: list[float]) -> list[int]:
    return serial_order(c.job, _first_rule(c, due, tail), c.succs)


def _line_ranks(c: Compiled, due: Sequence[int | None]) -> list[int]:
    """Each task's line's rank by due date (no due date last)."""
    ranked = sorted(range(len(due)), key=lambda i: (due[i] is None, due[i] or 0, i))
    rank = {line: r for r, line in enumerate(ranked)}
    return [rank[ln] for ln in c.line]


def _first_rule(c: Compiled, due: Sequence[int | None], tail: list[float]) -> Key:
    """The first priority rule: earliest due line first, then the longest tail."""
    lines = _line_ranks(c, due)
    return lambda i: (lines[i], -tail[i], i)


class DoneError(Exception):
    """Raised when ``enough`` accepts the best candidate."""


class _Run:
    """One search: the rules, the sampling and the genetic algorithm, sharing a best."""

    def __init__(
        self,
        c: Compiled,
        ev: Evaluator,
        release: Sequence[int],
        due: Sequence[int | None],
        enough: Callable[[list[int | None]], bool] | None,
    ) -> None:
        self.c, self.ev = c, ev
        self.release, self.due = release, due
        self.enough = enough
        self.best: Candidate | None = None
        self.rng = random.Random(SEED)
        self._never: dict[int, bool] = {}
        """Lines proven not deliverable within the horizon, asked once each."""

    def offer(self, cand: Candidate) -> None:
        """Keep ``cand`` when it beats the best; stop (``DoneError``) when ``enough`` accepts
        it or when no line can be delivered any earlier."""
        if self.best is not None and cand.score >= self.best.score:
            return
        self.best = cand
        if self.enough is not None and self.enough(delivered(self.c, cand.finish)):
            raise DoneError
        if self._optimal(cand):
            raise DoneError

    def _optimal(self, cand: Candidate) -> bool:
        """True when no line can be delivered earlier than in ``cand`` (``bound``), and
        each line it leaves out is proven not deliverable within the horizon at all (every
        candidate leaves it out: the objective counts only that)."""
        lines = delivered(self.c, cand.finish)
        for ln, d in enumerate(lines):
            if d is None:
                if not self._undeliverable(ln):
                    return False
            elif not cannot_meet(self.c, self.ev.base, self.release[ln], ln, d - 1):
                return False
        return True

    def _undeliverable(self, ln: int) -> bool:
        if ln not in self._never:
            self._never[ln] = never_delivered(self.c, self.ev.base, self.release[ln], ln)
        return self._never[ln]

    def improve(self, cand: Candidate) -> Candidate:
        """Offer ``cand``, then justify it (forward-backward) while that helps."""
        self.offer(cand)
        while True:
            better = justify(self.c, self.ev, cand)
            if better is None:
                return cand
            self.offer(better)
            if better.rank >= cand.rank:
                return cand
            cand = better

    def go(self, tail: list[float]) -> None:
        """Spend the budget: rules, then rounds of sampling and generations."""
        try:
            self._go(tail)
        except DoneError:
            return

    def _go(self, tail: list[float]) -> None:
        c = self.c
        n = len(c.kind)
        lines = _line_ranks(c, self.due)
        units = [float(t.unit or 0) for t in c.job.tasks]
        lst = self._latest_starts(tail)
        lft = [lst[i] + self._duration(i) for i in range(n)]
        heads = self._heads()
        total_succ = self._successor_counts()
        rules: list[Key] = [
            _first_rule(c, self.due, tail),
            lambda i: (lft[i], i),
            lambda i: (lst[i], i),
            lambda i: (lines[i], units[i], -tail[i], i),
            lambda i: (-total_succ[i], lst[i], i),
        ]
        population: list[Candidate] = []
        seen: set[tuple[int, ...]] = set()
        for key in rules:
            order = serial_order(c.job, key, c.succs)
            if tuple(order) not in seen:
                seen.add(tuple(order))
                population.append(self.improve(self.ev.forward(order)))
        preds = [set(p) for p in c.preds]
        while True:
            population = self._fill(population, lft, heads, seen)
            if len(population) < 2:
                return
            self._evolve(population, preds)
            assert self.best is not None
            population = [self.best]

    def _fill(
        self,
        population: list[Candidate],
        lft: list[float],
        heads: list[float],
        seen: set[tuple[int, ...]],
    ) -> list[Candidate]:
        """Top the population up with biased samples, each justified: every other one
        sampled on the reversed network and decoded backward from the best's dates."""
        tries = 0
        while len(population) < POPULATION and tries < 4 * POPULATION:
            tries += 1
            backward = self.best is not None and tries % 2 == 0
            if backward:
                order = self._sample(heads, self.c.preds, self.c.succs)
            else:
                order = self._sample(lft, self.c.succs, self.c.preds)
            if tuple(order) in seen:
                continue
            seen.add(tuple(order))
            if backward:
                assert self.best is not None
                ends = [e or 0 for e in delivered(self.c, self.best.finish)]
                cand = reverse(self.c, self.ev, order, ends)
                if cand is None:
                    continue
            else:
                cand = self.ev.forward(order)
            population.append(self.improve(cand))
        return _select(population, POPULATION)

    def _evolve(self, population: list[Candidate], preds: list[set[int]]) -> None:
        """Generations of crossover and mutation until the best stalls for a while."""
        stall = 0
        while stall < STALL:
            before = self.best
            children: list[Candidate] = []
            parents = population[:]
            self.rng.shuffle(parents)
            for a, b in zip(parents[::2], parents[1::2], strict=False):
                for mother, father in ((a, b), (b, a)):
                    order = self._cross(mother.order, father.order)
                    self._mutate(order, preds)
                    children.append(self.improve(self.ev.forward(order)))
            population[:] = _select(population + children, POPULATION)
            stall = 0 if self.best is not before else stall + 1

    def _duration(self, t: int) -> float:
        """A task's duration for priorities, in days (effort counts 1)."""
        return float(self.c.days[t] or 1)

    def _heads(self) -> list[float]:
        """Minus each task's earliest start (small: must come late in a backward pass)."""
        c = self.c
        head = [float(self.release[ln]) for ln in c.line]
        for t in index_order(c.job):
            for s in c.succs[t]:
                head[s] = max(head[s], head[t] + self._duration(t))
        return [-h for h in head]

    def _latest_starts(self, tail: list[float]) -> list[float]:
        """Latest start of each task from its line's due date (or critical path)."""
        c = self.c
        anchor: list[float] = []
        for ln, tasks in enumerate(c.job.line_tasks):
            d = self.due[ln]
            if d is not None:
                anchor.append(float(d))
            else:
                anchor.append(self.release[ln] + max((tail[t] for t in tasks), default=0.0))
        return [anchor[c.line[t]] - tail[t] + 1 for t in range(len(c.kind))]

    def _successor_counts(self) -> list[int]:
        """Number of tasks that (transitively) follow each task (direct ones for large
        jobs)."""
        c = self.c
        n = len(c.kind)
        if n > 400:
            return [len(s) for s in c.succs]
        reach: list[set[int]] = [set() for _ in range(n)]
        for t in reversed(index_order(c.job)):
            for s in c.succs[t]:
                reach[t].add(s)
                reach[t] |= reach[s]
        return [len(r) for r in reach]

    def _sample(
        self, prio: list[float], succs: Sequence[Sequence[int]], preds: Sequence[Sequence[int]]
    ) -> list[int]:
        """Regret-based biased random sampling: urgent tasks (small ``prio``) more likely.

        With ``succs`` and ``preds`` swapped, an order of the reversed network."""
        rng = self.rng
        missing = [len(p) for p in preds]
        eligible = [t for t in range(len(missing)) if missing[t] == 0]
        order: list[int] = []
        while eligible:
            pick = 0
            if len(eligible) > 1:
                top = max(prio[t] for t in eligible)
                weights = [top - prio[t] + 1.0 for t in eligible]
                x = rng.random() * sum(weights)
                for k, w in enumerate(weights):
                    pick = k
                    x -= w
                    if x < 0:
                        break
            t = eligible[pick]
            eligible[pick] = eligible[-1]
            eligible.pop()
            order.append(t)
            for s in succs[t]:
                missing[s] -= 1
                if missing[s] == 0:
                    eligible.append(s)
        return order

    def _cross(self, mother: list[int], father: list[int]) -> list[int]:
        """Two-point crossover of activity lists (Hartmann): precedence stays respected."""
        n = len(mother)
        q1 = self.rng.randrange(n + 1)
        q2 = self.rng.randrange(n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        child = mother[:q1]
        taken = set(child)
        for t in father:
            if len(child) >= q2:
                break
            if t not in taken:
                child.append(t)
                taken.add(t)
        child.extend(t for t in mother if t not in taken)
        return child

    def _mutate(self, order: list[int], preds: list[set[int]]) -> None:
        """Swap neighbours with a small chance when neither must precede the other."""
        rng = self.rng
        for i in range(len(order) - 1):
            if rng.random() < MUTATION and order[i] not in preds[order[i + 1]]:
                order[i], order[i + 1] = order[i + 1], order[i]


def _select(population: list[Candidate], size: int) -> list[Candidate]:
    """The best ``size`` distinct schedules."""
    out: list[Candidate] = []
    seen: set[tuple[int, ...]] = set()
    for cand in sorted(population, key=lambda x: x.rank):
        key = tuple(cand.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(cand)
        if len(out) >= size:
            break
    return out
