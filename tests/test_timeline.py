"""`feasibility check --timeline`: the Gantt view of a deal's schedule, pinned at width 100."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console, RenderableType

from feasibility.engine.check import check_deals
from feasibility.engine.result import DealResult
from feasibility.render.timeline import Axis, _header, deal_timeline, make_axis
from tests.conftest import AS_OF, CliRunner
from tests.factories import capacity, deal

MON = dt.date(2027, 3, 1)

MODEL = capacity(
    calendar={"workdays": ["mon", "tue", "wed", "thu", "fri"]},
    resources=[
        {"id": "eng", "unit": "hours", "per_day": 4},
        {"id": "crew", "unit": "crews", "per_day": 1},
    ],
    offerings=[
        {
            "id": "svc",
            "steps": [
                {"id": "survey", "resource": "eng", "effort": 6},
                {"id": "install", "days": 2, "uses": {"crew": 1}},
                {"id": "acceptance", "per": "line", "days": 2},
            ],
        }
    ],
)


def render(renderable: RenderableType) -> str:
    """Plain text at width 100."""
    console = Console(width=100, no_color=True, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def two_sites(**fields: object) -> DealResult:
    """Two units of svc due Friday 2027-03-05, checked on Monday 2027-03-01."""
    line = {"offering": "svc", "quantity": 2, "due": dt.date(2027, 3, 5), **fields}
    return check_deals(MODEL, [], [deal(line)], MON).deals[0]


def test_day_columns_with_due_date_and_bottleneck() -> None:
    # eng has 4 h a day: unit 1 surveys Mon 4 + Tue 2, unit 2 Tue 2 + Wed 4. One crew:
    # unit 1 installs Wed-Thu, unit 2 Fri and (weekend: under way) Mon 03-08. Acceptance
    # waits Tue 03-09 and Wed 03-10: delivered 3 working days after due Fri 03-05. With
    # unlimited eng both surveys end Monday, so eng is the CAPACITY bottleneck (▓).
    # Each day is drawn 3 characters wide (10 days fit); the due line is at Friday.
    assert render(deal_timeline(two_sites())) == (
        "Timeline of D-1: one column per day, Mon 2027-03-01 to 2027-03-10\n"
        "                  Mar\n"
        "                  1                    8\n"
        "line 0 · svc ×2 · due 2027-03-05 · delivered 2027-03-10 (3 working days late)\n"
        "due ▼ delivered ◆              ▼              ◆  bottleneck eng\n"
        "survey            ▓▓▓▓▓▓▓▓▓    │                 eng 12\n"
        "install                 █████████░░░░░░███       crew 4\n"
        "acceptance                     │          ░░░░░░ wait\n"
        "█ work  ▓ work on the bottleneck  ░ under way, not working  ▼ due  ◆ delivered\n"
    )


def test_unscheduled_lines_and_deals() -> None:
    d = check_deals(
        MODEL,
        [],
        [deal({"offering": "svc", "due": dt.date(2027, 3, 31)}, {"offering": "nope"})],
        MON,
    ).deals[0]
    text = render(deal_timeline(d))
    assert "line 1 · nope ×1 · not scheduled\n" in text
    nothing = check_deals(MODEL, [], [deal({"offering": "nope"})], MON).deals[0]
    assert render(deal_timeline(nothing)) == "Timeline of D-1: nothing could be scheduled.\n"


@pytest.mark.parametrize(
    ("first", "last", "axis"),
    [
        # 10 days from Monday: day columns, 3 characters each.
        (MON, dt.date(2027, 3, 10), Axis(MON, 1, 10, 3)),
        # 54 days is the most drawn day by day.
        (dt.date(2027, 3, 3), dt.date(2027, 4, 23), Axis(MON, 1, 54, 1)),
        # 55 days: 8 weeks, 3 characters each.
        (MON, dt.date(2027, 4, 24), Axis(MON, 7, 8, 3)),
        # 100 weeks: 2 weeks a column, 50 columns of 1 character.
        (MON, dt.date(2029, 1, 28), Axis(MON, 14, 50, 1)),
    ],
)
def test_axis_grain(first: dt.date, last: dt.date, axis: Axis) -> None:
    assert make_axis(first, last) == axis


AT_RISK_TIMELINE = """\
Timeline of BL-2027-001: one column per week, Mon 2027-04-19 to 2027-07-04
                    Apr   May            Jun
                    19 26 3  10 17 24 31 7  14 21 28
line 0 · site-rollout ×3 · due 2027-05-18 · delivered 2027-05-13 (3 working days of slack)
due ▼ delivered ◆             ◆  ▼
kickoff             ███          │                    field-eng 4, solutions-architect 2
permits             ░░░░░░       │                    wait
survey              ███          │                    field-eng 18
install                   ███    │                    install-crew 6, lift 6
commissioning             ███    │                    field-eng 12
noc-onboarding            ███    │                    noc 9
handover                  ███    │                    field-eng 4
customer-acceptance       ░░░░░░ │                    wait
line 1 · training ×1 · due 2027-06-30 · delivered 2027-04-21 (48 working days of slack)
due ▼ delivered ◆    ◆                             ▼
prep                ███                            │  trainer 4
session             ███                            │  trainer 6
wrap-up             ███                            │  trainer 2
█ work  ▓ work on the bottleneck  ░ under way, not working  ▼ due  ◆ delivered
"""


def test_cli_check_timeline(cli: CliRunner) -> None:
    # The schedule worked out in examples/at-risk.yaml: kickoff Mon 04-19, surveys 04-20,
    # installs 05-03..05-04, commissioning and NOC 05-05, handover 05-06, acceptance to
    # 05-13; due 05-18. Training: 04-19 .. 04-21, due 06-30 (11 weeks: a week a column).
    result = cli("check", "examples/at-risk.yaml", "--as-of", str(AS_OF), "--timeline")
    assert result.returncode == 3, result.stderr
    panel, timeline = result.stdout.split("Timeline of", 1)
    assert "BL-2027-001 · Orchard Biotech" in panel
    assert "Timeline of" + timeline == AT_RISK_TIMELINE


def test_cli_check_timeline_marks_the_bottleneck(cli: CliRunner) -> None:
    result = cli("check", "examples/late.yaml", "--as-of", str(AS_OF), "--timeline")
    assert result.returncode == 1
    rows = {row.split(" ", 1)[0]: row for row in result.stdout.splitlines()}
    assert rows["due"].endswith("◆  bottleneck install-crew")
    assert "▓" in rows["install"] and "█" not in rows["install"]
    assert "▓" not in rows["survey"]


def test_cli_timeline_leaves_json_alone(cli: CliRunner) -> None:
    args = ("check", "examples/on-time.yaml", "--as-of", str(AS_OF), "--format", "json")
    plain, timeline = cli(*args), cli(*args, "--timeline")
    assert json.loads(timeline.stdout) == json.loads(plain.stdout)


@pytest.mark.parametrize(
    ("last", "months"),
    [
        (dt.date(2029, 3, 1), "Nov 2026 May 2027 Nov Feb 2028 Aug Nov  F"),
        (dt.date(2040, 3, 1), "Nov 2026 Jan 2029 Apr 2031 Jul 2033 Oct 2035 Jan 2038"),
        (dt.date(2026, 11, 20), "Nov"),
    ],
)
def test_month_labels_carry_their_year(last: dt.date, months: str) -> None:
    """Issue 18: over a long window every label read 'Nov', with no year."""
    header = _header(make_axis(dt.date(2026, 11, 2), last), 0)
    assert header[0].plain.strip() == months
