"""A typer app with the options of `feasibility check` and an empty body (benchmark only).

Its start-up is what the CLI framework alone costs a command of that shape: typer 0.29
coerces each parameter through a pydantic ``TypeAdapter``, so parsing the options imports
pydantic's model machinery, which ``import pydantic`` alone (lazy) does not. The start-up
benchmark times it beside the real commands as a reference, with no target of its own.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    """The output formats of `check`."""

    text = "text"
    json = "json"
    markdown = "markdown"


app = typer.Typer(add_completion=False)


@app.command()
def check(
    deals: Annotated[list[Path], typer.Argument(metavar="DEAL")],
    capacity: Annotated[Path | None, typer.Option("--capacity")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
    schedule: Annotated[bool, typer.Option("--schedule")] = False,
    show_timeline: Annotated[bool, typer.Option("--timeline")] = False,
    why: Annotated[bool, typer.Option("--why")] = False,
    svg: Annotated[Path | None, typer.Option("--svg")] = None,
    html: Annotated[Path | None, typer.Option("--html")] = None,
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    """Parse the options and do nothing."""


@app.command()
def validate() -> None:
    """A second command, so that the app is a group as the real CLI is."""


if __name__ == "__main__":
    app()
