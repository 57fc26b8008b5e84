"""`book` and `release` under kills, read-only folders and full disks: the bookings folder
always holds the old state or the new one, and a failed write says which file, why, and what
to do.

tests/test_book.py covers a crash at each hooked system call of one write and racing writers;
here a real SIGKILL lands at random points of writes and removals (in a loop, and of the
installed command), and failures of the file system are simulated end to end.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from feasibility.errors import StoreError
from feasibility.store import bookings as store
from feasibility.workspace import load_workspace
from tests.conftest import entry_point
from tests.hostile.corpus import AS_OF, ON_TIME, bookings_state, invoke, workspace

ID = "BL-2027-003"


def _text(version: str) -> str:
    """A booking-sized text, large enough (200 kB) that kills land mid-write."""
    return f"id: {ID}\nversion: {version}\n" + f"{version}: text\n" * 20_000


OLD, NEW = _text("old"), _text("new")

LOOP = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from feasibility.store.bookings import remove_booking, write_booking

    folder, mode = Path(sys.argv[1]), sys.argv[2]
    old, new = Path(sys.argv[3]).read_text(), Path(sys.argv[4]).read_text()
    print("ready", flush=True)
    while True:
        if mode == "replace":  # book --replace, back and forth, from .yml and .yaml
            write_booking(folder, "BL-2027-003", new, replace=True)
            (folder / "BL-2027-003.yaml").rename(folder / "BL-2027-003.yml")
            write_booking(folder, "BL-2027-003", old, replace=True)
        else:  # book, then release (what a kill left booked is released first)
            if (folder / "BL-2027-003.yaml").exists():
                remove_booking(folder, "BL-2027-003")
            write_booking(folder, "BL-2027-003", new)
    """
)


def _states(folder: Path) -> dict[str, bytes]:
    """The booking's files (any name for the id), temporary files left out."""
    return {
        name: data
        for name, data in bookings_state(folder).items()
        if name.startswith(ID) and not name.startswith(".")
    }


def _assert_whole(folder: Path, allowed: set[str | None]) -> None:
    found = _states(folder)
    assert len(found) <= 1, sorted(found)  # never two bookings of one id
    text = next(iter(found.values())).decode() if found else None
    assert text in allowed, (sorted(found), None if text is None else text[:40])


@pytest.mark.parametrize("mode", ["replace", "book-release"])
def test_sigkill_at_random_points_of_writes_and_removals(mode: str, tmp_path: Path) -> None:
    """A process writing and removing a large booking in a loop, killed at random times: the
    folder holds the old booking, the new one, or (book then release) none; never a part."""
    folder = tmp_path / "bookings"
    folder.mkdir()
    if mode == "replace":
        (folder / f"{ID}.yaml").write_text(OLD)
    rng = random.Random(f"sigkill-{mode}")
    allowed: set[str | None] = {OLD, NEW} if mode == "replace" else {None, NEW}
    (tmp_path / "old.txt").write_text(OLD)
    (tmp_path / "new.txt").write_text(NEW)
    texts = [str(tmp_path / "old.txt"), str(tmp_path / "new.txt")]
    for _ in range(int(os.environ.get("KILL_ROUNDS", "12"))):
        proc = subprocess.Popen(
            [sys.executable, "-c", LOOP, str(folder), mode, *texts],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
        _assert_whole(folder, allowed)
        if mode == "replace" and not _states(folder):  # pragma: no cover - would be the bug
            pytest.fail("the booking was lost")


def test_sigkill_of_the_installed_book_and_release(tmp_path: Path) -> None:
    """The real command, killed at random points from start to finish: afterwards the
    workspace loads, and the booking is absent or whole."""
    folder = workspace(tmp_path)
    booked = folder / "bookings" / f"{ID}.yaml"
    rng = random.Random("sigkill-cli")
    start = time.monotonic()
    done = subprocess.run(
        [entry_point(), "book", ON_TIME, "--as-of", AS_OF, "--by", "k"],
        cwd=folder,
        capture_output=True,
        check=False,
        timeout=120,
    )
    full = time.monotonic() - start
    assert done.returncode == 0
    whole = booked.read_text()
    for round_ in range(int(os.environ.get("KILL_ROUNDS", "6"))):
        release = round_ % 2 == 1 and booked.exists()
        book = ["book", ON_TIME, "--as-of", AS_OF, "--replace", "--by", "k"]
        proc = subprocess.Popen(
            [entry_point(), *(["release", ID] if release else book)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 1.1) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert not booked.exists() or booked.read_text() == whole
        workspace_now = load_workspace(folder / "capacity.yaml")  # leftovers are ignored
        assert len([b for b in workspace_now.bookings if b.deal.id == ID]) == booked.exists()


# --- failures of the file system, end to end ----------------------------------------------


def _failing(name: str, err: int, *, when: Callable[..., bool] = lambda *a: True) -> Any:
    real = getattr(os, name)

    def fake(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            raise OSError(err, os.strerror(err))
        return real(*args, **kwargs)

    return fake


def _temporary(path: Any, *rest: Any) -> bool:
    return ".tmp-" in os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else True


FULL = "No space left on device; nothing was written: free some disk space and book again"
DENIED = "Permission denied; nothing was written: make bookings writable and book again"
READ_ONLY = "Read-only file system; nothing was written: make bookings writable and book again"


@pytest.mark.parametrize(
    ("call", "err", "reason"),
    [
        ("write", errno.ENOSPC, FULL),  # the disk fills up while writing
        ("fsync", errno.ENOSPC, FULL),  # ... or when flushing
        ("fsync", errno.EDQUOT, FULL.replace("No space left on device", "Disk quota exceeded")),
        ("open", errno.EACCES, DENIED),  # a read-only folder
        ("link", errno.EROFS, READ_ONLY),  # a read-only file system
        ("link", errno.ENOSPC, FULL),  # no room for one more name in the folder
    ],
)
def test_book_on_a_full_disk_or_read_only_folder(
    call: str, err: int, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace(tmp_path)
    before = bookings_state(folder / "bookings")
    when = _temporary if call == "open" else (lambda *a: True)
    monkeypatch.setattr(os, call, _failing(call, err, when=when))
    result = invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "ops")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write bookings/{ID}.yaml: {reason}\n"
    assert bookings_state(folder / "bookings") == before  # no temporary file either
    assert invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "ops").exit_code == 0


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_book_replace_on_a_full_disk_keeps_the_old_booking(
    call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace(tmp_path)
    assert invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "first").exit_code == 0
    before = bookings_state(folder / "bookings")
    monkeypatch.setattr(os, call, _failing(call, errno.ENOSPC))
    result = invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "again", "--replace")
    monkeypatch.undo()
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: cannot write bookings/{ID}.yaml: {FULL}\n",
    )
    assert bookings_state(folder / "bookings") == before


def test_book_when_the_bookings_folder_cannot_be_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace(tmp_path)
    for path in (folder / "bookings").iterdir():
        path.unlink()
    (folder / "bookings").rmdir()
    monkeypatch.setattr(os, "mkdir", _failing("mkdir", errno.EACCES))
    result = invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "ops")
    monkeypatch.undo()
    # The lock file is the first thing `book` would write in the folder.
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: cannot write bookings/.lock: {DENIED}\n",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["capacity.yaml", "examples"]


@pytest.mark.parametrize(
    ("err", "todo"),
    [
        (errno.EACCES, "Permission denied; the booking is still there: make bookings writable"),
        (errno.EROFS, "Read-only file system; the booking is still there: make bookings writable"),
        (errno.EIO, "Input/output error; the booking is still there: fix the cause"),
    ],
)
def test_release_in_a_read_only_folder(
    err: int, todo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace(tmp_path)
    before = bookings_state(folder / "bookings")
    monkeypatch.setattr(os, "unlink", _failing("unlink", err))
    result = invoke(folder, "release", "BL-2026-014")
    monkeypatch.undo()
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: cannot remove bookings/BL-2026-014.yaml: {todo} and release again\n",
    )
    assert bookings_state(folder / "bookings") == before


def test_a_temporary_file_that_cannot_be_removed_does_not_hide_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills, then cleaning up fails too: the user still hears about the disk."""
    folder = tmp_path / "bookings"
    folder.mkdir()
    monkeypatch.setattr(os, "fsync", _failing("fsync", errno.ENOSPC))
    monkeypatch.setattr(os, "unlink", _failing("unlink", errno.EACCES))
    with pytest.raises(StoreError, match=r"No space left on device; nothing was written"):
        store.write_booking(folder, ID, NEW)
    monkeypatch.undo()
    leftovers = [p.name for p in folder.iterdir()]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".{ID}.yaml.tmp-")  # ignored


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_really_read_only_folder(tmp_path: Path) -> None:  # pragma: no cover - not as root
    folder = workspace(tmp_path)
    before = bookings_state(folder / "bookings")
    (folder / "bookings").chmod(0o555)
    try:
        book = invoke(folder, "book", ON_TIME, "--as-of", AS_OF, "--by", "ops")
        release = invoke(folder, "release", "BL-2026-014")
    finally:
        (folder / "bookings").chmod(0o755)
    assert (book.exit_code, book.stderr) == (
        2,
        f"error: cannot write bookings/{ID}.yaml: {DENIED}\n",
    )
    assert release.exit_code == 2 and "make bookings writable" in release.stderr
    assert bookings_state(folder / "bookings") == before


def test_replacing_a_yml_booking_keeps_one_booking_at_every_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--replace` of a booking named .yml writes the new text under the old name, then
    renames it: a crash between the two leaves the new booking, never two or none."""
    folder = tmp_path / "bookings"
    folder.mkdir()
    (folder / f"{ID}.yml").write_text(OLD)
    seen: list[list[str]] = []
    real = os.rename

    def watch(src: Any, dst: Any) -> None:
        seen.append(sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")))
        assert (folder / f"{ID}.yml").read_text() == NEW
        real(src, dst)

    monkeypatch.setattr(os, "rename", watch)
    store.write_booking(folder, ID, NEW, replace=True)
    monkeypatch.undo()
    assert seen == [[f"{ID}.yml"]]
    assert sorted(p.name for p in folder.iterdir()) == [f"{ID}.yaml"]
    assert (folder / f"{ID}.yaml").read_text() == NEW
