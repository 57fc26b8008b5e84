"""Result objects of the core: what a check found, ready for any renderer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from feasibility.models.deal import HeldPlan

Verdict = Literal["feasible", "at_risk", "infeasible"]
VERDICT_ORDER: dict[Verdict, int] = {"feasible": 0, "at_risk": 1, "infeasible": 2}

ReasonCode = Literal[
    "UNKNOWN_OFFERING",
    "UNKNOWN_FEATURE",
    "FEATURE_UNAVAILABLE",
    "NEEDS_REVIEW",
    "NOTICE",
    "LATE",
    "CAPACITY",
    "MATERIAL",
    "LOW_SLACK",
    "HIGH_UTILIZATION",
    "BEYOND_HORIZON",
    "CALENDAR",
    "DUE_PASSED",
    "LOW_CONFIDENCE",
]

OfferKind = Literal[
    "later_date", "partial", "split", "drop_feature", "extra_capacity", "earlier_material"
]


def worst(verdicts: list[Verdict]) -> Verdict:
    """The worst of several verdicts (feasible when there are none)."""
    return max(verdicts, key=VERDICT_ORDER.__getitem__, default="feasible")


@dataclass(frozen=True)
class Reason:
    """Why a deal or line is not simply feasible; ``code`` is stable (SPEC)."""

    code: ReasonCode
    message: str
    line: int | None = None
    resource: str | None = None
    material: str | None = None
    owner: str | None = None
    """Whom in operations to talk to about it."""


@dataclass(frozen=True)
class ExtraCapacity:
    """Extra capacity of one resource on each of its working days, in its unit."""

    resource: str
    amount_per_day: float
    owner: str | None = None


@dataclass(frozen=True)
class Offer:
    """Something the rep can honestly promise instead, verified by re-running the engine."""

    kind: OfferKind
    line: int | None = None
    """Index of the deal line the offer is about."""
    date: dt.date | None = None
    """The delivery date promised (for a split: of the first ``quantity`` units)."""
    quantity: int | None = None
    """For a partial or split delivery: the units delivered by ``date``."""
    rest_date: dt.date | None = None
    """For a split: the date the rest of the quantity is delivered."""
    feature: str | None = None
    resource: str | None = None
    amount_per_day: float | None = None
    from_: dt.date | None = None
    to: dt.date | None = None
    material: str | None = None
    receipt_date: dt.date | None = None
    """For earlier material: the receipt as planned."""
    needed_by: dt.date | None = None
    """For earlier material: the day the receipt must be in stock instead."""
    together: tuple[ExtraCapacity, ...] = ()
    """For extra capacity: other resources needed as well, over the same window."""
    owner: str | None = None
    """Whom in operations to ask (for extra capacity: about ``resource``)."""
    message: str = ""

    @property
    def extras(self) -> tuple[ExtraCapacity, ...]:
        """For extra capacity: every resource and its amount, ``resource`` first."""
        if self.resource is None or self.amount_per_day is None:
            return self.together
        return (ExtraCapacity(self.resource, self.amount_per_day, self.owner), *self.together)


@dataclass(frozen=True)
class ScheduledStep:
    """One step instance of the schedule, with what it took from each resource."""

    line: int
    unit: int | None
    step: str
    start: dt.date
    finish: dt.date
    uses: dict[str, float]
    """Total amount taken from each resource, in its unit."""
    daily: tuple[tuple[dt.date, str, float], ...] = ()
    """(day, resource, amount) for each day worked."""
    feature: str | None = None


WhyCause = Literal[
    "check_date", "notice", "deal_start", "work", "precedence", "calendar", "capacity",
    "material", "order",
]  # fmt: skip
"""What a link of a line's chain is: where work can start (``check_date``, ``notice``,
``deal_start``), a step at work (``work``; ``precedence`` when it waits for nothing but
the step before), or a gap before a step held by ``calendar`` (days off), ``capacity``
(a resource full), ``material`` (stock) or ``order`` (nothing: the schedule's choice)."""


@dataclass(frozen=True)
class WhyLink:
    """One link of the chain that fixes a line's date, from the earliest start to delivery
    (SPEC, "Why this date"); a gap or a step runs from ``start`` to ``finish`` (dates)."""

    cause: WhyCause
    start: dt.date
    finish: dt.date
    message: str
    step: str | None = None
    unit: int | None = None
    resource: str | None = None
    material: str | None = None
    days_off: tuple[tuple[dt.date, str], ...] = ()
    """For a calendar gap: each holiday or closure in it, with its name."""


@dataclass(frozen=True)
class Confidence:
    """How likely a line is on time, from Monte Carlo samples (SPEC, "Confidence")."""

    samples: int
    p_on_time: float | None
    """Share of samples delivered by the due date (None: the line has no due date)."""
    interval: tuple[float, float] | None
    """95 % interval of ``p_on_time`` (Wilson): its Monte Carlo error."""
    p50: dt.date | None = None
    """Half of the samples are delivered by this day (None: beyond the horizon)."""
    p80: dt.date | None = None
    p95: dt.date | None = None
    dates: tuple[tuple[dt.date, int], ...] = ()
    """How many samples deliver on each day from the first sampled date to the last (every
    company working day, and any other day a sample is delivered on)."""
    beyond: int = 0
    """Samples not delivered within the horizon."""


@dataclass(frozen=True)
class LineResult:
    """One deal line: requested due date, earliest delivery, slack, verdict."""

    offering: str
    quantity: int
    due: dt.date | None
    earliest: dt.date | None
    """Day the line can be delivered, None when not within the horizon."""
    slack_days: int | None
    """Company working days between delivery and due date, negative when late."""
    verdict: Verdict
    lower_bound: dt.date | None = None
    """No schedule delivers the line earlier (unlimited capacity, or the free capacity's
    energy, whichever says later)."""
    proven: bool = False
    """True when no schedule (by SPEC's objective) delivers the line earlier: it is on its
    lower bound, or a day earlier was proven impossible, or the exact search proved the
    schedule optimal."""
    unlimited: dt.date | None = None
    """Earliest delivery even with unlimited capacity (what more capacity could reach)."""
    safe_date: dt.date | None = None
    """For a line with no due date: the earliest date to quote that keeps
    ``policy.min_slack_days`` working days of slack."""
    why: tuple[WhyLink, ...] = ()
    """The chain that fixes ``earliest``, earliest start first (empty when undelivered)."""
    confidence: Confidence | None = None
    """Sampled dates and chance of being on time (None: the model has no estimates or
    availabilities, or the line is not delivered)."""


@dataclass(frozen=True)
class ScoreParts:
    """The score's components in points; their sum is the score before verdict caps."""

    slack: int
    headroom: int
    materials: int
    scope: int


@dataclass(frozen=True)
class DealResult:
    """Everything `check` says about one deal."""

    id: str
    customer: str
    owner: str | None
    verdict: Verdict
    score: int
    parts: ScoreParts
    earliest: dt.date | None
    lines: list[LineResult]
    reasons: list[Reason]
    schedule: list[ScheduledStep]
    offers: list[Offer] = field(default_factory=list)
    file: str | None = None
    plan: HeldPlan | None = field(default=None, repr=False, compare=False)
    """The schedule as a booking would hold it (``booking.plan``)."""
    p_on_time: float | None = None
    """Share of the confidence samples in which every line is on time (None: not sampled,
    or no line has a due date; 0 when a line cannot be scheduled at all)."""


@dataclass(frozen=True)
class CheckResult:
    """The result of checking one or more deals on one date."""

    as_of: dt.date
    company: str
    deals: list[DealResult]
