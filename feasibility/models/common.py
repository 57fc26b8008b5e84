"""Shared building blocks of the file models: ids, strict config, dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_MAX_LENGTH = 100

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH),
    Field(description="An id: letters, digits, '.', '_' or '-', starting with a letter or digit."),
]
"""An id as SPEC defines it; also safe as a file name (no separators, never '..')."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

PositiveAmount = Annotated[float, Field(gt=0, le=1e9)]
"""A positive amount in some unit (hours, crews, pieces), at most one billion."""

NonNegativeAmount = Annotated[float, Field(ge=0, le=1e9)]

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""How every date is written: YYYY-MM-DD, nothing else (no 20270630, no time of day)."""


def _iso_date(value: Any) -> Any:
    """Text must be YYYY-MM-DD: pydantic alone would read '0' or '86400' as a Unix time and
    accept a date-time at midnight."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value) is None:
        raise PydanticCustomError("date_format", "expected YYYY-MM-DD")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A day, written YYYY-MM-DD."""


class FileModel(BaseModel):
    """Base of every model read from a file: unknown keys are errors, no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=True,
        hide_input_in_errors=True,
    )
