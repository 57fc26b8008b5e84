"""The search beats a single greedy pass, stays exact about what is possible, and is
deterministic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.result import DealResult
from tests.factories import capacity, deal

START = dt.date(2030, 1, 7)

# Five steps on one resource of 2 a day (``after: []``: no implied order): a -> b -> d is
# a chain of 11 days in which b and d take the whole resource, c takes it all for 3 days,
# a and e take half. The work is 29 units, so 15 days is a lower bound, reached by running
# a beside e. One greedy pass (longest tail first) needs 18 days.
STEPS: list[dict[str, Any]] = [
    {"id": "a", "days": 3, "uses": {"crew": 1.0}, "after": []},
    {"id": "b", "days": 4, "uses": {"crew": 2.0}, "after": ["a"]},
    {"id": "c", "days": 3, "uses": {"crew": 2.0}, "after": []},
    {"id": "d", "days": 4, "uses": {"crew": 2.0}, "after": ["a", "b"]},
    {"id": "e", "days": 4, "uses": {"crew": 1.0}, "after": []},
]
OPTIMUM = 15
"""Days from the start to the last day of the best schedule, inclusive."""


def run(budget: int, days: int, exact_work: float = 0.0) -> DealResult:
    """Check the project due ``days`` days after the start with ``budget`` schedules."""
    model = capacity(
        resources=[{"id": "crew", "per_day": 2.0}],
        offerings=[{"id": "project", "steps": STEPS}],
        policy={
            "target_utilization": 1.0,
            "min_slack_days": 0,
            "search_schedules": budget,
            "exact_work": exact_work,
        },
    )
    due = START + dt.timedelta(days=days - 1)
    plan = build_plan(model, [], START)
    return check_deal(plan, deal({"offering": "project", "quantity": 1, "due": due}, start=START))


def length(result: DealResult) -> int:
    """Days from the start to the earliest delivery, inclusive."""
    assert result.earliest is not None
    return (result.earliest - START).days + 1


def test_one_greedy_pass_misses_the_optimum() -> None:
    assert length(run(1, OPTIMUM)) > OPTIMUM


def test_the_search_finds_the_optimum_and_says_feasible() -> None:
    result = run(200, OPTIMUM)
    assert length(result) == OPTIMUM
    assert result.verdict == "feasible"


def test_no_feasible_verdict_before_the_optimum() -> None:
    result = run(200, OPTIMUM - 1)
    assert result.verdict != "feasible"
    assert length(result) == OPTIMUM


def test_the_schedule_holds_capacity_and_precedence() -> None:
    result = run(200, OPTIMUM)
    by_step = {s.step: s for s in result.schedule}
    assert set(by_step) == {s["id"] for s in STEPS}
    for step in STEPS:
        placed = by_step[step["id"]]
        assert (placed.finish - placed.start).days + 1 == step["days"]
        for before in step.get("after", []):
            assert placed.start > by_step[before].finish
    day = START
    while day <= START + dt.timedelta(days=OPTIMUM):
        load = sum(
            s["uses"]["crew"]
            for s in STEPS
            if by_step[s["id"]].start <= day <= by_step[s["id"]].finish
        )
        assert load <= 2.0
        day += dt.timedelta(days=1)


def test_equal_input_gives_equal_schedules() -> None:
    first = run(50, OPTIMUM - 2)
    second = run(50, OPTIMUM - 2)
    assert first.earliest == second.earliest
    assert [(s.step, s.start, s.finish) for s in first.schedule] == [
        (s.step, s.start, s.finish) for s in second.schedule
    ]


def test_the_exact_stage_takes_one_greedy_pass_to_the_proven_optimum() -> None:
    result = run(1, OPTIMUM, exact_work=1.0)
    assert length(result) == OPTIMUM
    assert result.verdict == "feasible" and result.lines[0].proven


def test_the_exact_stage_proves_a_day_early_impossible() -> None:
    result = run(1, OPTIMUM - 1, exact_work=1.0)
    assert result.verdict == "infeasible" and length(result) == OPTIMUM
    assert any("is impossible" in r.message for r in result.reasons if r.code == "LATE")
