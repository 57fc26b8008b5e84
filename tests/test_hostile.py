"""Hostile and broken input, end to end: nothing crashes, nothing is lost, nothing escapes its
folder.

The corpus (``tests/hostile/``) runs each bad file through `validate`, `check` and `book` in
a fresh copy of the repository; the folder cases below (symlinks, pipes, odd `bookings:`
paths) build their workspace in code. A few cases go through the installed entry point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.hostile.corpus import (
    AS_OF,
    ON_TIME,
    REPO,
    Case,
    Outcome,
    bookings_state,
    cases,
    commands,
    invoke,
    prepare,
    run,
    workspace,
)

CASES = cases()


def test_the_corpus_covers_every_kind_of_hostile_input() -> None:
    names = {case.name for case in CASES}
    kinds = {case.kind for case in CASES}
    assert kinds == {"deal", "capacity", "booking"}
    assert len(names) == len(CASES)
    for case in CASES:
        assert case.exits.get("validate") is not None, case.name
        assert case.expect or case.exits["validate"] == 0, f"{case.name}: nothing expected"


def _validate_line(case: Case, expected: str) -> str:
    where, message = expected.split(": ", 1)
    label = "" if message.startswith("warning: ") else "error: "
    return f"{case.target}:{where}: {label}{message}"


def _assert_problems(case: Case, outcome: Outcome, command: str) -> None:
    """validate lists the problems by position; other commands as found (compared sorted)."""
    found_lines = outcome.problems
    if command == "validate":
        wanted = [(_validate_line(case, e.text), e.exact) for e in case.expect]
    else:
        wanted = sorted((f"{case.target}:{e.text}", e.exact) for e in case.expect)
        found_lines = sorted(found_lines)
    assert len(found_lines) == len(wanted), "\n".join(found_lines)
    for found, (text, exact) in zip(found_lines, wanted, strict=True):
        assert found == text if exact else found.startswith(text), (found, text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_case_gets_its_exit_code_and_located_messages(case: Case, tmp_path: Path) -> None:
    folder = prepare(case, tmp_path)
    before = bookings_state(folder / "bookings")
    for command, code in case.exits.items():
        outcome = run(case, folder, command)
        assert outcome.code == code, (command, outcome.problems)
        if command == "validate" or code == 2:
            _assert_problems(case, outcome, command)
        if code != 0:  # nothing refused is ever written
            assert outcome.bookings == before, command
    if case.json:
        result = invoke(folder, *commands(case)["json"])
        deal = json.loads(result.stdout)["deals"][0]
        for key, value in case.json.items():
            found = deal
            for part in key.split("."):
                found = found[int(part)] if part.isdigit() else found[part]
            assert found == value, key


# Through the installed entry point: the hostile inputs that stress the process itself.
ENTRY_POINT_CASES = [
    "alias-bomb.yaml",
    "deep-nesting-100000",
    "oversized-deal",
    "invalid-utf8.yaml",
]


@pytest.mark.parametrize("name", ENTRY_POINT_CASES)
def test_the_installed_command_refuses_quickly_and_cleanly(
    name: str, tmp_path: Path, cli: CliRunner
) -> None:
    case = next(c for c in CASES if c.name == name)
    folder = prepare(case, tmp_path)
    validate = cli(*commands(case)["validate"], cwd=folder)
    check = cli(*commands(case)["check"], cwd=folder)
    assert (validate.returncode, check.returncode) == (1, 2)
    assert "Traceback" not in validate.stderr + check.stderr
    assert check.stderr.splitlines()[0] == f"{case.target}:{case.expect[0].text}"


# --- the bookings folder and what lies in it ----------------------------------------------


def _set_bookings(folder: Path, value: str) -> None:
    text = (folder / "capacity.yaml").read_text()
    (folder / "capacity.yaml").write_text(
        text.replace("bookings: bookings ", f"bookings: {value} ")
    )


def _all_commands(folder: Path) -> dict[str, tuple[int, str]]:
    """validate, check, book and release in ``folder``: exit code and first line of output."""
    runs = {
        "validate": ["validate", "--as-of", AS_OF],
        "check": ["check", ON_TIME, "--as-of", AS_OF],
        "book": ["book", ON_TIME, "--as-of", AS_OF, "--by", "x"],
        "release": ["release", "BL-2026-014"],
        "load": ["load", "--as-of", AS_OF],
    }
    out = {}
    for name, args in runs.items():
        result = invoke(folder, *args)
        text = result.stdout if name == "validate" else result.stderr
        out[name] = (result.exit_code, (text.splitlines() or [""])[0])
    return out


BOOKINGS_LINE = "capacity.yaml:263:11"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".", "bookings folder '.' is the capacity file's own folder; use a subfolder such as "
         "'bookings'"),
        ("''", "bookings folder '' is the capacity file's own folder; use a subfolder such as "
         "'bookings'"),
        ("bookings/..", "bookings folder 'bookings/..' is the capacity file's own folder; use a "
         "subfolder such as 'bookings'"),
        ('"a\\0b"', "escape for character U+0000, which is not allowed in text; remove it"),
        ('"a\\tb"', "character U+0009 in the bookings folder's name; use a plain folder name"),
        ('"book\\nings"', "character U+000A in the bookings folder's name; use a plain folder "
         "name"),
        ('"bookings\\x85"', "character U+0085 in the bookings folder's name; use a plain folder "
         "name"),
        ("x" * 300, "bookings folder path is too long (300 characters, 1 parts; limits 255 and "
         "16); keep it beside capacity.yaml"),
        ("a/" * 40, "bookings folder path is too long (80 characters, 40 parts; limits 255 and "
         "16); keep it beside capacity.yaml"),
        ("../elsewhere", "bookings folder '../elsewhere' is outside the capacity file's folder; "
         "keep it beside capacity.yaml"),
        ("/etc", "bookings folder '/etc' is outside the capacity file's folder; keep it beside "
         "capacity.yaml"),
    ],
)  # fmt: skip
def test_a_bookings_folder_that_is_not_a_plain_subfolder_is_refused_by_every_command(
    value: str, message: str, tmp_path: Path
) -> None:
    # One level down, so that '../elsewhere' is this test's own folder, not one that
    # tests running beside it share.
    (tmp_path / "repo").mkdir()
    folder = workspace(tmp_path / "repo")
    before = bookings_state(folder / "bookings")
    if value == "../elsewhere":
        (tmp_path / "elsewhere").mkdir()
    _set_bookings(folder, value)
    results = _all_commands(folder)
    assert results["validate"] == (1, f"{BOOKINGS_LINE}: error: {message}")
    for command in ("check", "book", "release", "load"):
        assert results[command] == (2, f"{BOOKINGS_LINE}: {message}"), command
    assert bookings_state(folder / "bookings") == before
    assert sorted(p.name for p in folder.iterdir()) == ["bookings", "capacity.yaml", "examples"]


def test_a_bookings_folder_symlinked_out_of_the_repository(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    folder = workspace(repo)
    shutil.move(folder / "bookings", outside)
    (folder / "bookings").symlink_to(outside)
    before = bookings_state(outside)
    message = (
        "bookings folder 'bookings' leads outside the capacity file's folder (through a "
        "symlink); keep it beside capacity.yaml"
    )
    results = _all_commands(folder)
    assert results["validate"] == (1, f"{BOOKINGS_LINE}: error: {message}")
    for command in ("check", "book", "release", "load"):
        assert results[command] == (2, f"{BOOKINGS_LINE}: {message}"), command
    assert bookings_state(outside) == before


def test_a_bookings_folder_symlinked_within_the_repository_is_fine(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    (folder / "data").mkdir()
    shutil.move(folder / "bookings", folder / "data" / "bookings")
    (folder / "bookings").symlink_to(folder / "data" / "bookings")
    assert invoke(folder, "validate", "--as-of", AS_OF).exit_code == 0
    assert invoke(folder, "book", ON_TIME, "--as-of", AS_OF).exit_code == 0
    assert (folder / "data/bookings/BL-2027-003.yaml").is_file()


def test_a_symlink_loop_as_the_bookings_folder(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    shutil.rmtree(folder / "bookings")
    (folder / "bookings").symlink_to(folder / "loop")
    (folder / "loop").symlink_to(folder / "bookings")
    results = _all_commands(folder)
    assert results["validate"][0] == 1
    assert results["validate"][1].startswith(f"{BOOKINGS_LINE}: error: bookings folder ")
    for command in ("check", "book", "release", "load"):
        assert results[command][0] == 2, command
        assert results[command][1].startswith(f"{BOOKINGS_LINE}: bookings folder "), command


def _special_booking(folder: Path, kind: str) -> Path:
    path = folder / "bookings" / "ODD-1.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling symlink":
        path.symlink_to(folder / "nowhere.yaml")
    elif kind == "symlink out":
        path.symlink_to("/etc/hostname")
    elif kind == "device":
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("fifo", "a booking must be a regular file (this is a pipe, socket or device); remove it"),
        ("folder", "cannot read: Is a directory; check the path and its permissions"),
        ("dangling symlink", "a booking file may not be a symlink"),
        ("symlink out", "a booking file may not be a symlink"),
        ("device", "a booking file may not be a symlink"),
    ],
)
def test_a_booking_that_is_not_a_regular_file_stops_checks_and_never_hangs(
    kind: str, message: str, tmp_path: Path
) -> None:
    folder = workspace(tmp_path)
    _special_booking(folder, kind)
    line = f"bookings/ODD-1.yaml:1:1: {message}"
    validate = invoke(folder, "validate", "--as-of", AS_OF)
    assert (validate.exit_code, validate.stdout.splitlines()[0]) == (
        1,
        line.replace("1:1: ", "1:1: error: "),
    )
    check = invoke(folder, "check", ON_TIME, "--as-of", AS_OF)
    assert (check.exit_code, check.stderr) == (2, line + "\n")
    release = invoke(folder, "release", "ODD-1")
    if kind == "fifo":
        assert release.exit_code == 0
        assert not os.path.lexists(folder / "bookings/ODD-1.yaml")
        assert invoke(folder, "validate", "--as-of", AS_OF).exit_code == 0
    elif kind != "folder":  # a link leading out is never followed, nor removed for you
        assert (release.exit_code, release.stderr) == (
            2,
            "error: bookings/ODD-1.yaml is a link that leads out of the bookings folder; "
            "remove it\n",
        )
        assert os.path.lexists(folder / "bookings/ODD-1.yaml")


def test_file_names_cannot_start_lines_of_their_own(tmp_path: Path) -> None:
    """A booking named with a line break and undecodable bytes: every message stays one line."""
    folder = workspace(tmp_path)
    name = os.fsdecode(b"bookings/\xff\n::error::x.yaml")
    (folder / name).write_text("- a list\n")
    shown = "bookings/\\xff\\n::error::x.yaml:1:1: "
    message = "expected a mapping at the top level, found a list"
    validate = invoke(folder, "validate", "--as-of", AS_OF)
    assert validate.stdout.splitlines()[0] == f"{shown}error: {message}"
    check = invoke(folder, "check", ON_TIME, "--as-of", AS_OF)
    assert (check.exit_code, check.stderr) == (2, f"{shown}{message}\n")
    release = invoke(folder, "release", "X")
    assert release.exit_code == 2
    assert release.stderr.count("\n") == 1 and "\\n::error::x" in release.stderr
    github = invoke(folder, "validate", "--as-of", AS_OF, "--format", "github")
    assert github.stdout.splitlines()[0].startswith(
        "::error file=bookings/\\udcff%0A%3A%3Aerror%3A%3Ax.yaml,line=1,col=1,"
    )


def test_book_refuses_control_characters_in_what_it_would_write(tmp_path: Path) -> None:
    """`book` never writes a booking that could not be read back."""
    folder = workspace(tmp_path)
    before = bookings_state(folder / "bookings")
    for option in ("--by", "--reason"):
        result = invoke(
            folder, "book", ON_TIME, "--as-of", AS_OF, option, "ops\x1b[2J", "--accept-risk"
        )
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: {option} holds the control character U+001B; write plain text\n",
        )
    assert bookings_state(folder / "bookings") == before
    assert invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "Ops\tTeam").exit_code == 0


def test_a_fifo_deal_with_a_writer_still_works(tmp_path: Path) -> None:
    """Deal files given on the command line may be pipes (`check <(cat deal.yaml)`)."""
    folder = workspace(tmp_path)
    fifo = folder / "deal.yaml"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        ["sh", "-c", f"cat {REPO / ON_TIME} > {fifo}"], stdout=subprocess.DEVNULL
    )
    try:
        result = invoke(folder, "check", "deal.yaml", "--as-of", AS_OF, "--format", "json")
    finally:
        writer.wait(timeout=60)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["deals"][0]["id"] == "BL-2027-003"
