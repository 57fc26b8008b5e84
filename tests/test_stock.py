"""Stock against a naive reference: every take subtracted from every later day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility.engine.timeline import EPS, Stock
from feasibility.models.capacity import Material


@dataclass
class Naive:
    """The original day-by-day stock (the specification of ``Stock``)."""

    level: list[float]
    replenish: int | None
    takes: list[tuple[int, float]] = field(default_factory=list)

    def end(self) -> int:
        return len(self.level) if self.replenish is None else min(self.replenish, len(self.level))

    def available(self, index: int, qty: float) -> bool:
        if self.replenish is not None and index >= self.replenish:
            return True
        return all(self.level[t] + EPS >= qty for t in range(index, self.end()))

    def earliest(self, index: int, qty: float) -> int | None:
        suffix_ok = None
        running = float("inf")
        for t in range(self.end() - 1, index - 1, -1):
            running = min(running, self.level[t])
            if running + EPS >= qty:
                suffix_ok = t
            else:
                break
        if suffix_ok is not None:
            return suffix_ok
        if self.replenish is not None:
            return max(index, self.replenish)
        return None

    def take(self, index: int, qty: float) -> None:
        self.takes.append((index, qty))
        for t in range(max(index, 0), len(self.level)):
            self.level[t] -= qty


MATERIAL = Material(id="m", unit="pcs")
whole = st.integers(0, 40).map(float)
halves = st.integers(0, 80).map(lambda k: k / 2)
decimals = st.sampled_from([0.1, 0.2, 0.3, 1.7, 2.5, 1e-10, 3.0])
amounts = st.one_of(whole, halves, decimals)
op = st.tuples(
    st.sampled_from(
        ["take"] * 4 + ["earliest"] * 3 + ["available"] * 2 + ["read", "receipt", "copy"]
    ),
    st.integers(-3, 70),
    amounts,
)


@settings(max_examples=300, deadline=None)
@given(
    base=st.lists(st.one_of(whole, halves), min_size=16, max_size=60),
    replenish=st.one_of(st.none(), st.integers(0, 70)),
    ops=st.lists(op, max_size=120),
    exact_only=st.booleans(),
)
def test_stock_matches_naive(
    base: list[float],
    replenish: int | None,
    ops: list[tuple[str, int, float]],
    exact_only: bool,
) -> None:
    fast = Stock(MATERIAL, list(base), replenish)
    naive = Naive(list(base), replenish)
    n = len(base)
    for kind, index, qty in ops:
        if exact_only:
            qty = float(round(qty))
        if kind == "take":
            fast.take(index, qty)
            naive.take(index, qty)
        elif kind == "earliest":
            index = max(index, 0)
            assert fast.earliest(index, qty) == naive.earliest(index, qty)
        elif kind == "available":
            index = max(index, 0)
            assert fast.available(index, qty) == naive.available(index, qty)
        elif kind == "read":
            assert fast.level == naive.level
        elif kind == "receipt":
            # trial.with_receipt changes the list in place.
            level = fast.level
            for t in range(max(index, 0), n):
                level[t] += qty
                naive.level[t] += qty
        elif index % 2:
            # A copy is independent: what is taken from it never shows in the original.
            fast.copy().take(max(index, 0), qty + 1)
        else:
            fast = fast.copy()
    assert fast.level == naive.level
    assert fast.takes == naive.takes


def test_many_takes_stay_exact() -> None:
    """Ten thousand takes before and after replenishment read back day by day."""
    base = [500.0] * 400
    fast = Stock(MATERIAL, list(base), 60)
    naive = Naive(list(base), 60)
    for k in range(10_000):
        day, qty = (k * 7) % 400, 0.5 + (k % 3)
        fast.take(day, qty)
        naive.take(day, qty)
        assert fast.earliest(k % 400, 1.0) == naive.earliest(k % 400, 1.0)
    assert fast.level == naive.level


def test_random_sequences_match_naive() -> None:
    """Many seeded random sequences of whole and half amounts (the block arithmetic)."""
    rng = random.Random(20261123)
    for _ in range(400):
        n = rng.randint(1, 90)
        base = [float(rng.randint(0, 30)) for _ in range(n)]
        replenish = rng.choice([None, rng.randint(0, n + 5)])
        fast = Stock(MATERIAL, list(base), replenish)
        naive = Naive(list(base), replenish)
        for _ in range(rng.randint(0, 150)):
            index, qty = rng.randint(-2, n + 3), rng.randint(0, 12) / 2
            kind = rng.random()
            if kind < 0.4:
                fast.take(index, qty)
                naive.take(index, qty)
            elif kind < 0.7:
                index = max(index, 0)
                assert fast.earliest(index, qty) == naive.earliest(index, qty)
            elif kind < 0.95:
                index = max(index, 0)
                assert fast.available(index, qty) == naive.available(index, qty)
            else:
                assert fast.level == naive.level
        assert fast.level == naive.level
