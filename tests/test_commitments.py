"""Commitments hold their plan: time passing never breaks a booking, only a model edit does,
and then `validate`, `impact` and `replan` say whose promise broke and what re-planning
gives (SPEC, "Commitments hold their plan")."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from feasibility.engine.commitments import build_plan, replan_bookings
from feasibility.engine.load import load_report
from feasibility.engine.weeks import week_start
from feasibility.validation.report import validate_workspace
from feasibility.workspace import load_workspace
from tests.conftest import AS_OF, REPO, CliRunner
from tests.test_book import SMALL_MODEL
from tests.test_impact import committed_copy, git

MONDAYS = [dt.date(2026, 11, 23) + dt.timedelta(weeks=w) for w in range(32)]
"""Every Monday from 2026-11-23 to 2027-06-28."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the capacity file, bookings, examples and schemas."""
    return committed_copy(tmp_path)


def test_every_embedded_booking_holds_a_plan() -> None:
    workspace = load_workspace(REPO / "capacity.yaml")
    assert workspace.bookings
    assert all(b.deal.booking and b.deal.booking.plan for b in workspace.bookings)


@pytest.mark.parametrize("monday", MONDAYS, ids=str)
def test_the_embedded_model_stays_valid_as_time_passes(monday: dt.date) -> None:
    report = validate_workspace(REPO / "capacity.yaml", [], monday)
    assert report.valid(), report.problems
    assert not [p for p in report.problems if p.severity == "error"]
    workspace = load_workspace(REPO / "capacity.yaml")
    plan = build_plan(workspace.capacity.model, workspace.booked_deals, monday)
    assert {o.status for o in plan.bookings if o.counted} <= {"held"}


@pytest.mark.parametrize("monday", MONDAYS[::3], ids=str)
def test_load_shows_each_booking_on_its_plans_days(monday: dt.date) -> None:
    """`load`'s booked amounts are the reservations plus the plans' amounts, day for day,
    counted from the booking files alone: no booked work moves to other days."""
    workspace = load_workspace(REPO / "capacity.yaml")
    model = workspace.capacity.model
    expected: dict[tuple[str, dt.date], float] = defaultdict(float)
    for b in workspace.booked_deals:
        assert b.booking is not None and b.booking.plan is not None
        hold = b.booking.hold_until
        if hold is not None and hold < monday:
            continue
        if all(ln.due is not None and ln.due < monday for ln in b.lines):
            continue
        for step in b.booking.plan.steps:
            for day, uses in step.days.items():
                if day >= monday:
                    for r, amount in uses.items():
                        expected[(r, week_start(day))] += amount
    report = load_report(model, workspace.booked_deals, monday, weeks=8)
    plan = build_plan(model, [], monday)
    for load in report.resources:
        rid = load.resource.id
        gross, free = plan.resources[rid].capacity, plan.state.free[rid]
        for week in load.weeks:
            first = plan.timeline.index(week.start)
            days = [i for i in range(first, first + 7) if i >= 0]
            reserved = sum(gross[i] - free[i] for i in days)
            want = reserved + expected[(rid, week.start)]
            assert week.booked == pytest.approx(want), (rid, week.start)


def test_a_plan_survives_book_check_and_validate_byte_for_byte(cli: CliRunner, repo: Path) -> None:
    assert cli("book", "examples/on-time.yaml", "--by", "lena", cwd=repo).returncode == 0
    path = repo / "bookings/BL-2027-003.yaml"
    written = path.read_bytes()
    checked = cli("check", "examples/at-risk.yaml", "--format", "json", cwd=repo)
    assert checked.returncode in (0, 3)
    again = cli("check", "bookings/BL-2027-003.yaml", "--format", "json", cwd=repo)
    assert cli("validate", cwd=repo).returncode == 0
    assert path.read_bytes() == written
    # The plan held is the schedule its own check gives (checked against the others).
    held = load_workspace(repo / "capacity.yaml")
    deal = next(b.deal for b in held.bookings if b.deal.id == "BL-2027-003")
    assert deal.booking is not None and deal.booking.plan is not None
    schedule = json.loads(again.stdout)["deals"][0]["schedule"]
    days = {(s["line"], s["unit"], s["step"]): (s["start"], s["finish"]) for s in schedule}
    assert days == {
        (s.line, s.unit, s.step): (str(s.start), str(s.finish)) for s in deal.booking.plan.steps
    }
    plan = build_plan(held.capacity.model, held.booked_deals, AS_OF)
    assert [o.status for o in plan.bookings if o.deal.id == "BL-2027-003"] == ["held"]


def _lend_a_crew(repo: Path) -> None:
    """Two crews become one from 2026-12-01 on: some crew day of a booked plan overbooks."""
    text = (repo / "capacity.yaml").read_text()
    head, rest = text.split("  - id: install-crew\n", 1)
    rest = rest.replace("    per_day: 2 ", "    per_day: 1 ", 1)
    (repo / "capacity.yaml").write_text(head + "  - id: install-crew\n" + rest)


def test_an_edit_that_breaks_a_plan_is_reported_then_fixed_by_replan(
    cli: CliRunner, repo: Path
) -> None:
    _lend_a_crew(repo)
    done = cli("validate", "--as-of", "2026-11-23", cwd=repo)
    assert done.returncode == 1
    broken = [ln for ln in done.stdout.splitlines() if "plan no longer fits" in ln]
    assert broken, done.stdout
    first = broken[0]
    assert "step install on 20" in first and "install-crew" in first and "short by 1 crew" in first
    assert "re-planning gives line 0 " in first and "replan --write" in first
    # The booking file's line of the step that no longer fits.
    file, line = first.split(":")[:2]
    assert "step: install" in (repo / file).read_text().splitlines()[int(line) - 1]
    # impact --base HEAD lists the broken booking with dates before and after.
    shown = cli("impact", "--base", "HEAD", "--as-of", "2026-11-23", "-f", "json", cwd=repo)
    data = json.loads(shown.stdout)
    changed = {c["deal"]: c for c in data["changed"]}
    assert changed and all(c["misfits"] for c in changed.values())
    fixed = cli("replan", "--write", "--as-of", "2026-11-23", cwd=repo)
    assert "written: bookings/" in fixed.stdout
    after = cli("validate", "--as-of", "2026-11-23", cwd=repo)
    assert "plan no longer fits" not in after.stdout
    # Only the bookings whose plan broke were written.
    diff = git(repo, "status", "--porcelain", "bookings")
    assert {ln.split()[-1] for ln in diff.splitlines()} == {f"bookings/{d}.yaml" for d in changed}


def test_impact_lists_a_booking_added_in_the_same_commit(cli: CliRunner, repo: Path) -> None:
    """The README's edit (a crew lent from 2026-12-07) breaks exactly one plan; the same
    commit books another deal: impact lists both, and replan --write fixes the one."""
    assert cli("book", "examples/on-time.yaml", "--by", "lena", cwd=repo).returncode == 0
    shutil.copy(repo / "examples/edits/crew-on-loan.yaml", repo / "capacity.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Lend a crew; book Cedar Grove")
    done = cli("impact", "--base", "HEAD~1", "--as-of", "2026-11-23", "-f", "json", cwd=repo)
    data = json.loads(done.stdout)
    assert [a["deal"] for a in data["added"]] == ["BL-2027-003"]
    assert [c["deal"] for c in data["changed"]] == ["BL-2026-014"]
    assert data["changed"][0]["misfits"][0].startswith("line 0 unit 1 step install on ")
    assert data["checked"] == 4
    assert done.returncode == 1
    valid = cli("validate", "--as-of", "2026-11-23", cwd=repo)
    assert valid.returncode == 1
    assert {ln.split(":")[0] for ln in valid.stdout.splitlines()[:-1]} == {
        "bookings/BL-2026-014.yaml"
    }
    assert cli("replan", "--write", "--as-of", "2026-11-23", cwd=repo).returncode == 0
    assert cli("validate", "--as-of", "2026-11-23", cwd=repo).returncode == 0
    assert git(repo, "status", "--porcelain", "bookings").split() == [
        "M",
        "bookings/BL-2026-014.yaml",
    ]
    text = cli("impact", "--base", "HEAD~1", "--as-of", "2026-11-23", cwd=repo).stdout
    assert "Added\n  BL-2027-003" in text and "1 added" in text


def test_impact_lists_a_removed_booking(cli: CliRunner, repo: Path) -> None:
    assert cli("release", "BL-2026-019", cwd=repo).returncode == 0
    done = cli("impact", "--base", "HEAD", "--as-of", "2026-11-23", "-f", "json", cwd=repo)
    assert [r["deal"] for r in json.loads(done.stdout)["removed"]] == ["BL-2026-019"]
    assert done.returncode == 0


def test_two_plans_merged_from_branches_that_overbook_are_caught(
    cli: CliRunner, repo: Path
) -> None:
    """Two branches each book a deal that fits alone; merged, their plans take more than
    there is: validate names both bookings."""
    deal_a = (repo / "examples/needs-a-crew.yaml").read_text()
    lines = deal_a.replace("due: 2027-02-05", "due: 2027-12-31")
    (repo / "examples/a.yaml").write_text(lines.replace("BL-2027-006", "BL-2027-101"))
    (repo / "examples/b.yaml").write_text(lines.replace("BL-2027-006", "BL-2027-102"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two deals")
    git(repo, "branch", "other")
    assert cli("book", "examples/a.yaml", "--by", "a", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "book a")
    git(repo, "checkout", "-q", "other")
    assert cli("book", "examples/b.yaml", "--by", "b", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "book b")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "other")
    done = cli("validate", "--as-of", "2026-11-23", cwd=repo)
    assert done.returncode == 1
    msg = next(ln for ln in done.stdout.splitlines() if "plan no longer fits" in ln)
    assert msg.startswith("bookings/BL-2027-102.yaml:")
    assert "held that day by earlier bookings: " in msg and "BL-2027-101" in msg


def test_book_refuses_a_check_date_before_today(cli: CliRunner, repo: Path) -> None:
    done = cli("book", "examples/late.yaml", "--as-of", "2025-06-02", cwd=repo)
    assert done.returncode == 2
    assert "before today (2026-11-23)" in done.stderr
    assert not (repo / "bookings/BL-2027-002.yaml").exists()


def test_booked_on_is_the_clock_not_the_check_date(cli: CliRunner, repo: Path) -> None:
    done = cli("book", "examples/on-time.yaml", "--as-of", "2026-12-07", "--by", "x", cwd=repo)
    assert done.returncode == 0
    text = (repo / "bookings/BL-2027-003.yaml").read_text()
    assert "booked_on: 2026-11-23" in text and "planned_on: 2026-12-07" in text
    later = cli(
        "book",
        "examples/on-time.yaml",
        "--by",
        "x",
        cwd=repo,
        env={"FEASIBILITY_TODAY": "2027-01-04"},
    )
    assert later.returncode == 2  # already booked
    workspace = load_workspace(repo / "capacity.yaml")
    ids = [
        o.deal.id
        for o in build_plan(workspace.capacity.model, workspace.booked_deals, AS_OF).bookings
    ]
    assert ids == ["BL-2026-014", "BL-2026-019", "BL-2026-022", "BL-2027-003"]


ONE_AT_A_TIME = SMALL_MODEL + "policy: {min_slack_days: 0, target_utilization: 1}\n"
"""One crew: deals of five crew-days due the fifth day fit one at a time."""


def test_concurrent_bookings_that_fit_one_at_a_time(cli: CliRunner, tmp_path: Path) -> None:
    """Eight `book` runs at once of deals that fit only one at a time: exactly one is
    booked, the others are refused with the reason, and the folder is valid afterwards."""
    (tmp_path / "capacity.yaml").write_text(ONE_AT_A_TIME)
    for n in range(8):
        (tmp_path / f"d{n}.yaml").write_text(
            f"id: D-{n}\ncustomer: C{n}\nlines:\n  - {{offering: fit, due: 2026-11-27}}\n"
        )
    from tests.conftest import entry_point

    runs = [
        subprocess.Popen(
            [entry_point(), "book", f"d{n}.yaml", "--by", "x"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    results = [(r.wait(timeout=300), r.communicate()[1]) for r in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0] + [1] * 7, results
    assert all("not booked" in err and "infeasible" in err for code, err in results if code)
    assert len(list((tmp_path / "bookings").glob("*.yaml"))) == 1
    assert cli("validate", cwd=tmp_path).returncode == 0


def test_replan_names_a_booking_and_keeps_the_others(cli: CliRunner, repo: Path) -> None:
    before = {p.name: p.read_bytes() for p in (repo / "bookings").glob("*.yaml")}
    done = cli("replan", "BL-2026-019", "--write", "--as-of", "2026-11-23", cwd=repo)
    assert done.returncode == 0, done.stderr
    after = {p.name: p.read_bytes() for p in (repo / "bookings").glob("*.yaml")}
    assert before["BL-2026-014.yaml"] == after["BL-2026-014.yaml"]
    assert before["BL-2026-022.yaml"] == after["BL-2026-022.yaml"]
    unknown = cli("replan", "BL-2026-91", cwd=repo)
    assert unknown.returncode == 2 and "did you mean 'BL-2026-019'" in unknown.stderr


def test_replan_keeps_work_done_before_the_check_date(repo: Path) -> None:
    """Re-planned after a crew is lent, a month into the plans: every step that finished
    before the check date is kept as it was."""
    _lend_a_crew(repo)
    workspace = load_workspace(repo / "capacity.yaml")
    day = dt.date(2026, 12, 14)
    results = replan_bookings(workspace.capacity.model, workspace.booked_deals, day)
    assert any(r.changed for r in results)
    for r in results:
        old = r.outcome.deal.booking.plan if r.outcome.deal.booking else None
        assert old is not None and r.outcome.plan is not None
        new = {(s.line, s.unit, s.step): s for s in r.outcome.plan.steps}
        for s in old.steps:
            if s.finish < day:
                assert new[(s.line, s.unit, s.step)] == s
            elif s.start < day:  # resumed: the days before the check date are kept
                kept = new[(s.line, s.unit, s.step)]
                assert {d: u for d, u in kept.days.items() if d < day} == {
                    d: u for d, u in s.days.items() if d < day
                }


def test_a_forced_late_booking_is_a_warning_with_its_delivery_date_and_reason(
    cli: CliRunner, repo: Path
) -> None:
    deal = "examples/late.yaml"
    checked = json.loads(cli("check", deal, "--as-of", str(AS_OF), "-f", "json", cwd=repo).stdout)
    line = checked["deals"][0]["lines"][0]
    args = ("--as-of", str(AS_OF))
    booked = cli("book", deal, *args, "--force", "--reason", "agreed late", "--by", "x", cwd=repo)
    assert booked.returncode == 0, booked.stderr
    done = cli("validate", *args, cwd=repo)
    assert done.returncode == 0, done.stdout  # booked late on purpose: a warning, not an error
    expected = f"warning: booked line 0 is due {line['due']} but is delivered only "
    expected += f"{line['earliest']}, as it was booked with --force ('agreed late'); "
    assert expected + "talk to the deal owner" in done.stdout + done.stderr
    assert cli("validate", *args, "--strict", cwd=repo).returncode == 1
