"""Text output for people: rich panels and tables (colour only on a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from feasibility.engine.result import CheckResult, DealResult, Verdict
from feasibility.render.words import (
    earliest_cell,
    on_time_cell,
    percentile_cells,
    safe_note,
    score_parts,
    sparkline,
    why_label,
    why_title,
)
from feasibility.safe import terminal, visible
from feasibility.wording import plural

if TYPE_CHECKING:  # only in annotations: `check` never imports the validate report
    from feasibility.validation.report import ValidationReport

STYLE: dict[Verdict, str] = {"feasible": "green", "at_risk": "yellow", "infeasible": "red"}
LABEL: dict[Verdict, str] = {
    "feasible": "FEASIBLE",
    "at_risk": "AT RISK",
    "infeasible": "INFEASIBLE",
}


NARROW = 80
"""Below this many columns tables drop padding and stack cells so that dates and ids wrap
whole instead of being cut short."""


class ByWidth:
    """A renderable built for the width it is given (a table laid out for a narrow
    terminal differs from the wide one)."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        yield self.build(options.max_width)


def indented(text: Text, columns: int) -> Padding:
    """Text indented by ``columns``, wrapped lines too."""
    return Padding(text, (0, 0, 0, columns), expand=False)


def check_text(
    result: CheckResult, *, show_schedule: bool = False, show_why: bool = False
) -> RenderableType:
    """Each deal: a verdict panel, its lines, reasons, offers (and on request the chain
    behind each date and the schedule)."""
    return Group(*(deal_text(d, result, show_schedule, show_why) for d in result.deals))


def deal_text(
    d: DealResult, result: CheckResult, show_schedule: bool, show_why: bool = False
) -> RenderableType:
    """One deal as a panel."""
    head = Text.assemble(
        (LABEL[d.verdict], f"bold {STYLE[d.verdict]}"),
        f"  score {d.score}/100",
        (f"  ({score_parts(d)})", "dim"),
    )
    earliest = f"earliest full delivery {d.earliest}" if d.earliest else "no full delivery date"
    if d.earliest and all(ln.proven for ln in d.lines):
        earliest += ", proven"
    body: list[RenderableType] = [head, Text(f"{earliest} · checked as of {result.as_of}")]
    body.append(_lines_table(d))
    if any(ln.confidence is not None for ln in d.lines):
        body.append(_confidence_table(d))
    notes = [note for n in range(len(d.lines)) if (note := safe_note(d, n))]
    body += [terminal(note) for note in notes]
    if d.reasons:
        body.append(Text("Why", style="bold"))
        body.append(_reasons_table(d))
    if d.offers:
        body.append(Text("You could promise instead", style="bold"))
        body.append(_offers_table(d))
    if show_why:
        body += _chains(d)
    if show_schedule:
        body.append(_schedule_table(d))
    title = f"{d.id} · {d.customer}" + (f" · {d.owner}" if d.owner else "")
    return Panel(
        Group(*body), title=terminal(title), title_align="left", border_style=STYLE[d.verdict]
    )


def _lines_table(d: DealResult) -> ByWidth:
    return ByWidth(lambda width: _lines_grid(d, narrow=width < NARROW))


def _lines_grid(d: DealResult, *, narrow: bool) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1 if narrow else 2, 0, 0))
    for col in ("#", "offering", "qty", "due", "earliest", "slack", "verdict"):
        right = col in {"#", "qty", "slack"}
        whole = col in {"due", "earliest"}  # a date is never cut: it folds at worst
        table.add_column(col, justify="right" if right else "left", overflow="fold", no_wrap=whole)
    for i, ln in enumerate(d.lines):
        earliest = earliest_cell(ln)
        table.add_row(
            str(i),
            terminal(ln.offering),
            str(ln.quantity),
            str(ln.due or "—"),
            earliest.replace(", ", ",\n") if narrow else earliest,
            "—" if ln.slack_days is None else f"{ln.slack_days:+d}",
            Text(LABEL[ln.verdict].lower(), style=STYLE[ln.verdict]),
        )
    return table


def _confidence_table(d: DealResult) -> Table:
    """Each sampled line: chance of being on time, P50/P80/P95 and the dates' spread
    (bars after the due date in red)."""
    samples = next(ln.confidence.samples for ln in d.lines if ln.confidence is not None)
    table = Table(
        title=f"Confidence ({samples} samples; 95% interval)",
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 2, 0, 0),
    )
    for col in ("#", "on time", "P50", "P80", "P95", "spread"):
        table.add_column(col, justify="right" if col == "#" else "left")
    for i, ln in enumerate(d.lines):
        c = ln.confidence
        if c is None:
            continue
        bars = Text()
        for bar, late in sparkline(c, ln.due):
            bars.append(bar, style="red" if late else "green")
        table.add_row(str(i), on_time_cell(c), *percentile_cells(c), bars)
    return table


def _reasons_table(d: DealResult) -> Table:
    table = Table.grid(padding=(0, 2, 0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for r in d.reasons:
        where = f"line {r.line}: " if r.line is not None else ""
        who = f" → {r.owner}" if r.owner else ""
        table.add_row(r.code, Text.assemble(terminal(f"{where}{r.message}"), terminal(who, "cyan")))
    return table


def _offers_table(d: DealResult) -> Table:
    """The offers, best first, one bullet each (wrapped lines stay indented)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for o in d.offers:
        table.add_row("•", terminal(o.message))
    return table


def _chains(d: DealResult) -> list[RenderableType]:
    """Each delivered line's chain, from the earliest start to delivery (``--why``)."""
    out: list[RenderableType] = []
    for n, ln in enumerate(d.lines):
        if not ln.why:
            continue
        out.append(terminal(why_title(n, ln), "bold"))
        table = Table.grid(padding=(0, 2, 0, 2))
        table.add_column(no_wrap=True)
        table.add_column()
        for link in ln.why:
            table.add_row(why_label(link), terminal(link.message))
        out.append(table)
    return out


def _schedule_table(d: DealResult) -> ByWidth:
    return ByWidth(lambda width: _schedule_grid(d, narrow=width < NARROW))


def _schedule_grid(d: DealResult, *, narrow: bool) -> Table:
    padding = (0, 1 if narrow else 2, 0, 0)
    table = Table(title="Schedule", title_justify="left", box=None, padding=padding)
    for col in ("line", "unit", "step", "start", "finish", "uses"):
        table.add_column(col, overflow="fold", no_wrap=col in {"start", "finish"})
    for s in d.schedule:
        uses = ", ".join(f"{r} {a:g}" for r, a in s.uses.items()) or "wait"
        unit = "line" if s.unit is None else str(s.unit)
        table.add_row(
            str(s.line), unit, terminal(s.step), str(s.start), str(s.finish), terminal(uses)
        )
    return table


def validate_text(report: ValidationReport, *, strict: bool) -> RenderableType:
    """Each problem on its own line, then a one-line summary (print with soft wrap)."""
    lines: list[RenderableType] = []
    for p in report.problems:
        style = "yellow" if p.severity == "warning" else "red"
        label = "warning" if p.severity == "warning" else "error"
        lines.append(
            Text.assemble(
                f"{visible(p.file)}:{p.line}:{p.column}: ",
                (label, style),
                f": {visible(p.message)}",
            )
        )
    errors = sum(p.severity == "error" for p in report.problems)
    warnings = len(report.problems) - errors
    ok = report.valid(strict=strict)
    summary = (
        f"{'valid' if ok else 'invalid'}: {len(report.files)} files checked, "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    )
    lines.append(Text(summary, style="green" if ok else "red"))
    return Group(*lines)
