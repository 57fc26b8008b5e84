"""Invariants of the engine over random small models (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from feasibility.engine.check import check_deals
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.strategies import AS_OF, deals, models, property_settings
from tests.validator import violations

PROPS = property_settings()


@PROPS
@given(models(), deals())
def test_every_schedule_passes_the_independent_validator(model: CapacityFile, deal: Deal) -> None:
    result = check_deals(model, [], [deal], AS_OF).deals[0]
    assert violations(model, deal, AS_OF, result) == []


@PROPS
@given(models(), deals(), st.integers(1, 10))
def test_adding_capacity_never_makes_a_deal_later(
    model: CapacityFile, deal: Deal, extra: int
) -> None:
    # Lines of one deal compete for capacity, so one line may trade days with another;
    # the deal's full delivery (its latest line) must never get later.
    bigger = model.model_copy(
        update={
            "resources": [
                r.model_copy(update={"per_day": (r.per_day or 0) + extra}) for r in model.resources
            ]
        }
    )
    before = check_deals(model, [], [deal], AS_OF).deals[0]
    after = check_deals(bigger, [], [deal], AS_OF).deals[0]
    if before.earliest is not None:
        assert after.earliest is not None and after.earliest <= before.earliest
    if len(deal.lines) == 1 and before.lines[0].earliest is not None:
        assert after.lines[0].earliest is not None
        assert after.lines[0].earliest <= before.lines[0].earliest


@PROPS
@given(models(), deals(), st.integers(1, 30))
def test_a_later_due_date_never_makes_a_deal_infeasible(
    model: CapacityFile, deal: Deal, shift: int
) -> None:
    # Not "never at risk": SPEC's objective does not weigh slack, so a later due date can
    # let a schedule with a smaller sum of days win that leaves a line less slack than
    # policy asks for (README, "Exact dates, proven"; found by this test).
    later = deal.model_copy(
        update={
            "lines": [
                ln.model_copy(update={"due": ln.due + dt.timedelta(days=shift) if ln.due else None})
                for ln in deal.lines
            ]
        }
    )
    before = check_deals(model, [], [deal], AS_OF).deals[0]
    after = check_deals(model, [], [later], AS_OF).deals[0]
    if before.verdict != "infeasible":
        assert after.verdict != "infeasible"


@PROPS
@given(models(), deals())
def test_checking_never_changes_the_model(model: CapacityFile, deal: Deal) -> None:
    model_before, deal_before = model.model_dump(), deal.model_dump()
    check_deals(model, [deal], [deal], AS_OF)
    assert model.model_dump() == model_before
    assert deal.model_dump() == deal_before
