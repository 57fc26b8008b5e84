"""Every date option goes through one parser: YYYY-MM-DD, within the calendar's range
(issue 18: `--as-of 9998-06-01` was an internal error, `--hold-until 2027-1-5` and
`load --from 2026-12-1` were accepted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feasibility.errors import ExitCode
from tests.conftest import CliRunner, repository_copy


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("check", "examples/late.yaml", "--as-of", "9998-06-01"),
            "error: --as-of: 9998-06-01 is out of range; use a date from 1900-01-01 to 9000-12-31",
        ),
        (
            ("book", "examples/on-time.yaml", "--hold-until", "2027-1-5"),
            "error: --hold-until: '2027-1-5' is not a date; use YYYY-MM-DD",
        ),
        (
            ("load", "--from", "2026-12-1"),
            "error: --from: '2026-12-1' is not a date; use YYYY-MM-DD",
        ),
        (
            ("check", "examples/late.yaml", "--as-of", "2026-11-23T00:00"),
            "error: --as-of: '2026-11-23T00:00' is not a date; use YYYY-MM-DD",
        ),
    ],
)
def test_every_date_option_is_read_alike(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = cli(*args, cwd=repository_copy(tmp_path))
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.strip() == message
    assert not (tmp_path / "bookings/BL-2027-003.yaml").exists()


def test_a_date_option_in_the_right_form_is_taken(cli: CliRunner, tmp_path: Path) -> None:
    folder = repository_copy(tmp_path)
    assert cli("load", "--from", "2026-12-01", "--weeks", "2", cwd=folder).returncode == 0
    held = cli("book", "examples/on-time.yaml", "--hold-until", "2027-01-05", cwd=folder)
    assert held.returncode == 0, held.stderr
    assert "hold_until: 2027-01-05" in (folder / "bookings/BL-2027-003.yaml").read_text()
