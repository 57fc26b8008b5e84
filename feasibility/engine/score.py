"""The score 0-100: how comfortably a deal fits (README, "Score").

Components: slack (40 points), capacity headroom (30), materials (15), scope (15).
The verdict caps the total: at most 69 when at risk, at most 39 when infeasible.
"""

from __future__ import annotations

from feasibility.engine.diagnose import line_resources, window_utilization
from feasibility.engine.plan import Plan, Prepared
from feasibility.engine.result import LineResult, Reason, ScoreParts, Verdict
from feasibility.engine.scheduler import Outcome

SLACK_POINTS, HEADROOM_POINTS, MATERIAL_POINTS, SCOPE_POINTS = 40, 30, 15, 15
CAPS: dict[Verdict, int] = {"feasible": 100, "at_risk": 69, "infeasible": 39}
SCOPE_PENALTY = {"UNKNOWN_OFFERING": 15, "UNKNOWN_FEATURE": 15, "FEATURE_UNAVAILABLE": 15}
REVIEW_PENALTY = 5


def score_deal(
    plan: Plan,
    prepared: Prepared,
    out: Outcome,
    lines: list[LineResult],
    reasons: list[Reason],
    verdict: Verdict,
) -> tuple[ScoreParts, int]:
    """The score's components and the capped total."""
    policy = plan.model.policy
    parts = ScoreParts(
        slack=_slack_points(lines, policy.min_slack_days),
        headroom=_headroom_points(plan, prepared, out, policy.target_utilization),
        materials=0 if any(r.code == "MATERIAL" for r in reasons) else MATERIAL_POINTS,
        scope=max(
            0,
            SCOPE_POINTS
            - sum(SCOPE_PENALTY.get(r.code, 0) for r in reasons)
            - REVIEW_PENALTY * sum(r.code == "NEEDS_REVIEW" for r in reasons),
        ),
    )
    total = parts.slack + parts.headroom + parts.materials + parts.scope
    return parts, min(total, CAPS[verdict])


def _slack_points(lines: list[LineResult], min_slack: int) -> int:
    """Full points at twice the policy's minimum slack or more; none when late."""
    if any(ln.earliest is None for ln in lines):
        return 0
    slacks = [ln.slack_days for ln in lines if ln.slack_days is not None]
    if not slacks:
        return SLACK_POINTS
    ratio = min(slacks) / max(2 * min_slack, 1)
    return round(SLACK_POINTS * max(0.0, min(1.0, ratio)))


def _headroom_points(plan: Plan, prepared: Prepared, out: Outcome, target: float) -> int:
    """Full points when the line's resources are loaded to half the target or less while
    it runs (other work and the deal's own schedule together), none at 100 %."""
    own: dict[str, dict[int, float]] = {}
    for placed in out.placements.values():
        for day, r, taken in placed.amounts:
            own.setdefault(r, {})[day] = own.get(r, {}).get(day, 0.0) + taken
    worst = 0.0
    for j, delivered in enumerate(out.delivered):
        if delivered is None:
            continue
        for r in line_resources(prepared, j):
            used = window_utilization(
                plan, plan.state, r, prepared.release[j], delivered, own.get(r, {})
            )
            worst = max(worst, used)
    low = target / 2
    ratio = 1.0 if worst <= low else (1.0 - worst) / (1.0 - low)
    return round(HEADROOM_POINTS * max(0.0, min(1.0, ratio)))
