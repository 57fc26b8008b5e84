"""`feasibility pipeline`: each deal alone and if all close; the command and its output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from feasibility.engine.check import check_deal, check_deals
from feasibility.engine.commitments import build_plan
from feasibility.engine.pipeline import PipelineResult, check_pipeline, heuristic_only
from feasibility.io.pipeline_csv import read_pipeline
from feasibility.models.deal import Booking, Deal
from feasibility.workspace import Workspace, load_workspace
from tests.conftest import AS_OF, REPO, CliRunner
from tests.test_pipeline_csv import EXAMPLE, HEADER, write
from tests.ttyrun import run_on_tty


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(REPO / "capacity.yaml")


OFFERINGS = {
    "site-rollout": (1, 6, ["sso", "custom-dashboard", "bms-integration"]),
    "gateway-upgrade": (1, 10, ["remote-firmware", "lte-backup"]),
    "training": (1, 4, ["remote-delivery", "certification-exam"]),
    "integration": (1, 3, ["rest-api", "historical-backfill"]),
}


def make_pipeline_csv(path: Path, deals: int, seed: int = 7) -> Path:
    """A CRM export of ``deals`` deals of 1-3 lines each over the repository's offerings,
    due through 2027 (one line in ten without a due date), deterministic for a seed."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "customer", "owner", "offering", "quantity", "due", "features"])
        for k in range(deals):
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                offering = rng.choice(list(OFFERINGS))
                low, high, features = OFFERINGS[offering]
                due = dt.date(2027, 1, 15) + dt.timedelta(days=rng.randint(0, 360))
                writer.writerow(
                    [
                        f"PL-{k:04d}",
                        f"Customer {k}",
                        "Sam Reyes <sam.reyes@example.com>",
                        offering,
                        rng.randint(low, high),
                        "" if rng.random() < 0.1 else due.isoformat(),
                        ";".join(rng.sample(features, rng.randint(0, 1))),
                    ]
                )
    return path


# --- the core: alone and if all close -----------------------------------------------------


@pytest.fixture(scope="module")
def example(workspace: Workspace) -> PipelineResult:
    """The example pipeline, checked as of the examples' date."""
    rows = read_pipeline(EXAMPLE).deals
    return check_pipeline(
        workspace.capacity.model,
        workspace.booked_deals,
        [r.deal for r in rows],
        AS_OF,
        lines=[r.line for r in rows],
        exact=True,
    )


def test_without_exact_alone_is_what_the_heuristic_says(workspace: Workspace) -> None:
    deals = [r.deal for r in read_pipeline(EXAMPLE).deals]
    model, bookings = workspace.capacity.model, workspace.booked_deals
    result = check_pipeline(model, bookings, deals, AS_OF)
    checked = check_deals(heuristic_only(model), bookings, deals, AS_OF).deals
    assert [d.alone for d in result.deals] == [replace(c, offers=[]) for c in checked]


def test_several_jobs_give_what_one_gives(workspace: Workspace, tmp_path: Path) -> None:
    rows = read_pipeline(make_pipeline_csv(tmp_path / "p40.csv", 40)).deals
    model, bookings, deals = (
        workspace.capacity.model,
        workspace.booked_deals,
        [r.deal for r in rows],
    )
    calls: list[int] = []
    many = check_pipeline(model, bookings, deals, AS_OF, jobs=3, progress=lambda: calls.append(1))
    assert many == check_pipeline(model, bookings, deals, AS_OF, jobs=1)
    assert len(calls) == 80


@pytest.mark.slow
def test_the_command_prints_the_same_with_any_jobs(cli: CliRunner, tmp_path: Path) -> None:
    path = make_pipeline_csv(tmp_path / "p30.csv", 30, seed=3)
    outputs = set()
    for fmt in ("text", "json"):
        for jobs in ("1", "2", "5"):
            run = cli("pipeline", path, "--as-of", AS_OF, "-f", fmt, "--jobs", jobs)
            assert run.returncode in {0, 1, 3}, run.stderr
            outputs.add((fmt, run.stdout))
        default = cli("pipeline", path, "--as-of", AS_OF, "-f", fmt)  # every core
        outputs.add((fmt, default.stdout))
    assert len(outputs) == 2


def test_alone_is_what_check_says(workspace: Workspace, example: PipelineResult) -> None:
    deals = [r.deal for r in read_pipeline(EXAMPLE).deals]
    model, bookings = workspace.capacity.model, workspace.booked_deals
    result = example
    checked = check_deals(model, bookings, deals, AS_OF).deals
    assert [(d.alone.verdict, d.alone.score, d.alone.earliest) for d in result.deals] == [
        (c.verdict, c.score, c.earliest) for c in checked
    ]
    assert result.deals[0].if_all_close == result.deals[0].alone


def test_if_all_close_is_what_check_says_once_the_earlier_deals_are_booked(
    workspace: Workspace, example: PipelineResult
) -> None:
    deals = [r.deal for r in read_pipeline(EXAMPLE).deals]
    model, bookings = workspace.capacity.model, workspace.booked_deals
    result = example
    later = dt.date(2099, 1, 1)
    booked = [
        d.model_copy(
            update={
                "booking": Booking(
                    booked_on=later + dt.timedelta(days=k),
                    by="t",
                    plan=result.deals[k].if_all_close.plan,
                )
            }
        )
        for k, d in enumerate(deals)
    ]
    for k, deal in enumerate(deals):
        plan = build_plan(model, [*bookings, *booked[:k]], AS_OF)
        assert result.deals[k].if_all_close == check_deal(plan, deal), deal.id


def test_pipeline_verdicts_of_the_example(example: PipelineResult) -> None:
    result = example
    assert [(d.line, d.alone.verdict, d.if_all_close.verdict, d.worse) for d in result.deals] == [
        (2, "feasible", "feasible", False),
        (4, "feasible", "feasible", False),
        (5, "feasible", "feasible", False),
        (6, "feasible", "feasible", False),
        (7, "feasible", "at_risk", True),
        (9, "at_risk", "at_risk", False),
        (10, "feasible", "at_risk", True),
        (11, "infeasible", "infeasible", False),
    ]
    assert result.verdict == "infeasible"
    assert result.counts() == {"feasible": 6, "at_risk": 1, "infeasible": 1}
    assert result.counts(if_all_close=True) == {"feasible": 4, "at_risk": 3, "infeasible": 1}
    assert result.first_worse is result.deals[4]
    dates = [(d.alone.earliest, d.if_all_close.earliest) for d in result.deals]
    assert all(a is not None and b is not None and b >= a for a, b in dates)


def test_a_deal_already_booked_is_flagged_and_progress_is_reported(workspace: Workspace) -> None:
    booked = workspace.booked_deals[0]
    fresh = Deal.model_validate(
        {"id": "NEW-1", "customer": "N", "lines": [{"offering": "training"}]}
    )
    calls: list[int] = []
    result = check_pipeline(
        workspace.capacity.model,
        workspace.booked_deals,
        [booked.model_copy(update={"booking": None}), fresh],
        AS_OF,
        progress=lambda: calls.append(1),
        exact=True,
    )
    assert [d.booked for d in result.deals] == [True, False]
    # checked in place of its booking, not on top of it: what check says with the others only
    others = build_plan(workspace.capacity.model, workspace.booked_deals[1:], AS_OF)
    assert result.deals[0].alone == check_deal(others, booked.model_copy(update={"booking": None}))
    assert [d.line for d in result.deals] == [None, None]
    assert len(calls) == 4  # each deal alone, then each if all close


# --- the command ----------------------------------------------------------------------------


def test_text_summary(cli: CliRunner) -> None:
    run = cli("pipeline", EXAMPLE.relative_to(REPO), "--as-of", AS_OF)
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[0].rstrip() == (
        "examples/pipeline.csv: 8 deals · Brightline Systems capacity as of 2026-11-23"
    )
    assert lines[1].rstrip() == (
        "line deal        customer                 alone      score earliest   if all close score "
        "earliest"
    )
    table = [ln.split() for ln in lines[2:10]]
    assert [(row[0], row[1]) for row in table] == [
        ("2", "BL-2027-010"), ("4", "BL-2027-011"), ("5", "BL-2027-012"), ("6", "BL-2027-013"),
        ("7", "BL-2027-014"), ("9", "BL-2027-015"), ("10", "BL-2027-016"), ("11", "BL-2027-017"),
    ]  # fmt: skip
    assert "Riverside Community Col…" in lines[4]
    assert "at risk ↓" in lines[6] and "at risk ↓" in lines[8]
    assert lines[10:13] == [
        "",
        "Alone:        6 feasible · 1 at risk · 1 infeasible",
        "If all close: 4 feasible · 3 at risk · 1 infeasible  (↓: worse than alone)",
    ]
    assert lines[13].startswith(
        "First to get worse if all close: BL-2027-014 (line 7), feasible 2027-01-26 → at risk "
    )
    assert max(len(ln) for ln in lines) <= 100


def test_json(cli: CliRunner) -> None:
    run = cli("pipeline", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert list(data) == ["schema_version", "as_of", "company", "file", "summary", "deals"]
    assert (data["schema_version"], data["as_of"], data["company"]) == (
        1, "2026-11-23", "Brightline Systems",
    )  # fmt: skip
    assert data["summary"] == {
        "deals": 8,
        "alone": {"feasible": 6, "at_risk": 1, "infeasible": 1},
        "if_all_close": {"feasible": 4, "at_risk": 3, "infeasible": 1},
        "first_worse": "BL-2027-014",
        "expected_on_time": None,
    }
    deal = data["deals"][6]
    assert list(deal) == [
        "id", "customer", "owner", "line", "booked", "worse", "alone", "if_all_close",
    ]  # fmt: skip
    assert (deal["id"], deal["line"], deal["booked"], deal["worse"]) == (
        "BL-2027-016",
        10,
        False,
        True,
    )
    assert list(deal["alone"]) == [
        "verdict", "score", "score_components", "earliest", "p_on_time", "lines", "reasons",
    ]  # fmt: skip
    assert [r["code"] for r in deal["if_all_close"]["reasons"]] == ["LOW_SLACK", "MATERIAL"]


def test_csv(cli: CliRunner) -> None:
    run = cli("pipeline", EXAMPLE, "--as-of", AS_OF, "--format", "csv")
    assert run.returncode == 1, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert run.stdout.splitlines()[0] == (
        "line,id,customer,owner,verdict,score,earliest,reasons,verdict_if_all_close,"
        "score_if_all_close,earliest_if_all_close,reasons_if_all_close,"
        "p_on_time,p_on_time_if_all_close"
    )
    assert [r["id"] for r in rows] == [f"BL-2027-0{n}" for n in range(10, 18)]
    last = rows[-1]
    assert (last["line"], last["verdict"], last["reasons"]) == (
        "11", "infeasible", "FEATURE_UNAVAILABLE;CALENDAR",
    )  # fmt: skip
    assert rows[5]["earliest"] == "2027-01-15" and rows[5]["reasons"] == "NEEDS_REVIEW;CALENDAR"


def test_markdown(cli: CliRunner) -> None:
    run = cli("pipeline", EXAMPLE, "--as-of", AS_OF, "--format", "markdown")
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"### Pipeline `{EXAMPLE}`: 8 deals"
    assert lines[4] == (
        "| line | deal | customer | alone | score | earliest | if all close | score | earliest |"
    )
    assert lines[10].startswith(
        "| 7 | BL-2027-014 | Summit Health Partners | ✅ feasible | 91 | 2027-01-26 | ⚠️ at risk ↓ |"
    )
    assert lines[-3:-1] == [
        "- **Alone:** 6 feasible · 1 at risk · 1 infeasible",
        "- **If all close:** 4 feasible · 3 at risk · 1 infeasible",
    ]


def test_exit_code_is_the_worst_alone(cli: CliRunner, tmp_path: Path) -> None:
    feasible = write(tmp_path, HEADER + "A,Acme,,training,1,2027-06-30,\n", "ok.csv")
    at_risk = write(tmp_path, HEADER + "A,Acme,,training,1,,spanish-language\n", "risk.csv")
    assert cli("pipeline", feasible, "--as-of", AS_OF).returncode == 0
    assert cli("pipeline", at_risk, "--as-of", AS_OF).returncode == 3


def test_bad_csv_exits_2_with_every_problem(cli: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,Acme,,training,x,,\nB,,,training,1,,\n")
    run = cli("pipeline", path, "--as-of", AS_OF)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        f"{path}:2:5: quantity: expected a whole number, found 'x'",
        f"{path}:3:2: customer: empty; every row needs a value for customer",
    ]


def test_column_option_end_to_end(cli: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "Deal,Account,Product,Units\nA,Acme,training,1\n")
    args = ["--column", "id=Deal", "--column", "customer=Account", "--column", "offering=Product"]
    run = cli("pipeline", path, "--as-of", AS_OF, "-f", "csv", *args, "--column", "quantity=Units")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].startswith("2,A,Acme,,feasible,")
    bad = cli("pipeline", path, "--column", "nope=Deal")
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: --column 'nope=Deal': unknown field 'nope' (fields: id, customer, owner, start, "
        "offering, quantity, due, features)\n",
    )


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli: CliRunner, tmp_path: Path) -> None:
    path = make_pipeline_csv(tmp_path / "p25.csv", 25)
    run = cli("pipeline", path, "--as-of", AS_OF, "--format", "csv")
    assert run.returncode in {0, 1, 3}, run.stderr
    assert run.stderr == ""
    assert len(run.stdout.splitlines()) == 26


def test_no_progress_bar_for_a_short_run_on_a_terminal() -> None:
    run = run_on_tty("pipeline", EXAMPLE, "--as-of", AS_OF, "-f", "csv", stream="stderr")
    assert (run.returncode, run.tty) == (1, "")
    assert len(run.piped.splitlines()) == 9


@pytest.mark.slow
def test_500_deals_show_progress_and_finish(tmp_path: Path) -> None:
    path = make_pipeline_csv(tmp_path / "p500.csv", 500)
    run = run_on_tty("pipeline", path, "--as-of", AS_OF, "-f", "csv", stream="stderr")
    assert run.returncode in {0, 1, 3}, run.tty
    assert "checking deals" in run.tty
    assert "1000/1000" in run.tty  # 500 deals alone, then 500 if all close
    rows = list(csv.DictReader(io.StringIO(run.piped)))
    assert [r["id"] for r in rows] == [f"PL-{k:04d}" for k in range(500)]
