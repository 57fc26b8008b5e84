"""`check --why`: the chain from each line's earliest start to its delivery, each gap
with what held it; read against the schedule it explains."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given

from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.result import DealResult, ScheduledStep, WhyLink
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.conftest import AS_OF, REPO, CliRunner
from tests.factories import booking, capacity, deal
from tests.strategies import AS_OF as PROPERTY_AS_OF
from tests.strategies import deals, models, property_settings
from tests.test_why import QUIET, WEEKDAYS, over_easter, waiting_for_stock

STARTS = {"check_date", "notice", "deal_start"}
STEPS = {"work", "precedence"}
GAPS = {"calendar", "capacity", "material", "order"}


def check_chain(result: DealResult) -> None:
    """Every delivered line's chain: one start, then gaps and steps in date order, each
    step one of the schedule's, each gap right before a step it names, ending on the
    line's delivery; capacity gaps name a resource the step uses."""
    for n, line in enumerate(result.lines):
        if line.earliest is None:
            assert line.why == ()
            continue
        first, *rest = line.why
        assert first.cause in STARTS and first.start == first.finish
        assert rest and rest[-1].cause in STEPS and rest[-1].finish == line.earliest
        steps: dict[tuple[object, ...], ScheduledStep] = {
            (s.line, s.unit, s.step, s.start, s.finish): s for s in result.schedule
        }
        before = first.finish - dt.timedelta(days=1)
        for k, link in enumerate(rest):
            assert link.start > before and link.finish >= link.start, (n, link)
            before = link.finish
            if link.cause in STEPS:
                assert (n, link.unit, link.step, link.start, link.finish) in steps, link
                continue
            assert link.cause in GAPS
            step = next(x for x in rest[k + 1 :] if x.cause in STEPS)
            assert (step.step, step.unit) == (link.step, link.unit)
            if link.cause == "capacity":
                key = (n, step.unit, step.step, step.start, step.finish)
                assert link.resource in steps[key].uses, link
            if link.cause == "calendar":
                assert link.days_off and all(
                    link.start <= day <= link.finish for day, _ in link.days_off
                )


@property_settings(3)
@given(models(), deals())
def test_every_chain_runs_from_the_start_through_the_schedule_to_delivery(
    model: CapacityFile, d: Deal
) -> None:
    check_chain(check_deal(build_plan(model, [], PROPERTY_AS_OF), d))


def causes(links: tuple[WhyLink, ...]) -> list[str]:
    return [link.cause for link in links]


def test_a_unit_waiting_for_stock_shows_the_receipt_it_waits_for() -> None:
    model, d = waiting_for_stock(20)
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), d)
    check_chain(result)
    why = result.lines[0].why
    assert causes(why) == ["check_date", "material", "work"]
    gap = why[1]
    assert (gap.start, gap.finish, gap.material) == (
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 9),
        "kit",
    )
    assert "not in stock until 2027-03-10 (the receipt of 5 kits on 2027-03-10)" in gap.message


def test_easter_inside_a_step_is_named_on_the_step() -> None:
    result = over_easter()
    check_chain(result)
    step = result.lines[0].why[-1]
    assert [name for _, name in step.days_off] == ["Good Friday", "Easter Monday"]
    assert "Good Friday (2027-03-26), Easter Monday (2027-03-29)" in step.message


def crew_model(**policy: object) -> CapacityFile:
    return capacity(
        calendar={"workdays": WEEKDAYS, "holidays": {"country": "GB", "subdivision": "ENG"}},
        resources=[{"id": "crew", "unit": "crews", "per_day": 1, "owner": "Ops"}],
        offerings=[{"id": "o", "steps": [{"id": "s", "days": 2, "uses": {"crew": 1}}]}],
        policy={**QUIET, **policy},
    )


def test_a_gap_before_easter_is_a_named_calendar_gap_and_the_crew_gap_says_who_took_it() -> None:
    # As of Monday 2027-03-22, one crew a day: unit 1 takes Mon-Tue, unit 2 Wed-Thu; a
    # booking holds Thursday 03-25 too, so unit 2 waits for the crew, then for Easter.
    held = booking(
        {"offering": "o", "quantity": 1, "due": "2027-03-31"},
        id="B-1",
        booked_on=dt.date(2027, 3, 1),
        start="2027-03-24",
    )
    model = crew_model()
    d = deal({"offering": "o", "quantity": 2, "due": "2027-04-30"})
    result = check_deal(build_plan(model, [held], dt.date(2027, 3, 22)), d)
    check_chain(result)
    why = result.lines[0].why
    gaps = [link for link in why if link.cause in GAPS]
    assert gaps[0].cause == "capacity" and gaps[0].resource == "crew"
    assert "taken by booked work and reservations and by this deal's other work" in gaps[0].message
    assert gaps[1].cause == "calendar"
    assert [name for _, name in gaps[1].days_off] == ["Good Friday", "Easter Monday"]
    assert why[-1].start == dt.date(2027, 3, 30)


def test_check_why_shows_the_chain_in_text_and_markdown_and_json_always_has_it(
    cli: CliRunner,
) -> None:
    path = str(REPO / "examples" / "needs-a-crew.yaml")
    plain = cli("check", path, "--as-of", str(AS_OF)).stdout
    text = cli("check", path, "--as-of", str(AS_OF), "--why").stdout
    assert "because:" not in plain
    assert "Line 0 (site-rollout) is delivered 2027-02-10 because:" in text
    assert "START" in text and "STEP" in text and "CAPACITY" in text
    md = cli("check", path, "--as-of", str(AS_OF), "--why", "--format", "markdown").stdout
    assert "1. `START` work can start on 2026-12-09" in md
    data = json.loads(cli("check", path, "--as-of", str(AS_OF), "--format", "json").stdout)
    why = data["deals"][0]["lines"][0]["why"]
    assert why[0]["cause"] == "notice" and why[-1]["finish"] == "2027-02-10"
    assert {"cause", "start", "finish", "message"} <= set(why[1])
