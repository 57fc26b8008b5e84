"""What the file models keep of each instance (``FileModel``)."""

from __future__ import annotations

import datetime as dt

from feasibility.models.deal import PlannedStep

STEP = {"line": 0, "step": "fit", "start": "2027-01-04", "finish": "2027-01-05"}


def test_instances_given_the_same_keys_share_one_set_of_them() -> None:
    first = PlannedStep.model_validate(STEP)
    second = PlannedStep.model_validate({**STEP, "finish": "2027-01-06"})
    unit = PlannedStep.model_validate({**STEP, "unit": 2})
    assert first.model_fields_set is second.model_fields_set
    assert first.model_fields_set == {"line", "step", "start", "finish"}
    assert unit.model_fields_set == {"line", "step", "start", "finish", "unit"}
    copied = first.model_copy(update={"unit": 1})
    assert copied.model_fields_set == unit.model_fields_set
    assert second.model_fields_set == {"line", "step", "start", "finish"}
    assert second.model_dump(exclude_unset=True) == {
        "line": 0,
        "step": "fit",
        "start": dt.date(2027, 1, 4),
        "finish": dt.date(2027, 1, 6),
    }
