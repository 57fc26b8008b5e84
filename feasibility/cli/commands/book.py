"""`feasibility book DEAL`."""

from __future__ import annotations

import os
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
    as_of_date,
    option_date,
)
from feasibility.errors import InputError


@app.command(cls=Command)
def book(
    deal: Annotated[
        Path, typer.Argument(metavar="DEAL", help="Deal file to book.", show_default=False)
    ],
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    accept_risk: Annotated[
        bool, typer.Option("--accept-risk", help="Book it even if it is at risk.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Book it whatever the verdict (needs --reason).")
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", metavar="TEXT", help="Why a deal that is not feasible is booked anyway."
        ),
    ] = None,
    hold_until: Annotated[
        str | None,
        typer.Option(
            "--hold-until",
            metavar="DATE",
            help="A tentative hold: stops counting after this date (YYYY-MM-DD).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an existing booking of the same id.")
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", metavar="NAME", help="Who books it [default: $USER].", show_default=False
        ),
    ] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CheckFormat.text
    ),
    debug: DebugOpt = False,
) -> None:
    """Check a deal, then record it as a commitment in the bookings folder.

    Example: feasibility book examples/on-time.yaml --as-of 2026-11-23
    """

    def body() -> int:
        from feasibility.cli.show import show_check
        from feasibility.render import text
        from feasibility.safe import visible
        from feasibility.store.bookings import BookRequest, book_deal, locked_workspace
        from feasibility.workspace import capacity_path, read_deal

        who = by or visible(os.environ.get("USER", "")) or "unknown"
        hold = option_date("--hold-until", hold_until) if hold_until else None
        request = BookRequest(who, hold, accept_risk, force, reason, replace)
        with locked_workspace(capacity_path(capacity)) as workspace:
            loaded, problems = read_deal(deal, workspace.capacity)
            if loaded is None:
                raise InputError(problems)
            outcome = book_deal(workspace, loaded.deal, as_of_date(as_of), request)
        show_check(outcome.check, fmt, text.check_text(outcome.check))
        typer.echo(visible(outcome.message), err=True)
        return outcome.exit_code

    finish(body, debug=debug)
