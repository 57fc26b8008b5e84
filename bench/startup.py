"""Start-up: ``feasibility check`` of an example deal against merely importing its libraries.

Both are run as fresh processes of this interpreter, interleaved round by round so that a
busy moment of a shared machine hits both alike; the figure is the ratio of the medians.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.scale import cli, measure

ROOT = Path(__file__).resolve().parent.parent
"""The project: its ``capacity.yaml`` is the embedded model the examples are checked on."""

AS_OF = "2026-11-23"
"""The check date the README's examples use."""

EXAMPLES = ("on-time.yaml", "at-risk.yaml")
"""The example deals checked (a feasible one, and the README's first example)."""

IMPORTS = "import typer, pydantic, yaml, rich"


@dataclass(frozen=True)
class Startup:
    """Median wall seconds of each command over ``rounds`` interleaved rounds."""

    rounds: int
    imports: float
    checks: dict[str, float]
    """Example file name -> median seconds of ``feasibility check`` on it."""
    commands: dict[str, str]
    """What was timed, as shell commands."""

    def ratio(self, example: str) -> float:
        """Check time over import time."""
        return self.checks[example] / self.imports


def run(rounds: int) -> Startup:
    """Time the import and each example's check ``rounds`` times, interleaved."""
    imports = [sys.executable, "-c", IMPORTS]
    checks = {name: [cli(), "check", f"examples/{name}", "--as-of", AS_OF] for name in EXAMPLES}
    times: dict[str, list[float]] = {name: [] for name in EXAMPLES}
    base: list[float] = []
    with tempfile.TemporaryDirectory(prefix="feasibility-startup-") as tmp:
        cache = Path(tmp)
        measure(imports, ROOT, cache=cache)  # warm the file cache once, untimed
        for args in checks.values():
            measure(args, ROOT, cache=cache)
        for _ in range(rounds):
            base.append(measure(imports, ROOT, cache=cache).seconds)
            for name, args in checks.items():
                times[name].append(measure(args, ROOT, cache=cache).seconds)
    shown = {"import": f'python -c "{IMPORTS}"'}
    shown.update({n: "feasibility " + " ".join(a[1:]) for n, a in checks.items()})
    return Startup(
        rounds,
        statistics.median(base),
        {n: statistics.median(t) for n, t in times.items()},
        shown,
    )
