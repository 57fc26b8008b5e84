"""Phrases every renderer shares, so text, markdown and GitHub say the same thing."""

from __future__ import annotations

import datetime as dt

from feasibility.engine.result import Confidence, DealResult, LineResult, WhyLink
from feasibility.wording import percent, percentage

BARS = " ▁▂▃▄▅▆▇█"
"""Sparkline characters, from no sample to the most samples on one day."""
SPARK_WIDTH = 24
"""Most characters of a distribution picture (days are grouped to fit)."""


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


def on_time_cell(c: Confidence) -> str:
    """'82 % (78-85 %)': the chance of being on time with its 95 % interval."""
    if c.p_on_time is None or c.interval is None:
        return "no due date"
    low, high = c.interval
    return f"{percent(c.p_on_time)} ({percentage(low)}-{percent(high)})"


def percentile_cells(c: Confidence) -> tuple[str, str, str]:
    """P50, P80 and P95 as text ('beyond horizon' when that share is never delivered)."""
    return (_day(c.p50), _day(c.p80), _day(c.p95))


def _day(day: dt.date | None) -> str:
    return "beyond horizon" if day is None else str(day)


def sparkline(c: Confidence, due: dt.date | None) -> list[tuple[str, bool]]:
    """The sampled delivery dates as bars, earliest first (days grouped so that at most
    SPARK_WIDTH bars show), each with whether its days are after ``due``."""
    if not c.dates:
        return []
    size = -(-len(c.dates) // SPARK_WIDTH)
    groups = [c.dates[i : i + size] for i in range(0, len(c.dates), size)]
    counts = [sum(k for _, k in g) for g in groups]
    top = max(counts)
    bars = []
    for g, count in zip(groups, counts, strict=True):
        level = 0 if count == 0 else max(1, round(count / top * (len(BARS) - 1)))
        bars.append((BARS[level], due is not None and g[0][0] > due))
    return bars
