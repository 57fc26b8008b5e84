"""JSON output: stable, documented, versioned (README, "JSON output")."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from feasibility.engine.result import (
    CheckResult,
    Confidence,
    DealResult,
    Offer,
    Reason,
    WhyLink,
)

if TYPE_CHECKING:  # only named in annotations: `check` never imports the validate report
    from feasibility.validation.report import ValidationReport

SCHEMA_VERSION = 1
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff\ud800-\udfff]"
)
"""Characters JSON allows raw that end a line (U+0085, U+2028, U+2029), reorder or hide
text (C1 controls, bidi, zero-width) or cannot be encoded (lone surrogates of undecodable
file-name bytes): written as ``\\uXXXX`` escapes, the parsed value unchanged."""


def dumps(data: Any) -> str:
    """Compact-but-readable JSON with ISO dates, keys in insertion order; non-ASCII text
    raw except line separators, C1 controls, bidi and zero-width characters (escaped)."""
    text = json.dumps(data, indent=2, default=_default, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def check_json(result: CheckResult) -> str:
    """`check --format json` (SPEC)."""
    return dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "as_of": result.as_of,
            "deals": [deal_json(d) for d in result.deals],
        }
    )


def deal_json(d: DealResult) -> dict[str, Any]:
    """One deal's result as a JSON object."""
    return {
        "id": d.id,
        "customer": d.customer,
        "owner": d.owner,
        "verdict": d.verdict,
        "score": d.score,
        "score_cap": d.score if sum(vars(d.parts).values()) > d.score else None,
        "score_components": {
            "slack": d.parts.slack,
            "headroom": d.parts.headroom,
            "materials": d.parts.materials,
            "scope": d.parts.scope,
        },
        "earliest": d.earliest,
        "p_on_time": None if d.p_on_time is None else round(d.p_on_time, 4),
        "lines": [
            {
                "offering": ln.offering,
                "quantity": ln.quantity,
                "due": ln.due,
                "earliest": ln.earliest,
                "slack_days": ln.slack_days,
                "verdict": ln.verdict,
                "lower_bound": ln.lower_bound,
                "proven": ln.proven,
                "safe_date": ln.safe_date,
                "why": [why_json(link) for link in ln.why],
                "confidence": None if ln.confidence is None else confidence_json(ln.confidence),
            }
            for ln in d.lines
        ],
        "reasons": [reason_json(r) for r in d.reasons],
        "offers": [offer_json(o) for o in d.offers],
        "schedule": [
            {
                "line": s.line,
                "unit": s.unit,
                "step": s.step,
                "feature": s.feature,
                "start": s.start,
                "finish": s.finish,
                "uses": {r: round(a, 6) for r, a in s.uses.items()},
            }
            for s in d.schedule
        ],
    }


def confidence_json(c: Confidence) -> dict[str, Any]:
    """A line's sampled confidence (README, "Confidence")."""
    return {
        "samples": c.samples,
        "p_on_time": None if c.p_on_time is None else round(c.p_on_time, 4),
        "interval": None if c.interval is None else [round(x, 4) for x in c.interval],
        "p50": c.p50,
        "p80": c.p80,
        "p95": c.p95,
        "distribution": [{"date": day, "samples": k} for day, k in c.dates],
        "beyond_horizon": c.beyond,
    }


def why_json(link: WhyLink) -> dict[str, Any]:
    """A link of a line's chain: cause, dates, message, and what it concerns (only the
    fields that apply)."""
    out: dict[str, Any] = {
        "cause": link.cause, "start": link.start, "finish": link.finish, "message": link.message,
    }  # fmt: skip
    for key in ("step", "unit", "resource", "material"):
        value = getattr(link, key)
        if value is not None:
            out[key] = value
    if link.days_off:
        out["days_off"] = [{"date": day, "name": name} for day, name in link.days_off]
    return out


def reason_json(r: Reason) -> dict[str, Any]:
    """A reason: code, message, and what it concerns (only the fields that apply)."""
    out: dict[str, Any] = {"code": r.code, "message": r.message, "line": r.line}
    for key in ("resource", "material", "owner"):
        value = getattr(r, key)
        if value is not None:
            out[key] = value
    return out


def offer_json(o: Offer) -> dict[str, Any]:
    """An offer: its kind and the fields that apply to it."""
    out: dict[str, Any] = {"kind": o.kind}
    fields = (
        "line", "quantity", "date", "rest_date", "feature", "resource", "amount_per_day",
        "from_", "to", "material", "receipt_date", "needed_by", "owner",
    )  # fmt: skip
    for key in fields:
        value = getattr(o, key)
        if value is not None:
            out[key.rstrip("_")] = value
    if o.together:
        out["together"] = [
            {"resource": e.resource, "amount_per_day": e.amount_per_day, "owner": e.owner}
            for e in o.together
        ]
    out["message"] = o.message
    return out


def validate_json(report: ValidationReport, *, strict: bool) -> str:
    """`validate --format json` (SPEC)."""
    return dumps(
        {
            "valid": report.valid(strict=strict),
            "files": report.files,
            "problems": [
                {
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    "severity": p.severity,
                    "message": p.message,
                }
                for p in report.problems
            ],
        }
    )
