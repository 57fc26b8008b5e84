"""Text from files made safe for each output it reaches: the one place that knows how.

Names, messages and units come from files anyone can edit (a capacity file in a pull
request, a CRM export). Whatever output they reach, they stay text:

- terminal (``visible``, ``terminal``): one line; line breaks, C0/C1 controls, bidi
  overrides and isolates, zero-width characters and undecodable bytes shown as escapes
  (``\\n``, ``\\x85``, ``\\u202e``); rich never reads them as markup.
- markdown (``markdown``, ``code``): visible, then CommonMark backslash escapes, so a cell
  never ends a table row, opens an HTML comment or a link, or ends a code span.
- CSV (``csv_cell``, ``csv_text``): visible, and a cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or CR gets a leading apostrophe (OWASP, "CSV Injection"), so a spreadsheet
  never runs it as a formula and a row never ends inside a cell.
- HTML and SVG: rich's export escapes the text it draws; ``html`` escapes the rest.
- GitHub annotations: ``feasibility.render.github`` escapes as the runner requires.
"""

from __future__ import annotations

import csv
import html as _html
import io
import re
from collections.abc import Iterable, Sequence

from rich.text import Text

_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064"
    "\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MARKDOWN = re.compile(r"[\\`*_\[\]<>|~#!&]")
_BLOCK_START = re.compile(r"\A(?:[-+=]|[0-9]+[.)])")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """``text`` on one line, with every control, bidi, zero-width character and undecodable
    byte written as an escape: nothing can start a line, reorder or hide text."""
    return _INVISIBLE.sub(lambda m: _NAMED.get(m.group()) or _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal(text: object, style: str = "") -> Text:
    """Text for rich: visible, never parsed as markup."""
    return Text(visible(str(text)), style=style)


def markdown(text: object) -> str:
    """Text safe anywhere in a markdown line, a table cell included."""
    out = _MARKDOWN.sub(lambda m: "\\" + m.group(), visible(str(text)))
    return _BLOCK_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], out)


def code(text: object) -> str:
    """Text as a markdown code span (in a table cell too): fenced with more backticks than
    it holds, its ``|`` escaped as GFM tables require."""
    body = visible(str(text)).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", body)), default=0) + 1)
    pad = " " if body[:1] == "`" or body[-1:] == "`" else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def csv_cell(value: object) -> object:
    """A CSV value: text visible (one line), with a leading "'" when a spreadsheet would
    run it as a formula; numbers as they are."""
    if not isinstance(value, str):
        return value
    return ("'" if value.startswith(_FORMULA) else "") + visible(value)


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV (LF line ends), every cell through ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def html(text: str) -> str:
    """Text safe in HTML or SVG, quotes included."""
    return _html.escape(visible(text), quote=True)
