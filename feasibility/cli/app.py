"""The `feasibility` command line: parse options, call the core, render, exit.

Each command body is small: everything it does lives in the core or a renderer.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from feasibility import __version__
from feasibility.cli.options import ColorMode, ColorOpt

app = typer.Typer(
    name="feasibility",
    help="Check deals against operations' real capacity before promising them.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"feasibility {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    color: ColorOpt = ColorMode.auto,
) -> None:
    """Check deals against operations' real capacity before promising them."""
    from feasibility.cli.output import set_color_mode

    set_color_mode(color)


def main() -> None:
    """Console-script entry point.

    Only the command asked for is imported (each command module registers itself), which
    keeps start-up short; help, completion and unknown names get every command (whose
    modules import the core only when they run), `--version` none.
    """
    import importlib

    from feasibility.cli.commands import NAMES

    asked = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    before = set(sys.argv[1 : sys.argv.index(asked)] if asked else sys.argv[1:])
    if asked in NAMES and not {"--help", "-h"} & before:
        importlib.import_module(f"feasibility.cli.commands.{asked}")
    elif "--version" not in before:
        importlib.import_module("feasibility.cli.commands.all")
    app()
