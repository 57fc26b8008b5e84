"""Independent pieces of work spread over forked worker processes, results in order.

Workers are forks of this process: they inherit everything it holds (a plan, a capacity
model) without copying or pickling it, and the function they run need not be picklable;
only each item and each result crosses between processes. Where processes cannot be
forked (Windows), or with one job, this process does the work itself. Every object is
frozen out of the cyclic collector's sight (``gc.freeze``) before the fork, as Python's
documentation advises: a worker's collector would otherwise walk the whole inherited
heap, copying each page it touches, again and again.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_work: Callable[[Any], Any] | None = None
"""The function the workers of the running ``forked_map`` apply (inherited by the fork)."""


def _apply(item: Any) -> Any:
    assert _work is not None, "a worker runs only inside forked_map"
    return _work(item)


def can_fork() -> bool:
    """Whether this platform forks processes (not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(
    work: Callable[[T], R], items: Iterable[T], jobs: int, chunk: int = 1
) -> Iterator[R]:
    """``map(work, items)``, by ``jobs`` forked processes (``chunk`` items at a time)."""
    global _work
    if jobs <= 1 or not can_fork():
        yield from map(work, items)
        return
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    _work = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, context) as pool:
            yield from pool.map(_apply, items, chunksize=chunk)
    finally:
        _work = None
        if not frozen_before:  # an earlier freeze (a large load's) is left as it was
            gc.unfreeze()


def default_jobs() -> int:
    """The processes parallel work uses unless told: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform (macOS, Windows)
        return os.cpu_count() or 1
