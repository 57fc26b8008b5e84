"""GitHub annotations cannot be steered by file content.

Capacity files and bookings arrive in pull requests from anyone; `validate --format github`
and `impact --format github` print their content inside workflow commands. Per the runner's
rules, messages escape ``%``, CR and LF, and property values (file, title) escape ``:`` and
``,`` as well, so no content can end a command early or start one of its own. Each output
line is parsed back here the way the runner parses it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feasibility.render.github import annotation, escape_data, escape_property
from tests.conftest import CliRunner
from tests.hostile.corpus import AS_OF, invoke, workspace

COMMAND = re.compile(r"^::(?P<cmd>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner reads it: command, properties, message."""
    match = COMMAND.match(line)
    assert match is not None, line
    props: dict[str, str] = {}
    for item in (match["props"] or "").split(","):
        key, _, value = item.partition("=")
        assert key not in props, f"property {key} twice: {line}"
        props[key] = _unescape_property(value)
    return match["cmd"], props, _unescape_data(match["data"])


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("file=x,line=1::", "file=x,line=1::", "file=x%2Cline=1%3A%3A"),
        ("%0A::error::x", "%250A::error::x", "%250A%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping_rules(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


HOSTILE = st.text(st.sampled_from(list("%\r\n:,=a ")) | st.characters(), max_size=40)


@given(file=HOSTILE, title=HOSTILE, message=HOSTILE, line=st.integers(1, 10**6))
def test_any_content_is_one_command_that_reads_back(
    file: str, title: str, message: str, line: int
) -> None:
    out = annotation("error", file, line, 3, title, message)
    assert "\n" not in out and "\r" not in out
    cmd, props, data = parse(out)
    assert cmd == "error"
    assert props == {"file": file, "line": str(line), "col": "3", "title": title}
    assert data == message


INJECTED_KEYS = """\
id: INJ-1
customer: Acme
"x%0A::error file=capacity.yaml,line=1::forged\\n::warning::forged too\\r::notice::three": 1
lines:
  - {offering: training, due: 2027-06-30, "%0A::error::not a line\\n::add-mask::secret": 1}
"""
INJECTED_DUPLICATE = """\
id: INJ-2
customer: Acme
lines: [{offering: training}]
"k\\n::error::dup": 1
"k\\n::error::dup": 2
"""


def _annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    *commands, summary = stdout.splitlines()
    assert not summary.startswith("::"), summary
    return [parse(line) for line in commands]


def test_validate_github_with_injected_keys(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    (folder / "keys.yaml").write_text(INJECTED_KEYS)
    (folder / "dup.yaml").write_text(INJECTED_DUPLICATE)
    result = invoke(
        folder, "validate", "keys.yaml", "dup.yaml", "--as-of", AS_OF, "--format", "github"
    )
    assert result.exit_code == 1
    found = _annotations(result.stdout)
    assert [(cmd, props["file"], props["line"], props["col"]) for cmd, props, _ in found] == [
        ("error", "dup.yaml", "5", "1"),
        ("error", "keys.yaml", "3", "1"),
        ("error", "keys.yaml", "5", "43"),
    ]
    assert [data for _, _, data in found] == [
        "duplicate key 'k\n::error::dup' (first at line 4); remove one of them",
        "x%0A::error file=capacity.yaml,line=1::forged\n::warning::forged too\r::notice::three: "
        "unknown key 'x%0A::error file=capacity.yaml,line=1::forged\n::warning::forged too\r"
        "::notice::th…'; remove it (allowed: id, customer, owner, start, lines, booking)",
        "lines[0].%0A::error::not a line\n::add-mask::secret: unknown key '%0A::error::not a "
        "line\n::add-mask::secret'; remove it (allowed: offering, quantity, due, features)",
    ]
    assert result.stdout.count("\n") == 4


def test_validate_github_with_a_hostile_booking_file_name(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    name = "x,line=1,title=forged::error::y%0A.yaml"
    shutil.copy(folder / "bookings" / "BL-2026-014.yaml", folder / "bookings" / name)
    result = invoke(folder, "validate", "--as-of", AS_OF, "--format", "github")
    assert result.exit_code == 1
    found = _annotations(result.stdout)
    assert {props["file"] for _, props, _ in found} == {f"bookings/{name}"}
    assert {props["title"] for _, props, _ in found} == {"feasibility validate"}
    assert [data for _, _, data in found] == [
        f"id 'BL-2026-014' does not match the file name '{name}'; rename one of them"
    ]


def test_impact_github_with_a_hostile_customer_name(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    booking = folder / "bookings" / "BL-2026-014.yaml"
    booking.write_text(
        booking.read_text().replace(
            "customer: Harborview Medical Center",
            'customer: "Harborview\\n::error file=capacity.yaml::forged%0A, ::warning::x"',
        )
    )
    old = (folder / "capacity.yaml").read_text()
    new = old.replace(
        "    per_day: 2                      # two in-house crews of 3 installers",
        "    per_day: 0.5",
    )
    assert new != old
    (folder / "old.yaml").write_text(old)
    (folder / "capacity.yaml").write_text(new)
    result = invoke(
        folder, "impact", "old.yaml", "capacity.yaml", "--as-of", AS_OF, "--format", "github"
    )
    assert result.exit_code == 1, result.stderr
    found = _annotations(result.stdout)
    assert [(cmd, props["file"]) for cmd, props, _ in found] == [
        ("error", "bookings/BL-2026-014.yaml"),
        ("warning", "bookings/BL-2026-022.yaml"),
    ]
    assert found[0][2].startswith(
        "BL-2026-014 (Harborview\n::error file=capacity.yaml::forged%0A, ::warning::x, owner "
    )


def test_github_output_of_the_installed_command(tmp_path: Path, cli: CliRunner) -> None:
    folder = workspace(tmp_path)
    (folder / "keys.yaml").write_text(INJECTED_KEYS)
    result = cli("validate", "keys.yaml", "--as-of", AS_OF, "--format", "github", cwd=folder)
    assert result.returncode == 1
    assert [line[:8] for line in result.stdout.splitlines()] == ["::error ", "::error ", "invalid:"]
    assert result.stderr == ""
