"""The one exception root of feasibility and the exit codes of SPEC.

Every error a user can cause is a ``FeasibilityError``; the CLI boundary
(``feasibility.cli.boundary``) turns it into its exit code and message.
Anything else that escapes is a bug (exit 4).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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


Kind = tuple[Severity, str]
"""Problems of one kind: their severity and message but for quoted values and numbers."""


def kind(severity: Severity, message: str) -> Kind:
    """The kind of a problem (``MAX_LIKE`` of a kind are reported)."""
    return severity, _VALUES.sub("", message)


def capped(problems: Iterable[Problem], left_out: Counter[Kind] | None = None) -> list[Problem]:
    """``problems`` in their order with long quoted values cut, at most ``MAX_LIKE`` of each
    kind; at the first left out of a kind, one problem '... and N more like this' (N counts
    ``left_out`` too: problems of the kind known to come after all of ``problems``)."""
    out: list[Problem] = []
    seen: Counter[Kind] = Counter()
    more: dict[Kind, int] = {}
    for p in problems:
        like = kind(p.severity, p.message)
        seen[like] += 1
        if seen[like] <= MAX_LIKE:
            message = _QUOTED.sub(lambda m: f"'{m[1][:MAX_QUOTED]}…'", p.message)
            out.append(replace(p, message=message))
        elif seen[like] == MAX_LIKE + 1:
            more[like] = len(out)
            out.append(p)
    total = seen + (left_out or Counter())
    for like, at in more.items():
        rest = f"... and {total[like] - MAX_LIKE:,} more like this; fix these first"
        out[at] = replace(out[at], message=rest)
    return out


@dataclass(frozen=True)
class Unplaced:
    """A problem whose position is looked up only when it is reported (``placed_capped``):
    `validate` of a large bookings folder finds tens of thousands of problems of a few
    kinds, and reading each one's position from its file's text took a second."""

    file: str
    locate: Callable[[], tuple[int, int]]
    """The problem's 1-based (line, column) in ``file``."""
    message: str
    severity: Severity = "error"

    def placed(self) -> Problem:
        """The problem with its position."""
        return Problem(self.file, *self.locate(), self.message, self.severity)


def placed_capped(problems: Iterable[Problem | Unplaced]) -> list[Problem]:
    """``capped(sorted(problems))`` with every problem placed, the same list, but placing
    only what it shows: of a kind with more than ``MAX_LIKE`` + 1 problems, those in the
    files (by name) up to the one holding its first left out, which holds every problem
    reported of the kind; the others come after them and are only counted."""
    by_file = sorted(problems, key=lambda p: p.file)
    kinds = [kind(p.severity, p.message) for p in by_file]
    last: dict[Kind, str] = {}  # per kind: the file of its first problem left out
    seen: Counter[Kind] = Counter()
    for p, like in zip(by_file, kinds, strict=True):
        seen[like] += 1
        if seen[like] == MAX_LIKE + 1:
            last[like] = p.file
    shown: list[Problem] = []
    left_out: Counter[Kind] = Counter()
    for p, like in zip(by_file, kinds, strict=True):
        if like in last and p.file > last[like]:
            left_out[like] += 1
        else:
            shown.append(p.placed() if isinstance(p, Unplaced) else p)
    return capped(sorted(shown, key=lambda p: (p.file, p.line, p.column)), left_out)


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
