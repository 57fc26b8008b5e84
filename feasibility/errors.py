"""The one exception root of feasibility and the exit codes of SPEC.

Every error a user can cause is a ``FeasibilityError``; the CLI boundary
(``feasibility.cli.boundary``) turns it into its exit code and message.
Anything else that escapes is a bug (exit 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from feasibility.safe import visible


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
        where = f"{visible(self.file)}:{self.line}:{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{visible(self.message)}"


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
