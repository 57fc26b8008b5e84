"""Printing a check result in the format asked for (`check` and `book`)."""

from __future__ import annotations

from rich.console import RenderableType

from feasibility.cli.options import CheckFormat
from feasibility.cli.output import emit
from feasibility.engine.result import CheckResult
from feasibility.render import json_out, markdown


def show_check(
    result: CheckResult, fmt: CheckFormat, text_view: RenderableType, *, why: bool = False
) -> None:
    """Print ``result`` as json or markdown (with ``why``, each line's chain), or
    ``text_view`` for text."""
    if fmt is CheckFormat.json:
        emit(json_out.check_json(result))
    elif fmt is CheckFormat.markdown:
        emit(markdown.check_markdown(result, show_why=why))
    else:
        emit(text_view)
