"""Example files as data: every invalid file states its exact messages (`# expect:` lines);
every valid file validates clean; every example deal gets the verdict its name promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feasibility.validation.report import validate_workspace
from tests.conftest import AS_OF, REPO, CliRunner

INVALID = sorted(
    p.relative_to(REPO)
    for d in ("examples/invalid", "tests/data/invalid")
    for p in (REPO / d).glob("*.yaml")
)
VALID_CAPACITY = [
    Path("capacity.yaml"),
    *sorted(p.relative_to(REPO) for p in (REPO / "tests/data/valid").glob("capacity-*.yaml")),
]
EXAMPLE_DEALS = sorted(p.relative_to(REPO) for p in (REPO / "examples").glob("*.yaml"))
EXPECTED_VERDICT = {
    "on-time": ("feasible", 0),
    "at-risk": ("at_risk", 3),
    "needs-review": ("at_risk", 3),
    "late": ("infeasible", 1),
    "unavailable-feature": ("infeasible", 1),
    "needs-a-crew": ("infeasible", 1),
}


def expected_messages(path: Path) -> list[str]:
    """The `# expect: ...` lines of a file."""
    lines = (REPO / path).read_text(encoding="utf-8", errors="replace").splitlines()
    return [ln.removeprefix("# expect: ") for ln in lines if ln.startswith("# expect: ")]


def capacity_and_deals(path: Path) -> tuple[Path, list[Path]]:
    """Capacity files are validated as the capacity file; deal files against the repository's."""
    return (path, []) if path.name.startswith("capacity-") else (Path("capacity.yaml"), [path])


@pytest.mark.parametrize("path", INVALID, ids=str)
def test_invalid_file_reports_exactly_its_messages(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    expected = expected_messages(path)
    assert expected, f"{path} has no '# expect:' line"
    report = validate_workspace(*capacity_and_deals(path), AS_OF)
    assert [str(p) for p in report.problems if p.file == str(path)] == expected
    assert not report.valid()


@pytest.mark.parametrize("path", [p for p in INVALID if p.parts[0] == "examples"], ids=str)
def test_validate_cli_fails_with_located_messages(path: Path, cli: CliRunner) -> None:
    capacity, deals = capacity_and_deals(path)
    result = cli("validate", "--capacity", capacity, *deals, "--as-of", str(AS_OF))
    assert result.returncode == 1, result.stderr
    for message in expected_messages(path):
        location, text = message.split(": ", 1)
        assert f"{location}: error: {text}" in result.stdout


@pytest.mark.parametrize("path", VALID_CAPACITY, ids=str)
def test_valid_capacity_files_validate_clean(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    report = validate_workspace(path, [], AS_OF)
    assert report.problems == []


def test_repository_files_validate_clean_through_the_cli(cli: CliRunner) -> None:
    result = cli("validate", *EXAMPLE_DEALS, "--as-of", str(AS_OF), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["problems"] == []
    assert "capacity.yaml" in report["files"] and any("bookings" in f for f in report["files"])


@pytest.mark.parametrize("path", EXAMPLE_DEALS, ids=str)
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_each_example_gets_the_verdict_its_name_promises(
    path: Path, fmt: str, cli: CliRunner
) -> None:
    verdict, code = EXPECTED_VERDICT[path.stem]
    result = cli("check", path, "--as-of", str(AS_OF), "--format", fmt)
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr == ""
    if fmt == "json":
        assert json.loads(result.stdout)["deals"][0]["verdict"] == verdict
    elif fmt == "markdown":
        label = {"feasible": "Feasible", "at_risk": "At risk", "infeasible": "Infeasible"}[verdict]
        assert f": {label} (score" in result.stdout.splitlines()[0]
    else:
        assert {"feasible": "FEASIBLE", "at_risk": "AT RISK", "infeasible": "INFEASIBLE"}[
            verdict
        ] in result.stdout
