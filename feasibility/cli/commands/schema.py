"""`feasibility schema {capacity,deal}` and `feasibility schema --write DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import DebugOpt
from feasibility.errors import ExitCode, UsageError
from feasibility.safe import visible
from feasibility.schemas import SchemaName, schema_json, write_schemas


@app.command(cls=Command)
def schema(
    name: Annotated[
        SchemaName | None,
        typer.Argument(
            metavar="{capacity,deal}",
            help="Which file format [default with --write: both].",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            metavar="DIR",
            help="Write <name>.schema.json files into DIR instead of printing.",
            show_default=False,
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Print the JSON Schema of a file format (for editors and other tools), or write the
    schema files.

    Example: feasibility schema --write schemas
    """

    def body() -> int:
        from feasibility.cli.output import emit

        if write is not None:
            for path in write_schemas(write, [name] if name else list(SchemaName)):
                emit(f"wrote {visible(str(path))}\n")
        elif name is None:
            raise UsageError("give the format, capacity or deal, or --write DIR")
        else:
            emit(schema_json(name))
        return ExitCode.OK

    finish(body, debug=debug)
