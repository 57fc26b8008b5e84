"""The held-load cache gives `check` the answers of reading every booking: cold, warm,
stale, corrupt or unwritable, byte for byte."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
from pathlib import Path

import pytest

from feasibility.store.held_cache import cache_file, read_held
from feasibility.workspace import read_capacity
from tests.conftest import AS_OF, CliRunner, repository_copy

DAY = AS_OF.toordinal() + 1
"""A working day after the check date, as the cache writes days (an ordinal)."""
DEALS = ["examples/on-time.yaml", "examples/at-risk.yaml"]
"""Checked in each case; the first case adds a late deal, whose offers re-plan on more
generous models."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's capacity file, bookings, examples and schemas."""
    return repository_copy(tmp_path)


def _check(cli: CliRunner, repo: Path, cache: Path | str, day: str = str(AS_OF), *more: str) -> str:
    done = cli("check", *DEALS, *more, "--as-of", day, "-f", "json", cwd=repo, env={
        "FEASIBILITY_CACHE_DIR": str(cache)
    })  # fmt: skip
    assert done.returncode in (0, 1, 3), done.stderr
    return done.stdout


def _cache(repo: Path, folder: Path) -> Path:
    capacity, _ = read_capacity(repo / "capacity.yaml")
    assert capacity is not None
    os.environ["FEASIBILITY_CACHE_DIR"], was = str(folder), os.environ["FEASIBILITY_CACHE_DIR"]
    try:
        path = cache_file(capacity)
    finally:
        os.environ["FEASIBILITY_CACHE_DIR"] = was
    assert path is not None
    return path


def test_cold_warm_and_off_give_the_same_answer(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    late = "examples/late.yaml"
    off = _check(cli, repo, "", str(AS_OF), late)
    cold = _check(cli, repo, folder, str(AS_OF), late)
    assert _cache(repo, folder).exists()
    assert _held(repo, folder, AS_OF)
    warm = _check(cli, repo, folder, str(AS_OF), late)
    assert off == cold == warm
    assert '"kind": "partial"' in warm  # offers were tried on the cached totals
    # A later check date uses it too, with the same answer as reading the bookings.
    assert _check(cli, repo, folder, "2027-01-11") == _check(cli, repo, "", "2027-01-11")


def test_a_stale_cache_is_not_used(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _check(cli, repo, folder)
    # An edit of the capacity file that breaks a plan: the cache no longer holds.
    shutil.copy(repo / "examples/edits/crew-on-loan.yaml", repo / "capacity.yaml")
    assert _check(cli, repo, folder) == _check(cli, repo, "")
    # A booking released.
    (repo / "bookings/BL-2026-019.yaml").unlink()
    assert _check(cli, repo, folder) == _check(cli, repo, "")


@pytest.mark.parametrize("content", ["", "{", "[]", '{"stamp": 1}', "\x00\xff"])
def test_a_corrupt_cache_is_a_miss(
    cli: CliRunner, repo: Path, tmp_path: Path, content: str
) -> None:
    folder = tmp_path / "cache"
    want = _check(cli, repo, folder)
    path = _cache(repo, folder)
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    assert _check(cli, repo, folder) == want


def test_a_cache_with_forged_totals_but_the_wrong_stamp_is_ignored(
    cli: CliRunner, repo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    want = _check(cli, repo, folder)
    path = _cache(repo, folder)
    data = marshal.loads(path.read_bytes())
    data["stamp"]["capacity"] = "0" * 64
    data["held"]["amounts"] = {"install-crew": (tuple(range(739000, 739400)), (99.0,) * 400)}
    path.write_bytes(marshal.dumps(data))
    assert _check(cli, repo, folder) == want


@pytest.mark.parametrize(
    "held",
    [
        {"amounts": {"install-crew": ((str(DAY),), (1.0,))}},
        {"amounts": {"install-crew": ((DAY,), ("1.0",))}},
        {"amounts": {"install-crew": ((DAY, DAY + 1), (1.0,))}},
        {"takes": [(DAY, "cable-drum")]},
    ],
)
def test_a_cache_with_the_right_stamp_but_values_of_the_wrong_type_is_a_miss(
    cli: CliRunner, repo: Path, tmp_path: Path, held: dict[str, object]
) -> None:
    folder = tmp_path / "cache"
    want = _check(cli, repo, folder)
    path = _cache(repo, folder)
    data = marshal.loads(path.read_bytes())
    data["held"].update(held)
    path.write_bytes(marshal.dumps(data))
    assert _check(cli, repo, folder) == want


def test_an_unwritable_cache_folder_is_no_error(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _check(cli, repo, blocked / "cache") == _check(cli, repo, "")


def _held(repo: Path, folder: Path, day: dt.date) -> bool:
    """Whether the cache in ``folder`` holds for ``repo``'s bookings on ``day``."""
    capacity, _ = read_capacity(repo / "capacity.yaml")
    assert capacity is not None
    os.environ["FEASIBILITY_CACHE_DIR"], was = str(folder), os.environ["FEASIBILITY_CACHE_DIR"]
    try:
        return read_held(capacity, day) is not None
    finally:
        os.environ["FEASIBILITY_CACHE_DIR"] = was


def test_not_used_before_the_date_it_was_made_on(
    repo: Path, cli: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    _check(cli, repo, folder, "2027-01-11")
    assert not _held(repo, folder, AS_OF)
    assert _held(repo, folder, dt.date(2027, 1, 11))
    assert _held(repo, folder, dt.date(2027, 1, 18))
    assert _check(cli, repo, folder) == _check(cli, repo, "")
