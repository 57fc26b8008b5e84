"""`feasibility replan [ID...] [--write]`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import AsOfOpt, CapacityOpt, DebugOpt, as_of_date
from feasibility.errors import ExitCode


class ReplanFormat(StrEnum):
    """Output formats of `replan`."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(cls=Command)
def replan(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID",
            help="Bookings to re-plan even if their plan fits.",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Record the new plans in the booking files.")
    ] = False,
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ReplanFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReplanFormat.text
    ),
    debug: DebugOpt = False,
) -> None:
    """Re-plan the bookings whose plan no longer fits the model (or those named).

    Example: feasibility replan --write
    """

    def body() -> int:
        from feasibility.cli.output import emit
        from feasibility.engine.commitments import replan_bookings
        from feasibility.render import replan as render
        from feasibility.store.bookings import known_ids, locked_workspace, write_plans
        from feasibility.workspace import capacity_path

        day = as_of_date(as_of)
        with locked_workspace(capacity_path(capacity)) as workspace:
            named = known_ids(workspace, ids or [])
            results = replan_bookings(workspace.capacity.model, workspace.booked_deals, day, named)
            changed = [(r.outcome.deal.id, r.outcome.plan) for r in results if r.changed]
            written: list[Path] | None = None
            if write:
                written = write_plans(workspace, [(i, p) for i, p in changed if p is not None])
        renderers = {
            ReplanFormat.json: render.replan_json,
            ReplanFormat.markdown: render.replan_markdown,
        }
        emit(renderers.get(fmt, render.replan_text)(results, day, written))
        late = any(b.broken for r in results if r.changed for b in r.outcome.lines)
        return ExitCode.FAILED if late else ExitCode.OK

    finish(body, debug=debug)
