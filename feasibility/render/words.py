"""Phrases every renderer shares, so text, markdown and GitHub say the same thing."""

from __future__ import annotations

from feasibility.engine.result import DealResult, LineResult, WhyLink


def earliest_cell(line: LineResult) -> str:
    """A line's earliest date, marked when it is proven ('2027-03-10, proven')."""
    if line.earliest is None:
        return "not in horizon"
    return f"{line.earliest}, proven" if line.proven else str(line.earliest)


def score_parts(d: DealResult) -> str:
    """The score's components as a sum that is the score, or says what capped it:
    'slack 12 + headroom 30 + materials 15 + scope 15' (of 40, 30, 15 and 15 points)."""
    p = d.parts
    text = f"slack {p.slack} + headroom {p.headroom} + materials {p.materials} + scope {p.scope}"
    total = p.slack + p.headroom + p.materials + p.scope
    if total > d.score:
        text += f" = {total}, capped at {d.score}"
    return text


def safe_note(d: DealResult, n: int) -> str | None:
    """For a line with no due date: the date to quote that keeps the policy's slack."""
    line = d.lines[n]
    if line.due is not None or line.safe_date is None:
        return None
    where = f"Line {n} ({line.offering})" if len(d.lines) > 1 else "The line"
    return (
        f"{where} has no due date: quote {line.safe_date} or later to keep the slack "
        "policy asks for"
    )


def why_label(link: WhyLink) -> str:
    """A chain link's tag: START, STEP, or what held a gap (CAPACITY, MATERIAL, ...)."""
    if link.cause in ("check_date", "notice", "deal_start"):
        return "START"
    if link.cause in ("work", "precedence"):
        return "STEP"
    return link.cause.upper()


def why_title(n: int, line: LineResult) -> str:
    """The heading of a line's chain: 'Line 0 (site-rollout) is delivered 2027-02-10 because:'."""
    return f"Line {n} ({line.offering}) is delivered {line.earliest} because:"
