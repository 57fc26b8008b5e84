"""`feasibility schema {capacity,deal}`."""

from __future__ import annotations

from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import DebugOpt
from feasibility.errors import ExitCode
from feasibility.schemas import SchemaName, schema_json


@app.command(cls=Command)
def schema(
    name: Annotated[
        SchemaName, typer.Argument(metavar="{capacity,deal}", help="Which file format.")
    ],
    debug: DebugOpt = False,
) -> None:
    """Print the JSON Schema of a file format (for editors and other tools).

    Example: feasibility schema capacity > schemas/capacity.schema.json
    """

    def body() -> int:
        from feasibility.cli.output import emit

        emit(schema_json(name))
        return ExitCode.OK

    finish(body, debug=debug)
