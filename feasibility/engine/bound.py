"""Proofs that a line cannot be delivered by a day: time windows and timetabling.

Given a deadline for one line, every task of the line gets a window: earliest start from
its predecessors and the line's release, latest start from its successors and the
deadline, both on its own working days. Where a fixed-work task's window is so narrow
that some days are held whatever its start (its compulsory part), those units are
certainly taken; no task may then start where the rest of the free capacity cannot hold
it. Repeated until nothing changes, a window that closes proves that no schedule meets
the deadline (the classic timetable reasoning of constraint-based scheduling, used here
as a destructive lower bound).

The reasoning relaxes the problem, so a proof is valid for the real one: effort work
holds no capacity and lasts its shortest possible number of days, other lines and
materials are left out.
"""

from __future__ import annotations

import math

from feasibility.engine.scheduler import EFFORT, FIXED, WAIT, Compiled
from feasibility.engine.timeline import EPS

MAX_ROUNDS = 100
"""Propagation rounds before giving up without a proof."""


def cannot_meet(
    c: Compiled,
    free: dict[str, list[float]],
    release: int,
    line: int,
    deadline: int,
) -> bool:
    """True when no schedule delivers ``line`` on or before day index ``deadline``.

    ``free`` is the capacity left to the job per resource per day index; ``release`` the
    line's earliest day. False means "not proven", never "possible".
    """
    tasks = c.job.line_tasks[line]
    if not tasks:
        return False
    if deadline < release:
        return True
    ndays = c.ndays
    deadline = min(deadline, ndays - 1)
    dur: dict[int, int] = {}
    for t in tasks:
        if c.kind[t] == EFFORT:
            r, effort = c.uses[t][0]
            rate = min(c.cap[t], max(free[r], default=0.0))
            if rate <= EPS:
                return True
            dur[t] = max(1, math.ceil(effort / rate - 1e-9))
        else:
            dur[t] = c.days[t]
    order = _topological(c, tasks)
    es: dict[int, int] = {}
    ls: dict[int, int] = {}
    for t in order:
        lo = release
        for p in c.preds[t]:
            lo = max(lo, _finish(c, p, es[p], dur[p]) + 1)
        s = _first_start(c, t, lo)
        if s is None:
            return True
        es[t] = s
    for t in reversed(order):
        hi = deadline
        for s in c.succs[t]:
            hi = min(hi, ls[s] - 1)
        s = _last_start(c, t, hi, dur[t])
        if s is None or s < es[t]:
            return True
        ls[t] = s
    fixed = [t for t in order if c.kind[t] == FIXED]
    resources = {r for t in fixed for r, _ in c.uses[t]}
    for _ in range(MAX_ROUNDS):
        load = {r: [0.0] * ndays for r in resources}
        for t in fixed:
            _hold(c, t, es[t], ls[t], dur[t], load, 1.0)
        for r in resources:
            fr, ld = free[r], load[r]
            if any(ld[d] > fr[d] + EPS for d in range(ndays) if ld[d]):
                return True
        changed = False
        for t in fixed:
            if es[t] == ls[t]:
                continue
            _hold(c, t, es[t], ls[t], dur[t], load, -1.0)
            s = _fit_forward(c, t, es[t], ls[t], dur[t], load, free)
            if s is None:
                return True
            e = _fit_backward(c, t, s, ls[t], dur[t], load, free)
            if e is None:
                return True
            if (s, e) != (es[t], ls[t]):
                es[t], ls[t] = s, e
                changed = True
            _hold(c, t, es[t], ls[t], dur[t], load, 1.0)
        if not changed:
            return False
        if _windows(c, order, es, ls, dur, release, deadline):
            return True
    return False


def never_delivered(c: Compiled, free: dict[str, list[float]], release: int, line: int) -> bool:
    """True when no schedule delivers ``line`` within the horizon at all (``cannot_meet``
    at the grid's last day): every schedule leaves it out."""
    return cannot_meet(c, free, release, line, c.ndays - 1)


def _windows(
    c: Compiled,
    order: list[int],
    es: dict[int, int],
    ls: dict[int, int],
    dur: dict[int, int],
    release: int,
    deadline: int,
) -> bool:
    """Re-propagate precedence over the narrowed windows; True when one closes."""
    for t in order:
        lo = es[t]
        for p in c.preds[t]:
            lo = max(lo, _finish(c, p, es[p], dur[p]) + 1)
        if lo > es[t]:
            s = _first_start(c, t, lo)
            if s is None:
                return True
            es[t] = s
    for t in reversed(order):
        hi = _finish(c, t, ls[t], dur[t])
        for s in c.succs[t]:
            hi = min(hi, ls[s] - 1)
        s = _last_start(c, t, min(hi, deadline), dur[t])
        if s is None or s < es[t]:
            return True
        ls[t] = min(ls[t], s)
    return False


def _topological(c: Compiled, tasks: list[int]) -> list[int]:
    mine = set(tasks)
    missing = {t: sum(p in mine for p in c.preds[t]) for t in tasks}
    ready = [t for t in tasks if missing[t] == 0]
    out: list[int] = []
    while ready:
        t = ready.pop()
        out.append(t)
        for s in c.succs[t]:
            if s in mine:
                missing[s] -= 1
                if missing[s] == 0:
                    ready.append(s)
    return out


def _first_start(c: Compiled, t: int, day: int) -> int | None:
    """The first working day of task ``t`` on or after ``day`` (None: none left)."""
    cal = c.calendar[t]
    if day >= c.ndays:
        return None
    p = cal.next[max(day, 0)]
    return cal.days[p] if p < len(cal.days) else None


def _finish(c: Compiled, t: int, start: int, dur: int) -> int:
    """The last day of task ``t`` started on ``start`` (a working day) for ``dur`` days."""
    cal = c.calendar[t]
    p = cal.next[start] + dur - 1
    return cal.days[p] if p < len(cal.days) else c.ndays


def _last_start(c: Compiled, t: int, last: int, dur: int) -> int | None:
    """The latest start of task ``t`` that ends on or before ``last`` (None: none)."""
    if last < 0:
        return None
    cal = c.calendar[t]
    p = cal.prev[min(last, c.ndays - 1)] - dur + 1
    return cal.days[p] if p >= 0 else None


def _hold(
    c: Compiled,
    t: int,
    es: int,
    ls: int,
    dur: int,
    load: dict[str, list[float]],
    sign: float,
) -> None:
    """Add (sign 1) or remove (-1) task ``t``'s compulsory part to ``load``."""
    cal = c.calendar[t]
    lo, hi = cal.next[ls], cal.next[es] + dur - 1
    for q in range(lo, hi + 1):
        d = cal.days[q]
        for r, u in c.uses[t]:
            load[r][d] += sign * u


def _fit_forward(
    c: Compiled,
    t: int,
    es: int,
    ls: int,
    dur: int,
    load: dict[str, list[float]],
    free: dict[str, list[float]],
) -> int | None:
    """The first start in [es, ls] where the task fits beside the certain load."""
    cal = c.calendar[t]
    wd = cal.days
    pos, last = cal.next[es], cal.next[ls]
    uses = [(free[r], load[r], u) for r, u in c.uses[t]]
    while pos <= last:
        q = pos + dur - 1
        if q >= len(wd):
            return None
        while q >= pos:
            d = wd[q]
            if any(ld[d] + u > fr[d] + EPS for fr, ld, u in uses):
                break
            q -= 1
        if q < pos:
            return wd[pos]
        pos = q + 1
    return None


def _fit_backward(
    c: Compiled,
    t: int,
    es: int,
    ls: int,
    dur: int,
    load: dict[str, list[float]],
    free: dict[str, list[float]],
) -> int | None:
    """The last start in [es, ls] where the task fits beside the certain load."""
    cal = c.calendar[t]
    wd = cal.days
    first, pos = cal.next[es], cal.next[ls]
    uses = [(free[r], load[r], u) for r, u in c.uses[t]]
    while pos >= first:
        q = pos
        end = pos + dur - 1
        while q <= end:
            d = wd[q]
            if any(ld[d] + u > fr[d] + EPS for fr, ld, u in uses):
                break
            q += 1
        if q > end:
            return wd[pos]
        pos = q - dur
    return None


def energy_bound(c: Compiled, free: dict[str, list[float]], starts: list[int]) -> list[int | None]:
    """Per line, a day before which no schedule delivers it (None: no bound found).

    Each resource's work in the line (effort, and fixed work's units times days) must fit
    into the capacity free from the first day any of it can start (``starts``: each task's
    earliest start, e.g. with unlimited capacity), at most what the line's tasks can take
    on a day; the task that ends that work is then followed by at least the shortest tail
    of successors any of them has (each successor lasts at least its fewest days).
    """
    n = len(c.kind)
    shortest = [_fewest_days(c, t, free) for t in range(n)]
    tail = [0] * n
    for t in range(n - 1, -1, -1):
        for s in c.succs[t]:
            tail[t] = max(tail[t], shortest[s] + tail[s])
    out: list[int | None] = []
    for tasks in c.job.line_tasks:
        work: dict[str, list[int]] = {}
        for t in tasks:
            for r, _ in c.uses[t] if c.kind[t] != WAIT else ():
                work.setdefault(r, []).append(t)
        best: int | None = None
        for r, mine in work.items():
            day = _energy_day(c, free[r], mine, r, min(starts[t] for t in mine))
            if day is None:
                continue
            day += min(tail[t] for t in mine)
            best = day if best is None else max(best, day)
        out.append(best)
    return out


def _fewest_days(c: Compiled, t: int, free: dict[str, list[float]]) -> int:
    """The fewest days task ``t`` can last: its days, or its effort at the best rate."""
    if c.kind[t] != EFFORT:
        return c.days[t]
    r, effort = c.uses[t][0]
    rate = min(c.cap[t], max(free[r], default=0.0))
    return max(1, math.ceil(effort / rate - 1e-9)) if rate > EPS else 1


def _energy_day(c: Compiled, fr: list[float], tasks: list[int], r: str, first: int) -> int | None:
    """The first day by which ``tasks``' work on ``r`` fits into its free capacity from
    ``first`` on, taking on each day at most what those tasks can hold together."""
    need = 0.0
    most = 0.0
    for t in tasks:
        if c.kind[t] == EFFORT:
            need += c.uses[t][0][1]
            most += c.cap[t]
        else:
            units = dict(c.uses[t])[r]
            need += units * c.days[t]
            most += units
    done = 0.0
    for d in range(max(first, 0), len(fr)):
        done += min(max(fr[d], 0.0), most)
        if done + EPS >= need:
            return d
    return None
