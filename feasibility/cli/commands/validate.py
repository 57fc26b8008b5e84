"""`feasibility validate [FILE...]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import AsOfOpt, CapacityOpt, DebugOpt, ValidateFormat, as_of_date
from feasibility.errors import ExitCode


@app.command(cls=Command)
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="DEAL", help="Deal files to validate too.", show_default=False),
    ] = None,
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ValidateFormat.text
    ),
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Validate the capacity file, every booking, and any deal files given.

    Example: feasibility validate --format github
    """

    def body() -> int:
        from feasibility.cli.output import emit
        from feasibility.render import github, json_out, text
        from feasibility.validation.report import validate_workspace
        from feasibility.workspace import capacity_path

        report = validate_workspace(capacity_path(capacity), files or [], as_of_date(as_of))
        if fmt is ValidateFormat.json:
            emit(json_out.validate_json(report, strict=strict))
        elif fmt is ValidateFormat.github:
            emit(github.validate_github(report, strict=strict))
        else:
            emit(text.validate_text(report, strict=strict), soft_wrap=True)
        return ExitCode.OK if report.valid(strict=strict) else ExitCode.FAILED

    finish(body, debug=debug)
