"""`feasibility init [DIR]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import DebugOpt
from feasibility.errors import ExitCode


@app.command(cls=Command)
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER",
            help="Folder to set up, created if missing [default: the current folder].",
            show_default=False,
        ),
    ] = Path(),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing capacity.yaml and every file init writes."
        ),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Scaffold a commented capacity file and a bookings folder for a new team.

    Example: feasibility init ops
    """

    def body() -> int:
        from feasibility.scaffold import CAPACITY, scaffold
        from feasibility.workspace import today

        done = scaffold(folder, today(), force=force)
        for rel in done.written:
            typer.echo(f"wrote {folder / rel}")
        for rel in done.kept:
            typer.echo(f"kept  {folder / rel} (exists; --force replaces it)")
        capacity = folder / CAPACITY
        option = "" if capacity == CAPACITY else f" --capacity {capacity}"
        typer.echo(f"next: edit {capacity}, then run `feasibility validate{option}`")
        return ExitCode.OK

    finish(body, debug=debug)
