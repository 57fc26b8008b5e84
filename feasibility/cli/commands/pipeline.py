"""`feasibility pipeline FILE.csv`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import app
from feasibility.cli.boundary import finish
from feasibility.cli.options import AsOfOpt, CapacityOpt, DebugOpt, as_of_date


class PipelineFormat(StrEnum):
    """Output formats of `pipeline`."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command()
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
        from feasibility.engine.pipeline import check_pipeline, default_jobs
        from feasibility.io.pipeline_csv import parse_columns, read_pipeline
        from feasibility.render import pipeline as render
        from feasibility.validation.bounds import bounded_rows
        from feasibility.verdicts import EXIT
        from feasibility.workspace import capacity_path, load_workspace

        columns = parse_columns(column or [])
        day = as_of_date(as_of)
        workspace = load_workspace(capacity_path(capacity))
        rows = bounded_rows(read_pipeline(file, columns), str(file), workspace.capacity.model)
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
