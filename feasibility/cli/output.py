"""Writing results to the terminal: rich for people, raw text for machine formats.

Colour follows the global ``--color`` mode: ``auto`` colours text output only when stdout
is a terminal and ``NO_COLOR`` is unset or empty; ``always`` and ``never`` override both.
Machine formats (json, csv, github, markdown) are strings, written verbatim: never
coloured, never wrapped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, RenderableType

from feasibility.cli.options import ColorMode

PLAIN_WIDTH = 100
"""Width of text output when stdout is not a terminal (files, pipes, tests) and ``COLUMNS``
is not set."""
PROGRESS_MIN = 20
"""Runs of more items than this show a progress bar (on a terminal's stderr only)."""


_mode = ColorMode.auto


def set_color_mode(mode: ColorMode) -> None:
    """Set the colour mode for the rest of the process (the global ``--color`` option)."""
    global _mode
    _mode = mode


def color_mode() -> ColorMode:
    """The colour mode in force."""
    return _mode


def _no_color_env() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def console() -> Console:
    """A console for stdout, coloured as the colour mode says."""
    tty = sys.stdout.isatty()
    width = None if tty or os.environ.get("COLUMNS") else PLAIN_WIDTH
    if _mode is ColorMode.always:
        dumb = os.environ.get("TERM", "").lower() in {"dumb", "unknown"}
        return Console(
            width=width,
            force_terminal=True,
            no_color=False,
            color_system="standard" if dumb else "auto",
            highlight=False,
            markup=False,
            soft_wrap=False,
        )
    if _mode is ColorMode.never:
        return Console(
            width=width,
            color_system=None,
            no_color=True,
            highlight=False,
            markup=False,
            soft_wrap=False,
        )
    return Console(
        width=width,
        no_color=_no_color_env() or not tty,
        highlight=False,
        markup=False,
        soft_wrap=False,
    )


def emit(result: RenderableType | str, *, soft_wrap: bool = False) -> None:
    """Print a rendered result: strings verbatim (json, markdown, github), others via rich.

    ``soft_wrap`` keeps long lines whole (file:line:column messages stay greppable).
    """
    if isinstance(result, str):
        sys.stdout.write(_encodable(result))
        sys.stdout.flush()
    else:
        console().print(result, soft_wrap=soft_wrap)


def _encodable(text: str) -> str:
    """``text``, with what stdout cannot encode as backslash escapes: a file name with bytes
    that are not UTF-8 (read as lone surrogates) would otherwise stop the output midway.
    In JSON the escapes stay valid JSON (``"\\udcff"``)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = getattr(sys.stdout, "errors", None) or "strict"
    try:
        text.encode(encoding, errors)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    return text


@contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for a run of ``total`` items; yields "one more item done".

    Shown only for more than ``PROGRESS_MIN`` items and when stderr is a terminal, so pipes,
    logs and machine formats on stdout never see it; it is erased when the run ends.
    """
    if total <= PROGRESS_MIN or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    plain = _mode is ColorMode.never or (_mode is ColorMode.auto and _no_color_env())
    err = Console(file=sys.stderr, color_system=None if plain else "auto", no_color=plain)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
