"""The files that fit feasibility into other tools: the pre-commit hook, the CI examples.

The hook is run for real through pre-commit, from a git repository holding this project,
on a team repository created by `feasibility init`. The GitHub Actions example is parsed,
and its run steps are executed in a clone whose base branch is `origin/main`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, CliRunner

HOOKS = REPO / ".pre-commit-hooks.yaml"
WORKFLOW = REPO / "examples" / "ci" / "feasibility.yml"
PRE_COMMIT_CONFIG = REPO / "examples" / "ci" / ".pre-commit-config.yaml"
PROJECT_FILES = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "feasibility"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def load(path: Path) -> Any:
    """A YAML file of another tool (tests may use PyYAML directly)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def environment(home: Path, **extra: str) -> dict[str, str]:
    """The process environment for git and pre-commit: no colour, a private home."""
    env = {k: v for k, v in os.environ.items() if k != "FEASIBILITY_CAPACITY"}
    bindir = str(Path(sys.executable).parent)
    env.update(GIT_ENV, HOME=str(home), NO_COLOR="1", PATH=bindir + os.pathsep + env["PATH"])
    env.update(extra)
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


# --- .pre-commit-hooks.yaml -------------------------------------------------------------------


def test_hook_definition() -> None:
    (hook,) = load(HOOKS)
    assert hook == {
        "id": "feasibility-validate",
        "name": "feasibility validate",
        "description": "Validate capacity.yaml and every booking: schema, references, and that "
        "each booked deal still meets its dates. Every problem at file:line:column.",
        "entry": "feasibility validate",
        "language": "python",
        "files": r"(^|/)(capacity\.ya?ml|bookings/[^/]+\.ya?ml)$",
        "pass_filenames": False,
    }


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("capacity.yaml", True),
        ("capacity.yml", True),
        ("ops/capacity.yaml", True),
        ("bookings/ACME-1.yaml", True),
        ("ops/bookings/ACME-1.yml", True),
        ("bookings/README.md", False),
        ("bookings/old/ACME-1.yaml", False),
        ("examples/at-risk.yaml", False),
        ("schemas/capacity.schema.json", False),
        ("my-capacity.yaml", False),
    ],
)
def test_hook_runs_on_the_capacity_file_and_bookings_only(path: str, runs: bool) -> None:
    (hook,) = load(HOOKS)
    assert bool(re.search(hook["files"], path)) is runs


def test_pre_commit_accepts_the_hook_and_the_example_config(tmp_path: Path) -> None:
    env = environment(tmp_path)
    for verb, path in (("validate-manifest", HOOKS), ("validate-config", PRE_COMMIT_CONFIG)):
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", verb, str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), verb
    (repo,) = load(PRE_COMMIT_CONFIG)["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["feasibility-validate"]


def test_the_hook_runs_through_pre_commit(cli: CliRunner, tmp_path: Path) -> None:
    """pre-commit installs the hook from a git repository of this project (pip, offline from
    the machine's package index) and runs it on a team repository's staged files."""
    env = environment(tmp_path, PRE_COMMIT_HOME=str(tmp_path / "cache"))
    source = tmp_path / "feasibility-src"
    source.mkdir()
    for name in PROJECT_FILES:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    git(source, env, "init", "-q")
    git(source, env, "add", "-A")
    git(source, env, "commit", "-q", "-m", "feasibility")
    rev = git(source, env, "rev-parse", "HEAD")

    team = tmp_path / "team"
    assert cli("init", team).returncode == 0
    (team / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n"
        "      - id: feasibility-validate\n"
    )
    git(team, env, "init", "-q")
    git(team, env, "add", "-A")

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run"],
            cwd=team,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^feasibility validate\.+Passed$", passed.stdout, re.M), passed.stdout

    capacity = team / "capacity.yaml"
    capacity.write_text(capacity.read_text().replace("    per_day: 1\n", "    per_dy: 1\n"))
    git(team, env, "add", "capacity.yaml")
    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^feasibility validate\.+Failed$", failed.stdout, re.M), failed.stdout
    assert "- hook id: feasibility-validate\n- exit code: 1\n" in failed.stdout
    assert re.search(
        r"^capacity\.yaml:\d+:5: error: resources\[1\]\.per_dy: unknown key 'per_dy'; "
        r"did you mean 'per_day'\?",
        failed.stdout,
        re.M,
    ), failed.stdout

    git(team, env, "commit", "-q", "--no-verify", "-m", "start")
    (team / "notes.txt").write_text("not a capacity file\n")
    git(team, env, "add", "notes.txt")
    skipped = pre_commit()
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert re.search(r"^feasibility validate\.+\(no files to check\)Skipped$", skipped.stdout, re.M)


# --- examples/ci/feasibility.yml --------------------------------------------------------------


def workflow_steps() -> list[dict[str, Any]]:
    data = load(WORKFLOW)
    (job,) = data["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def feasibility_commands() -> list[tuple[list[str], dict[str, str]]]:
    """Each `feasibility ...` run step as its words (quotes removed) and its own env."""
    out = []
    for step in workflow_steps():
        words = shlex.split(step.get("run", ""))
        if words[:1] == ["feasibility"]:
            out.append((words, step.get("env", {})))
    return out


def test_workflow_triggers_on_pull_requests_touching_capacity_or_bookings() -> None:
    data = load(WORKFLOW)
    on = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert on == {"pull_request": {"paths": ["capacity.yaml", "bookings/**"]}}
    assert data["permissions"] == {"contents": "read"}
    steps = workflow_steps()
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert steps[1] == {"uses": "actions/setup-python@v5", "with": {"python-version": "3.11"}}
    assert steps[2]["run"] == 'python -m pip install "$FEASIBILITY_PACKAGE"'
    assert data["env"]["FEASIBILITY_PACKAGE"].startswith("feasibility")


def test_workflow_runs_validate_and_impact_with_options_that_exist(cli: CliRunner) -> None:
    commands = feasibility_commands()
    assert [words for words, _ in commands] == [
        ["feasibility", "validate", "--format", "github"],
        ["feasibility", "impact", "--base", "origin/$BASE_REF", "--format", "github"],
    ]
    assert commands[1][1] == {"BASE_REF": "${{ github.base_ref }}"}
    for words, _ in commands:
        help_text = cli(words[1], "--help", env={"COLUMNS": "200"}).stdout
        for i, word in enumerate(words[2:], start=2):
            if word.startswith("--"):
                assert re.search(rf"(^|\s|,){word}\b", help_text, re.M), word
                if word == "--format":
                    assert re.search(rf"--format <[a-z|]*\b{words[i + 1]}\b", help_text)


def test_workflow_steps_run_in_a_pull_request_clone(cli: CliRunner, tmp_path: Path) -> None:
    """The run steps, executed as the runner would in a clone of a pull request that cuts
    capacity: validate and impact annotate the booking whose plan the cut breaks, exit 1."""
    env = environment(tmp_path)
    origin = tmp_path / "origin.git"
    git(tmp_path, env, "init", "-q", "--bare", str(origin))
    work = tmp_path / "work"
    git(tmp_path, env, "clone", "-q", str(origin), str(work))
    assert cli("init", work).returncode == 0
    booking = work / "bookings" / "T-1.yaml"
    booking.write_text(
        "id: T-1\ncustomer: Acme\nowner: Sam Reyes <sam@example.com>\nlines:\n"
        "  - {offering: standard-install, quantity: 6}\n"
        "booking: {booked_on: 2026-01-05, by: Sam}\n"
    )
    assert cli("replan", "--write", cwd=work).returncode == 0  # pin its plan
    git(work, env, "add", "-A")
    git(work, env, "commit", "-q", "-m", "base")
    git(work, env, "branch", "-M", "main")
    git(work, env, "push", "-q", "origin", "main")
    git(work, env, "checkout", "-q", "-b", "cut-capacity")
    capacity = work / "capacity.yaml"
    text = capacity.read_text()
    assert "    per_day: 16" in text
    capacity.write_text(text.replace("    per_day: 16", "    per_day: 4", 1))
    git(work, env, "commit", "-q", "-am", "fewer engineers")

    results = []
    for step in workflow_steps()[3:]:
        step_env = {
            k: v.replace("${{ github.base_ref }}", "main") for k, v in step.get("env", {}).items()
        }
        results.append(
            subprocess.run(
                ["bash", "-e", "-c", step["run"]],
                cwd=work,
                env={**env, **step_env},
                capture_output=True,
                text=True,
                check=False,
            )
        )
    validate, impact = results
    # The cut breaks T-1's plan: validate fails the check and names the step, the day and
    # what re-planning gives.
    assert validate.returncode == 1, validate.stderr
    assert validate.stdout.startswith(
        "::error file=bookings/T-1.yaml,line=13,col=7,title=feasibility validate::T-1's plan "
        "no longer fits: line 0 unit 1 step "
    ), validate.stdout
    assert "re-planning gives line 0 " in validate.stdout
    assert impact.returncode == 1, impact.stdout + impact.stderr
    assert impact.stdout.startswith(
        "::warning file=bookings/T-1.yaml,line=5,col=5,title=feasibility impact::T-1 (Acme, "
        "owner Sam Reyes <sam@example.com>): line 0 (standard-install x6"
    ), impact.stdout
    assert re.search(r"\ncapacity\.yaml: 1 bookings? got worse\b.*\n\Z", impact.stdout)
