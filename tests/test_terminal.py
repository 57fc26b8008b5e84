"""Terminal behaviour: `--color`, NO_COLOR, machine formats left raw, shell completion."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.conftest import AS_OF, CliRunner, entry_point
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
    # Typer detects the shell from the parent process, as in a user's terminal: run it from
    # bash, so the test does not depend on what started pytest.
    run = subprocess.run(
        ["bash", "-c", f'"{entry_point()}" --show-completion'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "_feasibility_completion" in run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("check", DEAL, "--as-of", AS_OF, "--color", "always"),
        ("check", "--color=always", DEAL, "--as-of", AS_OF),
        ("check", DEAL, "--color", "always", "--as-of", AS_OF),
    ],
)
def test_global_options_may_follow_the_command(cli: CliRunner, args: tuple[str, ...]) -> None:
    """`--color` works after the command name as it does before it."""
    after = cli(*args)
    before = cli("--color", "always", "check", DEAL, "--as-of", AS_OF)
    assert after.returncode == before.returncode == 1, after.stderr
    assert has_colour(after.stdout)
    assert after.stdout == before.stdout


def test_global_option_reordering_stops_at_double_dash() -> None:
    from feasibility.cli.app import global_options_first

    names = {"check", "book"}
    assert global_options_first(["check", "a", "--color", "never"], names) == [
        "--color", "never", "check", "a",
    ]  # fmt: skip
    assert global_options_first(["check", "--", "--color"], names) == ["check", "--", "--color"]
    assert global_options_first(["--color", "never"], names) == ["--color", "never"]


DATE = re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b")
NARROW_RUNS = [
    ("check", "examples/at-risk.yaml", "examples/late.yaml", "--schedule"),
    ("pipeline", "examples/pipeline.csv"),
]


@pytest.mark.parametrize("args", NARROW_RUNS, ids=lambda a: a[0])
def test_at_60_columns_dates_and_ids_wrap_whole(cli: CliRunner, args: tuple[str, ...]) -> None:
    """A narrow terminal wraps tables: every date and id of the wide output is still there
    whole, nothing is cut short with '…', and no line is wider than the terminal."""
    wide = cli(*args, "--as-of", AS_OF, "--format", "json")
    narrow = cli(*args, "--as-of", AS_OF, env={"COLUMNS": "60"})
    assert narrow.returncode in {1, 3}, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    shown = set(DATE.findall(narrow.stdout))
    for deal in json.loads(wide.stdout)["deals"]:
        assert deal["id"] in narrow.stdout
        if args[0] == "pipeline":
            dates = {deal[k]["earliest"] for k in ("alone", "if_all_close")}
        else:
            dates = {line[k] for line in deal["lines"] for k in ("due", "earliest")}
            dates |= {step[k] for step in deal["schedule"] for k in ("start", "finish")}
        assert dates - {None} <= shown, dates - shown
    table = narrow.stdout.split("Alone:")[0] if args[0] == "pipeline" else narrow.stdout
    assert "…" not in re.sub(r"╭─.*", "", table)
