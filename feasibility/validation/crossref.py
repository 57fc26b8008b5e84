"""Checks that span a capacity file: references, precedence cycles, dates, deliverability.

Each check returns located problems; all of them run, so one run reports everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice

from feasibility.engine.calendar import holidays_gap, known_region, merged_calendar
from feasibility.engine.timeline import build_timeline, resource_days
from feasibility.errors import Problem
from feasibility.io.yamlio import MAX_PROBLEMS, Document, Path_
from feasibility.models.capacity import (
    Calendar,
    CalendarOverride,
    CapacityFile,
    Feature,
    Material,
    Offering,
    Resource,
    Step,
)
from feasibility.validation.schema import did_you_mean, display_path
from feasibility.wording import amount


def check_capacity(doc: Document, model: CapacityFile) -> list[Problem]:
    """Every cross-reference problem of a schema-valid capacity file (the first
    ``MAX_PROBLEMS``, then one saying there are more)."""
    found = list(islice(_all_problems(model), MAX_PROBLEMS + 1))
    problems = [_locate(doc, path, msg, key) for path, msg, key in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        line, col = doc.where(found[MAX_PROBLEMS][0])
        problems.append(Problem(doc.file, line, col, "too many problems; fix these first"))
    return problems


def holiday_gaps(doc: Document, model: CapacityFile, as_of: dt.date) -> list[Problem]:
    """A warning on each calendar's ``holidays`` whose country the holidays package does not
    know for every year from ``as_of`` to the planning horizon's end (those days would count
    as working days)."""
    timeline = build_timeline(model, as_of)
    last = timeline.date(timeline.ndays - 1)
    calendars: list[tuple[Path_, Calendar | CalendarOverride | None]] = [
        (("calendar",), model.calendar),
        *((("resources", i, "calendar"), r.calendar) for i, r in enumerate(model.resources)),
    ]
    problems = []
    for at, cal in calendars:
        if cal is None or cal.holidays is None or known_region(cal.holidays):
            continue
        gap = holidays_gap(cal.holidays, as_of.year, last.year)
        if gap is not None:
            line, col = doc.where(at + ("holidays",))
            message = (
                f"{display_path(at + ('holidays',))}: the holidays package says "
                f"'{gap}', and the planning horizon runs from {as_of} to {last}: "
                "holidays it does not know count as working days; list them as closures"
            )
            problems.append(Problem(doc.file, line, col, message, "warning"))
    return problems


def never_together(doc: Document, model: CapacityFile, as_of: dt.date) -> list[Problem]:
    """An error on each step of several resources that never all work on one day from
    ``as_of`` to the planning horizon's end: it can never run."""
    timeline = build_timeline(model, as_of)
    last = timeline.date(timeline.ndays - 1)
    resources = {r.id: r for r in model.resources}
    works: dict[str, tuple[bool, ...]] = {}
    problems = []
    for path, step in _steps(model):
        used = sorted({*(step.uses or {}), *([step.resource] if step.resource else [])})
        if len(used) < 2 or not all(r in resources for r in used):
            continue
        for r in used:
            works.setdefault(r, resource_days(model, resources[r], timeline).works)
        if not any(all(day) for day in zip(*(works[r] for r in used), strict=True)):
            line, col = doc.where(path + ("uses",) if step.uses else path, prefer_key=True)
            message = (
                f"{display_path(path)}: its resources ({', '.join(used)}) never work on the "
                f"same day from {as_of} to {last}, so this step can never run; give them a "
                "common working day (calendar workdays, closures, holidays)"
            )
            problems.append(Problem(doc.file, line, col, message))
    return problems


def _steps(model: CapacityFile) -> Iterator[tuple[Path_, Step]]:
    """Every step of every offering and feature, with its path in the file."""
    for i, o in enumerate(model.offerings):
        yield from ((("offerings", i, "steps", k), s) for k, s in enumerate(o.steps))
        for name, spec in o.features.items():
            if isinstance(spec, Feature):
                at: Path_ = ("offerings", i, "features", name, "steps")
                yield from ((at + (k,), s) for k, s in enumerate(spec.steps))


def _all_problems(model: CapacityFile) -> Iterator[tuple[Path_, str, bool]]:
    """The problems one by one, so that a file with thousands stops early."""
    yield from _duplicate_ids(model)
    yield from _calendar_problems(model.calendar, ("calendar",))
    resources = {r.id: r for r in model.resources}
    for i, r in enumerate(model.resources):
        yield from _resource_problems(model, r, ("resources", i))
    for i, o in enumerate(model.offerings):
        yield from _offering_problems(model, o, resources, ("offerings", i))
    for i, res in enumerate(model.reservations):
        at: Path_ = ("reservations", i)
        if res.resource not in resources:
            yield _unknown(at + ("resource",), "resource", res.resource, resources)
        if res.to < res.from_:
            yield (at + ("to",), f"ends ({res.to}) before it starts ({res.from_})", False)


def _locate(doc: Document, path: Path_, message: str, on_key: bool) -> Problem:
    line, col = doc.where(path, prefer_key=on_key)
    return Problem(doc.file, line, col, f"{display_path(path)}: {message}")


def _unknown(
    path: Path_, kind: str, name: str, known: Mapping[str, object]
) -> tuple[Path_, str, bool]:
    hint = did_you_mean(name, list(known)) or f"; define it under {kind}s or fix the id"
    return (path, f"unknown {kind} '{name}'{hint}", False)


def _duplicate_ids(model: CapacityFile) -> Iterator[tuple[Path_, str, bool]]:
    sections: list[tuple[str, Sequence[Resource | Material | Offering]]] = [
        ("resources", model.resources),
        ("materials", model.materials),
        ("offerings", model.offerings),
    ]
    for section, items in sections:
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                yield (
                    (section, i, "id"),
                    f"duplicate id '{item.id}' (also {section}[{first[item.id]}]); "
                    "ids must be unique",
                    False,
                )
            first.setdefault(item.id, i)


def _calendar_problems(
    cal: Calendar | CalendarOverride, at: Path_
) -> Iterator[tuple[Path_, str, bool]]:
    if cal.holidays is not None:
        wrong = known_region(cal.holidays)
        if wrong:
            yield (
                at + ("holidays",),
                f"{wrong}; use an ISO code the holidays package knows",
                False,
            )
    for i, c in enumerate(cal.closures):
        if c.to < c.from_:
            yield (at + ("closures", i, "to"), f"ends ({c.to}) before it starts ({c.from_})", False)
    if cal.workdays is not None and not cal.workdays:
        yield (at + ("workdays",), "no working days; list at least one day (mon..sun)", False)


def _resource_problems(
    model: CapacityFile, r: Resource, at: Path_
) -> Iterator[tuple[Path_, str, bool]]:
    if r.calendar is not None:
        yield from _calendar_problems(r.calendar, at + ("calendar",))
    for i in range(1, len(r.changes)):
        if r.changes[i].from_ <= r.changes[i - 1].from_:
            yield (
                at + ("changes", i, "from"),
                f"changes must be in date order: {r.changes[i].from_} is not after "
                f"{r.changes[i - 1].from_}",
                False,
            )


def _offering_problems(
    model: CapacityFile, o: Offering, resources: dict[str, Resource], at: Path_
) -> Iterator[tuple[Path_, str, bool]]:
    materials = {m.id: m for m in model.materials}
    for m in o.materials:
        if m not in materials:
            yield _unknown(at + ("materials", m), "material", m, materials)
    steps: list[tuple[Step, Path_, str | None]] = [
        (s, at + ("steps", i), None) for i, s in enumerate(o.steps)
    ]
    for name, spec in o.features.items():
        if isinstance(spec, Feature):
            steps += [
                (s, at + ("features", name, "steps", i), name) for i, s in enumerate(spec.steps)
            ]
    owner: dict[str, str | None] = {}
    for step, path, feature in steps:
        if step.id in owner:
            yield (path + ("id",), f"duplicate step id '{step.id}' in offering '{o.id}'", False)
        owner.setdefault(step.id, feature)
    for step, path, feature in steps:
        yield from _step_refs(model, step, path, resources)
        for k, a in enumerate(step.after or []):
            if a not in owner:
                yield _unknown(path + ("after", k), "step", a, dict.fromkeys(owner))
            elif owner[a] is not None and owner[a] != feature:
                yield (
                    path + ("after", k),
                    f"cannot come after '{a}', a step of feature '{owner[a]}': it exists only "
                    "on lines asking for that feature",
                    False,
                )
    cycle = _cycle(o)
    if cycle:
        step, path = next((s, p) for s, p, _ in steps if s.id == cycle[0])
        where = path + ("after",) if step.after else path
        message = "precedence cycle: " + " -> ".join(cycle) + "; remove one of these `after` links"
        yield (where, message, False)


def _step_refs(
    model: CapacityFile, step: Step, path: Path_, resources: dict[str, Resource]
) -> Iterator[tuple[Path_, str, bool]]:
    needed = dict(step.uses or {})
    if step.resource is not None:
        if step.resource not in resources:
            yield _unknown(path + ("resource",), "resource", step.resource, resources)
        else:
            needed.setdefault(step.resource, 0.0)
    for r, units in needed.items():
        if r not in resources:
            yield _unknown(path + ("uses", r), "resource", r, resources)
            continue
        resource = resources[r]
        cal = merged_calendar(model.calendar, resource.calendar)
        if not cal.weekdays:
            yield (path, f"resource '{r}' never works, so this step can never run", False)
        most = _peak(resource)
        if most <= 0 or units > most:
            yield (
                path + (("uses", r) if units else ("resource",)),
                f"needs {amount(units, resource.unit)} of '{r}' a day, which has at most {most:g}: "
                "this step can never run",
                False,
            )


def _peak(r: Resource) -> float:
    """The most capacity ``r`` ever has on one working day."""
    days = max(len(r.calendar.workdays) if r.calendar and r.calendar.workdays else 5, 1)
    rates = [(r.per_day, r.per_week)] + [(c.per_day, c.per_week) for c in r.changes]
    return max((d if d is not None else (w or 0.0) / days) for d, w in rates)


def _cycle(o: Offering) -> list[str] | None:
    """A precedence cycle among the offering's (and its features') steps, if any."""
    graph: dict[str, list[str]] = {}
    groups = [o.steps] + [f.steps for f in o.features.values() if isinstance(f, Feature)]
    for g, steps in enumerate(groups):
        previous = None if g == 0 else (o.steps[-1].id if o.steps else None)
        for s in steps:
            after = s.after if s.after is not None else ([] if previous is None else [previous])
            graph.setdefault(s.id, []).extend(a for a in after)
            previous = s.id
    return _find_cycle(graph)


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of ``graph`` (node -> the nodes it comes after), in forward order; iterative."""
    state: dict[str, int] = {}
    for root in graph:
        if root in state:
            continue
        path: list[str] = [root]
        todo: list[list[str]] = [list(graph[root])]
        state[root] = 1
        while path:
            if not todo[-1]:
                state[path.pop()] = 2
                todo.pop()
                continue
            nxt = todo[-1].pop()
            if state.get(nxt) == 1:
                return list(reversed([*path[path.index(nxt) :], nxt]))
            if nxt in graph and nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                todo.append(list(graph[nxt]))
    return None
