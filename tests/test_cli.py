"""The command line as a user meets it: help, version, exit codes, errors without tracebacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner as TyperRunner

import feasibility.cli.commands.all  # noqa: F401  (registers the commands)
from feasibility import __version__
from feasibility.cli.app import app
from feasibility.schemas import SchemaName, schema_json
from tests.conftest import AS_OF, REPO, CliRunner, repository_copy

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_help_text_and_an_example(cli: CliRunner) -> None:
    assert {"check", "validate", "schema"} <= set(COMMANDS)
    for name in COMMANDS:
        result = cli(name, "--help")
        assert result.returncode == 0, name
        assert "Example: feasibility " + name in result.stdout, f"{name} --help lacks an example"
    listing = cli("--help").stdout
    for name in COMMANDS:
        line = next(ln for ln in listing.splitlines() if ln.strip().startswith(name + " "))
        assert len(line.split(None, 1)[1]) > 10, f"{name} has no summary in --help"


def test_version_and_short_help(cli: CliRunner) -> None:
    assert cli("--version").stdout == f"feasibility {__version__}\n"
    assert cli("-h").returncode == 0


def test_python_dash_m_runs_the_same_cli() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "feasibility", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == f"feasibility {__version__}\n"


def test_missing_deal_file_is_a_usage_error_naming_the_file(cli: CliRunner) -> None:
    result = cli("check", "no-such-deal.yaml", "--as-of", str(AS_OF))
    assert result.returncode == 2
    assert result.stderr.startswith("no-such-deal.yaml:1:1: cannot read")
    assert "Traceback" not in result.stderr


def test_invalid_deal_for_check_exits_2_with_location(cli: CliRunner) -> None:
    result = cli("check", "examples/invalid/bad-date.yaml", "--as-of", str(AS_OF))
    assert result.returncode == 2
    assert (
        "examples/invalid/bad-date.yaml:9:10: lines[0].due: '2027-02-30' is not a valid date"
        in result.stderr
    )


@pytest.mark.parametrize("day", ["2027-02-30", "20261123", "2026-11-23T00:00", "2026-W48-1"])
def test_bad_as_of_is_a_usage_error(cli: CliRunner, day: str) -> None:
    result = cli("check", "examples/on-time.yaml", "--as-of", day)
    assert result.returncode == 2
    assert result.stderr == f"error: --as-of: '{day}' is not a date; use YYYY-MM-DD\n"


def test_capacity_from_environment(cli: CliRunner, tmp_path: Path) -> None:
    result = cli(
        "validate", cwd=tmp_path, env={"FEASIBILITY_CAPACITY": str(REPO / "capacity.yaml")}
    )
    assert result.returncode == 0, result.stdout
    missing = cli("validate", cwd=tmp_path, env={"FEASIBILITY_CAPACITY": "gone.yaml"})
    assert missing.returncode == 1
    assert missing.stdout.startswith("gone.yaml:1:1: error: cannot read")


def test_several_deals_exit_with_the_worst_code(cli: CliRunner) -> None:
    both = cli("check", "examples/on-time.yaml", "examples/at-risk.yaml", "--as-of", str(AS_OF))
    assert both.returncode == 3
    three = cli(
        "check",
        "examples/on-time.yaml",
        "examples/late.yaml",
        "examples/at-risk.yaml",
        "--as-of",
        str(AS_OF),
    )
    assert three.returncode == 1


def test_json_output_follows_the_spec_contract(cli: CliRunner) -> None:
    data = json.loads(
        cli("check", "examples/late.yaml", "--as-of", str(AS_OF), "-f", "json").stdout
    )
    assert data["schema_version"] == 1 and data["as_of"] == str(AS_OF)
    deal = data["deals"][0]
    assert {"id", "verdict", "score", "earliest", "lines", "reasons", "offers", "schedule"} <= set(
        deal
    )
    assert {"offering", "quantity", "due", "earliest", "slack_days", "verdict"} <= set(
        deal["lines"][0]
    )
    capacity = next(r for r in deal["reasons"] if r["code"] == "CAPACITY")
    assert capacity["resource"] == "install-crew" and capacity["owner"].startswith("Marcus Lee")
    step = deal["schedule"][0]
    assert {"line", "unit", "step", "start", "finish", "uses"} <= set(step)


def test_internal_error_is_one_line_and_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("feasibility.engine.check.check_deals", boom)  # imported when check runs
    monkeypatch.chdir(REPO)
    runner = TyperRunner()
    result = runner.invoke(app, ["check", "examples/on-time.yaml", "--as-of", str(AS_OF)])
    assert result.exit_code == 4
    assert "internal error (RuntimeError): this is a bug in feasibility" in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["check", "examples/on-time.yaml", "--as-of", str(AS_OF), "--debug"])
    assert debug.exit_code == 4 and "Traceback" in debug.output


@pytest.mark.parametrize("name", list(SchemaName))
def test_committed_schemas_match_the_models(name: SchemaName, cli: CliRunner) -> None:
    committed = (REPO / "schemas" / f"{name.value}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(name), (
        f"schemas/{name.value}.schema.json drifted: run "
        f"`feasibility schema {name.value} > schemas/{name.value}.schema.json`"
    )
    assert cli("schema", name.value).stdout == committed


def test_repository_files_point_editors_at_the_schemas() -> None:
    files = [
        REPO / "capacity.yaml",
        *(REPO / "examples").glob("*.yaml"),
        *(REPO / "bookings").glob("*.yaml"),
    ]
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f
        target = first.split("$schema=", 1)[1]
        assert (f.parent / target).resolve().exists(), f"{f}: {target} does not exist"


@pytest.mark.parametrize(
    ("command", "usage", "arguments"),
    [
        ("check", "feasibility check [OPTIONS] DEAL...", ["DEAL..."]),
        ("book", "feasibility book [OPTIONS] DEAL", ["DEAL"]),
        ("release", "feasibility release [OPTIONS] ID", ["ID"]),
        ("replan", "feasibility replan [OPTIONS] [ID...]", ["ID..."]),
        ("validate", "feasibility validate [OPTIONS] [DEAL...]", ["DEAL..."]),
        ("impact", "feasibility impact [OPTIONS] [FILE...]", ["FILE..."]),
        ("pipeline", "feasibility pipeline [OPTIONS] CSV", ["CSV"]),
        ("init", "feasibility init [OPTIONS] [FOLDER]", ["FOLDER"]),
        ("schema", "feasibility schema [OPTIONS] [{capacity,deal}]", ["{capacity,deal}"]),
        ("load", "feasibility load [OPTIONS]", []),
    ],
)
def test_help_names_arguments_and_option_values_in_words(
    cli: CliRunner, command: str, usage: str, arguments: list[str]
) -> None:
    """Usage and the Arguments list read `DEAL...`, `ID`, `DATE`, never a Python type such
    as `<list[Path]>` or `<str>`."""
    help_text = cli(command, "--help", env={"COLUMNS": "200"}).stdout
    assert help_text.startswith(f"Usage: {usage}\n"), help_text
    assert not re.search(
        r"<(str|path|int|list\[\w+\]|[a-z]+\|[^>]*)>", help_text.split("Options:")[0]
    ), help_text
    listed = help_text.split("Arguments:\n", 1)[1].split("\n\n")[0] if arguments else ""
    assert [line.split()[0] for line in listed.splitlines() if line[2:3] != " "] == arguments
    options = [line for line in help_text.splitlines() if line.lstrip().startswith("-")]
    assert options
    for line in options:
        assert not re.search(r"<(str|path|int range|%Y-%m-%d|list\[\w+\])>", line), line
    for option, value in (("--capacity", "FILE"), ("--as-of", "DATE")):
        if option in help_text:
            assert re.search(rf"{option} {value}\b", help_text), option


def test_a_file_of_the_other_kind_is_named_by_its_top_level_keys(cli: CliRunner) -> None:
    """The capacity file given as a deal, or a deal as the capacity file: one message that
    says which kind it is and how to give it, not a dozen unknown keys."""
    as_deal = cli("check", "capacity.yaml")
    assert (as_deal.returncode, as_deal.stdout) == (2, "")
    assert as_deal.stderr == (
        "capacity.yaml:26:1: this is a capacity file (it has 'resources'), not a deal: give it "
        "with --capacity FILE (or $FEASIBILITY_CAPACITY) and give deal files as arguments\n"
    )
    validated = cli("validate", "capacity.yaml")
    assert validated.returncode == 1
    assert validated.stdout.count("error:") == 1
    assert "capacity.yaml:26:1: error: this is a capacity file (it has 'resources')" in (
        validated.stdout
    )
    as_capacity = cli("check", "examples/late.yaml", "--capacity", "examples/late.yaml")
    assert as_capacity.returncode == 2
    assert as_capacity.stderr == (
        "examples/late.yaml:22:1: this is a deal file (it has 'lines'), not a capacity file: "
        "give it as a DEAL argument and the capacity file with --capacity FILE "
        "(or $FEASIBILITY_CAPACITY)\n"
    )


def test_the_capacity_file_is_found_in_a_folder_above(cli: CliRunner, tmp_path: Path) -> None:
    """From a subfolder (as git finds its folder), the nearest capacity.yaml is used, with
    its bookings beside it; the current folder's own file still comes first."""
    repo = repository_copy(tmp_path)
    deeper = repo / "examples" / "ci"
    run = cli("validate", "--format", "json", cwd=deeper)
    assert run.returncode == 0, run.stdout + run.stderr
    files = json.loads(run.stdout)["files"]
    assert files[0] == "../../capacity.yaml"
    assert any(f.startswith("../../bookings/") for f in files)
    checked = cli("check", "../at-risk.yaml", cwd=deeper)
    assert checked.returncode == 3, checked.stderr
    (deeper / "capacity.yaml").write_text("version: 1\n", encoding="utf-8")
    nearer = cli("validate", cwd=deeper)
    assert nearer.returncode == 1
    assert nearer.stdout.startswith("capacity.yaml:1:1: ")


def test_no_capacity_file_anywhere_says_where_it_looked(cli: CliRunner, tmp_path: Path) -> None:
    if any((folder / "capacity.yaml").exists() for folder in tmp_path.parents):
        pytest.skip("a capacity.yaml above the test folder")
    (tmp_path / "deal.yaml").write_bytes((REPO / "examples" / "on-time.yaml").read_bytes())
    for args in (("validate",), ("check", "deal.yaml"), ("load",)):
        run = cli(*args, cwd=tmp_path)
        assert (run.returncode, run.stdout) == (2, ""), run.stderr
        assert run.stderr == (
            f"error: no capacity.yaml in {tmp_path} or any folder above it; give the capacity "
            "file with --capacity FILE or set FEASIBILITY_CAPACITY\n"
        )
    env = {"FEASIBILITY_CAPACITY": str(REPO / "capacity.yaml")}
    assert cli("validate", cwd=tmp_path, env=env).returncode == 0


def test_schema_write_writes_the_schema_files_with_their_id(cli: CliRunner, tmp_path: Path) -> None:
    """`schema --write DIR` gives another repository the schemas a copied file needs;
    each names the URL it is published at (README "Editors and JSON Schema")."""
    from feasibility.schemas import SCHEMA_URL

    folder = tmp_path / "team" / "schemas"
    run = cli("schema", "--write", folder)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "".join(f"wrote {folder / n.file}\n" for n in SchemaName)
    for name in SchemaName:
        text = (folder / name.file).read_text(encoding="utf-8")
        assert text == schema_json(name)
        assert json.loads(text)["$id"] == SCHEMA_URL.format(version=__version__, file=name.file)
    only = cli("schema", "deal", "--write", tmp_path / "one")
    assert only.returncode == 0 and sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "deal.schema.json"
    ]
    bare = cli("schema")
    assert (bare.returncode, bare.stderr) == (
        2,
        "error: give the format, capacity or deal, or --write DIR\n",
    )
