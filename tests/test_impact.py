"""`impact`: every booking re-checked under two versions of the capacity file, end to end in a
temporary git repository, and the core on small models."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from feasibility.engine.impact import DealState, ImpactResult, capacity_at, compare, workspace_at
from feasibility.errors import InputError, UsageError
from feasibility.render.impact import impact_github, impact_json, impact_markdown
from feasibility.store.git import folder_files
from feasibility.workspace import load_workspace
from tests.conftest import AS_OF, CliRunner, repository_copy

CREWS = "    per_day: 2                      # two in-house crews of 3 installers\n"
HALF_CREW = "    per_day: 0.5                    # one crew, half time\n"
ONE_CREW = "    per_day: 1                      # one crew: the other is on loan\n"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; its output."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ops",
        "GIT_AUTHOR_EMAIL": "ops@example.com",
        "GIT_COMMITTER_NAME": "Ops",
        "GIT_COMMITTER_EMAIL": "ops@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def committed_copy(folder: Path) -> Path:
    """``folder`` as a git repository holding a copy of the capacity file, bookings,
    examples and schemas, committed."""
    repository_copy(folder)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "Capacity model and bookings")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the capacity file, bookings, examples and schemas."""
    return committed_copy(tmp_path)


def edit_capacity(repo: Path, old: str, new: str) -> None:
    text = (repo / "capacity.yaml").read_text()
    assert old in text
    (repo / "capacity.yaml").write_text(text.replace(old, new))


def impact(cli: CliRunner, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli("impact", *args, "--as-of", str(AS_OF), cwd=repo)


WORSE_TEXT = """\
capacity.yaml compared with HEAD~1:capacity.yaml, as of 2026-11-23
Got worse
  BL-2026-014 · Harborview Medical Center · Sam Reyes <sam.reyes@example.com>
    feasible, 2027-01-05 → infeasible, 2027-04-19
    plan no longer fits: line 0 unit 1 step install on 2026-12-09: install-crew has 0.5 crews free,
    the plan holds 2 that day (and 5 more)
    line 0 (site-rollout x6, due 2027-02-26): delivered 2027-04-19, 35 working days late
      was: delivered 2027-01-05, 36 working days of slack
    why: Installation crews (install-crew): up to 1.5 crews less free capacity per day between
    2026-11-23 and 2027-04-02 (124.5 over those days) (talk to Marcus Lee <marcus.lee@example.com>)
  BL-2026-022 · Sunset Unified School District · Sam Reyes <sam.reyes@example.com>
    feasible, 2027-03-16 → feasible, 2027-04-29
    plan no longer fits: line 0 unit 1 step install on 2027-02-16: install-crew has 0.5 crews free,
    the plan holds 2 that day (and 9 more)
    line 0 (site-rollout x10, due 2027-05-14): delivered 2027-04-29, 11 working days of slack
      was: delivered 2027-03-16, 42 working days of slack
    why: Installation crews (install-crew): up to 1.5 crews less free capacity per day between
    2026-11-23 and 2027-04-02 (124.5 over those days) (talk to Marcus Lee <marcus.lee@example.com>)
2 bookings got worse, 1 misses a due date (5 bookings checked)
"""


def plain(text: str) -> str:
    """Text output without the spaces rich pads wrapped lines with."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


CREW_CAUSE = (
    "Installation crews (install-crew): up to 1.5 crews less free capacity per day between "
    "2026-11-23 and 2027-04-02 (124.5 over those days)"
)


def test_book_release_edit_and_impact_end_to_end(cli: CliRunner, repo: Path) -> None:
    """Book, refuse a second booking, release, commit an edit removing crews: `impact --base
    HEAD~1` lists exactly the bookings that slipped (the two site rollouts that need crews
    before April), not those that do not use crews or come after the third crew starts."""
    as_of = ["--as-of", str(AS_OF)]
    assert cli("book", "examples/on-time.yaml", *as_of, cwd=repo).returncode == 0
    assert cli("book", "examples/on-time.yaml", *as_of, cwd=repo).returncode == 2
    assert cli("book", "examples/at-risk.yaml", "--accept-risk", *as_of, cwd=repo).returncode == 0
    assert (
        cli("book", "examples/needs-review.yaml", "--accept-risk", *as_of, cwd=repo).returncode == 0
    )
    assert cli("release", "BL-2027-005", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Book BL-2027-001 and BL-2027-003")
    assert git(repo, "ls-files", "bookings/*.yaml").split() == [
        "bookings/BL-2026-014.yaml",
        "bookings/BL-2026-019.yaml",
        "bookings/BL-2026-022.yaml",
        "bookings/BL-2027-001.yaml",
        "bookings/BL-2027-003.yaml",
    ]
    edit_capacity(repo, CREWS, HALF_CREW)
    git(repo, "commit", "-q", "-am", "One crew, half time")

    done = impact(cli, repo, "--base", "HEAD~1")
    assert (done.returncode, plain(done.stdout), done.stderr) == (1, WORSE_TEXT, "")

    out = json.loads(impact(cli, repo, "--base", "HEAD~1", "--format", "json").stdout)
    assert [(c["deal"], c["before"], c["after"], c["broken"]) for c in out["changed"]] == [
        (
            "BL-2026-014",
            {"verdict": "feasible", "earliest": "2027-01-05"},
            {"verdict": "infeasible", "earliest": "2027-04-19"},
            True,
        ),
        (
            "BL-2026-022",
            {"verdict": "feasible", "earliest": "2027-03-16"},
            {"verdict": "feasible", "earliest": "2027-04-29"},
            False,
        ),
    ]
    assert {k: out[k] for k in ("schema_version", "as_of", "old", "new", "checked", "broken")} == {
        "schema_version": 1,
        "as_of": "2026-11-23",
        "old": "HEAD~1:capacity.yaml",
        "new": "capacity.yaml",
        "checked": 5,
        "broken": True,
    }
    assert out["still_broken"] == []
    first = out["changed"][0]
    assert first["owner"] == "Sam Reyes <sam.reyes@example.com>"
    assert first["file"] == "bookings/BL-2026-014.yaml"
    assert first["reason"] == CREW_CAUSE + " (talk to Marcus Lee <marcus.lee@example.com>)"
    assert first["causes"] == [
        {
            "message": CREW_CAUSE,
            "owner": "Marcus Lee <marcus.lee@example.com>",
            "resource": "install-crew",
        }
    ]
    assert [(ln["line"], ln["worse"], ln["before"], ln["after"]) for ln in first["lines"]] == [
        (
            0,
            True,
            {"verdict": "feasible", "delivered": "2027-01-05", "slack_days": 36},
            {"verdict": "infeasible", "delivered": "2027-04-19", "slack_days": -35},
        ),
        (
            1,
            False,
            {"verdict": "feasible", "delivered": "2026-11-30", "slack_days": 65},
            {"verdict": "feasible", "delivered": "2026-11-30", "slack_days": 65},
        ),
    ]
    unchanged = impact(cli, repo, "--base", "HEAD")
    assert unchanged.returncode == 1  # BL-2026-014 is still broken
    assert unchanged.stdout.splitlines()[-1] == (
        "no booking got worse, 1 misses a due date (5 bookings checked)"
    )


def test_markdown_for_a_pull_request_comment(cli: CliRunner, repo: Path) -> None:
    edit_capacity(repo, CREWS, HALF_CREW)
    done = impact(cli, repo, "--base", "HEAD", "--format", "markdown")
    assert done.returncode == 1
    assert done.stdout == (
        "### ❌ capacity.yaml: 2 bookings got worse, 1 misses a due date (3 bookings checked)\n"
        "\n"
        "Every booking re-checked under `HEAD:capacity.yaml` and `capacity.yaml` as of "
        "2026-11-23.\n"
        "\n"
        "**Got worse**\n"
        "\n"
        "| booking | customer | owner | before | after |\n"
        "|---|---|---|---|---|\n"
        "| BL-2026-014 | Harborview Medical Center | Sam Reyes \\<sam.reyes@example.com\\> | "
        "✅ Feasible, 2027-01-05 | ❌ Infeasible, 2027-04-19 |\n"
        "| BL-2026-022 | Sunset Unified School District | Sam Reyes \\<sam.reyes@example.com\\> | "
        "✅ Feasible, 2027-03-16 | ✅ Feasible, 2027-04-29 |\n"
        "\n"
        "**BL-2026-014**\n"
        "\n"
        "- line 0 (site-rollout x6, due 2027-02-26): delivered 2027-04-19, 35 working days late "
        "(was: delivered 2027-01-05, 36 working days of slack)\n"
        "- plan no longer fits: line 0 unit 1 step install on 2026-12-09: install-crew has 0.5 "
        "crews free, the plan holds 2 that day (and 5 more)\n"
        f"- why: {CREW_CAUSE} (talk to Marcus Lee \\<marcus.lee@example.com\\>)\n"
        "\n"
        "**BL-2026-022**\n"
        "\n"
        "- line 0 (site-rollout x10, due 2027-05-14): delivered 2027-04-29, 11 working days of "
        "slack (was: delivered 2027-03-16, 42 working days of slack)\n"
        "- plan no longer fits: line 0 unit 1 step install on 2027-02-16: install-crew has 0.5 "
        "crews free, the plan holds 2 that day (and 9 more)\n"
        f"- why: {CREW_CAUSE} (talk to Marcus Lee \\<marcus.lee@example.com\\>)\n"
    )


def test_github_annotations_point_at_the_due_dates(cli: CliRunner, repo: Path) -> None:
    edit_capacity(repo, CREWS, HALF_CREW)
    done = impact(cli, repo, "--base", "HEAD", "--format", "github")
    assert done.returncode == 1
    why = f"why: {CREW_CAUSE} (talk to Marcus Lee <marcus.lee@example.com>)"
    assert done.stdout.splitlines() == [
        "::error file=bookings/BL-2026-014.yaml,line=11,col=10,title=feasibility impact::"
        "BL-2026-014 (Harborview Medical Center, owner Sam Reyes <sam.reyes@example.com>): "
        "line 0 (site-rollout x6, due 2027-02-26): delivered 2027-04-19, 35 working days late "
        f"(was: delivered 2027-01-05, 36 working days of slack); {why}",
        "::warning file=bookings/BL-2026-022.yaml,line=13,col=10,title=feasibility impact::"
        "BL-2026-022 (Sunset Unified School District, owner Sam Reyes <sam.reyes@example.com>): "
        "line 0 (site-rollout x10, due 2027-05-14): delivered 2027-04-29, 11 working days of "
        f"slack (was: delivered 2027-03-16, 42 working days of slack); {why}",
        "capacity.yaml: 2 bookings got worse, 1 misses a due date (3 bookings checked)",
    ]


def test_a_slip_within_due_dates_fails_unless_fail_on_broken(cli: CliRunner, repo: Path) -> None:
    edit_capacity(repo, CREWS, ONE_CREW)
    worse = impact(cli, repo, "--base", "HEAD")
    assert worse.returncode == 1
    assert worse.stdout.endswith("2 bookings got worse (3 bookings checked)\n")
    assert impact(cli, repo, "--base", "HEAD", "--fail-on", "broken").returncode == 0


def test_old_and_new_files(cli: CliRunner, repo: Path) -> None:
    shutil.copy(repo / "capacity.yaml", repo / "old.yaml")
    edit_capacity(repo, CREWS, HALF_CREW)
    done = impact(cli, repo, "old.yaml", "capacity.yaml", "--format", "json")
    assert done.returncode == 1
    out = json.loads(done.stdout)
    assert (out["old"], out["new"]) == ("old.yaml", "capacity.yaml")
    assert [c["deal"] for c in out["changed"]] == ["BL-2026-014", "BL-2026-022"]


def test_a_booking_broken_in_both_versions_still_fails(cli: CliRunner, repo: Path) -> None:
    edit_capacity(repo, CREWS, HALF_CREW)
    shutil.copy(repo / "capacity.yaml", repo / "old.yaml")
    for fail_on in ("worse", "broken"):
        done = impact(cli, repo, "old.yaml", "capacity.yaml", "--fail-on", fail_on)
        assert done.returncode == 1
        assert plain(done.stdout) == (
            "capacity.yaml compared with old.yaml, as of 2026-11-23\n"
            "Still broken\n"
            "  BL-2026-014 · Harborview Medical Center · Sam Reyes <sam.reyes@example.com>\n"
            "    infeasible, 2027-04-19 → infeasible, 2027-04-19\n"
            "    plan no longer fits: line 0 unit 1 step install on 2026-12-09: install-crew has "
            "0.5 crews free,\n"
            "    the plan holds 2 that day (and 5 more)\n"
            "    line 0 (site-rollout x6, due 2027-02-26): delivered 2027-04-19, 35 working days "
            "late\n"
            "      was: delivered 2027-04-19, 35 working days late\n"
            "no booking got worse, 1 misses a due date (3 bookings checked)\n"
        )
    out = json.loads(impact(cli, repo, "old.yaml", "capacity.yaml", "-f", "json").stdout)
    assert (out["changed"], out["broken"]) == ([], True)
    assert [(b["deal"], b["causes"], b["reason"]) for b in out["still_broken"]] == [
        ("BL-2026-014", [], "")
    ]
    github = impact(cli, repo, "old.yaml", "capacity.yaml", "-f", "github").stdout
    assert github.splitlines()[0].endswith(
        "(was: delivered 2027-04-19, 35 working days late); it already missed its due date before"
    )


def test_a_capacity_file_in_a_subfolder(cli: CliRunner, repo: Path) -> None:
    (repo / "ops").mkdir()
    for name in ("capacity.yaml", "bookings"):
        git(repo, "mv", name, f"ops/{name}")
    git(repo, "commit", "-q", "-m", "Move to ops/")
    text = (repo / "ops/capacity.yaml").read_text()
    (repo / "ops/capacity.yaml").write_text(text.replace(CREWS, HALF_CREW))
    done = impact(cli, repo, "--base", "HEAD", "ops/capacity.yaml", "-f", "json")
    assert done.returncode == 1
    out = json.loads(done.stdout)
    assert (out["old"], out["new"]) == ("HEAD:ops/capacity.yaml", "ops/capacity.yaml")
    assert [c["file"] for c in out["changed"]] == [
        "ops/bookings/BL-2026-014.yaml",
        "ops/bookings/BL-2026-022.yaml",
    ]
    from_inside = cli("impact", "--base", "HEAD", "--as-of", str(AS_OF), cwd=repo / "ops")
    assert from_inside.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "error: give two capacity files, OLD NEW, or --base GIT_REF [FILE]\n"),
        (("capacity.yaml",), "error: give two capacity files, OLD NEW, or --base GIT_REF [FILE]\n"),
        (
            ("capacity.yaml", "capacity.yaml", "--capacity", "capacity.yaml"),
            "error: give two capacity files, OLD NEW, or --base GIT_REF [FILE]\n",
        ),
        (
            ("--base", "HEAD", "capacity.yaml", "capacity.yaml"),
            "error: with --base give one capacity file, as FILE or --capacity\n",
        ),
        (
            ("--base", "HEAD", "capacity.yaml", "--capacity", "capacity.yaml"),
            "error: with --base give one capacity file, as FILE or --capacity\n",
        ),
        (
            ("--base", "nope"),
            "error: cannot read capacity.yaml at nope from git: invalid object name 'nope'.\n",
        ),
        (
            ("--base", "--output=/tmp/x"),
            "error: --base '--output=/tmp/x' is not a git revision; use e.g. HEAD~1 or "
            "origin/main\n",
        ),
        (
            ("--base", "HEAD", "examples/new.yaml"),
            "examples/new.yaml:1:1: cannot read: No such file or directory; check the path and "
            "its permissions\n",
        ),
        (
            ("--base", "HEAD", "nowhere/capacity.yaml"),
            "error: nowhere/capacity.yaml: no such folder 'nowhere'; check the path\n",
        ),
        (
            ("--format", "yaml"),
            None,
        ),
    ],
)
def test_usage_errors(
    cli: CliRunner, repo: Path, args: tuple[str, ...], message: str | None
) -> None:
    done = impact(cli, repo, *args)
    assert (done.returncode, done.stdout) == (2, "")
    if message is not None:
        assert done.stderr == message
    else:
        assert "Invalid value for '--format' / '-f'" in done.stderr


def test_a_capacity_file_new_since_the_base_takes_every_booking_as_added(
    cli: CliRunner, tmp_path: Path
) -> None:
    """The first pull request that adds capacity.yaml: no base version, nothing got worse."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "empty")
    repository_copy(repo)
    bookings = sorted(p.stem for p in (repo / "bookings").glob("*.yaml"))
    assert bookings
    done = impact(cli, repo, "--base", "HEAD", "--format", "json")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    out = json.loads(done.stdout)
    assert (out["changed"], out["removed"]) == ([], [])
    assert sorted(b["deal"] for b in out["added"]) == bookings
    text = impact(cli, repo, "--base", "HEAD")
    assert text.returncode == 0
    assert text.stdout.startswith("capacity.yaml compared with no earlier version, as of ")
    assert f"{len(bookings)} added" in text.stdout


def test_outside_a_git_repository(cli: CliRunner, repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    done = impact(cli, repo, "--base", "HEAD")
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot read capacity.yaml at HEAD from git: not a git")


def test_an_invalid_old_version_is_named_by_revision(cli: CliRunner, repo: Path) -> None:
    edit_capacity(
        repo, "    per_day: 24                     # 3 engineers x 8 h\n", "    per_dy: 24\n"
    )
    git(repo, "commit", "-q", "-am", "Typo")
    edit_capacity(repo, "    per_dy: 24\n", "    per_day: 24\n")
    done = impact(cli, repo, "--base", "HEAD")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "HEAD:capacity.yaml:31:5: resources[0].per_dy: unknown key 'per_dy'; did you mean "
        "'per_day'?"
    )
    broken_new = impact(cli, repo, "HEAD-is-not-a-file.yaml", "capacity.yaml")
    assert broken_new.returncode == 2
    assert broken_new.stderr.startswith("HEAD-is-not-a-file.yaml:1:1: cannot read")


# --- the core -----------------------------------------------------------------------------

MODEL = """\
version: 1
company: Test Co
calendar: {workdays: [mon, tue, wed, thu, fri, sat, sun]}
resources:
  - {id: crew, name: Crews, unit: crews, per_day: 1, owner: Crew Boss}
materials:
  - {id: kit, name: Kits, unit: kits, on_hand: 10, replenish_days: 30, owner: Buyer}
offerings:
  - id: big
    owner: Product
    materials: {kit: 1}
    steps: [{id: fit, days: 2, uses: {crew: 1}}]
  - id: small
    steps: [{id: fit, days: 2, uses: {crew: 1}}]
policy: {min_slack_days: 0}
"""
START = dt.date(2027, 1, 4)
"""The check date of the core tests; every day is a workday."""


def core(tmp_path: Path, old: str, new: str, *bookings: str) -> ImpactResult:
    """``compare`` of two model texts over the given booking texts on START (the new
    version sharing the old one's bookings, as `impact OLD NEW` does)."""
    write_versions(tmp_path, old, new, *bookings)
    before = load_workspace(tmp_path / "old.yaml", references=False)
    after = load_workspace(tmp_path / "capacity.yaml", known=before.bookings)
    return compare(before, after, START)


def write_versions(tmp_path: Path, old: str, new: str, *bookings: str) -> None:
    """old.yaml, capacity.yaml and the bookings folder they share: D1, D2... booked on
    2027-01-01, 2027-01-02..."""
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "capacity.yaml").write_text(new)
    (tmp_path / "bookings").mkdir()
    for n, text in enumerate(bookings):
        deal_id = f"D{n + 1}"
        (tmp_path / "bookings" / f"{deal_id}.yaml").write_text(
            f"id: {deal_id}\ncustomer: Cust {n + 1}\nowner: Rep {n + 1}\n{text}"
            f"booking: {{booked_on: 2027-01-0{n + 1}, by: ops}}\n"
        )


def line(offering: str, due: str, quantity: int = 1) -> str:
    return f"lines:\n  - {{offering: {offering}, quantity: {quantity}, due: {due}}}\n"


LONGER = MODEL.replace(
    "steps: [{id: fit, days: 2, uses: {crew: 1}}]\n  - id: small",
    "steps: [{id: fit, days: 4, uses: {crew: 1}}]\n  - id: small",
)
"""MODEL with offering big taking two more crew days."""


def test_nothing_changed(tmp_path: Path) -> None:
    result = core(tmp_path, MODEL, MODEL, line("big", "2027-01-31"))
    assert [b.deal.id for b in result.bookings] == ["D1"]
    assert (result.changed, result.still_broken) == ([], [])
    assert not result.failed("worse") and not result.failed("broken")


def test_a_changed_offering_and_a_booking_it_pushes_back(tmp_path: Path) -> None:
    """D1's offering takes two more crew days; D2, whose offering and capacity did not change,
    is pushed past its due date by D1, which is placed first."""
    result = core(tmp_path, MODEL, LONGER, line("big", "2027-01-31"), line("small", "2027-01-07"))
    d1, d2 = result.changed
    assert (d1.before.earliest, d1.after.earliest) == (dt.date(2027, 1, 5), dt.date(2027, 1, 7))
    assert [(c.message, c.owner, c.offering) for c in d1.causes] == [
        ("offering 'big' changed (steps, notice, materials or features)", "Product", "big")
    ]
    assert (d2.before.verdict, d2.after.verdict, d2.after.earliest) == (
        "feasible",
        "infeasible",
        dt.date(2027, 1, 9),
    )
    assert [c.message for c in d2.causes] == [
        "nothing it uses changed: bookings placed before it (booked_on, then id) now take "
        "capacity it had"
    ]
    assert d2.lines[0].message == (
        "line 0 (small x1, due 2027-01-07): delivered 2027-01-09, 2 working days late "
        "(was: delivered 2027-01-07, 0 working days of slack)"
    )
    assert result.failed("broken")


def test_less_capacity_names_the_resource_and_its_owner(tmp_path: Path) -> None:
    closed = "changes: [{from: 2027-01-05, per_day: 0}, {from: 2027-01-07, per_day: 1}]"
    new = MODEL.replace("owner: Crew Boss}", f"owner: Crew Boss, {closed}}}")
    result = core(tmp_path, MODEL, new, line("small", "2027-01-31"))
    (booking,) = result.changed
    assert (booking.before.earliest, booking.after.earliest) == (
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 8),
    )
    assert [(c.message, c.owner, c.resource) for c in booking.causes] == [
        (
            "Crews (crew): up to 1 crew less free capacity per day between 2027-01-05 and "
            "2027-01-06 (2 over those days)",
            "Crew Boss",
            "crew",
        )
    ]
    assert result.failed("worse") and not result.failed("broken")


def test_less_stock_and_later_supply_name_the_material(tmp_path: Path) -> None:
    new = MODEL.replace("on_hand: 10, replenish_days: 30", "on_hand: 2, replenish_days: 40")
    result = core(tmp_path, MODEL, new, line("big", "2027-03-31", quantity=5))
    (booking,) = result.changed
    assert booking.after.earliest == dt.date(2027, 2, 18)
    assert [(c.message, c.owner, c.material) for c in booking.causes] == [
        (
            "Kits (kit): up to 8 kits less in stock from 2027-01-04; more can be had only from "
            "2027-02-13 (was from 2027-02-03)",
            "Buyer",
            "kit",
        )
    ]


def test_a_stricter_policy_worsens_the_verdict_only(tmp_path: Path) -> None:
    new = MODEL.replace("min_slack_days: 0", "min_slack_days: 10")
    result = core(tmp_path, MODEL, new, line("small", "2027-01-10"))
    (booking,) = result.changed
    assert booking.before == DealState("feasible", dt.date(2027, 1, 5))
    assert (booking.after.verdict, booking.after.earliest) == ("at_risk", dt.date(2027, 1, 5))
    assert [c.message for c in booking.causes] == ["policy.min_slack_days changed from 0 to 10"]
    assert result.failed("worse") and not result.failed("broken")


def test_a_line_of_an_offering_the_old_version_lacked(tmp_path: Path) -> None:
    old = MODEL.replace("  - id: small\n    steps: [{id: fit, days: 2, uses: {crew: 1}}]\n", "")
    for folder in ("fits", "late"):
        (tmp_path / folder).mkdir()
    fits = core(tmp_path / "fits", old, MODEL, line("small", "2027-01-31"))
    (booking,) = fits.bookings
    assert booking.lines[0].before is None and not booking.worse
    late = core(tmp_path / "late", old, MODEL, line("small", "2027-01-04"))
    (booking,) = late.changed
    assert booking.lines[0].message == (
        "line 0 (small x1, due 2027-01-04): delivered 2027-01-05, 1 working day late "
        "(was: not booked)"
    )
    assert [c.message for c in booking.causes] == ["offering 'small' is new"]


def test_a_booking_shared_by_both_versions_gives_what_reading_it_twice_gives(
    tmp_path: Path,
) -> None:
    shared = core(tmp_path, MODEL, LONGER, line("big", "2027-01-31"), line("small", "2027-01-07"))
    before = load_workspace(tmp_path / "old.yaml", references=False)
    twice = compare(before, load_workspace(tmp_path / "capacity.yaml"), START)
    assert [b.deal.id for b in shared.changed] == ["D1", "D2"]
    assert impact_json(shared) == impact_json(twice)
    after = load_workspace(tmp_path / "capacity.yaml", known=before.bookings)
    assert [a.deal is b.deal for a, b in zip(after.bookings, before.bookings, strict=True)] == [
        True,
        True,
    ]
    edited = tmp_path / "bookings" / "D2.yaml"
    edited.write_text(edited.read_text().replace("2027-01-07", "2027-01-31"))
    after = load_workspace(tmp_path / "capacity.yaml", known=before.bookings)
    assert [a.deal is b.deal for a, b in zip(after.bookings, before.bookings, strict=True)] == [
        True,
        False,
    ]
    assert after.bookings[1].deal.lines[0].due == dt.date(2027, 1, 31)
    assert after.bookings[1].doc.file == str(edited)


def test_a_shared_booking_is_checked_against_the_new_version(tmp_path: Path) -> None:
    """Its offerings are looked up in the new version, as when it is read again."""
    new = MODEL.replace("  - id: small\n    steps: [{id: fit, days: 2, uses: {crew: 1}}]\n", "")
    write_versions(tmp_path, MODEL, new, line("small", "2027-01-31"))
    before = load_workspace(tmp_path / "old.yaml", references=False)
    with pytest.raises(InputError) as twice:
        load_workspace(tmp_path / "capacity.yaml")
    with pytest.raises(InputError) as shared:
        load_workspace(tmp_path / "capacity.yaml", known=before.bookings)
    assert str(shared.value) == str(twice.value)
    assert "unknown offering 'small'" in str(shared.value)


def test_renderers_of_an_empty_result() -> None:
    result = ImpactResult(START, "HEAD:capacity.yaml", "capacity.yaml", [])
    assert json.loads(impact_json(result)) == {
        "schema_version": 1,
        "as_of": "2027-01-04",
        "old": "HEAD:capacity.yaml",
        "new": "capacity.yaml",
        "checked": 0,
        "broken": False,
        "changed": [],
        "still_broken": [],
        "added": [],
        "removed": [],
    }
    assert impact_markdown(result) == (
        "### ✅ capacity.yaml: no booking got worse (0 bookings checked)\n\n"
        "Every booking re-checked under `HEAD:capacity.yaml` and `capacity.yaml` as of "
        "2027-01-04.\n"
    )
    assert impact_github(result) == "capacity.yaml: no booking got worse (0 bookings checked)\n"


def test_bookings_unchanged_since_the_base_are_shared(repo: Path) -> None:
    """`impact --base`: a booking file whose text at the revision is the working tree's is
    one deal for both versions; an edited one is read again, each named as it stands."""
    edited = repo / "bookings" / "BL-2026-019.yaml"
    edited.write_text(edited.read_text() + "# edited\n")
    old = workspace_at("HEAD", repo / "capacity.yaml")
    assert old is not None
    new = load_workspace(repo / "capacity.yaml", known=old.bookings)
    shared = {
        b.path.name: b.deal is o.deal for b, o in zip(new.bookings, old.bookings, strict=True)
    }
    assert shared == {"BL-2026-014.yaml": True, "BL-2026-019.yaml": False, "BL-2026-022.yaml": True}
    assert [b.doc.file for b in new.bookings] == [str(b.path) for b in new.bookings]
    assert [o.doc.file for o in old.bookings] == [f"HEAD:{o.path}" for o in old.bookings]


def test_capacity_at_reads_and_validates_the_old_version(repo: Path) -> None:
    edit_capacity(repo, CREWS, HALF_CREW)
    old = capacity_at("HEAD", repo / "capacity.yaml")
    assert old.doc.file == f"HEAD:{repo / 'capacity.yaml'}"
    assert next(r for r in old.model.resources if r.id == "install-crew").per_day == 2
    with pytest.raises(UsageError, match="is not a git revision"):
        capacity_at("-p", repo / "capacity.yaml")
    (repo / "capacity.yaml").write_text("version: 1\n")
    git(repo, "commit", "-q", "-am", "Empty")
    with pytest.raises(InputError) as caught:
        capacity_at("HEAD", repo / "capacity.yaml")
    assert str(caught.value).startswith(f"HEAD:{repo / 'capacity.yaml'}:1:1: ")


def test_folder_files_reads_each_file_of_a_folder_at_a_revision(repo: Path) -> None:
    bookings = repo / "bookings"
    names = sorted(p.name for p in bookings.iterdir())
    (bookings / "sub.yaml").mkdir()
    (bookings / "sub.yaml" / "x.txt").write_text("x\n")
    (bookings / "empty.yaml").write_bytes(b"")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A folder and an empty file")
    (bookings / names[0]).write_text("edited after the commit\n")
    files = folder_files("HEAD", bookings)
    assert files is not None
    assert sorted(files) == sorted([*names, "sub.yaml", "empty.yaml"])
    assert files["sub.yaml"] is None and files["empty.yaml"] == b""
    for name in names[1:]:
        assert files[name] == (bookings / name).read_bytes()
    assert files[names[0]] == git(repo, "show", f"HEAD~1:bookings/{names[0]}").encode()
    assert folder_files("HEAD~1", bookings / "sub.yaml") is None
