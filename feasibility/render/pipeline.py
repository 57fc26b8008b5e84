"""`pipeline` output: a summary table (text, markdown), JSON and CSV."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from feasibility.engine.pipeline import VERDICTS, PipelineDeal, PipelineResult
from feasibility.engine.result import DealResult, Verdict
from feasibility.render.json_out import SCHEMA_VERSION, deal_json, dumps
from feasibility.render.markdown import ICON
from feasibility.render.text import NARROW, STYLE, ByWidth
from feasibility.safe import code, csv_text, terminal
from feasibility.safe import markdown as cell
from feasibility.wording import percent, plural

WORSE = "↓"
"""Marks a deal that gets worse if the deals before it close."""
NAMES: dict[Verdict, str] = {
    "feasible": "feasible",
    "at_risk": "at risk",
    "infeasible": "infeasible",
}
CUSTOMER_WIDTH = 24
"""Longer customer names are cut short in the text table (whole in json, csv, markdown)."""
RESULT_KEYS = (
    "verdict", "score", "score_components", "earliest", "p_on_time", "lines", "reasons",
)  # fmt: skip
CSV_HEADER = [
    "line", "id", "customer", "owner", "verdict", "score", "earliest", "reasons",
    "verdict_if_all_close", "score_if_all_close", "earliest_if_all_close",
    "reasons_if_all_close", "p_on_time", "p_on_time_if_all_close",
]  # fmt: skip


def _date(d: DealResult) -> str:
    return str(d.earliest) if d.earliest else "—"


def _counts(result: PipelineResult, *, if_all_close: bool) -> str:
    counts = result.counts(if_all_close=if_all_close)
    return " · ".join(f"{counts[v]} {NAMES[v]}" for v in VERDICTS)


def _first_worse(result: PipelineResult) -> str:
    d = result.first_worse
    if d is None:
        return "No deal gets worse if the deals before it close."
    where = f" (line {d.line})" if d.line is not None else ""
    a, b = d.alone, d.if_all_close
    return (
        f"First to get worse if all close: {a.id}{where}, "
        f"{NAMES[a.verdict]} {_date(a)} → {NAMES[b.verdict]} {_date(b)}"
    )


def _chance(d: DealResult) -> str:
    return "—" if d.p_on_time is None else percent(d.p_on_time)


def _expected(result: PipelineResult) -> str | None:
    """'Expected on time: 6.2 of 8 deals alone, 5.1 if all close' (None: not sampled)."""
    alone = result.expected_on_time()
    together = result.expected_on_time(if_all_close=True)
    if alone is None or together is None:
        return None
    return (
        f"Expected on time in full: {alone[0]:.1f} of {plural(alone[1], 'deal')} alone, "
        f"{together[0]:.1f} if all close (the sum of their sampled chances)"
    )


def _booked(result: PipelineResult) -> str | None:
    ids = [d.alone.id for d in result.deals if d.booked]
    if not ids:
        return None
    return f"Already booked (their bookings count as well): {', '.join(ids)}"


def pipeline_text(result: PipelineResult, source: str) -> RenderableType:
    """A summary table: each deal alone and if all close, then the counts."""
    table = ByWidth(lambda width: _table(result, source, narrow=width < NARROW))
    lines: list[RenderableType] = [
        table,
        Text(""),
        Text(f"Alone:        {_counts(result, if_all_close=False)}"),
        Text(f"If all close: {_counts(result, if_all_close=True)}  ({WORSE}: worse than alone)"),
        terminal(_first_worse(result)),
    ]
    expected = _expected(result)
    if expected:
        lines.append(Text(expected))
    booked = _booked(result)
    if booked:
        lines.append(terminal(booked))
    return Group(*lines)


def _table(result: PipelineResult, source: str, *, narrow: bool) -> Table:
    """The summary table; narrow, each verdict holds its score and each deal its line (a
    date or an id then always fits whole)."""
    table = Table(
        title=terminal(
            f"{source}: {plural(len(result.deals), 'deal')} · {result.company} capacity as of "
            f"{result.as_of}"
        ),
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    sampled = result.expected_on_time() is not None
    columns = [
        ("line", True), ("deal", False), ("customer", False), ("alone", False),
        ("score", True), ("earliest", False), ("if all close", False), ("score", True),
        ("earliest", False),
    ]  # fmt: skip
    if sampled and not narrow:
        columns[6:6] = [("on time", True)]
        columns.append(("on time", True))
    for name, right in columns[1:] if narrow else columns:
        if narrow and name == "score":
            continue
        table.add_column(
            name,
            justify="right" if right else "left",
            no_wrap=not narrow or name in {"deal", "earliest"},
            overflow="fold" if narrow or name in {"deal", "earliest"} else "ellipsis",
            max_width=CUSTOMER_WIDTH if name == "customer" else None,
        )
    for d in result.deals:
        a, b = d.alone, d.if_all_close
        alone = Text(NAMES[a.verdict], style=STYLE[a.verdict])
        close = Text(NAMES[b.verdict] + (f" {WORSE}" if d.worse else ""), style=STYLE[b.verdict])
        line = "" if d.line is None else str(d.line)
        if narrow:
            deal = terminal(a.id) + ("" if d.line is None else f"\n(line {line})")
            chances = (f" · {_chance(a)}", f" · {_chance(b)}") if sampled else ("", "")
            table.add_row(
                deal, terminal(a.customer), alone + f" {a.score}{chances[0]}", _date(a),
                close + f" {b.score}{chances[1]}", _date(b),
            )  # fmt: skip
        else:
            cells: list[str | Text] = [
                line, terminal(a.id), terminal(a.customer), alone, str(a.score), _date(a),
                close, str(b.score), _date(b),
            ]  # fmt: skip
            if sampled:
                cells[6:6] = [_chance(a)]
                cells.append(_chance(b))
            table.add_row(*cells)
    return table


def pipeline_markdown(result: PipelineResult, source: str) -> str:
    """The summary as markdown, for a forecast review or a chat."""
    out = [
        f"### Pipeline {code(source)}: {plural(len(result.deals), 'deal')}",
        "",
        f"Checked against *{cell(result.company)}* capacity as of {result.as_of}. "
        "*If all close*: checked as if every deal above it had been booked.",
        "",
        "| line | deal | customer | alone | score | earliest | if all close | score | earliest |",
        "|--:|---|---|---|--:|---|---|--:|---|",
    ]
    for d in result.deals:
        a, b = d.alone, d.if_all_close
        mark = f" {WORSE}" if d.worse else ""
        out.append(
            f"| {'' if d.line is None else d.line} | {cell(a.id)} | {cell(a.customer)} | "
            f"{ICON[a.verdict]} {NAMES[a.verdict]} | {a.score} | {_date(a)} | "
            f"{ICON[b.verdict]} {NAMES[b.verdict]}{mark} | {b.score} | {_date(b)} |"
        )
    out += [
        "",
        f"- **Alone:** {_counts(result, if_all_close=False)}",
        f"- **If all close:** {_counts(result, if_all_close=True)}",
        f"- {cell(_first_worse(result))}",
    ]
    expected = _expected(result)
    if expected:
        out.append(f"- {expected}")
    booked = _booked(result)
    if booked:
        out.append(f"- {cell(booked)}")
    return "\n".join(out) + "\n"


def _result_json(d: DealResult) -> dict[str, Any]:
    full = deal_json(d)
    return {k: full[k] for k in RESULT_KEYS}


def _deal_json(d: PipelineDeal) -> dict[str, Any]:
    return {
        "id": d.alone.id,
        "customer": d.alone.customer,
        "owner": d.alone.owner,
        "line": d.line,
        "booked": d.booked,
        "worse": d.worse,
        "alone": _result_json(d.alone),
        "if_all_close": _result_json(d.if_all_close),
    }


def _expected_json(result: PipelineResult) -> dict[str, Any] | None:
    alone, together = result.expected_on_time(), result.expected_on_time(if_all_close=True)
    if alone is None or together is None:
        return None
    return {"deals": alone[1], "alone": round(alone[0], 3), "if_all_close": round(together[0], 3)}


def pipeline_json(result: PipelineResult, source: str) -> str:
    """`pipeline --format json` (README, "JSON output")."""
    first = result.first_worse
    return dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "as_of": result.as_of,
            "company": result.company,
            "file": source,
            "summary": {
                "deals": len(result.deals),
                "alone": result.counts(),
                "if_all_close": result.counts(if_all_close=True),
                "first_worse": None if first is None else first.alone.id,
                "expected_on_time": _expected_json(result),
            },
            "deals": [_deal_json(d) for d in result.deals],
        }
    )


def _codes(d: DealResult) -> str:
    return ";".join(dict.fromkeys(r.code for r in d.reasons))


def pipeline_csv(result: PipelineResult) -> str:
    """`pipeline --format csv`: one row per deal; reasons are codes joined by ';'."""
    rows: list[list[object]] = [list(CSV_HEADER)]
    for d in result.deals:
        a, b = d.alone, d.if_all_close
        rows.append(
            [
                "" if d.line is None else d.line,
                a.id,
                a.customer,
                a.owner or "",
                a.verdict,
                a.score,
                a.earliest or "",
                _codes(a),
                b.verdict,
                b.score,
                b.earliest or "",
                _codes(b),
                "" if a.p_on_time is None else round(a.p_on_time, 4),
                "" if b.p_on_time is None else round(b.p_on_time, 4),
            ]
        )
    return csv_text(rows)


def pipeline_output(result: PipelineResult, source: str, fmt: str) -> RenderableType | str:
    """`pipeline --format FMT` (text, json, csv or markdown) of the export ``source``."""
    if fmt == "json":
        return pipeline_json(result, source)
    if fmt == "csv":
        return pipeline_csv(result)
    if fmt == "markdown":
        return pipeline_markdown(result, source)
    return pipeline_text(result, source)
