"""The exact stage: the true earliest dates, proven, and never a schedule that breaks a rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given

from feasibility.engine.check import check_deal, check_deals
from feasibility.engine.commitments import build_plan
from feasibility.engine.plan import prepare
from feasibility.engine.result import DealResult
from feasibility.engine.scheduler import Outcome
from feasibility.engine.search import due_weights, objective
from feasibility.engine.solve import schedule_deal
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.factories import capacity, deal
from tests.strategies import AS_OF, deals, models, property_settings
from tests.validator import violations

WEEKDAYS = {"workdays": ["mon", "tue", "wed", "thu", "fri"]}
QUIET = {"min_slack_days": 0, "target_utilization": 1.0}
"""A policy that flags nothing but lateness."""


def check(model: CapacityFile, d: Deal, as_of: dt.date) -> DealResult:
    result = check_deal(build_plan(model, [], as_of), d)
    assert violations(model, d, as_of, result) == []
    return result


def with_policy(model: CapacityFile, **policy: Any) -> CapacityFile:
    return model.model_copy(update={"policy": model.policy.model_copy(update=policy)})


def split_effort(due: dt.date) -> tuple[CapacityFile, Deal]:
    """Three units of 6 effort, at most 2 a unit a day, on a resource of 5 a day."""
    model = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "r", "per_day": 5}],
        offerings=[
            {"id": "o", "steps": [{"id": "s", "resource": "r", "effort": 6, "max_per_day": 2}]}
        ],
        policy=QUIET,
    )
    return model, deal({"offering": "o", "quantity": 3, "due": str(due)})


def test_parallel_effort_shares_a_day_and_the_date_is_proven() -> None:
    # 18 units of work at 5 a day need four days: Monday to Thursday 2027-03-04.
    model, d = split_effort(dt.date(2027, 3, 4))
    result = check(model, d, dt.date(2027, 3, 1))
    assert result.verdict == "feasible"
    assert result.earliest == dt.date(2027, 3, 4)
    assert result.lines[0].proven


def test_a_due_date_before_the_proven_earliest_is_impossible() -> None:
    model, d = split_effort(dt.date(2027, 3, 3))
    result = check(model, d, dt.date(2027, 3, 1))
    assert result.verdict == "infeasible"
    late = next(r for r in result.reasons if r.code == "LATE")
    assert "2027-03-03 is impossible" in late.message


def test_without_the_exact_stage_the_greedy_split_is_a_day_later_and_unproven() -> None:
    model, d = split_effort(dt.date(2027, 3, 4))
    result = check(with_policy(model, exact_work=0.0), d, dt.date(2027, 3, 1))
    assert result.earliest == dt.date(2027, 3, 5)
    assert not result.lines[0].proven


def two_lines() -> tuple[CapacityFile, Deal]:
    """Effort 5 and a fixed step of 3 days holding 2, on one resource of 3 a day."""
    model = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "r", "per_day": 3}],
        offerings=[
            {"id": "a", "steps": [{"id": "s", "resource": "r", "effort": 5}]},
            {"id": "b", "steps": [{"id": "f", "days": 3, "uses": {"r": 2}}]},
        ],
        policy=QUIET,
    )
    return model, deal({"offering": "a", "quantity": 1}, {"offering": "b", "quantity": 1})


def test_the_earliest_full_delivery_comes_before_the_sum_of_dates() -> None:
    # As of Thursday 2027-06-03: both lines can be delivered by Tuesday 06-08.
    model, d = two_lines()
    result = check(model, d, dt.date(2027, 6, 3))
    assert result.earliest == dt.date(2027, 6, 8)
    assert all(ln.proven for ln in result.lines)


def one_at_a_time(*dues: str | None) -> tuple[CapacityFile, Deal]:
    """Two lines of one fixed step of 2 days that each hold the only crew: one after the
    other, either way round with the same full delivery and the same sum of dates."""
    model = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "crew", "per_day": 1}],
        offerings=[{"id": "o", "steps": [{"id": "s", "days": 2, "uses": {"crew": 1}}]}],
        policy=QUIET,
    )
    lines = [{"offering": "o", "quantity": 1} | ({"due": due} if due else {}) for due in dues]
    return model, deal(*lines)


@pytest.mark.parametrize(
    ("dues", "first"),
    [
        (("2027-06-30", "2027-06-20"), 1),
        (("2027-06-20", "2027-06-30"), 0),
        ((None, "2027-06-30"), 1),
        ((None, None), 0),
        (("2027-06-20", "2027-06-20"), 0),
    ],
)
def test_of_equally_good_schedules_the_line_due_sooner_is_delivered_first(
    dues: tuple[str | None, str | None], first: int
) -> None:
    model, d = one_at_a_time(*dues)
    result = check(model, d, dt.date(2027, 6, 7))  # a Monday
    days = [ln.earliest for ln in result.lines]
    assert days[first] == dt.date(2027, 6, 8)
    assert days[1 - first] == dt.date(2027, 6, 10)


def test_due_weights_rank_lines_by_due_day_then_deal_order() -> None:
    assert due_weights([9, 3, None, 3]) == [2, 4, 1, 3]
    assert due_weights([5]) == [1]


def test_the_objective_prefers_the_line_due_sooner_among_equal_sums() -> None:
    due = [20, 10]
    sooner, later = Outcome(delivered=[4, 2]), Outcome(delivered=[2, 4])
    assert objective(sooner, due) < objective(later, due)


def test_each_line_is_never_before_its_lower_bound() -> None:
    model, d = two_lines()
    result = check(model, d, dt.date(2027, 6, 3))
    for ln in result.lines:
        assert ln.lower_bound is not None and ln.earliest is not None
        assert ln.lower_bound <= ln.earliest


def test_the_same_files_give_the_same_schedule() -> None:
    model, d = split_effort(dt.date(2027, 3, 4))
    first = check(model, d, dt.date(2027, 3, 1))
    second = check(model, d, dt.date(2027, 3, 1))
    assert first.schedule == second.schedule


def test_offers_use_the_exact_stage_for_the_most_units_by_the_due_date() -> None:
    # Due Wednesday: 15 units of work fit by then, so two units (12) can be delivered,
    # and with the greedy split alone (2 a day each) also two; three cannot.
    model, d = split_effort(dt.date(2027, 3, 3))
    result = check_deals(model, [], [d], dt.date(2027, 3, 1)).deals[0]
    partial = next(o for o in result.offers if o.kind == "partial")
    assert partial.quantity == 2


PROPS = property_settings(2)


@PROPS
@given(models(), deals())
def test_exact_is_never_later_than_the_heuristic_nor_before_the_bound(
    model: CapacityFile, d: Deal
) -> None:
    plan = build_plan(model, [], AS_OF)
    prepared = prepare(plan, d)
    heuristic = schedule_deal(plan, prepared, model.policy.search_schedules)
    exact = schedule_deal(plan, prepared)
    assert _key(exact.out.delivered, prepared.due) <= _key(heuristic.out.delivered, prepared.due)
    for got, bound in zip(exact.out.delivered, exact.lower.delivered, strict=True):
        assert got is None or (bound is not None and bound <= got)
    result = check_deal(plan, d)
    assert violations(model, d, AS_OF, result) == []


def _key(days: list[int | None], due: list[int | None]) -> tuple[int, ...]:
    """SPEC's objective: lines missing, lines late, total lateness, last day, sum of days."""
    got = [x for x in days if x is not None]
    late = [x - u for x, u in zip(days, due, strict=True) if x is not None and u is not None]
    late = [x for x in late if x > 0]
    return (len(days) - len(got), len(late), sum(late), max(got, default=0), sum(got))
