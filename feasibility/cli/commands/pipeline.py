"""`feasibility pipeline FILE.csv`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import AsOfOpt, CapacityOpt, DebugOpt, as_of_date
from feasibility.io.crm import Preset


class PipelineFormat(StrEnum):
    """Output formats of `pipeline`."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command(cls=Command)
def pipeline(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="CSV", help="CSV export: one row per deal line.", show_default=False
        ),
    ],
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="FIELD=HEADER",
            help="Read FIELD from the column named HEADER (repeat). Fields: id, customer, owner, "
            "start, offering, quantity, due, features [default: each field's own name].",
            show_default=False,
        ),
    ] = None,
    preset: Annotated[
        Preset | None,
        typer.Option(
            "--preset",
            help="Read the standard columns (and dates) of this CRM's export; --column and "
            "--date-format override it.",
            show_default=False,
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            metavar="FORMAT",
            help="How the export writes dates, as strptime does, e.g. %m/%d/%Y or %d.%m.%Y "
            "[default: the preset's, else YYYY-MM-DD with an optional time].",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[PipelineFormat, typer.Option("--format", "-f", help="Output format.")] = (
        PipelineFormat.text
    ),
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Search every deal's dates exactly, as check does (up to policy.exact_work "
            "per deal; without it, the heuristic's dates).",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Processes that check the deals alone in parallel (if all close runs in "
            "order, in one) [default: the machine's cores].",
            show_default=False,
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Check every deal of a CRM export, alone and as if the earlier ones closed.

    Example: feasibility pipeline examples/pipeline.csv --as-of 2026-11-23
    """

    def body() -> int:
        from feasibility.cli.output import emit, progress
        from feasibility.engine.pipeline import check_pipeline
        from feasibility.forked import default_jobs
        from feasibility.io.crm import export_format
        from feasibility.io.pipeline_csv import parse_columns, read_pipeline
        from feasibility.render import pipeline as render
        from feasibility.validation.bounds import bounded_rows
        from feasibility.verdicts import EXIT
        from feasibility.workspace import capacity_path, load_workspace

        form = export_format(preset, parse_columns(column or []), date_format)
        day = as_of_date(as_of)
        workspace = load_workspace(capacity_path(capacity))
        offerings = {o.id: o.name for o in workspace.capacity.model.offerings}
        export = read_pipeline(file, form, offerings=offerings)
        for note in export.notes:
            typer.echo(str(note), err=True)
        rows = bounded_rows(export.deals, str(file), workspace.capacity.model)
        with progress(2 * len(rows), "checking deals alone, then if all close") as advance:
            result = check_pipeline(
                workspace.capacity.model,
                workspace.booked_deals,
                [r.deal for r in rows],
                day,
                lines=[r.line for r in rows],
                progress=advance,
                exact=exact,
                jobs=jobs or default_jobs(),
            )
        emit(render.pipeline_output(result, str(file), fmt.value))
        return EXIT[result.verdict]

    finish(body, debug=debug)
