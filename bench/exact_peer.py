"""An exact peer of the engine: SPEC's scheduling rules as a CP-SAT model (benchmark only).

Written from SPEC's text ("The capacity file", "Time, exactly", "Exact dates"), sharing
no code with the engine: only the file models are read, and which days a resource works
is computed here from the calendars (the ``holidays`` package gives public holidays).
Bookings are not modelled (the differential benchmark checks deals on an empty bookings
folder). The grain is one calendar day, day 0 the check date.

- Capacity of a resource on a day: 0 when its calendar (the company's, its own
  ``workdays`` and ``holidays`` replacing, its ``closures`` adding) does not work; else
  ``per_day`` as changed by the latest ``changes`` entry on or before the day, minus every
  reservation covering the day (never below 0).
- Effort work: one integer amount per working day of the resource from the line's release
  on, at most ``max_per_day`` and at most the day's capacity; the amounts of every step on
  a resource's day share its capacity (any split); the amounts add up to ``effort``. A
  day with an amount lies between the step's start and finish.
- Fixed work: one boolean per possible first day among the days every resource of
  ``uses`` works; the step then holds ``uses`` on the ``days`` consecutive such days.
- A wait: the same over the company's working days, holding nothing.
- A step starts at least one day after the finish of every step it comes after (per-unit
  after per-unit: the same unit; per-line after per-unit: every unit; per-unit after
  per-line: the line's step); every step of a line starts on or after the line's release
  (the later of the deal's ``start`` and the check date moved ``min_notice_days`` company
  working days forward).
- Materials: a unit's take (the offering's ``materials``) happens on the earliest start of
  the unit's per-unit steps; a line with only per-line steps takes ``quantity`` times the
  materials on its first step's start. On every day before unlimited supply (check date
  plus ``replenish_days``; never without it) on hand plus receipts dated on or before the
  day, less every take on or before it, stays >= 0.
- Objective, lexicographic as one weighted sum: lines late, then total lateness in
  calendar days over the lines with a due date, then the latest line delivery (the
  makespan), then the sum of the lines' delivery days, then (README, "How the schedule
  is found") the delivery days weighted by due order: of n lines, the one due first
  weighs n, the next n - 1, ..., lines without a due date last, equal dues in deal order.

Amounts are scaled by the smallest power of two that makes every amount whole (with
whole data an integral split exists whenever a fractional one does). Start and finish
are bounded by the days with an amount (start <= first, finish >= last), which can only
delay what depends on them or take material earlier; the schedule returned uses the
exact days. Units of a line are interchangeable, so they are ordered by the start of
their first per-unit step (symmetry breaking: it removes relabelled copies only).

OR-Tools is imported lazily, as in ``bench.cpsat``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, Protocol

import holidays as holidays_lib

from feasibility.models.capacity import CapacityFile, Offering, Resource, Step
from feasibility.models.deal import Deal

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TOL = 1e-6
SEED = 1
UNLIMITED = 10**9
"""Scaled capacity of a working day in a relaxed problem."""
"""CP-SAT's random seed (one worker: deterministic)."""

Kind = Literal["effort", "fixed", "wait"]
Key = tuple[int, int | None, str]
"""(line, unit or None for a per-line step, step id)."""


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    table = holidays_lib.country_holidays(country, subdiv=subdivision, years=year, observed=True)
    return frozenset(table)


@dataclass(frozen=True)
class Cal:
    """A working calendar: weekdays (Monday = 0), holidays' region, closed days."""

    weekdays: frozenset[int]
    region: tuple[str, str | None] | None
    closures: tuple[tuple[dt.date, dt.date], ...]

    def works(self, day: dt.date) -> bool:
        """True when ``day`` is worked."""
        if day.weekday() not in self.weekdays:
            return False
        if self.region is not None and day in _holidays(*self.region, day.year):
            return False
        return not any(a <= day <= b for a, b in self.closures)


def calendar_of(model: CapacityFile, resource: Resource | None) -> Cal:
    """The company calendar (``resource`` None) or a resource's, merged over it."""
    base = model.calendar
    workdays, hol = list(base.workdays), base.holidays
    closures = [(c.from_, c.to) for c in base.closures]
    own = resource.calendar if resource is not None else None
    if own is not None:
        workdays = list(own.workdays) if own.workdays is not None else workdays
        hol = own.holidays if own.holidays is not None else hol
        closures += [(c.from_, c.to) for c in own.closures]
    region = None if hol is None else (hol.country, hol.subdivision)
    return Cal(frozenset(DAYS.index(d) for d in workdays), region, tuple(closures))


@dataclass(frozen=True)
class Inst:
    """One step instance of the deal."""

    key: Key
    kind: Kind
    preds: tuple[int, ...]
    resource: str | None = None
    """Effort work: the resource."""
    effort: int = 0
    """Effort work: scaled effort."""
    max_per_day: int | None = None
    """Effort work: scaled cap per day."""
    days: int = 0
    """Fixed work and waits: working days."""
    uses: tuple[tuple[str, int], ...] = ()
    """Fixed work: scaled units held of each resource."""

    @property
    def line(self) -> int:
        """Index of the deal line."""
        return self.key[0]


@dataclass(frozen=True)
class Take:
    """The materials of one unit (or a line) taken on the first start of ``members``."""

    line: int
    unit: int | None
    members: tuple[int, ...]
    needs: tuple[tuple[str, int], ...]
    """Scaled quantity of each material."""


@dataclass(frozen=True)
class Stock:
    """One material: scaled supply by day and the first day of unlimited supply."""

    id: str
    on_hand: int
    receipts: tuple[tuple[int, int], ...]
    """(day index, scaled quantity), receipts dated before the check date at day 0."""
    unlimited: int | None
    """Day index from which any quantity can be had (None: never)."""

    def supply(self, day: int) -> int:
        """On hand plus receipts dated on or before ``day``."""
        return self.on_hand + sum(q for d, q in self.receipts if d <= day)

    def check_days(self, horizon: int) -> list[int]:
        """The days where stock is lowest between receipts: the day before each receipt,
        and the last day before unlimited supply (or of the horizon)."""
        end = horizon if self.unlimited is None else min(self.unlimited, horizon)
        days = {d - 1 for d, _ in self.receipts if 1 <= d <= end} | {end - 1}
        return sorted(d for d in days if 0 <= d < end)


@dataclass(frozen=True)
class Problem:
    """A deal on the check date as day tables, step instances and material takes."""

    as_of: dt.date
    horizon: int
    scale: int
    company: tuple[bool, ...]
    works: dict[str, tuple[bool, ...]]
    free: dict[str, tuple[int, ...]]
    """Scaled capacity left after reservations, per day index (0 off days)."""
    insts: tuple[Inst, ...]
    takes: tuple[Take, ...]
    stocks: dict[str, Stock]
    release: tuple[int, ...]
    due: tuple[int | None, ...]
    unit_order: tuple[tuple[int, ...], ...] = ()
    """Per line of two units or more, the instances of its first per-unit step, unit by
    unit: units are interchangeable (same steps, needs and precedence), so ordering them
    by that step's start only removes relabelled copies of the same schedule."""

    def date(self, i: int) -> dt.date:
        """The date of day index ``i``."""
        return self.as_of + dt.timedelta(days=i)

    def index(self, day: dt.date) -> int:
        """The day index of ``day``."""
        return (day - self.as_of).days

    @property
    def nlines(self) -> int:
        """Lines of the deal."""
        return len(self.release)


def _amounts(model: CapacityFile) -> Iterable[float]:
    for r in model.resources:
        yield from (x for x in (r.per_day, r.per_week) if x is not None)
        for c in r.changes:
            yield from (x for x in (c.per_day, c.per_week) if x is not None)
    for res in model.reservations:
        yield res.per_day
    for m in model.materials:
        yield m.on_hand
        yield from (rc.qty for rc in m.receipts)
    for o in model.offerings:
        yield from o.materials.values()
        for s in o.steps:
            yield from (x for x in (s.effort, s.max_per_day) if x is not None)
            yield from (s.uses or {}).values()


def choose_scale(values: Iterable[float]) -> int:
    """The smallest power of two (at most 1024) making every value whole."""
    vals = list(values)
    for k in range(11):
        s = 2**k
        if all(abs(v * s - round(v * s)) < 1e-9 for v in vals):
            return int(s)
    raise ValueError("amounts are not multiples of 1/1024")


def _scaled(x: float, scale: int) -> int:
    return round(x * scale)


def line_steps(offering: Offering) -> list[tuple[Step, list[str]]]:
    """The offering's steps with their resolved ``after`` (omitted: the previous step)."""
    out: list[tuple[Step, list[str]]] = []
    prev: str | None = None
    for s in offering.steps:
        after = list(s.after) if s.after is not None else ([] if prev is None else [prev])
        out.append((s, after))
        prev = s.id
    return out


def _topological(steps: list[tuple[Step, list[str]]]) -> list[tuple[Step, list[str]]]:
    done: set[str] = set()
    out: list[tuple[Step, list[str]]] = []
    pending = list(steps)
    while pending:
        ready = [t for t in pending if all(a in done for a in t[1])]
        if not ready:
            raise ValueError("precedence cycle")
        out += ready
        done |= {t[0].id for t in ready}
        pending = [t for t in pending if t[0].id not in done]
    return out


def company_days_after(cal: Cal, day: dt.date, n: int) -> dt.date:
    """``day`` moved ``n`` company working days forward (0: ``day`` itself)."""
    while n > 0:
        day += dt.timedelta(days=1)
        n -= cal.works(day)
    return day


def horizon_guess(model: CapacityFile, deal: Deal, as_of: dt.date) -> int:
    """A generous horizon in calendar days: the latest release, plus material lead time,
    plus every step instance's working days one after the other at the slowest rate,
    converted at the sparsest week, plus closed and reserved days, plus three weeks
    (``solve`` doubles it while the best schedule ends within 8 days of it)."""
    resources = {r.id: r for r in model.resources}
    offerings = {o.id: o for o in model.offerings}
    company = calendar_of(model, None)

    def slowest(r: Resource) -> float:
        rates = [x for x in [r.per_day, *(c.per_day for c in r.changes)] if x]
        return min(rates) if rates else 1.0

    work = 0
    release = 0
    for line in deal.lines:
        o = offerings[line.offering]
        rel = company_days_after(company, as_of, o.min_notice_days)
        release = max(release, (rel - as_of).days, ((deal.start or as_of) - as_of).days)
        for s in o.steps:
            mult = line.quantity if s.per == "unit" else 1
            if s.effort is not None and s.resource is not None:
                rate = min(slowest(resources[s.resource]), s.max_per_day or math.inf)
                work += mult * math.ceil(s.effort / rate)
            else:
                work += mult * (s.days or 0)
    lead = 0
    for m in model.materials:
        lead = max(lead, m.replenish_days or 0, *((rc.date - as_of).days for rc in m.receipts))
    sparse = min(
        [len(model.calendar.workdays)]
        + [
            len(r.calendar.workdays)
            for r in model.resources
            if r.calendar is not None and r.calendar.workdays
        ]
    )
    closed = sum((c.to - c.from_).days + 1 for c in model.calendar.closures)
    closed += sum(
        (c.to - c.from_).days + 1
        for r in model.resources
        if r.calendar is not None
        for c in r.calendar.closures
    )
    closed += sum((rs.to - rs.from_).days + 1 for rs in model.reservations)
    return release + lead + math.ceil(work * 7 / max(sparse, 1)) + closed + 21


def build(
    model: CapacityFile, deal: Deal, as_of: dt.date, horizon: int, *, relaxed: bool = False
) -> Problem:
    """The deal's step instances, takes and the day tables over ``horizon`` days.

    ``relaxed``: unlimited capacity on every working day and unlimited stock (the
    deal's dates then follow from precedence, release and calendars alone)."""
    scale = choose_scale(_amounts(model))
    dates = [as_of + dt.timedelta(days=i) for i in range(horizon)]
    company_cal = calendar_of(model, None)
    company = tuple(company_cal.works(d) for d in dates)
    works: dict[str, tuple[bool, ...]] = {}
    free: dict[str, tuple[int, ...]] = {}
    for r in model.resources:
        cal = calendar_of(model, r)
        w = tuple(cal.works(d) for d in dates)
        per_week_days = max(len(cal.weekdays), 1)
        caps: list[int] = []
        for i, d in enumerate(dates):
            per_day, per_week = r.per_day, r.per_week
            for c in r.changes:
                if c.from_ <= d:
                    per_day, per_week = c.per_day, c.per_week
            cap = per_day if per_day is not None else (per_week or 0.0) / per_week_days
            if not w[i]:
                cap = 0.0
            taken = sum(
                rs.per_day
                for rs in model.reservations
                if rs.resource == r.id and rs.from_ <= d <= rs.to
            )
            caps.append(max(0, _scaled(cap, scale) - _scaled(taken, scale)))
            if relaxed:
                caps[-1] = UNLIMITED if w[i] else 0
        works[r.id] = w
        free[r.id] = tuple(caps)
    offerings = {o.id: o for o in model.offerings}
    insts: list[Inst] = []
    takes: list[Take] = []
    unit_order: list[tuple[int, ...]] = []
    release: list[int] = []
    due: list[int | None] = []
    for n, line in enumerate(deal.lines):
        o = offerings[line.offering]
        notice = company_days_after(company_cal, as_of, o.min_notice_days)
        start = deal.start or as_of
        release.append(max(0, (notice - as_of).days, (start - as_of).days))
        due.append(None if line.due is None else (line.due - as_of).days)
        steps = _topological(line_steps(o))
        per = {s.id: s.per for s, _ in steps}
        units = list(range(1, line.quantity + 1))
        ids: dict[tuple[str, int | None], int] = {}
        members: dict[int | None, list[int]] = defaultdict(list)
        for s, after in steps:
            for u in units if s.per == "unit" else [None]:
                preds: list[int] = []
                for a in after:
                    if per[a] == "line":
                        preds.append(ids[(a, None)])
                    elif u is not None:
                        preds.append(ids[(a, u)])
                    else:
                        preds += [ids[(a, v)] for v in units]
                ids[(s.id, u)] = len(insts)
                members[u].append(len(insts))
                insts.append(_inst((n, u, s.id), s, tuple(preds), scale))
        first = next((s.id for s, _ in steps if s.per == "unit"), None)
        if first is not None and len(units) > 1:
            unit_order.append(tuple(ids[(first, u)] for u in units))
        if o.materials:
            per_unit = any(s.per == "unit" for s, _ in steps)
            if per_unit:
                for u in units:
                    needs = tuple((m, _scaled(q, scale)) for m, q in o.materials.items())
                    takes.append(Take(n, u, tuple(members[u]), needs))
            else:
                needs = tuple(
                    (m, _scaled(q * line.quantity, scale)) for m, q in o.materials.items()
                )
                takes.append(Take(n, None, tuple(members[None]), needs))
    stocks: dict[str, Stock] = {}
    for m in model.materials:
        receipts = tuple(
            (max(0, (rc.date - as_of).days), _scaled(rc.qty, scale)) for rc in m.receipts
        )
        unlimited = 0 if relaxed else m.replenish_days
        stocks[m.id] = Stock(m.id, _scaled(m.on_hand, scale), receipts, unlimited)
    return Problem(
        as_of,
        horizon,
        scale,
        company,
        works,
        free,
        tuple(insts),
        tuple(takes),
        stocks,
        tuple(release),
        tuple(due),
        tuple(unit_order),
    )


def _inst(key: Key, s: Step, preds: tuple[int, ...], scale: int) -> Inst:
    kind = s.kind()
    if kind == "effort":
        assert s.resource is not None and s.effort is not None
        mpd = None if s.max_per_day is None else _scaled(s.max_per_day, scale)
        return Inst(key, "effort", preds, s.resource, _scaled(s.effort, scale), mpd)
    if kind == "fixed":
        assert s.days is not None and s.uses
        uses = tuple((r, _scaled(u, scale)) for r, u in s.uses.items())
        return Inst(key, "fixed", preds, days=s.days, uses=uses)
    assert kind == "wait" and s.days is not None
    return Inst(key, "wait", preds, days=s.days)


@dataclass(frozen=True)
class PeerStep:
    """One step instance of the peer's schedule (dates inclusive)."""

    line: int
    unit: int | None
    step: str
    start: dt.date
    finish: dt.date
    daily: tuple[tuple[dt.date, str, float], ...]


@dataclass(frozen=True)
class PeerResult:
    """The peer's best schedule: per-line delivery dates (None: no schedule found)."""

    status: str
    proven: bool
    """True when CP-SAT proved the objective optimal (or that no schedule exists)."""
    dates: tuple[dt.date | None, ...]
    objective: tuple[int, int, int, int, int] | None
    schedule: tuple[PeerStep, ...]
    seconds: float
    horizon: int
    variables: int = 0
    notes: tuple[str, ...] = field(default=())


def due_order_weights(dues: Sequence[int | None]) -> list[int]:
    """Each line's weight in the last term (dues as day indexes): n for the line due
    first, down to 1; lines without a due date after those with one, equal dues in deal
    order."""
    ranked = sorted(range(len(dues)), key=lambda n: (dues[n] is None, dues[n] or 0, n))
    weight = {n: len(dues) - k for k, n in enumerate(ranked)}
    return [weight[n] for n in range(len(dues))]


def objective(
    as_of: dt.date, dues: Sequence[dt.date | None], dates: Sequence[dt.date | None]
) -> tuple[int, int, int, int, int] | None:
    """(lines late, total lateness in calendar days, latest delivery, sum of deliveries,
    deliveries weighted by due order) in day indexes from ``as_of``; None when a line has
    no date."""
    if any(d is None for d in dates):
        return None
    idx = [(d - as_of).days for d in dates if d is not None]
    days_late = [
        (d - due).days for d, due in zip(dates, dues, strict=True) if d and due and d > due
    ]
    due_idx = [None if u is None else (u - as_of).days for u in dues]
    weighted = sum(w * i for w, i in zip(due_order_weights(due_idx), idx, strict=True))
    return len(days_late), sum(days_late), max(idx), sum(idx), weighted


def solve_problem(p: Problem, time_limit: float = 60.0) -> PeerResult:
    """Minimise the lexicographic objective with CP-SAT (one worker, fixed seed)."""
    cp: Any = importlib.import_module("ortools.sat.python.cp_model")
    t0 = time.perf_counter()
    h = p.horizon
    m = cp.CpModel()
    start: list[Any] = []
    end: list[Any] = []
    load: dict[tuple[str, int], list[tuple[int, Any]]] = defaultdict(list)
    amounts: dict[int, dict[int, Any]] = {}
    options: dict[int, list[tuple[list[int], Any]]] = {}
    infeasible: list[str] = []
    for i, inst in enumerate(p.insts):
        lo = p.release[inst.line]
        s = m.new_int_var(lo, h - 1, f"s{i}")
        e = m.new_int_var(lo, h - 1, f"e{i}")
        m.add(e >= s)
        start.append(s)
        end.append(e)
        if inst.kind == "effort":
            assert inst.resource is not None
            xs: dict[int, Any] = {}
            for d in range(lo, h):
                ub = min(p.free[inst.resource][d], inst.effort)
                if inst.max_per_day is not None:
                    ub = min(ub, inst.max_per_day)
                if ub <= 0:
                    continue
                x = m.new_int_var(0, ub, f"x{i}_{d}")
                a = m.new_bool_var(f"a{i}_{d}")
                m.add(x >= 1).only_enforce_if(a)
                m.add(x == 0).only_enforce_if(~a)
                m.add(s <= d).only_enforce_if(a)
                m.add(e >= d).only_enforce_if(a)
                xs[d] = x
                load[(inst.resource, d)].append((1, x))
            if sum(min(p.free[inst.resource][d], inst.max_per_day or 10**12) for d in xs) < (
                inst.effort
            ):
                infeasible.append(f"{inst.key}: not enough capacity within the horizon")
            m.add(sum(xs.values()) == inst.effort)
            amounts[i] = xs
        else:
            if inst.kind == "fixed":
                days = [d for d in range(lo, h) if all(p.works[r][d] for r, _ in inst.uses)]
            else:
                days = [d for d in range(lo, h) if p.company[d]]
            opts: list[tuple[list[int], Any]] = []
            for k in range(len(days) - inst.days + 1):
                span = days[k : k + inst.days]
                if any(p.free[r][d] < u for r, u in inst.uses for d in span):
                    continue
                b = m.new_bool_var(f"b{i}_{span[0]}")
                opts.append((span, b))
                for r, u in inst.uses:
                    for d in span:
                        load[(r, d)].append((u, b))
            if not opts:
                infeasible.append(f"{inst.key}: no placement within the horizon")
                m.add_bool_or([])
            else:
                m.add_exactly_one([b for _, b in opts])
                m.add(s == sum(span[0] * b for span, b in opts))
                m.add(e == sum(span[-1] * b for span, b in opts))
            options[i] = opts
        for q in inst.preds:
            m.add(s >= end[q] + 1)
    for order in p.unit_order:
        for a, b in itertools.pairwise(order):
            m.add(start[a] <= start[b])
    for (r, d), held in load.items():
        m.add(sum(c * v for c, v in held) <= p.free[r][d])
    take_day: list[Any] = []
    for g, tk in enumerate(p.takes):
        t = m.new_int_var(0, h - 1, f"t{g}")
        m.add_min_equality(t, [start[i] for i in tk.members])
        take_day.append(t)
    for mid, stock in p.stocks.items():
        users = [(g, dict(tk.needs).get(mid, 0)) for g, tk in enumerate(p.takes)]
        users = [(g, q) for g, q in users if q > 0]
        if not users:
            continue
        for day in stock.check_days(h):
            terms: list[Any] = []
            for g, q in users:
                y = m.new_bool_var(f"y{g}_{mid}_{day}")
                m.add(take_day[g] >= day + 1).only_enforce_if(~y)
                terms.append(q * y)
            m.add(sum(terms) <= stock.supply(day))
    deliver: list[Any] = []
    for n in range(p.nlines):
        dv = m.new_int_var(0, h - 1, f"d{n}")
        m.add_max_equality(dv, [end[i] for i, inst in enumerate(p.insts) if inst.line == n])
        deliver.append(dv)
    late: list[Any] = []
    count: list[Any] = []
    for n, due in enumerate(p.due):
        if due is None:
            continue
        lv = m.new_int_var(0, h, f"late{n}")
        m.add(lv >= deliver[n] - due)
        late.append(lv)
        is_late = m.new_bool_var(f"is_late{n}")
        m.add(deliver[n] <= due).only_enforce_if(~is_late)
        count.append(is_late)
    makespan = m.new_int_var(0, h - 1, "makespan")
    m.add_max_equality(makespan, deliver)
    weights = due_order_weights(p.due)
    w_sum = sum(weights) * h + 1
    w_make = w_sum * (p.nlines * h + 1)
    w_late = w_make * (h + 1)
    w_count = w_late * (p.nlines * (h + 1) + 1)
    ordered = sum(w * dv for w, dv in zip(weights, deliver, strict=True))
    m.minimize(
        w_count * sum(count)
        + w_late * sum(late)
        + w_make * makespan
        + w_sum * sum(deliver)
        + ordered
    )
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(m)
    seconds = time.perf_counter() - t0
    name = str(solver.status_name(status))
    nvars = len(m.proto.variables)
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        return PeerResult(
            name,
            status == cp.INFEASIBLE,
            (None,) * p.nlines,
            None,
            (),
            seconds,
            h,
            nvars,
            tuple(infeasible),
        )
    steps: list[PeerStep] = []
    for i, inst in enumerate(p.insts):
        daily: list[tuple[dt.date, str, float]] = []
        if inst.kind == "effort":
            assert inst.resource is not None
            worked = [(d, int(solver.value(x))) for d, x in amounts[i].items()]
            worked = [(d, v) for d, v in worked if v > 0]
            daily = [(p.date(d), inst.resource, v / p.scale) for d, v in worked]
            first, last = worked[0][0], worked[-1][0]
        else:
            span = next(sp for sp, b in options[i] if solver.value(b))
            first, last = span[0], span[-1]
            daily = [(p.date(d), r, u / p.scale) for d in span for r, u in inst.uses]
        line, unit, sid = inst.key
        steps.append(PeerStep(line, unit, sid, p.date(first), p.date(last), tuple(daily)))
    dates: list[dt.date | None] = []
    for n in range(p.nlines):
        dates.append(max(st.finish for st in steps if st.line == n))
    dues = [None if d is None else p.date(d) for d in p.due]
    obj = objective(p.as_of, dues, dates)
    notes: list[str] = []
    if [int(solver.value(dv)) for dv in deliver] != [(d - p.as_of).days for d in dates if d]:
        notes.append("delivery variables differ from the schedule's days")
    return PeerResult(
        name,
        status == cp.OPTIMAL,
        tuple(dates),
        obj,
        tuple(sorted(steps, key=lambda st: (st.start, st.line, st.unit or 0, st.step))),
        seconds,
        h,
        nvars,
        tuple(notes),
    )


def solve(
    model: CapacityFile,
    deal: Deal,
    as_of: dt.date,
    time_limit: float = 60.0,
    *,
    relaxed: bool = False,
) -> PeerResult:
    """The peer's answer, on a horizon that grows (up to three doublings) while the best
    schedule comes near its end or none is found. ``relaxed``: see ``build``."""
    h = horizon_guess(model, deal, as_of)
    res = solve_problem(build(model, deal, as_of, h, relaxed=relaxed), time_limit)
    for _ in range(3):
        near = res.objective is not None and res.objective[1] >= h - 8
        if res.objective is not None and not near:
            break
        h *= 2
        res = solve_problem(build(model, deal, as_of, h, relaxed=relaxed), time_limit)
    return res


class StepLike(Protocol):
    """A scheduled step instance (the engine's ``ScheduledStep`` or ``PeerStep``)."""

    @property
    def line(self) -> int: ...
    @property
    def unit(self) -> int | None: ...
    @property
    def step(self) -> str: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def finish(self) -> dt.date: ...
    @property
    def daily(self) -> tuple[tuple[dt.date, str, float], ...]: ...


def violations(p: Problem, schedule: Sequence[StepLike]) -> list[str]:
    """Every way ``schedule`` breaks the rules as this module reads them ([] if none).

    ``p`` must span the schedule's days (build it with a long enough horizon)."""
    bad: list[str] = []
    s = p.scale
    found: dict[Key, StepLike] = {}
    for st in schedule:
        key = (st.line, st.unit, st.step)
        if key in found:
            bad.append(f"{key} scheduled twice")
        found[key] = st
    want = {inst.key for inst in p.insts}
    bad += [f"{k} is not a step instance of the deal" for k in found if k not in want]
    use: dict[tuple[str, int], float] = defaultdict(float)
    for inst in p.insts:
        got = found.get(inst.key)
        if got is None:
            bad.append(f"{inst.key} missing")
            continue
        st = got
        tag = f"line {inst.key[0]} unit {inst.key[1]} step {inst.key[2]}"
        a, b = p.index(st.start), p.index(st.finish)
        if b >= p.horizon or a < 0:
            bad.append(f"{tag}: {st.start}..{st.finish} outside the checked days")
            continue
        if a < p.release[inst.line]:
            bad.append(f"{tag}: starts {st.start} before release {p.date(p.release[inst.line])}")
        for q in inst.preds:
            pk = p.insts[q].key
            pst = found.get(pk)
            if pst is not None and st.start <= pst.finish:
                bad.append(f"{tag}: starts {st.start}, {pk} finishes {pst.finish}")
        days = sorted({p.index(day) for day, _, _ in st.daily})
        if days and not a <= days[0] <= days[-1] <= b:
            bad.append(f"{tag}: works outside {st.start}..{st.finish}")
            continue
        for day, r, amount in st.daily:
            use[(r, p.index(day))] += amount
        if inst.kind == "effort":
            assert inst.resource is not None
            per_day: dict[int, float] = defaultdict(float)
            for day, r, amount in st.daily:
                if r != inst.resource:
                    bad.append(f"{tag}: takes {r}, works on {inst.resource}")
                per_day[p.index(day)] += amount
            total = sum(per_day.values())
            if abs(total - inst.effort / s) > TOL:
                bad.append(f"{tag}: effort {total:g}, needs {inst.effort / s:g}")
            for i, v in per_day.items():
                if not p.works[inst.resource][i]:
                    bad.append(f"{tag}: works on {p.date(i)}, a day off of {inst.resource}")
                if inst.max_per_day is not None and v > inst.max_per_day / s + TOL:
                    bad.append(f"{tag}: {v:g} on {p.date(i)} over max_per_day")
                if v <= TOL:
                    bad.append(f"{tag}: no amount on listed day {p.date(i)}")
            if days and (days[0] != a or days[-1] != b):
                bad.append(f"{tag}: {st.start}..{st.finish} but works {days[0]}..{days[-1]}")
        elif inst.kind == "fixed":
            common = [d for d in range(a, b + 1) if all(p.works[r][d] for r, _ in inst.uses)]
            if days != common or len(common) != inst.days or (common and common[0] != a):
                bad.append(
                    f"{tag}: fixed on {[str(p.date(d)) for d in days]}, needs {inst.days}"
                    " consecutive common working days"
                )
            if common and common[-1] != b:
                bad.append(f"{tag}: finishes {st.finish}, not a common working day")
            for i in days:
                for r, u in inst.uses:
                    held = sum(x for dd, rr, x in st.daily if p.index(dd) == i and rr == r)
                    if abs(held - u / s) > TOL:
                        bad.append(f"{tag}: holds {held:g} of {r} on {p.date(i)}, not {u / s:g}")
        else:
            worked = [d for d in range(a, b + 1) if p.company[d]]
            if st.daily:
                bad.append(f"{tag}: a wait holds resources")
            if not p.company[a] or not p.company[b] or len(worked) != inst.days:
                bad.append(f"{tag}: wait {st.start}..{st.finish} is not {inst.days} working days")
    for (r, i), v in sorted(use.items()):
        if r not in p.free:
            bad.append(f"unknown resource {r}")
        elif 0 <= i < p.horizon and v > p.free[r][i] / s + TOL:
            bad.append(f"{r} on {p.date(i)}: {v:g} used, {p.free[r][i] / s:g} free")
    takes: list[tuple[int, dict[str, int]]] = []
    for tk in p.takes:
        starts = [found[p.insts[i].key].start for i in tk.members if p.insts[i].key in found]
        if starts:
            takes.append((p.index(min(starts)), dict(tk.needs)))
    for mid, stock in p.stocks.items():
        for i in stock.check_days(p.horizon):
            taken = sum(need.get(mid, 0) for t, need in takes if t <= i)
            if taken > stock.supply(i):
                bad.append(f"{mid} short by {(taken - stock.supply(i)) / s:g} on {p.date(i)}")
    return bad
