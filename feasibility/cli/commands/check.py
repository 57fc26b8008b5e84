"""`feasibility check DEAL...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import (
    AsOfOpt,
    CapacityOpt,
    CheckFormat,
    DebugOpt,
    HtmlOpt,
    SvgOpt,
    as_of_date,
)


@app.command(cls=Command)
def check(
    deals: Annotated[
        list[Path],
        typer.Argument(metavar="DEAL", help="Deal files to check.", show_default=False),
    ],
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CheckFormat.text
    ),
    schedule: Annotated[
        bool, typer.Option("--schedule", help="Show the schedule in text.")
    ] = False,
    show_timeline: Annotated[
        bool, typer.Option("--timeline", help="Show a Gantt chart of each deal's schedule.")
    ] = False,
    why: Annotated[
        bool,
        typer.Option("--why", help="Show how each line's date comes about, step by step."),
    ] = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Score deals against the model: verdict, score, per-line dates, reasons, offers.

    Example: feasibility check examples/on-time.yaml --as-of 2026-11-23
    """

    def body() -> int:
        from feasibility.cli.show import show_check
        from feasibility.engine.check import check_deals
        from feasibility.render import export, timeline
        from feasibility.store.held_cache import plan_for_check
        from feasibility.validation.bounds import bounded
        from feasibility.verdicts import check_exit_code
        from feasibility.workspace import capacity_path, load_deals

        loaded = load_deals(deals)
        day = as_of_date(as_of)
        ids = {d.deal.id for d in loaded}
        plan, bookings = plan_for_check(capacity_path(capacity), day, ids)
        result = check_deals(plan.model, bookings, bounded(loaded, plan.model), day, plan=plan)
        picture = timeline.check_view(
            result, show_schedule=schedule, show_timeline=show_timeline, show_why=why
        )
        show_check(result, fmt, picture, why=why)
        export.save_pictures(picture, svg_file=svg, html_file=html, title="feasibility check")
        return check_exit_code(result)

    finish(body, debug=debug)
