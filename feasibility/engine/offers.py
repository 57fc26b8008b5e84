"""Counter-offers for a deal that is not simply feasible (being implemented: issue 4)."""

from __future__ import annotations

from feasibility.engine.plan import Plan
from feasibility.engine.result import DealResult, Offer
from feasibility.models.deal import Deal


def counter_offers(plan: Plan, deal: Deal, result: DealResult) -> list[Offer]:
    """Offers the rep can make instead, each verified by re-running the engine."""
    del plan, deal, result
    return []
