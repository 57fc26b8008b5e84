"""Counts and amounts in words: '1 working day', '2 working days', '1 crew', '2.5 crews'.

Units are free text in the capacity file ('crews', 'hours', 'pcs'): an amount of exactly
one drops a plain English plural 's' ('1 crew', '1 hour', '1 pc'); other units and other
amounts are shown as written.
"""

from __future__ import annotations


def plural(n: float, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, made plural unless ``n`` is 1 ('1 error', '3 errors');
    ``many``: the plural when it is not ``word`` + 's'."""
    count = f"{n:g}"
    if n == 1:
        return f"{count} {word}"
    return f"{count} {many or word + 's'}"


def singular(unit: str) -> str:
    """A unit as it reads after the number 1: a trailing plural 's' dropped."""
    if len(unit) > 2 and unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def amount(x: float, unit: str) -> str:
    """An amount and its unit ('1 crew', '2.5 crews', '8 hours')."""
    return f"{x:g} {singular(unit) if x == 1 else unit}"


def percent(share: float) -> str:
    """A share as '82%' (see ``percentage``)."""
    return f"{percentage(share)}%"


def percentage(share: float) -> int:
    """A share as a whole percentage, never rounded up to 100 or down to 0."""
    value = round(share * 100)
    if value == 100 and share < 1:
        return 99
    if value == 0 and share > 0:
        return 1
    return value
