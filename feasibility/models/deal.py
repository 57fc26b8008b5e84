"""The deal file, and the booking block `book` adds to it (SPEC)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from feasibility.models.common import Date, FileModel, Id, NonNegativeAmount, PositiveAmount

MAX_QUANTITY = 10_000
MAX_LINES = 1_000
"""Most lines of one deal."""
MAX_FEATURES = 50
"""Most features one line may ask for."""


class DealLine(FileModel):
    """One offering, a quantity and a due date."""

    offering: Id
    """Id of an offering of the capacity file."""
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] = 1
    """Units of the offering (sites, sessions), a whole number from 1 to 10,000."""
    due: Date | None = None
    """Delivered by the end of this day; omitted: quote the earliest date."""
    features: list[Id] = Field(default_factory=list, max_length=MAX_FEATURES)
    """Features of the offering promised to the customer (at most 50, each once)."""

    @field_validator("features")
    @classmethod
    def _once_each(cls, features: list[str]) -> list[str]:
        seen: set[str] = set()
        for f in features:
            if f in seen:
                raise ValueError(f"feature '{f}' is listed twice; list each feature once")
            seen.add(f)
        return features


class PlannedStep(FileModel):
    """One step instance of a held plan: when it works and what it holds each day."""

    line: Annotated[int, Field(ge=0)]
    """Index of the deal line (0 is the first)."""
    unit: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] | None = None
    """Unit number (1-based); omitted for a `per: line` step."""
    step: Id
    """Id of the step (of the offering, or of a feature's steps)."""
    start: Date
    """First day of the step."""
    finish: Date
    """Last day of the step (the line is delivered on its last step's finish)."""
    days: dict[Date, dict[Id, NonNegativeAmount]] = Field(default_factory=dict)
    """Per working day, the amount of each resource held, in the resource's unit
    (effort: the work done that day; fixed work: the units held). Empty for a wait."""


class PlannedTake(FileModel):
    """Material a held plan takes from stock: a unit's (or a line's) materials, on the
    day its first step starts."""

    line: Annotated[int, Field(ge=0)]
    """Index of the deal line."""
    unit: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] | None = None
    """Unit number (1-based); omitted when the line's materials are taken at once."""
    date: Date
    """Day the material is taken."""
    take: dict[Id, PositiveAmount]
    """Quantity of each material, in the material's unit."""


class HeldPlan(FileModel):
    """The schedule a booking holds: written by `book` (and `replan --write`), then taken
    as fixed load by every command (SPEC, "Commitments hold their plan")."""

    planned_on: Date
    """The check date the plan was made on; work before it was taken as done."""
    steps: list[PlannedStep] = Field(default_factory=list)
    """Every step instance of the booked lines, in the order they start."""
    materials: list[PlannedTake] = Field(default_factory=list)
    """Every material take, in date order."""


class Booking(FileModel):
    """How and when a deal was committed."""

    booked_on: Date
    """Day the deal was booked; bookings take capacity in this order, then by id."""
    by: str
    """Who booked it."""
    hold_until: Date | None = None
    """A tentative hold: stops counting after this day."""
    forced_reason: str | None = None
    """Why an infeasible or at-risk deal was booked anyway."""
    plan: HeldPlan | None = None
    """The schedule the booking holds; omitted (a hand-written or older booking): planned
    on every load, and `validate` warns that `replan --write` would pin it."""


class Deal(FileModel):
    """A deal a rep wants to quote, or (with `booking`) a commitment."""

    id: Id
    """Deal id, e.g. from the CRM; also the booking's file name."""
    customer: str
    """Customer name."""
    owner: str | None = None
    """The rep, e.g. `Sam Reyes <sam@example.com>`."""
    start: Date | None = None
    """No work before this day (signature, kickoff)."""
    lines: list[DealLine] = Field(min_length=1, max_length=MAX_LINES)
    """What is sold (1 to 1,000 lines)."""
    booking: Booking | None = None
    """Present once booked."""
