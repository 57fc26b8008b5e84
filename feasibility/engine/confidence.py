"""Confidence: each line's probability of being on time and its P50/P80/P95 dates (SPEC,
"Confidence"), by Monte Carlo sampling of estimates and availabilities.

Each sample draws every step instance's work from its triangular estimate (low, the most
likely value, high; fixed and wait days rounded to whole working days, at least one) and,
for each resource of availability ``a`` < 1, whether it is there on each day (there with
probability ``a``, else away all day: the deal gets none of it, booked work keeps its
days). The sample is then scheduled with the serial scheduler, against what reservations
and booked plans leave free, in one order for every sample: the search's best order for
the deal with its due dates left out, so that no sample's dates depend on them. With
every estimate degenerate and everyone always there, every sample is the deterministic
schedule itself. Random streams are seeded from the deal id, the check date and the sample number,
one per purpose (step work; each resource's days), so that the same files on the same
date give the same numbers, and a change to one resource's availability changes nothing
else that is drawn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.result import Confidence, LineResult, Reason
from feasibility.engine.scheduler import EFFORT, Compiled, compile_job, decode, delivered
from feasibility.engine.search import used_materials
from feasibility.engine.solve import Scheduled, schedule_deal
from feasibility.models.capacity import CapacityFile
from feasibility.wording import percent

Z95 = 1.959963984540054
"""The standard normal quantile of 97.5 %: a 95 % interval is within Z95 standard errors."""


def uncertain(model: CapacityFile) -> bool:
    """True when the model has an estimate or an availability below 1 (only then is a
    check sampled; every other model behaves exactly as without confidence)."""
    steps = [s for o in model.offerings for s in o.steps]
    steps += [
        s for o in model.offerings for f in o.features.values() if not isinstance(f, str)
        for s in f.steps
    ]  # fmt: skip
    return any(s.estimate is not None for s in steps) or any(
        r.availability < 1 for r in model.resources
    )


@dataclass(frozen=True)
class Samples:
    """Each sample's delivery day index per expanded line (None: not within the horizon)
    and, when recorded, what it took: (day index, resource, amount) per day worked."""

    delivered: list[list[int | None]]
    taken: list[list[tuple[int, str, float]]]


def seed_of(deal_id: str, as_of: str) -> int:
    """The random seed of a deal's samples on a check date (stable across machines)."""
    digest = hashlib.sha256(f"{deal_id}\n{as_of}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def sample_deal(
    plan: Plan, prepared: Prepared, found: Scheduled, samples: int, *, record: bool = False
) -> Samples:
    """``samples`` schedules of the deal, each with its own draws (see the module's text);
    with ``record``, what each takes from each resource on each day."""
    c = compile_job(prepared.job, plan.state)
    spread = _spread(c)
    share = {r.id: r.availability for r in plan.model.resources}
    away = {r: share[r] for r in c.resources if share[r] < 1}
    if not away and all(e is None or e[0] == e[2] for e in spread):
        taken = [a for p in found.out.placements.values() for a in p.amounts] if record else []
        return Samples([list(found.out.delivered)] * samples, [taken] * samples if record else [])
    order = _sampling_order(plan, prepared, found)
    seed = seed_of(prepared.deal.id, plan.as_of.isoformat())
    materials = used_materials(prepared.job)
    out = Samples([], [])
    for s in range(samples):
        job = _draw(c, spread, random.Random(f"{seed}/{s}/steps"))
        free: dict[str, list[float]] = {}
        for r in c.resources:
            base = plan.state.free[r]
            if r in away:
                rng = random.Random(f"{seed}/{s}/{r}")
                free[r] = [0.0 if rng.random() >= away[r] else f for f in base]
            else:
                free[r] = list(base)
        stocks = {m: plan.state.stocks[m].copy() for m in materials}
        d = decode(job, free, stocks, order, prepared.release, record=record)
        out.delivered.append(delivered(job, d.finish))
        if record:
            out.taken.append([a for amounts in d.amounts.values() for a in amounts])
    return out


def _sampling_order(plan: Plan, prepared: Prepared, found: Scheduled) -> tuple[int, ...]:
    """The order samples are decoded in: the search's best order for the deal with its due
    dates left out, so that a sample's dates never depend on them (a later due date then
    never lowers a line's chance of being on time)."""
    if found.order is not None and all(d is None for d in prepared.due):
        return found.order
    free = replace(prepared, due=[None] * len(prepared.due))
    order = schedule_deal(plan, free, budget=plan.model.policy.search_schedules).order
    assert order is not None
    return order


def quantile(c: Confidence, q: float) -> dt.date | None:
    """The first day by which a share ``q`` of the samples is delivered (None: beyond the
    horizon)."""
    need = max(1, math.ceil(q * c.samples - 1e-9))
    seen = 0
    for day, k in c.dates:
        seen += k
        if seen >= need:
            return day
    return None


def wilson(p: float, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share ``p`` seen in ``n`` samples."""
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def confidences(
    plan: Plan, prepared: Prepared, found: Scheduled
) -> tuple[list[Confidence], float | None]:
    """Per expanded line, its confidence from ``policy.samples`` samples; and the share of
    samples in which every line with a due date is on time (None: no line has one)."""
    n = plan.model.policy.samples
    drawn = sample_deal(plan, prepared, found, n)
    lines = [
        summary(plan, [d[j] for d in drawn.delivered], due) for j, due in enumerate(prepared.due)
    ]
    dues = [(j, due) for j, due in enumerate(prepared.due) if due is not None]
    if not dues:
        return lines, None
    hits = sum(
        1 for d in drawn.delivered if all((x := d[j]) is not None and x <= due for j, due in dues)
    )
    return lines, hits / n


def share_by(c: Confidence, day: dt.date) -> float:
    """Share of the samples delivered on or before ``day``."""
    return sum(k for d, k in c.dates if d <= day) / c.samples


def summary(plan: Plan, days: Sequence[int | None], due: int | None) -> Confidence:
    """A line's confidence from its sampled delivery day indexes."""
    tl = plan.timeline
    counts: dict[int, int] = {}
    for d in days:
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    span = range(min(counts), max(counts) + 1) if counts else range(0)
    dates = tuple((tl.date(d), counts.get(d, 0)) for d in span if d in counts or tl.works(d))
    p = None if due is None else sum(k for d, k in counts.items() if d <= due) / len(days)
    c = Confidence(len(days), p, None if p is None else wilson(p, len(days)), dates=dates)
    c = replace(c, beyond=len(days) - sum(counts.values()))
    return replace(c, p50=quantile(c, 0.5), p80=quantile(c, 0.8), p95=quantile(c, 0.95))


def confident_line(
    plan: Plan, n: int, line: LineResult, confidence: Confidence
) -> tuple[LineResult, list[Reason]]:
    """Deal line ``n`` with its confidence; a line not infeasible whose chance of being on
    time is below ``policy.confidence`` is at risk, with a LOW_CONFIDENCE reason."""
    line = replace(line, confidence=confidence)
    wanted, p = plan.model.policy.confidence, confidence.p_on_time
    if p is None or p >= wanted or line.verdict == "infeasible":
        return line, []
    p80 = "beyond the horizon" if confidence.p80 is None else str(confidence.p80)
    message = (
        f"{percent(p)} of {confidence.samples} samples deliver by due {line.due} (policy "
        f"asks for {percent(wanted)}); 80% are delivered by {p80}"
    )
    return replace(line, verdict="at_risk"), [Reason("LOW_CONFIDENCE", message, line=n)]


def _spread(c: Compiled) -> list[tuple[float, float, float] | None]:
    """Per task, its estimate as (low, most likely, high), None when it has none."""
    out: list[tuple[float, float, float] | None] = []
    for task in c.job.tasks:
        e = task.step.estimate
        out.append(None if e is None else (e.low, task.step.likely(), e.high))
    return out


def _draw(
    c: Compiled, spread: Sequence[tuple[float, float, float] | None], rng: random.Random
) -> Compiled:
    """The job with each estimated task's work drawn from its triangular distribution
    (fixed and wait days rounded to whole working days, at least one)."""
    uses, days = list(c.uses), list(c.days)
    for t, e in enumerate(spread):
        if e is None:
            continue
        low, likely, high = e
        value = rng.triangular(low, high, likely)
        if c.kind[t] == EFFORT:
            uses[t] = ((uses[t][0][0], value),)
        else:
            days[t] = max(1, math.floor(value + 0.5))
    return replace(c, uses=uses, days=days)
