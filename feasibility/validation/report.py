"""`validate`: every problem of the capacity file, its bookings and given deal files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feasibility.engine.held import paused_gc
from feasibility.errors import Problem, Unplaced, placed_capped
from feasibility.validation.crossref import holiday_gaps, never_together
from feasibility.validation.held_plans import booking_health
from feasibility.workspace import (
    LoadedDeal,
    read_bookings,
    read_capacity,
    read_deal,
)


@dataclass(frozen=True)
class ValidationReport:
    """Problems found, sorted by file and position, at most ``MAX_LIKE`` of a kind
    (``errors.capped``); ``files`` lists what was read."""

    files: list[str]
    problems: list[Problem]

    def valid(self, *, strict: bool = False) -> bool:
        """No errors (and, when strict, no warnings)."""
        return not any(p.severity == "error" or strict for p in self.problems)


def validate_workspace(
    capacity_path: Path, deal_paths: Sequence[Path], as_of: dt.date
) -> ValidationReport:
    """Validate everything; never stops at the first problem."""
    with paused_gc():
        return _validate(capacity_path, deal_paths, as_of)


def _validate(capacity_path: Path, deal_paths: Sequence[Path], as_of: dt.date) -> ValidationReport:
    files = [str(capacity_path)]
    capacity, found = read_capacity(capacity_path)
    problems: list[Problem | Unplaced] = list(found)
    bookings: list[LoadedDeal] = []
    if capacity is not None:
        bookings, found = read_bookings(capacity)
        problems += found
        files += [str(b.path) for b in bookings]
        problems += holiday_gaps(capacity.doc, capacity.model, as_of)
        problems += never_together(capacity.doc, capacity.model, as_of)
        if not found:
            problems += booking_health(capacity, bookings, as_of)
    for path in deal_paths:
        files.append(str(path))
        problems += read_deal(path, capacity)[1]
    return ValidationReport(files, placed_capped(problems))
