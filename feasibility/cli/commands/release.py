"""`feasibility release DEAL_ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import CapacityOpt, DebugOpt
from feasibility.errors import ExitCode, InputError


@app.command(cls=Command)
def release(
    deal_id: Annotated[
        str, typer.Argument(metavar="ID", help="Id of the booked deal.", show_default=False)
    ],
    capacity: CapacityOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Remove a commitment from the bookings folder.

    Example: feasibility release BL-2027-003
    """

    def body() -> int:
        from feasibility.store.bookings import release_booking
        from feasibility.workspace import capacity_path, read_capacity

        loaded, problems = read_capacity(capacity_path(capacity))
        if loaded is None:
            raise InputError(problems)
        path = release_booking(loaded, deal_id)
        typer.echo(f"released {deal_id}: removed {path}")
        return ExitCode.OK

    finish(body, debug=debug)
