"""The one place that turns errors into SPEC's exit codes and messages."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

import typer

from feasibility import __version__
from feasibility.errors import ExitCode, FeasibilityError, InputError
from feasibility.safe import visible


def finish(body: Callable[[], int], *, debug: bool = False) -> None:
    """Run a command body and exit with its code; user errors exit 2, bugs exit 4."""
    try:
        code = body()
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        code = exc.exit_code
    except FeasibilityError as exc:
        typer.echo(f"error: {visible(str(exc))}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        code = 130
    except BrokenPipeError:
        code = ExitCode.OK
    except Exception as exc:
        if debug:
            traceback.print_exc(file=sys.stderr)
        typer.echo(
            f"internal error ({type(exc).__name__}): this is a bug in feasibility {__version__}; "
            "please report it with the command you ran (rerun with --debug for the traceback)",
            err=True,
        )
        code = ExitCode.INTERNAL
    raise typer.Exit(code=int(code))
