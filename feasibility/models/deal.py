"""The deal file, and the booking block `book` adds to it (SPEC)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from feasibility.models.common import Date, FileModel, Id

MAX_QUANTITY = 10_000


class DealLine(FileModel):
    """One offering, a quantity and a due date."""

    offering: Id
    """Id of an offering of the capacity file."""
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] = 1
    """Units of the offering (sites, sessions), a whole number from 1 to 10,000."""
    due: Date | None = None
    """Delivered by the end of this day; omitted: quote the earliest date."""
    features: list[Id] = Field(default_factory=list)
    """Features of the offering promised to the customer."""


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
    lines: list[DealLine] = Field(min_length=1)
    """What is sold."""
    booking: Booking | None = None
    """Present once booked."""
