"""Options shared by the commands, and their parsing.

Imports nothing beyond Typer: every command's options are built for `--help`, which should
cost little more than starting Typer."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from feasibility.errors import UsageError


class ColorMode(StrEnum):
    """When text output is coloured (``--color``)."""

    auto = "auto"
    always = "always"
    never = "never"


CapacityOpt = Annotated[
    Path | None,
    typer.Option(
        "--capacity",
        "-c",
        metavar="FILE",
        help="Capacity file [default: $FEASIBILITY_CAPACITY, else capacity.yaml in the current "
        "folder or the nearest folder above it].",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Date the check is made on, YYYY-MM-DD [default: today]. Makes results reproducible.",
        show_default=False,
    ),
]
ColorOpt = Annotated[
    ColorMode,
    typer.Option(
        "--color",
        envvar="FEASIBILITY_COLOR",
        case_sensitive=False,
        help="Colour text output: auto (on a terminal, unless NO_COLOR is set), always, never. "
        "Machine formats (json, csv, github, markdown) are never coloured.",
    ),
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show a traceback on internal errors.", hidden=False)
]


class CheckFormat(StrEnum):
    """Output formats of `check`."""

    text = "text"
    json = "json"
    markdown = "markdown"


class ValidateFormat(StrEnum):
    """Output formats of `validate`."""

    text = "text"
    json = "json"
    github = "github"


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)
"""The dates an option may name: far enough from the calendar's ends for any horizon."""


def option_date(option: str, value: str) -> dt.date:
    """The one parser of every date option: YYYY-MM-DD, between ``EARLIEST`` and ``LATEST``."""
    from feasibility.models.common import ISO_DATE

    try:
        if ISO_DATE.fullmatch(value) is None:
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date; use YYYY-MM-DD") from None
    if not EARLIEST <= day <= LATEST:
        raise UsageError(f"{option}: {day} is out of range; use a date from {EARLIEST} to {LATEST}")
    return day


def as_of_date(value: str | None) -> dt.date:
    """The --as-of date, or today."""
    from feasibility.workspace import today

    return today() if value is None else option_date("--as-of", value)


SvgOpt = Annotated[
    Path | None,
    typer.Option(
        "--svg",
        metavar="FILE",
        help="Also save the text picture as an SVG file (whatever --format prints).",
        show_default=False,
    ),
]
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html", metavar="FILE", help="Also save it as an HTML page.", show_default=False
    ),
]
