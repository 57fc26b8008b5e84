"""`validate`: every problem of the capacity file, its bookings and given deal files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feasibility.engine.plan import build_plan
from feasibility.errors import Problem
from feasibility.workspace import (
    LoadedCapacity,
    LoadedDeal,
    read_bookings,
    read_capacity,
    read_deal,
)


@dataclass(frozen=True)
class ValidationReport:
    """Problems found, sorted by file and position; ``files`` lists what was read."""

    files: list[str]
    problems: list[Problem]

    def valid(self, *, strict: bool = False) -> bool:
        """No errors (and, when strict, no warnings)."""
        return not any(p.severity == "error" or strict for p in self.problems)


def validate_workspace(
    capacity_path: Path, deal_paths: Sequence[Path], as_of: dt.date
) -> ValidationReport:
    """Validate everything; never stops at the first problem."""
    files = [str(capacity_path)]
    capacity, problems = read_capacity(capacity_path)
    bookings: list[LoadedDeal] = []
    if capacity is not None:
        bookings, found = read_bookings(capacity)
        problems += found
        files += [str(b.path) for b in bookings]
        if not found:
            problems += booking_health(capacity, bookings, as_of)
    for path in deal_paths:
        files.append(str(path))
        problems += read_deal(path, capacity)[1]
    return ValidationReport(files, sorted(problems, key=lambda p: (p.file, p.line, p.column)))


def booking_health(
    capacity: LoadedCapacity, bookings: list[LoadedDeal], as_of: dt.date
) -> list[Problem]:
    """Booked lines that now miss their due date (errors); expired or finished ones (warnings)."""
    by_id = {b.deal.id: b for b in bookings}
    plan = build_plan(capacity.model, [b.deal for b in bookings], as_of)
    out: list[Problem] = []
    for outcome in plan.bookings:
        loaded = by_id[outcome.deal.id]
        doc, deal = loaded.doc, loaded.deal
        owner = f" (owner: {deal.owner})" if deal.owner else ""
        hold = deal.booking.hold_until if deal.booking else None
        if hold is not None and hold < as_of:
            line, col = doc.where(("booking", "hold_until"))
            msg = f"hold expired on {hold}; it no longer takes capacity: release or re-book it"
            out.append(Problem(doc.file, line, col, msg + owner, "warning"))
        elif not outcome.counted:
            line, col = doc.where(("id",))
            msg = f"every line was due before {as_of}; it takes no capacity: release it"
            out.append(Problem(doc.file, line, col, msg + owner, "warning"))
        for booked in outcome.lines:
            if booked.broken:
                line, col = doc.where(("lines", booked.line, "due"))
                when = booked.delivered or "not within the horizon"
                msg = (
                    f"booked line {booked.line} is due {booked.due} but can now be delivered "
                    f"only {when}; talk to the deal owner{owner}"
                )
                out.append(Problem(doc.file, line, col, msg))
    return out
