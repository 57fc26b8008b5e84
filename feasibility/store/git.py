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
    if not ref or ref.startswith("-") or any(c.isspace() for c in ref):
        raise UsageError(f"--base '{ref}' is not a git revision; use e.g. HEAD~1 or origin/main")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: no such folder '{folder}'; check the path")
    try:
        done = subprocess.run(
            ["git", "cat-file", "blob", f"{ref}:./{path.name}"],
            cwd=folder,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError(
            "git is not installed or not on PATH; compare two files: OLD NEW"
        ) from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git took more than {GIT_TIMEOUT} s to read {path} at {ref}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said else f"git exited {done.returncode}"
        raise UsageError(f"cannot read {path} at {ref} from git: {reason}")
    return done.stdout
