"""Capacity and stock left over time, as work is scheduled into it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from feasibility.engine.timeline import Stock, Timeline


@dataclass
class CapacityState:
    """Free capacity of each resource and projected stock of each material, by day index."""

    timeline: Timeline
    works: dict[str, tuple[bool, ...]]
    """Whether each resource works on each day index."""
    free: dict[str, list[float]]
    """Capacity not yet taken, in the resource's unit, on each day index."""
    stocks: dict[str, Stock]

    def fork(self, resources: Iterable[str], materials: Iterable[str]) -> CapacityState:
        """A copy in which the named resources and materials can change independently."""
        free = dict(self.free)
        for r in resources:
            free[r] = list(self.free[r])
        stocks = dict(self.stocks)
        for m in materials:
            stocks[m] = self.stocks[m].copy()
        return CapacityState(self.timeline, self.works, free, stocks)

    def adopt(
        self, other: CapacityState, resources: Iterable[str], materials: Iterable[str]
    ) -> None:
        """Take over the named resources and materials from a fork."""
        for r in resources:
            self.free[r] = other.free[r]
        for m in materials:
            self.stocks[m] = other.stocks[m]

    def unlimited(self, resources: Iterable[str]) -> CapacityState:
        """The same calendars and stock with unlimited capacity on every working day of
        the named resources (the others have none: schedule only work that uses these)."""
        inf = float("inf")
        free = {r: [inf if w else 0.0 for w in self.works[r]] for r in resources}
        return CapacityState(self.timeline, self.works, free, self.stocks)
