"""What an edit of the capacity file does to commitments: every booking re-scheduled under
the old and the new version on one check date, and what got worse, and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from feasibility.engine.booked_scope import booked_reasons
from feasibility.engine.commitments import build_plan
from feasibility.engine.plan import BookedLine, BookingOutcome, Plan
from feasibility.engine.result import VERDICT_ORDER, Verdict, worst
from feasibility.engine.tasks import line_steps
from feasibility.engine.timeline import EPS
from feasibility.errors import InputError, UsageError
from feasibility.io.yamlio import load_text
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal, DealLine
from feasibility.store.git import exists_at, folder_files, show_file
from feasibility.wording import amount, plural
from feasibility.workspace import (
    LoadedCapacity,
    LoadedDeal,
    Workspace,
    capacity_from_document,
    deal_from_document,
    is_booking_name,
)

FailOn = Literal["worse", "broken"]
"""When `impact` fails: any booking got worse (SPEC), or only when a booked line is broken."""

NO_OLD_VERSION = "no earlier version"
"""How reports name the old version when the capacity file is new at the base revision."""


@dataclass(frozen=True)
class LineState:
    """A booked line under one version of the capacity file."""

    delivered: dt.date | None
    """Delivery day; None when not deliverable within the horizon."""
    slack_days: int | None
    """Company working days from delivery to due, negative when late; None without both."""
    verdict: Verdict
    """infeasible: misses its due date or asks for an unavailable feature; at_risk: less
    slack than the policy asks, a feature under review or a resource loaded above target
    (``booked_scope``); else feasible."""
    concerns: tuple[str, ...] = ()
    """The scope and load reasons behind the verdict (``booked_scope``)."""

    def describe(self) -> str:
        """E.g. ``delivered 2027-03-03, 3 working days late``."""
        if self.delivered is None:
            return "not deliverable within the horizon"
        text = f"delivered {self.delivered}"
        if self.slack_days is not None and self.slack_days < 0:
            text += f", {plural(-self.slack_days, 'working day')} late"
        elif self.slack_days is not None:
            text += f", {plural(self.slack_days, 'working day')} of slack"
        return "; ".join([text, *self.concerns])


@dataclass(frozen=True)
class LineImpact:
    """One booked line before and after the edit."""

    line: int
    """Index of the line in the deal."""
    spec: DealLine
    """The line as booked."""
    before: LineState | None
    """None: the old version did not schedule it (its offering or a feature was unknown)."""
    after: LineState

    @property
    def broken(self) -> bool:
        """The line misses its due date under the new version."""
        return self.after.verdict == "infeasible"

    @property
    def worse(self) -> bool:
        """Delivered later (or no longer at all), or its verdict got worse."""
        b, a = self.before, self.after
        if b is None:
            return self.broken
        later = b.delivered is not None and (a.delivered is None or a.delivered > b.delivered)
        return later or VERDICT_ORDER[a.verdict] > VERDICT_ORDER[b.verdict]

    @property
    def title(self) -> str:
        """E.g. ``line 0 (site-rollout x6, due 2027-02-26)``."""
        due = f", due {self.spec.due}" if self.spec.due else ""
        return f"line {self.line} ({self.spec.offering} x{self.spec.quantity}{due})"

    @property
    def was(self) -> str:
        """The line under the old version, e.g. ``delivered 2027-01-20, 25 working days of
        slack``."""
        return "not booked" if self.before is None else self.before.describe()

    @property
    def message(self) -> str:
        """E.g. ``line 0 (site-rollout x6, due 2027-02-26): delivered 2027-03-03, 3 working
        days late (was: delivered 2027-01-20, 25 working days of slack)``."""
        return f"{self.title}: {self.after.describe()} (was: {self.was})"


@dataclass(frozen=True)
class DealState:
    """A booking as a whole under one version: its worst line verdict, its last delivery."""

    verdict: Verdict
    earliest: dt.date | None
    """Day every counted line is delivered; None when one is not within the horizon."""


@dataclass(frozen=True)
class Cause:
    """Something the edit changed that a booking depends on, and whom to talk to."""

    message: str
    owner: str | None = None
    resource: str | None = None
    material: str | None = None
    offering: str | None = None


@dataclass(frozen=True)
class BookingImpact:
    """One booking under both versions."""

    booking: LoadedDeal
    lines: list[LineImpact]
    """Its lines that take capacity on the check date (due on or after it)."""
    causes: list[Cause]
    """Why it got worse (empty when it did not)."""
    added: bool = False
    """Not booked in the old version."""
    misfits: tuple[str, ...] = ()
    """Why its plan no longer fits the new version (it was re-planned)."""

    @property
    def deal(self) -> Deal:
        """The booked deal."""
        return self.booking.deal

    @property
    def worse(self) -> bool:
        """Some line is delivered later or has a worse verdict."""
        return any(ln.worse for ln in self.lines)

    @property
    def broken(self) -> bool:
        """Some line misses its due date under the new version."""
        return any(ln.broken for ln in self.lines)

    @property
    def before(self) -> DealState:
        """The booking under the old version."""
        return _deal_state([ln.before for ln in self.lines if ln.before is not None])

    @property
    def after(self) -> DealState:
        """The booking under the new version."""
        return _deal_state([ln.after for ln in self.lines])


def _deal_state(states: Sequence[LineState]) -> DealState:
    dates = [s.delivered for s in states]
    earliest = None if None in dates or not dates else max(d for d in dates if d is not None)
    return DealState(worst([s.verdict for s in states]), earliest)


@dataclass(frozen=True)
class ImpactResult:
    """Every booking re-checked under the old and the new capacity file on ``as_of``."""

    as_of: dt.date
    old: str
    new: str
    """How the two versions are named in reports (a file, or ``REF:path`` for git)."""
    bookings: list[BookingImpact]
    """Every booking that takes capacity on ``as_of`` under the new version, in booking order."""
    removed: list[LoadedDeal] = field(default_factory=list)
    """Bookings of the old version that the new one does not have."""
    total: int = 0
    """Bookings of the new version, those that take no capacity on ``as_of`` included."""

    @property
    def changed(self) -> list[BookingImpact]:
        """Bookings of both versions that got worse."""
        return [b for b in self.bookings if b.worse and not b.added]

    @property
    def still_broken(self) -> list[BookingImpact]:
        """Bookings of both versions that miss a due date under the new one but got no worse."""
        return [b for b in self.bookings if b.broken and not b.worse and not b.added]

    @property
    def added(self) -> list[BookingImpact]:
        """Bookings the new version adds (that take capacity on ``as_of``)."""
        return [b for b in self.bookings if b.added]

    def failed(self, fail_on: FailOn = "worse") -> bool:
        """Whether `impact` exits 1: a booked line misses its due date under the new version,
        or (``worse``, the default) any booking got worse."""
        broken = any(b.broken for b in self.bookings)
        return broken or (fail_on == "worse" and bool(self.changed))


def capacity_at(ref: str, path: Path) -> LoadedCapacity:
    """The capacity file ``path`` as it was at git revision ``ref``, validated like any
    capacity file; its problems are named ``REF:path:line:column``."""
    doc = load_text(show_file(ref, path), f"{ref}:{path}")
    loaded, problems = capacity_from_document(doc, path)
    if loaded is None:
        raise InputError(problems)
    return loaded


def workspace_at(ref: str, path: Path) -> Workspace | None:
    """The capacity file ``path`` and its bookings folder as they were at revision ``ref``
    (no folder then: no bookings), the bookings read as ``load_workspace(references=False)``
    does; problems are named ``REF:path:line:column``. None when the file did not exist at
    ``ref`` (a change that adds it)."""
    if not exists_at(ref, path):
        return None
    capacity = capacity_at(ref, path)
    folder = capacity.bookings_dir
    files = folder_files(ref, folder) or {}
    bookings: list[LoadedDeal] = []
    problems = []
    for name in sorted(files):
        if not is_booking_name(name):
            continue
        file, content = folder / name, files[name]
        if content is None:
            raise UsageError(f"cannot read {file} at {ref} from git: it is not a file")
        doc = load_text(content, f"{ref}:{file}")
        booking, found = deal_from_document(doc, file, None, booking=True)
        problems += found
        if booking is not None:
            bookings.append(booking)
    if problems:
        raise InputError(problems)
    return Workspace(capacity, bookings)


def compare(old: Workspace | None, new: Workspace, as_of: dt.date) -> ImpactResult:
    """Every booking of each version under its own capacity file: those of ``new`` with
    their state under ``old`` (None when added), the causes of what got worse, and the
    bookings ``new`` no longer has. No ``old`` (the file is new): every booking is added."""
    old_name = old.capacity.doc.file if old else NO_OLD_VERSION
    old = old or Workspace(new.capacity)
    before = build_plan(old.capacity.model, old.booked_deals, as_of)
    after = build_plan(new.capacity.model, new.booked_deals, as_of, like=before)
    bases: tuple[Plan, Plan] | None = None
    old_ids = {b.deal.id for b in old.bookings}
    old_states = {
        (o.deal.id, ln.line): _state(before, o, ln)
        for o in before.bookings
        for ln in o.lines
        if _expandable(old.capacity.model, o.deal.lines[ln.line])
    }
    loaded = {b.deal.id: b for b in new.bookings}
    out: list[BookingImpact] = []
    for outcome in after.bookings:
        deal = outcome.deal
        lines = [
            LineImpact(
                ln.line,
                deal.lines[ln.line],
                old_states.get((deal.id, ln.line)),
                _state(after, outcome, ln),
            )
            for ln in outcome.lines
        ]
        misfits = tuple(m.message for m in outcome.misfits)
        impact = BookingImpact(loaded[deal.id], lines, [], deal.id not in old_ids, misfits)
        if impact.worse and not impact.added:
            if bases is None:
                bases = (
                    build_plan(old.capacity.model, [], as_of, like=before),
                    build_plan(new.capacity.model, [], as_of, like=after),
                )
            found = causes(old.capacity.model, new.capacity.model, lines, as_of, bases=bases)
            impact = replace(impact, causes=found)
        if lines:
            out.append(impact)
    new_ids = set(loaded)
    removed = [b for b in old.bookings if b.deal.id not in new_ids]
    return ImpactResult(as_of, old_name, new.capacity.doc.file, out, removed, len(new.bookings))


def _expandable(model: CapacityFile, line: DealLine) -> bool:
    """Whether ``model`` has the line's offering and features (else it was not booked
    under ``model``)."""
    offering = next((o for o in model.offerings if o.id == line.offering), None)
    return offering is not None and all(f in offering.features for f in line.features)


def _state(plan: Plan, outcome: BookingOutcome, booked: BookedLine) -> LineState:
    if booked.delivered is None:
        return LineState(None, None, "infeasible")
    slack = None
    if booked.due is not None:
        tl = plan.timeline
        slack = tl.slack(tl.index(booked.delivered), tl.index(booked.due))
    reasons = [r for r, _ in booked_reasons(plan, outcome, booked)]
    verdict: Verdict = "feasible"
    if booked.broken or any(r.code == "FEATURE_UNAVAILABLE" for r in reasons):
        verdict = "infeasible"
    elif reasons or (slack is not None and slack < plan.model.policy.min_slack_days):
        verdict = "at_risk"
    return LineState(booked.delivered, slack, verdict, tuple(r.message for r in reasons))


def causes(
    old: CapacityFile,
    new: CapacityFile,
    lines: Sequence[LineImpact],
    as_of: dt.date,
    *,
    bases: tuple[Plan, Plan] | None = None,
) -> list[Cause]:
    """What the edit changed among what the worse lines depend on: their offerings, the free
    capacity of their resources and the stock of their materials up to the last due or
    delivery date, the calendar, the policy. When none of it changed, bookings placed before
    (whose own needs changed) now take the capacity the booking had.

    ``bases``: ``old`` and ``new`` on ``as_of`` without bookings (``build_plan(old, [],
    as_of)`` and the same of ``new``), to share between calls; built here when omitted.
    """
    worse = [ln for ln in lines if ln.worse]
    if bases is None:
        base_old = build_plan(old, [], as_of)
        bases = (base_old, build_plan(new, [], as_of, like=base_old))
    base_old, base_new = bases
    end = max(_window_ends(worse, base_new))
    old_offerings = {o.id: o for o in old.offerings}
    new_offerings = {o.id: o for o in new.offerings}
    found: list[Cause] = []
    resources: dict[str, None] = {}
    materials: dict[str, None] = {}
    for oid in dict.fromkeys(ln.spec.offering for ln in worse):
        offering = new_offerings[oid]
        was = old_offerings.get(oid)
        if was != offering:
            what = "is new" if was is None else "changed (steps, notice, materials or features)"
            found.append(Cause(f"offering '{oid}' {what}", offering.owner, offering=oid))
        materials.update(dict.fromkeys(offering.materials))
    for ln in worse:
        for step, _, _ in line_steps(new_offerings[ln.spec.offering], ln.spec.features):
            resources.update(dict.fromkeys([step.resource] if step.resource else []))
            resources.update(dict.fromkeys(step.uses or {}))
    found += [c for r in resources if (c := _resource_cause(base_old, base_new, r, end))]
    found += [c for m in materials if (c := _material_cause(base_old, base_new, m, end))]
    if old.calendar != new.calendar:
        found.append(Cause("the company calendar changed (workdays, holidays or closures)"))
    for key in ("min_slack_days", "horizon_days", "target_utilization"):
        was, now = getattr(old.policy, key), getattr(new.policy, key)
        if was != now:
            found.append(Cause(f"policy.{key} changed from {was} to {now}"))
    if not found:
        message = (
            "nothing it uses changed: bookings placed before it (booked_on, then id) "
            "now take capacity it had"
        )
        found.append(Cause(message))
    return found


def _window_ends(lines: Sequence[LineImpact], plan: Plan) -> Iterator[dt.date]:
    """Due and delivery days of the lines (the end of the horizon when undelivered)."""
    yield plan.as_of
    for ln in lines:
        for state in (ln.before, ln.after):
            if state is not None:
                yield state.delivered or plan.timeline.date(plan.timeline.ndays - 1)
        if ln.spec.due is not None:
            yield ln.spec.due


def _days(plan: Plan, end: dt.date) -> range:
    return range(min(plan.timeline.index(end) + 1, plan.timeline.ndays))


def _resource_cause(old: Plan, new: Plan, rid: str, end: dt.date) -> Cause | None:
    """Free capacity (after reservations) the resource lost up to ``end``, if any."""
    was = old.state.free.get(rid, [])
    lost: list[tuple[int, float]] = []
    for i in _days(new, end):
        diff = (was[i] if i < len(was) else 0.0) - new.state.free[rid][i]
        if diff > EPS:
            lost.append((i, diff))
    if not lost:
        return None
    resource = new.resources[rid].resource
    peak, total = round(max(d for _, d in lost), 6), round(sum(d for _, d in lost), 6)
    first, last = new.timeline.date(lost[0][0]), new.timeline.date(lost[-1][0])
    message = (
        f"{resource.name or rid} ({rid}): up to {amount(peak, resource.unit)} less free capacity "
        f"per day between {first} and {last} ({total:g} over those days)"
    )
    return Cause(message, resource.owner, resource=rid)


def _material_cause(old: Plan, new: Plan, mid: str, end: dt.date) -> Cause | None:
    """Stock the material lost up to ``end`` (before more can be had), or later supply."""
    stock = new.state.stocks[mid]
    material = stock.material
    was = old.state.stocks.get(mid)
    if was is None:
        return None
    unlimited = len(stock.level) if stock.replenish is None else stock.replenish
    short = [
        (i, was.level[i] - stock.level[i])
        for i in _days(new, end)
        if i < min(unlimited, len(was.level)) and was.level[i] - stock.level[i] > EPS
    ]
    parts = []
    if short:
        most = round(max(d for _, d in short), 6)
        parts.append(
            f"up to {most:g} {material.unit} less in stock from {new.timeline.date(short[0][0])}"
        )
    if was.replenish is not None and (stock.replenish is None or stock.replenish > was.replenish):
        then = new.timeline.date(was.replenish)
        now = (
            "no more can be had"
            if stock.replenish is None
            else f"more can be had only from {new.timeline.date(stock.replenish)}"
        )
        parts.append(f"{now} (was from {then})")
    if not parts:
        return None
    message = f"{material.name or mid} ({mid}): {'; '.join(parts)}"
    return Cause(message, material.owner, material=mid)
