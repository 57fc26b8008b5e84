"""Build capacity models and deals in tests from small dicts (scalars as YAML gives them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal


def capacity(**sections: Any) -> CapacityFile:
    """A capacity model: every day a workday, no holidays, unless ``calendar`` is given."""
    data: dict[str, Any] = {
        "version": 1,
        "company": "Test Co",
        "calendar": {"workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
    }
    data.update(sections)
    return CapacityFile.model_validate(data)


def deal(*lines: dict[str, Any], id: str = "D-1", **fields: Any) -> Deal:
    """A deal with the given lines."""
    return Deal.model_validate({"id": id, "customer": "Customer", "lines": list(lines), **fields})


def booking(*lines: dict[str, Any], id: str, booked_on: dt.date, **fields: Any) -> Deal:
    """A booked deal."""
    return deal(*lines, id=id, booking={"booked_on": booked_on, "by": "ops"}, **fields)
