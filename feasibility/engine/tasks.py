"""Expand deal lines into step instances (tasks) with precedence and material needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from feasibility.models.capacity import Feature, Offering, Step
from feasibility.models.deal import DealLine


@dataclass(frozen=True)
class Task:
    """One step instance: a step of a line, for one unit (or once for the line)."""

    index: int
    line: int
    """Index of the deal line."""
    unit: int | None
    """1-based unit number, or None for a `per: line` step."""
    step: Step
    feature: str | None
    """The feature that added this step, if any."""
    preds: tuple[int, ...]
    """Indexes of the tasks this one starts after."""
    group: int | None
    """Index of the material group whose stock this task's start takes, if any."""


@dataclass(frozen=True)
class MaterialGroup:
    """Materials taken together on the day the first of its tasks starts."""

    line: int
    unit: int | None
    needs: dict[str, float]
    """Quantity of each material."""


@dataclass
class Job:
    """Everything to schedule for one deal: tasks, material groups, line limits."""

    tasks: list[Task] = field(default_factory=list)
    groups: list[MaterialGroup] = field(default_factory=list)
    line_tasks: list[list[int]] = field(default_factory=list)
    """Task indexes of each line (empty for a line that cannot be expanded)."""


def line_steps(offering: Offering, features: list[str]) -> list[tuple[Step, str | None, list[str]]]:
    """The steps of a line: the offering's, then each requested feature's, with their
    resolved `after` lists (omitted: the previous step; a feature's first step follows
    the offering's last step)."""
    out: list[tuple[Step, str | None, list[str]]] = []
    previous: str | None = None
    for step in offering.steps:
        out.append((step, None, _after(step, previous)))
        previous = step.id
    last_offering_step = previous
    for name in features:
        spec = offering.features.get(name)
        if not isinstance(spec, Feature):
            continue
        previous = last_offering_step
        for step in spec.steps:
            out.append((step, name, _after(step, previous)))
            previous = step.id
    return _topological(out)


def task_count(offering: Offering, line: DealLine) -> int:
    """Step instances (tasks) a line expands into: each of its offering's and requested
    features' steps once per unit (``per: unit``) or once (``per: line``)."""
    steps = list(offering.steps)
    for name in line.features:
        spec = offering.features.get(name)
        if isinstance(spec, Feature):
            steps += spec.steps
    return sum(line.quantity if s.per == "unit" else 1 for s in steps)


def _topological(
    steps: list[tuple[Step, str | None, list[str]]],
) -> list[tuple[Step, str | None, list[str]]]:
    """Steps reordered so that each comes after those it follows (stable otherwise)."""
    done: set[str] = set()
    pending = list(steps)
    ordered: list[tuple[Step, str | None, list[str]]] = []
    while pending:
        ready = [t for t in pending if all(a in done for a in t[2])]
        if not ready:
            raise ValueError("precedence cycle or unknown step in " + pending[0][0].id)
        for t in ready:
            done.add(t[0].id)
        ordered.extend(ready)
        pending = [t for t in pending if t[0].id not in done]
    return ordered


def _after(step: Step, previous: str | None) -> list[str]:
    if step.after is not None:
        return list(step.after)
    return [] if previous is None else [previous]


def add_line(job: Job, line_no: int, line: DealLine, offering: Offering) -> None:
    """Append the tasks of one deal line to ``job``."""
    steps = line_steps(offering, line.features)
    per_unit = [s for s, _, _ in steps if s.per == "unit"]
    units = range(1, line.quantity + 1)
    ids: dict[tuple[str, int | None], int] = {}
    mine: list[int] = []
    unit_group: dict[int | None, int] = {}
    if offering.materials:
        if per_unit:
            for u in units:
                unit_group[u] = len(job.groups)
                job.groups.append(MaterialGroup(line_no, u, dict(offering.materials)))
        else:
            unit_group[None] = len(job.groups)
            needs = {m: q * line.quantity for m, q in offering.materials.items()}
            job.groups.append(MaterialGroup(line_no, None, needs))
    per = {s.id: s.per for s, _, _ in steps}
    for step, feature, after in steps:
        for unit in units if step.per == "unit" else [None]:
            preds: list[int] = []
            for a in after:
                if per[a] == "line":
                    preds.append(ids[(a, None)])
                elif unit is not None:
                    preds.append(ids[(a, unit)])
                else:
                    preds.extend(ids[(a, u)] for u in units)
            index = len(job.tasks)
            ids[(step.id, unit)] = index
            mine.append(index)
            job.tasks.append(
                Task(index, line_no, unit, step, feature, tuple(preds), unit_group.get(unit))
            )
    job.line_tasks.append(mine)
