"""Forward-backward improvement (justification) of a decoded schedule.

The backward pass takes the tasks by decreasing last day and puts each as late as its
successors (already placed) and its line's delivery day allow, in free capacity; it is
only a way to find a better order. Ordering the tasks by their start in that pass and
decoding the order forward again (with every SPEC rule) often delivers earlier: the
classic "justification" of Valls, Ballestin & Quintanilla (2005). The backward pass
ignores release days and materials; the forward decode enforces them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feasibility.engine.scheduler import EFFORT, FIXED, Compiled
from feasibility.engine.timeline import EPS

if TYPE_CHECKING:
    from feasibility.engine.search import Candidate, Evaluator


def justify(c: Compiled, ev: Evaluator, cand: Candidate) -> Candidate | None:
    """The forward decode of the order a backward pass derives from ``cand``.

    None when ``cand`` leaves a task unplaced or the backward pass cannot place a task
    (effort work or changing capacity can make it run out of days). Costs two schedules
    of the budget.
    """
    finish = cand.finish
    if min(finish, default=0) < 0:
        return None
    line_end = [max((finish[t] for t in tasks), default=0) for tasks in c.job.line_tasks]
    order = sorted(range(len(finish)), key=lambda t: (-finish[t], -cand.start[t], -t))
    return reverse(c, ev, order, line_end, cand.start)


def reverse(
    c: Compiled,
    ev: Evaluator,
    order: list[int],
    line_end: list[int],
    ties: list[int] | None = None,
) -> Candidate | None:
    """Decode ``order`` backward (each task as late as its successors allow, every line
    ending by ``line_end``), then forward in the order of the backward starts.

    ``order`` must put every task after all its successors. None when the backward pass
    cannot place a task. Costs two schedules of the budget.
    """
    ev.spend()
    start = _backward(c, ev.scratch()[0], order, line_end)
    if start is None:
        return None
    tie = ties if ties is not None else [0] * len(start)
    forward = sorted(range(len(start)), key=lambda t: (start[t], tie[t], t))
    return ev.forward(forward)


def _backward(
    c: Compiled, free: dict[str, list[float]], order: list[int], line_end: list[int]
) -> list[int] | None:
    """Each task's first day when right-justified, or None when one does not fit."""
    n = len(c.kind)
    bstart = [0] * n
    kinds, days_of, uses_of, cals, succs = c.kind, c.days, c.uses, c.calendar, c.succs
    for t in order:
        lf = line_end[c.line[t]]
        for s in succs[t]:
            if bstart[s] <= lf:
                lf = bstart[s] - 1
        if lf < 0:
            return None
        cal = cals[t]
        wd = cal.days
        end = cal.prev[min(lf, c.ndays - 1)]
        k = kinds[t]
        if k == FIXED:
            dur = days_of[t]
            us = uses_of[t]
            frs = [(free[r], u - EPS) for r, u in us]
            while end - dur + 1 >= 0:
                q = end - dur + 1
                while q <= end:
                    d = wd[q]
                    for fr, need in frs:
                        if fr[d] < need:
                            break
                    else:
                        q += 1
                        continue
                    break
                if q > end:
                    break
                end = q - 1
            first = end - dur + 1
            if first < 0:
                return None
            for q in range(first, end + 1):
                d = wd[q]
                for r, u in us:
                    free[r][d] -= u
            bstart[t] = wd[first]
        elif k == EFFORT:
            r, remaining = uses_of[t][0]
            fr = free[r]
            cap = c.cap[t]
            q = end
            while q >= 0:
                d = wd[q]
                f = fr[d]
                if f > EPS:
                    take = min(f, cap, remaining)
                    fr[d] -= take
                    remaining -= take
                    if remaining <= EPS:
                        break
                q -= 1
            if q < 0:
                return None
            bstart[t] = wd[q]
        else:
            first = end - days_of[t] + 1
            if first < 0:
                return None
            bstart[t] = wd[first]
    return bstart
