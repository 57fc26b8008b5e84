"""`validate` and `impact` on what an edit of the capacity file does to booked scope and
load (a feature made unavailable or reviewed, a lower target utilization), and `validate`
on a step whose resources never share a working day (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, CliRunner, repository_copy

SSO = "      sso: included"
TARGET = "  target_utilization: 0.85 "
LIFT = "    per_day: 3                      # owned fleet; rentals are not planned here\n"
OWNER = "talk to the deal owner (owner: Sam Reyes <sam.reyes@example.com>)"


def edited(folder: Path, old: str, new: str) -> Path:
    """A copy of the repository with one edit of its capacity file."""
    repository_copy(folder)
    capacity = folder / "capacity.yaml"
    text = capacity.read_text()
    assert old in text
    capacity.write_text(text.replace(old, new))
    return folder


def impact(cli: CliRunner, folder: Path) -> tuple[int, dict[str, dict[str, str]]]:
    """`impact` of the repository's capacity file to the edited one: exit code and each
    changed booking's verdict after the edit."""
    done = cli("impact", REPO / "capacity.yaml", "capacity.yaml", "-f", "json", cwd=folder)
    data = json.loads(done.stdout)
    return done.returncode, {b["deal"]: b["after"] for b in data["changed"]}


def test_a_booked_feature_made_unavailable_is_an_error_and_breaks_the_booking(
    cli: CliRunner, tmp_path: Path
) -> None:
    folder = edited(tmp_path, SSO, "      sso: unavailable")
    done = cli("validate", cwd=folder)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "bookings/BL-2026-014.yaml:12:16: error: booked line 0: feature 'sso' cannot be "
        f"promised with site-rollout, so BL-2026-014 is now infeasible: {OWNER}"
    )
    code, after = impact(cli, folder)
    assert code == 1
    assert {k: v["verdict"] for k, v in after.items()} == {
        "BL-2026-014": "infeasible",
        "BL-2026-022": "infeasible",
    }


def test_a_booked_feature_put_under_review_is_a_warning_and_a_change(
    cli: CliRunner, tmp_path: Path
) -> None:
    folder = edited(tmp_path, SSO, "      sso: {review: true}")
    done = cli("validate", cwd=folder)
    assert done.returncode == 0
    assert (
        "bookings/BL-2026-022.yaml:14:16: warning: booked line 0: feature 'sso' needs sign-off "
        f"from operations before it is promised, so BL-2026-022 is now at risk: {OWNER}"
    ) in done.stdout.splitlines()
    assert cli("validate", "--strict", cwd=folder).returncode == 1
    code, after = impact(cli, folder)
    assert code == 1
    assert {k: v["verdict"] for k, v in after.items()} == {
        "BL-2026-014": "at_risk",
        "BL-2026-022": "at_risk",
    }


def test_a_lower_target_utilization_is_reported_on_the_bookings_it_puts_at_risk(
    cli: CliRunner, tmp_path: Path
) -> None:
    # Other work holds 17 % of the field engineers while BL-2026-019's plan runs.
    folder = edited(tmp_path, TARGET, "  target_utilization: 0.10 ")
    done = cli("validate", cwd=folder)
    assert (
        "bookings/BL-2026-019.yaml:9:5: warning: booked line 0: Field engineers is already 17% "
        "loaded by other work between 2026-11-23 and 2026-12-08 (target 10%), so BL-2026-019 "
        "is now at risk: talk to the deal owner (owner: Lena Park <lena.park@example.com>)"
    ) in done.stdout.splitlines()
    text = cli("impact", REPO / "capacity.yaml", "capacity.yaml", cwd=folder)
    assert text.returncode == 1
    assert "why: policy.target_utilization changed from 0.85 to 0.1" in text.stdout
    assert impact(cli, folder)[1]["BL-2026-019"]["verdict"] == "at_risk"


def test_a_step_whose_resources_never_share_a_working_day_is_an_error(
    cli: CliRunner, tmp_path: Path
) -> None:
    folder = edited(tmp_path, LIFT, LIFT + "    calendar: {workdays: [sat]}\n")
    done = cli("validate", cwd=folder)
    assert done.returncode == 1
    assert (
        "capacity.yaml:120:9: error: offerings[0].steps[3]: its resources (install-crew, lift) "
        "never work on the same day from 2026-11-23 to 2028-12-08, so this step can never run; "
        "give them a common working day (calendar workdays, closures, holidays)"
    ) in done.stdout.splitlines()


def test_the_repository_stays_valid_without_warnings(cli: CliRunner) -> None:
    done = cli("validate")
    assert done.stdout == "valid: 4 files checked, 0 errors, 0 warnings\n"
