"""Read a CRM export (CSV) of deal lines into deals, locating every problem.

One row is one deal line; rows with the same id form one deal, its lines in row order.
Each deal is validated by the same pydantic model as a deal file, so the same rules apply;
every problem is reported at file:line:column, where line is the file's line of the row
and column the 1-based number of the CSV field (as a spreadsheet counts columns).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feasibility.errors import InputError, Problem, UsageError
from feasibility.io.yamlio import MAX_BYTES, MAX_PROBLEMS, Document, Path_
from feasibility.models.deal import Deal
from feasibility.validation.schema import did_you_mean, validate_document

FIELDS = ("id", "customer", "owner", "start", "offering", "quantity", "due", "features")
"""Fields a row may give; each is read from the column of the same name unless mapped."""
REQUIRED = ("id", "customer", "offering", "quantity")
"""Columns every export must have, with a value in every row."""
DEAL_FIELDS = ("customer", "owner", "start")
"""Fields of the deal rather than the line: every row of a deal must agree on them."""
FEATURE_SEPARATOR = re.compile(r"[;|]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no value may hold (tab and line breaks may: quoted values span lines)."""
Pos = tuple[int, int]
MAX_COLUMNS = 200
"""Most columns a header may have (CRM exports of every field run to about a hundred)."""
MAX_HEADER_CHARS = 200
"""Longest column name, in characters."""
MAX_ROWS = 20_000
"""Most deal lines (rows) one export may hold."""
LISTED = 20
"""Most column names a message lists."""


@dataclass(frozen=True)
class CsvDeal:
    """A deal read from the export, with the file line of its first row."""

    deal: Deal
    line: int


def parse_columns(specs: Sequence[str]) -> dict[str, str]:
    """``--column FIELD=HEADER`` options as {field: header}; a bad one is a usage error."""
    out: dict[str, str] = {}
    for spec in specs:
        name, sep, header = spec.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not header:
            raise UsageError(f"--column '{spec}': write FIELD=HEADER, e.g. id='Opportunity ID'")
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS) or f" (fields: {', '.join(FIELDS)})"
            raise UsageError(f"--column '{spec}': unknown field '{name}'{hint}")
        out[name] = header
    return out


def read_pipeline(path: Path, columns: Mapping[str, str] | None = None) -> list[CsvDeal]:
    """The deals of a CSV export, in order of first appearance.

    ``columns`` maps fields to header names (default: the field's own name; headers match
    case-insensitively). Raises ``InputError`` with every problem found.
    """
    name = str(path)
    text = _read_text(path, name)
    reader = _Reader(name, dict(columns or {}))
    reader.read(text)
    if reader.problems:
        raise InputError(sorted(reader.problems)[:MAX_PROBLEMS])
    return reader.deals


def _read_text(path: Path, name: str) -> str:
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        problem = Problem(name, 1, 1, f"cannot read: {reason}; check the path and its permissions")
        raise InputError([problem]) from None
    if max(size, len(data)) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        message = f"file is larger than {limit} MiB; split the export"
        raise InputError([Problem(name, 1, 1, message)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        message = f"not UTF-8 (byte 0x{byte:02x}); export the CSV as UTF-8"
        raise InputError([Problem(name, line, 1, message)]) from None


@dataclass
class _Draft:
    """A deal being assembled from its rows: plain data and where each value stands."""

    first: Pos
    data: dict[str, Any]
    values: dict[Path_, Pos]
    headers: dict[Pos, str] = field(default_factory=dict)


class _Reader:
    """Turns the rows of one file into deals, collecting every problem."""

    def __init__(self, name: str, columns: dict[str, str]) -> None:
        self.name = name
        self.columns = columns
        self.problems: list[Problem] = []
        self.deals: list[CsvDeal] = []
        self.index: dict[str, int] = {}
        self.headers: list[str] = []

    def add(self, line: int, column: int, message: str) -> None:
        """Record one problem at a row's line and a field's column."""
        self.problems.append(Problem(self.name, line, column, message))

    def read(self, text: str) -> None:
        """Parse the header, then every row; then validate each deal."""
        drafts: dict[str, _Draft] = {}
        rows, rows_read = _records(text), 0
        try:
            for line, record in rows:
                if not any(cell.strip() for cell in record):
                    continue  # blank lines, and rows of empty cells, are no deal lines
                if not self.headers:
                    self.header(line, record)
                    if self.problems:
                        return
                elif (rows_read := rows_read + 1) > MAX_ROWS:
                    self.add(line, 1, f"more than {MAX_ROWS:,} rows; split the export")
                    break
                else:
                    self.row(line, record, drafts)
        except csv.Error as error:
            self.add(error.args[1] if len(error.args) > 1 else 1, 1, _csv_message(error))
        if not self.headers and not self.problems:
            self.add(1, 1, f"file is empty; expected a header row ({', '.join(FIELDS)})")
        elif not drafts and not self.problems:
            self.add(1, 1, "no deals: the file has a header but no rows")
        for draft in drafts.values():
            self.finish(draft)

    def header(self, line: int, record: list[str]) -> None:
        """Find the column of each field (a header too large is one problem, or one per
        name too long)."""
        self.headers = [cell.strip() for cell in record]
        if len(record) > MAX_COLUMNS:
            message = f"the header has {len(record):,} columns, more than {MAX_COLUMNS}"
            self.add(line, MAX_COLUMNS + 1, f"{message}; export only the columns to read")
            return
        for i, name in enumerate(self.headers):
            if len(name) > MAX_HEADER_CHARS:
                message = f"a column name of {len(name):,} characters, more than"
                self.add(line, i + 1, f"{message} {MAX_HEADER_CHARS}; shorten it")
        if self.problems:
            return
        keys = [h.casefold() for h in self.headers]
        for fld in FIELDS:
            wanted = self.columns.get(fld, fld)
            found = [i for i, k in enumerate(keys) if k == wanted.casefold()]
            if len(found) > 1:
                self.add(line, found[1] + 1, f"column '{wanted}' appears twice; rename one")
            elif found:
                self.index[fld] = found[0]
            elif fld in REQUIRED or fld in self.columns:
                hint = did_you_mean(wanted, self.headers) or f"; map it with --column {fld}=HEADER"
                rest = len(self.headers) - LISTED
                listed = ", ".join(self.headers[:LISTED]) + (
                    f" and {rest} more" if rest > 0 else ""
                )
                self.add(line, 1, f"no column '{wanted}' (found: {listed}){hint}")

    def row(self, line: int, record: list[str], drafts: dict[str, _Draft]) -> None:
        """One deal line: add it to its deal's draft."""
        if len(record) != len(self.headers):
            message = (
                f"row has {len(record)} fields, the header {len(self.headers)}; "
                "quote values that contain a comma"
            )
            self.add(line, min(len(record), len(self.headers)) + 1, message)
            return
        if self.control_characters(line, record):
            return
        cells = {f: (record[i].strip(), (line, i + 1)) for f, i in self.index.items()}
        empty = [f for f in REQUIRED if not cells[f][0]]
        for f in empty:
            self.add(*cells[f][1], f"{self.header_of(f)}: empty; every row needs a value for {f}")
        if empty:
            return
        deal_id = cells["id"][0]
        draft = drafts.get(deal_id)
        if draft is None:
            draft = drafts[deal_id] = _Draft((line, 1), {"id": deal_id, "lines": []}, {})
            draft.values[()] = (line, 1)
            self.put(draft, ("id",), "id", cells)
            for f in DEAL_FIELDS:
                if cells.get(f, ("", None))[0]:
                    self.put(draft, (f,), f, cells)
        else:
            self.agree(draft, deal_id, cells)
        n = len(draft.data["lines"])
        draft.data["lines"].append({})
        draft.values[("lines", n)] = (line, 1)
        for f in ("offering", "quantity", "due"):
            if cells.get(f, ("", None))[0]:
                self.put(draft, ("lines", n, f), f, cells)
        if cells.get("features", ("", None))[0]:
            text, pos = cells["features"]
            features = [p.strip() for p in FEATURE_SEPARATOR.split(text) if p.strip()]
            draft.data["lines"][n]["features"] = features
            draft.values[("lines", n, "features")] = pos
            draft.headers[pos] = self.header_of("features")

    def control_characters(self, line: int, record: list[str]) -> bool:
        """Report cells holding control characters (NUL and the like); True if any."""
        found = False
        for i, value in enumerate(record):
            bad = CONTROL.search(value)
            if bad:
                label = self.headers[i] or f"column {i + 1}"
                self.add(line, i + 1, f"{label}: control character U+{ord(bad[0]):04X}; remove it")
                found = True
        return found

    def put(self, draft: _Draft, path: Path_, fld: str, cells: dict[str, tuple[str, Pos]]) -> None:
        """Store a cell's value at ``path`` of the draft, remembering where it stands."""
        value, pos = cells[fld]
        node: Any = draft.data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        draft.values[path] = pos
        draft.headers[pos] = self.header_of(fld)

    def agree(self, draft: _Draft, deal_id: str, cells: dict[str, tuple[str, Pos]]) -> None:
        """Every row of a deal gives the same customer, owner and start."""
        for f in DEAL_FIELDS:
            if f not in cells:
                continue
            value, pos = cells[f]
            first = draft.data.get(f, "")
            if value != first:
                where = draft.values.get((f,), draft.first)[0]
                self.add(
                    *pos,
                    f"{self.header_of(f)}: '{value}' differs from '{first}' on line {where} "
                    f"for deal {deal_id}; every row of a deal must agree",
                )

    def finish(self, draft: _Draft) -> None:
        """Validate the draft as a deal; problems are located at their cells."""
        doc = Document(self.name, draft.data, draft.values)
        deal, problems = validate_document(doc, Deal)
        for p in problems:
            header = draft.headers.get((p.line, p.column))
            rest = p.message.split(": ", 1)[-1]
            self.add(p.line, p.column, f"{header}: {rest}" if header else p.message)
        if deal is not None:
            self.deals.append(CsvDeal(deal, draft.first[0]))

    def header_of(self, fld: str) -> str:
        """The header text of a field's column, as the file spells it."""
        return self.headers[self.index[fld]] or fld


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the file line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise csv.Error(str(error), reader.line_num or start) from None
        yield start, record


def _csv_message(error: csv.Error) -> str:
    text = str(error.args[0]) if error.args else "malformed CSV"
    return f"invalid CSV: {text}; check the quotes on this line"
