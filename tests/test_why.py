"""Why this date: every named cause, relaxed, makes its line earlier; days off are named;
the score adds up; the wording counts right."""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import given

from feasibility.engine.check import check_deal, check_deals
from feasibility.engine.commitments import build_plan
from feasibility.engine.diagnose import dates_without_days_off, relaxed, without_days_off_plan
from feasibility.engine.plan import prepare
from feasibility.engine.result import DealResult
from feasibility.models.capacity import CapacityFile, Closure
from feasibility.models.deal import Deal
from feasibility.workspace import Workspace, load_workspace
from tests.conftest import AS_OF, REPO, CliRunner
from tests.factories import capacity, deal
from tests.strategies import AS_OF as PROPERTY_AS_OF
from tests.strategies import deals, models, property_settings

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
QUIET = {"min_slack_days": 0, "target_utilization": 1.0}


def codes(result: DealResult) -> set[str]:
    return {r.code for r in result.reasons}


def repository() -> Workspace:
    return load_workspace(REPO / "capacity.yaml")


def example(name: str) -> Deal:
    from feasibility.workspace import load_deals

    return load_deals([REPO / "examples" / name])[0].deal


def test_unlimited_stock_leaves_the_late_examples_as_late_and_names_no_material() -> None:
    ws = repository()
    model = ws.capacity.model
    rich = model.model_copy(
        update={"materials": [m.model_copy(update={"on_hand": 100000.0}) for m in model.materials]}
    )
    for name in ("late.yaml", "needs-a-crew.yaml"):
        d = example(name)
        now = check_deals(model, ws.booked_deals, [d], AS_OF).deals[0]
        stocked = check_deals(rich, ws.booked_deals, [d], AS_OF).deals[0]
        assert now.earliest == stocked.earliest, name
        assert "MATERIAL" not in codes(now) | codes(stocked), name


def waiting_for_stock(due_days: int) -> tuple[CapacityFile, Deal]:
    """One unit needing a kit that arrives on 2027-03-10; plenty of capacity."""
    model = capacity(
        calendar={"workdays": WEEKDAYS},
        resources=[{"id": "crew", "unit": "crews", "per_day": 4}],
        materials=[
            {
                "id": "kit",
                "unit": "kits",
                "on_hand": 0,
                "receipts": [{"date": "2027-03-10", "qty": 5}],
            }
        ],
        offerings=[
            {
                "id": "o",
                "materials": {"kit": 1},
                "steps": [{"id": "s", "days": 1, "uses": {"crew": 1}}],
            }
        ],
        policy=QUIET,
    )
    due = dt.date(2027, 3, 1) + dt.timedelta(days=due_days)
    return model, deal({"offering": "o", "quantity": 1, "due": str(due)})


def test_an_on_time_unit_waiting_for_stock_is_a_material_reason_and_stays_feasible() -> None:
    model, d = waiting_for_stock(20)
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), d)
    assert result.verdict == "feasible"
    material = next(r for r in result.reasons if r.code == "MATERIAL")
    assert "until 2027-03-10 (the receipt of 5 kits on 2027-03-10)" in material.message
    assert "CAPACITY" not in codes(result)


def test_a_line_late_for_stock_names_no_capacity_bottleneck() -> None:
    model, d = waiting_for_stock(3)
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), d)
    assert result.verdict == "infeasible"
    assert "MATERIAL" in codes(result) and "CAPACITY" not in codes(result)


def over_easter() -> DealResult:
    """As of Thursday 2027-03-25 (England): two days of work run Thursday and, after Good
    Friday and Easter Monday, Tuesday 03-30."""
    model = capacity(
        calendar={"workdays": WEEKDAYS, "holidays": {"country": "GB", "subdivision": "ENG"}},
        resources=[{"id": "crew", "per_day": 1}],
        offerings=[{"id": "o", "steps": [{"id": "s", "days": 2, "uses": {"crew": 1}}]}],
        policy=QUIET,
    )
    d = deal({"offering": "o", "quantity": 1, "due": "2027-04-30"})
    return check_deal(build_plan(model, [], dt.date(2027, 3, 25)), d)


def test_easter_is_named_when_it_pushes_the_date() -> None:
    result = over_easter()
    assert result.earliest == dt.date(2027, 3, 30)
    calendar = next(r for r in result.reasons if r.code == "CALENDAR")
    assert "Good Friday (2027-03-26)" in calendar.message
    assert "Easter Monday (2027-03-29)" in calendar.message
    assert result.verdict == "feasible"


def test_a_due_date_already_past_is_due_passed_not_notice() -> None:
    model, _ = waiting_for_stock(20)
    d = deal({"offering": "o", "quantity": 1, "due": "2027-02-26"})
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), d)
    assert "DUE_PASSED" in codes(result) and "NOTICE" not in codes(result)


def test_notice_says_what_it_counts_from() -> None:
    model = capacity(
        calendar={"workdays": WEEKDAYS},
        resources=[{"id": "crew", "per_day": 1}],
        offerings=[
            {
                "id": "o",
                "min_notice_days": 3,
                "steps": [{"id": "s", "days": 1, "uses": {"crew": 1}}],
            }
        ],
        policy=QUIET,
    )
    late = deal({"offering": "o", "quantity": 1, "due": "2027-03-02"})
    notice = next(r for r in check_deal(build_plan(model, [], dt.date(2027, 3, 1)), late).reasons)
    assert notice.code == "NOTICE"
    assert "o needs 3 working days of notice from the check date 2027-03-01" in notice.message
    started = deal({"offering": "o", "quantity": 1, "due": "2027-03-08"}, start="2027-03-10")
    reason = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), started).reasons[0]
    assert reason.code == "NOTICE" and "the deal starts 2027-03-10" in reason.message


def test_a_line_with_no_due_date_gets_a_safe_date() -> None:
    model, _ = waiting_for_stock(20)
    policy = model.policy.model_copy(update={"min_slack_days": 5})
    model = model.model_copy(update={"policy": policy})
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), deal({"offering": "o"}))
    line = result.lines[0]
    assert line.earliest == dt.date(2027, 3, 10) and line.safe_date == dt.date(2027, 3, 17)
    assert result.verdict == "feasible"


EXAMPLE_DEALS = [str(p) for p in sorted((REPO / "examples").glob("*.yaml"))]
"""Every example deal, checked in one run by the tests below."""


def test_score_components_add_up_or_the_cap_is_stated(cli: CliRunner) -> None:
    out = cli("check", *EXAMPLE_DEALS, "--as-of", str(AS_OF), "--format", "json")
    deals = json.loads(out.stdout)["deals"]
    assert len(deals) == len(EXAMPLE_DEALS)
    for d in deals:
        total = sum(d["score_components"].values())
        assert total == d["score"] or (d["score_cap"] == d["score"] < total), d["id"]
    text = cli("check", *EXAMPLE_DEALS, "--as-of", str(AS_OF)).stdout
    heads = re.findall(r"score (\d+)/100 +\((.*?)\)", text)
    assert len(heads) == len(EXAMPLE_DEALS)
    for score, parts_text in heads:
        parts = [int(x) for x in re.findall(r"[a-z]+ (\d+)", parts_text.split("=")[0])]
        assert sum(parts) == int(score) or f"capped at {score}" in parts_text


PLURAL_SLIPS = re.compile(r"\b1 (working days|days|errors|warnings|crews|kits|hours|units)\b")


def test_no_count_of_one_reads_as_a_plural(cli: CliRunner) -> None:
    for fmt in ("text", "markdown"):
        out = cli("check", *EXAMPLE_DEALS, "--as-of", str(AS_OF), "--format", fmt, "--why").stdout
        assert not PLURAL_SLIPS.search(out), (fmt, PLURAL_SLIPS.findall(out))
    model, d = waiting_for_stock(3)
    result = check_deals(model, [], [d], dt.date(2027, 3, 1)).deals[0]
    texts = [r.message for r in result.reasons] + [o.message for o in result.offers]
    assert not any(PLURAL_SLIPS.search(t) for t in texts), texts


PROPS = property_settings(3)


@PROPS
@given(models(), deals())
def test_every_named_resource_material_or_calendar_relaxed_makes_its_line_earlier(
    model: CapacityFile, d: Deal
) -> None:
    plan = build_plan(model, [], PROPERTY_AS_OF)
    result = check_deal(plan, d)
    prepared = prepare(plan, d)
    for r in result.reasons:
        if r.code not in {"CAPACITY", "MATERIAL", "CALENDAR"} or r.line is None:
            continue
        j = prepared.lines.index(r.line)
        now = result.lines[r.line].earliest
        if now is None:
            continue
        if r.code == "CALENDAR":
            got = dates_without_days_off(without_days_off_plan(plan), d)[j]
        elif r.code == "CAPACITY":
            assert r.resource is not None
            got = relaxed(plan, prepared, [r.resource]).delivered[j]
        else:
            assert r.material is not None
            got = relaxed(plan, prepared, [], [r.material]).delivered[j]
        assert got is not None and plan.timeline.date(got) < now, r


def test_a_day_off_is_named_only_when_working_it_alone_makes_the_line_earlier() -> None:
    # The kit arrives Wednesday 03-10; the two-day step then needs 03-10 and 03-11. A
    # closure on Thursday 03-11 pushes delivery to Friday; the one on Tuesday 03-09, right
    # before the start, does not (the start waits for the kit anyway).
    model, d = waiting_for_stock(20)
    calendar = model.calendar.model_copy(
        update={
            "closures": [
                Closure.model_validate(
                    {"from": "2027-03-09", "to": "2027-03-09", "reason": "Inventory"}
                ),
                Closure.model_validate(
                    {"from": "2027-03-11", "to": "2027-03-11", "reason": "Move"}
                ),
            ]
        }
    )
    step = model.offerings[0].steps[0].model_copy(update={"days": 2})
    offering = model.offerings[0].model_copy(update={"steps": [step]})
    model = model.model_copy(update={"calendar": calendar, "offerings": [offering]})
    result = check_deal(build_plan(model, [], dt.date(2027, 3, 1)), d)
    assert result.earliest == dt.date(2027, 3, 12)
    reason = next(r for r in result.reasons if r.code == "CALENDAR")
    assert "Move (2027-03-11)" in reason.message and "Inventory" not in reason.message
    assert "delivered 1 day earlier" in reason.message
