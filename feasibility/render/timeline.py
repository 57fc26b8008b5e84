"""A Gantt view of a deal's schedule: one block per line, one row per step.

Columns are days when the chart spans at most ``MAX_CHARS`` days, else weeks (several weeks
each for very long charts), from the Monday of the earliest start or due date; short charts
draw each column up to ``MAX_CELL`` characters wide. A step's row aggregates its units: █
where any unit works in the column, ░ where a unit is under way without working there
(waits, days off, queueing between units). Each line's due date is ▼ with a │ down its
column, and ◆ marks delivery. Steps using the line's bottleneck resource (the resource of
its CAPACITY reason) are drawn ▓ in red.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text

from feasibility.engine.result import CheckResult, DealResult, LineResult, ScheduledStep
from feasibility.engine.timeline import EPS
from feasibility.engine.weeks import week_start
from feasibility.render import text
from feasibility.wording import plural

MAX_CHARS = 54
"""Widest chart, in characters: one column per day up to 54 days, else one per week."""
MAX_CELL = 3
"""Widest column, in characters (short charts are drawn wider)."""
LABEL_MAX = 28
"""Widest row label; longer step names are cut with an ellipsis."""
WORK, HOT, UNDER_WAY = "█", "▓", "░"
DUE, DELIVERED, DUE_LINE = "▼", "◆", "│"
BAND = "▒"
"""The columns from a line's sampled P50 to its P95 (models with estimates)."""
_BAND_LABEL = "P50 to P95"


def check_view(
    result: CheckResult, *, show_schedule: bool, show_timeline: bool, show_why: bool = False
) -> RenderableType:
    """`check`'s text: each deal's panel, followed by its timeline when asked for."""
    if not show_timeline:
        return text.check_text(result, show_schedule=show_schedule, show_why=show_why)
    return Group(
        *(
            Group(text.deal_text(d, result, show_schedule, show_why), deal_timeline(d))
            for d in result.deals
        )
    )


@dataclass(frozen=True)
class Axis:
    """The chart's columns: ``columns`` of ``days`` calendar days each from Monday ``start``,
    each drawn ``width`` characters wide."""

    start: dt.date
    days: int
    columns: int
    width: int

    def column(self, day: dt.date) -> int:
        """The column a date falls in."""
        return (day - self.start).days // self.days

    def first_day(self, column: int) -> dt.date:
        """The first date of a column."""
        return self.start + dt.timedelta(days=column * self.days)

    @property
    def grain(self) -> str:
        """What one column is, in words."""
        if self.days == 1:
            return "day"
        return "week" if self.days == 7 else f"{self.days // 7} weeks"

    @property
    def end(self) -> dt.date:
        """The last date of the last column."""
        return self.first_day(self.columns) - dt.timedelta(days=1)


def make_axis(first: dt.date, last: dt.date) -> Axis:
    """Columns covering ``first``..``last``: days if they fit in ``MAX_CHARS``, else weeks
    (several a column when even weeks do not fit)."""
    start = week_start(first)
    span = (last - start).days + 1
    days = 1 if span <= MAX_CHARS else 7 * math.ceil(span / (7 * MAX_CHARS))
    columns = math.ceil(span / days)
    return Axis(start, days, columns, max(1, min(MAX_CELL, MAX_CHARS // columns)))


def deal_timeline(d: DealResult) -> RenderableType:
    """The deal's schedule as a Gantt chart with a header, one block per line and a legend."""
    if not d.schedule:
        return Text(f"Timeline of {d.id}: nothing could be scheduled.")
    dues = [ln.due for ln in d.lines if ln.due is not None]
    bands = [ln.confidence.p95 for ln in d.lines if ln.confidence and ln.confidence.p95]
    axis = make_axis(
        min([s.start for s in d.schedule] + dues),
        max([s.finish for s in d.schedule] + dues + bands),
    )
    blocks = [(n, ln, _steps(d, n)) for n, ln in enumerate(d.lines)]
    labels = [_step_label(group[0]) for _, _, steps in blocks for group in steps]
    width = min(max([len(_MILESTONES), *map(len, labels)]), LABEL_MAX)
    rows: list[Text] = [
        Text(
            f"Timeline of {d.id}: one column per {axis.grain}, Mon {axis.start} to {axis.end}",
            style="bold",
        ),
        *_header(axis, width),
    ]
    for n, line, steps in blocks:
        rows += _line_block(n, line, steps, _bottleneck(d, n), axis, width)
    legend = (
        f"{WORK} work  {HOT} work on the bottleneck  {UNDER_WAY} under way, not working  "
        f"{DUE} due  {DELIVERED} delivered"
    )
    if any(ln.confidence is not None for ln in d.lines):
        legend += f"  {BAND} sampled {_BAND_LABEL}"
    rows.append(Text(legend, style="dim"))
    return Group(*rows)


_MILESTONES = f"due {DUE} delivered {DELIVERED}"


def _steps(d: DealResult, line: int) -> list[list[ScheduledStep]]:
    """The line's scheduled step instances grouped by step, in order of first start."""
    groups: dict[tuple[str, str | None], list[ScheduledStep]] = {}
    for s in d.schedule:
        if s.line == line:
            groups.setdefault((s.step, s.feature), []).append(s)
    return list(groups.values())


def _bottleneck(d: DealResult, line: int) -> str | None:
    return next((r.resource for r in d.reasons if r.code == "CAPACITY" and r.line == line), None)


def _step_label(s: ScheduledStep) -> str:
    return s.step + (f" [{s.feature}]" if s.feature else "")


def _label(label: str, width: int) -> str:
    return f"{label:<{width}}" if len(label) <= width else label[: width - 1] + "…"


def _row(label: str, bar: Text, tail: Text | None = None) -> Text:
    row = Text.assemble(label, " ", bar)
    if tail is not None:
        row.append(" ")
        row.append_text(tail)
    row.rstrip()
    row.no_wrap, row.overflow = True, "ellipsis"
    return row


def _header(axis: Axis, width: int) -> list[Text]:
    """Month names where a month starts (on a chart over several years, the first shown of
    each year with its year: 'Dec 2026', 'Jan 2027'); each Monday's day when there is room."""
    chars = axis.columns * axis.width
    months, mondays = [" "] * chars, [" "] * chars
    free_from, year_shown, years = 0, None, axis.start.year != axis.end.year
    for c in range(axis.columns):
        day, at = axis.first_day(c), c * axis.width
        new_month = c == 0 or axis.first_day(c - 1).month != day.month
        name = day.strftime("%b")
        if years and day.year != year_shown and at + len(name) + 5 <= chars:
            name += f" {day.year}"
        if new_month and at >= free_from:
            months[at : at + len(name)] = name
            free_from, year_shown = at + len(name) + 1, (day.year if " " in name else year_shown)
        if day.weekday() == 0:
            mondays[at : at + 2] = f"{day.day:<2}"
    rows = [_row(" " * width, Text("".join(months[:chars])))]
    if axis.days == 1 or axis.width >= MAX_CELL:
        rows.append(_row(" " * width, Text("".join(mondays[:chars]))))
    return rows


def _cell(axis: Axis, marks: str) -> str:
    """One column's characters: ``marks`` centred, the rest blank."""
    return f"{marks:^{axis.width}}"[: axis.width]


def _line_block(
    n: int,
    line: LineResult,
    steps: list[list[ScheduledStep]],
    bottleneck: str | None,
    axis: Axis,
    width: int,
) -> list[Text]:
    """A line's header, its milestones row (due, delivered) and a row per step."""
    if not steps:
        return [Text(f"line {n} · {line.offering} ×{line.quantity} · not scheduled", style="bold")]
    rows = [Text(_line_title(n, line), style="bold")]
    due = None if line.due is None else axis.column(line.due)
    done = None if line.earliest is None else axis.column(line.earliest)
    marks = Text(style="bold")
    for c in range(axis.columns):
        here = (DELIVERED if c == done else "") + (DUE if c == due else "")
        marks.append(_cell(axis, here if axis.width > 1 else here[:1]))
    tail = Text(f"bottleneck {bottleneck}", style="bold red") if bottleneck else None
    rows.append(_row(_label(_MILESTONES, width), marks, tail))
    sampled = line.confidence
    if sampled is not None and sampled.p50 is not None:
        first = axis.column(sampled.p50)
        last = axis.columns - 1 if sampled.p95 is None else axis.column(sampled.p95)
        band = Text(style="yellow")
        for col in range(axis.columns):
            band.append(_cell(axis, BAND * axis.width if first <= col <= last else ""))
        rows.append(_row(_label(_BAND_LABEL, width), band))
    for group in steps:
        rows.append(_step_row(group, bottleneck, due, axis, width))
    return rows


def _line_title(n: int, line: LineResult) -> str:
    head = f"line {n} · {line.offering} ×{line.quantity} · due {line.due or '—'}"
    if line.earliest is None:
        return f"{head} · not deliverable within the horizon"
    slack = line.slack_days
    if slack is None:
        timing = ""
    elif slack < 0:
        timing = f" ({plural(-slack, 'working day')} late)"
    else:
        timing = f" ({plural(slack, 'working day')} of slack)"
    return f"{head} · delivered {line.earliest}{timing}"


def _step_row(
    group: list[ScheduledStep], bottleneck: str | None, due: int | None, axis: Axis, width: int
) -> Text:
    """One step: work and under-way columns, the due line, and what it takes in all."""
    work = {axis.column(day) for s in group for day, _, amount in s.daily if amount > EPS}
    under_way = {c for s in group for c in range(axis.column(s.start), axis.column(s.finish) + 1)}
    totals: dict[str, float] = {}
    for s in group:
        for r, amount in s.uses.items():
            totals[r] = totals.get(r, 0.0) + amount
    hot = bottleneck is not None and bottleneck in totals
    bar = Text()
    for c in range(axis.columns):
        if c in work:
            bar.append((HOT if hot else WORK) * axis.width, style="red" if hot else "cyan")
        elif c in under_way:
            bar.append(UNDER_WAY * axis.width, style="dim")
        elif c == due:
            bar.append(_cell(axis, DUE_LINE), style="red")
        else:
            bar.append(" " * axis.width)
    tail = Text()
    for i, (r, amount) in enumerate(totals.items()):
        tail.append(", " if i else "")
        tail.append(f"{r} {amount:g}", style="bold red" if r == bottleneck else "")
    return _row(_label(_step_label(group[0]), width), bar, tail if totals else Text("wait"))
