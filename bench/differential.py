"""Differential benchmark: the engine against an exact CP-SAT peer on small random models.

``python -m bench.differential [--cases N] [--seed S]`` generates N small capacity files
and deals in SPEC's full semantics (calendars with closures and US holidays, resource
calendars, capacity changes, reservations, a material with receipts and replenishment,
effort / fixed / wait steps, ``after``, ``per: line``, notice, deal start, due dates),
checks each deal through the engine's public API as ``bench.j30`` does (``build_plan``
then ``check_deal``), solves the same problem with ``bench.exact_peer`` and compares the
per-line dates by the peer's lexicographic objective (lines late, total lateness in
calendar days, then the latest line delivery, then the sum of line deliveries, then the
deliveries weighted by due order, README's tie-break).

A valid engine schedule can never beat a proven peer optimum: a case where it does is a
bug (of the engine or of the peer) and is printed in full, with the generated files, both
schedules and the rules the engine's schedule breaks as the peer reads them. Every
engine schedule is checked against those rules in any case.

``run(cases, seed)`` returns the figures (``Figures``) for ``bench/__main__.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from bench import exact_peer
from feasibility.engine.check import check_deal
from feasibility.engine.commitments import build_plan
from feasibility.engine.result import DealResult
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal

FIRST_MONDAY = dt.date(2027, 1, 4)
WEEK = ["mon", "tue", "wed", "thu", "fri"]
RESOURCE_WEEKS = [
    ["mon", "tue", "wed", "thu"],
    ["mon", "tue", "wed", "thu", "fri", "sat"],
    ["tue", "wed", "thu", "fri", "sat"],
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
]
TIME_LIMIT = 60.0
"""CP-SAT seconds per case: far more than these cases need to be proven."""


@dataclass(frozen=True)
class Case:
    """One generated case: the files as YAML would give them, and their models."""

    seed: int
    index: int
    as_of: dt.date
    capacity: dict[str, Any]
    deal: dict[str, Any]
    model: CapacityFile
    deal_model: Deal

    def text(self) -> str:
        """The case's files as YAML, with the check date."""
        cap = yaml.safe_dump(self.capacity, sort_keys=False, default_flow_style=None)
        deal = yaml.safe_dump(self.deal, sort_keys=False, default_flow_style=None)
        return (
            f"# case {self.index} of seed {self.seed}, --as-of {self.as_of}\n"
            f"# capacity.yaml\n{cap}# deal.yaml\n{deal}"
        )


def _day(rng: random.Random, as_of: dt.date, lo: int, hi: int) -> str:
    return (as_of + dt.timedelta(days=rng.randint(lo, hi))).isoformat()


def _amount(rng: random.Random, lo: int, hi: int, halves: float = 0.2) -> float | int:
    x = rng.randint(lo, hi)
    return x + 0.5 if rng.random() < halves else x


def _draw(
    rng: random.Random, seed: int, index: int
) -> tuple[dt.date, dict[str, Any], dict[str, Any]]:
    as_of = FIRST_MONDAY + dt.timedelta(weeks=rng.randrange(52))
    calendar: dict[str, Any] = {"workdays": list(WEEK)}
    if rng.random() < 0.3:
        calendar["holidays"] = {"country": "US"}
    if rng.random() < 0.35:
        first = as_of + dt.timedelta(days=rng.randint(0, 20))
        last = first + dt.timedelta(days=rng.randint(0, 2))
        calendar["closures"] = [
            {"from": first.isoformat(), "to": last.isoformat(), "reason": "Closed"}
        ]
    resources: list[dict[str, Any]] = []
    lowest: dict[str, int] = {}
    for k in range(rng.randint(1, 3)):
        rid = f"r{k + 1}"
        res: dict[str, Any] = {"id": rid, "per_day": rng.randint(2, 8)}
        lowest[rid] = res["per_day"]
        if rng.random() < 0.3:
            offsets = sorted(rng.sample(range(2, 26), rng.randint(1, 2)))
            res["changes"] = []
            for days in offsets:
                level = rng.randint(1, 8)
                lowest[rid] = min(lowest[rid], level)
                res["changes"].append(
                    {"from": (as_of + dt.timedelta(days=days)).isoformat(), "per_day": level}
                )
        if rng.random() < 0.25:
            own: dict[str, Any] = {}
            if rng.random() < 0.7:
                own["workdays"] = list(rng.choice(RESOURCE_WEEKS))
            if rng.random() < 0.5 or not own:
                first = as_of + dt.timedelta(days=rng.randint(0, 20))
                last = first + dt.timedelta(days=rng.randint(0, 3))
                own["closures"] = [{"from": first.isoformat(), "to": last.isoformat()}]
            res["calendar"] = own
        resources.append(res)
    rids = [r["id"] for r in resources]
    capacity: dict[str, Any] = {
        "version": 1,
        "company": f"Differential {seed}/{index}",
        "calendar": calendar,
        "resources": resources,
    }
    material: dict[str, Any] | None = None
    if rng.random() < 0.5:
        material = {"id": "m1", "on_hand": rng.randint(0, 6)}
        receipts = [
            {"date": _day(rng, as_of, 1, 30), "qty": rng.randint(1, 6)}
            for _ in range(rng.randint(0, 2))
        ]
        if receipts:
            material["receipts"] = sorted(receipts, key=lambda r: str(r["date"]))
        if rng.random() < 0.5:
            material["replenish_days"] = rng.randint(3, 35)
        capacity["materials"] = [material]
    offerings: list[dict[str, Any]] = []
    for k in range(rng.randint(1, 2)):
        steps: list[dict[str, Any]] = []
        for j in range(rng.randint(1, 4)):
            step: dict[str, Any] = {"id": f"s{j + 1}"}
            kind = rng.choices(["effort", "fixed", "wait"], [0.5, 0.3, 0.2])[0]
            if kind == "effort":
                step["resource"] = rng.choice(rids)
                step["effort"] = _amount(rng, 1, 10)
                if rng.random() < 0.4:
                    step["max_per_day"] = rng.choice([1, 1.5, 2, 3, 4])
            elif kind == "fixed":
                step["days"] = rng.randint(1, 3)
                used = rng.sample(rids, rng.randint(1, min(2, len(rids))))
                step["uses"] = {
                    r: rng.choice([u for u in (0.5, 1, 1, 1.5, 2) if u <= lowest[r]]) for r in used
                }
            else:
                step["days"] = rng.randint(1, 3)
            if j > 0:
                roll = rng.random()
                if roll < 0.15:
                    step["after"] = []
                elif roll > 0.6:
                    earlier = [s["id"] for s in steps]
                    step["after"] = sorted(rng.sample(earlier, rng.randint(1, len(earlier))))
            if rng.random() < 0.2:
                step["per"] = "line"
            steps.append(step)
        off: dict[str, Any] = {"id": f"o{k + 1}", "min_notice_days": rng.randint(0, 3)}
        if material is not None and rng.random() < 0.7:
            off["materials"] = {"m1": rng.choice([1, 2, 0.5])}
        off["steps"] = steps
        offerings.append(off)
    capacity["offerings"] = offerings
    if rng.random() < 0.3:
        first = as_of + dt.timedelta(days=rng.randint(0, 10))
        last = first + dt.timedelta(days=rng.randint(0, 6))
        capacity["reservations"] = [
            {
                "resource": rng.choice(rids),
                "from": first.isoformat(),
                "to": last.isoformat(),
                "per_day": _amount(rng, 1, 6),
                "reason": "Internal",
            }
        ]
    deal: dict[str, Any] = {"id": f"DIFF-{seed}-{index}", "customer": "Differential"}
    if rng.random() < 0.3:
        deal["start"] = _day(rng, as_of, -3, 10)
    lines: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 2)):
        line: dict[str, Any] = {"offering": rng.choice(offerings)["id"]}
        line["quantity"] = rng.randint(1, 3)
        if rng.random() < 0.75:
            line["due"] = _day(rng, as_of, 5, 30)
        lines.append(line)
    deal["lines"] = lines
    if material is not None and "replenish_days" not in material:
        per_unit = {o["id"]: o.get("materials", {}).get("m1", 0) for o in offerings}
        need = sum(per_unit[ln["offering"]] * ln["quantity"] for ln in lines)
        supply = material["on_hand"] + sum(r["qty"] for r in material.get("receipts", []))
        if need > supply:
            material["replenish_days"] = rng.randint(3, 35)
    return as_of, capacity, deal


def generate(seed: int, index: int) -> Case:
    """Case ``index`` of ``seed``: drawn until the project's models accept it."""
    rng = random.Random(f"differential:{seed}:{index}")
    for _ in range(100):
        as_of, capacity, deal = _draw(rng, seed, index)
        try:
            model = CapacityFile.model_validate(capacity)
            deal_model = Deal.model_validate(deal)
        except ValidationError:
            continue
        return Case(seed, index, as_of, capacity, deal, model, deal_model)
    raise RuntimeError(f"no valid case drawn for seed {seed}, index {index}")


@dataclass(frozen=True)
class Compared:
    """One case through both: dates, objectives, verdict of the comparison."""

    case: Case
    engine_dates: tuple[dt.date | None, ...]
    peer: exact_peer.PeerResult
    engine_objective: tuple[int, int, int, int, int] | None
    outcome: str
    """identical, tie (same objective, other dates), later, earlier (peer proven: a bug),
    better_than_unproven, engine_none, peer_none."""
    engine_problems: tuple[str, ...]
    peer_problems: tuple[str, ...]
    engine_seconds: float
    engine_proven: bool | None
    """The engine says every line's date is proven (None: this engine reports no proofs)."""
    binding: bool
    """True when capacity or stock binds: the peer's optimum is worse than with unlimited
    capacity and stock."""
    engine_result: DealResult = field(repr=False)

    @property
    def proof_beaten(self) -> bool:
        """True when the engine says its dates are proven but the proven peer does better
        by the same objective (SPEC's: the engine's proof or the peer is wrong)."""
        return bool(self.engine_proven) and self.peer.proven and self.outcome == "later"

    @property
    def deal_agrees(self) -> bool:
        """True when both give the same deal earliest (the latest line date)."""
        e, p = self.engine_dates, self.peer.dates
        if None in e or None in p:
            return e == p
        return max(d for d in e if d) == max(d for d in p if d)

    def report(self) -> str:
        """Everything about the case, for a disagreement to be investigated."""
        out = [self.case.text()]
        out.append(f"# engine dates {[str(d) for d in self.engine_dates]}")
        out.append(
            f"#   objective {self.engine_objective}, proven {self.engine_proven}"
            f" ({self.engine_seconds:.2f} s)"
        )
        out.append(f"# peer dates {[str(d) for d in self.peer.dates]}")
        out.append(
            f"#   objective {self.peer.objective}, {self.peer.status}, horizon"
            f" {self.peer.horizon} days, {self.peer.seconds:.2f} s"
        )
        out.append("# engine schedule (line unit step start finish daily)")
        for s in self.engine_result.schedule:
            out.append(f"#   {_step_text(s)}")
        out.append("# peer schedule")
        for ps in self.peer.schedule:
            out.append(f"#   {_step_text(ps)}")
        for label, probs in (("engine", self.engine_problems), ("peer", self.peer_problems)):
            out.append(f"# {label} schedule breaks: {len(probs)} rule(s)")
            out += [f"#   {p}" for p in probs]
        return "\n".join(out)


def _step_text(s: exact_peer.StepLike) -> str:
    daily = ", ".join(f"{d.isoformat()[5:]} {r} {a:g}" for d, r, a in s.daily)
    return f"{s.line} {s.unit} {s.step} {s.start} {s.finish} [{daily}]"


def compare(case: Case, time_limit: float = TIME_LIMIT) -> Compared:
    """Check the case through the engine and the peer, and compare."""
    t0 = time.perf_counter()
    plan = build_plan(case.model, [], case.as_of)
    result = check_deal(plan, case.deal_model)
    engine_seconds = time.perf_counter() - t0
    dates = tuple(ln.earliest for ln in result.lines)
    peer = exact_peer.solve(case.model, case.deal_model, case.as_of, time_limit)
    dues = [ln.due for ln in case.deal_model.lines]
    eng_obj = exact_peer.objective(case.as_of, dues, dates)
    last = max([peer.horizon] + [(s.finish - case.as_of).days + 8 for s in result.schedule])
    problem = exact_peer.build(case.model, case.deal_model, case.as_of, last)
    engine_problems = exact_peer.violations(problem, result.schedule)
    for n, d in enumerate(dates):
        finishes = [s.finish for s in result.schedule if s.line == n]
        if d is not None and finishes and max(finishes) != d:
            engine_problems.append(f"line {n}: earliest {d}, its schedule ends {max(finishes)}")
    peer_problems = exact_peer.violations(problem, peer.schedule) + list(peer.notes)
    claims = [getattr(ln, "proven", None) for ln in result.lines]
    engine_proven = None if None in claims else all(claims)
    free = exact_peer.solve(case.model, case.deal_model, case.as_of, time_limit, relaxed=True)
    binding = free.objective != peer.objective
    if peer.objective is None:
        outcome = "peer_none"
    elif eng_obj is None:
        outcome = "engine_none"
    elif dates == peer.dates:
        outcome = "identical"
    elif eng_obj == peer.objective:
        outcome = "tie"
    elif eng_obj > peer.objective:
        outcome = "later"
    else:
        outcome = "earlier" if peer.proven else "better_than_unproven"
    return Compared(
        case,
        dates,
        peer,
        eng_obj,
        outcome,
        tuple(engine_problems),
        tuple(peer_problems),
        engine_seconds,
        engine_proven,
        binding,
        result,
    )


@dataclass
class Figures:
    """The differential benchmark's figures over ``cases`` generated cases."""

    seed: int
    cases: int = 0
    binding: int = 0
    """Cases where capacity or stock binds (the peer's optimum is worse than with
    unlimited capacity and stock): the cases that test the scheduling."""
    identical: int = 0
    """Per-line dates the same as the peer's."""
    tie: int = 0
    """Same objective as the peer, other per-line dates."""
    later: int = 0
    """Engine's objective worse than the peer's."""
    later_max_days: int = 0
    """Most days the engine's deal earliest is after the peer's, over ``later`` cases."""
    later_max_lateness: int = 0
    """Most calendar days of extra total lateness, over ``later`` cases."""
    earlier: int = 0
    """Engine better than a proven peer optimum: a bug (engine or peer)."""
    better_than_unproven: int = 0
    """Engine better than the peer's best when the peer did not prove it."""
    peer_not_proven: int = 0
    engine_proven: int = 0
    """Cases where the engine says every line's date is proven."""
    engine_reports_proofs: bool = True
    """False when the engine's line results carry no ``proven`` (an older engine)."""
    proof_beaten: int = 0
    """... of which the proven peer does better: a bug (the engine's proof or the peer)."""
    engine_none: int = 0
    """Engine found no date for some line, the peer did."""
    peer_none: int = 0
    deal_agrees: int = 0
    """Same deal earliest (latest line date) as the peer."""
    lines: int = 0
    lines_later: int = 0
    lines_earlier: int = 0
    """Lines the engine delivers before the peer's line (a trade-off, not a bug alone)."""
    engine_invalid: int = 0
    """Engine schedules breaking a rule as the peer reads them."""
    peer_invalid: int = 0
    """Peer schedules failing the peer's own rule check (a bug of the peer)."""
    engine_seconds: list[float] = field(default_factory=list)
    peer_seconds: list[float] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    """Full reports of the cases to investigate (earlier, invalid)."""
    later_cases: list[str] = field(default_factory=list)
    """One line per ``later`` case."""

    def add(self, c: Compared) -> None:
        """Count one compared case."""
        self.cases += 1
        self.binding += c.binding
        self.engine_seconds.append(c.engine_seconds)
        self.peer_seconds.append(c.peer.seconds)
        if not c.peer.proven:
            self.peer_not_proven += 1
        self.deal_agrees += c.deal_agrees
        self.engine_proven += bool(c.engine_proven)
        self.engine_reports_proofs &= c.engine_proven is not None
        self.proof_beaten += c.proof_beaten
        setattr(self, c.outcome, getattr(self, c.outcome) + 1)
        for e, p in zip(c.engine_dates, c.peer.dates, strict=True):
            self.lines += 1
            if e is not None and p is not None:
                self.lines_later += e > p
                self.lines_earlier += e < p
        if c.outcome == "later" and c.engine_objective and c.peer.objective:
            days = c.engine_objective[2] - c.peer.objective[2]
            extra = c.engine_objective[1] - c.peer.objective[1]
            self.later_max_days = max(self.later_max_days, days)
            self.later_max_lateness = max(self.later_max_lateness, extra)
            self.later_cases.append(
                f"case {c.case.index}: engine {c.engine_objective} peer {c.peer.objective}"
                f" (lines late, lateness, last day, sum of days from {c.case.as_of})"
            )
        self.engine_invalid += bool(c.engine_problems)
        self.peer_invalid += bool(c.peer_problems)
        if c.outcome == "earlier" or c.proof_beaten or c.engine_problems or c.peer_problems:
            self.findings.append(c.report())


def run(
    cases: int = 200,
    seed: int = 0,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> Figures:
    """Generate ``cases`` cases from ``seed``, compare each, and count."""
    fig = Figures(seed)
    for k in range(cases):
        fig.add(compare(generate(seed, k), time_limit))
        if progress and (k + 1) % 20 == 0:
            progress(f"differential: {k + 1}/{cases}")
    return fig


def _quantile(xs: Sequence[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def render(fig: Figures, command: str) -> str:
    """The figures as a short markdown table."""
    later = f"{fig.later}"
    if fig.later:
        later += f" (deal earliest up to {fig.later_max_days} days later,"
        later += f" total lateness up to {fig.later_max_lateness} days more)"
    rows = [
        ("cases", f"{fig.cases} (seed {fig.seed})"),
        ("cases where capacity or stock binds", f"{fig.binding}"),
        ("identical per-line dates", f"{fig.identical}"),
        ("same objective, other per-line dates", f"{fig.tie}"),
        ("engine later than peer (objective)", later),
        ("**engine earlier than proven peer (bug)**", f"**{fig.earlier}**"),
        ("engine better than unproven peer", f"{fig.better_than_unproven}"),
        ("peer not proven optimal", f"{fig.peer_not_proven}"),
        (
            "engine says all its dates are proven",
            f"{fig.engine_proven}" if fig.engine_reports_proofs else "n/a (no `proven`)",
        ),
        ("**... but the proven peer does better (bug)**", f"**{fig.proof_beaten}**"),
        ("same deal earliest (latest line date)", f"{fig.deal_agrees}"),
        (
            "lines later / earlier than peer's",
            f"{fig.lines_later} / {fig.lines_earlier} of {fig.lines}",
        ),
        ("engine found no date (peer did)", f"{fig.engine_none}"),
        ("engine schedules breaking a rule", f"{fig.engine_invalid}"),
        ("peer schedules failing its own check", f"{fig.peer_invalid}"),
        (
            "engine seconds, median / max",
            f"{_quantile(fig.engine_seconds, 0.5):.3f} / {max(fig.engine_seconds, default=0):.3f}",
        ),
        (
            "peer seconds, median / max",
            f"{_quantile(fig.peer_seconds, 0.5):.3f} / {max(fig.peer_seconds, default=0):.3f}",
        ),
    ]
    out = [f"`{command}`", "", "| figure | value |", "|---|---|"]
    out += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(out) + "\n"


def section(fig: Figures, command: str) -> list[str]:
    """The figures as a BENCHMARKS.md section, with the targets."""
    share = fig.identical / fig.cases if fig.cases else 0.0
    same = (fig.identical + fig.tie) / fig.cases if fig.cases else 0.0
    return [
        "## Differential: `check` against an independent CP-SAT model",
        "",
        "`bench/differential.py` draws small models in SPEC's full semantics (effort, fixed",
        "and wait steps, own calendars, closures, capacity changes, reservations, a material",
        "with receipts and replenishment, per-unit and per-line steps, notice, a deal start,",
        "one or two lines) and checks each deal with the engine's public API; `bench/",
        "exact_peer.py` models the same problem from SPEC's text with CP-SAT, written without",
        "the engine's scheduling code, and solves it to optimality (SPEC's objective: fewest",
        "late lines, least lateness, earliest full delivery, smallest sum of line days; then",
        "README's tie-break, lines due sooner delivered sooner).",
        "Every schedule of both is checked against the rules.",
        "",
        *render(fig, command).splitlines()[2:],
        "",
        "| target | reached | |",
        "| --- | --- | --- |",
        f"| identical dates >= 99 % | {share:.1%} per-line identical; {same:.1%} the same"
        f" objective (the rest are ties) | {'met' if share >= 0.99 else '**not met**'} |",
        f"| no date earlier than possible | {fig.earlier + fig.proof_beaten} cases |"
        f" {'met' if fig.earlier + fig.proof_beaten == 0 else '**not met**'} |",
        f"| every schedule valid | {fig.engine_invalid} invalid |"
        f" {'met' if fig.engine_invalid == 0 else '**not met**'} |",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (and every finding in full)."""
    p = argparse.ArgumentParser(prog="python -m bench.differential", description=__doc__)
    p.add_argument("--cases", type=int, default=200, help="cases to generate (default 200)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument(
        "--time-limit",
        type=float,
        default=TIME_LIMIT,
        help=f"CP-SAT seconds per case (default {TIME_LIMIT:g})",
    )
    p.add_argument("--later", action="store_true", help="list the cases where the engine is later")
    args = p.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    fig = run(args.cases, args.seed, args.time_limit, progress=log)
    shown = f"python -m bench.differential --cases {args.cases} --seed {args.seed}"
    sys.stdout.write(render(fig, shown))
    if args.later and fig.later_cases:
        sys.stdout.write("\nEngine later:\n" + "".join(f"- {t}\n" for t in fig.later_cases))
    for text in fig.findings:
        sys.stdout.write("\n```yaml\n" + text + "\n```\n")
    bugs = fig.earlier + fig.proof_beaten + fig.engine_invalid + fig.peer_invalid
    return 1 if bugs else 0


if __name__ == "__main__":
    raise SystemExit(main())
