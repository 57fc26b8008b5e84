"""The benchmark's generated model is one a team could have: `validate` finds no error in it.

A generated booking whose plan misses a due date is written as `book --force` writes it,
with a ``forced_reason``, so `validate` reports it as a warning, not an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import scale
from feasibility.engine.commitments import build_plan
from feasibility.io.yamlio import dump
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.validation.report import validate_workspace

BOOKINGS = 120


def _large_bookings() -> list[dict[str, Any]]:
    """The generator's bookings with six times their quantities: some miss their dates."""
    bookings = scale.booking_data(BOOKINGS)
    for b in bookings:
        for line in b["lines"]:
            line["quantity"] *= 6
    return bookings


def test_generated_bookings_that_miss_a_due_date_are_forced_and_validate(tmp_path: Path) -> None:
    data = scale.capacity_data()
    bookings = scale.planned_bookings(data, _large_bookings())
    (tmp_path / "bookings").mkdir()
    (tmp_path / "capacity.yaml").write_text(dump(data), encoding="utf-8")
    for b in bookings:
        (tmp_path / "bookings" / f"{b['id']}.yaml").write_text(dump(b), encoding="utf-8")
    forced = {b["id"] for b in bookings if "forced_reason" in b["booking"]}

    held = build_plan(
        CapacityFile.model_validate(data), [Deal.model_validate(b) for b in bookings], scale.AS_OF
    )
    late = {o.deal.id for o in held.bookings if any(line.broken for line in o.lines)}
    report = validate_workspace(tmp_path / "capacity.yaml", [], scale.AS_OF)

    assert forced  # the larger quantities make some plans late
    assert forced == late
    assert report.valid(strict=False)
    assert any("booked with --force" in p.message for p in report.problems)
