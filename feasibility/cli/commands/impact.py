"""`feasibility impact OLD NEW` and `feasibility impact --base GIT_REF [FILE]`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from feasibility.cli.app import Command, app
from feasibility.cli.boundary import finish
from feasibility.cli.options import AsOfOpt, CapacityOpt, DebugOpt, as_of_date
from feasibility.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from feasibility.workspace import Workspace


class ImpactFormat(StrEnum):
    """Output formats of `impact`."""

    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"


class FailOn(StrEnum):
    """When `impact` exits 1."""

    worse = "worse"
    broken = "broken"


@app.command(cls=Command)
def impact(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE",
            help="OLD NEW capacity files; with --base, the capacity file "
            "[default: --capacity, $FEASIBILITY_CAPACITY, else the nearest capacity.yaml].",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="Compare with the file at this git revision.",
            show_default=False,
        ),
    ] = None,
    capacity: CapacityOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ImpactFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ImpactFormat.text
    ),
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when any booking got worse, or only when a booked line is broken.",
        ),
    ] = FailOn.worse,
    debug: DebugOpt = False,
) -> None:
    """Re-check every booking under two versions of the capacity file; list what got worse.

    Example: feasibility impact --base origin/main --format markdown
    """

    def body() -> int:
        from feasibility.cli.output import emit
        from feasibility.engine.impact import compare
        from feasibility.render import impact as render
        from feasibility.workspace import load_workspace

        old, new = _versions(files or [], base, capacity)
        shared = old.bookings if old else []
        result = compare(old, load_workspace(new, known=shared), as_of_date(as_of))
        renderers = {
            ImpactFormat.json: render.impact_json,
            ImpactFormat.markdown: render.impact_markdown,
            ImpactFormat.github: render.impact_github,
        }
        emit(renderers.get(fmt, render.impact_text)(result))
        return ExitCode.FAILED if result.failed(fail_on.value) else ExitCode.OK

    finish(body, debug=debug)


def _versions(
    files: list[Path], base: str | None, capacity: Path | None
) -> tuple[Workspace | None, Path]:
    """The old version (with its own bookings; None when the file is new at --base) and
    the path of the new one, from OLD NEW or --base REF [FILE]."""
    from feasibility.engine.impact import workspace_at
    from feasibility.workspace import capacity_path, load_workspace

    if base is None:
        if len(files) != 2 or capacity is not None:
            raise UsageError("give two capacity files, OLD NEW, or --base GIT_REF [FILE]")
        return load_workspace(files[0], references=False), files[1]
    if len(files) > 1 or (files and capacity is not None):
        raise UsageError("with --base give one capacity file, as FILE or --capacity")
    new = files[0] if files else capacity_path(capacity)
    return workspace_at(base, new), new
