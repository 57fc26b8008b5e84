"""Reading a file as it was at a git revision (for `impact --base`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from feasibility.errors import UsageError

GIT_TIMEOUT = 60
"""Seconds a git call may take before it is given up."""


def show_file(ref: str, path: Path) -> bytes:
    """The raw content of ``path`` (a file of a git work tree) at revision ``ref``.

    ``path`` is relative to the current directory or absolute; git resolves it inside the
    repository that holds it. Raises ``UsageError`` with git's own message when git is
    missing, ``ref`` is unknown or the file did not exist at ``ref``.
    """
    folder = _folder(ref, path)
    return _git(["cat-file", "blob", f"{ref}:./{path.name}"], folder, f"read {path} at {ref}")


def exists_at(ref: str, path: Path) -> bool:
    """Whether ``path`` existed at revision ``ref``; ``UsageError`` as ``show_file`` when
    git is missing or does not know ``ref``."""
    folder = _folder(ref, path)
    try:
        _git(["cat-file", "-e", f"{ref}:./{path.name}"], folder, f"read {path} at {ref}")
    except UsageError as unreadable:
        try:
            _git(["cat-file", "-e", f"{ref}^{{commit}}"], folder, f"read {ref}")
        except UsageError:
            raise unreadable from None
        return False
    return True


def _folder(ref: str, path: Path) -> Path:
    """The folder to run git in for ``path``, after checking that ``ref`` reads as a
    revision (never an option) and that the folder exists."""
    if not ref or ref.startswith("-") or any(c.isspace() for c in ref):
        raise UsageError(f"--base '{ref}' is not a git revision; use e.g. HEAD~1 or origin/main")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: no such folder '{path.parent}'; check the path")
    return path.parent


def folder_files(ref: str, folder: Path) -> dict[str, bytes | None] | None:
    """The files in ``folder`` (of a git work tree) at revision ``ref``, by name, each with
    its raw content (None for an entry that is no file, e.g. a folder); None when the
    folder did not exist there. Two git calls however many files there are: one process
    per file took seconds per thousand bookings."""
    base = folder.parent if folder.parent.is_dir() else Path()
    what = f"list {folder} at {ref}"
    try:
        kind = _git(["cat-file", "-t", f"{ref}:./{folder.name}"], base, what)
    except UsageError:
        return None
    if kind.strip() != b"tree":
        return None
    tree = f"{ref}:./{folder.name}"
    listed = _git(["ls-tree", "-z", "--full-tree", tree], base, what)
    names: dict[str, str | None] = {}  # name -> the blob's id (None: no file)
    for entry in listed.split(b"\0"):
        if entry:
            meta, name = entry.split(b"\t", 1)
            _mode, entry_type, oid = meta.split()
            names[name.decode("utf-8", "surrogateescape")] = (
                oid.decode() if entry_type == b"blob" else None
            )
    blobs = [oid for oid in names.values() if oid is not None]
    read = _git(
        ["cat-file", "--batch"],
        base,
        f"read {folder} at {ref}",
        "".join(f"{oid}\n" for oid in blobs).encode(),
    )
    contents = dict(zip(blobs, _batch_contents(read), strict=True))
    return {name: None if oid is None else contents[oid] for name, oid in names.items()}


def _batch_contents(out: bytes) -> list[bytes]:
    """The contents in the output of ``git cat-file --batch``, in order: per object a line
    ``<id> <type> <size>``, its ``size`` bytes and a line break."""
    found: list[bytes] = []
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        size = int(out[at:end].split()[2])
        found.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return found


def _git(args: list[str], cwd: Path, what: str, given: bytes | None = None) -> bytes:
    """The output of ``git ARGS`` in ``cwd`` (``given`` on its input); ``UsageError``
    naming ``what`` on failure."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=given,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError(
            "git is not installed or not on PATH; compare two files: OLD NEW"
        ) from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git took more than {GIT_TIMEOUT} s to {what}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said else f"git exited {done.returncode}"
        raise UsageError(f"cannot {what} from git: {reason}")
    return done.stdout
