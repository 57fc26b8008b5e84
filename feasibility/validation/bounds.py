"""Bounds on the work one deal asks for, checked against the capacity file before any
engine run (README, "Safety"): a small file must not ask for hours of scheduling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from feasibility.engine.tasks import task_count
from feasibility.errors import InputError, Problem
from feasibility.io.yamlio import Path_
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

if TYPE_CHECKING:
    from feasibility.io.pipeline_csv import CsvDeal
    from feasibility.workspace import LoadedDeal

MAX_TASKS = 20_000
"""Most step instances (tasks) one deal or booking expands into: quantity x steps of the
offering and of its requested features, summed over the deal's lines."""


def too_much_work(deal: Deal, model: CapacityFile) -> tuple[int, str] | None:
    """The line at which ``deal``'s tasks pass ``MAX_TASKS`` and a message saying so (lines
    of unknown offerings count nothing), or None."""
    offerings = {o.id: o for o in model.offerings}
    total = 0
    for i, line in enumerate(deal.lines):
        offering = offerings.get(line.offering)
        total += task_count(offering, line) if offering else 0
        if total > MAX_TASKS:
            rest = sum(
                task_count(offerings[ln.offering], ln)
                for ln in deal.lines[i + 1 :]
                if ln.offering in offerings
            )
            return i, (
                f"the deal asks for {total + rest:,} step instances (quantity x steps of "
                f"each line's offering and features), more than {MAX_TASKS:,}; "
                "split it into smaller deals"
            )
    return None


def work_problem(
    file: str, where: Callable[[Path_], tuple[int, int]], deal: Deal, model: CapacityFile
) -> Problem | None:
    """``too_much_work`` as a problem at the line where the tasks pass the bound."""
    found = too_much_work(deal, model)
    if found is None:
        return None
    i, message = found
    return Problem(file, *where(("lines", i)), f"lines[{i}]: {message}")


def bounded(loaded: Sequence[LoadedDeal], model: CapacityFile) -> list[Deal]:
    """The deals of ``loaded``; raises ``InputError`` when one asks for too much work."""
    found = (work_problem(str(d.path), d.doc.where, d.deal, model) for d in loaded)
    problems = [p for p in found if p is not None]
    if problems:
        raise InputError(problems)
    return [d.deal for d in loaded]


def bounded_rows(rows: Sequence[CsvDeal], file: str, model: CapacityFile) -> list[CsvDeal]:
    """``rows``; raises ``InputError`` when a deal asks for too much work (located at the
    deal's first row)."""
    problems = []
    for row in rows:
        found = too_much_work(row.deal, model)
        if found is not None:
            problems.append(Problem(file, row.line, 1, f"lines[{found[0]}]: {found[1]}"))
    if problems:
        raise InputError(problems)
    return list(rows)
