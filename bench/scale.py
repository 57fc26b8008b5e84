"""Large models: a generator, and the CLI's wall time and peak memory on them.

The model: 200 resources (people in hours, technicians in heads, a few with their own calendar,
capacity changes or a weekly rate), 5 materials, 30 offerings of 3-6 steps (effort, fixed
work, waits, a per-line step now and then), US public holidays, and N bookings of 1-3
lines spread over two years. Every number comes from a seeded generator, so a size is
always the same model.

Each booking holds its plan, as `book` (or `replan --write`) would have pinned it: the
generator plans the bookings with the engine, in booking order, each into what the earlier
ones leave free, and writes each plan into its booking file. A booking that takes no
capacity on the check date is written without a plan. Over two years the bookings ask for
more than the resources have: many miss their due dates, and the work of some finds no
room within the horizon; their plans hold what was placed and leave the rest out, as
`book --force` writes them (such a plan fits when read back, and its line is not delivered
within the horizon).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from feasibility.engine.commitments import build_plan
from feasibility.io.yamlio import dump
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.store.plan_text import plan_data

AS_OF = dt.date(2027, 1, 4)
"""The check date of every scale run (a Monday)."""
SPAN_DAYS = 730
"""Bookings start within this many calendar days of the check date (two years)."""
NEW_RESOURCES = 200
OFFERINGS = 30
MATERIALS = 5


def _resources(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for k in range(NEW_RESOURCES):
        r: dict[str, Any] = {"id": f"res-{k:03d}", "owner": f"Owner {k} <o{k}@example.com>"}
        if k % 4 == 0:
            r.update(unit="technicians", per_day=float(rng.randint(6, 12)))
        elif k % 10 == 1:
            r.update(unit="hours", per_week=float(rng.randint(20, 40) * 8))
        else:
            r.update(unit="hours", per_day=float(rng.randint(3, 8) * 8))
        if k % 25 == 2:
            r["changes"] = [
                {"from": AS_OF + dt.timedelta(days=rng.randint(60, 500)), "per_day": 64.0}
            ]
            r.pop("per_week", None)
            r["per_day"] = 32.0
        if k % 20 == 3:
            r["calendar"] = {"workdays": ["mon", "tue", "wed", "thu"]}
        out.append(r)
    return out


def _offerings(rng: random.Random, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    crews = [r["id"] for r in resources if r.get("unit") == "technicians"]
    people = [r["id"] for r in resources if r.get("unit") == "hours"]
    out: list[dict[str, Any]] = []
    for k in range(OFFERINGS):
        steps: list[dict[str, Any]] = []
        for s in range(rng.randint(3, 6)):
            kind = rng.random()
            step: dict[str, Any] = {"id": f"s{s}"}
            if kind < 0.5:
                step.update(resource=rng.choice(people), effort=float(rng.randint(2, 24)))
                if rng.random() < 0.5:
                    step["max_per_day"] = 8.0
            elif kind < 0.85:
                uses = {rng.choice(crews): 1.0}
                if rng.random() < 0.3:
                    uses[rng.choice(people)] = 8.0
                step.update(days=rng.randint(1, 2), uses=uses)
            else:
                step.update(days=rng.randint(2, 8))
            if s > 0 and rng.random() < 0.15:
                step["per"] = "line"
            steps.append(step)
        offering: dict[str, Any] = {
            "id": f"offer-{k:02d}",
            "min_notice_days": rng.choice([0, 5, 10]),
            "steps": steps,
            "owner": f"Offer owner {k} <offer{k}@example.com>",
        }
        if k % 3 == 0:
            offering["materials"] = {f"mat-{k % MATERIALS}": float(rng.randint(1, 4))}
        out.append(offering)
    return out


def capacity_data(seed: int = 7) -> dict[str, Any]:
    """The capacity file of every size (bookings are separate files)."""
    rng = random.Random(seed)
    resources = _resources(rng)
    return {
        "version": 1,
        "company": "Scale Test Co",
        "calendar": {
            "workdays": ["mon", "tue", "wed", "thu", "fri"],
            "holidays": {"country": "US"},
            "closures": [{"from": dt.date(2027, 12, 24), "to": dt.date(2027, 12, 31)}],
        },
        "resources": resources,
        "materials": [
            {
                "id": f"mat-{k}",
                "on_hand": 500.0,
                "receipts": [{"date": AS_OF + dt.timedelta(days=90), "qty": 1000.0}],
                "replenish_days": 30,
            }
            for k in range(MATERIALS)
        ],
        "offerings": _offerings(rng, resources),
        "reservations": [
            {
                "resource": f"res-{k:03d}",
                "from": AS_OF + dt.timedelta(days=30),
                "to": AS_OF + dt.timedelta(days=60),
                "per_day": 8.0,
            }
            for k in range(1, NEW_RESOURCES, 17)
        ],
        "bookings": "bookings",
        "policy": {"horizon_days": 520},
    }


def booking_data(n: int, seed: int = 11) -> list[dict[str, Any]]:
    """``n`` bookings of 1-3 lines, starting within two years of the check date."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for k in range(n):
        start = AS_OF + dt.timedelta(days=rng.randint(0, SPAN_DAYS - 90))
        lines = [
            {
                "offering": f"offer-{rng.randrange(OFFERINGS):02d}",
                "quantity": rng.randint(1, 3),
                "due": start + dt.timedelta(days=rng.randint(45, 120)),
            }
            for _ in range(rng.randint(1, 3))
        ]
        out.append(
            {
                "id": f"BK-{k:05d}",
                "customer": f"Customer {k}",
                "start": start,
                "lines": lines,
                "booking": {
                    "booked_on": AS_OF - dt.timedelta(days=rng.randint(1, 365)),
                    "by": "Scale Bench",
                },
            }
        )
    return out


def deal_data() -> dict[str, Any]:
    """The deal checked against every size: three lines in the first months."""
    return {
        "id": "SCALE-DEAL",
        "customer": "Prospect",
        "lines": [
            {"offering": "offer-01", "quantity": 5, "due": AS_OF + dt.timedelta(days=120)},
            {"offering": "offer-07", "quantity": 3, "due": AS_OF + dt.timedelta(days=150)},
            {"offering": "offer-12", "quantity": 2, "due": AS_OF + dt.timedelta(days=90)},
        ],
    }


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


PLANNING_SCHEDULES = 1
"""``policy.search_schedules`` the generator plans the bookings with (the first priority rule
alone, to keep generation fast); a held plan is taken as it is, whatever search made it."""


FORCED_REASON = "customer accepted a later date"
"""The reason recorded on a generated booking whose plan misses a due date."""


def planned_bookings(data: dict[str, Any], bookings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``bookings`` (as ``booking_data`` gives them) with ``booking.plan`` set to the plan the
    engine gives each on the check date, as ``book`` writes it (with a ``forced_reason`` when
    the plan misses a due date, as ``book --force`` records it); a booking that does not count
    on the check date (expired or done) is left without a plan."""
    model = CapacityFile.model_validate(data)
    policy = model.policy.model_copy(update={"search_schedules": PLANNING_SCHEDULES})
    planning = model.model_copy(update={"policy": policy})
    plan = build_plan(planning, [Deal.model_validate(b) for b in bookings], AS_OF)
    outcomes = {o.deal.id: o for o in plan.bookings}
    out: list[dict[str, Any]] = []
    for b in bookings:
        outcome = outcomes[b["id"]]
        if outcome.counted and outcome.plan is not None:
            booking = {**b["booking"], "plan": plan_data(outcome.plan)}
            if any(line.broken for line in outcome.lines):
                booking["forced_reason"] = FORCED_REASON
            b = {**b, "booking": booking}
        out.append(b)
    return out


@dataclass(frozen=True)
class Workdir:
    """A generated model on disk."""

    capacity: Path
    changed: Path
    """The same model with a quarter of the resources' capacity cut (for ``impact``)."""
    deal: Path
    bookings: int
    empty: Path
    """The same capacity file in a sibling folder whose bookings folder is empty."""
    planned: int = 0
    """Bookings written with a plan."""


def generate(folder: Path, n: int) -> Workdir:
    """Write the capacity file, ``n`` booking files holding their plans, a changed capacity
    file, a deal, and the capacity file again beside an empty bookings folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bookings").mkdir(exist_ok=True)
    data = capacity_data()
    _dump(folder / "capacity.yaml", data)
    planned = 0
    for b in planned_bookings(data, booking_data(n)):
        planned += "plan" in b["booking"]
        (folder / "bookings" / f"{b['id']}.yaml").write_text(dump(b), encoding="utf-8")
    changed = dict(data)
    changed["resources"] = [
        {**r, "per_day": r["per_day"] * 0.75} if k % 4 == 1 and "per_day" in r else r
        for k, r in enumerate(data["resources"])
    ]
    _dump(folder / "capacity-new.yaml", changed)
    _dump(folder / "deal.yaml", deal_data())
    empty = folder / "empty"
    (empty / "bookings").mkdir(parents=True, exist_ok=True)
    _dump(empty / "capacity.yaml", data)
    return Workdir(
        folder / "capacity.yaml",
        folder / "capacity-new.yaml",
        folder / "deal.yaml",
        n,
        empty / "capacity.yaml",
        planned,
    )


@dataclass(frozen=True)
class Measured:
    """One CLI run: wall time, peak resident memory, exit code (None: stopped at the limit)."""

    seconds: float
    peak_mb: float
    exit_code: int | None


TIME_LIMIT = 300.0
"""Seconds after which a measured command is stopped (its time is then a lower bound)."""


_LAUNCHER = """
import os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
"""Runs the measured command from a small fresh process: a child forked straight from the
benchmark would report the benchmark's own (large) resident set as its peak, since Linux
keeps the peak across ``exec``."""


def measure(
    args: list[str], cwd: Path, limit: float = TIME_LIMIT, cache: Path | None = None
) -> Measured:
    """Run a command through a small launcher that times it and reads its peak RSS with
    ``wait4``; stop it after ``limit`` seconds. The held-load cache lives in ``cache``
    (default: ``cwd``/cache)."""
    folder = cwd / "cache" if cache is None else cache
    env = {**os.environ, "NO_COLOR": "1", "FEASIBILITY_CACHE_DIR": str(folder)}
    env.pop("FEASIBILITY_CAPACITY", None)
    t0 = time.perf_counter()
    launcher = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = launcher.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)
        launcher.communicate()
        return Measured(time.perf_counter() - t0, float("nan"), None)
    seconds, maxrss, code = out.split()
    return Measured(float(seconds), int(maxrss) / 1024, int(code))


def cli() -> str:
    """The ``feasibility`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "feasibility"
    return str(script) if script.exists() else "feasibility"


def commands(w: Workdir) -> dict[str, list[str]]:
    """The measured commands on a generated model, in the order they run: ``check-cold``
    reads every booking (and writes the held-load cache), ``check`` is the same command
    run again (the cache read, as a rep's second check is), ``check-empty`` the same
    check with no bookings."""
    exe, day = cli(), AS_OF.isoformat()
    cap = str(w.capacity)
    check = [exe, "check", str(w.deal), "--capacity", cap, "--as-of", day]
    return {
        "check-cold": check,
        "check": check,
        "check-empty": [exe, "check", str(w.deal), "--capacity", str(w.empty), "--as-of", day],
        "validate": [exe, "validate", "--capacity", cap, "--as-of", day],
        "impact": [exe, "impact", cap, str(w.changed), "--as-of", day],
    }


def has_command(name: str) -> bool:
    """True when the installed CLI knows the command (``impact`` came later)."""
    done = subprocess.run([cli(), name, "--help"], capture_output=True, check=False)
    return done.returncode == 0


SIZES = (1000, 2000, 5000, 10000)
"""Booking counts measured by a full run (the targets are judged at 5,000 and 10,000)."""


@dataclass(frozen=True)
class Row:
    """Every measured command on one generated model."""

    bookings: int
    results: dict[str, Measured]
    planned: int = 0
    """Bookings that held a plan."""
    generate_seconds: float = 0.0
    """Time taken to generate the model (planning the bookings included)."""


REPEATS = {"check": 3, "check-empty": 3}
"""Runs of the quick commands (about a second, where the shared machine's noise is a third
of the figure in one run); the slower ones run once."""


def _median_of(runs: int, once: Callable[[], Measured]) -> Measured:
    """The run of median wall time among ``runs`` runs (its own memory and exit code)."""
    done = sorted((once() for _ in range(runs)), key=lambda m: m.seconds)
    return done[len(done) // 2]


def run(
    sizes: tuple[int, ...], folder: Path, progress: Callable[[str], None] | None = None
) -> list[Row]:
    """Generate a model of each size under ``folder`` and measure every command (the quick
    ones ``REPEATS`` times, their median)."""
    rows: list[Row] = []
    for n in sizes:
        t0 = time.perf_counter()
        w = generate(folder / f"bookings-{n}", n)
        made = time.perf_counter() - t0
        if progress:
            progress(f"scale {n}: generated, {w.planned} of {n} bookings hold a plan, {made:.1f} s")
        results: dict[str, Measured] = {}
        for name, args in commands(w).items():
            if name == "impact" and not has_command("impact"):
                continue
            results[name] = _median_of(REPEATS.get(name, 1), partial(measure, args, folder))
            if progress:
                m = results[name]
                code = "stopped" if m.exit_code is None else f"exit {m.exit_code}"
                progress(f"scale {n}: {name} {m.seconds:.2f} s, {m.peak_mb:.0f} MB, {code}")
        rows.append(Row(n, results, w.planned, made))
    return rows
