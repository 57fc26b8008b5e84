"""``BENCHMARKS.md``: every figure of a run, the command that made them and the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.pipeline import BLOCKS, PipelineRun
from bench.pipeline import TARGET as PIPELINE_TARGET
from bench.scale import Measured, Row
from bench.startup import IMPORTS, REFERENCE, Startup

ROOT = Path(__file__).resolve().parent.parent

SCALE_AT = (5000, 10000)
"""Booking counts the scale targets are judged at."""
SCALE_SECONDS = {"check": 1.0, "validate": 5.0}
SCALE_RATIO = 1.5
"""``check`` with the bookings over ``check`` of the same deal with no bookings."""
SCALE_MB = 500.0
SCALE_MB_AT = 10000
"""Booking count the memory target is judged at."""
SCALE_NAMES = ("check-cold", "check", "check-empty", "validate", "impact")
SCALE_OK_CODES = (0, 1, 3)
"""Exit codes of a command that ran to its verdict (2: usage, 4: internal error)."""


@dataclass
class Results:
    """What one run measured (a part not run stays empty)."""

    command: str
    started: dt.datetime
    seconds: float = 0.0
    scale: list[Row] = field(default_factory=list)
    startup: Startup | None = None
    pipeline: PipelineRun | None = None
    exact: list[str] = field(default_factory=list)
    """The PSPLIB section (``bench.j90.section``)."""
    differential: list[str] = field(default_factory=list)
    """The differential section (``bench.differential.section``)."""
    confidence: list[str] = field(default_factory=list)
    """The confidence section (``bench.confidence.section``)."""


def machine() -> str:
    """CPU model, cores, memory, OS and Python of this machine."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    with_info = Path("/proc/cpuinfo")
    if with_info.exists():
        for ln in with_info.read_text(encoding="utf-8", errors="replace").splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        memory = f", {int(first[1]) / 1024 / 1024:.1f} GiB memory"
    return (
        f"{cpu}, {os.cpu_count()} logical cores{memory}; "
        f"{platform.system()} {platform.release()}; "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def revision() -> str:
    """The git commit measured, marked when the working tree had changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _seconds(m: Measured | None) -> str:
    if m is None:
        return ""
    if m.exit_code is None:
        return f"> {m.seconds:.0f} s (stopped)"
    code = "" if m.exit_code in SCALE_OK_CODES else f" (exit {m.exit_code})"
    return f"{m.seconds:.2f} s{code}"


def _ran(m: Measured | None) -> bool:
    """The command ran to its verdict within the time limit."""
    return m is not None and m.exit_code in SCALE_OK_CODES


def _ratio(r: Row) -> float | None:
    """``check`` over ``check-empty`` (None: either is missing or did not finish)."""
    full, empty = r.results.get("check"), r.results.get("check-empty")
    if full is None or empty is None or full.exit_code is None or empty.exit_code is None:
        return None
    return full.seconds / empty.seconds


def _peak(r: Row) -> tuple[float, str] | None:
    """The largest peak resident set of the commands that finished, and whose it was."""
    done = [(m.peak_mb, n) for n, m in r.results.items() if m.exit_code is not None]
    return max(done) if done else None


def scale_targets(rows: Sequence[Row]) -> list[str]:
    """The targets at 5,000 and 10,000 bookings holding plans, each met or not."""
    judged = [r for r in rows if r.bookings in SCALE_AT]
    sizes = " and ".join(f"{n:,}" for n in SCALE_AT)
    if not judged:
        return [f"The targets are judged at {sizes} bookings, which this run did not measure."]
    out = [f"| target at {sizes} bookings holding plans | reached | |", "| --- | --- | --- |"]
    for r in judged:
        for n, limit in SCALE_SECONDS.items():
            m = r.results.get(n)
            if m is None:
                continue
            ok = _ran(m) and m.seconds <= limit
            out.append(f"| {r.bookings:,}: `{n}` <= {limit:g} s | {_seconds(m)} | {_met(ok)} |")
        ratio = _ratio(r)
        if ratio is not None:
            ok = _ran(r.results["check"]) and _ran(r.results["check-empty"])
            out.append(
                f"| {r.bookings:,}: `check` <= {SCALE_RATIO:g}x `check` with no bookings"
                f" | {ratio:.2f}x | {_met(ok and ratio <= SCALE_RATIO)} |"
            )
        peak = _peak(r)
        if r.bookings == SCALE_MB_AT and peak is not None:
            stopped = any(m.exit_code is None for m in r.results.values())
            shown = f"{peak[0]:.0f} MB ({peak[1]})" + (
                " (a command was stopped)" if stopped else ""
            )
            ok = not stopped and peak[0] <= SCALE_MB
            out.append(f"| {r.bookings:,}: memory <= {SCALE_MB:g} MB | {shown} | {_met(ok)} |")
    return out


def scale_section(rows: Sequence[Row]) -> list[str]:
    """Wall time of each command and peak memory at each size, and the targets."""
    out = [
        "## Scale: large generated models",
        "",
        "`bench/scale.py` writes a seeded model: 200 resources (hours, crews, own calendars,",
        "capacity changes, weekly rates), 5 materials, 30 offerings, US holidays, and N bookings",
        "of 1-3 lines over two years, each holding the plan the engine gives it (planned in",
        "booking order and written as `book` writes it). Each command runs as a fresh process",
        "of the installed CLI (its bytecode compiled first, as `pip install` leaves it), once,",
        "or three times for `check` and `check-empty` (the median",
        "run is shown: at about a second, one run moves by a third on this shared machine);",
        "peak memory is the largest of the commands' own maximum",
        "resident sets (`wait4`). `check-empty` is the same `check` of the same deal on the",
        "same capacity file with an empty bookings folder, measured in the same run; the ratio",
        "is `check` over `check-empty`. `check-cold` is the first `check`, which reads every",
        "booking and writes the held-load cache; `check` is the same command run right after",
        "it, reading the cache (a rep's every check after the first, until a file changes).",
        "`impact` compares the model with a copy where a quarter of the resources lose a",
        "quarter of their capacity. From 5,000 bookings the deal is infeasible with the",
        "bookings (they hold its resources for two years) and feasible without: `check` then",
        "also works out its counter-offers, which `check-empty` has no need of.",
        "",
        "| bookings | with a plan | check-cold | check | check-empty | ratio | validate | impact"
        " | peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = _ratio(r)
        peak = _peak(r)
        cells = [
            f"{r.bookings:,}",
            f"{r.planned:,}",
            _seconds(r.results.get("check-cold")),
            _seconds(r.results.get("check")),
            _seconds(r.results.get("check-empty")),
            "" if ratio is None else f"{ratio:.2f}x",
            _seconds(r.results.get("validate")),
            _seconds(r.results.get("impact")),
            "" if peak is None else f"{peak[0]:.0f} MB ({peak[1]})",
        ]
        out.append("| " + " | ".join(cells) + " |")
    first = rows[0] if rows else None
    growth: list[str] = []
    if first is not None and len(rows) > 1:
        for r in rows[1:]:
            parts = [
                f"{n} x{r.results[n].seconds / first.results[n].seconds:.1f}"
                for n in SCALE_NAMES
                if n in r.results and n in first.results
            ]
            growth.append(
                f"- {r.bookings / first.bookings:g}x the bookings ({r.bookings:,}): "
                + ", ".join(parts)
            )
    if first is not None and growth:
        out += ["", f"Growth of wall time against {first.bookings:,} bookings:", ""] + growth
    made = [r for r in rows if r.generate_seconds]
    if made:
        out += [
            "",
            "Generating the models (planning the bookings with one schedule each, writing the"
            " files) took "
            + ", ".join(f"{r.generate_seconds:.0f} s at {r.bookings:,}" for r in made)
            + "; it is not part of any figure above.",
        ]
    return out + [""] + scale_targets(rows)


def command_line(results: Results) -> str:
    """The closing line of a section: the command, when it ran, and on which commit."""
    return (
        f"Command: `{results.command}`; run {results.started:%Y-%m-%d %H:%M} UTC,"
        f" commit {revision()}."
    )


def startup_section(s: Startup, command: str) -> list[str]:
    """Each command's time against the bare import time, and its target."""
    out = [
        "## Start-up",
        "",
        f"Fresh processes, interleaved, {s.rounds} rounds; medians. The commands run from the",
        "project folder, so they read the embedded `capacity.yaml` and its bookings; the",
        "package's bytecode is compiled first (as `pip install` leaves it) and one untimed run",
        "of each command fills the user's caches (held load, public holidays). The reference",
        "row is a typer app with `check`'s options and an empty body: what the CLI framework",
        "alone costs such a command (typer coerces each option through pydantic).",
        "",
        "| command | median | ratio to the imports | target | |",
        "| --- | ---: | ---: | ---: | --- |",
        f'| `python -c "{IMPORTS}"` | {_ms(s.imports)} | 1.00 | | |',
        f"| {REFERENCE} (`bench/typer_floor.py`) | {_ms(s.reference)}"
        f" | {s.reference / s.imports:.2f} | reference | |",
    ]
    for timed, seconds in s.commands.items():
        ratio, target = s.ratio(timed), s.target(timed)
        out.append(
            f"| `{timed}` | {_ms(seconds)} | {ratio:.2f} | <= {target:g}x |"
            f" {_met(ratio <= target)} |"
        )
    return out + ["", command]


def pipeline_section(p: PipelineRun, command: str) -> list[str]:
    """The deals alone by one process and by every core, and the whole command both ways."""
    same = "identical" if p.alone_equal else "**different (bug)**"
    output = "byte for byte identical" if p.output_equal else "**different (bug)**"
    return [
        "## Pipeline: `--jobs`",
        "",
        "`bench/pipeline.py`: the scale model (`bench/scale.py`) with"
        f" {p.bookings:,} bookings holding",
        f"their plans, and a pipeline of {p.deals:,} generated deals of 1-3 lines. The deals"
        " alone are",
        "checked through `check_alone` (what `pipeline` runs) in one process and by one forked",
        f"worker per core, against the same plan, in {BLOCKS} blocks of deals, each timed"
        " both ways",
        "in turn (so that a busy spell of the shared machine hits both alike). The whole",
        "`pipeline` command (alone, then if all close, which stays sequential) runs on the",
        f"first {p.command_deals:,} deals as a fresh process with `--jobs 1` and"
        f" `--jobs {p.jobs}`. Wall times.",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| deals alone, 1 process | {p.alone_one:.1f} s ({p.deals / p.alone_one:.1f} deals/s) |",
        f"| deals alone, {p.jobs} processes | {p.alone_jobs:.1f} s"
        f" ({p.deals / p.alone_jobs:.1f} deals/s) |",
        f"| ratio | {p.ratio:.2f}x |",
        f"| results alone, {p.jobs} processes against 1 | {same} |",
        f"| `pipeline` of {p.command_deals:,} deals, `--jobs 1` | {p.command_one:.1f} s |",
        f"| `pipeline` of {p.command_deals:,} deals, `--jobs {p.jobs}` | {p.command_jobs:.1f} s"
        f" ({p.command_jobs / p.command_one:.2f}x) |",
        f"| `pipeline` output, `--jobs {p.jobs}` against `--jobs 1` | {output} |",
        "",
        "| target | reached | |",
        "| --- | --- | --- |",
        f"| {p.deals:,} deals alone on {p.bookings:,} bookings: {p.jobs} processes <="
        f" {PIPELINE_TARGET:g}x one | {p.ratio:.2f}x |"
        f" {_met(p.ratio <= PIPELINE_TARGET and p.alone_equal and p.output_equal)} |",
        "",
        command,
    ]


def splice(old: str, new: str) -> str:
    """``old`` with each ``## `` section that ``new`` has replaced by ``new``'s (a section
    ``old`` lacks goes before its notes): a partial run updates only what it measured."""

    def sections(text: str) -> list[list[str]]:
        out: list[list[str]] = [[]]
        for line in text.splitlines():
            if line.startswith("## "):
                out.append([])
            out[-1].append(line)
        return out

    fresh = {part[0]: part for part in sections(new)[1:]}
    parts = sections(old)
    note = (
        "- A section that ends with its own `Command:` line may come from a later run of"
        " that command, which replaced only its sections (`--update`)."
    )
    if fresh and note not in parts[0]:
        last = max(k for k, line in enumerate(parts[0]) if line.startswith("- ") or k == 0)
        parts[0].insert(last + 1, note)
    for heading, part in fresh.items():
        at = next((k for k, p in enumerate(parts) if p and p[0] == heading), None)
        while part and not part[-1]:
            part.pop()
        if at is not None:
            parts[at] = part + [""]
        else:
            notes = next((k for k, p in enumerate(parts) if p and p[0] == "## Notes"), len(parts))
            parts.insert(notes, part + [""])
    return "\n".join(line for part in parts for line in part).rstrip("\n") + "\n"


def render(results: Results, notes: Sequence[str]) -> str:
    """The whole file."""
    out = [
        "# Benchmarks",
        "",
        "Written by the benchmark command; do not edit by hand. Every figure below comes from",
        "one run of:",
        "",
        "```sh",
        results.command,
        "```",
        "",
        f"- Run: {results.started:%Y-%m-%d %H:%M} UTC, {results.seconds / 60:.1f} minutes,"
        f" commit {revision()}",
        f"- Machine: {machine()}",
        "- The machine is shared: absolute times move from run to run; ratios taken within"
        " one run are steadier.",
        "- OR-Tools (CP-SAT) is a dependency of the package: the exact stage and the peers use it.",
    ]
    if results.exact:
        out += [""] + results.exact
    if results.differential:
        out += [""] + results.differential + ["", command_line(results)]
    if results.scale:
        out += [""] + scale_section(results.scale) + ["", command_line(results)]
    if results.startup is not None:
        out += [""] + startup_section(results.startup, command_line(results))
    if results.pipeline is not None:
        out += [""] + pipeline_section(results.pipeline, command_line(results))
    if results.confidence:
        out += [""] + results.confidence
    if notes:
        out += ["", "## Notes", ""] + list(notes)
    return "\n".join(out) + "\n"
