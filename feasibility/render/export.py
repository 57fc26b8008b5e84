"""Pictures of the text output: a rich renderable saved as SVG or HTML, for slides and PRs.

The picture is always drawn at ``PICTURE_WIDTH`` columns in colour, whatever the terminal,
``COLUMNS`` or ``NO_COLOR`` say, so that a command makes the same file everywhere. Rich's
export is deterministic: the SVG's ids are a hash of the content and the title, and nothing
depends on the time or the machine (the SVG names its font on a CDN, with monospace fallback).
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console, RenderableType

from feasibility.errors import UsageError
from feasibility.safe import html as escape
from feasibility.safe import visible

PICTURE_WIDTH = 100
"""Width of every picture, in character columns."""

HTML_PAGE = """\
<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
}}}}
</style>
</head>
<body>
<pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,monospace"><code>{{code}}</code></pre>
</body>
</html>
"""
"""The page around rich's HTML export: filled with the title first, then by rich."""


def record(renderable: RenderableType) -> Console:
    """A console of fixed width and colours, independent of the environment, holding a render."""
    console = Console(
        record=True,
        file=io.StringIO(),
        width=PICTURE_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
        highlight=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
        _environ={},
    )
    console.print(renderable)
    return console


def svg(renderable: RenderableType, title: str) -> str:
    """The renderable as an SVG document with a window title."""
    return record(renderable).export_svg(title=visible(title))


def html(renderable: RenderableType, title: str) -> str:
    """The renderable as a standalone HTML page with a <title>."""
    safe = escape(title).replace("{", "{{").replace("}", "}}")
    return record(renderable).export_html(code_format=HTML_PAGE.format(title=safe))


def save_pictures(
    renderable: RenderableType, *, svg_file: Path | None, html_file: Path | None, title: str
) -> None:
    """Write the pictures asked for; a file that cannot be written is a usage error."""
    for path, make in ((svg_file, svg), (html_file, html)):
        if path is None:
            continue
        try:
            path.write_text(make(renderable, title), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
