"""`feasibility load`: weekly capacity, booked work and a deal's work, hand-checked.

The scenario: a Monday-to-Friday calendar, the check date Wednesday 2027-03-03 (so the first
week, from Monday 2027-03-01, counts Wednesday to Friday only), and a closure of the week of
2027-03-22.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from rich.console import Console

from feasibility.engine.load import LoadResult, load_report
from feasibility.engine.weeks import week_start
from feasibility.errors import UsageError
from feasibility.render.heatmap import level, load_csv, load_json, load_text, percent
from tests.conftest import AS_OF, CliRunner
from tests.factories import booking, capacity, deal

WED = dt.date(2027, 3, 3)

MODEL = capacity(
    calendar={
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
        "closures": [{"from": dt.date(2027, 3, 22), "to": dt.date(2027, 3, 26)}],
    },
    resources=[
        {
            "id": "eng",
            "unit": "hours",
            "per_day": 8,
            "changes": [{"from": dt.date(2027, 3, 15), "per_day": 10}],
        },
        {
            "id": "crew",
            "unit": "crews",
            "per_week": 10,
            "calendar": {"closures": [{"from": dt.date(2027, 3, 8), "to": dt.date(2027, 3, 9)}]},
        },
    ],
    offerings=[
        {"id": "build", "steps": [{"id": "code", "resource": "eng", "effort": 16}]},
        {"id": "mount", "steps": [{"id": "hang", "days": 3, "uses": {"crew": 2}}]},
        {
            "id": "fix",
            "steps": [
                {"id": "prep", "resource": "eng", "effort": 6},
                {"id": "install", "days": 2, "uses": {"crew": 1}},
            ],
        },
    ],
    reservations=[
        {"resource": "eng", "from": dt.date(2027, 3, 4), "to": dt.date(2027, 3, 9), "per_day": 3}
    ],
)
BOOKINGS = [
    booking({"offering": "build", "due": dt.date(2027, 3, 31)}, id="B-1", booked_on=WED),
    booking({"offering": "mount", "due": dt.date(2027, 3, 31)}, id="B-2", booked_on=WED),
]
DEAL = deal({"offering": "fix", "due": dt.date(2027, 3, 31)}, id="D-9", start=dt.date(2027, 3, 10))


def scenario(**options: Any) -> LoadResult:
    """The scenario's load over four weeks from the check date's week, with the deal."""
    return load_report(MODEL, BOOKINGS, WED, weeks=4, deal=DEAL, **options)


def render(result: LoadResult) -> str:
    """The heatmap as plain text at width 100."""
    console = Console(width=100, no_color=True, record=True, file=io.StringIO())
    console.print(load_text(result))
    return console.export_text()


def test_load_json_numbers_are_hand_checked() -> None:
    # eng, 8 h a day, 10 from Mon 03-15; 3 h reserved a day Thu 03-04 .. Tue 03-09.
    # B-1 (booked first) codes 16 h from Wed 03-03 in what is free: Wed 8, Thu 8-3=5, Fri 3.
    #   week 03-01: capacity Wed-Fri 3 x 8 = 24 (Mon, Tue are before the check date);
    #               booked 6 reserved (Thu, Fri) + 16 = 22; 22 / 24 = 0.91667
    #   week 03-08: capacity 5 x 8 = 40; booked 6 reserved (Mon, Tue); 6 / 40 = 0.15;
    #               the deal's prep: 6 h on Wed 03-10 (its start), 8 free
    #   week 03-15: capacity 5 x 10 = 50, nothing booked
    #   week 03-22: company closure: capacity 0, utilization null
    # crew, 10 a week over 5 workdays = 2 a day; closed Mon 03-08, Tue 03-09.
    # B-2 hangs with 2 crews for 3 days from Wed 03-03: Wed, Thu, Fri.
    #   week 03-01: capacity 3 x 2 = 6, booked 3 x 2 = 6: full
    #   week 03-08: capacity Wed-Fri 3 x 2 = 6; the deal installs with 1 crew on
    #               Thu 03-11 and Fri 03-12 (after prep on Wed): 2
    #   week 03-15: capacity 10
    data = json.loads(load_json(scenario()))
    assert {k: data[k] for k in ("schema_version", "as_of", "from", "to")} == {
        "schema_version": 1,
        "as_of": "2027-03-03",
        "from": "2027-03-01",
        "to": "2027-03-28",
    }
    assert data["target_utilization"] == 0.85
    assert data["deal"] == {
        "id": "D-9", "verdict": "feasible", "earliest": "2027-03-12", "percentile": None,
    }  # fmt: skip
    weeks = {r["id"]: [list(w.values()) for w in r["weeks"]] for r in data["resources"]}
    assert weeks == {
        # start, capacity, booked, utilization, deal
        "eng": [
            ["2027-03-01", 24, 22, 0.9167, 0],
            ["2027-03-08", 40, 6, 0.15, 6],
            ["2027-03-15", 50, 0, 0.0, 0],
            ["2027-03-22", 0, 0, None, 0],
        ],
        "crew": [
            ["2027-03-01", 6, 6, 1.0, 0],
            ["2027-03-08", 6, 0, 0.0, 2],
            ["2027-03-15", 10, 0, 0.0, 0],
            ["2027-03-22", 0, 0, None, 0],
        ],
    }
    assert [(r["name"], r["unit"]) for r in data["resources"]] == [
        (None, "hours"),
        (None, "crews"),
    ]


def test_without_a_deal_json_has_no_deal_amounts() -> None:
    data = json.loads(load_json(load_report(MODEL, BOOKINGS, WED, weeks=1)))
    assert "deal" not in data
    assert data["resources"][0]["weeks"] == [
        {"start": "2027-03-01", "capacity": 24, "booked": 22, "utilization": 0.9167}
    ]


def test_the_deal_is_overlaid_not_booked() -> None:
    with_deal = scenario()
    alone = load_report(MODEL, BOOKINGS, WED, weeks=4)
    assert [[w.booked for w in r.weeks] for r in with_deal.resources] == [
        [w.booked for w in r.weeks] for r in alone.resources
    ]


def test_heatmap_text_at_width_100() -> None:
    # eng 22/24 = 92 % is above the 85 % target; crew's first week is full; the closed week
    # shows "—"; "+ D-9" rows add the deal where it works: eng (6+6)/40 = 30, crew 2/6 = 33.
    assert render(scenario()) == (
        "Load of Test Co as of 2027-03-03: % of each week's capacity booked\n"
        "with D-9 (Customer) added: feasible, earliest 2027-03-12\n"
        "          Mar                \n"
        "resource    1    8   15   22 \n"
        "eng        92   15    0    — \n"
        "  + D-9         30           \n"
        "crew      100    0    0    — \n"
        "  + D-9         33           \n"
        " ≤85  at or below target   >85  above target   100  full   — no capacity"
        "  + row: with the deal\n"
        "Above the 85% target: eng (1 week), crew (1 week).\n"
        "Above the 85% target with D-9: eng (1 week), crew (1 week).\n"
    )


def test_heatmap_months_over_a_new_year_carry_their_year() -> None:
    # 2027-12-06 to 2028-01-24: the first month shown of each year has its year.
    result = load_report(MODEL, [], WED, start=dt.date(2027, 12, 6), weeks=8)
    assert render(result).splitlines()[1:3] == [
        "          Dec 2027            Jan 2028           ",
        "resource    6   13   20   27    3   10   17   24 ",
    ]


def test_csv_has_a_row_per_resource_and_week() -> None:
    rows = load_csv(load_report(MODEL, BOOKINGS, WED, weeks=2, deal=DEAL)).splitlines()
    assert rows == [
        "resource,unit,week,capacity,booked,utilization,deal",
        "eng,hours,2027-03-01,24,22,0.9167,0",
        "eng,hours,2027-03-08,40,6,0.15,6",
        "crew,crews,2027-03-01,6,6,1.0,0",
        "crew,crews,2027-03-08,6,0,0.0,2",
    ]


def test_from_starts_on_its_monday_and_resources_are_picked() -> None:
    result = load_report(
        MODEL, BOOKINGS, WED, start=dt.date(2027, 3, 17), weeks=1, resources=["crew"]
    )
    assert result.start == dt.date(2027, 3, 15)
    assert [(r.resource.id, [w.capacity for w in r.weeks]) for r in result.resources] == [
        ("crew", [10.0])
    ]


def test_week_start_is_the_monday_on_or_before() -> None:
    assert week_start(dt.date(2027, 3, 1)) == dt.date(2027, 3, 1)
    assert week_start(dt.date(2027, 3, 7)) == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"resources": ["engg"]}, "--resource: no resource 'engg'; did you mean 'eng'?"),
        ({"resources": ["zzz"]}, "--resource: no resource 'zzz'; resources: eng, crew"),
        (
            {"start": dt.date(2027, 2, 28)},
            "--from 2027-02-28 is before the week of the check date 2027-03-03",
        ),
        ({"weeks": 200}, "--weeks 200: the model plans up to"),
    ],
)
def test_bad_options_are_usage_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_report(MODEL, BOOKINGS, WED, **options)
    assert str(caught.value).startswith(message)


def test_levels_and_percentages() -> None:
    assert [level(s, 0.85) for s in (0.0, 0.85, 0.851, 0.999, 1.0)] == [
        "ok",
        "ok",
        "high",
        "high",
        "full",
    ]
    # 99.6 % is not full: it shows 99, never 100.
    assert [percent(s) for s in (0.0, 0.004, 0.5, 0.996, 1.0)] == ["0", "0", "50", "99", "100"]


def test_cli_load_text(cli: CliRunner) -> None:
    # As the bookings' plans hold them. Lifts, week of 11-30: 5 days x 3 = 15 lift-days;
    # Pacific Crest's 8 gateway swaps (12-01..12-03) hold a lift for a day each: 8 / 15 =
    # 53 %. Harborview's six sites install two at a time on 12-09/10, 12-11/14 and
    # 12-15/16, each holding a crew and a lift: week of 12-07, 6 of 10 crew-days (60 %) and
    # 6 of 15 lift-days (40 %); week of 12-14 the same. Week of 12-28: closed.
    result = cli("load", "--as-of", str(AS_OF), "--weeks", "6", "-r", "install-crew", "-r", "lift")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Load of Brightline Systems as of 2026-11-23: % of each week's capacity booked\n"
        "              Nov       Dec                \n"
        "resource       23   30    7   14   21   28 \n"
        "install-crew    0    0   60   60    0    — \n"
        "lift            0   53   40   40    0    — \n"
        " ≤85  at or below target   >85  above target   100  full   — no capacity\n"
        "Above the 85% target: no resource.\n"
    )


def test_cli_load_json_with_a_deal(cli: CliRunner) -> None:
    result = cli("load", "--as-of", str(AS_OF), "--with", "examples/late.yaml", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["deal"] == {
        "id": "BL-2027-002", "verdict": "infeasible", "earliest": "2027-03-26", "percentile": None,
    }  # fmt: skip
    assert len(data["resources"]) == 6
    field_eng = data["resources"][0]
    assert field_eng["id"] == "field-eng"
    # 12 weeks from Monday 2026-11-23; the week of 2027-01-04 has 5 workdays of 24 h.
    assert [w["start"] for w in field_eng["weeks"]][::4] == [
        "2026-11-23",
        "2026-12-21",
        "2027-01-18",
    ]
    assert field_eng["weeks"][6]["capacity"] == 120
    assert all(set(w) == {"start", "capacity", "booked", "utilization", "deal"} for w in
               field_eng["weeks"])  # fmt: skip


@pytest.mark.parametrize("booking", ["BL-2026-014", "BL-2026-019", "BL-2026-022"])
def test_a_booked_deal_with_is_never_counted_twice(cli: CliRunner, booking: str) -> None:
    """Issue 18: `load --with` a booked deal counted it on top of its own booking; it is
    checked against the other bookings, as `check` does, and gets `check`'s dates."""
    file = f"bookings/{booking}.yaml"
    load = cli("load", "--as-of", str(AS_OF), "--with", file, "--format", "json")
    check = cli("check", file, "--as-of", str(AS_OF), "--format", "json")
    assert load.returncode == 0, load.stderr
    deal = json.loads(check.stdout)["deals"][0]
    assert json.loads(load.stdout)["deal"] == {
        "id": booking,
        "verdict": deal["verdict"],
        "earliest": deal["earliest"],
        "percentile": None,
    }


def test_cli_load_csv_and_usage_errors(cli: CliRunner) -> None:
    result = cli("load", "--as-of", str(AS_OF), "--format", "csv", "--weeks", "1", "-r", "noc")
    assert result.stdout == (
        "resource,unit,week,capacity,booked,utilization\nnoc,hours,2026-11-23,48,0,0.0\n"
    )
    bad = cli("load", "--as-of", str(AS_OF), "-r", "nocc")
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: --resource: no resource 'nocc'; did you mean 'noc'?\n",
    )
    assert cli("load", "--from", "2026-13-01").returncode == 2
    assert cli("load", "--weeks", "0").returncode == 2
