"""The README shows real output: every console example is re-run and must match."""

from __future__ import annotations

import pytest

from tests.readme import README, Example, examples

EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_console_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_readme_example_output_is_current(example: Example) -> None:
    assert example.actual() == example.shown, (
        "README output drifted; run `python -m tests.readme` and review the diff"
    )
