"""A held plan's rules, and its text in a booking file: each way a plan can break the
model's rules is named at its step, and writing a plan keeps the rest of the file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan, plan_misfits
from feasibility.io.yamlio import load_text
from feasibility.models.deal import Booking, Deal, HeldPlan
from feasibility.store.plan_text import replace_plan
from feasibility.validation.schema import validate_document
from tests.factories import capacity, deal

AS_OF = dt.date(2027, 1, 4)
MODEL = capacity(
    resources=[{"id": "eng", "per_day": "8"}, {"id": "crew", "per_day": "1"}],
    materials=[{"id": "kit", "on_hand": "10"}],
    offerings=[
        {
            "id": "job",
            "materials": {"kit": "1"},
            "steps": [
                {"id": "survey", "resource": "eng", "effort": "6", "max_per_day": "4"},
                {"id": "fit", "days": "2", "uses": {"crew": "1"}},
                {"id": "wait", "days": "2"},
            ],
        }
    ],
)


def _planned() -> Deal:
    """A one-unit deal booked with the plan its check finds on AS_OF."""
    new = deal({"offering": "job", "due": "2027-02-26"})
    held = check_deal(build_plan(MODEL, [], AS_OF), new).plan
    assert held is not None
    return new.model_copy(update={"booking": Booking(booked_on=AS_OF, by="ops", plan=held)})


def _plan_of(booked: Deal) -> HeldPlan:
    assert booked.booking is not None and booked.booking.plan is not None
    return booked.booking.plan


def _with_plan(booked: Deal, change: Any) -> Deal:
    assert booked.booking is not None and booked.booking.plan is not None
    data = booked.booking.plan.model_dump()
    change(data)
    plan = HeldPlan.model_validate(data)
    return booked.model_copy(update={"booking": booked.booking.model_copy(update={"plan": plan})})


def _step(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["step"] == name)


def _effort_short(data: dict[str, Any]) -> None:
    day = min(_step(data, "survey")["days"])
    _step(data, "survey")["days"][day] = {"eng": 1.0}


def _over_max(data: dict[str, Any]) -> None:
    s = _step(data, "survey")
    s["days"] = {s["start"]: {"eng": 6.0}}
    s["finish"] = s["start"]


def _fixed_gap(data: dict[str, Any]) -> None:
    s = _step(data, "fit")
    last = max(s["days"])
    later = last + dt.timedelta(days=2)
    s["days"][later] = s["days"].pop(last)
    s["finish"] = later


def _before_pred(data: dict[str, Any]) -> None:
    s = _step(data, "wait")
    s["start"] = _step(data, "fit")["start"]


def _missing(data: dict[str, Any]) -> None:
    data["steps"] = [s for s in data["steps"] if s["step"] != "wait"]


def _take_late(data: dict[str, Any]) -> None:
    data["materials"][0]["date"] += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_effort_short, "its days add up to 3, not the step's effort 6"),
        (_over_max, "more than max_per_day 4"),
        (_fixed_gap, "(fixed work is consecutive)"),
        (_before_pred, "before line 0 unit 1 step fit has finished"),
        (_missing, "line 0 unit 1 step wait is missing from the plan"),
        (_take_late, "takes its material on"),
    ],
)
def test_each_broken_rule_is_named(change: Any, words: str) -> None:
    booked = _planned()
    plan = build_plan(MODEL, [], AS_OF)
    assert plan_misfits(plan, booked, _plan_of(booked)) == []
    broken = _with_plan(booked, change)
    found = plan_misfits(plan, broken, _plan_of(broken))
    assert any(words in m.message for m in found), [m.message for m in found]


BOOKING = """\
# a comment that stays
id: D-1
customer: Customer
lines:
  - {offering: job, due: 2027-02-26}   # and this one
booking: {booked_on: 2027-01-04, by: ops}
"""


def test_a_plan_written_into_a_flow_style_booking_block() -> None:
    booked = _planned()
    doc = load_text(BOOKING, "D-1.yaml")
    assert booked.booking is not None
    text = replace_plan(BOOKING, doc, booked.booking)
    assert text.startswith("# a comment that stays\n")
    assert "  - {offering: job, due: 2027-02-26}   # and this one\n" in text
    again, problems = validate_document(load_text(text, "D-1.yaml"), Deal)
    assert problems == [] and again is not None and again.booking is not None
    assert again.booking.plan == booked.booking.plan
    # Written again over its own plan: the same text.
    assert replace_plan(text, load_text(text, "D-1.yaml"), again.booking) == text
