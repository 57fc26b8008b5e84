"""Hypothesis strategies: small random capacity models and deals that are valid by construction."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

AS_OF = dt.date(2027, 3, 1)


@st.composite
def steps(draw: st.DrawFn, resources: list[str], caps: dict[str, int]) -> list[dict[str, Any]]:
    """1-4 steps of random kinds; `after` only names earlier steps (no cycles)."""
    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["effort", "fixed", "wait"]))
        step: dict[str, Any] = {"id": f"s{i}"}
        if kind == "effort":
            step["resource"] = draw(st.sampled_from(resources))
            step["effort"] = draw(st.integers(1, 30))
            if draw(st.booleans()):
                step["max_per_day"] = draw(st.integers(1, 10))
        elif kind == "fixed":
            r = draw(st.sampled_from(resources))
            step["days"] = draw(st.integers(1, 3))
            step["uses"] = {r: draw(st.integers(1, caps[r]))}
        else:
            step["days"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            step["per"] = "line"
        if i and draw(st.booleans()):
            step["after"] = draw(
                st.lists(st.sampled_from([f"s{k}" for k in range(i)]), unique=True)
            )
        out.append(step)
    return out


@st.composite
def models(draw: st.DrawFn) -> CapacityFile:
    """A small model: 1-3 resources, one offering, maybe a closure, a material and
    reservations."""
    n = draw(st.integers(1, 3))
    resources = [f"r{i}" for i in range(n)]
    caps = {r: draw(st.integers(1, 10)) for r in resources}
    weekdays = draw(st.booleans())
    data: dict[str, Any] = {
        "version": 1,
        "company": "Prop Co",
        "calendar": {
            "workdays": ["mon", "tue", "wed", "thu", "fri"]
            if weekdays
            else ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        },
        "resources": [{"id": r, "per_day": caps[r]} for r in resources],
        "offerings": [
            {
                "id": "svc",
                "steps": draw(steps(resources, caps)),
                "min_notice_days": draw(st.integers(0, 3)),
            }
        ],
        # A quarter of the exact stage's default work: what it returns is still checked, and
        # a small model it cannot prove (it happens) costs a quarter of the time; how much
        # it finds is the benchmarks' business.
        "policy": {
            "search_schedules": draw(st.integers(1, 8)),
            "horizon_days": 200,
            "exact_work": 0.25,
        },
    }
    if draw(st.integers(0, 3)) == 0:
        first = AS_OF + dt.timedelta(days=draw(st.integers(0, 20)))
        last = first + dt.timedelta(days=draw(st.integers(0, 4)))
        data["calendar"]["closures"] = [{"from": str(first), "to": str(last), "reason": "move"}]
    if draw(st.booleans()):
        data["materials"] = [
            {
                "id": "kit",
                "on_hand": draw(st.integers(0, 6)),
                "receipts": [
                    {
                        "date": str(AS_OF + dt.timedelta(days=draw(st.integers(1, 20)))),
                        "qty": draw(st.integers(1, 6)),
                    }
                ],
                "replenish_days": draw(st.one_of(st.none(), st.integers(0, 40))),
            }
        ]
        data["offerings"][0]["materials"] = {"kit": draw(st.integers(1, 3))}
    data["reservations"] = [
        {
            "resource": draw(st.sampled_from(resources)),
            "from": str(AS_OF + dt.timedelta(days=a)),
            "to": str(AS_OF + dt.timedelta(days=a + draw(st.integers(0, 10)))),
            "per_day": draw(st.integers(1, 10)),
        }
        for a in draw(st.lists(st.integers(0, 20), max_size=2))
    ]
    return CapacityFile.model_validate(data)


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    """1-2 lines of the offering, 1-3 units, due within 60 days or open."""
    lines = [
        {
            "offering": "svc",
            "quantity": draw(st.integers(1, 3)),
            "due": draw(
                st.one_of(
                    st.none(), st.integers(0, 60).map(lambda d: str(AS_OF + dt.timedelta(days=d)))
                )
            ),
        }
        for _ in range(draw(st.integers(1, 2)))
    ]
    return Deal.model_validate({"id": "P-1", "customer": "Prop", "lines": lines})


def property_settings(share: int = 1) -> settings:
    """Hypothesis settings for the engine's property tests: ``PROP_EXAMPLES`` examples
    (default 150) divided by ``share`` for the costlier ones, no deadline."""
    examples = int(os.environ.get("PROP_EXAMPLES", "150")) // share
    return settings(
        max_examples=max(examples, 1),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
