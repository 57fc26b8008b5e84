"""Confidence: sampled chance of being on time and P50/P80/P95 dates (SPEC, "Confidence")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from feasibility.engine.check import check_deals
from feasibility.engine.confidence import quantile, seed_of, wilson
from feasibility.engine.result import Confidence, DealResult
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.conftest import CliRunner
from tests.factories import capacity, deal
from tests.strategies import property_settings

AS_OF = dt.date(2027, 3, 1)
"""A Monday."""
WEEKDAYS = {"workdays": ["mon", "tue", "wed", "thu", "fri"]}


def model(
    *,
    estimate: dict[str, float] | None = None,
    wait: dict[str, float] | None = None,
    availability: float = 1.0,
    samples: int = 200,
    **policy: Any,
) -> CapacityFile:
    """One engineer of 8 hours a day: design (16 h, at most 8 a day), a wait of 5 days,
    then a one-day install; estimates and availability as given."""
    design: dict[str, Any] = {"id": "design", "resource": "eng", "effort": 16, "max_per_day": 8}
    if estimate is not None:
        design["estimate"] = estimate
    pause: dict[str, Any] = {"id": "pause", "days": 5}
    if wait is not None:
        pause["estimate"] = wait
    steps = [design, pause, {"id": "install", "days": 1, "uses": {"eng": 4}}]
    return capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "eng", "per_day": 8, "availability": availability}],
        offerings=[{"id": "job", "steps": steps}],
        policy={"min_slack_days": 0, "target_utilization": 1.0, "samples": samples, **policy},
    )


def check(m: CapacityFile, due: dt.date, quantity: int = 1) -> DealResult:
    d: Deal = deal({"offering": "job", "quantity": quantity, "due": str(due)})
    return check_deals(m, [], [d], AS_OF).deals[0]


def confidence(result: DealResult) -> Confidence:
    c = result.lines[0].confidence
    assert c is not None
    return c


def test_a_model_without_estimates_is_not_sampled() -> None:
    result = check(model(), dt.date(2027, 3, 31))
    assert result.lines[0].confidence is None
    assert all(r.code != "LOW_CONFIDENCE" for r in result.reasons)


def test_degenerate_estimates_give_the_deterministic_date_with_certainty() -> None:
    plain = check(model(), dt.date(2027, 3, 31))
    result = check(
        model(estimate={"low": 16, "high": 16}, wait={"low": 5, "high": 5}),
        plain.lines[0].due or AS_OF,
    )
    c = confidence(result)
    assert c.p_on_time == 1
    assert c.p50 == c.p80 == c.p95 == plain.earliest == result.earliest


def test_estimates_that_always_round_to_the_likely_days_sample_the_deterministic_date() -> None:
    # A real sampling run (low < high): every draw rounds to 5 working days, so every
    # sample is the deterministic schedule again.
    plain = check(model(), dt.date(2027, 3, 31))
    c = confidence(check(model(wait={"low": 4.6, "high": 5.4}), dt.date(2027, 3, 31)))
    assert c.p_on_time == 1
    assert c.p50 == c.p95 == plain.earliest
    assert c.dates == ((plain.earliest, c.samples),)


def test_same_files_and_date_give_the_same_numbers() -> None:
    m = model(estimate={"low": 10, "high": 40}, availability=0.8)
    first = confidence(check(m, dt.date(2027, 3, 12)))
    second = confidence(check(m, dt.date(2027, 3, 12)))
    assert first == second
    assert 0 < (first.p_on_time or 0) < 1


def test_the_seed_depends_on_the_deal_and_the_date_only() -> None:
    assert seed_of("BL-1", "2027-03-01") == seed_of("BL-1", "2027-03-01")
    assert seed_of("BL-1", "2027-03-01") != seed_of("BL-1", "2027-03-02")
    assert seed_of("BL-1", "2027-03-01") != seed_of("BL-2", "2027-03-01")


def test_on_time_at_the_likely_values_but_late_at_p80_is_at_risk_with_a_later_offer() -> None:
    # Design 16 h is most likely (2 days) but may take 40 h (5 days): deterministic
    # delivery Tue 03-09 meets due 03-10, but most samples are later.
    m = model(estimate={"low": 14, "high": 48})
    result = check(m, dt.date(2027, 3, 10))
    line = result.lines[0]
    assert line.earliest is not None and line.earliest <= dt.date(2027, 3, 10)
    c = confidence(result)
    assert c.p80 is not None and c.p80 > dt.date(2027, 3, 10)
    assert result.verdict == "at_risk"
    assert [r.code for r in result.reasons] == ["LOW_CONFIDENCE"]
    later = [o for o in result.offers if o.kind == "later_date"]
    assert later and later[0].date is not None
    assert later[0].date >= (quantile(c, m.policy.confidence) or AS_OF)
    again = check(m, later[0].date)
    assert (confidence(again).p_on_time or 0) >= m.policy.confidence
    assert again.verdict == "feasible"


def test_a_late_line_stays_infeasible_without_a_confidence_reason() -> None:
    result = check(model(estimate={"low": 14, "high": 48}), dt.date(2027, 3, 2))
    assert result.verdict == "infeasible"
    assert all(r.code != "LOW_CONFIDENCE" for r in result.reasons)


@property_settings(share=10)
@given(
    early=st.integers(min_value=0, max_value=20),
    later=st.integers(min_value=0, max_value=10),
    high=st.floats(min_value=16, max_value=60),
)
def test_a_later_due_date_never_lowers_the_chance(early: int, later: int, high: float) -> None:
    m = model(estimate={"low": 12, "high": high}, wait={"low": 3, "high": 9}, samples=60)
    due = AS_OF + dt.timedelta(days=7 + early)
    first = confidence(check(m, due, quantity=2))
    second = confidence(check(m, due + dt.timedelta(days=later), quantity=2))
    assert (first.p_on_time or 0) <= (second.p_on_time or 0)


@property_settings(share=10)
@given(
    less=st.floats(min_value=0.3, max_value=1.0),
    more=st.floats(min_value=0.0, max_value=0.7),
    due=st.integers(min_value=7, max_value=30),
)
def test_more_availability_never_lowers_the_chance(less: float, more: float, due: int) -> None:
    higher = min(1.0, less + more)
    day = AS_OF + dt.timedelta(days=due)
    low = confidence(
        check(model(estimate={"low": 12, "high": 30}, availability=less, samples=60), day, 2)
    )
    high = confidence(
        check(model(estimate={"low": 12, "high": 30}, availability=higher, samples=60), day, 2)
    )
    assert (low.p_on_time or 0) <= (high.p_on_time or 0)


def test_wilson_interval_holds_the_share_and_narrows_with_more_samples() -> None:
    for p in (0.0, 0.3, 0.5, 1.0):
        low, high = wilson(p, 500)
        assert low <= p <= high
        wide = wilson(p, 50)
        assert wide[1] - wide[0] > high - low
    low, high = wilson(0.5, 500)
    assert 0.04 < (high - low) / 2 < 0.05


def test_quantiles_are_the_first_day_reaching_the_share() -> None:
    days = tuple((AS_OF + dt.timedelta(days=i), k) for i, k in enumerate([1, 3, 0, 6]))
    c = Confidence(10, None, None, dates=days)
    assert quantile(c, 0.1) == AS_OF
    assert quantile(c, 0.4) == AS_OF + dt.timedelta(days=1)
    assert quantile(c, 0.5) == AS_OF + dt.timedelta(days=3)
    assert quantile(c, 1.0) == AS_OF + dt.timedelta(days=3)


CAPACITY = """\
version: 1
company: Test Co
calendar: {workdays: [mon, tue, wed, thu, fri]}
resources:
  - {id: eng, per_day: 8, availability: 0.9}
offerings:
  - id: job
    steps:
      - {id: design, resource: eng, effort: 16, max_per_day: 8, estimate: {low: 14, high: 48}}
      - {id: install, days: 1, uses: {eng: 4}}
policy: {min_slack_days: 0, samples: 100}
"""
DEAL = """\
id: D-1
customer: C
lines:
  - {offering: job, quantity: 1, due: 2027-03-04}
"""


def test_json_and_text_carry_the_confidence_of_each_line(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "capacity.yaml").write_text(CAPACITY)
    (tmp_path / "deal.yaml").write_text(DEAL)
    out = cli("check", "deal.yaml", "--as-of", str(AS_OF), "--format", "json", cwd=tmp_path)
    assert out.returncode == 3, out.stderr
    line = json.loads(out.stdout)["deals"][0]["lines"][0]
    c = line["confidence"]
    assert c["samples"] == 100
    assert c["interval"][0] <= c["p_on_time"] <= c["interval"][1]
    assert c["p50"] <= c["p80"] <= c["p95"]
    assert sum(x["samples"] for x in c["distribution"]) + c["beyond_horizon"] == c["samples"]
    text = cli("check", "deal.yaml", "--as-of", str(AS_OF), cwd=tmp_path).stdout
    assert "Confidence (100 samples" in text
    assert f"{round(c['p_on_time'] * 100)}%" in text
    assert c["p80"] in text and "LOW_CONFIDENCE" in text


def test_a_deal_is_on_time_in_full_no_more_often_than_its_least_likely_line() -> None:
    m = model(estimate={"low": 12, "high": 40}, availability=0.8, samples=100)
    d = deal(
        {"offering": "job", "quantity": 1, "due": "2027-03-10"},
        {"offering": "job", "quantity": 2, "due": "2027-03-12"},
    )
    result = check_deals(m, [], [d], AS_OF).deals[0]
    chances = [ln.confidence.p_on_time for ln in result.lines if ln.confidence]
    assert len(chances) == 2 and result.p_on_time is not None
    assert result.p_on_time <= min(c for c in chances if c is not None)


def test_pipeline_expects_the_sum_of_the_deals_chances() -> None:
    from feasibility.engine.pipeline import check_pipeline

    m = model(estimate={"low": 12, "high": 40}, samples=100)
    deals = [
        deal({"offering": "job", "quantity": q, "due": due}, id=f"D-{q}")
        for q, due in ((1, "2027-03-10"), (2, "2027-03-12"), (1, "2027-03-05"))
    ]
    result = check_pipeline(m, [], deals, AS_OF)
    expected = result.expected_on_time()
    assert expected is not None
    assert expected[1] == 3
    assert expected[0] == sum(d.alone.p_on_time or 0 for d in result.deals)
    assert check_pipeline(model(), [], deals, AS_OF).expected_on_time() is None


def test_the_timeline_draws_the_p50_to_p95_band(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "capacity.yaml").write_text(CAPACITY)
    (tmp_path / "deal.yaml").write_text(DEAL)
    text = cli("check", "deal.yaml", "--as-of", str(AS_OF), "--timeline", cwd=tmp_path).stdout
    band = next(row for row in text.splitlines() if row.startswith("P50 to P95"))
    assert "▒" in band
    plain = CAPACITY.replace(", estimate: {low: 14, high: 48}", "").replace(
        ", availability: 0.9", ""
    )
    (tmp_path / "capacity.yaml").write_text(plain)
    text = cli("check", "deal.yaml", "--as-of", str(AS_OF), "--timeline", cwd=tmp_path).stdout
    assert "P50 to P95" not in text and "Confidence" not in text


def test_the_readme_example_is_on_time_at_the_likely_values_but_late_at_p80(
    cli: CliRunner,
) -> None:
    out = cli(
        "check", "examples/confidence/tight-permits.yaml",
        "--capacity", "examples/confidence/capacity.yaml",
        "--as-of", "2026-11-23", "--format", "json",
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    line = json.loads(out.stdout)["deals"][0]["lines"][0]
    assert line["slack_days"] >= 5
    assert line["confidence"]["p80"] > line["due"]


def test_load_percentiles_grow_with_the_percentile_and_match_the_schedule_when_certain() -> None:
    from feasibility.engine.load import load_report

    d = deal({"offering": "job", "quantity": 2, "due": "2027-03-19"})
    certain = model(estimate={"low": 16, "high": 16})
    plain = load_report(certain, [], AS_OF, weeks=4, deal=d)
    p80 = load_report(certain, [], AS_OF, weeks=4, deal=d, percentile=80)
    assert [w.deal for w in p80.resources[0].weeks] == [w.deal for w in plain.resources[0].weeks]
    assert p80.percentile == 80 and plain.percentile is None
    varied = model(estimate={"low": 8, "high": 40}, availability=0.7, samples=100)
    low = load_report(varied, [], AS_OF, weeks=4, deal=d, percentile=20)
    high = load_report(varied, [], AS_OF, weeks=4, deal=d, percentile=95)
    for a, b in zip(low.resources[0].weeks, high.resources[0].weeks, strict=True):
        assert a.deal <= b.deal + 1e-9


def test_load_percentile_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "capacity.yaml").write_text(CAPACITY)
    (tmp_path / "deal.yaml").write_text(DEAL)
    args = ("load", "--as-of", str(AS_OF), "--with", "deal.yaml", "--weeks", "3")
    out = cli(*args, "--percentile", "80", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["deal"]["percentile"] == 80
    assert "P80 load" in cli(*args, "--percentile", "80", cwd=tmp_path).stdout
    assert cli(*args, "--percentile", "100", cwd=tmp_path).returncode == 2
