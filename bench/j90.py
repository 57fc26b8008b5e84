"""Exact dates on PSPLIB: ``python -m bench.j90 [--quick] [--j90-step N]``.

Four rows, each through the engine's public API with the default policy (the heuristic,
then the exact stage) unless it says CP-SAT:

- j30, all 480 instances, due at the proven optimum (every one can be met);
- j30 due at the optimum - 1 (none can: a feasible verdict there is a bug);
- j90, all 480 instances, due at the best-known makespan (``j90hrs.sm``);
- CP-SAT alone (``bench.cpsat``, one worker, 10 s limit) on j90 in the same run, minimising
  the makespan: found = a makespan within the best-known by the limit, proven = CP-SAT
  proved it optimal. With ``--j90-step N`` it runs on every N-th instance only, and the
  engine's row is repeated on the same sample next to it.

Every schedule is re-checked by ``bench.psplib.verify``; claims the reference tables refute
(a makespan below the known lower bound, a proof above a known makespan) are counted and
listed. ``--quick`` runs every 10th instance of each set. The markdown goes to standard
output (or ``--output``), progress to standard error.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import cpsat, j30
from bench.j30 import Run, Summary
from bench.psplib import DATA, Instance, instances, read_bounds, read_optima

PEER_LIMIT = 10.0
"""CP-SAT's time limit per instance, seconds."""
MEDIAN_LIMIT = 1.0
"""Target: median seconds of an engine check per PSPLIB instance."""
J30_ALL = 480
LISTED = 25
"""Instances listed by name per finding, at most."""
ENGINE = Path(__file__).resolve().parent.parent / "feasibility"


def engine_digest() -> str:
    """A digest of the engine's sources (``feasibility/**/*.py``): which code was measured,
    while the working tree has changes git does not name."""
    h = hashlib.sha256()
    for path in sorted(ENGINE.rglob("*.py")):
        h.update(path.relative_to(ENGINE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def load(step: int = 1) -> tuple[list[Instance], dict[str, int], dict[str, int]]:
    """The j90 instances (every ``step``-th), best-known makespans and lower bounds.

    The lower bound is the larger of ``j90lb.sm``'s and the critical path; the table
    stops at ``j9045_5``, so the critical path is the only bound of the 35 after it.
    """
    found = instances(DATA / "j90")[::step]
    best = read_optima(DATA / "j90hrs.sm", "j90")
    table = read_bounds(DATA / "j90lb.sm", "j90")
    lower = {i.name: max(table.get(i.name, 0), i.cpm) for i in found}
    return found, best, lower


@dataclass
class Exact:
    """What one run measured."""

    command: str
    step: int
    """Every ``step``-th instance of each set."""
    j90_step: int
    """The CP-SAT comparison's sample of the j90 instances run (1: all of them)."""
    peer_limit: float
    j30: Summary
    j30_below: Summary
    j90: Summary
    j90_sample: Summary | None = None
    """The engine's j90 runs on the comparison's sample (None: it is every instance)."""
    j90_peer: Summary | None = None
    """CP-SAT alone (None: OR-Tools is not installed)."""
    seconds: float = 0.0
    digest: str = ""
    """``engine_digest()`` at the start of the run."""
    open_j90: set[str] = field(default_factory=set)
    """j90 instances ``j90lb.sm`` lists with a lower bound below the best-known (open)."""
    unlisted_j90: set[str] = field(default_factory=set)
    """j90 instances ``j90lb.sm`` does not list (no published lower bound here)."""

    @property
    def rows(self) -> list[Summary]:
        """Every row, in table order."""
        out = [self.j30, self.j30_below, self.j90]
        out += [s for s in (self.j90_sample, self.j90_peer) if s is not None]
        return out

    @property
    def distinct(self) -> list[Summary]:
        """Every row but the engine's j90 sample (its runs are the full row's)."""
        return [s for s in self.rows if s is not self.j90_sample]

    @property
    def engine_rows(self) -> list[Summary]:
        """The rows of full engine runs (the median target is judged on each)."""
        return [self.j30, self.j30_below, self.j90]

    @property
    def compared(self) -> Summary:
        """The engine row CP-SAT is compared with (same instances)."""
        return self.j90 if self.j90_sample is None else self.j90_sample


def _subset(s: Summary, names: set[str], label: str) -> Summary:
    return Summary(label, [r for r in s.runs if r.name in names])


def run(
    step: int = 1,
    j90_step: int = 1,
    peer_limit: float = PEER_LIMIT,
    progress: Callable[[str], None] | None = None,
    command: str = "python -m bench.j90",
) -> Exact:
    """Run every row (``step``: every ``step``-th instance of each set)."""
    t0 = time.perf_counter()
    digest = engine_digest()
    every = "" if step == 1 else f", every {step}th instance"
    engine = j30.engine_label(None)
    insts, optima = j30.load(step)
    at = j30.engine(
        insts, optima, None, progress=progress, label=f"j30 at the optimum{every}: {engine}"
    )
    below = j30.engine(
        insts, optima, None, -1, progress, label=f"j30 at the optimum - 1{every}: {engine}"
    )
    insts90, best, lower = load(step)
    j90 = j30.engine(
        insts90,
        best,
        None,
        progress=progress,
        bounds=lower,
        label=f"j90 at the best-known{every}: {engine}",
    )
    sample = insts90[::j90_step]
    names = {i.name for i in sample}
    each = "" if j90_step * step == 1 else f", every {j90_step * step}th instance"
    j90_sample = None
    if j90_step != 1:
        j90_sample = _subset(j90, names, f"j90 at the best-known{each}: {engine}")
    peer = None
    if cpsat.available() is not None:
        peer = j30.peer(
            sample,
            best,
            peer_limit,
            progress,
            bounds=lower,
            label=f"j90 at the best-known{each}: {j30.peer_label(peer_limit)} alone",
        )
    out = Exact(command, step, j90_step, peer_limit, at, below, j90, j90_sample, peer)
    table = read_bounds(DATA / "j90lb.sm", "j90")
    out.open_j90 = {i.name for i in insts90 if table.get(i.name, best[i.name]) < best[i.name]}
    out.unlisted_j90 = {i.name for i in insts90 if i.name not in table}
    out.seconds = time.perf_counter() - t0
    out.digest = digest
    return out


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _share(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:.1f} %)" if n else str(k)


def markdown_rows(summaries: Sequence[Summary]) -> list[str]:
    """The table of the rows: header, separator and one line per summary."""
    out = [
        "| row | instances | feasible by the due date | proven | makespan at the reference"
        " | mean deviation | median time | p95 time | max time | invalid schedules"
        " | refuted claims | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        out.append(
            f"| {s.label} | {s.n} | {_share(s.feasible, s.n)} | {_share(s.proven, s.n)}"
            f" | {s.at_optimum} | {s.mean_deviation:.2f} % | {_ms(s.median)} | {_ms(s.p95)}"
            f" | {_ms(s.quantile(1.0))} | {s.invalid} | {s.contradictions} | {s.errors} |"
        )
    return out


def targets(e: Exact) -> list[str]:
    """The targets of "Exact dates", each met or not."""
    full = e.step == 1
    sample = "" if full else " (sample)"
    all_j30 = e.j30.feasible == e.j30.n and (e.j30.n == J30_ALL or not full)
    refuted = sum(s.contradictions + s.invalid + s.errors for s in e.distinct)
    below = sum(s.below_bound for s in e.distinct)
    out = [
        "| target | reached | |",
        "| --- | --- | --- |",
        f"| j30 at the optimum: {J30_ALL}/{J30_ALL} feasible{sample}"
        f" | {e.j30.feasible}/{e.j30.n} | {_met(all_j30)} |",
        f"| never feasible at the optimum - 1 | {e.j30_below.feasible} feasible;"
        f" {below} below a known bound in any row | "
        f"{_met(e.j30_below.feasible == 0 and below == 0)} |",
    ]
    if e.j90_peer is not None:
        c = e.compared
        out.append(
            f"| j90 at the best-known: more feasible than CP-SAT alone"
            f"{'' if e.j90_sample is None and full else ' (same sample)'}"
            f" | {c.feasible} vs {e.j90_peer.feasible} of {c.n} | "
            f"{_met(c.feasible > e.j90_peer.feasible)} |"
        )
    else:
        out.append("| j90 at the best-known: more feasible than CP-SAT alone | not run | |")
    medians = ", ".join(f"{_ms(s.median)}" for s in e.engine_rows)
    worst = max(s.median for s in e.engine_rows)
    out.append(
        f"| median engine check per instance <= {MEDIAN_LIMIT:g} s (j30, j30 - 1, j90)"
        f" | {medians} | {_met(worst <= MEDIAN_LIMIT)} |"
    )
    out.append(
        f"| every schedule valid, no refuted claim, no error | {refuted} cases"
        f" | {_met(refuted == 0)} |"
    )
    return out


def _names(runs: Sequence[Run], show: Callable[[Run], str]) -> str:
    shown = ", ".join(show(r) for r in runs[:LISTED])
    return shown + (f", and {len(runs) - LISTED} more" if len(runs) > LISTED else "")


def findings(e: Exact) -> list[str]:
    """What a reader should look at: bugs first (by instance), then the misses."""
    out: list[str] = []
    for s in e.distinct:
        for r in s.runs:
            if r.error is not None:
                out.append(f"- **error** ({s.label}): {r.name} due at {r.deadline}: {r.error}")
            if r.problems:
                out.append(
                    f"- **invalid schedule** ({s.label}): {r.name} due at {r.deadline},"
                    f" makespan {r.makespan}: {'; '.join(r.problems)}"
                )
            if r.contradiction is not None:
                out.append(
                    f"- **refuted claim** ({s.label}): {r.name} due at {r.deadline}:"
                    f" {r.contradiction}"
                )
    missed = [r for r in e.j30.runs if not r.feasible and r.error is None]
    if missed:
        out.append(
            f"- j30 not feasible at the optimum ({len(missed)}; makespan found / optimum"
            ", * proven): "
            + _names(missed, lambda r: f"{r.name} {r.makespan}/{r.optimum}{'*' * r.proven}")
        )
    moved = [
        (a, b)
        for a, b in zip(e.j30.runs, e.j30_below.runs, strict=True)
        if (a.makespan, a.proven) != (b.makespan, b.proven)
    ]
    if moved:
        out.append(
            f"- j30: the earliest date or its proof depends on the due date on {len(moved)}"
            " instance(s) (makespan found due at the optimum / due a day before, * proven): "
            + ", ".join(
                f"{a.name} {a.makespan}{'*' * a.proven}/{b.makespan}{'*' * b.proven}"
                f" (optimum {a.optimum})"
                for a, b in moved[:LISTED]
            )
            + (f", and {len(moved) - LISTED} more" if len(moved) > LISTED else "")
        )
    impossible = [r for r in e.j30_below.runs if r.proven]
    out.append(
        f"- j30 at the optimum - 1: the engine proved {len(impossible)} of"
        f" {e.j30_below.n} due dates impossible (every line proven)."
    )
    for names, what in (
        (e.open_j90, "`j90lb.sm` leaves open (its lower bound below the best-known)"),
        (e.unlisted_j90, "`j90lb.sm` does not list (no published lower bound here)"),
    ):
        closed = [r for r in e.j90.runs if r.proven and r.name in names]
        if closed:
            out.append(
                f"- j90: proven optimal on {len(closed)} instance(s) {what}"
                " (makespan / best-known): "
                + _names(closed, lambda r: f"{r.name} {r.makespan}/{r.optimum}")
            )
    better = [
        (s.label, r)
        for s in e.distinct
        for r in s.runs
        if r.makespan is not None and r.makespan < r.optimum and r.contradiction is None
    ]
    if better:
        out.append(
            "- below the best-known makespan (a new upper bound, if the schedule is valid): "
            + ", ".join(f"{r.name} {r.makespan}/{r.optimum} ({label})" for label, r in better)
        )
    return out


def section(e: Exact) -> list[str]:
    """The markdown section: what was run, the table, the targets and the findings."""
    sample = ""
    if e.step != 1:
        sample = f" A sample: every {e.step}th instance of each set (`--quick`)."
    peer_note = ""
    if e.j90_peer is None:
        peer_note = " CP-SAT was not run: OR-Tools is not installed (`.[bench]`)."
    elif e.j90_step != 1:
        peer_note = (
            f" CP-SAT alone ran on every {e.j90_step * e.step}th j90 instance"
            f" ({e.j90_peer.n}; `--j90-step {e.j90_step}`), to bound the run's time; the"
            " engine's row on the same instances is next to it, taken from its full j90 run."
        )
    out = [
        "## PSPLIB: exact dates (j30 at the optimum and a day before, j90 at the best-known)",
        "",
        "Each instance becomes a capacity file and a deal due on the reference makespan",
        "(`bench/psplib.py`): j30's proven optimum (`j30opt.sm`), the same less one day (no",
        "schedule meets it), and j90's best-known makespan (`j90hrs.sm`; lower bounds from",
        "`j90lb.sm`, or the critical path for the 35 instances it leaves out). The engine runs",
        "with the default policy (`search_schedules` and `exact_work`), through `build_plan`",
        "and `check_deal`; proven: every line of the result proven. CP-SAT alone minimises",
        "the makespan with one worker; found: within the best-known by the limit; proven: it",
        "proved optimality. Every schedule is re-checked independently (`verify`). Refuted",
        "claims: a makespan below the known lower bound, a feasible verdict before it, a",
        "makespan proven optimal above a known makespan, or a claimed lower bound above one",
        "(each would be a bug). Times are per instance, wall, one process.",
        "",
        *([(sample + peer_note).strip(), ""] if sample or peer_note else []),
        *markdown_rows(e.rows),
        "",
        "Targets:",
        "",
        *targets(e),
    ]
    found = findings(e)
    if found:
        out += ["", "Findings:", "", *found]
    out += [
        "",
        f"Command: `{e.command}`; wall time of the run {e.seconds / 60:.1f} minutes;"
        f" engine sources (`feasibility/**/*.py`) sha256 {e.digest} at its start.",
    ]
    return out


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.j90", description=__doc__)
    p.add_argument("--quick", action="store_true", help="every 10th instance of each set")
    p.add_argument(
        "--j90-step",
        type=int,
        default=1,
        help="run CP-SAT alone on every N-th j90 instance run (default 1: all)",
    )
    p.add_argument(
        "--peer-limit",
        type=float,
        default=PEER_LIMIT,
        help=f"CP-SAT time limit per instance in seconds (default {PEER_LIMIT:g})",
    )
    p.add_argument("--output", type=Path, default=None, help="also write the markdown here")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run every row and print the markdown section. Returns the exit code."""
    args = _parser().parse_args(argv)
    if args.j90_step < 1:
        _log("--j90-step must be at least 1")
        return 2
    shown = ["python -m bench.j90"] + (["--quick"] if args.quick else [])
    if args.j90_step != 1:
        shown.append(f"--j90-step {args.j90_step}")
    if args.peer_limit != PEER_LIMIT:
        shown.append(f"--peer-limit {args.peer_limit:g}")
    e = run(10 if args.quick else 1, args.j90_step, args.peer_limit, _log, " ".join(shown))
    for s in e.rows:
        _log(
            f"{s.label}: {s.feasible}/{s.n} feasible, {s.proven} proven,"
            f" median {s.median:.3f} s, p95 {s.p95:.3f} s, invalid {s.invalid},"
            f" refuted {s.contradictions}, errors {s.errors}"
        )
    text = "\n".join(section(e)) + "\n"
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        _log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
