"""The exact stage: a deal's own scheduling problem as a CP-SAT model (OR-Tools).

The heuristic (``search``) gives the first answer; when some line is later than its lower
bound, this stage models the same problem exactly and asks CP-SAT for a better schedule,
or for the proof that none exists. Every rule of SPEC's "Time, exactly" is modelled on the
day grid, against the capacity reservations and booked plans leave (``CapacityState``):

- fixed work and waits: one boolean per possible first position on the task's working
  days (time-indexed), so a start holds ``uses`` on the ``days`` consecutive working days
  that follow; positions where some day lacks the capacity are never created;
- effort work: an integer amount per working day of the resource, at most ``max_per_day``
  and what is free; any split is allowed, so parallel steps share a day; the task starts
  on its first day with an amount and ends on its last;
- precedence (a day after every predecessor's last day), each line's release (notice and
  the deal's start), per-unit and per-line steps as the job expands them;
- materials: a unit's take happens on the first day of its first step, and on every day
  up to the replenishment date the takes so far stay within the projected stock.

Amounts are scaled to integers per resource and per material (the smallest factor that
makes the step amounts whole); free capacity and stock are rounded down, and a rounding
that loses anything forfeits the proof, never the validity of the schedule.

The objective is SPEC's ("Exact dates"): least total lateness, then the earliest full
delivery, then the smallest sum of the lines' days, as one weighted sum. The search is
bounded in CP-SAT's deterministic work units, with one worker and a fixed seed, so the
same files and check date give the same answer on any machine. OR-Tools is imported here
only, and this module only when a deal needs it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from feasibility.engine.lean_cpsat import cp_model
from feasibility.engine.scheduler import (
    EFFORT,
    FIXED,
    Compiled,
    MaterialWait,
    Outcome,
    Placement,
    work_days,
)
from feasibility.engine.search import due_weights
from feasibility.engine.state import CapacityState
from feasibility.engine.timeline import EPS, Stock

SEED = 20261202
"""CP-SAT's random seed (with one worker, the search is then deterministic)."""
MAX_CELLS = 60_000
"""Decision variables beyond which the exact stage is not tried (the heuristic's answer
stands, unproven): building a larger model costs more than a check may take."""
TUNING: dict[str, Any] = {"search_branching": cp_model.PORTFOLIO_WITH_QUICK_RESTART_SEARCH}
"""CP-SAT parameters beyond the defaults: with one worker and a hint, the default search
can stay stuck near the hint (seen on a two-line deal whose better schedule it found at
once from another seed); quick restarts make it robust to that."""
SCALES = (1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 100, 200, 1000)
"""Factors tried, smallest first, to make a resource's or a material's amounts whole."""


@dataclass(frozen=True)
class Exact:
    """What the exact stage found."""

    outcome: Outcome | None
    """Its schedule (None: it found none, or was not run)."""
    optimal: bool
    """True when no schedule is better (SPEC's objective): the dates are proven."""


NOT_RUN = Exact(None, optimal=False)


def _scale(values: Sequence[float]) -> int | None:
    """The smallest factor of ``SCALES`` that makes every value whole (None: none does)."""
    for k in SCALES:
        if all(abs(v * k - round(v * k)) < 1e-6 for v in values):
            return k
    return None


def _floor(x: float, k: int) -> tuple[int, bool]:
    """``x`` scaled by ``k`` and rounded down, and whether that was exact."""
    v = x * k
    r = round(v)
    if abs(v - r) < 1e-6:
        return r, True
    return math.floor(v), False


@dataclass
class _Task:
    """One task's variables: start and finish expressions, the decision variables."""

    start: Any
    finish: Any
    positions: dict[int, Any]
    """Fixed work and waits: first position on the task's working days -> boolean."""
    amounts: dict[int, Any]
    """Effort: day index -> scaled amount."""
    position: Any = None
    """Fixed work on its resources' own calendar: its first position there (an integer
    variable; ``positions`` is then empty)."""


class _Builder:
    """Builds the model of a compiled job on a state, within days 0..window."""

    def __init__(
        self,
        c: Compiled,
        state: CapacityState,
        release: Sequence[int],
        due: Sequence[int | None],
        lower: Outcome,
        window: int,
    ) -> None:
        self.c, self.state, self.release, self.due = c, state, release, due
        self.window = window
        self.model = cp_model.CpModel()
        self.exact = True
        """False once rounding capacity or stock lost something (no proof then)."""
        self.cells = 0
        self.es = [lower.placements[t].start for t in range(len(c.kind))]
        self.lf = self._latest_finishes()
        self.scale = self._resource_scales()
        self.free: dict[str, dict[int, int]] = {}
        self.usage: dict[str, dict[int, list[tuple[Any, int, int]]]] = {}
        """Per resource and day: (variable, coefficient, most it can contribute)."""
        self.tasks: list[_Task] = []
        self.own = self._own_calendar_resources() if self.scale is not None else set()
        self.held: dict[str, list[tuple[int, int, int, Any]]] = {}
        """Own-calendar resource -> (first, last position, days, position variable) of the
        fixed work it holds."""
        self.demands: dict[str, list[tuple[int, int]]] = {}
        """Own-calendar resource -> (task, scaled units) in the order of ``held``."""
        self.units: dict[int, list[int]] = {}
        """Per line with several units: its first per-unit step's task of each unit."""

    def _resource_scales(self) -> dict[str, int] | None:
        amounts: dict[str, list[float]] = {}
        for t, kind in enumerate(self.c.kind):
            if kind == EFFORT:
                r, effort = self.c.uses[t][0]
                cap = self.c.cap[t]
                amounts.setdefault(r, []).extend([effort] + ([cap] if cap != math.inf else []))
            elif kind == FIXED:
                for r, u in self.c.uses[t]:
                    amounts.setdefault(r, []).append(u)
        out: dict[str, int] = {}
        for r, values in amounts.items():
            k = _scale(values)
            if k is None:
                return None
            out[r] = k
        return out

    def _latest_finishes(self) -> list[int]:
        """Each task's latest last day for the job to end by the window, from its
        successors' latest starts at their shortest durations."""
        c = self.c
        n = len(c.kind)
        lf = [self.window] * n
        for t in range(n - 1, -1, -1):
            for s in c.succs[t]:
                lf[t] = min(lf[t], self._latest_start(s, lf[s]) - 1)
        return lf

    def _latest_start(self, t: int, finish: int) -> int:
        """The latest first day of task ``t`` that can still end by ``finish``."""
        c = self.c
        cal = c.calendar[t]
        if finish < 0:
            return -1
        last = cal.prev[min(finish, c.ndays - 1)]
        if c.kind[t] == EFFORT:
            r, effort = c.uses[t][0]
            best = max(self.state.free[r][: finish + 1], default=0.0)
            rate = min(c.cap[t], best)
            if rate <= EPS:
                return -1
            span = max(1, math.ceil(effort / rate - 1e-9))
        else:
            span = c.days[t]
        first = last - span + 1
        return cal.days[first] if first >= 0 else -1

    def _free(self, r: str, day: int) -> int:
        cache = self.free.setdefault(r, {})
        if day not in cache:
            assert self.scale is not None
            value, exact = _floor(max(self.state.free[r][day], 0.0) + EPS, self.scale[r])
            if not exact and self.state.free[r][day] > EPS:
                self.exact = False
            cache[day] = value
        return cache[day]

    def build(self) -> bool:
        """Add every variable and constraint; False when the window cannot hold the job
        (then no schedule ends within it) or the model would be too large."""
        if self.scale is None:
            return False
        for t in range(len(self.c.kind)):
            if self.lf[t] < self.es[t]:
                return False
            task = self._effort(t) if self.c.kind[t] == EFFORT else self._positioned(t)
            if task is None:
                return False
            self.tasks.append(task)
            if self.cells > MAX_CELLS:
                return False
        m = self.model
        for t, task in enumerate(self.tasks):
            for p in self.c.preds[t]:
                m.add(task.start >= self.tasks[p].finish + 1)
        for r, days in self.usage.items():
            for day, terms in days.items():
                limit = self._free(r, day)
                if sum(most for _, _, most in terms) > limit:
                    expr = cp_model.LinearExpr.weighted_sum(
                        [v for v, _, _ in terms], [w for _, w, _ in terms]
                    )
                    m.add(expr <= limit)
        self._cumulatives()
        self._symmetry()
        return self._materials()

    def _own_calendar_resources(self) -> set[str]:
        """Resources used only by fixed work that runs on the resource's own working days:
        their capacity is modelled by a cumulative over positions on that calendar."""
        c = self.c
        users: dict[str, list[int]] = {}
        for t in range(len(c.kind)):
            for r, _ in c.uses[t]:
                users.setdefault(r, []).append(t)
        found: set[str] = set()
        for r, tasks in users.items():
            own = work_days([self.state.works[r]])
            if all(
                c.kind[t] == FIXED and (c.calendar[t] is own or c.calendar[t].days == own.days)
                for t in tasks
            ):
                found.add(r)
        return found

    def _cumulatives(self) -> None:
        """Each own-calendar resource's capacity: a cumulative over positions on its
        calendar, the free capacity below its most modelled by fixed blocks."""
        m = self.model
        for r, held in sorted(self.held.items()):
            own = work_days([self.state.works[r]])
            lo = min(first for first, _, _, _ in held)
            hi = min(max(last + size for _, last, size, _ in held), len(own.days))
            free = [self._free(r, own.days[q]) for q in range(lo, hi)]
            top = max(free, default=0)
            intervals = [m.new_fixed_size_interval_var(p, size, "") for _, _, size, p in held]
            demands = [demand for *_, demand in self.demands[r]]
            for q, f in enumerate(free):
                if f < top:
                    intervals.append(m.new_fixed_size_interval_var(lo + q, 1, ""))
                    demands.append(top - f)
            m.add_cumulative(intervals, demands, top)

    def _positioned(self, t: int) -> _Task | None:
        """Fixed work or a wait: one boolean per feasible first position."""
        c = self.c
        cal, dur = c.calendar[t], c.days[t]
        wd = cal.days
        uses = [(r, u, self.scale[r] if self.scale else 1) for r, u in c.uses[t]]
        starts: list[int] = []
        p = cal.next[self.es[t]]
        while p + dur - 1 < len(wd) and wd[p + dur - 1] <= self.lf[t]:
            if all(
                self._free(r, wd[q]) >= round(u * k) for r, u, k in uses for q in range(p, p + dur)
            ):
                starts.append(p)
            p += 1
        if not starts:
            return None
        m = self.model
        if uses and all(r in self.own for r, _, _ in uses):
            return self._interval(t, starts, uses)
        z = {p: m.new_bool_var(f"z{t}_{p}") for p in starts}
        self.cells += len(z)
        m.add_exactly_one(z.values())
        start = m.new_int_var(wd[starts[0]], wd[starts[-1]], f"s{t}")
        finish = m.new_int_var(wd[starts[0] + dur - 1], wd[starts[-1] + dur - 1], f"e{t}")
        m.add(start == cp_model.LinearExpr.weighted_sum(list(z.values()), [wd[p] for p in z]))
        m.add(
            finish
            == cp_model.LinearExpr.weighted_sum(list(z.values()), [wd[p + dur - 1] for p in z])
        )
        for r, u, k in uses:
            days = self.usage.setdefault(r, {})
            for p, var in z.items():
                for q in range(p, p + dur):
                    days.setdefault(wd[q], []).append((var, round(u * k), round(u * k)))
        return _Task(start, finish, z, {})

    def _interval(self, t: int, starts: list[int], uses: list[tuple[str, float, int]]) -> _Task:
        """Fixed work on its resources' own calendar: a position variable, its first and
        last day by table, its units in each resource's cumulative."""
        m, c = self.model, self.c
        wd, dur = c.calendar[t].days, c.days[t]
        p = m.new_int_var_from_domain(cp_model.Domain.from_values(starts), f"p{t}")
        first, last = starts[0], starts[-1]
        start = m.new_int_var(wd[first], wd[last], f"s{t}")
        finish = m.new_int_var(wd[first + dur - 1], wd[last + dur - 1], f"e{t}")
        offset = m.new_int_var(0, last - first, f"o{t}")
        m.add(offset == p - first)
        m.add_element(offset, wd[first : last + 1], start)
        m.add_element(offset, wd[first + dur - 1 : last + dur], finish)
        self.cells += 1
        for r, u, k in uses:
            self.held.setdefault(r, []).append((first, last, dur, p))
            self.demands.setdefault(r, []).append((t, round(u * k)))
        return _Task(start, finish, {}, {}, position=p)

    def _effort(self, t: int) -> _Task | None:
        """Effort: an amount per working day of the resource within the task's window."""
        c = self.c
        r, effort = c.uses[t][0]
        assert self.scale is not None
        k = self.scale[r]
        need = round(effort * k)
        cap = c.cap[t]
        per_day = None if cap == math.inf else round(cap * k)
        cal = c.calendar[t]
        days = [
            d
            for d in cal.days[cal.next[self.es[t]] : cal.prev[self.lf[t]] + 1]
            if self._free(r, d) >= 1
        ]
        limits = {d: min(self._free(r, d), per_day or need, need) for d in days}
        if sum(limits.values()) < need:
            return None
        m = self.model
        start = m.new_int_var(days[0], days[-1], f"s{t}")
        finish = m.new_int_var(days[0], days[-1], f"e{t}")
        amounts: dict[int, Any] = {}
        for d in days:
            x = m.new_int_var(0, limits[d], f"x{t}_{d}")
            on = m.new_bool_var(f"a{t}_{d}")
            m.add(x <= limits[d] * on)
            m.add(x >= on)
            m.add(start <= d).only_enforce_if(on)
            m.add(finish >= d).only_enforce_if(on)
            amounts[d] = x
            self.usage.setdefault(r, {}).setdefault(d, []).append((x, 1, limits[d]))
        self.cells += 2 * len(days)
        m.add(sum(amounts.values()) == need)
        m.add(start <= finish)
        return _Task(start, finish, {}, amounts)

    def _symmetry(self) -> None:
        """Units of a line are interchangeable: their first per-unit steps start in unit
        order (any schedule, its units renumbered by that start, is one of these)."""
        for task in self.c.job.tasks:
            if task.unit is not None:
                first = self.units.setdefault(task.line, [])
                if not first or self.c.job.tasks[first[0]].step.id == task.step.id:
                    first.append(task.index)
        for tasks in self.units.values():
            for a, b in itertools.pairwise(tasks):
                self.model.add(self.tasks[a].start <= self.tasks[b].start)

    def _relabelled(self, out: Outcome) -> dict[int, Placement]:
        """``out``'s placements with each line's units renumbered in the order their first
        per-unit steps start, as the model's symmetry breaking asks."""
        tasks = self.c.job.tasks
        index = {(t.line, t.unit, t.step.id): t.index for t in tasks}
        source: dict[int, dict[int | None, int | None]] = {}
        for line, firsts in self.units.items():
            if any(t not in out.placements for t in firsts):
                continue
            ranked = sorted(firsts, key=lambda t: (out.placements[t].start, t))
            source[line] = {
                tasks[new].unit: tasks[old].unit for new, old in zip(firsts, ranked, strict=True)
            }
        found: dict[int, Placement] = {}
        for t in tasks:
            unit = source.get(t.line, {}).get(t.unit, t.unit)
            hinted = out.placements.get(index[(t.line, unit, t.step.id)])
            if hinted is not None:
                found[t.index] = hinted
        return found

    def _materials(self) -> bool:
        """Stock: on every day up to replenishment, the takes so far within the projected
        stock (days whose stock is never lower later are implied and left out)."""
        job = self.c.job
        if not job.groups:
            return True
        m = self.model
        members: dict[int, list[int]] = {}
        for t, g in enumerate(self.c.group):
            if g is not None:
                members.setdefault(g, []).append(t)
        take: dict[int, Any] = {}
        for g, tasks in members.items():
            lo = min(self.es[t] for t in tasks)
            hi = max(self.lf[t] for t in tasks)
            day = m.new_int_var(lo, hi, f"g{g}")
            m.add_min_equality(day, [self.tasks[t].start for t in tasks])
            take[g] = day
        for material in sorted({mm for g in job.groups for mm in g.needs}):
            stock = self.state.stocks[material]
            needs = {
                g: job.groups[g].needs[material] for g in take if material in job.groups[g].needs
            }
            k = _scale(list(needs.values()))
            if k is None:
                return False
            if not self._stock(stock, needs, take, k):
                return False
        return True

    def _stock(self, stock: Stock, needs: dict[int, float], take: dict[int, Any], k: int) -> bool:
        m = self.model
        level = stock.level
        end = len(level) if stock.replenish is None else max(min(stock.replenish, len(level)), 0)
        first = min(self.es[t] for t, g in enumerate(self.c.group) if g in needs)
        low = math.inf
        for tau in range(end - 1, first - 1, -1):
            if level[tau] >= low:
                continue
            low = level[tau]
            limit, exact = _floor(max(level[tau], 0.0) + EPS, k)
            self.exact &= exact or level[tau] <= 0
            terms = []
            for g, q in needs.items():
                b = m.new_bool_var(f"b{g}_{tau}")
                m.add(take[g] <= tau).only_enforce_if(b)
                m.add(take[g] >= tau + 1).only_enforce_if(~b)
                terms.append((b, round(q * k)))
            if level[tau] + EPS < 0:
                for b, _ in terms:
                    m.add(b == 0)
            else:
                m.add(
                    cp_model.LinearExpr.weighted_sum([b for b, _ in terms], [w for _, w in terms])
                    <= limit
                )
        return True

    def objective(self) -> None:
        """Minimise, in this order: lines late, total lateness, the last line's day, the
        sum of the lines' days, the lines' days weighted by due order (one weighted sum;
        each weight exceeds what the terms after it can add up to)."""
        m, c = self.model, self.c
        lines: list[Any] = []
        late: list[Any] = []
        lateness: list[Any] = []
        w = self.window
        for ln, tasks in enumerate(c.job.line_tasks):
            day = m.new_int_var(0, w, f"line{ln}")
            m.add_max_equality(day, [self.tasks[t].finish for t in tasks])
            lines.append(day)
            due = self.due[ln]
            if due is not None and due < w:
                is_late = m.new_bool_var(f"late{ln}")
                m.add(day <= max(due, -1)).only_enforce_if(~is_late)
                days_late = m.new_int_var(0, w - max(due, 0), f"days_late{ln}")
                m.add(days_late >= day - due)
                late.append(is_late)
                lateness.append(days_late)
        last = m.new_int_var(0, w, "last")
        for day in lines:
            m.add(last >= day)
        n = len(lines)
        # Lines due sooner first (search.due_weights), below every other term; left out
        # for a single line, or where the weights would not fit CP-SAT's 64-bit integers.
        weights = due_weights(self.due) if n > 1 else [0] * n
        d, b, a, count = _weights(n, w, sum(weights) * w + 1)
        if count * (n + 1) * (w + 1) >= 2**62:
            weights = [0] * n
            d, b, a, count = _weights(n, w, 1)
        tie = sum(k * day for k, day in zip(weights, lines, strict=True))
        m.minimize(count * sum(late) + a * sum(lateness) + b * last + d * sum(lines) + tie)

    def hint(self, out: Outcome) -> None:
        """Start the search from the heuristic's schedule (its units renumbered)."""
        placements = self._relabelled(out)
        for t, task in enumerate(self.tasks):
            placed = placements.get(t)
            if placed is None:
                continue
            if task.position is not None:
                self.model.add_hint(task.position, self.c.calendar[t].next[placed.start])
            elif task.positions:
                p = self.c.calendar[t].next[placed.start]
                for q, var in task.positions.items():
                    self.model.add_hint(var, q == p)
            else:
                assert self.scale is not None
                taken: dict[int, float] = {}
                for d, r, a in placed.amounts:
                    taken[d] = taken.get(d, 0.0) + a * self.scale[r]
                for d, var in task.amounts.items():
                    self.model.add_hint(var, round(taken.get(d, 0.0)))

    def outcome(self, solver: cp_model.CpSolver) -> Outcome:
        """The solved schedule as placements, with the material waits it implies."""
        c = self.c
        out = Outcome()
        for t, task in enumerate(self.tasks):
            if task.position is not None or task.positions:
                p = (
                    solver.value(task.position)
                    if task.position is not None
                    else next(q for q, var in task.positions.items() if solver.boolean_value(var))
                )
                wd = c.calendar[t].days
                dur = c.days[t]
                amounts = tuple((wd[q], r, u) for q in range(p, p + dur) for r, u in c.uses[t])
                out.placements[t] = Placement(t, wd[p], wd[p + dur - 1], amounts)
            else:
                r = c.uses[t][0][0]
                assert self.scale is not None
                k = self.scale[r]
                taken = [
                    (d, r, solver.value(var) / k)
                    for d, var in task.amounts.items()
                    if solver.value(var) > 0
                ]
                out.placements[t] = Placement(t, taken[0][0], taken[-1][0], tuple(taken))
        out.delivered = [max(out.placements[t].finish for t in tasks) for tasks in c.job.line_tasks]
        out.waits = self._waits(out)
        return out

    def _waits(self, out: Outcome) -> list[MaterialWait]:
        """The units whose first step started later than precedence and release allowed
        because their stock was not there yet."""
        c = self.c
        job = c.job
        stocks = {
            m: Stock(s.material, list(s.level), s.replenish, list(s.takes))
            for m, s in self.state.stocks.items()
            if any(m in g.needs for g in job.groups)
        }
        first: dict[int, int] = {}
        for t, g in enumerate(c.group):
            if g is not None and (
                g not in first or out.placements[t].start < out.placements[first[g]].start
            ):
                first[g] = t
        waits: list[MaterialWait] = []
        for g, t in sorted(first.items(), key=lambda kv: out.placements[kv[1]].start):
            day = out.placements[t].start
            wanted = max(
                [self.release[c.line[t]]] + [out.placements[p].finish + 1 for p in c.preds[t]]
            )
            for material, qty in job.groups[g].needs.items():
                ready = stocks[material].earliest(wanted, qty)
                if ready is None or ready > wanted:
                    waits.append(MaterialWait(g, material, wanted, ready))
                stocks[material].take(day, qty)
        return waits


def _weights(n: int, window: int, d: int) -> tuple[int, int, int, int]:
    """The weights of the sum of the lines' days (``d``, above the due-order term), the
    last line's day, total lateness and lines late, for ``n`` lines within ``window``
    days: each exceeds what the terms after it can add up to."""
    b = d * (n * (window + 1) + 1)
    a = b * (window + 1)
    return d, b, a, a * (n * (window + 1) + 1)


def solve(
    c: Compiled,
    state: CapacityState,
    release: Sequence[int],
    due: Sequence[int | None],
    hint: Outcome,
    lower: Outcome,
    work: float,
) -> Exact:
    """Search for a schedule better than ``hint``, spending at most ``work`` deterministic
    units; ``lower`` is the unlimited bound (the caller has checked ``exact_applies``).

    The window ends on the hint's last day or the last due date, whichever is later. A
    schedule ending beyond it is never better when the optimum within it has no late line
    (it ends later) or the deal has a single line (it is later and no less late): only
    then are the dates proven.
    """
    days = [d for d in hint.delivered if d is not None]
    dues = [u for u in due if u is not None]
    window = min(max([*days, *dues]), c.ndays - 1)
    builder = _Builder(c, state, release, due, lower, window)
    if not builder.build():
        return NOT_RUN
    builder.objective()
    builder.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = work
    for key, value in TUNING.items():
        setattr(solver.parameters, key, value)
    status = solver.solve(builder.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return NOT_RUN
    outcome = builder.outcome(solver)
    late_free = all(
        u is None or (d is not None and d <= u) for d, u in zip(outcome.delivered, due, strict=True)
    )
    contained = late_free or len(due) == 1
    optimal = status == cp_model.OPTIMAL and builder.exact and contained
    return Exact(outcome, optimal=optimal)
