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


SHORT = capacity(
    resources=[{"id": "eng", "per_day": "8"}, {"id": "crew", "per_day": "1"}],
    materials=[{"id": "kit", "on_hand": "10"}],
    offerings=[
        {
            "id": "long",
            "materials": {"kit": "1"},
            "steps": [
                {"id": "survey", "resource": "eng", "effort": "6", "max_per_day": "4"},
                {"id": "fit", "days": "2", "uses": {"crew": "1"}},
                {"id": "install", "resource": "eng", "effort": "400"},
                {"id": "wait", "days": "2"},
            ],
        },
        {"id": "soon", "steps": [{"id": "fit", "days": "3", "uses": {"crew": "1"}}]},
    ],
    policy={"horizon_days": "20"},
)
"""A 21-day grid: 400 hours of ``install`` at 8 a day cannot finish on it."""


def _booked_beyond_the_horizon() -> Deal:
    """A booking of ``long`` holding the plan its check found: survey and fit, nothing of
    install (no room within the horizon) nor of the wait after it."""
    new = deal({"offering": "long", "due": "2027-03-26"})
    held = check_deal(build_plan(SHORT, [], AS_OF), new).plan
    assert held is not None
    assert [s.step for s in held.steps] == ["survey", "fit"]
    return new.model_copy(update={"booking": Booking(booked_on=AS_OF, by="ops", plan=held)})


def test_a_plan_that_leaves_out_work_beyond_the_horizon_fits_when_read_back() -> None:
    """Regression: a plan the tool wrote for work that runs beyond the grid was read back
    as "missing from the plan", re-planned on every load (and never cached), and its line
    given the last planned step's day as its delivery."""
    booked = _booked_beyond_the_horizon()
    other = deal({"offering": "soon"}, id="D-2").model_copy(
        update={"booking": Booking(booked_on=AS_OF, by="ops")}
    )
    plan = build_plan(SHORT, [booked], AS_OF)
    assert plan_misfits(build_plan(SHORT, [], AS_OF), booked, _plan_of(booked)) == []
    [outcome] = plan.bookings
    assert outcome.status == "held" and outcome.misfits == ()
    assert [(b.delivered, b.broken) for b in outcome.lines] == [(None, True)]
    assert plan.held is not None  # all plans fit: the held-load cache can be written
    # A later booking gets what the held plan leaves, as when it is planned anew.
    held = build_plan(SHORT, [booked, other], AS_OF)
    anew = build_plan(SHORT, [booked, other], AS_OF, replan_ids=frozenset({booked.id}))
    assert booked.booking is not None and anew.bookings[0].plan == booked.booking.plan
    assert held.state.free == anew.state.free
    assert held.bookings[1].plan == anew.bookings[1].plan
    # Later, as time passes, it still fits and is still not delivered within the horizon.
    later = build_plan(SHORT, [booked], AS_OF + dt.timedelta(days=7))
    assert later.bookings[0].status == "held"
    assert later.bookings[0].lines[0].delivered is None


def _drop(*names: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["steps"] = [s for s in data["steps"] if s["step"] not in names]
        if "survey" in names:
            data["materials"] = []

    return change


def test_work_left_out_before_planned_work_is_missing() -> None:
    """Only a step with nothing planned after it may be left out."""
    fit_dropped = _with_plan(_planned(), _drop("fit"))
    found = plan_misfits(build_plan(MODEL, [], AS_OF), fit_dropped, _plan_of(fit_dropped))
    assert "line 0 unit 1 step fit is missing from the plan" in [m.message for m in found]

    def add_wait(data: dict[str, Any]) -> None:
        data["steps"].append(
            {"line": 0, "unit": 1, "step": "wait", "start": AS_OF, "finish": AS_OF}
        )

    waits = _with_plan(_booked_beyond_the_horizon(), add_wait)
    found = plan_misfits(build_plan(SHORT, [], AS_OF), waits, _plan_of(waits))
    assert "line 0 unit 1 step install is missing from the plan" in [m.message for m in found]


def test_a_left_out_wait_that_would_end_within_the_horizon_is_missing() -> None:
    """A wait after planned work needs no capacity: left out, it must end beyond the grid
    of the plan's date; the whole tail of a plan left out is accepted only when it does."""
    booked = _with_plan(_planned(), _drop("wait"))
    found = plan_misfits(build_plan(MODEL, [], AS_OF), booked, _plan_of(booked))
    assert [m.message for m in found] == ["line 0 unit 1 step wait is missing from the plan"]
    # Without any step of the unit, its material take is not asked for either.
    nothing = _with_plan(_planned(), _drop("survey", "fit", "wait"))
    assert plan_misfits(build_plan(MODEL, [], AS_OF), nothing, _plan_of(nothing)) == []
