"""Writing results to the terminal: rich for people, raw text for machine formats."""

from __future__ import annotations

import os
import sys

from rich.console import Console, RenderableType

PLAIN_WIDTH = 100
"""Width of text output when stdout is not a terminal (files, pipes, tests)."""


def console() -> Console:
    """A console for stdout: colour only on a terminal, never with NO_COLOR."""
    tty = sys.stdout.isatty()
    return Console(
        width=None if tty else PLAIN_WIDTH,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        highlight=False,
        soft_wrap=False,
    )


def emit(result: RenderableType | str, *, soft_wrap: bool = False) -> None:
    """Print a rendered result: strings verbatim (json, markdown, github), others via rich.

    ``soft_wrap`` keeps long lines whole (file:line:column messages stay greppable).
    """
    if isinstance(result, str):
        sys.stdout.write(result)
        sys.stdout.flush()
    else:
        console().print(result, soft_wrap=soft_wrap)
