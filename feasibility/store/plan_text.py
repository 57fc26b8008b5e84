"""A held plan as booking-file text: one line per step instance and per material take,
so that a pull request that books or re-plans a deal shows what it takes, day by day."""

from __future__ import annotations

from typing import Any

from feasibility.io.yamlio import Document, Flow, dump
from feasibility.models.deal import Booking, HeldPlan


def plan_data(plan: HeldPlan) -> dict[str, Any]:
    """``plan`` as plain data for ``dump``: a ``Flow`` mapping per step and take."""
    steps = [Flow(s.model_dump(mode="python", exclude_none=True)) for s in plan.steps]
    for step in steps:
        if not step["days"]:
            del step["days"]
        else:
            step["days"] = Flow({d: _amounts(u) for d, u in step["days"].items()})
    takes = [Flow(t.model_dump(mode="python", exclude_none=True)) for t in plan.materials]
    for take in takes:
        take["take"] = _amounts(take["take"])
    data: dict[str, Any] = {"planned_on": plan.planned_on, "steps": steps}
    if takes:
        data["materials"] = takes
    return data


def replace_plan(text: str, doc: Document, booking: Booking) -> str:
    """The booking file ``text`` (parsed as ``doc``) with ``booking.plan`` written in: its
    old ``plan:`` block replaced, or one added at the end of the ``booking:`` block; every
    other line (comments included) stays as it was. A ``booking:`` written in flow style
    (``{booked_on: ..., by: ...}``) is rewritten in block style."""
    assert booking.plan is not None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    key = doc.keys[("booking",)]
    value = doc.values.get(("booking",), key)
    if lines[value[0] - 1][value[1] - 1 : value[1]] == "{":
        first = key[0] - 1
        end = _block_end(lines, first + 1, key[1] - 1)
        data = booking.model_dump(mode="python", exclude_none=True, exclude={"plan"})
        data["plan"] = plan_data(booking.plan)
        block = _indented(dump({"booking": data}), key[1] - 1)
        return "".join(lines[:first]) + block + "".join(lines[end:])
    child = doc.keys.get(("booking", "booked_on"), (0, key[1] + 2))[1] - 1
    block = _indented(dump({"plan": plan_data(booking.plan)}), child)
    at = doc.keys.get(("booking", "plan"))
    if at is not None:
        first = at[0] - 1
        end = _block_end(lines, first + 1, at[1] - 1)
    else:
        first = end = _block_end(lines, key[0], key[1] - 1)
    return "".join(lines[:first]) + block + "".join(lines[end:])


def _indented(text: str, columns: int) -> str:
    return "".join(" " * columns + line for line in text.splitlines(keepends=True))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The index of the first line from ``start`` that is not inside a block whose key
    stands at column ``indent`` (0-based): a content line indented no more than the key."""
    end = start
    for n in range(start, len(lines)):
        stripped = lines[n].lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        if len(lines[n]) - len(stripped) <= indent:
            return end
        end = n + 1
    return end


def _amounts(amounts: dict[str, float]) -> Flow:
    """Amounts by id, whole ones written as whole numbers (``6``, not ``6.0``)."""
    return Flow({k: int(v) if float(v).is_integer() else v for k, v in amounts.items()})
