"""Years the holidays package does not know: our own located warning, never its raw
Python warning (issue 18: `holidays: {country: IN}` past 2035)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner, repository_copy

US = "  holidays: {country: US, subdivision: CA} "
INDIA = "  holidays: {country: IN}                 "


def test_unknown_holiday_years_are_a_located_warning(cli: CliRunner, tmp_path: Path) -> None:
    folder = repository_copy(tmp_path)
    capacity = folder / "capacity.yaml"
    capacity.write_text(capacity.read_text().replace(US, INDIA))
    done = cli("validate", "--as-of", "2035-06-01", cwd=folder)
    assert done.returncode == 0, done.stdout
    assert (
        "capacity.yaml:22:13: warning: calendar.holidays: the holidays package says 'Requested "
        "Holidays are available only from 2001 to 2035', and the planning horizon runs from "
        "2035-06-01 to 2037-05-29: holidays it does not know count as working days; list them "
        "as closures"
    ) in done.stdout.splitlines()
    check = cli("check", "examples/on-time.yaml", "--as-of", "2035-06-01", cwd=folder)
    assert "Warning" not in check.stderr and "site-packages" not in check.stderr
