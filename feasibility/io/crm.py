"""What CRM exports look like: presets of column names and the dates they write.

Plain data and text functions only; reading the CSV itself is ``io.pipeline_csv``'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from feasibility.errors import UsageError

FIELDS = ("id", "customer", "owner", "start", "offering", "quantity", "due", "features")
"""Fields a row may give; each is read from the column of the same name unless mapped."""


class Preset(StrEnum):
    """CRM exports whose standard columns `pipeline --preset` knows."""

    salesforce = "salesforce"
    hubspot = "hubspot"


@dataclass(frozen=True)
class ExportFormat:
    """How to read one export: the headers each field may stand under (the first found
    wins), and the strptime format of its dates (None: ISO, optionally with a time)."""

    headers: Mapping[str, tuple[str, ...]]
    date_format: str | None = None
    preset: Preset | None = None


_SALESFORCE = {
    "id": ("Opportunity ID",),
    "customer": ("Account Name",),
    "owner": ("Opportunity Owner",),
    "offering": ("Product Name", "Product"),
    "due": ("Close Date",),
}
"""A Salesforce opportunity report ("Opportunities with Products" gives the product and its
quantity; Amount and Stage are not needed)."""
_HUBSPOT = {
    "id": ("Record ID",),
    "customer": ("Associated Company",),
    "owner": ("Deal owner",),
    "offering": ("Product", "Product Name"),
    "due": ("Close Date",),
}
"""A HubSpot deals export (the product as a deal property or its first line item)."""
PRESETS: dict[Preset, tuple[dict[str, tuple[str, ...]], str | None]] = {
    Preset.salesforce: (_SALESFORCE, "%m/%d/%Y"),
    Preset.hubspot: (_HUBSPOT, None),
}
"""Each preset's headers and its usual date format (Salesforce writes the US form by
default; HubSpot writes ``2027-03-12 00:00``, which ISO reading accepts)."""


def likely_preset(headers: list[str]) -> Preset | None:
    """The preset whose id column the headers have (the export is likely that CRM's)."""
    keys = {h.casefold() for h in headers}
    return next((p for p, (named, _) in PRESETS.items() if named["id"][0].casefold() in keys), None)


def export_format(
    preset: Preset | None, columns: Mapping[str, str], date_format: str | None
) -> ExportFormat:
    """The format given by a preset, ``--column`` mappings (which win) and
    ``--date-format`` (which wins over the preset's)."""
    if date_format is not None and not re.search("%[a-zA-Z]", date_format):
        raise UsageError(
            f"--date-format '{date_format}': write a strptime format, e.g. %m/%d/%Y or %d.%m.%Y"
        )
    named, usual = PRESETS[preset] if preset else ({}, None)
    headers = {f: (columns[f],) if f in columns else (*named.get(f, ()), f) for f in FIELDS}
    return ExportFormat(headers, date_format or usual, preset)


_ISO = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
)
_SLASHED = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}")
_DOTTED = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}")


def iso_date(text: str, date_format: str | None) -> str:
    """The date ``text`` names, as YYYY-MM-DD (the deal model then checks it is a real
    day); ``ValueError`` with what to change when it is not written as expected."""
    if date_format is None:
        found = _ISO.fullmatch(text)
        if found:
            return found.group(1)
        raise ValueError(f"'{text}' is not a YYYY-MM-DD date; {_format_hint(text)}")
    try:
        return dt.datetime.strptime(text, date_format).date().isoformat()
    except ValueError:
        raise ValueError(
            f"'{text}' does not match --date-format {date_format}; fix the value or the format"
        ) from None


def _format_hint(text: str) -> str:
    if _SLASHED.fullmatch(text):
        return "give the export's format with --date-format %m/%d/%Y (or %d/%m/%Y)"
    if _DOTTED.fullmatch(text):
        return "give the export's format with --date-format %d.%m.%Y"
    return "give the export's format with --date-format, e.g. %m/%d/%Y"
