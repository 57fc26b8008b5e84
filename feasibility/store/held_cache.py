"""The bookings' held load, cached between runs: a `check` against thousands of bookings
whose plans were all found to fit reads one small file instead of every booking.

The cache is a file in Python's ``marshal`` format (read back several times faster than
JSON) in the user's cache folder (``cache_files.cache_folder``: an empty
``FEASIBILITY_CACHE_DIR`` turns it off), one per bookings folder. It is used only when
everything it was made from is the same: this version of Python, of feasibility and of
`holidays`, the capacity file's bytes, and every booking file's name, size, modification time and
inode; and only on a check date on which its totals still hold (``HeldTotals.usable_on``).
Anything else, a file that cannot be read or parsed included, is a miss (as is any change
of feasibility's own source files): the bookings are read and checked as always, and the
cache is written anew when all their plans fit. It is never read from the repository, so
a file in a pull request cannot pose as one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import sys
from collections.abc import Set
from importlib import metadata
from pathlib import Path
from typing import Any

from feasibility import __version__
from feasibility.engine.commitments import build_plan
from feasibility.engine.held import HeldTotals, paused_gc
from feasibility.engine.plan import Plan
from feasibility.errors import InputError
from feasibility.models.deal import Deal
from feasibility.store.cache_files import cache_folder, replace_quietly
from feasibility.workspace import LoadedCapacity, booking_stats, read_bookings, read_capacity

FORMAT = 2
"""Bumped whenever what the file holds, or what it means, changes."""


def cache_file(capacity: LoadedCapacity) -> Path | None:
    """Where the cache of ``capacity``'s bookings folder lives (None: turned off)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        where = str(capacity.bookings_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop: the bookings are read (and refused)
        return None
    key = hashlib.sha256(where.encode()).hexdigest()[:24]
    return folder / f"held-{key}.marshal"


def stamp(capacity: LoadedCapacity) -> dict[str, Any] | None:
    """What the cache must have been made from (None: the folder cannot be read)."""
    stats = booking_stats(capacity)
    if stats is None:
        return None
    try:
        text = capacity.path.read_bytes()
        versions = [sys.version, __version__, metadata.version("holidays"), _code()]
    except (OSError, metadata.PackageNotFoundError):
        return None
    return {
        "format": FORMAT,
        "versions": versions,
        "capacity": hashlib.sha256(text).hexdigest(),
        "bookings": stats,
    }


def _code() -> str:
    """A digest of this installation's own source files (name, size, modification time):
    an upgrade, or an edit of an editable install, is a miss."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def read_held(capacity: LoadedCapacity, as_of: dt.date) -> HeldTotals | None:
    """The cached totals of ``capacity``'s bookings, if they hold on ``as_of``."""
    path = cache_file(capacity)
    if path is None:
        return None
    try:
        data = marshal.loads(path.read_bytes())
        if data.get("stamp") != stamp(capacity):
            return None
        totals = _totals(data["held"])
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        return None
    return totals if totals.usable_on(as_of) else None


def write_held(capacity: LoadedCapacity, totals: HeldTotals) -> None:
    """Cache ``totals`` for ``capacity``'s bookings; a folder that cannot be written is
    no error (the next run reads the bookings again)."""
    path, made_from = cache_file(capacity), stamp(capacity)
    if path is None or made_from is None:
        return
    replace_quietly(path, marshal.dumps({"stamp": made_from, "held": _data(totals)}))
    with contextlib.suppress(OSError):  # the JSON file of format 1, which nothing reads now
        path.with_suffix(".json").unlink(missing_ok=True)


def _data(t: HeldTotals) -> dict[str, Any]:
    """``t`` as plain values, every date as its ordinal."""
    return {
        "as_of": t.as_of.toordinal(),
        "amounts": {r: (tuple(days), tuple(days.values())) for r, days in t.amounts.items()},
        "takes": t.takes,
        "ids": sorted(t.ids),
        "outlive": t.outlive,
    }


def _totals(data: dict[str, Any]) -> HeldTotals:
    """``_data``'s values back, each of the type it must have (TypeError if not)."""
    day = dt.date.fromordinal
    amounts = {str(r): _day_amounts(*days) for r, days in data["amounts"].items()}
    takes = [(int(d), str(m), float(q)) for d, m, q in data["takes"]]
    ids = data["ids"]
    if set(map(type, ids)) - {str}:
        raise TypeError("held booking ids are not text")
    outlive = [(int(stop), int(last)) for stop, last in data["outlive"]]
    return HeldTotals(day(data["as_of"]), amounts, takes, frozenset(ids), outlive)


def _day_amounts(days: tuple[int, ...], amounts: tuple[float, ...]) -> dict[int, float]:
    """Date ordinal -> amount, checked to be ints and numbers (the check runs in C)."""
    if set(map(type, days)) - {int} or set(map(type, amounts)) - {int, float}:
        raise TypeError("held amounts are not ordinals and floats")
    return dict(zip(days, amounts, strict=True))


def plan_for_check(path: Path, as_of: dt.date, ids: Set[str]) -> tuple[Plan, list[Deal]]:
    """The plan `check` works on, from the cache when it holds (and no deal of ``ids`` is
    booked), else from every booking read and checked (then cached, when all fit), with
    the bookings read (none from the cache)."""
    with paused_gc():  # the cache's totals are thousands of objects that live on too
        capacity, problems = read_capacity(path)
        if capacity is None:
            raise InputError(problems)
        held = read_held(capacity, as_of)
        if held is not None and not ids & held.ids:
            return build_plan(capacity.model, [], as_of, held=held), []
        bookings, problems = read_bookings(capacity)
        if problems:
            raise InputError(problems)
        deals = [b.deal for b in bookings]
        plan = build_plan(capacity.model, deals, as_of)
    if plan.held is not None:
        write_held(capacity, plan.held)
    return plan, deals
