"""`impact` output: text for people, JSON (SPEC), markdown for a pull-request comment, and
GitHub annotations on the booking files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from feasibility.engine.impact import BookingImpact, Cause, DealState, ImpactResult, LineState
from feasibility.render.github import annotation
from feasibility.render.json_out import SCHEMA_VERSION, dumps
from feasibility.render.markdown import ICON, LABEL
from feasibility.render.text import STYLE, indented
from feasibility.safe import code, terminal
from feasibility.safe import markdown as cell

TITLE = "feasibility impact"


def summary(result: ImpactResult) -> str:
    """One sentence: how many bookings got worse, miss a due date, were added or removed."""
    broken = sum(b.broken for b in result.bookings)
    changed = len(result.changed)
    checked = f"{result.total} {'booking' if result.total == 1 else 'bookings'} checked"
    parts = [f"{changed} {'booking' if changed == 1 else 'bookings'} got worse"]
    if not changed:
        parts = ["no booking got worse"]
    if broken:
        parts.append(f"{broken} {'misses' if broken == 1 else 'miss'} a due date")
    if result.added:
        parts.append(f"{len(result.added)} added")
    if result.removed:
        parts.append(f"{len(result.removed)} removed")
    return f"{', '.join(parts)} ({checked})"


def _who(cause: Cause) -> str:
    return f" (talk to {cause.owner})" if cause.owner else ""


def _state(state: DealState) -> str:
    return f"{state.verdict.replace('_', ' ')}, {state.earliest or 'not within the horizon'}"


def impact_text(result: ImpactResult) -> RenderableType:
    """Each booking that got worse (or is still broken), its lines and causes, then a summary."""
    out: list[RenderableType] = [
        terminal(f"{result.new} compared with {result.old}, as of {result.as_of}", style="bold")
    ]
    for title, bookings in _sections(result):
        if bookings:
            out.append(Text(title, style="bold"))
        for b in bookings:
            owner = f" · {b.deal.owner}" if b.deal.owner else ""
            out.append(indented(terminal(f"{b.deal.id} · {b.deal.customer}{owner}"), 2))
            states = Text.assemble(
                *(() if b.added else ((_state(b.before), STYLE[b.before.verdict]), " → ")),
                (_state(b.after), STYLE[b.after.verdict]),
            )
            out.append(indented(states, 4))
            if b.misfits:
                out.append(indented(terminal(f"plan no longer fits: {_misfit(b)}"), 4))
            for ln in b.lines:
                if ln.worse or ln.broken:
                    out.append(indented(terminal(f"{ln.title}: {ln.after.describe()}"), 4))
                    out.append(indented(terminal(f"was: {ln.was}", style="dim"), 6))
            for c in b.causes:
                out.append(
                    indented(
                        Text.assemble("why: ", terminal(c.message), terminal(_who(c), "cyan")), 4
                    )
                )
    if result.removed:
        out.append(Text("Removed", style="bold"))
    for r in result.removed:
        out.append(indented(terminal(f"{r.deal.id} · {r.deal.customer}"), 2))
    failed = any(b.broken for b in result.bookings)
    style = "red" if failed else "yellow" if result.changed else "green"
    out.append(terminal(summary(result), style=style))
    return Group(*out)


def _sections(result: ImpactResult) -> tuple[tuple[str, list[BookingImpact]], ...]:
    return (
        ("Got worse", result.changed),
        ("Still broken", result.still_broken),
        ("Added", result.added),
    )


def _misfit(b: BookingImpact) -> str:
    more = len(b.misfits) - 1
    return b.misfits[0] + (f" (and {more} more)" if more > 0 else "")


def _line_state(state: LineState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"verdict": state.verdict, "delivered": state.delivered, "slack_days": state.slack_days}


def booking_json(b: BookingImpact) -> dict[str, Any]:
    """One booking: the SPEC keys (deal, owner, before, after), then the details."""
    return {
        "deal": b.deal.id,
        "owner": b.deal.owner,
        "before": {"verdict": b.before.verdict, "earliest": b.before.earliest},
        "after": {"verdict": b.after.verdict, "earliest": b.after.earliest},
        "customer": b.deal.customer,
        "file": b.booking.doc.file,
        "broken": b.broken,
        "added": b.added,
        "misfits": list(b.misfits),
        "reason": "; ".join(c.message + _who(c) for c in b.causes),
        "lines": [
            {
                "line": ln.line,
                "offering": ln.spec.offering,
                "quantity": ln.spec.quantity,
                "due": ln.spec.due,
                "before": _line_state(ln.before),
                "after": _line_state(ln.after),
                "worse": ln.worse,
                "message": ln.message,
            }
            for ln in b.lines
        ],
        "causes": [
            {k: v for k, v in asdict(c).items() if v is not None or k == "owner"} for c in b.causes
        ],
    }


def impact_json(result: ImpactResult) -> str:
    """`impact --format json` (SPEC): the bookings that got worse under ``changed``."""
    return dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "as_of": result.as_of,
            "old": result.old,
            "new": result.new,
            "checked": result.total,
            "broken": any(b.broken for b in result.bookings),
            "changed": [booking_json(b) for b in result.changed],
            "still_broken": [booking_json(b) for b in result.still_broken],
            "added": [booking_json(b) for b in result.added],
            "removed": [
                {"deal": r.deal.id, "owner": r.deal.owner, "customer": r.deal.customer}
                for r in result.removed
            ],
        }
    )


def impact_markdown(result: ImpactResult) -> str:
    """A pull-request comment: a headline, a table of what got worse, then each booking's
    lines and causes."""
    broken = any(b.broken for b in result.bookings)
    icon = ICON["infeasible" if broken else "at_risk" if result.changed else "feasible"]
    out = [
        f"### {icon} {cell(result.new)}: {summary(result)}",
        "",
        f"Every booking re-checked under {code(result.old)} and {code(result.new)} "
        f"as of {result.as_of}.",
    ]
    for title, bookings in _sections(result):
        if not bookings:
            continue
        out += [
            "",
            f"**{title}**",
            "",
            "| booking | customer | owner | before | after |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {cell(b.deal.id)} | {cell(b.deal.customer)} | {cell(b.deal.owner or '—')} | "
            f"{'—' if b.added else _md_state(b.before)} | {_md_state(b.after)} |"
            for b in bookings
        ]
        for b in bookings:
            details = [f"- {cell(ln.message)}" for ln in b.lines if ln.worse or ln.broken]
            if b.misfits:
                details.append(f"- plan no longer fits: {cell(_misfit(b))}")
            details += [f"- why: {cell(c.message)}{cell(_who(c))}" for c in b.causes]
            if details:
                out += ["", f"**{cell(b.deal.id)}**", "", *details]
    if result.removed:
        out += ["", "**Removed**", ""]
        out += [f"- {cell(r.deal.id)} ({cell(r.deal.customer)})" for r in result.removed]
    return "\n".join(out) + "\n"


def _md_state(state: DealState) -> str:
    return f"{ICON[state.verdict]} {LABEL[state.verdict]}, {state.earliest or 'not in horizon'}"


def impact_github(result: ImpactResult) -> str:
    """An annotation on the due date of each booked line that got worse (a warning) or misses
    its due date (an error), then a plain summary line."""
    lines = []
    for b in result.bookings:
        owner = f", owner {b.deal.owner}" if b.deal.owner else ""
        why = "; ".join(c.message + _who(c) for c in b.causes)
        for ln in b.lines:
            if not (ln.worse or ln.broken):
                continue
            line, col = b.booking.doc.where(("lines", ln.line, "due"))
            message = f"{b.deal.id} ({b.deal.customer}{owner}): {ln.message}"
            message += f"; why: {why}" if why else "; it already missed its due date before"
            level = "error" if ln.broken else "warning"
            lines.append(annotation(level, b.booking.doc.file, line, col, TITLE, message))
    lines.append(f"{result.new}: {summary(result)}")
    return "\n".join(lines) + "\n"
