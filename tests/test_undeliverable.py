"""Lines proven not deliverable within the horizon end a search early, with the answer it
would have given at its full budget.

The deal has two lines: line 0's second step needs the crew, which is free on the first
day only, while the step can start on the second day at the soonest (after the first
step). Every day has a free position for each of its steps, so only the time-window
proof (``bound.cannot_meet``) finds it hopeless. Lines of the other offering are on a free team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from feasibility.engine import scheduler
from feasibility.engine import search as search_module
from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.plan import Plan, prepare
from feasibility.engine.scheduler import hopeless_lines
from feasibility.engine.solve import Basis
from feasibility.engine.trial import meets, with_extra
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.factories import capacity, deal

MON = dt.date(2027, 3, 1)


def _model(search_schedules: int) -> CapacityFile:
    return capacity(
        resources=[{"id": "crew", "per_day": 1}, {"id": "team", "per_day": 1}],
        offerings=[
            {
                "id": "a",
                "steps": [
                    {"id": "prep", "days": 1, "uses": {"team": 1}},
                    {"id": "fit", "days": 1, "uses": {"crew": 1}, "after": ["prep"]},
                ],
            },
            {"id": "b", "steps": [{"id": "s", "days": 2, "uses": {"team": 1}}]},
        ],
        reservations=[{"resource": "crew", "from": "2027-03-02", "to": "2031-12-31", "per_day": 1}],
        policy={"search_schedules": search_schedules},
    )


DEAL = deal(
    {"offering": "a", "quantity": 1, "due": "2027-03-20"},
    {"offering": "b", "quantity": 1, "due": "2027-03-20"},
)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the search's decodes of candidate schedules."""
    count = [0]
    plain = scheduler.decode

    def counted(*args: object, **kwargs: object) -> object:
        count[0] += 1
        return plain(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "decode", counted)
    yield count


def _basis(plan: Plan, d: Deal) -> Basis:
    return Basis.of(plan, prepare(plan, d))


def test_the_time_window_proof_finds_a_line_the_free_days_alone_do_not() -> None:
    plan = build_plan(_model(200), [], MON)
    basis = _basis(plan, DEAL)
    assert hopeless_lines(basis.compiled, plan.state.free, basis.prepared.release) == set()
    assert [basis.never(plan.state.free, j) for j in range(2)] == [True, False]


def test_a_line_is_asked_again_when_its_resources_free_capacity_changes() -> None:
    plan = build_plan(_model(200), [], MON)
    basis = _basis(plan, DEAL)
    assert basis.never(plan.state.free, 0)
    more = with_extra(plan, {"crew": 1.0}, 0, 30)
    assert not basis.never(more.state.free, 0)
    assert basis.never(plan.state.free, 0)


def test_a_search_stops_once_the_lines_it_leaves_out_are_proven_undeliverable(
    decodes: list[int],
) -> None:
    small = check_deal(build_plan(_model(12), [], MON), DEAL)
    decodes[0] = 0
    large = check_deal(build_plan(_model(200), [], MON), DEAL)
    assert decodes[0] < 12
    assert [ln.earliest for ln in large.lines] == [ln.earliest for ln in small.lines]
    assert large.lines[0].earliest is None
    assert large.lines[1].earliest == MON + dt.timedelta(days=1)


def test_a_verification_settles_when_the_other_lines_are_proven_undeliverable(
    decodes: list[int],
) -> None:
    # Lines 1 and 2 take turns on the team, so the later one is not at its bound and the
    # search cannot stop there: only on the targets met with line 0 proven hopeless.
    three = deal(*DEAL.model_dump(mode="json")["lines"], DEAL.lines[1].model_dump(mode="json"))
    plan = build_plan(_model(200), [], MON)
    basis = _basis(plan, three)
    due = plan.timeline.index(dt.date(2027, 3, 20))
    decodes[0] = 0
    assert meets(plan, three, {1: due}, None, basis)
    assert decodes[0] < 12
