"""Fuzzing inputs (hypothesis strategies) and running them end to end, shared by
tests/test_fuzz.py and the timing script tests/hostile/measure.py.

Inputs are random YAML documents and mutations of every valid file of the repository
(examples, capacity.yaml, bookings, tests/data/valid): a key deleted, a value of another type
(YAML 1.1 forms, aliases, tags, escapes, impossible dates, huge numbers), a key duplicated,
an id renamed, or the text itself cut, spliced or corrupted.
"""

from __future__ import annotations

import copy
import re
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from hypothesis import strategies as st

from feasibility.io.yamlio import dump, load_text
from tests.hostile.corpus import AS_OF, ON_TIME, REPO, invoke, workspace

Kind = Literal["deal", "capacity", "booking"]
EXIT_CODES = {0, 1, 2, 3}
"""SPEC's exit codes of these commands; 4 (internal error) is the bug fuzzing looks for."""
HANG_GUARD = 120.0
"""Seconds one command may take before the fuzz test calls it hung. A guard against hangs
only, far above the 2 s target: timings are measured by tests/hostile/measure.py."""


@dataclass(frozen=True)
class Source:
    """A valid file of the repository and where it goes in a workspace."""

    name: str
    kind: Kind
    text: str


def sources() -> list[Source]:
    """Every valid file: example deals, the capacity files, the bookings."""
    out = [Source(p.name, "deal", p.read_text()) for p in sorted(REPO.glob("examples/*.yaml"))]
    out.append(Source("capacity.yaml", "capacity", (REPO / "capacity.yaml").read_text()))
    out += [
        Source(p.name, "capacity", p.read_text())
        for p in sorted((REPO / "tests/data/valid").glob("capacity-*.yaml"))
    ]
    out += [Source(p.name, "booking", p.read_text()) for p in sorted(REPO.glob("bookings/*.yaml"))]
    return out


SOURCES = sources()

RAW_VALUES = [
    *[
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "~",
        "null",
        "true",
        "010",
        "0o10",
        "0x1F",
        "1:20",
        "1_000",
        ".inf",
        "-.inf",
        ".nan",
        "1e400",
    ],
    *[
        "-1",
        "0",
        "-0",
        "0.5",
        "3",
        "99999999999999999999",
        "2027-02-30",
        "2027-06-30T10:00:00",
        "0000-01-01",
    ],
    "2027-01-04",
    "9999-12-31",
    "''",
    '""',
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "&anchor x",
    "*anchor",
    "!!python/object/apply:os.system [ls]",
    "!!binary aGk=",
    '"\\e[2J"',
    '"a\\nb"',
    '"\\u2028"',
    "'%0A::error::x'",
    "../../etc/passwd",
    "a/b",
    "..",
    "x" * 120,
    "|\n  block\n  text",
    "- in\n- a list",
]
"""YAML text put where a value was: traps, wrong types, hostile strings."""

NEW_IDS = ["field-eng", "site-rollout", "training", "../x", "a/b", "..", "X", "x" * 101, ""]
ID_KEYS = {"id", "resource", "offering", "after", "features", "uses", "materials"}
FRAGMENTS = [
    *[
        "\t",
        "\n",
        ":",
        "-",
        "?",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&",
        "*",
        "!",
        "|",
        ">",
        "'",
        '"',
        "#",
        "%",
        "@",
        "`",
        "\\",
    ],
    "\x85",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x1b",
    "---\n",
    "...\n",
    "<<: ",
    "&a ",
    "*a",
    "!!str ",
    "\udcff",
]

Path_ = tuple[str | int, ...]


def _paths(node: Any, at: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*at, index)
            yield from _paths(value, (*at, index))


def _parent(data: Any, path: Path_) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


MARK = "__FUZZ_VALUE__"


@st.composite
def mutations(draw: st.DrawFn) -> tuple[Source, bytes, str]:
    """A valid file changed once: (source, new content, what was done)."""
    source = draw(st.sampled_from(SOURCES))
    op = draw(st.sampled_from(["delete", "retype", "rename-id", "duplicate", "text"]))
    data = copy.deepcopy(load_text(source.text, source.name).data)
    paths = list(_paths(data))
    if op == "delete":
        keys = [p for p in paths if isinstance(p[-1], str)]
        path = draw(st.sampled_from(keys))
        del _parent(data, path)[path[-1]]
        return source, dump(data).encode(), f"delete {path}"
    if op == "retype":
        path = draw(st.sampled_from(paths))
        raw = draw(st.sampled_from(RAW_VALUES))
        _parent(data, path)[path[-1]] = MARK
        text = dump(data)
        if "\n" in raw:  # a block value: on its own lines, indented below its key
            indent = re.search(rf"^( *)(?:- )?.*{MARK}", text, re.MULTILINE)
            pad = " " * (len(indent.group(1)) + 2 if indent else 2)
            raw = "\n" + "\n".join(pad + line for line in raw.splitlines())
        return source, text.replace(MARK, raw, 1).encode(), f"retype {path} = {raw!r}"
    if op == "rename-id":
        named = [p for p in paths if any(isinstance(k, str) and k in ID_KEYS for k in p[-2:])]
        path = draw(st.sampled_from(named or paths))
        parent = _parent(data, path)
        new = draw(st.sampled_from(NEW_IDS))
        if isinstance(parent, dict) and draw(st.booleans()):  # rename the key itself
            parent[new] = parent.pop(path[-1])
        else:
            parent[path[-1]] = new
        return source, dump(data).encode(), f"rename {path} -> {new!r}"
    lines = source.text.splitlines(keepends=True)
    if op == "duplicate":
        keyed = [i for i, ln in enumerate(lines) if re.match(r"^\s*(- )?[A-Za-z_]+:", ln)]
        i = draw(st.sampled_from(keyed))
        copy_line = (
            lines[i].replace("- ", "  ", 1) if lines[i].lstrip().startswith("- ") else lines[i]
        )
        lines.insert(i + 1, copy_line)
        return source, "".join(lines).encode(), f"duplicate line {i + 1}"
    text = source.text
    where = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["insert", "cut", "truncate", "drop-line"]))
    if how == "insert":
        frag = "".join(draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4)))
        text = text[:where] + frag + text[where:]
    elif how == "cut":
        text = text[:where] + text[where + draw(st.integers(1, 40)) :]
    elif how == "truncate":
        text = text[:where]
    else:
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    return source, text.encode("utf-8", "surrogateescape"), f"text {how} at {where}"


FIELD_NAMES = [
    *[
        "id",
        "customer",
        "owner",
        "start",
        "lines",
        "offering",
        "quantity",
        "due",
        "features",
        "booking",
        "booked_on",
        "by",
    ],
    *[
        "version",
        "company",
        "calendar",
        "workdays",
        "holidays",
        "closures",
        "resources",
        "per_day",
        "per_week",
    ],
    *[
        "changes",
        "unit",
        "materials",
        "on_hand",
        "receipts",
        "offerings",
        "steps",
        "effort",
        "days",
        "uses",
        "after",
        "per",
    ],
    *["reservations", "bookings", "policy", "horizon_days", "from", "to"],
]
_scalars = st.sampled_from(RAW_VALUES) | st.text(max_size=12)
_keys = st.sampled_from(FIELD_NAMES) | st.text(min_size=1, max_size=8)
documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=30,
)


@st.composite
def random_documents(draw: st.DrawFn) -> tuple[Kind, bytes]:
    """A random YAML document (or a soup of YAML tokens) as a deal or a capacity file."""
    kind: Kind = draw(st.sampled_from(["deal", "capacity"]))
    if draw(st.booleans()):
        soup = draw(st.lists(st.sampled_from(FRAGMENTS + FIELD_NAMES + RAW_VALUES), max_size=60))
        return kind, "".join(soup).encode("utf-8", "surrogateescape")
    top = draw(st.dictionaries(_keys, documents, min_size=1, max_size=8))
    text = dump({k: MARK + str(i) for i, k in enumerate(top)})
    for i, value in enumerate(top.values()):
        raw = (
            value if isinstance(value, str) and value in RAW_VALUES and "\n" not in value else None
        )
        text = text.replace(MARK + str(i), raw if raw is not None else _flow(value), 1)
    return kind, text.encode("utf-8", "surrogateescape")


def _flow(value: Any) -> str:
    """A value in YAML flow style, scalars from RAW_VALUES left unquoted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value in RAW_VALUES and "\n" not in value:
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- running ---------------------------------------------------------------------------


class Hung(BaseException):
    """A command ran past ``HANG_GUARD`` (a BaseException: the CLI boundary must not catch
    it as a bug)."""


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"a command ran for more than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass(frozen=True)
class Run:
    """One command on one input: exit code, output, seconds."""

    command: str
    code: int
    stdout: str
    stderr: str
    seconds: float


LOCATED = re.compile(r"^.+:\d+:\d+: .+$")


def run_input(kind: Kind, content: bytes, name: str = "fuzz.yaml") -> list[Run]:
    """`validate` and `check` on one input, in a fresh workspace."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = workspace(Path(tmp))
        if kind == "deal":
            target = "deal.yaml"
        elif kind == "capacity":
            target = "capacity.yaml"
        else:
            (folder / "bookings" / name).unlink(missing_ok=True)
            target = f"bookings/{name}"
        (folder / target).write_bytes(content)
        deal = "deal.yaml" if kind == "deal" else ON_TIME
        runs = []
        for command, args in (
            ("validate", ["validate", "--as-of", AS_OF, *(["deal.yaml"] * (kind == "deal"))]),
            ("check", ["check", deal, "--as-of", AS_OF]),
        ):
            start = time.perf_counter()
            with hang_guard(HANG_GUARD):
                result = invoke(folder, *args)
            seconds = time.perf_counter() - start
            runs.append(Run(command, result.exit_code, result.stdout, result.stderr, seconds))
        return runs


def assert_clean(run: Run) -> None:
    """One of SPEC's exit codes, a message, never a traceback; problems located, one a line."""
    assert run.code in EXIT_CODES, (run.command, run.code, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    if run.command == "validate":
        *problems, summary = run.stdout.splitlines()
        assert summary.startswith("valid: " if run.code == 0 else "invalid: "), summary
        assert all(LOCATED.match(p) for p in problems), problems
        assert (run.code == 1) == any(": error: " in p for p in problems)
    elif run.code == 2:
        lines = run.stderr.splitlines()
        assert lines, "exit 2 without a message"
        assert all(LOCATED.match(ln) or ln.startswith("error: ") for ln in lines), lines
    else:
        assert run.stdout.strip(), "a verdict without output"
