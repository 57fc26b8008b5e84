"""Load the files a command works on: the capacity file, its bookings, deal files.

Every problem found is located (file:line:column); loaders raise ``InputError`` with all
of them, ``validate_workspace`` returns them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from feasibility.errors import InputError, Problem
from feasibility.io.yamlio import Document, load_file
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.validation.crossref import check_capacity
from feasibility.validation.schema import did_you_mean, validate_document

CAPACITY_ENV = "FEASIBILITY_CAPACITY"
DEFAULT_CAPACITY = Path("capacity.yaml")


def capacity_path(option: Path | None) -> Path:
    """The capacity file: the option, else ``$FEASIBILITY_CAPACITY``, else ./capacity.yaml."""
    if option is not None:
        return option
    env = os.environ.get(CAPACITY_ENV)
    return Path(env) if env else DEFAULT_CAPACITY


@dataclass(frozen=True)
class LoadedCapacity:
    """A valid capacity file with its parsed document."""

    path: Path
    doc: Document
    model: CapacityFile

    @property
    def bookings_dir(self) -> Path:
        """The bookings folder, relative to the capacity file."""
        return self.path.parent / self.model.bookings


@dataclass(frozen=True)
class LoadedDeal:
    """A valid deal (or booking) file with its parsed document."""

    path: Path
    doc: Document
    deal: Deal


@dataclass
class Workspace:
    """The capacity file and every booking, loaded and valid."""

    capacity: LoadedCapacity
    bookings: list[LoadedDeal] = field(default_factory=list)

    @property
    def booked_deals(self) -> list[Deal]:
        """The booked deals (any order; the engine sorts them)."""
        return [b.deal for b in self.bookings]


def read_capacity(path: Path) -> tuple[LoadedCapacity | None, list[Problem]]:
    """The capacity file, or None with every problem in it."""
    try:
        doc = load_file(path)
    except InputError as exc:
        return None, list(exc.problems)
    return capacity_from_document(doc, path)


def read_deal(
    path: Path, capacity: LoadedCapacity | None, *, booking: bool = False
) -> tuple[LoadedDeal | None, list[Problem]]:
    """A deal file checked against the capacity model, or None with every problem."""
    try:
        doc = load_file(path)
    except InputError as exc:
        return None, list(exc.problems)
    deal, problems = validate_document(doc, Deal)
    if deal is None:
        return None, problems
    problems = deal_references(doc, deal, capacity.model) if capacity else []
    if booking:
        problems += _booking_problems(path, doc, deal)
    return (None if problems else LoadedDeal(path, doc, deal)), problems


def deal_references(doc: Document, deal: Deal, model: CapacityFile) -> list[Problem]:
    """Lines whose offering or features the model does not have."""
    offerings = {o.id: o for o in model.offerings}
    out: list[Problem] = []
    for i, line in enumerate(deal.lines):
        offering = offerings.get(line.offering)
        if offering is None:
            line_no, col = doc.where(("lines", i, "offering"))
            hint = did_you_mean(line.offering, list(offerings)) or "; check the capacity file"
            msg = f"lines[{i}].offering: unknown offering '{line.offering}'{hint}"
            out.append(Problem(doc.file, line_no, col, msg))
            continue
        for k, f in enumerate(line.features):
            if f not in offering.features:
                line_no, col = doc.where(("lines", i, "features", k))
                hint = did_you_mean(f, list(offering.features)) or "; remove it or ask ops"
                msg = f"lines[{i}].features[{k}]: {offering.id} has no feature '{f}'{hint}"
                out.append(Problem(doc.file, line_no, col, msg))
    return out


def _booking_problems(path: Path, doc: Document, deal: Deal) -> list[Problem]:
    out: list[Problem] = []
    if deal.booking is None:
        msg = (
            "a booking needs a 'booking:' block (booked_on, by); book deals with 'feasibility book'"
        )
        out.append(Problem(doc.file, 1, 1, msg))
    if path.stem != deal.id:
        line, col = doc.where(("id",))
        msg = f"id '{deal.id}' does not match the file name '{path.name}'; rename one of them"
        out.append(Problem(doc.file, line, col, msg))
    return out


def booking_files(capacity: LoadedCapacity) -> tuple[list[Path], list[Problem]]:
    """The booking files, or the problem with the bookings folder itself."""
    folder = capacity.bookings_dir
    where = capacity.doc.where(("bookings",))
    base = capacity.path.parent.resolve()
    if not folder.exists():
        return [], []
    real = folder.resolve()
    if real != base and base not in real.parents:
        msg = f"bookings folder '{capacity.model.bookings}' is outside the capacity file's folder"
        return [], [Problem(capacity.doc.file, *where, msg + "; keep it beside capacity.yaml")]
    if not folder.is_dir():
        msg = f"bookings '{capacity.model.bookings}' is not a folder"
        return [], [Problem(capacity.doc.file, *where, msg)]
    files = sorted(
        p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and not p.name.startswith(".")
    )
    return files, []


def read_bookings(capacity: LoadedCapacity) -> tuple[list[LoadedDeal], list[Problem]]:
    """Every booking file, each checked; duplicate ids are problems."""
    files, problems = booking_files(capacity)
    loaded: list[LoadedDeal] = []
    seen: dict[str, Path] = {}
    for path in files:
        if path.is_symlink():
            problems.append(Problem(str(path), 1, 1, "a booking file may not be a symlink"))
            continue
        booking, found = read_deal(path, capacity, booking=True)
        problems += found
        if booking is None:
            continue
        if booking.deal.id in seen:
            msg = f"booking id '{booking.deal.id}' is also booked in {seen[booking.deal.id]}"
            problems.append(Problem(str(path), *booking.doc.where(("id",)), msg))
        seen.setdefault(booking.deal.id, path)
        loaded.append(booking)
    return loaded, problems


def load_workspace(path: Path) -> Workspace:
    """The capacity file and its bookings; raises ``InputError`` listing every problem.

    A broken booking stops the load: ignoring it would overstate capacity.
    """
    capacity, problems = read_capacity(path)
    if capacity is None:
        raise InputError(problems)
    bookings, problems = read_bookings(capacity)
    if problems:
        raise InputError(problems)
    return Workspace(capacity, bookings)


def load_deals(paths: Sequence[Path]) -> list[LoadedDeal]:
    """Deal files (schema only: unknown offerings are verdicts of ``check``)."""
    loaded: list[LoadedDeal] = []
    problems: list[Problem] = []
    for p in paths:
        deal, found = read_deal(p, None)
        problems += found
        if deal is not None:
            loaded.append(deal)
    if problems:
        raise InputError(problems)
    return loaded


def today() -> dt.date:
    """The default check date."""
    return dt.date.today()


def capacity_from_document(
    doc: Document, path: Path
) -> tuple[LoadedCapacity | None, list[Problem]]:
    """A capacity file parsed elsewhere (e.g. an old version read from git), validated like
    ``read_capacity``; ``path`` is where the file stands (its bookings folder is beside it)."""
    model, problems = validate_document(doc, CapacityFile)
    if model is None:
        return None, problems
    problems = check_capacity(doc, model)
    return (None if problems else LoadedCapacity(path, doc, model)), problems
