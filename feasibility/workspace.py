"""Load the files a command works on: the capacity file, its bookings, deal files.

Every problem found is located (file:line:column); loaders raise ``InputError`` with all
of them, ``validate_workspace`` returns them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePath

from feasibility.engine.held import paused_gc
from feasibility.errors import InputError, Problem, UsageError
from feasibility.io.yamlio import MAX_PROBLEMS, Document, load_file, load_files
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.validation.bounds import work_problem
from feasibility.validation.crossref import check_capacity
from feasibility.validation.schema import did_you_mean, validate_document

CAPACITY_ENV = "FEASIBILITY_CAPACITY"
DEFAULT_CAPACITY = Path("capacity.yaml")


def capacity_path(option: Path | None) -> Path:
    """The capacity file: the option, else ``$FEASIBILITY_CAPACITY``, else the nearest
    capacity.yaml in the current folder or a folder above it (as git finds its folder);
    ``UsageError`` saying where it looked when there is none."""
    if option is not None:
        return option
    env = os.environ.get(CAPACITY_ENV)
    if env:
        return Path(env)
    here = Path.cwd()
    found = find_capacity(here)
    if found is None:
        raise UsageError(
            f"no {DEFAULT_CAPACITY} in {here} or any folder above it; give the capacity file "
            f"with --capacity FILE or set {CAPACITY_ENV}"
        )
    return found


def find_capacity(start: Path) -> Path | None:
    """capacity.yaml in ``start`` (as ``capacity.yaml``) or in the nearest folder above it
    (as a path from ``start``, e.g. ``../../capacity.yaml``), or None."""
    for up, folder in enumerate((start, *start.parents)):
        if (folder / DEFAULT_CAPACITY).is_file():
            return Path(*[os.pardir] * up, DEFAULT_CAPACITY)
    return None


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
    path: Path,
    capacity: LoadedCapacity | None,
    *,
    booking: bool = False,
    like: LoadedDeal | None = None,
) -> tuple[LoadedDeal | None, list[Problem]]:
    """A deal file checked against the capacity model (when given), or None with every
    problem. ``like``: the file as read before (e.g. for the other version of `impact`);
    when its text is the same, its deal is taken, neither parsed nor validated again."""
    try:
        doc = load_file(path, like=like.doc if like else None)
    except InputError as exc:
        return None, list(exc.problems)
    known = like.deal if like is not None and doc.same_text(like.doc) else None
    return deal_from_document(doc, path, capacity, booking=booking, known=known)


def deal_from_document(
    doc: Document,
    path: Path,
    capacity: LoadedCapacity | None,
    *,
    booking: bool = False,
    known: Deal | None = None,
) -> tuple[LoadedDeal | None, list[Problem]]:
    """A deal parsed elsewhere (e.g. a booking read from git), validated like ``read_deal``;
    ``path`` is where the file stands (a booking's name must be its id). Without
    ``capacity``, offerings and features are not looked up. ``known``: the deal ``doc``'s
    data was validated as before (not validated again)."""
    deal, problems = (known, []) if known is not None else validate_document(doc, Deal)
    if deal is None:
        message = CAPACITY_AS_BOOKING if booking else AS_CAPACITY
        return None, _wrong_kind(doc, CAPACITY_KEYS, DEAL_KEYS, message) or problems
    problems = deal_references(doc, deal, capacity.model) if capacity else []
    if booking:
        problems += _booking_problems(path, doc, deal)
    # The deal holds what the data said: the document keeps only its text (for positions),
    # which at 10,000 bookings is a third of what the data would take.
    return (None if problems else LoadedDeal(path, doc.released(), deal)), problems


CAPACITY_KEYS = ("resources", "offerings", "calendar", "materials", "reservations", "policy")
"""Top-level keys only a capacity file has."""
DEAL_KEYS = ("lines", "customer", "owner")
"""Top-level keys only a deal file has."""
AS_CAPACITY = (
    "this is a capacity file (it has '{key}'), not a deal: give it with --capacity FILE "
    "(or $FEASIBILITY_CAPACITY) and give deal files as arguments"
)
CAPACITY_AS_BOOKING = (
    "this is a capacity file (it has '{key}'), not a booking: move it out of the bookings folder"
)
AS_DEAL = (
    "this is a deal file (it has '{key}'), not a capacity file: give it as a DEAL argument and "
    "the capacity file with --capacity FILE (or $FEASIBILITY_CAPACITY)"
)


def _wrong_kind(
    doc: Document, theirs: tuple[str, ...], ours: tuple[str, ...], message: str
) -> list[Problem]:
    """One problem saying what kind of file ``doc`` is, when its top-level keys are those
    of the other kind (``theirs``) and none of this kind's (``ours``); else none."""
    keys = doc.data if isinstance(doc.data, dict) else {}
    found = [k for k in theirs if k in keys]
    if not found or any(k in keys for k in ours):
        return []
    line, column = doc.where((found[0],), prefer_key=True)
    return [Problem(doc.file, line, column, message.format(key=found[0]))]


def deal_references(doc: Document, deal: Deal, model: CapacityFile) -> list[Problem]:
    """Lines whose offering or features the model does not have (the first ``MAX_PROBLEMS``,
    then one saying there are more), and a deal asking for too much work."""
    too_much = work_problem(doc.file, doc.where, deal, model)
    found = [too_much] if too_much else []
    found += islice(_unknown_references(doc, deal, model), MAX_PROBLEMS + 1)
    if len(found) > MAX_PROBLEMS:
        more = found[MAX_PROBLEMS]
        found[MAX_PROBLEMS] = Problem(
            doc.file, more.line, more.column, "too many problems; fix these first"
        )
    return found


def _unknown_references(doc: Document, deal: Deal, model: CapacityFile) -> Iterator[Problem]:
    offerings = {o.id: o for o in model.offerings}
    for i, line in enumerate(deal.lines):
        offering = offerings.get(line.offering)
        if offering is None:
            line_no, col = doc.where(("lines", i, "offering"))
            hint = did_you_mean(line.offering, list(offerings)) or "; check the capacity file"
            msg = f"lines[{i}].offering: unknown offering '{line.offering}'{hint}"
            yield Problem(doc.file, line_no, col, msg)
            continue
        for k, f in enumerate(line.features):
            if f not in offering.features:
                line_no, col = doc.where(("lines", i, "features", k))
                hint = did_you_mean(f, list(offering.features)) or "; remove it or ask ops"
                msg = f"lines[{i}].features[{k}]: {offering.id} has no feature '{f}'{hint}"
                yield Problem(doc.file, line_no, col, msg)


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


MAX_FOLDER_PARTS = 16
"""Most parts ('a/b/c' has three) the bookings folder's path may have."""
MAX_FOLDER_CHARS = 255
"""Longest bookings folder path, in characters."""
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _at_bookings(capacity: LoadedCapacity, message: str) -> Problem:
    """``message`` about the capacity file's ``bookings`` key, at its position (looked up
    only when there is a problem: it takes a scan of the file's events)."""
    return Problem(capacity.doc.file, *capacity.doc.where(("bookings",)), message)


def bookings_problem(capacity: LoadedCapacity, *, missing_ok: bool = False) -> Problem | None:
    """Why the capacity file's bookings folder cannot be used, or None.

    It must be a plain relative path to a folder beside the capacity file (a subfolder, not
    the capacity file's own folder) that does not lead out of it, through ``..`` or a
    symlink. With ``missing_ok``, a folder that does not exist only has to be well named.
    """
    name = capacity.model.bookings
    bad = _CONTROL.search(name)
    if bad is not None:
        message = f"character U+{ord(bad.group()):04X} in the bookings folder's name"
        return _at_bookings(capacity, f"{message}; use a plain folder name")
    parts = len(PurePath(name).parts)
    if len(name) > MAX_FOLDER_CHARS or parts > MAX_FOLDER_PARTS:
        message = (
            f"bookings folder path is too long ({len(name)} characters, {parts} parts; limits "
            f"{MAX_FOLDER_CHARS} and {MAX_FOLDER_PARTS}); keep it beside capacity.yaml"
        )
        return _at_bookings(capacity, message)
    folder = capacity.bookings_dir
    try:
        if missing_ok and not os.path.lexists(folder):
            return None
        base = capacity.path.parent.resolve()
        real = folder.resolve()
    except (OSError, RuntimeError) as error:  # too long a name, a symlink loop
        reason = getattr(error, "strerror", None) or str(error)
        message = f"bookings folder '{name}' cannot be used ({reason}); fix the path"
        return _at_bookings(capacity, message)
    if real == base:
        message = (
            f"bookings folder '{name}' is the capacity file's own folder; "
            "use a subfolder such as 'bookings'"
        )
        return _at_bookings(capacity, message)
    if base not in real.parents:
        how = "is" if ".." in PurePath(name).parts or PurePath(name).is_absolute() else "leads"
        link = "" if how == "is" else " (through a symlink)"
        message = (
            f"bookings folder '{name}' {how} outside the capacity file's folder{link}; "
            "keep it beside capacity.yaml"
        )
        return _at_bookings(capacity, message)
    return None


def booking_files(capacity: LoadedCapacity) -> tuple[list[Path], list[Problem]]:
    """The booking files, or the problem with the bookings folder itself."""
    names, problems = booking_names(capacity)
    folder = capacity.bookings_dir
    return [folder / name for name in names], problems


def is_booking_name(name: str) -> bool:
    """Whether a file of the bookings folder is read as a booking (``.yaml`` or ``.yml``,
    not a dot file: a temporary file or the lock)."""
    return name.endswith((".yaml", ".yml")) and not name.startswith(".")


def _booking_entries(capacity: LoadedCapacity) -> tuple[list[os.DirEntry[str]], list[Problem]]:
    """The booking files' entries in one pass over the folder (as ``os.scandir`` gives
    them), or the problem with the bookings folder itself."""
    problem = bookings_problem(capacity, missing_ok=True)
    if problem is not None:
        return [], [problem]
    folder = capacity.bookings_dir
    try:
        if not folder.exists():
            return [], []
        if not folder.is_dir():
            msg = f"bookings '{capacity.model.bookings}' is not a folder"
            return [], [_at_bookings(capacity, msg)]
        with os.scandir(folder) as entries:
            return [e for e in entries if is_booking_name(e.name)], []
    except OSError as error:
        msg = (
            f"cannot read the bookings folder '{capacity.model.bookings}': "
            f"{error.strerror or error}; check its permissions"
        )
        return [], [_at_bookings(capacity, msg)]


def booking_names(capacity: LoadedCapacity) -> tuple[list[str], list[Problem]]:
    """The names of the booking files, in the order they are read (as paths of one
    folder sort), or the problem with the bookings folder itself."""
    entries, problems = _booking_entries(capacity)
    return sorted((e.name for e in entries), key=os.path.normcase), problems


def booking_stats(capacity: LoadedCapacity) -> dict[str, tuple[int, int, int]] | None:
    """Each booking file's size, modification time (ns) and inode, by name, from the same
    pass over the folder (None: the folder, or a file in it, cannot be used or read; a
    folder that does not exist has none)."""
    entries, problems = _booking_entries(capacity)
    if problems:
        return None
    try:
        stats = [(e.name, e.stat(follow_symlinks=False)) for e in entries]
    except OSError:
        return None
    return {n: (st.st_size, st.st_mtime_ns, st.st_ino) for n, st in stats}


def _not_a_booking_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a booking (a symlink, a pipe or device), or None."""
    try:
        mode = path.lstat().st_mode
    except OSError as error:
        return f"cannot read: {error.strerror or error}; check the path and its permissions"
    if stat.S_ISLNK(mode):
        return "a booking file may not be a symlink"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a folder gets "Is a directory"
        return "a booking must be a regular file (this is a pipe, socket or device); remove it"
    return None


def read_bookings(
    capacity: LoadedCapacity, *, references: bool = True, known: Sequence[LoadedDeal] = ()
) -> tuple[list[LoadedDeal], list[Problem]]:
    """Every booking file, each checked (``references``: its offerings and features looked
    up in the capacity file too); duplicate ids are problems. ``known``: bookings read
    before, whose deals are shared by the files of the same path and text (``read_deal``)."""
    with paused_gc():
        return _read_bookings(capacity, references=references, known=known)


def _read_bookings(
    capacity: LoadedCapacity, *, references: bool, known: Sequence[LoadedDeal]
) -> tuple[list[LoadedDeal], list[Problem]]:
    before = {b.path: b for b in known}
    files, problems = booking_files(capacity)
    refusals = {path: _not_a_booking_file(path) for path in files}
    fresh = load_files([p for p in files if refusals[p] is None and p not in before])
    model = capacity if references else None
    loaded: list[LoadedDeal] = []
    seen: dict[str, Path] = {}
    for path in files:
        refused = refusals[path]
        if refused is not None:
            problems.append(Problem(str(path), 1, 1, refused))
            continue
        like = before.get(path)
        if like is not None:
            booking, found = read_deal(path, model, booking=True, like=like)
        else:
            doc = next(fresh)
            if isinstance(doc, InputError):
                problems += doc.problems
                continue
            booking, found = deal_from_document(doc, path, model, booking=True)
        problems += found
        if booking is None:
            continue
        if booking.deal.id in seen:
            msg = f"booking id '{booking.deal.id}' is also booked in {seen[booking.deal.id]}"
            problems.append(Problem(str(path), *booking.doc.where(("id",)), msg))
        seen.setdefault(booking.deal.id, path)
        loaded.append(booking)
    return loaded, problems


def load_workspace(
    path: Path, *, references: bool = True, known: Sequence[LoadedDeal] = ()
) -> Workspace:
    """The capacity file and its bookings; raises ``InputError`` listing every problem.

    A broken booking stops the load: ignoring it would overstate capacity. Without
    ``references``, a booked line whose offering or feature the capacity file lacks is
    no problem (`impact`'s old version: the line could not be booked there). ``known``:
    as ``read_bookings``'s (`impact`'s old version, whose unchanged bookings are shared).
    """
    capacity, problems = read_capacity(path)
    if capacity is None:
        raise InputError(problems)
    bookings, problems = read_bookings(capacity, references=references, known=known)
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


TODAY_ENV = "FEASIBILITY_TODAY"
"""Pins "today" (YYYY-MM-DD) for tests and reproducible examples: the default check date,
and the day `book` records as ``booked_on`` and refuses check dates before."""


def today() -> dt.date:
    """Today: the clock's date, or ``$FEASIBILITY_TODAY`` when set."""
    pinned = os.environ.get(TODAY_ENV)
    if not pinned:
        return dt.date.today()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", pinned) is None:
            raise ValueError(pinned)
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise UsageError(f"${TODAY_ENV}: '{pinned}' is not a date; use YYYY-MM-DD") from None


def capacity_from_document(
    doc: Document, path: Path
) -> tuple[LoadedCapacity | None, list[Problem]]:
    """A capacity file parsed elsewhere (e.g. an old version read from git), validated like
    ``read_capacity``; ``path`` is where the file stands (its bookings folder is beside it)."""
    model, problems = validate_document(doc, CapacityFile)
    if model is None:
        return None, _wrong_kind(doc, DEAL_KEYS, CAPACITY_KEYS, AS_DEAL) or problems
    problems = check_capacity(doc, model)
    return (None if problems else LoadedCapacity(path, doc, model)), problems
