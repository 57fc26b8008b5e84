"""Public holidays, cached between runs: the `holidays` package imports its whole registry of
countries (about 100 ms) to give one country's days, so the days it gives each country,
subdivision and year, and whether it knows a country and subdivision, are kept in a JSON
file in the user's cache folder.

The file is named after the installed `holidays` version and holds that version, so an
upgrade is a miss. An entry is used only when it has the exact shape this module writes;
anything else (a file that is missing, unreadable, corrupt or from another version, or an
entry of another shape) is a miss: the package is asked and the answer written back, and a
folder that cannot be written is no error. The package's answer is what is stored, in its
order, so a hit gives exactly what a miss gives.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from feasibility.store.cache_files import cache_folder, replace_quietly

FORMAT = 1
"""Bumped whenever what the file holds, or what it means, changes."""


@lru_cache(maxsize=1)
def _version() -> str:
    return metadata.version("holidays")


def _file() -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / f"holidays-{_version()}.json"


def _key(*parts: object) -> str:
    return json.dumps(parts)


@lru_cache(maxsize=1)
def _entries() -> dict[str, Any]:
    """The cached entries of this `holidays` version ({} on any miss)."""
    path = _file()
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    entries = data.get("entries")
    if data.get("holidays") != _version() or not isinstance(entries, dict):
        return {}
    return entries


def _store(key: str, value: Any) -> None:
    """Add one entry, to the file too (merged with what another process wrote meanwhile)."""
    path = _file()
    if path is not None:
        _entries.cache_clear()
        merged = {**_entries(), key: value}
        text = json.dumps({"format": FORMAT, "holidays": _version(), "entries": merged})
        replace_quietly(path, text)
    _entries()[key] = value


def _days(value: Any) -> dict[dt.date, str] | None:
    """A cached year's days, or None when the entry is not of the shape written."""
    if not isinstance(value, list):
        return None
    out: dict[dt.date, str] = {}
    for item in value:
        match item:
            case [str(day), str(name)]:
                try:
                    out[dt.date.fromisoformat(day)] = name
                except ValueError:
                    return None
            case _:
                return None
    return out


def holidays_of(country: str, subdivision: str | None, year: int) -> dict[dt.date, str]:
    """Public holidays (observed days included) of a country/subdivision in one year, with
    their names, in the order the `holidays` package gives them."""
    key = _key("days", country, subdivision, year)
    cached = _days(_entries().get(key))
    if cached is not None:
        return cached
    import holidays

    with warnings.catch_warnings():  # a year it does not know: see ``years_unknown``
        warnings.simplefilter("ignore")
        found = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=True)
    days = {day: str(name) for day, name in found.items()}
    _store(key, [[d.isoformat(), n] for d, n in days.items()])
    return days


def years_unknown(country: str, subdivision: str | None, first: int, last: int) -> str | None:
    """What the `holidays` package warns it does not know of the years ``first``..``last``
    (e.g. 'Requested Holidays are available only from 2001 to 2035'), or None."""
    key = _key("gap", country, subdivision, first, last)
    entries = _entries()
    if key in entries and (entries[key] is None or isinstance(entries[key], str)):
        cached: str | None = entries[key]
        return cached
    import holidays

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        holidays.country_holidays(
            country, subdiv=subdivision, years=range(first, last + 1), observed=True
        )
    gap = str(caught[0].message).rstrip(".") if caught else None
    _store(key, gap)
    return gap


def region_problem(country: str, subdivision: str | None) -> str | None:
    """None when the `holidays` package knows the country and subdivision; else what is wrong."""
    key = _key("region", country, subdivision)
    entries = _entries()
    if key in entries and (entries[key] is None or isinstance(entries[key], str)):
        cached: str | None = entries[key]
        return cached
    import holidays

    if country not in holidays.registry.EntityLoader.get_country_codes():
        problem: str | None = f"unknown holidays country '{country}'"
    elif subdivision is not None and subdivision not in getattr(holidays, country).subdivisions:
        problem = f"unknown subdivision '{subdivision}' of country '{country}'"
    else:
        problem = None
    _store(key, problem)
    return problem
