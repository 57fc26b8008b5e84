"""The files that fit feasibility into other tools: the pre-commit hook, the CI examples.

The hook is run for real through pre-commit, from a git repository holding this project,
on a team repository created by `feasibility init`. The GitHub Actions example is parsed,
and its run steps are executed in a clone whose base branch is `origin/main`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from feasibility import __version__
from tests.conftest import REPO, CliRunner

HOOKS = REPO / ".pre-commit-hooks.yaml"
WORKFLOW = REPO / "examples" / "ci" / "feasibility.yml"
PRE_COMMIT_CONFIG = REPO / "examples" / "ci" / ".pre-commit-config.yaml"
PROJECT_FILES = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "feasibility"]
EXAMPLE_REPO = "https://github.com/your-org/feasibility"
"""Where the examples say to get feasibility from (a team puts its own copy's address)."""
RELEASE_TAG = f"v{__version__}"
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


def project_clone(tmp_path: Path, env: dict[str, str]) -> Path:
    """A git repository of this project's files, its commit tagged as the release of
    ``__version__`` (what the lead tags on merging), the way users get it."""
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
    git(source, env, "tag", RELEASE_TAG)
    return source


@pytest.mark.slow
def test_the_hook_runs_through_pre_commit(cli: CliRunner, tmp_path: Path) -> None:
    """pre-commit installs the hook from a git repository of this project at the example's
    `rev` (pip, offline from the machine's package index) and runs it on a team
    repository's staged files."""
    env = environment(tmp_path, PRE_COMMIT_HOME=str(tmp_path / "cache"))
    source = project_clone(tmp_path, env)
    example = PRE_COMMIT_CONFIG.read_text()
    assert EXAMPLE_REPO in example

    team = tmp_path / "team"
    assert cli("init", team).returncode == 0
    (team / ".pre-commit-config.yaml").write_text(example.replace(EXAMPLE_REPO, str(source)))
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


# --- the release the examples install ----------------------------------------------------


def test_the_examples_install_this_project_at_its_release_tag() -> None:
    """The distribution is ours (the name `feasibility` on the package index is another
    project's); the workflow and the pre-commit example both name the tag of this version,
    and the CHANGELOG has its entry."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] == "deal-feasibility"
    assert metadata.version("deal-feasibility") == __version__
    assert load(WORKFLOW)["env"]["FEASIBILITY_PACKAGE"] == (
        f"deal-feasibility @ git+{EXAMPLE_REPO}@{RELEASE_TAG}"
    )
    (repo,) = load(PRE_COMMIT_CONFIG)["repos"]
    assert (repo["repo"], repo["rev"]) == (EXAMPLE_REPO, RELEASE_TAG)
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(__version__)}\] - tag `{RELEASE_TAG}`", changelog, re.M)
    for text in (REPO / "README.md").read_text(), (REPO / "examples/ci/README.md").read_text():
        assert not re.search(r"pip install(\s+-\S+)*\s+[\"']?feasibility\b(?!-)", text)


# --- examples/ci/feasibility.yml --------------------------------------------------------------

BEFORE = "0123456789abcdef0123456789abcdef01234567"
"""A stand-in for the commit before a push (the test puts the real one in its place)."""


def expressions(event: str, before: str) -> dict[str, Any]:
    """The values of the workflow's `${{ }}` expressions on a push to main or a pull request
    into main, as GitHub evaluates them; a new expression must be added here."""
    pr = event == "pull_request"
    return {
        "${{ !cancelled() }}": True,
        "${{ !cancelled() && github.event_name == 'pull_request' }}": pr,
        "${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) "
        "|| github.event.before }}": "origin/main" if pr else before,
        "${{ github.base_ref }}": "main" if pr else "",
        "${{ github.event.pull_request.number }}": "7" if pr else "",
        "${{ github.repository }}": "team/capacity",
        "${{ github.token }}": "token",
    }


def workflow_steps() -> list[dict[str, Any]]:
    data = load(WORKFLOW)
    (job,) = data["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def feasibility_commands() -> list[list[str]]:
    """Each `feasibility ...` command of the run steps as its words (quotes removed), up to
    a redirection or `||`."""
    out = []
    for step in workflow_steps():
        for line in step.get("run", "").splitlines():
            if line.startswith("feasibility "):
                words = shlex.split(line)
                cut = [i for i, w in enumerate(words) if w in {">", ">>", "||"}]
                out.append(words[: cut[0]] if cut else words)
    return out


def test_workflow_checks_pushes_and_pull_requests_with_least_permissions() -> None:
    data = load(WORKFLOW)
    on = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    paths = ["capacity.yaml", "bookings/**"]
    assert on == {"push": {"branches": ["main"], "paths": paths}, "pull_request": {"paths": paths}}
    assert data["permissions"] == {}
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = workflow_steps()
    assert re.fullmatch(r"actions/checkout@[0-9a-f]{40}", steps[0]["uses"])
    assert steps[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert re.fullmatch(r"actions/setup-python@[0-9a-f]{40}", steps[1]["uses"])
    assert steps[2]["run"] == 'python -m pip install "$FEASIBILITY_PACKAGE"'


def test_zizmor_finds_nothing_in_the_workflow() -> None:
    """A real linter of GitHub Actions workflows (offline: no look-ups of the actions)."""
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run(
        [str(zizmor), "--offline", "--persona=auditor", "--no-progress", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_workflow_runs_validate_and_impact_with_options_that_exist(cli: CliRunner) -> None:
    commands = feasibility_commands()
    assert commands == [
        ["feasibility", "validate", "--format", "github"],
        ["feasibility", "impact", "--base", "$BASE", "--format", "github"],
        ["feasibility", "impact", "--base", "origin/$BASE_REF", "--format", "markdown"],
    ]
    for words in commands:
        help_text = cli(words[1], "--help", env={"COLUMNS": "200"}).stdout
        for i, word in enumerate(words[2:], start=2):
            if word.startswith("--"):
                assert re.search(rf"(^|\s|,){word}\b", help_text, re.M), word
                if word == "--format":
                    assert re.search(rf"--format <[a-z|]*\b{words[i + 1]}\b", help_text)


def test_the_install_step_resolves_to_this_project(tmp_path: Path) -> None:
    """The install step (with pip's --dry-run added) against a clone of this project at the
    release tag: the requirement resolves to deal-feasibility of this version."""
    env = environment(tmp_path)
    source = project_clone(tmp_path, env)
    package = load(WORKFLOW)["env"]["FEASIBILITY_PACKAGE"].replace(
        EXAMPLE_REPO, f"file://localhost{source}"
    )
    report = tmp_path / "report.json"
    dry_run = f" --dry-run --no-deps --ignore-installed --report {report}"
    done = subprocess.run(
        ["bash", "-e", "-c", workflow_steps()[2]["run"] + dry_run],
        env={**env, "FEASIBILITY_PACKAGE": package},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (install,) = json.loads(report.read_text())["install"]
    assert (install["metadata"]["name"], install["metadata"]["version"]) == (
        "deal-feasibility",
        __version__,
    )
    assert install["download_info"]["vcs_info"]["requested_revision"] == RELEASE_TAG


FAKE_GH = """#!/usr/bin/env python3
import json, pathlib, sys
state = pathlib.Path(__file__).with_name("comments.json")
comments = json.loads(state.read_text()) if state.exists() else []
args = sys.argv[1:]
with state.with_name("calls.log").open("a") as log:
    log.write(" ".join(a for a in args if not a.startswith("body=")) + "\\n")
if "--paginate" in args:
    jq = args[args.index("--jq") + 1]
    marker = jq.split('startswith("')[1].split('")')[0]
    for c in comments:
        if c["body"].startswith(marker):
            print(c["id"])
else:
    body = pathlib.Path(args[-1].removeprefix("body=@")).read_text()
    if args[2] == "PATCH":
        cid = int(args[3].rsplit("/", 1)[1])
        comments = [dict(c, body=body) if c["id"] == cid else c for c in comments]
    else:
        comments.append({"id": 100 + len(comments), "body": body})
    state.write_text(json.dumps(comments))
"""


SHELLS = {
    "": ["bash", "-e", "-c"],
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"],
}
"""How the runner starts a run step: its default shell, and `shell: bash` (with pipefail)."""


def run_steps(work: Path, env: dict[str, str], event: str, before: str) -> list[Any]:
    """The workflow's steps after the install, as the runner runs them for ``event``: each
    `if:` and `${{ }}` evaluated, in the step's shell and env; None for a skipped step."""
    values = expressions(event, before)
    results: list[Any] = []
    for step in workflow_steps()[3:]:
        if not values[step.get("if", "${{ !cancelled() }}")]:
            results.append(None)
            continue
        step_env = {k: str(values.get(v, v)) for k, v in step.get("env", {}).items()}
        assert not any("${{" in v for v in step_env.values()), step_env
        results.append(
            subprocess.run(
                [*SHELLS[step.get("shell", "")], step["run"]],
                cwd=work,
                env={**env, **step_env},
                capture_output=True,
                text=True,
                check=False,
            )
        )
    return results


def test_workflow_steps_run_in_a_pull_request_clone(cli: CliRunner, tmp_path: Path) -> None:
    """The run steps, executed as the runner would in a clone of a pull request that cuts
    capacity: validate and impact annotate the booking whose plan the cut breaks, exit 1;
    the impact comment is posted once, then updated in place (`gh` is a stand-in)."""
    gh_bin = tmp_path / "gh-bin"
    gh_bin.mkdir()
    (gh_bin / "gh").write_text(FAKE_GH)
    (gh_bin / "gh").chmod(0o755)
    env = environment(tmp_path)
    env["PATH"] = f"{gh_bin}{os.pathsep}{env['PATH']}"
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

    validate, impact, comment = run_steps(work, env, "pull_request", BEFORE)
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
    assert comment.returncode == 0, comment.stdout + comment.stderr
    markdown = cli("impact", "--base", "origin/main", "--format", "markdown", cwd=work).stdout
    assert markdown.startswith("### ") and "| T-1 | Acme |" in markdown
    posted = [{"id": 100, "body": "<!-- feasibility impact -->\n" + markdown}]
    assert json.loads((gh_bin / "comments.json").read_text()) == posted

    capacity.write_text(text)
    git(work, env, "commit", "-q", "-am", "the engineers back")
    *_, again = run_steps(work, env, "pull_request", BEFORE)
    assert again.returncode == 0, again.stdout + again.stderr
    (updated,) = json.loads((gh_bin / "comments.json").read_text())
    assert updated["id"] == 100 and updated["body"] != posted[0]["body"]
    calls = (gh_bin / "calls.log").read_text().splitlines()
    assert [c.split()[:3] for c in calls] == [
        ["api", "--paginate", "repos/team/capacity/issues/7/comments"],
        ["api", "--method", "POST"],
        ["api", "--paginate", "repos/team/capacity/issues/7/comments"],
        ["api", "--method", "PATCH"],
    ]
    assert calls[3].split()[3] == "repos/team/capacity/issues/comments/100"

    # The cut pushed to main: checked against the commit before the push, no comment.
    git(work, env, "checkout", "-q", "main")
    before = git(work, env, "rev-parse", "HEAD")
    git(work, env, "merge", "-q", "--ff-only", "cut-capacity~1")  # the cut alone
    validate, impact, skipped = run_steps(work, env, "push", before)
    assert (validate.returncode, impact.returncode, skipped) == (1, 1, None)
    assert impact.stdout.startswith("::warning file=bookings/T-1.yaml,line=5,col=5,"), impact.stdout
