"""The public-holiday cache gives the answers of the `holidays` package: cold, warm, stale,
corrupt, unwritable or missing, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import holidays
import pytest

from feasibility.store import days_off
from tests.conftest import AS_OF, CliRunner, repository_copy, run_cli

DEALS = ["examples/on-time.yaml", "examples/at-risk.yaml"]
"""Their schedules fall around holidays and their CALENDAR reasons name them, so a wrong day
or name shows in the output."""
VERSION = metadata.version("holidays")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's capacity file, bookings, examples and schemas (the
    commands here only read it)."""
    return repository_copy(tmp_path_factory.mktemp("repo"))


def _run(cli: CliRunner, repo: Path, cache: Path | str, *args: str) -> str:
    done = cli(*args, "--as-of", str(AS_OF), cwd=repo, env={"FEASIBILITY_CACHE_DIR": str(cache)})
    assert done.returncode in (0, 1, 3), done.stderr
    assert not done.stderr
    return done.stdout


def _answers(cli: CliRunner, repo: Path, cache: Path | str) -> tuple[str, str, str]:
    """`check` in text and json, and `validate`, with the cache folder ``cache``."""
    return (
        _run(cli, repo, cache, "check", *DEALS, "--schedule"),
        _run(cli, repo, cache, "check", *DEALS, "-f", "json"),
        _run(cli, repo, cache, "validate", *DEALS),
    )


@pytest.fixture(scope="module")
def without_cache(repo: Path) -> tuple[str, str, str]:
    """The answers with the cache turned off: straight from the `holidays` package."""
    return _answers(run_cli, repo, "")


def _file(folder: Path) -> Path:
    return folder / f"holidays-{VERSION}.json"


def test_cold_and_warm_give_the_package_answer(
    cli: CliRunner, repo: Path, tmp_path: Path, without_cache: tuple[str, str, str]
) -> None:
    folder = tmp_path / "cache"
    assert _answers(cli, repo, folder) == without_cache  # cold: the folder does not exist
    data = json.loads(_file(folder).read_text(encoding="utf-8"))
    assert data["holidays"] == VERSION
    assert any('"days", "US", "CA"' in key for key in data["entries"])
    assert _answers(cli, repo, folder) == without_cache  # warm


def _poison(path: Path, version: str) -> None:
    """Rename every cached holiday, as a cache of ``version`` would hold them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["holidays"] = version
    for key, value in data["entries"].items():
        if key.startswith('["days"'):
            data["entries"][key] = [[day, "Poisoned Day"] for day, _ in value]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_warm_cache_is_read(cli: CliRunner, repo: Path, tmp_path: Path) -> None:
    """The warm answers come from the file (so the stale and corrupt cases below test
    something): an entry rewritten by hand shows."""
    folder = tmp_path / "cache"
    _answers(cli, repo, folder)
    _poison(_file(folder), VERSION)
    assert "Poisoned Day" in _run(cli, repo, folder, "check", *DEALS, "--schedule")


def test_a_stale_cache_is_not_used(
    cli: CliRunner, repo: Path, tmp_path: Path, without_cache: tuple[str, str, str]
) -> None:
    folder = tmp_path / "cache"
    _answers(cli, repo, folder)
    old = folder / "holidays-0.1.json"
    _file(folder).rename(old)
    _poison(old, "0.1")  # what an older holidays package left behind
    assert _answers(cli, repo, folder) == without_cache
    _poison(_file(folder), "0.1")  # the right name, made by another version
    assert _answers(cli, repo, folder) == without_cache


@pytest.mark.parametrize(
    "text",
    [
        b"\x00\xff not json",
        b'{"format": 1, "holidays": "' + VERSION.encode() + b'", "entries": {',
        b"[]",
        b'{"format": 2, "holidays": "' + VERSION.encode() + b'", "entries": {}}',
        b'{"format": 1, "holidays": "' + VERSION.encode() + b'", "entries": []}',
    ],
    ids=["binary", "truncated", "a list", "another format", "entries a list"],
)
def test_a_corrupt_cache_is_not_used(
    cli: CliRunner,
    repo: Path,
    tmp_path: Path,
    without_cache: tuple[str, str, str],
    text: bytes,
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    _file(folder).write_bytes(text)
    assert _answers(cli, repo, folder) == without_cache
    assert json.loads(_file(folder).read_text(encoding="utf-8"))["holidays"] == VERSION


def test_corrupt_entries_are_not_used(
    cli: CliRunner, repo: Path, tmp_path: Path, without_cache: tuple[str, str, str]
) -> None:
    folder = tmp_path / "cache"
    _answers(cli, repo, folder)
    data = json.loads(_file(folder).read_text(encoding="utf-8"))
    wrong: list[object] = [7, [["2027-13-01", "x"]], [["2027-01-01"]], "x", [[1, 2]]]
    for n, key in enumerate(data["entries"]):
        data["entries"][key] = 5 if key.startswith('["region"') else wrong[n % len(wrong)]
    _file(folder).write_text(json.dumps(data), encoding="utf-8")
    assert _answers(cli, repo, folder) == without_cache


def test_an_unwritable_or_missing_folder_is_no_error(
    cli: CliRunner, repo: Path, tmp_path: Path, without_cache: tuple[str, str, str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert _answers(cli, repo, blocker) == without_cache  # the folder is a file
    assert _answers(cli, repo, blocker / "below") == without_cache  # it cannot be made
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    deep = tmp_path / "not" / "there" / "yet"
    assert _answers(cli, repo, deep) == without_cache  # made on the way
    assert _file(deep).exists()


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of this test, read afresh."""
    monkeypatch.setenv("FEASIBILITY_CACHE_DIR", str(tmp_path))
    days_off._entries.cache_clear()
    yield tmp_path
    days_off._entries.cache_clear()


@pytest.mark.parametrize(
    ("country", "subdivision"), [("US", "CA"), ("US", None), ("DE", "BY"), ("UK", None)]
)
def test_the_days_are_the_package_days(
    cache_in: Path, country: str, subdivision: str | None
) -> None:
    for year in (2026, 2027, 2028):
        direct = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=True)
        expected = [(day, str(name)) for day, name in direct.items()]
        assert list(days_off.holidays_of(country, subdivision, year).items()) == expected
        days_off._entries.cache_clear()  # the next call reads the file
        assert list(days_off.holidays_of(country, subdivision, year).items()) == expected


def test_regions_are_the_package_answer(cache_in: Path) -> None:
    cases: list[tuple[str, str | None, str | None]] = [
        ("US", "CA", None),
        ("US", "XX", "unknown subdivision 'XX' of country 'US'"),
        ("QQ", None, "unknown holidays country 'QQ'"),
    ]
    for country, subdivision, expected in cases:
        assert days_off.region_problem(country, subdivision) == expected
        days_off._entries.cache_clear()
        assert days_off.region_problem(country, subdivision) == expected
