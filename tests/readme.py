"""The README's console examples: run them and compare, or rewrite them in place.

A ```console block holds one or more commands, each a `$ ` line followed by its output
(stdout and stderr as a terminal-less user sees them, NO_COLOR, width 100). A command is
`feasibility ...` (after `NAME=value` settings, e.g. `FEASIBILITY_TODAY=...`) or
`cp SRC DST`. Each block runs in order in its own scratch copy of the
repository's files (a git repository with one commit), so that `book`, `init` or an edited
capacity file never touch the real repository and blocks never depend on each other.
`python -m tests.readme` rewrites every block with the real output.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, run_cli

README = REPO / "README.md"
BLOCK = re.compile(r"```console\n(?P<body>\$ .*?)```", re.DOTALL)
COPIED = ["capacity.yaml", "bookings", "examples", "schemas", "tests/data"]
"""What a scratch copy holds: what the README's commands read."""


@dataclass(frozen=True)
class Command:
    """One `$ ` line of a console block and the output shown under it."""

    words: list[str]
    shown: str

    def run(self, cwd: Path) -> str:
        """Run it in ``cwd``; what it prints (stdout, then stderr)."""
        if self.words[0] == "cp":
            shutil.copy(cwd / self.words[1], cwd / self.words[2])
            return ""
        env = {}
        words = list(self.words)
        while "=" in words[0] and words[0].split("=", 1)[0].isupper():
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        assert words[0] == "feasibility", f"README runs only feasibility and cp: {self.words}"
        result = run_cli(*words[1:], cwd=cwd, env=env)
        return result.stdout + result.stderr


@dataclass(frozen=True)
class Example:
    """One console block of the README."""

    commands: list[Command]

    @property
    def name(self) -> str:
        """The block's commands, for test ids."""
        return " && ".join(shlex.join(c.words) for c in self.commands)

    @property
    def shown(self) -> str:
        """The block as the README shows it."""
        return render(self.commands, [c.shown for c in self.commands])

    def actual(self) -> str:
        """The block as the commands print it today, in a fresh scratch copy."""
        with tempfile.TemporaryDirectory(prefix="readme-") as scratch:
            cwd = Path(scratch)
            _copy_repository(cwd)
            return render(self.commands, [c.run(cwd) for c in self.commands])


def render(commands: list[Command], outputs: list[str]) -> str:
    """A console block's body: each command line, then its output."""
    pairs = zip(commands, outputs, strict=True)
    return "".join(f"$ {shlex.join(c.words)}\n{out}" for c, out in pairs)


def _copy_repository(cwd: Path) -> None:
    for name in COPIED:
        source = REPO / name
        (cwd / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, cwd / name)
        else:
            shutil.copy2(source, cwd / name)
    git = ["git", "-c", "user.name=readme", "-c", "user.email=readme@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run([*git, *args], cwd=cwd, check=True, capture_output=True)


def _parse(body: str) -> list[Command]:
    commands: list[Command] = []
    for chunk in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
        line, _, output = chunk.partition("\n")
        commands.append(Command(shlex.split(line), output))
    return commands


def examples(text: str) -> list[Example]:
    """Every console example in ``text``, in order."""
    return [Example(_parse(m["body"])) for m in BLOCK.finditer(text)]


def rewritten(text: str) -> str:
    """``text`` with every console example's output replaced by the real one."""

    def fresh(m: re.Match[str]) -> str:
        return f"```console\n{Example(_parse(m['body'])).actual()}```"

    return BLOCK.sub(fresh, text)


if __name__ == "__main__":
    README.write_text(rewritten(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"rewrote {len(examples(README.read_text(encoding='utf-8')))} examples\n")
