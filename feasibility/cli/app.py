"""The `feasibility` command line: parse options, call the core, render, exit.

Each command body is small: everything it does lives in the core or a renderer.
"""

from __future__ import annotations

import sys
from itertools import islice
from typing import Annotated, Any

import typer
from typer._click import Context, HelpFormatter
from typer.core import TyperCommand, TyperGroup

from feasibility import __version__
from feasibility.cli.options import ColorMode, ColorOpt

GLOBAL_OPTIONS = ("--color",)
"""The root's options that take a value and may also follow the command name."""


class Group(TyperGroup):
    """The root command: its options are accepted after the command name too."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args, set(self.commands)))


def global_options_first(args: list[str], commands: set[str]) -> list[str]:
    """``args`` with each global option given after the command name moved before it
    (``check a.yaml --color never`` reads as ``--color never check a.yaml``)."""
    at = next((i for i, arg in enumerate(args) if arg in commands), None)
    if at is None:
        return args
    moved: list[str] = []
    rest: list[str] = []
    tail = iter(args[at + 1 :])
    for arg in tail:
        if arg == "--":
            rest += [arg, *tail]
        elif arg in GLOBAL_OPTIONS:
            moved += [arg, *islice(tail, 1)]
        elif arg.split("=", 1)[0] in GLOBAL_OPTIONS:
            moved.append(arg)
        else:
            rest.append(arg)
    return [*args[:at], *moved, args[at], *rest]


class Command(TyperCommand):
    """A command whose help names arguments by their metavar (``DEAL...``), never by
    their Python type (``<list[Path]>``)."""

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                sections["Arguments"].append((argument_name(param), record[1]))
            else:
                sections["Options"].append(record)
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces += param.get_usage_pieces(ctx)
        return pieces


def argument_name(param: Any) -> str:
    """``DEAL...`` for an argument taking several values, ``ID`` for one."""
    name = str(param.metavar) if param.metavar else str(param.name).upper()
    return f"{name}..." if param.nargs != 1 else name


app = typer.Typer(
    name="feasibility",
    cls=Group,
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
