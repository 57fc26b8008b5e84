"""The capacity file: resources, calendars, materials, offerings, policy (SPEC)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, field_validator, model_validator
from pydantic.config import JsonDict

from feasibility.models.common import (
    Date,
    FileModel,
    Id,
    NonNegativeAmount,
    PositiveAmount,
    Weekday,
    given,
    not_given,
)

OFFICE_WEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
ONE_RATE = ConfigDict(json_schema_extra={"oneOf": [given("per_day"), given("per_week")]})
"""JSON Schema of ``_one_rate``: exactly one of per_day and per_week."""


def _step_kinds(schema: JsonDict) -> None:
    """JSON Schema of ``Step.kind``: exactly one of effort work, fixed work, a wait."""
    fixed = given("days", "uses")
    fixed["properties"]["uses"]["minProperties"] = 1
    schema["oneOf"] = [
        {"allOf": [given("resource", "effort"), not_given("days", "uses")]},
        {"allOf": [fixed, not_given("resource", "effort", "max_per_day")]},
        {"allOf": [given("days"), not_given("uses", "resource", "effort", "max_per_day")]},
    ]


class Holidays(FileModel):
    """Public holidays from the `holidays` library, observed days included."""

    country: str
    """ISO 3166 country code known to the `holidays` library, e.g. US, DE, GB."""
    subdivision: str | None = None
    """State or province code within the country, e.g. CA for California."""


class Closure(FileModel):
    """Days on which nobody works (both ends included)."""

    from_: Date = Field(alias="from")
    """First closed day."""
    to: Date
    """Last closed day."""
    reason: str | None = None
    """Why the days are closed, shown in reports."""


class Calendar(FileModel):
    """The default working calendar of every resource."""

    workdays: list[Weekday] = Field(default_factory=lambda: list(OFFICE_WEEK))
    """Days of the week that are worked."""
    holidays: Holidays | None = None
    """Public holidays that are not worked."""
    closures: list[Closure] = Field(default_factory=list)
    """Company closures (year-end shutdown, moves)."""


class CalendarOverride(FileModel):
    """A resource's own calendar: each given field replaces the default, closures add to it."""

    workdays: list[Weekday] | None = None
    """Days of the week this resource works, replacing the default's."""
    holidays: Holidays | None = None
    """Public holidays of this resource, replacing the default's."""
    closures: list[Closure] = Field(default_factory=list)
    """Extra closures of this resource, added to the default's."""


class CapacityChange(FileModel):
    """A new capacity level from a date on (hires, leavers, a crew added)."""

    model_config = ONE_RATE

    from_: Date = Field(alias="from")
    """First day of the new capacity."""
    per_day: NonNegativeAmount | None = None
    """New capacity per working day, in the resource's unit."""
    per_week: NonNegativeAmount | None = None
    """New capacity per week, spread evenly over the week's working days."""
    note: str | None = None
    """Why the capacity changes."""

    @model_validator(mode="after")
    def _one_rate(self) -> CapacityChange:
        if (self.per_day is None) == (self.per_week is None):
            raise ValueError("give exactly one of per_day or per_week")
        return self


class Estimate(FileModel):
    """A three-point estimate around a step's `effort` or `days` (the most likely value):
    samples are drawn from the triangular distribution on low, most likely, high."""

    low: PositiveAmount
    """Least it can take, in the step's unit (effort: the resource's unit; else working days)."""
    high: PositiveAmount
    """Most it can take, in the same unit."""


class Resource(FileModel):
    """People, crews or equipment with a capacity on each working day."""

    model_config = ONE_RATE

    id: Id
    """Id that steps and reservations refer to."""
    name: str | None = None
    """Human name shown in reports."""
    unit: str = "units"
    """Unit of capacity and effort (free text: hours, crews, lifts)."""
    per_day: NonNegativeAmount | None = None
    """Capacity on each working day, in `unit`."""
    per_week: NonNegativeAmount | None = None
    """Capacity per week, spread evenly over the week's working days."""
    changes: list[CapacityChange] = Field(default_factory=list)
    """Capacity changes from a date on, in date order."""
    owner: str | None = None
    """Whom a rep talks to about this resource, e.g. `Dana Ortiz <dana@example.com>`."""
    calendar: CalendarOverride | None = None
    """This resource's calendar, merged over the default calendar."""
    availability: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Expected share of working days the resource is really there (sickness, breakdowns):
    confidence samples it per working day (README, "Confidence"); 1: always there."""

    @model_validator(mode="after")
    def _one_rate(self) -> Resource:
        if (self.per_day is None) == (self.per_week is None):
            raise ValueError("give exactly one of per_day or per_week")
        return self


class Receipt(FileModel):
    """Confirmed incoming supply of a material."""

    date: Date
    """Day the supply is in stock."""
    qty: PositiveAmount
    """Quantity received, in the material's unit."""
    note: str | None = None
    """Purchase order or supplier, shown in reports."""


class Material(FileModel):
    """Stock needed before a unit's work can start."""

    id: Id
    """Id that offerings refer to."""
    name: str | None = None
    """Human name shown in reports."""
    unit: str = "pcs"
    """Unit of quantity (free text)."""
    on_hand: NonNegativeAmount = 0
    """Quantity in stock on the check date."""
    receipts: list[Receipt] = Field(default_factory=list)
    """Confirmed incoming supply."""
    replenish_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    """Calendar days after the check date from which any quantity can be had; none: no more."""
    owner: str | None = None
    """Whom a rep talks to about this material (purchasing)."""


class Step(FileModel):
    """One step of delivering an offering: effort work, fixed work, or a wait.

    Effort work: `resource` + `effort` (+ `max_per_day`). Fixed work: `days` + `uses`.
    A wait: `days` alone.
    """

    model_config = ConfigDict(json_schema_extra=_step_kinds)

    id: Id
    """Id that `after` lists refer to, unique within the offering."""
    resource: Id | None = None
    """Resource doing effort work."""
    effort: PositiveAmount | None = None
    """Work content in the resource's unit, spread over days as capacity allows."""
    max_per_day: PositiveAmount | None = None
    """Most effort done on one day (e.g. one person's hours)."""
    days: Annotated[int, Field(gt=0, le=1000)] | None = None
    """Fixed duration (with `uses`) or wait (alone), in working days."""
    uses: dict[Id, PositiveAmount] | None = None
    """Units of each resource held on each day of fixed work."""
    after: list[Id] | None = None
    """Steps this one starts after (finish-to-start); omitted: the previous step; []: none."""
    per: Literal["unit", "line"] = "unit"
    """Run once per unit of quantity, or once per deal line."""
    estimate: Estimate | None = None
    """How much `effort` (or `days`) may vary: low <= the value given <= high."""

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        if self.kind() is None:
            raise ValueError(
                "a step is exactly one of: effort work (resource + effort [+ max_per_day]), "
                "fixed work (days + uses), or a wait (days alone)"
            )
        value = self.likely()
        if self.estimate is not None and not self.estimate.low <= value <= self.estimate.high:
            raise ValueError(
                f"estimate must surround the most likely value {value:g}: give low <= "
                f"{value:g} <= high (here low {self.estimate.low:g}, high {self.estimate.high:g})"
            )
        return self

    def likely(self) -> float:
        """The most likely work content: `effort` for effort work, else `days`."""
        value = self.effort if self.effort is not None else self.days
        assert value is not None
        return value

    def kind(self) -> Literal["effort", "fixed", "wait"] | None:
        """Which of the three kinds of step this is, or None if it is none of them."""
        effort_keys = (self.resource, self.effort)
        if all(v is not None for v in effort_keys) and self.days is None and self.uses is None:
            return "effort"
        if any(v is not None for v in (*effort_keys, self.max_per_day)):
            return None
        if self.days is not None and self.uses:
            return "fixed"
        if self.days is not None and self.uses is None:
            return "wait"
        return None


class Feature(FileModel):
    """A feature with conditions: an ops review and/or extra steps."""

    review: bool = False
    """True: needs ops sign-off; a deal asking for it is at risk until then."""
    steps: list[Step] = Field(default_factory=list)
    """Extra steps joined to the offering's steps of every line that asks for the feature."""


def _feature_kind(value: object) -> str:
    return "conditions" if isinstance(value, dict | Feature) else "text"


FeatureSpec = Annotated[
    Annotated[Literal["included", "unavailable"], Tag("text")]
    | Annotated[Feature, Tag("conditions")],
    Discriminator(_feature_kind),
]
"""`included`, `unavailable`, or conditions (`review`, extra `steps`)."""


class Offering(FileModel):
    """What a customer can buy and what it takes to deliver one unit of it."""

    id: Id
    """Id that deal lines refer to."""
    name: str | None = None
    """Human name shown in reports."""
    min_notice_days: Annotated[int, Field(ge=0, le=1000)] = 0
    """Company working days from the check date before any work can start."""
    materials: dict[Id, PositiveAmount] = Field(default_factory=dict)
    """Material quantity per unit, taken when the unit's first step starts."""
    steps: list[Step] = Field(min_length=1)
    """Routing of one unit (and per-line steps)."""
    features: dict[Id, FeatureSpec] = Field(default_factory=dict)
    """What a rep may promise with this offering: included, unavailable, or conditions."""
    owner: str | None = None
    """Whom a rep talks to about this offering."""


class Reservation(FileModel):
    """Load not tied to a deal (maintenance, internal projects)."""

    resource: Id
    """Resource whose capacity is reserved."""
    from_: Date = Field(alias="from")
    """First reserved day."""
    to: Date
    """Last reserved day."""
    per_day: PositiveAmount
    """Capacity taken on each working day in between, in the resource's unit."""
    reason: str | None = None
    """What the capacity is reserved for."""


class Policy(FileModel):
    """Thresholds for verdicts and limits of the search."""

    target_utilization: Annotated[float, Field(gt=0, le=1)] = 0.85
    """Loading above this share of capacity in a deal's window puts it at risk."""
    min_slack_days: Annotated[int, Field(ge=0, le=1000)] = 5
    """Finishing fewer working days than this before due puts a line at risk."""
    horizon_days: Annotated[int, Field(gt=0, le=5000)] = 500
    """How far ahead, in company working days, the tool looks for a date."""
    search_schedules: Annotated[int, Field(ge=1, le=100_000)] = 200
    """How many candidate schedules the search tries per check (more: better, slower)."""
    exact_work: Annotated[float, Field(ge=0, le=600)] = 1.0
    """Work the exact search (CP-SAT) may spend on a deal the heuristic cannot prove, in
    the solver's deterministic time units (about a second each on a typical machine; the
    same files give the same answer on any machine); 0 turns the exact search off."""
    confidence: Annotated[float, Field(gt=0, le=1)] = 0.8
    """A line whose probability of being on time is below this is at risk (only models
    with estimates or availabilities are sampled)."""
    samples: Annotated[int, Field(ge=10, le=100_000)] = 500
    """Monte Carlo samples per deal for confidence (more: a smaller error, slower)."""


class CapacityFile(FileModel):
    """The capacity file ops keep in git (`capacity.yaml`)."""

    version: Annotated[int, Field(json_schema_extra={"const": 1})]
    """Format version; this release reads version 1."""
    company: str
    """Company name shown in reports."""
    calendar: Calendar = Field(default_factory=Calendar)
    """Default calendar of every resource."""
    resources: list[Resource] = Field(min_length=1)
    """People, crews and equipment."""
    materials: list[Material] = Field(default_factory=list)
    """Stock and incoming supply."""
    offerings: list[Offering] = Field(default_factory=list)
    """What can be sold and what it takes to deliver."""
    reservations: list[Reservation] = Field(default_factory=list)
    """Capacity taken by work not tied to a deal."""
    bookings: str = "bookings"
    """Folder of committed deals, relative to this file."""
    policy: Policy = Field(default_factory=Policy)
    """Thresholds and limits."""

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != 1:
            raise ValueError(f"unsupported version {value}; this feasibility reads version 1")
        return value
