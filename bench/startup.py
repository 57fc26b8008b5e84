"""Start-up: `feasibility` commands on the embedded model against merely importing the
libraries the CLI stands on (typer, pydantic, yaml, rich).

All run as fresh processes of this interpreter, interleaved round by round so that a busy
moment of a shared machine hits them alike; each figure is the ratio of the medians. The
package's bytecode is compiled first (by ``python -m bench``, for every part), and one untimed
run of each command fills the caches (held load, public holidays), as a rep's first check
of the day does.
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

REFERENCE = "typer app with check's options, empty body"
"""The label of ``bench/typer_floor.py``'s run: what parsing `check`'s options costs in typer
alone (timed as a reference, with no target)."""

TARGETS = {"check": 2.0, "validate": 2.0, "--help": 1.3, "--version": 1.3}
"""Each command's median, at most this many times the imports' (by its first word)."""


@dataclass(frozen=True)
class Startup:
    """Median wall seconds of each command over ``rounds`` interleaved rounds."""

    rounds: int
    imports: float
    commands: dict[str, float]
    """Shell command -> its median seconds."""
    reference: float
    """``bench/typer_floor.py check`` of an example: typer's own start-up for `check`."""

    def ratio(self, command: str) -> float:
        """The command's time over the imports' time."""
        return self.commands[command] / self.imports

    @staticmethod
    def target(command: str) -> float:
        """The ratio the command is held to."""
        return TARGETS[command.split()[1]]


def commands() -> list[list[str]]:
    """The timed commands: a check of each example, validate, help and version."""
    exe = cli()
    out = [[exe, "check", f"examples/{name}", "--as-of", AS_OF] for name in EXAMPLES]
    return out + [[exe, "validate", "--as-of", AS_OF], [exe, "--help"], [exe, "--version"]]


def run(rounds: int) -> Startup:
    """Time the import, the typer reference and each command ``rounds`` times, interleaved."""
    imports = [sys.executable, "-c", IMPORTS]
    typer_app = [sys.executable, str(Path(__file__).with_name("typer_floor.py")), "check"]
    timed = {"feasibility " + " ".join(a[1:]): a for a in commands()}
    timed[REFERENCE] = [*typer_app, f"examples/{EXAMPLES[0]}", "--as-of", AS_OF]
    times: dict[str, list[float]] = {name: [] for name in timed}
    base: list[float] = []
    with tempfile.TemporaryDirectory(prefix="feasibility-startup-") as tmp:
        cache = Path(tmp)
        measure(imports, ROOT, cache=cache)  # warm the file and user caches once, untimed
        for args in timed.values():
            measure(args, ROOT, cache=cache)
        for _ in range(rounds):
            base.append(measure(imports, ROOT, cache=cache).seconds)
            for name, args in timed.items():
                times[name].append(measure(args, ROOT, cache=cache).seconds)
    medians = {n: statistics.median(t) for n, t in times.items()}
    reference = medians.pop(REFERENCE)
    return Startup(rounds, statistics.median(base), medians, reference)
