"""Terminal behaviour: `--color`, NO_COLOR, machine formats left raw, shell completion."""

from __future__ import annotations

import json

import pytest

from tests.conftest import AS_OF, CliRunner
from tests.ttyrun import SGR, has_colour, run_on_tty

DEAL = "examples/unavailable-feature.yaml"
MACHINE_RUNS = [
    ("check", DEAL, "--as-of", AS_OF, "--format", "json"),
    ("check", DEAL, "--as-of", AS_OF, "--format", "markdown"),
    ("validate", "--as-of", AS_OF, "--format", "json"),
    ("validate", "--as-of", AS_OF, "--format", "github"),
    ("validate", "--capacity", "examples/invalid/capacity-cycle.yaml", "--format", "github"),
    ("load", "--as-of", AS_OF, "--format", "json"),
    ("load", "--as-of", AS_OF, "--format", "csv"),
    ("pipeline", "examples/pipeline.csv", "--as-of", AS_OF, "--format", "json"),
    ("pipeline", "examples/pipeline.csv", "--as-of", AS_OF, "--format", "csv"),
    ("pipeline", "examples/pipeline.csv", "--as-of", AS_OF, "--format", "markdown"),
    ("impact", "capacity.yaml", "capacity.yaml", "--as-of", AS_OF, "--format", "json"),
    ("impact", "capacity.yaml", "capacity.yaml", "--as-of", AS_OF, "--format", "github"),
    ("schema", "capacity"),
]


def test_text_is_plain_when_piped(cli: CliRunner) -> None:
    run = cli("check", DEAL, "--as-of", AS_OF, env={"NO_COLOR": ""})
    assert "\x1b" not in run.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--color", "always"), {}),
        (("--color", "ALWAYS"), {}),
        ((), {"FEASIBILITY_COLOR": "always"}),
    ],
)
def test_always_colours_text_even_piped_and_with_no_color(
    cli: CliRunner, args: tuple[str, ...], env: dict[str, str]
) -> None:
    run = cli(*args, "check", DEAL, "--as-of", AS_OF, env=env)  # NO_COLOR=1 is set by cli
    assert run.returncode == 1, run.stderr
    assert has_colour(run.stdout)
    plain = SGR.sub("", run.stdout)
    assert plain == cli("check", DEAL, "--as-of", AS_OF).stdout


@pytest.mark.parametrize("args", MACHINE_RUNS, ids=lambda a: "-".join(map(str, a[:1] + a[-1:])))
def test_machine_formats_are_never_coloured(cli: CliRunner, args: tuple[object, ...]) -> None:
    run = cli("--color", "always", *args)
    assert run.returncode in {0, 1}, run.stderr
    assert run.stdout.strip()
    assert "\x1b" not in run.stdout


def test_on_a_terminal_auto_colours_unless_no_color() -> None:
    args = ("check", DEAL, "--as-of", AS_OF)
    assert has_colour(run_on_tty(*args).tty)
    assert not has_colour(run_on_tty(*args, env={"NO_COLOR": "1"}).tty)
    assert has_colour(run_on_tty(*args, env={"NO_COLOR": ""}).tty)
    never = run_on_tty("--color", "never", *args).tty
    assert "\x1b" not in never
    assert "INFEASIBLE" in never


def test_json_on_a_terminal_is_neither_coloured_nor_wrapped() -> None:
    run = run_on_tty(
        "--color", "always", "check", DEAL, "--as-of", AS_OF, "-f", "json", env={"COLUMNS": "40"}
    )
    text = run.tty.replace("\r\n", "\n")
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) > 40
    assert json.loads(text)["deals"][0]["id"] == "BL-2027-004"


def test_a_bad_color_mode_is_a_usage_error(cli: CliRunner) -> None:
    run = cli("--color", "sometimes", "check", DEAL)
    assert run.returncode == 2
    assert "'sometimes' is not one of 'auto', 'always', 'never'" in run.stderr


def test_shell_completion_is_available(cli: CliRunner) -> None:
    help_text = cli("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    run = cli("--show-completion", "bash")
    assert run.returncode == 0
    assert "_feasibility_completion" in run.stdout
