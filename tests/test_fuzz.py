"""Fuzzing `validate` and `check` end to end (hypothesis): random YAML documents and
mutations of every valid file always end in one of SPEC's exit codes with a message, never a
traceback or a hang.

No timing is asserted (a shared machine is noisy): each command runs under a hang guard far
above the 2 s target (``HANG_GUARD``); per-input times are measured separately with
``python -m tests.hostile.measure``. ``FUZZ_EXAMPLES`` sets the number of examples of each
test (default 40: about a minute in all).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.conftest import CliRunner
from tests.hostile.corpus import AS_OF, ON_TIME, workspace
from tests.hostile.fuzz import (
    EXIT_CODES,
    HANG_GUARD,
    Kind,
    Source,
    assert_clean,
    mutations,
    random_documents,
    run_input,
)

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,  # no timing assertions: HANG_GUARD stops a hang
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(mutations())
def test_mutated_valid_files(mutated: tuple[Source, bytes, str]) -> None:
    source, content, _what = mutated
    for run in run_input(source.kind, content, source.name):
        assert_clean(run)


@FUZZ
@given(random_documents())
def test_random_documents(document: tuple[Kind, bytes]) -> None:
    kind, content = document
    for run in run_input(kind, content):
        assert_clean(run)


def test_mutations_through_the_installed_command(tmp_path: Path, cli: CliRunner) -> None:
    """A few mutations through the console script, each under a subprocess hang guard."""
    rng = random.Random(8)
    deal = (Path(__file__).parent.parent / ON_TIME).read_text()
    lines = deal.splitlines(keepends=True)
    folder = workspace(tmp_path)
    variants = [
        "".join(lines[: rng.randrange(len(lines))]),  # cut short
        deal.replace("quantity: 2", "quantity: [2]"),
        deal.replace("due: 2027-06-30", "due: 2027-02-30", 1),
        deal.replace("id: BL-2027-003", "id: BL-2027-003\nid: again"),
        deal.replace("offering: training", "offering: ../training"),
    ]
    for text in variants:
        (folder / "deal.yaml").write_text(text)
        for args in (("validate", "deal.yaml"), ("check", "deal.yaml")):
            done = cli(*args, "--as-of", AS_OF, cwd=folder)
            assert done.returncode in EXIT_CODES, done.stderr
            assert "Traceback" not in done.stdout + done.stderr
            assert done.stdout or done.stderr
    assert HANG_GUARD <= 120  # the subprocess timeout of `cli` is 120 s
