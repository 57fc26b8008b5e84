"""The one exception root of feasibility and the exit codes of SPEC.

Every error a user can cause is a ``FeasibilityError``; the CLI boundary
(``feasibility.cli.boundary``) turns it into its exit code and message.
Anything else that escapes is a bug (exit 4).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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


MAX_LIKE = 20
"""Most problems of one kind reported (the same message but for its quoted values and
numbers); the rest of that kind are one problem saying how many more."""
MAX_QUOTED = 80
"""Longest quoted value a message shows, in characters (a longer one is cut with '…')."""
_QUOTED = re.compile(f"'([^']{{{MAX_QUOTED + 1},}})'")
_VALUES = re.compile(r"'[^']*'|[0-9][0-9,]*")


def capped(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` in their order with long quoted values cut, at most ``MAX_LIKE`` of each
    kind; at the first left out of a kind, one problem '... and N more like this'."""
    out: list[Problem] = []
    counts: Counter[tuple[Severity, str]] = Counter()
    more: dict[tuple[Severity, str], int] = {}
    for p in problems:
        kind = (p.severity, _VALUES.sub("", p.message))
        counts[kind] += 1
        if counts[kind] <= MAX_LIKE:
            message = _QUOTED.sub(lambda m: f"'{m[1][:MAX_QUOTED]}…'", p.message)
            out.append(replace(p, message=message))
        elif counts[kind] == MAX_LIKE + 1:
            more[kind] = len(out)
            out.append(p)
    for kind, at in more.items():
        rest = f"... and {counts[kind] - MAX_LIKE:,} more like this; fix these first"
        out[at] = replace(out[at], message=rest)
    return out


class FeasibilityError(Exception):
    """Root of every error a user can cause; carries its exit code."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(FeasibilityError):
    """A command was called wrongly (bad option, missing file, bad id)."""


class InputError(FeasibilityError):
    """One or more input files are unreadable or invalid; every problem is listed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(capped(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(FeasibilityError):
    """A booking could not be written or removed (exists, missing, disk, permissions)."""
