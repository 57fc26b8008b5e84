"""Phrases every renderer shares, so text, markdown and GitHub say the same thing."""

from __future__ import annotations

from feasibility.engine.result import LineResult


def earliest_cell(line: LineResult) -> str:
    """A line's earliest date, marked when it is proven ('2027-03-10, proven')."""
    if line.earliest is None:
        return "not in horizon"
    return f"{line.earliest}, proven" if line.proven else str(line.earliest)
