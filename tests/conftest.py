"""Shared fixtures: the repository, the check date of the examples, running the CLI."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)
"""The check date the examples are written for."""

os.environ["FEASIBILITY_TODAY"] = AS_OF.isoformat()
os.environ["FEASIBILITY_CACHE_DIR"] = tempfile.mkdtemp(prefix="feasibility-test-cache-")
atexit.register(shutil.rmtree, os.environ["FEASIBILITY_CACHE_DIR"], ignore_errors=True)
"""Every test runs on AS_OF as "today" (the default check date, `book`'s ``booked_on``),
and so does every command a test starts: the one setting that pins the clock. The held
load cache goes to a folder of the run's own (each test process's, removed when it
ends), never the user's."""

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def entry_point() -> str:
    """The installed `feasibility` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "feasibility"
    if not script.exists():
        pytest.fail(f"the console script is not installed next to {sys.executable}")
    return str(script)


def run_cli(
    *args: str | os.PathLike[str], cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI end to end; stdout and stderr are captured as text."""
    full_env = {k: v for k, v in os.environ.items() if k not in {"FEASIBILITY_CAPACITY", "COLUMNS"}}
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return subprocess.run(
        [entry_point(), *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def repository_copy(folder: Path) -> Path:
    """``folder`` with a copy of the repository's capacity file, bookings, examples and
    schemas (what the commands read)."""
    shutil.copy(REPO / "capacity.yaml", folder)
    for name in ("bookings", "examples", "schemas"):
        shutil.copytree(REPO / name, folder / name)
    return folder


@pytest.fixture
def cli() -> CliRunner:
    """The installed CLI, run in the repository root unless ``cwd`` is given."""
    return run_cli
