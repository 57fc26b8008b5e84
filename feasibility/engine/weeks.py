"""Weeks of the load report: they start on Mondays; how many are shown unless asked."""

from __future__ import annotations

import datetime as dt

DEFAULT_WEEKS = 12
"""Weeks shown when none are asked for."""


def week_start(day: dt.date) -> dt.date:
    """The Monday on or before ``day``."""
    return day - dt.timedelta(days=day.weekday())
