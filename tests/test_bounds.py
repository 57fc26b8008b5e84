"""Bounds on the work one input asks for, each refused at validation with a located
message, and a cap on how many problems of one kind are printed (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility.engine import offers, solve, trial
from feasibility.engine.check import check_deals
from feasibility.engine.solve import Scheduled
from feasibility.errors import MAX_LIKE, InputError, Problem, Unplaced, capped, placed_capped
from feasibility.io.pipeline_csv import MAX_COLUMNS, MAX_ROWS, read_pipeline
from feasibility.validation.bounds import MAX_TASKS
from tests.conftest import AS_OF, CliRunner, repository_copy
from tests.factories import capacity, deal

HEAD = "id: BIG-1\ncustomer: Big Co\nlines:\n"
BOOKED = "booking: {booked_on: 2026-11-20, by: ops}\n"


def test_a_booking_of_millions_of_tasks_is_refused_before_planning(
    cli: CliRunner, tmp_path: Path
) -> None:
    # site-rollout: 5 steps per site and 3 per line; 4 lines x 10,000 sites = 200,012 tasks.
    folder = repository_copy(tmp_path)
    lines = "  - {offering: site-rollout, quantity: 10000, due: 2027-06-30}\n" * 4
    (folder / "bookings/BIG-1.yaml").write_text(HEAD + lines + BOOKED)
    done = cli("validate", cwd=folder)
    assert done.returncode == 1
    assert (
        "bookings/BIG-1.yaml:4:5: error: lines[0]: the deal asks for 200,012 step instances "
        f"(quantity x steps of each line's offering and features), more than {MAX_TASKS:,}; "
        "split it into smaller deals"
    ) in done.stdout.splitlines()
    checked = cli("check", "examples/on-time.yaml", cwd=folder)
    assert checked.returncode == 2 and "bookings/BIG-1.yaml:4:5: lines[0]" in checked.stderr


def test_check_and_load_refuse_a_deal_of_too_many_tasks_at_the_line(
    cli: CliRunner, tmp_path: Path
) -> None:
    # 4,000 sites x 5 steps + 3 = 20,003 tasks on the second line (the first has 8).
    text = HEAD + "  - {offering: site-rollout}\n  - {offering: site-rollout, quantity: 4000}\n"
    (tmp_path / "big.yaml").write_text(text)
    message = "big.yaml:5:5: lines[1]: the deal asks for 20,011 step instances"
    for command in ("check", "load --with"):
        done = cli(*command.split(), tmp_path / "big.yaml")
        assert done.returncode == 2, done.stderr
        assert done.stderr.replace(str(tmp_path) + "/", "").startswith(message)


def test_a_pipeline_deal_of_too_many_tasks_is_refused_at_its_first_row(
    cli: CliRunner, tmp_path: Path
) -> None:
    csv = "id,customer,offering,quantity\nA,Acme,training,1\nB,Bee,site-rollout,5000\n"
    (tmp_path / "p.csv").write_text(csv)
    done = cli("pipeline", tmp_path / "p.csv")
    assert done.returncode == 2
    assert done.stderr.replace(str(tmp_path) + "/", "").startswith(
        "p.csv:3:1: lines[0]: the deal asks for 25,003 step instances"
    )


def test_an_id_too_long_says_how_long(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(
        f"id: {'X' * 101}\ncustomer: Big Co\nlines:\n  - {{offering: training}}\n"
    )
    done = cli("validate", tmp_path / "d.yaml")
    assert done.returncode == 1
    assert "d.yaml:1:5: error: id: 101 characters, more than 100; shorten it" in done.stdout


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            "  - {offering: training}\n" * 1001,
            "lines: 1,001 items, more than 1,000; split the deal into several deals",
        ),
        (
            "  - {offering: training, features: [" + ", ".join(f"f{i}" for i in range(51)) + "]}\n",
            "lines[0].features: 51 items, more than 50; ask for fewer features, or split the line",
        ),
        (
            "  - {offering: training, features: [" + ", ".join(["remote-delivery"] * 3000) + "]}\n",
            "lines[0].features: 3,000 items, more than 50; ask for fewer features, or split the "
            "line",
        ),
        (
            "  - {offering: training, features: [remote-delivery, sso, remote-delivery]}\n",
            "lines[0].features: feature 'remote-delivery' is listed twice; list each feature once",
        ),
    ],
)
def test_lines_and_features_are_bounded(
    cli: CliRunner, tmp_path: Path, lines: str, message: str
) -> None:
    (tmp_path / "d.yaml").write_text(HEAD + lines)
    done = cli("validate", tmp_path / "d.yaml")
    assert done.returncode == 1
    assert any(line.endswith(message) for line in done.stdout.splitlines()), done.stdout


def test_a_header_of_thousands_of_long_names_is_one_short_message(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(",".join(f"column-{i}-" + "x" * 300 for i in range(5000)) + "\n1\n")
    with pytest.raises(InputError) as caught:
        read_pipeline(path)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems] == [
        f"p.csv:1:{MAX_COLUMNS + 1}: the header has 5,000 columns, more than {MAX_COLUMNS}; "
        "export only the columns to read"
    ]


def test_long_column_names_and_missing_columns_stay_short(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(",".join(f"c{i}" for i in range(150)) + ",id," + "y" * 201 + "\n1\n")
    with pytest.raises(InputError) as caught:
        read_pipeline(path)
    assert [p.message for p in caught.value.problems] == [
        "a column name of 201 characters, more than 200; shorten it"
    ]
    path.write_text(",".join(f"c{i}" for i in range(150)) + "\n1\n")
    with pytest.raises(InputError) as caught:
        read_pipeline(path)
    assert caught.value.problems[1].message.startswith(
        "no column 'id' (found: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, "
        "c14, c15, c16, c17, c18, c19 and 130 more)"
    )


def test_a_pipeline_of_too_many_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,customer,offering,quantity\n"
        + "".join(f"A{i},Acme,training,1\n" for i in range(MAX_ROWS + 5))
    )
    with pytest.raises(InputError) as caught:
        read_pipeline(path)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (MAX_ROWS + 2, f"more than {MAX_ROWS:,} rows; split the export")
    ]


def test_problems_of_one_kind_are_capped_and_long_values_cut() -> None:
    many = [Problem(f"b/{i}.yaml", 3, 5, f"unknown offering 'x{i}'; fix it") for i in range(5000)]
    long = Problem("a.yaml", 1, 1, "unknown offering '" + "z" * 500 + "'; fix it")
    out = capped([long, *many])
    assert len(out) == MAX_LIKE + 1
    assert out[0].message == "unknown offering '" + "z" * 80 + "…'; fix it"
    assert out[-1] == Problem(
        f"b/{MAX_LIKE - 1}.yaml", 3, 5, "... and 4,981 more like this; fix these first"
    )
    other = Problem("a.yaml", 2, 1, "missing key 'id'; add it")
    assert capped([other, *many[:3]]) == [other, *many[:3]]


_PROBLEM = st.builds(
    Problem,
    st.sampled_from(["a.yaml", "b/1.yaml", "b/2.yaml", "b/10.yaml", "c.yaml"]),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["unknown offering 'x{}'", "line {} is late"]).flatmap(
        lambda m: st.integers(0, 9).map(m.format)
    ),
    st.sampled_from(["error", "warning"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_PROBLEM, st.booleans()), min_size=MAX_LIKE, max_size=6 * MAX_LIKE))
def test_placed_capped_places_only_what_it_shows_and_gives_capped_of_all(
    drawn: list[tuple[Problem, bool]],
) -> None:
    asked: list[Problem] = []

    def unplaced(p: Problem) -> Unplaced:
        def locate() -> tuple[int, int]:
            asked.append(p)
            return p.line, p.column

        return Unplaced(p.file, locate, p.message, p.severity)

    given_ = [unplaced(p) if lazy else p for p, lazy in drawn]
    problems = [p for p, _ in drawn]
    expected = capped(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    assert placed_capped(given_) == expected
    shown_files = {p.file for p in expected}
    assert all(p.file in shown_files for p in asked)


def test_validate_prints_a_few_of_thousands_of_bad_bookings(cli: CliRunner, tmp_path: Path) -> None:
    folder = repository_copy(tmp_path)
    for i in range(60):
        text = f"id: X-{i}\ncustomer: C\nlines:\n  - {{offering: nope}}\n" + BOOKED
        (folder / f"bookings/X-{i}.yaml").write_text(text)
    done = cli("validate", cwd=folder)
    unknown = [ln for ln in done.stdout.splitlines() if "unknown offering 'nope'" in ln]
    assert len(unknown) == MAX_LIKE
    assert f"... and {60 - MAX_LIKE} more like this; fix these first" in done.stdout


def test_counter_offers_are_sought_for_a_bounded_number_of_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offers re-run the engine for at most ``OFFER_LINES`` lines, however many are late:
    the number of schedules tried does not grow with the lines."""
    model = capacity(
        resources=[{"id": "eng", "unit": "hours", "per_day": 8}],
        offerings=[{"id": "build", "steps": [{"id": "code", "resource": "eng", "effort": 16}]}],
        policy={"exact_work": 0},
    )
    calls: list[int] = []
    real = solve.schedule_deal

    def counted(*args: Any, **kwargs: Any) -> Scheduled:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trial, "schedule_deal", counted)
    counts: list[int] = []
    offered: list[set[int | None]] = []
    for n in (offers.OFFER_LINES + 1, 3 * offers.OFFER_LINES):
        line = {"offering": "build", "due": AS_OF + dt.timedelta(days=2)}
        calls.clear()
        result = check_deals(model, [], [deal(*[line] * n)], AS_OF).deals[0]
        counts.append(len(calls))
        offered.append({o.line for o in result.offers})
    # Line 0 is at risk and gets no offer; lines 1 and 2 get theirs, no later line does.
    assert offered == [{1, 2}] * 2
    # Nine lines try about as many schedules as four (the same three lines get offers, on a
    # longer deal: a few more retries); without the bound, eight lines would get offers.
    assert 0 < counts[1] <= 1.5 * counts[0]
