"""`feasibility init`: a commented, valid capacity file and a bookings folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from feasibility.errors import UsageError
from feasibility.io.yamlio import load_text
from feasibility.scaffold import capacity_template, scaffold
from feasibility.schemas import SchemaName, schema_json
from feasibility.workspace import capacity_from_document
from tests.conftest import CliRunner

FILES = [
    "capacity.yaml",
    "bookings/README.md",
    "bookings/.gitignore",
    "schemas/capacity.schema.json",
    "schemas/deal.schema.json",
]


@pytest.mark.parametrize("today", [dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date.today()])
def test_the_template_is_a_valid_capacity_file(today: dt.date) -> None:
    text = capacity_template(today)
    loaded, problems = capacity_from_document(load_text(text, "capacity.yaml"), Path("x.yaml"))
    assert problems == []
    assert loaded is not None
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./schemas/capacity.schema.json"
    assert text.count("$") == 1
    assert f"on {today.isoformat()} as an example" in text
    closure = loaded.model.calendar.closures[0]
    assert (closure.from_, closure.to) == (
        dt.date(today.year, 12, 24),
        dt.date(today.year + 1, 1, 1),
    )
    assert [o.id for o in loaded.model.offerings] == ["standard-install", "training"]


def test_init_writes_the_files_and_they_validate(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("init", "ops", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"wrote ops/{f}" for f in FILES] + [
        "next: edit ops/capacity.yaml, then run `feasibility validate --capacity ops/capacity.yaml`"
    ]
    assert sorted(str(p.relative_to(tmp_path / "ops")) for p in (tmp_path / "ops").rglob("*")) == [
        "bookings", "bookings/.gitignore", "bookings/README.md", "capacity.yaml", "schemas",
        "schemas/capacity.schema.json", "schemas/deal.schema.json",
    ]  # fmt: skip
    schemas = tmp_path / "ops" / "schemas"
    assert (schemas / "capacity.schema.json").read_text() == schema_json(SchemaName.capacity)
    assert (schemas / "deal.schema.json").read_text() == schema_json(SchemaName.deal)
    valid = cli("validate", "--strict", "--capacity", "ops/capacity.yaml", cwd=tmp_path)
    assert (valid.returncode, valid.stdout) == (0, "valid: 1 files checked, 0 errors, 0 warnings\n")


def test_init_in_the_current_folder_then_check_a_deal(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        "next: edit capacity.yaml, then run `feasibility validate`"
    )
    assert cli("validate", cwd=tmp_path).returncode == 0
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        "id: T-1\ncustomer: Acme\nlines:\n"
        "  - {offering: standard-install, quantity: 3, features: [custom-reports]}\n"
    )
    check = cli("check", deal, "--format", "json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_init_refuses_to_replace_a_capacity_file(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "capacity.yaml").write_text("mine\n")
    run = cli("init", tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"error: {tmp_path / 'capacity.yaml'} already exists; use --force to replace it with "
        "the example\n"
    )
    assert (tmp_path / "capacity.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capacity.yaml"]


def test_force_replaces_the_files(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "capacity.yaml").write_text("mine\n")
    (tmp_path / "bookings").mkdir()
    (tmp_path / "bookings" / "README.md").write_text("ours\n")
    run = cli("init", ".", "--force", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:5] == [f"wrote {f}" for f in FILES]
    assert (tmp_path / "capacity.yaml").read_text().startswith("# yaml-language-server")
    assert (tmp_path / "bookings" / "README.md").read_text().startswith("# Bookings")


def test_existing_files_other_than_the_capacity_file_are_kept(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "bookings").mkdir()
    (tmp_path / "bookings" / "README.md").write_text("ours\n")
    run = cli("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:5] == [
        "wrote capacity.yaml",
        "wrote bookings/.gitignore",
        "wrote schemas/capacity.schema.json",
        "wrote schemas/deal.schema.json",
        "kept  bookings/README.md (exists; --force replaces it)",
    ]
    assert (tmp_path / "bookings" / "README.md").read_text() == "ours\n"


def test_a_file_where_the_folder_should_be(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "ops").write_text("")
    run = cli("init", "ops", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "error: ops is not a folder\n")


def test_scaffold_reports_what_it_wrote_and_kept(tmp_path: Path) -> None:
    done = scaffold(tmp_path / "new", dt.date(2026, 11, 23))
    assert [str(p) for p in done.written] == FILES
    assert done.kept == []
    with pytest.raises(UsageError):
        scaffold(tmp_path / "new", dt.date(2026, 11, 23))
    again = scaffold(tmp_path / "new", dt.date(2026, 11, 23), force=True)
    assert [str(p) for p in again.written] == FILES
    assert not [p for p in (tmp_path / "new").rglob("*") if ".tmp-" in p.name]
