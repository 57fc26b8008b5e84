"""Run every benchmark and rewrite ``BENCHMARKS.md``: ``python -m bench``.

``--quick`` runs a sample (every 10th PSPLIB instance, 40 differential cases, two scale
sizes, fewer start-up rounds, a smaller pipeline, 10 mcprojsim projects, 10 convergence
cases and 1,000 booked plans for confidence) and ``--only`` a subset; both print the
report instead of writing the file, unless ``--output`` names one; ``--update`` replaces
only the sections run in ``BENCHMARKS.md``, keeping the others.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bench import confidence, differential, j90, pipeline, scale, startup
from bench.report import ROOT, Results, command_line, render, splice

PARTS = ("exact", "differential", "scale", "startup", "pipeline", "confidence")
J90_STEP = 4
"""CP-SAT alone runs on every 4th j90 instance (120), to bound the run's time."""
DIFFERENTIAL_CASES = 200
NOTES = Path(__file__).resolve().parent / "NOTES.md"
"""Hand-written notes on the figures, appended to the report."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="a sample of every benchmark")
    p.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run, of {', '.join(PARTS)} (default: all)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="file to write (default: BENCHMARKS.md for a full run, standard output otherwise)",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="replace only the sections run in BENCHMARKS.md (each names its command)",
    )
    p.add_argument(
        "--peer-limit",
        type=float,
        default=10.0,
        help="CP-SAT time limit per instance in seconds (default 10)",
    )
    return p


def _notes() -> list[str]:
    if not NOTES.exists():
        return []
    text = NOTES.read_text(encoding="utf-8").strip()
    return [text] if text else []


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts; write or print the report. Returns the exit code."""
    args = _parser().parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        _log(f"unknown part(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}")
        return 2
    full = not args.quick and set(parts) == set(PARTS)
    output: Path | None = args.output or (ROOT / "BENCHMARKS.md" if full or args.update else None)
    shown = ["python -m bench"] + (["--quick"] if args.quick else [])
    if set(parts) != set(PARTS):
        shown.append(f"--only {','.join(parts)}")
    if args.peer_limit != 10.0:
        shown.append(f"--peer-limit {args.peer_limit:g}")
    command = " ".join(shown)
    results = Results(command, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    t0 = time.perf_counter()
    # Every part runs the CLI as fresh processes: compile the package's bytecode first, as
    # `pip install` leaves it (an editable install with PYTHONDONTWRITEBYTECODE set would
    # compile every module on every run, about 0.4 s a command here).
    compileall.compile_dir(ROOT / "feasibility", quiet=1)
    if "exact" in parts:
        found = j90.run(
            10 if args.quick else 1, J90_STEP, args.peer_limit, progress=_log, command=command
        )
        results.exact = j90.section(found)
    if "differential" in parts:
        cases = 40 if args.quick else DIFFERENTIAL_CASES
        figures = differential.run(cases, 0, progress=_log)
        results.differential = differential.section(figures, command)
    if "scale" in parts:
        sizes = scale.SIZES[:2] if args.quick else scale.SIZES
        with tempfile.TemporaryDirectory(prefix="feasibility-bench-") as tmp:
            results.scale = scale.run(sizes, Path(tmp), progress=_log)
    if "startup" in parts:
        results.startup = startup.run(5 if args.quick else 15)
    if "pipeline" in parts:
        sized = (1000, 100) if args.quick else (pipeline.BOOKINGS, pipeline.DEALS)
        results.pipeline = pipeline.run(*sized, progress=_log)
    if "confidence" in parts:
        found_c = confidence.run(args.quick, progress=_log)
        results.confidence = confidence.section(found_c, command_line(results))
    results.seconds = time.perf_counter() - t0
    text = render(results, _notes() if full else [])
    if args.update and output is not None and output.exists():
        text = splice(output.read_text(encoding="utf-8"), text)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        _log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
