"""How long `validate` and `check` take per fuzzed input (the test suite asserts no times).

    python -m tests.hostile.measure [N] [--seed S]

Draws N inputs (default 300) from the same strategies as tests/test_fuzz.py (mutations of
every valid file, random documents), plus the corpus of tests/hostile/files and its
generated cases, runs each end to end in this process, and prints the max, p99, p90 and
median seconds per input (validate + check) and the slowest inputs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator

from hypothesis import HealthCheck, given, seed, settings

from tests.hostile.corpus import cases
from tests.hostile.fuzz import Kind, Source, assert_clean, mutations, random_documents, run_input

Sample = tuple[str, Kind, bytes, str]


def draw(count: int, seed_value: int) -> list[Sample]:
    """``count`` fuzzed inputs, reproducibly, half mutations, half random documents."""
    out: list[Sample] = []

    @seed(seed_value)
    @settings(
        max_examples=count // 2,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutations(), random_documents())
    def collect(mutated: tuple[Source, bytes, str], document: tuple[Kind, bytes]) -> None:
        source, content, what = mutated
        out.append((f"{source.name}: {what}", source.kind, content, source.name))
        out.append(("random document", document[0], document[1], "fuzz.yaml"))

    collect()
    return out


def corpus() -> Iterator[Sample]:
    for case in cases():
        yield f"corpus {case.name}", case.kind, case.data(), case.name


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    samples = [*draw(args.count, args.seed), *corpus()]
    timed: list[tuple[float, float, float, str]] = []
    started = time.perf_counter()
    for label, kind, content, name in samples:
        runs = run_input(kind, content, name)
        for run in runs:
            assert_clean(run)
        validate, check = (r.seconds for r in runs)
        timed.append((validate + check, validate, check, f"{label} -> exit {runs[1].code}"))
    totals = [t[0] for t in timed]
    print(f"{len(timed)} inputs in {time.perf_counter() - started:.1f} s (validate + check each)")
    for name, values in (("per input", totals), ("validate", [t[1] for t in timed]),
                         ("check", [t[2] for t in timed])):  # fmt: skip
        print(
            f"{name:>10}: max {max(values):.3f} s  p99 {percentile(values, 0.99):.3f} s  "
            f"p90 {percentile(values, 0.90):.3f} s  median {statistics.median(values):.3f} s"
        )
    print("slowest:")
    for total, validate, check, label in sorted(timed, reverse=True)[:8]:
        print(f"  {total:6.3f} s (validate {validate:.3f}, check {check:.3f})  {label[:90]}")
    over = sum(t > 2.0 for t in totals)
    print(f"over 2 s: {over} of {len(totals)}")


if __name__ == "__main__":
    main()
