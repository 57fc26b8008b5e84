"""Run the installed CLI with stdout or stderr on a pseudo-terminal, as a person would."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, entry_point

SGR = re.compile(r"\x1b\[([0-9;]*)m")


@dataclass(frozen=True)
class TtyRun:
    """What a run wrote: ``tty`` is the terminal's stream, ``piped`` the other one."""

    returncode: int
    tty: str
    piped: str


def run_on_tty(
    *args: object,
    stream: str = "stdout",
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
    timeout: float = 600,
) -> TtyRun:
    """Run the CLI with ``stream`` ("stdout" or "stderr") on a terminal, the other piped."""
    full_env = {
        k: v for k, v in os.environ.items() if k not in {"FEASIBILITY_CAPACITY", "NO_COLOR"}
    }
    full_env.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    full_env.update(env or {})
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [entry_point(), *map(str, args)],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=slave if stream == "stdout" else subprocess.PIPE,
        stderr=slave if stream == "stderr" else subprocess.PIPE,
    )
    os.close(slave)
    pipe = proc.stderr if stream == "stdout" else proc.stdout
    assert pipe is not None
    piped: list[bytes] = []
    reader = threading.Thread(target=lambda: piped.append(pipe.read()))
    reader.start()
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the process is done writing
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    reader.join(timeout)
    proc.wait(timeout)
    return TtyRun(proc.returncode, b"".join(chunks).decode(), b"".join(piped).decode())


def has_colour(text: str) -> bool:
    """True when ``text`` sets a foreground or background colour (bold alone is no colour)."""
    for params in SGR.findall(text):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 48 or 90 <= int(p) <= 107):
                return True
    return False
