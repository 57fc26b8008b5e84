"""The bookings folder: book a deal (check, then write it atomically) and release it.

A booking is written to a temporary file ``.<id>.yaml.tmp-<random>`` in the bookings folder,
flushed to disk, then hard-linked to ``<id>.yaml``: the link fails when the name exists, so of
two writers exactly one wins, and the booking is there whole or not at all. ``--replace``
renames the temporary file over the old booking instead. Temporary files start with a dot, so
loading the bookings ignores any that a crash left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from feasibility.engine.check import check_deals
from feasibility.engine.commitments import build_plan
from feasibility.engine.plan import other_bookings
from feasibility.engine.result import CheckResult, DealResult
from feasibility.errors import ExitCode, InputError, StoreError, UsageError
from feasibility.io.yamlio import control_character, dump
from feasibility.models.capacity import CapacityFile
from feasibility.models.common import ID_MAX_LENGTH, ID_PATTERN
from feasibility.models.deal import Booking, Deal, HeldPlan
from feasibility.safe import visible
from feasibility.store.plan_text import plan_data, replace_plan
from feasibility.validation.schema import did_you_mean
from feasibility.workspace import (
    LoadedCapacity,
    Workspace,
    bookings_problem,
    read_bookings,
    read_capacity,
    today,
)

_UNDECODABLE = re.compile("[\ud800-\udfff]")
"""Lone surrogates: bytes of an argument that were not UTF-8 (Python's surrogateescape)."""
SUFFIXES = (".yaml", ".yml")
"""File names a booking may have; `book` writes ``.yaml``."""

HEADER = """\
# yaml-language-server: $schema=../schemas/deal.schema.json
#
# Written by `feasibility book`: a commitment. Remove it with `feasibility release {id}`.
"""


@dataclass(frozen=True)
class BookRequest:
    """How to book: who, for how long, and which verdicts to accept."""

    by: str
    """Who books it (recorded in the booking)."""
    hold_until: dt.date | None = None
    """A tentative hold that stops counting after this day."""
    accept_risk: bool = False
    """Book an at-risk deal."""
    force: bool = False
    """Book whatever the verdict; needs ``reason``."""
    reason: str | None = None
    """Why a deal that is not feasible is booked anyway (recorded as ``forced_reason``)."""
    replace: bool = False
    """Replace an existing booking of the same id."""


@dataclass(frozen=True)
class BookOutcome:
    """The check a booking rests on, and whether it was written (``path``) or refused."""

    check: CheckResult
    path: Path | None
    message: str
    exit_code: ExitCode

    @property
    def deal(self) -> DealResult:
        """The checked deal."""
        return self.check.deals[0]


LOCK_NAME = ".lock"
"""The lock file in the bookings folder (a dot file: loading ignores it)."""
LOCK_TIMEOUT = 120.0
"""Seconds a `book`, `release` or `replan --write` waits for another to finish."""


@contextlib.contextmanager
def bookings_lock(capacity: LoadedCapacity) -> Iterator[None]:
    """Hold the bookings folder's exclusive lock (waiting at most ``LOCK_TIMEOUT``): from
    reading the bookings to writing one, so that of two concurrent writers the second
    checks against what the first wrote."""
    folder = bookings_folder(capacity)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT)
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"another `feasibility` run has held {folder / LOCK_NAME} for over "
            f"{LOCK_TIMEOUT:g} s; nothing was written: wait for it to finish and try again"
        ) from None
    except OSError as error:
        raise _cannot("write", folder / LOCK_NAME, error) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def locked_workspace(path: Path) -> Iterator[Workspace]:
    """The capacity file at ``path`` and its bookings, read and kept under the bookings
    folder's lock (``bookings_lock``) until the block ends."""
    capacity, problems = read_capacity(path)
    if capacity is None:
        raise InputError(problems)
    with bookings_lock(capacity):
        bookings, problems = read_bookings(capacity)
        if problems:
            raise InputError(problems)
        yield Workspace(capacity, bookings)


def book_deal(
    workspace: Workspace, deal: Deal, as_of: dt.date, request: BookRequest
) -> BookOutcome:
    """Check ``deal`` against the other bookings on ``as_of``; write it, holding the plan
    the check found, if its verdict allows (call it under ``bookings_lock``).

    Raises ``UsageError`` for contradictory options or a check date before today, and
    ``StoreError`` when the id is taken (without ``replace``) or the file cannot be written.
    """
    check_request(request, as_of)
    folder = bookings_folder(workspace.capacity)
    taken = existing_booking(folder, deal.id)
    if taken is not None and not request.replace:
        raise _exists(deal.id, taken)
    model = workspace.capacity.model
    others = other_bookings(workspace.booked_deals, {deal.id})
    check = check_deals(model, others, [deal], as_of)
    verdict = check.deals[0].verdict
    refusal = _refusal(deal.id, verdict, request)
    if refusal is not None:
        return BookOutcome(check, None, refusal[1], refusal[0])
    held = check.deals[0].plan
    booked = _with_booking(deal, held, request, forced=False)
    harmed = displaced(model, others, booked, as_of)
    if harmed and not request.force:
        message = (
            f"not booked: {deal.id} would take capacity that earlier commitments need: "
            f"{'; '.join(harmed)}; book it anyway only with --force --reason TEXT"
        )
        return BookOutcome(check, None, message, ExitCode.FAILED)
    if harmed or verdict != "feasible":
        booked = _with_booking(deal, held, request, forced=True)
    path = write_booking(folder, deal.id, render_booking(booked), replace=request.replace)
    hold = f", held until {request.hold_until}" if request.hold_until else ""
    message = f"booked {deal.id} ({verdict.replace('_', ' ')}{hold}) in {path}"
    return BookOutcome(check, path, message, ExitCode.OK)


def check_request(request: BookRequest, as_of: dt.date) -> None:
    """Refuse options that cannot be booked: empty or unwritable text, dates in the past."""
    if request.reason is not None and not request.reason.strip():
        raise UsageError("--reason is empty; say why the deal is booked anyway")
    for option, value in (("--by", request.by), ("--reason", request.reason)):
        undecodable = _UNDECODABLE.search(value or "")
        if undecodable is not None:
            raise UsageError(
                f"{option} holds {visible(undecodable.group())}, a byte that is not UTF-8; "
                "write it in UTF-8 (check the terminal's locale: LANG, LC_ALL)"
            )
        bad = control_character(value or "")
        if bad is not None:
            raise UsageError(
                f"{option} holds the control character U+{ord(bad):04X}; write plain text"
            )
    if request.force and request.reason is None:
        raise UsageError("--force needs --reason TEXT: say why the deal is booked anyway")
    now = today()
    if as_of < now:
        raise UsageError(
            f"--as-of {as_of} is before today ({now}); a booking is a promise made now: "
            "book without --as-of, or with a date from today on"
        )
    if request.hold_until is not None and request.hold_until < as_of:
        raise UsageError(
            f"--hold-until {request.hold_until} is before the check date {as_of}; "
            "a hold must last at least until then"
        )


def _with_booking(deal: Deal, plan: HeldPlan | None, request: BookRequest, *, forced: bool) -> Deal:
    """The deal with its ``booking:`` block, booked today (the clock, not the check date),
    holding ``plan`` (``forced_reason`` only when ``forced``)."""
    block = Booking(
        booked_on=today(),
        by=request.by,
        hold_until=request.hold_until,
        forced_reason=request.reason if forced else None,
        plan=plan,
    )
    return deal.model_copy(update={"booking": block})


def _refusal(deal_id: str, verdict: str, request: BookRequest) -> tuple[ExitCode, str] | None:
    """Why a verdict is not enough to book with the options given, with the exit code."""
    if verdict == "infeasible" and not request.force:
        message = (
            f"not booked: {deal_id} is infeasible; book it anyway only with --force --reason TEXT"
        )
        return ExitCode.FAILED, message
    if verdict == "at_risk" and not (request.accept_risk or request.force):
        message = (
            f"not booked: {deal_id} is at risk; book it anyway with --accept-risk "
            "(and --reason TEXT to record why)"
        )
        return ExitCode.AT_RISK, message
    return None


def displaced(
    model: CapacityFile, others: Sequence[Deal], booked: Deal, as_of: dt.date
) -> list[str]:
    """Booked lines that meet their due date without ``booked`` and miss it with it.

    The check places the new deal after every booking; in booking order (booked_on, then id)
    it may come earlier, e.g. before a booking of the same day with a larger id.
    """
    before = {
        (o.deal.id, line.line)
        for o in build_plan(model, others, as_of).bookings
        for line in o.lines
        if line.broken
    }
    out = []
    for outcome in build_plan(model, [*others, booked], as_of).bookings:
        deal = outcome.deal
        for line in outcome.lines:
            if deal.id != booked.id and line.broken and (deal.id, line.line) not in before:
                owner = f" (owner: {deal.owner})" if deal.owner else ""
                out.append(f"{deal.id} line {line.line} due {line.due}{owner}")
    return out


def render_booking(booked: Deal) -> str:
    """The booking file: a header, then the deal's own keys and its ``booking:`` block."""
    data = booked.model_dump(mode="python", by_alias=True, exclude_unset=True, exclude={"booking"})
    if booked.booking is not None:
        block = booked.booking.model_dump(mode="python", exclude_none=True, exclude={"plan"})
        if booked.booking.plan is not None:
            block["plan"] = plan_data(booked.booking.plan)
        data["booking"] = block
    return HEADER.format(id=booked.id) + dump(data)


def bookings_folder(capacity: LoadedCapacity) -> Path:
    """The bookings folder of a capacity file; refused when it lies outside the file's folder,
    is that folder itself, or is not a plain path (``workspace.bookings_problem``)."""
    problem = bookings_problem(capacity)
    if problem is not None:
        raise InputError([problem])
    return capacity.bookings_dir


def booking_path(folder: Path, deal_id: str) -> Path:
    """Where booking ``deal_id`` is written: ``<folder>/<id>.yaml``, never anywhere else."""
    if len(deal_id) > ID_MAX_LENGTH or re.fullmatch(ID_PATTERN, deal_id) is None:
        stem = Path(deal_id).stem
        named = deal_id.endswith(SUFFIXES) and re.fullmatch(ID_PATTERN, stem)
        hint = f" (did you mean '{stem}'?)" if named else ""
        raise UsageError(
            f"'{deal_id}' is not a deal id{hint}; an id has letters, digits, '.', '_' or '-', "
            f"starts with a letter or digit and has at most {ID_MAX_LENGTH} characters"
        )
    path = folder / f"{deal_id}.yaml"
    if path.resolve().parent != folder.resolve():
        raise StoreError(f"{path} is a link that leads out of the bookings folder; remove it")
    return path


def existing_booking(folder: Path, deal_id: str) -> Path | None:
    """The file booking ``deal_id`` in the folder (``.yaml`` or ``.yml``), if any."""
    booking_path(folder, deal_id)
    for suffix in SUFFIXES:
        path = folder / f"{deal_id}{suffix}"
        if os.path.lexists(path):
            return path
    return None


def write_booking(folder: Path, deal_id: str, text: str, *, replace: bool = False) -> Path:
    """Write a booking atomically; without ``replace``, fail if the id is booked (even by a
    concurrent writer). Returns the booking's path.

    Every step leaves the old state or the new one: the text goes to a temporary file, is
    flushed, then takes the booking's name in one step (a hard link, or a rename with
    ``replace``). An old booking named ``<id>.yml`` is replaced under its own name, then
    renamed to ``<id>.yaml``: never two bookings of one id, never none.
    """
    target = booking_path(folder, deal_id)
    taken = existing_booking(folder, deal_id)
    if taken is not None and not replace:
        raise _exists(deal_id, taken)
    temp = folder / f".{deal_id}.yaml.tmp-{secrets.token_hex(8)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_synced(temp, text.encode("utf-8"))
        if not replace:
            os.link(temp, target)
        elif taken is not None and taken != target and not os.path.lexists(target):
            temp.replace(taken)  # the new text under the old name: still one booking
            _sync_folder(folder)
            taken.rename(target)
        else:
            temp.replace(target)
            for suffix in SUFFIXES[1:]:  # an old booking under another name as well
                (folder / f"{deal_id}{suffix}").unlink(missing_ok=True)
    except FileExistsError:
        if not folder.is_dir():
            raise _cannot("write", target, "the bookings folder is not a folder") from None
        raise _exists(deal_id, target) from None
    except OSError as error:
        raise _cannot("write", target, error) from None
    finally:
        with contextlib.suppress(OSError):  # a leftover starts with '.': loading ignores it
            temp.unlink(missing_ok=True)
    _sync_folder(folder)
    return target


def remove_booking(folder: Path, deal_id: str) -> Path:
    """Delete booking ``deal_id``; returns the path removed."""
    path = existing_booking(folder, deal_id)
    if path is None:
        raise _missing(folder, deal_id)
    try:
        path.unlink()
    except FileNotFoundError:
        raise _missing(folder, deal_id) from None
    except OSError as error:
        raise _cannot("remove", path, error) from None
    _sync_folder(folder)
    return path


def _cannot(verb: str, path: Path, error: OSError | str) -> StoreError:
    """A write or remove that failed: the file, why, that nothing changed, what to do."""
    if isinstance(error, str):
        reason, todo = error, "fix the bookings folder"
    else:
        reason = error.strerror or str(error)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            todo = "free some disk space"
        elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            todo = f"make {path.parent} writable"
        else:
            todo = "fix the cause"
    unchanged = "nothing was written" if verb == "write" else "the booking is still there"
    again = "book" if verb == "write" else "release"
    return StoreError(f"cannot {verb} {path}: {reason}; {unchanged}: {todo} and {again} again")


def release_booking(capacity: LoadedCapacity, deal_id: str) -> Path:
    """Remove the booking ``deal_id`` of a capacity file's bookings folder (under its lock)."""
    with bookings_lock(capacity):
        return remove_booking(bookings_folder(capacity), deal_id)


def _missing(folder: Path, deal_id: str) -> StoreError:
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        names = []
    booked = sorted(Path(n).stem for n in names if n.endswith(SUFFIXES) and not n.startswith("."))
    hint = did_you_mean(deal_id, booked) or (
        f" (booked: {', '.join(booked)})" if booked else " (nothing is booked)"
    )
    return StoreError(f"there is no booking '{deal_id}' in {folder}{hint}")


def _exists(deal_id: str, path: Path) -> StoreError:
    return StoreError(
        f"{deal_id} is already booked ({path}); use --replace to book it again, "
        f"or `feasibility release {deal_id}` first"
    )


def _write_synced(path: Path, data: bytes) -> None:
    """Create ``path`` (never an existing file), write ``data`` and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_plans(workspace: Workspace, plans: Sequence[tuple[str, HeldPlan]]) -> list[Path]:
    """Record each (booking id, new plan) in its booking file, atomically per file; every
    other line of the file stays as it was. Call it under ``bookings_lock``."""
    loaded = {b.deal.id: b for b in workspace.bookings}
    folder = bookings_folder(workspace.capacity)
    written = []
    for deal_id, plan in plans:
        booking = loaded[deal_id]
        assert booking.deal.booking is not None
        try:
            text = booking.path.read_text(encoding="utf-8")
        except OSError as error:
            raise _cannot("write", booking.path, error) from None
        block = booking.deal.booking.model_copy(update={"plan": plan})
        new = replace_plan(text, booking.doc, block)
        written.append(write_booking(folder, deal_id, new, replace=True))
    return written


def known_ids(workspace: Workspace, ids: Sequence[str]) -> frozenset[str]:
    """``ids``, each the id of a booking of ``workspace`` (else ``UsageError``)."""
    booked = [b.deal.id for b in workspace.bookings]
    for deal_id in ids:
        if deal_id not in booked:
            hint = did_you_mean(deal_id, booked) or f" (booked: {', '.join(sorted(booked))})"
            raise UsageError(f"there is no booking '{deal_id}'{hint}")
    return frozenset(ids)
