"""An independent schedule validator: re-derives every SPEC rule from the models alone.

It shares no code with the engine (only the file models), so a bug in the engine's
calendars, capacity, precedence or materials cannot hide behind the same bug here.
Bookings are not covered: call it on models whose only prior load is reservations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import holidays

from feasibility.engine.result import DealResult, ScheduledStep
from feasibility.models.capacity import Calendar, CapacityFile, Feature, Resource, Step
from feasibility.models.deal import Deal

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TOL = 1e-6


def _works(cal: Calendar, own: Resource | None, day: dt.date) -> bool:
    workdays, hol, closures = cal.workdays, cal.holidays, list(cal.closures)
    if own is not None and own.calendar is not None:
        workdays = own.calendar.workdays if own.calendar.workdays is not None else workdays
        hol = own.calendar.holidays if own.calendar.holidays is not None else hol
        closures += own.calendar.closures
    if DAYS[day.weekday()] not in workdays:
        return False
    if hol is not None:
        table = holidays.country_holidays(hol.country, subdiv=hol.subdivision, years=day.year)
        if day in table:
            return False
    return not any(c.from_ <= day <= c.to for c in closures)


def _capacity(model: CapacityFile, r: Resource, day: dt.date) -> float:
    if not _works(model.calendar, r, day):
        return 0.0
    per_day, per_week = r.per_day, r.per_week
    for change in r.changes:
        if change.from_ <= day:
            per_day, per_week = change.per_day, change.per_week
    if per_day is not None:
        return per_day
    own = r.calendar.workdays if r.calendar and r.calendar.workdays is not None else None
    return (per_week or 0.0) / len(own if own is not None else model.calendar.workdays)


def _company_days_after(model: CapacityFile, day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        n -= _works(model.calendar, None, day)
    return day


def _steps(
    model: CapacityFile, offering_id: str, features: list[str]
) -> dict[str, tuple[Step, list[str]]]:
    offering = next(o for o in model.offerings if o.id == offering_id)
    out: dict[str, tuple[Step, list[str]]] = {}
    prev: str | None = None
    for s in offering.steps:
        out[s.id] = (s, s.after if s.after is not None else ([prev] if prev else []))
        prev = s.id
    last = prev
    for f in features:
        spec = offering.features[f]
        if isinstance(spec, Feature):
            prev = last
            for s in spec.steps:
                out[s.id] = (s, s.after if s.after is not None else ([prev] if prev else []))
                prev = s.id
    return out


def violations(model: CapacityFile, deal: Deal, as_of: dt.date, result: DealResult) -> list[str]:
    """Every way ``result.schedule`` breaks a rule of SPEC ("Time, exactly"); [] if none."""
    bad: list[str] = []
    resources = {r.id: r for r in model.resources}
    by_key: dict[tuple[int, int | None, str], ScheduledStep] = {}
    for s in result.schedule:
        by_key[(s.line, s.unit, s.step)] = s
    use: dict[tuple[str, dt.date], float] = defaultdict(float)
    for res in model.reservations:
        day = res.from_
        while day <= res.to:
            if _capacity(model, resources[res.resource], day) > 0:
                use[(res.resource, day)] += res.per_day
            day += dt.timedelta(days=1)
    # Reservations beyond capacity only cap free capacity at zero.
    for key in list(use):
        use[key] = min(use[key], _capacity(model, resources[key[0]], key[1]))
    takes: list[tuple[dt.date, str, float]] = []
    for n, line in enumerate(deal.lines):
        offering = next((o for o in model.offerings if o.id == line.offering), None)
        if offering is None or result.lines[n].earliest is None:
            continue
        steps = _steps(model, line.offering, line.features)
        notice = _company_days_after(model, as_of, offering.min_notice_days)
        release = max(notice, deal.start or as_of, as_of)
        first_start: dict[int | None, dt.date] = {}
        has_units = any(st.per == "unit" for st, _ in steps.values())
        for sid, (step, after) in steps.items():
            units: list[int | None] = (
                list(range(1, line.quantity + 1)) if step.per == "unit" else [None]
            )
            for u in units:
                found = by_key.get((n, u, sid))
                if found is None:
                    bad.append(f"line {n} unit {u} step {sid} missing from the schedule")
                    continue
                s = found
                tag = f"line {n} unit {u} step {sid}"
                if s.start < release:
                    bad.append(f"{tag} starts {s.start} before release {release}")
                for a in after:
                    pred_units = (
                        [u]
                        if steps[a][0].per == "unit" and u is not None
                        else (
                            list(range(1, line.quantity + 1))
                            if steps[a][0].per == "unit"
                            else [None]
                        )
                    )
                    for pu in pred_units:
                        p = by_key.get((n, pu, a))
                        if p is not None and s.start <= p.finish:
                            bad.append(
                                f"{tag} starts {s.start} before {a} (unit {pu}) ends {p.finish}"
                            )
                bad += _check_step(model, step, s, tag, resources)
                for day, r, amount in s.daily:
                    use[(r, day)] += amount
                if (u is not None) == has_units:
                    first_start[u] = min(first_start.get(u, s.start), s.start)
        for u, day in first_start.items():
            factor = 1 if u is not None else line.quantity
            for m, q in offering.materials.items():
                takes.append((day, m, q * factor))
        delivered = max(by_key[(n, u, sid)].finish for (ln, u, sid) in by_key if ln == n)
        if result.lines[n].earliest != delivered:
            bad.append(f"line {n} reported {result.lines[n].earliest}, schedule ends {delivered}")
    for (r, day), amount in use.items():
        cap = _capacity(model, resources[r], day)
        if amount > cap + TOL:
            bad.append(f"{r} on {day}: {amount:g} used, capacity {cap:g}")
    bad += _check_stock(model, as_of, takes)
    return bad


def _check_step(
    model: CapacityFile, step: Step, s: ScheduledStep, tag: str, resources: dict[str, Resource]
) -> list[str]:
    bad: list[str] = []
    days = sorted({d for d, _, _ in s.daily})
    if step.effort is not None and step.resource is not None:
        total = sum(a for _, r, a in s.daily if r == step.resource)
        if abs(total - step.effort) > TOL:
            bad.append(f"{tag}: effort {total:g} scheduled, {step.effort:g} needed")
        for d, _, a in s.daily:
            if not _works(model.calendar, resources[step.resource], d):
                bad.append(f"{tag}: works on {d}, a day off of {step.resource}")
            if step.max_per_day is not None and a > step.max_per_day + TOL:
                bad.append(f"{tag}: {a:g} on {d} over max_per_day {step.max_per_day:g}")
    elif step.uses:
        assert step.days is not None
        common = [
            d
            for d in _date_range(s.start, s.finish)
            if all(_works(model.calendar, resources[r], d) for r in step.uses)
        ]
        if days != common or len(common) != step.days:
            bad.append(f"{tag}: fixed work on {days}, expected {step.days} consecutive common days")
        for d in days:
            for r, units in step.uses.items():
                held = sum(a for dd, rr, a in s.daily if dd == d and rr == r)
                if abs(held - units) > TOL:
                    bad.append(f"{tag}: holds {held:g} of {r} on {d}, needs {units:g}")
    else:
        assert step.days is not None
        worked = [d for d in _date_range(s.start, s.finish) if _works(model.calendar, None, d)]
        if not _works(model.calendar, None, s.start) or len(worked) != step.days:
            bad.append(f"{tag}: wait {s.start}..{s.finish} is not {step.days} company working days")
        if worked and worked[-1] != s.finish:
            bad.append(f"{tag}: wait ends on {s.finish}, not a company working day")
    if days and (days[0] != s.start or days[-1] != s.finish):
        bad.append(f"{tag}: start/finish {s.start}/{s.finish} differ from days worked")
    return bad


def _check_stock(
    model: CapacityFile, as_of: dt.date, takes: list[tuple[dt.date, str, float]]
) -> list[str]:
    bad: list[str] = []
    for m in model.materials:
        mine = sorted((d, q) for d, mm, q in takes if mm == m.id)
        unlimited = (
            None if m.replenish_days is None else as_of + dt.timedelta(days=m.replenish_days)
        )
        for day, _ in mine:
            if unlimited is not None and day >= unlimited:
                continue
            # Stock must never go negative from this take on, until unlimited supply.
            horizon = sorted(
                {day}
                | {r.date for r in m.receipts if r.date > day}
                | {d for d, _ in mine if d > day}
            )
            for t in horizon:
                if unlimited is not None and t >= unlimited:
                    break
                stock = m.on_hand + sum(r.qty for r in m.receipts if r.date <= t)
                stock -= sum(q for d, q in mine if d <= t)
                if stock < -TOL:
                    bad.append(f"{m.id} short by {-stock:g} on {t}")
    return sorted(set(bad))


def _date_range(a: dt.date, b: dt.date) -> list[dt.date]:
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
