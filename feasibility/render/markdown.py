"""Markdown output, to paste into a CRM note, a chat or a pull request."""

from __future__ import annotations

from feasibility.engine.result import CheckResult, DealResult
from feasibility.render.words import (
    earliest_cell,
    on_time_cell,
    percentile_cells,
    safe_note,
    score_parts,
    why_label,
    why_title,
)
from feasibility.safe import markdown as cell

ICON = {"feasible": "✅", "at_risk": "⚠️", "infeasible": "❌"}
LABEL = {"feasible": "Feasible", "at_risk": "At risk", "infeasible": "Infeasible"}


def check_markdown(result: CheckResult, *, show_why: bool = False) -> str:
    """Every deal of a check, as markdown (with ``show_why``, each line's chain)."""
    return "\n".join(deal_markdown(d, result, show_why=show_why) for d in result.deals)


def deal_markdown(d: DealResult, result: CheckResult, *, show_why: bool = False) -> str:
    """One deal: verdict line, lines table, reasons, offers (and each line's chain)."""
    out = [
        f"### {ICON[d.verdict]} {cell(d.id)} · {cell(d.customer)}: {LABEL[d.verdict]} "
        f"(score {d.score}/100)",
        "",
        f"Score: {score_parts(d)}.",
        "",
        f"Checked against *{cell(result.company)}* capacity as of {result.as_of}. "
        f"Earliest full delivery: **{d.earliest or 'not within the horizon'}**.",
        "",
        "| # | offering | qty | due | earliest | slack (working days) | verdict |",
        "|--:|---|--:|---|---|--:|---|",
    ]
    for i, ln in enumerate(d.lines):
        slack = "—" if ln.slack_days is None else f"{ln.slack_days:+d}"
        out.append(
            f"| {i} | {cell(ln.offering)} | {ln.quantity} | {ln.due or '—'} | "
            f"{earliest_cell(ln)} | {slack} | {LABEL[ln.verdict]} |"
        )
    sampled = [(i, ln.confidence) for i, ln in enumerate(d.lines) if ln.confidence is not None]
    if sampled:
        out += [
            "",
            f"**Confidence** ({sampled[0][1].samples} samples; 95% interval)",
            "",
            "| # | on time | P50 | P80 | P95 |",
            "|--:|---|---|---|---|",
        ]
        out += [
            f"| {i} | {on_time_cell(c)} | {' | '.join(percentile_cells(c))} |" for i, c in sampled
        ]
    notes = [note for n in range(len(d.lines)) if (note := safe_note(d, n))]
    if notes:
        out += ["", *(f"{cell(note)}." for note in notes)]
    if d.reasons:
        out += ["", "**Why**", ""]
        for r in d.reasons:
            who = f" (talk to {cell(r.owner)})" if r.owner else ""
            where = f"line {r.line}: " if r.line is not None else ""
            out.append(f"- `{r.code}` {where}{cell(r.message)}{who}")
    if d.offers:
        out += ["", "**You could promise instead**", ""]
        out += [f"- {cell(o.message)}" for o in d.offers]
    for n, ln in enumerate(d.lines if show_why else []):
        if ln.why:
            out += ["", f"**{cell(why_title(n, ln))}**", ""]
            out += [f"1. `{why_label(link)}` {cell(link.message)}" for link in ln.why]
    return "\n".join(out) + "\n"
