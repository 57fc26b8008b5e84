"""Shared building blocks of the file models: ids, strict config, dates.

Every field takes its own type only, as YAML 1.2's core schema reads the file (the typing
the JSON Schemas describe): ``quantity: "2"`` is text where a number is wanted, ``review:
yes`` text where a boolean is. Ids may be whole numbers (``id: 2027003``), read as text.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_MAX_LENGTH = 100

ID_DESCRIPTION = (
    "An id: letters, digits, '.', '_' or '-', starting with a letter or digit (a whole "
    "number is read as its digits)."
)


def _id_number(value: Any) -> Any:
    """A whole number given as an id (``id: 2027003``) is its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _id_schema(schema: dict[str, Any]) -> None:
    """An id's JSON Schema: text of SPEC's form, or a whole number of at most
    ``ID_MAX_LENGTH`` digits. The text's pattern ends in ``(?!\n)``: Python's ``$`` (which
    some validators use) also matches before a final line break, which ids may not hold."""
    schema.clear()
    schema["description"] = ID_DESCRIPTION
    schema["anyOf"] = [
        {"type": "string", "pattern": ID_PATTERN + "(?!\n)", "maxLength": ID_MAX_LENGTH},
        {"type": "integer", "minimum": 0, "exclusiveMaximum": 10**ID_MAX_LENGTH},
    ]


Id = Annotated[
    str,
    # The constraints before the validator: pydantic then checks them in its core schema
    # rather than in Python functions after it (362,000 calls for 10,000 bookings).
    StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH),
    BeforeValidator(_id_number),
    Field(description=ID_DESCRIPTION, json_schema_extra=_id_schema),
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
    """The day of YYYY-MM-DD text (a date passes): pydantic alone would read 0 or '86400'
    as a Unix time and accept a date-time at midnight. Parsed here, so that a strict
    validation (a YAML file's: a date is text there) takes it."""
    if isinstance(value, str):  # first: a plan names hundreds of thousands of days
        return _text_date(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dict | list) or value is None:
        raise PydanticCustomError("date_type", "expected a date")
    raise PydanticCustomError("date_format", "expected YYYY-MM-DD")


@lru_cache(maxsize=4096)
def _text_date(value: str) -> dt.date:
    """The day of YYYY-MM-DD text (cached: the plans of many bookings name the same days)."""
    if ISO_DATE.fullmatch(value) is None:
        raise PydanticCustomError("date_format", "expected YYYY-MM-DD")
    try:
        return _lax_date().validate_python(value)
    except ValidationError as error:  # e.g. 2027-02-30, with pydantic's own words
        first = error.errors()[0]
        raise PydanticCustomError(first["type"], first["msg"]) from None


@cache
def _lax_date() -> TypeAdapter[dt.date]:
    return TypeAdapter(dt.date)


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A day, written YYYY-MM-DD (text, which YAML 1.2's core schema leaves a date as)."""


def given(*keys: str) -> dict[str, Any]:
    """JSON Schema: each of ``keys`` is there and not null."""
    return {"required": list(keys), "properties": {k: {"not": {"type": "null"}} for k in keys}}


def not_given(*keys: str) -> dict[str, Any]:
    """JSON Schema: each of ``keys`` is absent or null (as the models read an omitted field)."""
    return {"properties": {k: {"type": "null"} for k in keys}}


class FileModel(BaseModel):
    """Base of every model read from a file: unknown keys are errors, no NaN or infinity.
    A YAML file is validated strictly (``validation.schema.validate_document``)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of keys given (``model_fields_set``) with the instances given the
        same keys: a set each takes 200-700 bytes, half of what a booking holding a plan
        takes. Safe as the models are frozen (``model_copy`` copies the set it updates)."""
        object.__setattr__(self, "__pydantic_fields_set__", _shared_keys(self.model_fields_set))


_KEYS: dict[frozenset[str], set[str]] = {}
"""One set per combination of keys given (``FileModel.model_post_init``)."""
_KEYS_MAX = 4096
"""Combinations ``_KEYS`` holds at most (later ones keep their own set)."""


def _shared_keys(keys: set[str]) -> set[str]:
    """The set of ``_KEYS`` equal to ``keys`` (``keys`` itself when new)."""
    frozen = frozenset(keys)
    shared = _KEYS.get(frozen)
    if shared is None:
        if len(_KEYS) >= _KEYS_MAX:
            return keys
        shared = _KEYS[frozen] = keys
    return shared
