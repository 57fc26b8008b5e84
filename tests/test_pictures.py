"""The README's pictures are made by the commands themselves and must not drift.

Each picture in docs/images is regenerated into a temporary folder by its command (with
`--svg`) and compared byte for byte. `python -m tests.test_pictures` rewrites them all.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, run_cli

IMAGES = REPO / "docs" / "images"
PICTURES: dict[str, list[str]] = {
    "load.svg": ["load", "--as-of", "2026-11-23"],
    "load-with-deal.svg": ["load", "--as-of", "2026-11-23", "--with", "examples/late.yaml"],
    "check-timeline.svg": ["check", "examples/late.yaml", "--as-of", "2026-11-23", "--timeline"],
}
"""Picture file name -> the command (without `--svg FILE`) that draws it."""


def command(name: str) -> str:
    """The shell command that writes a picture into docs/images, run from the repository."""
    return shlex.join(["feasibility", *PICTURES[name], "--svg", f"docs/images/{name}"])


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_picture_is_current(name: str, cli: CliRunner, tmp_path: Path) -> None:
    fresh = tmp_path / name
    result = cli(*PICTURES[name], "--svg", fresh)
    assert result.returncode in {0, 1}, result.stderr
    stored = IMAGES / name
    assert stored.exists(), f"missing picture; make it with `{command(name)}`"
    assert fresh.read_text(encoding="utf-8") == stored.read_text(encoding="utf-8"), (
        f"docs/images/{name} drifted; regenerate with `python -m tests.test_pictures` "
        f"(or `{command(name)}`) and review it"
    )


def test_html_picture_has_a_title_and_the_text(cli: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "load.html"
    result = cli("load", "--as-of", "2026-11-23", "--weeks", "2", "--html", page)
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>feasibility load</title>" in html
    assert "Load of Brightline Systems as of 2026-11-23" in html


def test_unwritable_picture_is_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "load.svg"
    result = cli("load", "--as-of", "2026-11-23", "--weeks", "1", "--svg", target)
    assert result.returncode == 2
    assert result.stderr == f"error: cannot write {target}: No such file or directory\n"


if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    for picture, args in PICTURES.items():
        done = run_cli(*args, "--svg", IMAGES / picture)
        if done.returncode not in {0, 1}:
            sys.exit(f"{command(picture)} failed:\n{done.stderr}")
        sys.stdout.write(f"wrote docs/images/{picture}\n")
