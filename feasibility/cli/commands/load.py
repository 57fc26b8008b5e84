"""`feasibility load`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import (
    AsOfOpt,
    CapacityOpt,
    DebugOpt,
    HtmlOpt,
    SvgOpt,
    as_of_date,
    option_date,
)
from feasibility.engine.weeks import DEFAULT_WEEKS
from feasibility.errors import ExitCode


class LoadFormat(StrEnum):
    """Output formats of `load`."""

    text = "text"
    json = "json"
    csv = "csv"


@app.command(cls=Command)
def load(
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help="First week: the one holding this date [default: the check date's].",
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, metavar="N", help="Number of weeks.")
    ] = DEFAULT_WEEKS,
    resources: Annotated[
        list[str] | None,
        typer.Option(
            "--resource", "-r", metavar="ID", help="Show this resource (repeat) [default: all]."
        ),
    ] = None,
    deal: Annotated[
        Path | None,
        typer.Option("--with", metavar="DEAL", help="Overlay this deal file's work."),
    ] = None,
    percentile: Annotated[
        int | None,
        typer.Option(
            "--percentile",
            min=1,
            max=99,
            metavar="P",
            help="With --with: the deal's P-th percentile sampled load per week (e.g. 80 for "
            "P80; models with estimates) instead of its schedule's.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[LoadFormat, typer.Option("--format", "-f", help="Output format.")] = (
        LoadFormat.text
    ),
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Utilization of each resource by week (booked vs capacity), optionally with a deal.

    Example: feasibility load --as-of 2026-11-23 --with examples/late.yaml
    """

    def body() -> int:
        from feasibility.cli.output import emit
        from feasibility.engine.load import load_report
        from feasibility.render import export, heatmap
        from feasibility.validation.bounds import bounded
        from feasibility.workspace import capacity_path, load_deals, load_workspace

        workspace = load_workspace(capacity_path(capacity))
        model = workspace.capacity.model
        overlay = bounded(load_deals([deal]), model)[0] if deal else None
        result = load_report(
            model,
            workspace.booked_deals,
            as_of_date(as_of),
            start=option_date("--from", start) if start else None,
            weeks=weeks,
            resources=resources or [],
            deal=overlay,
            percentile=percentile,
        )
        picture = heatmap.load_text(result)
        if fmt is LoadFormat.json:
            emit(heatmap.load_json(result))
        elif fmt is LoadFormat.csv:
            emit(heatmap.load_csv(result))
        else:
            emit(picture)
        export.save_pictures(picture, svg_file=svg, html_file=html, title="feasibility load")
        return ExitCode.OK

    finish(body, debug=debug)
