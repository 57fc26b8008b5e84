"""The README's console examples: run them and compare, or rewrite them in place.

A ```console block holds one `$ feasibility ...` command and its output (stdout and
stderr as a terminal-less user sees them, NO_COLOR, width 100). `python -m tests.readme`
rewrites every block with the real output.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass

from tests.conftest import REPO, run_cli

README = REPO / "README.md"
BLOCK = re.compile(r"```console\n\$ feasibility (?P<args>[^\n]*)\n(?P<output>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Example:
    """One console example of the README."""

    args: list[str]
    shown: str

    def actual(self) -> str:
        """What the command prints today (stdout, then stderr)."""
        result = run_cli(*self.args)
        return result.stdout + result.stderr


def examples(text: str) -> list[Example]:
    """Every console example in ``text``, in order."""
    return [Example(shlex.split(m["args"]), m["output"]) for m in BLOCK.finditer(text)]


def rewritten(text: str) -> str:
    """``text`` with every console example's output replaced by the real one."""

    def fresh(m: re.Match[str]) -> str:
        output = Example(shlex.split(m["args"]), m["output"]).actual()
        return f"```console\n$ feasibility {m['args']}\n{output}```"

    return BLOCK.sub(fresh, text)


if __name__ == "__main__":
    README.write_text(rewritten(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"rewrote {len(examples(README.read_text(encoding='utf-8')))} examples\n")
