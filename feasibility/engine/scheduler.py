"""Serial schedule generation: place tasks one by one, each as early as every limit allows.

Given an order of the tasks that respects precedence, each task is put at its earliest
start: after its predecessors, not before its line's release day, once its unit's
materials are in stock, and where its resources have the capacity (SPEC, "Time, exactly").

A job is first compiled (``compile_job``) into flat per-task arrays: the working days of
each task's resources as a list of day indexes with a "next working day" table, so that
placing a task is a scan over candidate windows that jumps past every day lacking
capacity. ``decode`` is the one implementation of the rules; ``place_job`` wraps it with
the placements recorded and the state changed, and the search calls it on scratch copies
of the free capacity to evaluate thousands of candidate orders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from feasibility.engine.state import CapacityState
from feasibility.engine.tasks import Job
from feasibility.engine.timeline import EPS, Stock

FIXED, EFFORT, WAIT = 0, 1, 2
"""Task kinds: fixed work (``days`` + ``uses``), effort work, a wait."""

ShortKey = tuple[int, object]
"""(id of a task's working days, its need): a fixed task's uses, or an effort's resource."""

_SHORT_CACHE: dict[ShortKey, tuple[WorkDays, dict[str, list[float]], dict[int, int]]] = {}
"""``short_days`` tables: key -> (its calendar, the free capacity it was found in, table)."""
_SHORT_CACHE_SIZE = 512

_DAYS_CACHE: dict[tuple[int, ...], tuple[tuple[tuple[bool, ...], ...], WorkDays]] = {}
_DAYS_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Placement:
    """Where one task landed: first and last day index, and what it took each day."""

    task: int
    start: int
    finish: int
    amounts: tuple[tuple[int, str, float], ...]
    """(day index, resource id, amount in the resource's unit) for every day it used."""


@dataclass(frozen=True)
class MaterialWait:
    """A unit whose start waited for stock: from the day it could otherwise start."""

    group: int
    material: str
    wanted: int
    available: int | None
    """Day index the stock was there, or None if it never is within the horizon."""


@dataclass
class Outcome:
    """The result of placing a job: placements, material waits, delivery per line."""

    placements: dict[int, Placement] = field(default_factory=dict)
    waits: list[MaterialWait] = field(default_factory=list)
    delivered: list[int | None] = field(default_factory=list)
    """Day index each line is delivered on, None when it cannot be within the horizon."""


@dataclass(frozen=True)
class WorkDays:
    """The day indexes on which a set of calendars all work, for jumping between them."""

    days: list[int]
    """Working day indexes, ascending."""
    next: list[int]
    """For each day index 0..ndays, the position in ``days`` of the first working day on
    or after it (``len(days)`` when there is none)."""
    prev: list[int]
    """For each day index 0..ndays-1, the position in ``days`` of the last working day on
    or before it (-1 when there is none)."""


def work_days(calendars: Sequence[tuple[bool, ...]]) -> WorkDays:
    """The days on which every calendar of ``calendars`` works (cached by identity)."""
    key = tuple(id(c) for c in calendars)
    hit = _DAYS_CACHE.get(key)
    if hit is not None:
        return hit[1]
    ndays = min(len(c) for c in calendars)
    if len(calendars) == 1:
        works: Sequence[bool] = calendars[0][:ndays]
    else:
        works = [all(c[i] for c in calendars) for i in range(ndays)]
    days = [i for i in range(ndays) if works[i]]
    nxt = [0] * (ndays + 1)
    p = len(days)
    nxt[ndays] = p
    for i in range(ndays - 1, -1, -1):
        if works[i]:
            p -= 1
        nxt[i] = p
    prv = [nxt[i + 1] - 1 for i in range(ndays)]
    found = WorkDays(days, nxt, prv)
    if len(_DAYS_CACHE) >= _DAYS_CACHE_SIZE:
        _DAYS_CACHE.clear()
    # The calendars are kept alive with the entry, so their ids cannot be reused meanwhile.
    _DAYS_CACHE[key] = (tuple(calendars), found)
    return found


@dataclass
class Compiled:
    """A job as flat per-task arrays for fast decoding (see ``compile_job``)."""

    job: Job
    ndays: int
    kind: list[int]
    preds: list[tuple[int, ...]]
    succs: list[list[int]]
    line: list[int]
    group: list[int | None]
    days: list[int]
    """Fixed work and waits: duration in working days (0 for effort)."""
    uses: list[tuple[tuple[str, float], ...]]
    """Fixed work: (resource, units held per day); effort: ((resource, effort),)."""
    cap: list[float]
    """Effort work: most done on one day (inf when unlimited)."""
    calendar: list[WorkDays]
    """Days the task may work on: its resources' common working days (company days for
    a wait)."""
    resources: list[str] = field(default_factory=list)
    """Every resource a task takes capacity from."""


def compile_job(job: Job, state: CapacityState) -> Compiled:
    """Flatten ``job`` for decoding against states sharing ``state``'s calendars."""
    n = len(job.tasks)
    ndays = state.timeline.ndays
    company = work_days([state.timeline.company_works])
    kind: list[int] = []
    days: list[int] = []
    uses: list[tuple[tuple[str, float], ...]] = []
    cap: list[float] = []
    calendar: list[WorkDays] = []
    succs: list[list[int]] = [[] for _ in range(n)]
    used: dict[str, None] = {}
    known: dict[tuple[str, ...], WorkDays] = {}
    """Resources -> their common working days, within this job (units repeat steps)."""
    for t in job.tasks:
        step = t.step
        for p in t.preds:
            succs[p].append(t.index)
        if step.resource is not None and step.effort is not None:
            kind.append(EFFORT)
            days.append(0)
            uses.append(((step.resource, step.effort),))
            cap.append(step.max_per_day if step.max_per_day is not None else float("inf"))
            key: tuple[str, ...] = (step.resource,)
            cal = known.get(key)
            if cal is None:
                cal = known[key] = work_days([state.works[step.resource]])
            calendar.append(cal)
            used[step.resource] = None
        elif step.uses:
            assert step.days is not None
            kind.append(FIXED)
            days.append(step.days)
            uses.append(tuple(step.uses.items()))
            cap.append(0.0)
            key = tuple(step.uses)
            cal = known.get(key)
            if cal is None:
                cal = known[key] = work_days([state.works[r] for r in step.uses])
            calendar.append(cal)
            used.update(dict.fromkeys(step.uses))
        else:
            assert step.days is not None
            kind.append(WAIT)
            days.append(step.days)
            uses.append(())
            cap.append(0.0)
            calendar.append(company)
    return Compiled(
        job=job,
        ndays=ndays,
        kind=kind,
        preds=[t.preds for t in job.tasks],
        succs=succs,
        line=[t.line for t in job.tasks],
        group=[t.group for t in job.tasks],
        days=days,
        uses=uses,
        cap=cap,
        calendar=calendar,
        resources=list(used),
    )


@dataclass
class Decoded:
    """What ``decode`` found: first and last day of each task (-1: not placed)."""

    start: list[int]
    finish: list[int]
    amounts: dict[int, tuple[tuple[int, str, float], ...]]
    """Per placed task, what it took (only when recorded)."""
    waits: list[MaterialWait]
    group_day: dict[int, int]


def decode(
    c: Compiled,
    free: dict[str, list[float]],
    stocks: dict[str, Stock],
    order: Sequence[int],
    release: Sequence[int],
    *,
    take_materials: bool = True,
    record: bool = False,
    short: Mapping[ShortKey, dict[int, int]] | None = None,
) -> Decoded:
    """Place the tasks in ``order``, each at its earliest feasible start (SPEC rules).

    ``free`` (capacity per resource per day index) and, with ``take_materials``, the
    stocks are changed. A task whose predecessor is not placed, whose materials never
    arrive or that does not fit within the grid is left out (start -1). With ``record``,
    every day's amount is kept for the placements. ``short`` (``short_days`` of a free
    capacity that ``free`` is a copy of) lets the scans start past the days known full.
    """
    n = len(c.kind)
    ndays = c.ndays
    start = [-1] * n
    finish = [-1] * n
    amounts: dict[int, tuple[tuple[int, str, float], ...]] = {}
    waits: list[MaterialWait] = []
    group_day: dict[int, int] = {}
    kinds, preds, days_of, uses_of, cals = c.kind, c.preds, c.days, c.uses, c.calendar
    lines, groups = c.line, c.group
    # Free capacity only falls during a decode, so a day once found short for a given
    # need stays short: per (calendar, need) the positions known short, each pointing
    # on towards the next candidate (see ``_skip``), so scans jump past full days.
    full: dict[ShortKey, dict[int, int]] = {}
    seeds = short or {}
    for t in order:
        est = release[lines[t]]
        ok = True
        for p in preds[t]:
            f = finish[p]
            if f < 0:
                ok = False
                break
            if f >= est:
                est = f + 1
        if not ok:
            continue
        g = groups[t]
        if g is not None:
            if g in group_day:
                est = max(est, group_day[g])
            else:
                ready = _materials_ready(c.job, g, stocks, est, waits)
                if ready is None:
                    continue
                est = ready
        if est < 0:
            est = 0
        if est >= ndays:
            continue
        k = kinds[t]
        cal = cals[t]
        wd = cal.days
        pos = cal.next[est]
        if k == FIXED:
            dur = days_of[t]
            last = len(wd) - dur
            us = uses_of[t]
            if len(us) == 1:
                r0, u0 = us[0]
                fr0 = free[r0]
                need = u0 - EPS
                bad = _known(full, seeds, (id(cal), us))
                if pos in bad:
                    pos = _skip(bad, pos)
                while pos <= last:
                    q = pos + dur - 1
                    while q >= pos and fr0[wd[q]] >= need:
                        q -= 1
                    if q < pos:
                        break
                    bad[q] = q + 1
                    pos = _skip(bad, q + 1)
                if pos > last:
                    continue
                for q in range(pos, pos + dur):
                    fr0[wd[q]] -= u0
            else:
                frs = [(free[r], u - EPS) for r, u in us]
                bad = _known(full, seeds, (id(cal), us))
                if pos in bad:
                    pos = _skip(bad, pos)
                while pos <= last:
                    q = pos + dur - 1
                    while q >= pos:
                        d = wd[q]
                        for fr, need in frs:
                            if fr[d] < need:
                                break
                        else:
                            q -= 1
                            continue
                        break
                    if q < pos:
                        break
                    bad[q] = q + 1
                    pos = _skip(bad, q + 1)
                if pos > last:
                    continue
                for q in range(pos, pos + dur):
                    d = wd[q]
                    for r, u in us:
                        free[r][d] -= u
            s, e = wd[pos], wd[pos + dur - 1]
            if record:
                amounts[t] = tuple((wd[q], r, u) for q in range(pos, pos + dur) for r, u in us)
        elif k == EFFORT:
            r, remaining = uses_of[t][0]
            fr = free[r]
            cap = c.cap[t]
            taken: list[tuple[int, str, float]] = []
            s = e = -1
            bad = _known(full, seeds, (id(cal), r))
            q, nwd = pos, len(wd)
            while q < nwd:
                if q in bad:
                    q = _skip(bad, q)
                    if q >= nwd:
                        break
                d = wd[q]
                avail = fr[d]
                if avail <= EPS:
                    bad[q] = q + 1
                    q += 1
                    continue
                take = min(avail, cap, remaining)
                if s < 0:
                    s = d
                taken.append((d, r, take))
                remaining -= take
                if remaining <= EPS:
                    e = d
                    break
                q += 1
            if e < 0:
                continue
            for d, _, take in taken:
                fr[d] -= take
            if record:
                amounts[t] = tuple(taken)
        else:
            dur = days_of[t]
            if pos + dur - 1 >= len(wd):
                continue
            s, e = wd[pos], wd[pos + dur - 1]
            if record:
                amounts[t] = ()
        if g is not None and g not in group_day:
            group_day[g] = s
            if take_materials:
                for m, qty in c.job.groups[g].needs.items():
                    stocks[m].take(s, qty)
        start[t] = s
        finish[t] = e
    return Decoded(start, finish, amounts, waits, group_day)


def delivered(c: Compiled, finish: Sequence[int]) -> list[int | None]:
    """Day index each line is delivered on (None: some task of it is not placed)."""
    out: list[int | None] = []
    for tasks in c.job.line_tasks:
        ends = [finish[t] for t in tasks]
        out.append(None if not ends or min(ends) < 0 else max(ends))
    return out


def place_job(
    job: Job,
    state: CapacityState,
    order: Sequence[int],
    release: Sequence[int],
    *,
    take_materials: bool = True,
) -> Outcome:
    """Place the tasks of ``job`` in ``order`` into ``state`` (which is changed).

    ``release`` is each line's earliest day index. With ``take_materials`` false, stock
    is checked but not consumed (for lower bounds).
    """
    c = compile_job(job, state)
    return place_compiled(c, state, order, release, take_materials=take_materials)


def place_compiled(
    c: Compiled,
    state: CapacityState,
    order: Sequence[int],
    release: Sequence[int],
    *,
    take_materials: bool = True,
) -> Outcome:
    """``place_job`` for an already compiled job."""
    d = decode(
        c, state.free, state.stocks, order, release, take_materials=take_materials, record=True
    )
    out = Outcome(waits=d.waits)
    for t in order:
        if d.start[t] >= 0:
            out.placements[t] = Placement(t, d.start[t], d.finish[t], d.amounts[t])
    out.delivered = delivered(c, d.finish)
    return out


def short_days(c: Compiled, free: Mapping[str, list[float]]) -> dict[ShortKey, dict[int, int]]:
    """For each (calendar, need) of ``c``'s work, the positions in the calendar's working
    days on which ``free`` cannot take it, each mapped to the next position that can.

    Free capacity only falls during a decode, so a day short in ``free`` is short in
    every decode of a copy of it: ``decode`` starts from these instead of finding them
    again on every schedule (a resource booked for months is scanned once per search).
    The tables are kept (``_SHORT_CACHE``) with the free capacity they were found in, and
    used again for free capacity equal to it (the probes of counter-offers change only a
    few resources).
    """
    out: dict[ShortKey, dict[int, int]] = {}
    for t, k in enumerate(c.kind):
        cal, us = c.calendar[t], c.uses[t]
        if k == WAIT:
            continue
        key = _short_key(k, cal, us)
        if key in out:
            continue
        names = [r for r, _ in us]
        hit = _SHORT_CACHE.get(key)
        if hit is not None and all(hit[1][r] == free[r] for r in names):
            out[key] = hit[2]
            continue
        wd = cal.days
        if k == EFFORT:
            fr = free[us[0][0]]
            short = [q for q, d in enumerate(wd) if fr[d] <= EPS]
        else:
            each = [_below(wd, free[r], u - EPS) for r, u in us]
            short = each[0] if len(each) == 1 else sorted(set().union(*each))
        bad: dict[int, int] = {}
        for q in reversed(short):
            bad[q] = bad.get(q + 1, q + 1)
        out[key] = bad
        if len(_SHORT_CACHE) >= _SHORT_CACHE_SIZE:
            _SHORT_CACHE.clear()
        # The calendar is kept alive with the entry, so its id cannot be reused meanwhile.
        _SHORT_CACHE[key] = (cal, {r: list(free[r]) for r in names}, bad)
    return out


def hopeless_lines(
    c: Compiled, free: Mapping[str, list[float]], release: Sequence[int]
) -> set[int]:
    """Lines no decode on a copy of ``free`` can deliver: one of their tasks has no
    working day from its line's release on on which ``free`` could take it (a fixed task
    no run of its days), so it is never placed, whatever the order."""
    short = short_days(c, free)
    out: set[int] = set()
    for t, k in enumerate(c.kind):
        line = c.line[t]
        if k == WAIT or line in out or release[line] >= c.ndays:
            continue
        cal, us = c.calendar[t], c.uses[t]
        known = short[_short_key(k, cal, us)]
        first = cal.next[max(release[line], 0)]
        # The tables map each short position straight to the next one that is not.
        if known.get(first, first) > len(cal.days) - (c.days[t] if k == FIXED else 1):
            out.add(line)
    return out


def _short_key(kind: int, cal: WorkDays, uses: tuple[tuple[str, float], ...]) -> ShortKey:
    """The key of a task's table of short days: its calendar with, for fixed work, what it
    holds a day, for effort, its resource (any free amount serves effort). ``decode``
    builds the same keys inline."""
    return (id(cal), uses) if kind == FIXED else (id(cal), uses[0][0])


def _below(wd: list[int], fr: list[float], need: float) -> list[int]:
    """Positions of ``wd`` whose day has less than ``need`` free in ``fr``."""
    return [q for q, d in enumerate(wd) if fr[d] < need]


def _known(
    full: dict[ShortKey, dict[int, int]], seeds: Mapping[ShortKey, dict[int, int]], key: ShortKey
) -> dict[int, int]:
    """This decode's table of short positions for ``key``, started from ``seeds``."""
    bad = full.get(key)
    if bad is None:
        seed = seeds.get(key)
        bad = full[key] = {} if seed is None else dict(seed)
    return bad


def _skip(bad: dict[int, int], p: int) -> int:
    """The first position from ``p`` on not known short (compressing the path)."""
    root = p
    while root in bad:
        root = bad[root]
    while p != root:
        nxt = bad[p]
        bad[p] = root
        p = nxt
    return root


def _materials_ready(
    job: Job, g: int, stocks: dict[str, Stock], est: int, waits: list[MaterialWait]
) -> int | None:
    day = est
    for m, q in job.groups[g].needs.items():
        ready = stocks[m].earliest(est, q)
        if ready is None or ready > est:
            waits.append(MaterialWait(g, m, est, ready))
        if ready is None:
            return None
        day = max(day, ready)
    return day
