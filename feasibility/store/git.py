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


def list_folder(ref: str, folder: Path) -> list[str] | None:
    """The names of the files in ``folder`` (of a git work tree) at revision ``ref``; None
    when the folder did not exist there."""
    base = folder.parent if folder.parent.is_dir() else Path()
    what = f"list {folder} at {ref}"
    try:
        kind = _git(["cat-file", "-t", f"{ref}:./{folder.name}"], base, what)
    except UsageError:
        return None
    if kind.strip() != b"tree":
        return None
    tree = f"{ref}:./{folder.name}"
    out = _git(["ls-tree", "-z", "--full-tree", "--name-only", tree], base, what)
    return [n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n]


def _git(args: list[str], cwd: Path, what: str) -> bytes:
    """The output of ``git ARGS`` in ``cwd``; ``UsageError`` naming ``what`` on failure."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False
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
