"""`replan` output: text for people, JSON, markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from feasibility.engine.commitments import Replanned
from feasibility.render.json_out import SCHEMA_VERSION, dumps
from feasibility.render.text import indented
from feasibility.safe import markdown as cell
from feasibility.safe import terminal
from feasibility.wording import plural


def _date(day: dt.date | None) -> str:
    return str(day) if day is not None else "not within the horizon"


def _why(r: Replanned) -> str:
    if r.outcome.status == "planned":
        return "it held no plan"
    if not r.outcome.misfits:
        return "named"
    more = len(r.outcome.misfits) - 1
    return r.outcome.misfits[0].message + (f" (and {more} more)" if more else "")


def _lines(r: Replanned) -> list[str]:
    out = []
    for b in r.outcome.lines:
        was = f"{_date(r.before[b.line])} → " if b.line in r.before else ""
        due = f" (due {b.due}{', late' if b.broken else ''})" if b.due else ""
        out.append(f"line {b.line}: {was}{_date(b.delivered)}{due}")
    return out


def summary(results: Sequence[Replanned], written: Sequence[Path] | None) -> str:
    """How many bookings were re-planned, and whether the plans were recorded."""
    changed = [r for r in results if r.changed]
    n = len(changed)
    head = f"{n} of {len(results)} {'booking' if len(results) == 1 else 'bookings'} re-planned"
    if not changed:
        return f"every plan fits: nothing to re-plan ({plural(len(results), 'booking')} checked)"
    if written is None:
        return f"{head}; nothing written: run with --write to record the new plans"
    return f"{head}; written: {', '.join(str(p) for p in written)}"


def replan_text(
    results: Sequence[Replanned], as_of: dt.date, written: Sequence[Path] | None
) -> RenderableType:
    """Each re-planned booking, why, and its lines' dates before and after."""
    out: list[RenderableType] = [Text(f"Re-planned as of {as_of}", style="bold")]
    for r in results:
        if not r.changed:
            continue
        deal = r.outcome.deal
        owner = f" · {deal.owner}" if deal.owner else ""
        out.append(indented(terminal(f"{deal.id} · {deal.customer}{owner}"), 2))
        out.append(indented(terminal(f"why: {_why(r)}"), 4))
        out += [indented(terminal(line), 4) for line in _lines(r)]
    out.append(terminal(summary(results, written)))
    return Group(*out)


def replan_json(
    results: Sequence[Replanned], as_of: dt.date, written: Sequence[Path] | None
) -> str:
    """``{"schema_version", "as_of", "bookings": [...], "written"}``."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of,
        "bookings": [
            {
                "deal": r.outcome.deal.id,
                "owner": r.outcome.deal.owner,
                "status": r.outcome.status,
                "misfits": [m.message for m in r.outcome.misfits],
                "lines": [
                    {
                        "line": b.line,
                        "due": b.due,
                        "before": r.before.get(b.line),
                        "after": b.delivered,
                        "broken": b.broken,
                    }
                    for b in r.outcome.lines
                ],
            }
            for r in results
        ],
        "written": None if written is None else [str(p) for p in written],
    }
    return dumps(data)


def replan_markdown(
    results: Sequence[Replanned], as_of: dt.date, written: Sequence[Path] | None
) -> str:
    """A table of the re-planned bookings, for a pull request or a chat."""
    rows = [
        f"| {cell(r.outcome.deal.id)} | {cell(r.outcome.deal.owner or '')} | {cell(_why(r))} "
        f"| {cell('; '.join(_lines(r)))} |"
        for r in results
        if r.changed
    ]
    head = [f"**feasibility replan** as of {as_of}", ""]
    if rows:
        head += ["| booking | owner | why | dates |", "|---|---|---|---|", *rows, ""]
    return "\n".join([*head, cell(summary(results, written))]) + "\n"
