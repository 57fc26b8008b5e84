"""The one exception root of feasibility and the exit codes of SPEC.

Every error a user can cause is a ``FeasibilityError``; the CLI boundary
(``feasibility.cli.boundary``) turns it into its exit code and message.
Anything else that escapes is a bug (exit 4).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` on one line: line breaks, control characters and undecodable bytes escaped.

    File names and keys come from files anyone can edit; printed raw, a line break would let
    them start a line of their own (e.g. a ``::error::`` workflow command in CI) and an escape
    sequence would reach the terminal.
    """
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group()) or _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class ExitCode(IntEnum):
    """Exit codes, the same for every command (SPEC)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    AT_RISK = 3
    INTERNAL = 4


Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located at 1-based line and column."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{printable(self.file)}:{self.line}:{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{printable(self.message)}"


class FeasibilityError(Exception):
    """Root of every error a user can cause; carries its exit code."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(FeasibilityError):
    """A command was called wrongly (bad option, missing file, bad id)."""


class InputError(FeasibilityError):
    """One or more input files are unreadable or invalid; every problem is listed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(FeasibilityError):
    """A booking could not be written or removed (exists, missing, disk, permissions)."""
