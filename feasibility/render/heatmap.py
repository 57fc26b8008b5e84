"""The load as a heatmap (resource by week, in % of capacity), as JSON and as CSV.

A cell is green at or below ``policy.target_utilization``, yellow above it, red when the
week is full (nothing left); "—" marks a week without capacity (closures, holidays).
"""

from __future__ import annotations

from typing import Any, Literal

from rich.console import Group, RenderableType
from rich.text import Text

from feasibility.engine.load import LoadResult, ResourceLoad, WeekLoad
from feasibility.engine.timeline import EPS
from feasibility.render.json_out import SCHEMA_VERSION, dumps
from feasibility.safe import csv_text, terminal

Level = Literal["ok", "high", "full"]
LEVEL_STYLE: dict[Level, str] = {
    "ok": "black on green",
    "high": "black on yellow",
    "full": "bold white on red",
}
CELL = 5
"""Characters per week column: a right-aligned percentage padded by one space each side."""
LABEL_MAX = 24
"""Widest resource label; longer ones are cut with an ellipsis."""


def level(share: float, target: float) -> Level:
    """How loaded a share of capacity is: at or below target, above it, or full."""
    if share >= 1 - EPS:
        return "full"
    return "high" if share > target + EPS else "ok"


def percent(share: float) -> str:
    """A share as a whole percentage; "100" only when the week is really full."""
    pct = round(share * 100)
    return "99" if pct >= 100 and share < 1 - EPS else str(pct)


def load_text(result: LoadResult) -> RenderableType:
    """The heatmap: a title, two header rows (month, Monday's day), one row per resource
    (and one per resource the deal uses, with its work added), a legend and a summary."""
    deal_label = f"  + {result.deal.id}" if result.deal else ""
    names = ["resource", deal_label, *(r.resource.id for r in result.resources)]
    width = min(max(map(len, names)), LABEL_MAX)
    lines = [*_title(result), *_header(result, width)]
    for r in result.resources:
        lines.append(_row(_label(r.resource.id, width), _cells(r.weeks, result.target, False)))
        if any(w.deal > EPS for w in r.weeks):
            lines.append(_row(_label(deal_label, width), _cells(r.weeks, result.target, True)))
    return Group(*lines, _legend(result), *_summary(result))


def _title(result: LoadResult) -> list[Text]:
    title = f"Load of {result.company} as of {result.as_of}: % of each week's capacity booked"
    lines = [terminal(title, style="bold")]
    if result.deal:
        d = result.deal
        earliest = f"earliest {d.earliest}" if d.earliest else "no full delivery date"
        lines.append(terminal(f"with {d.id} ({d.customer}) added: {d.verdict}, {earliest}"))
        if result.percentile is not None:
            lines.append(
                Text(
                    f"the deal's work is its P{result.percentile} load: in each week, what "
                    f"{result.percentile}% of its confidence samples stay at or below"
                )
            )
    return lines


def _header(result: LoadResult, width: int) -> list[Text]:
    """The month over its first week (on a heatmap over several years, the first shown of
    each year with its year: 'Dec 2026', 'Jan 2027'), then each week's Monday."""
    mondays = result.mondays
    chars = len(mondays) * CELL
    months = [" "] * chars
    free_from, year_shown = 0, None
    years = len({m.year for m in mondays}) > 1
    for w, m in enumerate(mondays):
        if w and m.month == mondays[w - 1].month:
            continue
        name, at = f"{m.strftime('%b'):>4}", w * CELL
        if years and m.year != year_shown and at + len(name) + 5 <= chars:
            name += f" {m.year}"
        if at >= free_from:
            months[at : at + len(name)] = name
            free_from, year_shown = (
                at + len(name) + 1,
                m.year if " " in name.strip() else year_shown,
            )
    days = "".join(f" {m.day:>3} " for m in mondays)
    return [_row(" " * width, Text("".join(months))), _row(_label("resource", width), Text(days))]


def _label(text: str, width: int) -> str:
    return f"{text:<{width}}" if len(text) <= width else text[: width - 1] + "…"


def _row(label: str, cells: Text) -> Text:
    line = Text.assemble(label, " ", cells)
    line.no_wrap, line.overflow = True, "ellipsis"
    return line


def _cells(weeks: list[WeekLoad], target: float, with_deal: bool) -> Text:
    """One cell per week; a deal row leaves blank the weeks the deal does not work."""
    out = Text()
    for w in weeks:
        share = w.with_deal if with_deal else w.utilization
        if with_deal and w.deal <= EPS:
            out.append(" " * CELL)
        elif share is None:
            out.append(f" {'—':>3} ", style="dim")
        else:
            out.append(f" {percent(share):>3} ", style=LEVEL_STYLE[level(share, target)])
    return out


def _legend(result: LoadResult) -> Text:
    target = round(result.target * 100)
    parts: list[str | tuple[str, str]] = [
        (f" ≤{target} ", LEVEL_STYLE["ok"]),
        " at or below target  ",
        (f" >{target} ", LEVEL_STYLE["high"]),
        " above target  ",
        (" 100 ", LEVEL_STYLE["full"]),
        " full  ",
        " — no capacity",
    ]
    if result.deal:
        parts.append("  + row: with the deal")
    return Text.assemble(*parts)


def _summary(result: LoadResult) -> list[Text]:
    """Which resources are above target, and in how many weeks (booked, then with the deal)."""
    target = f"{result.target:.0%}"
    cases = [("", False)] + ([(f" with {result.deal.id}", True)] if result.deal else [])
    lines: list[Text] = []
    for suffix, with_deal in cases:
        over = [(r.resource.id, _weeks_over(r, result.target, with_deal)) for r in result.resources]
        found = [f"{rid} ({n} week{'s' if n > 1 else ''})" for rid, n in over if n]
        what = ", ".join(found) if found else "no resource"
        lines.append(terminal(f"Above the {target} target{suffix}: {what}."))
    return lines


def _weeks_over(r: ResourceLoad, target: float, with_deal: bool) -> int:
    shares = [w.with_deal if with_deal else w.utilization for w in r.weeks]
    return sum(1 for s in shares if s is not None and s > target + EPS)


def _amount(value: float) -> float | int:
    """An amount rounded to 6 decimals, whole numbers as integers."""
    rounded = round(value, 6)
    return int(rounded) if rounded.is_integer() else rounded


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def load_json(result: LoadResult) -> str:
    """`load --format json` (SPEC): per resource and week: capacity, booked, utilization
    (null without capacity), and with a deal its amount that week."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "as_of": result.as_of,
        "company": result.company,
        "target_utilization": result.target,
        "from": result.start,
        "to": result.end,
    }
    if result.deal:
        d = result.deal
        data["deal"] = {
            "id": d.id, "verdict": d.verdict, "earliest": d.earliest,
            "percentile": result.percentile,
        }  # fmt: skip
    data["resources"] = [
        {
            "id": r.resource.id,
            "name": r.resource.name,
            "unit": r.resource.unit,
            "weeks": [_week_json(w, result.deal is not None) for w in r.weeks],
        }
        for r in result.resources
    ]
    return dumps(data)


def _week_json(w: WeekLoad, with_deal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": w.start,
        "capacity": _amount(w.capacity),
        "booked": _amount(w.booked),
        "utilization": _share(w.utilization),
    }
    if with_deal:
        out["deal"] = _amount(w.deal)
    return out


def load_csv(result: LoadResult) -> str:
    """`load --format csv`: one row per resource and week, amounts in the resource's unit."""
    header: list[object] = ["resource", "unit", "week", "capacity", "booked", "utilization"]
    rows: list[list[object]] = [header + (["deal"] if result.deal else [])]
    for r in result.resources:
        for w in r.weeks:
            share = _share(w.utilization)
            row: list[object] = [
                r.resource.id,
                r.resource.unit,
                w.start.isoformat(),
                _amount(w.capacity),
                _amount(w.booked),
                "" if share is None else share,
            ]
            rows.append(row + ([_amount(w.deal)] if result.deal else []))
    return csv_text(rows)
