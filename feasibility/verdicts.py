"""Verdicts to exit codes (SPEC): infeasible 1 over at risk 3 over feasible 0."""

from __future__ import annotations

from feasibility.engine.result import CheckResult, Verdict, worst
from feasibility.errors import ExitCode

EXIT: dict[Verdict, ExitCode] = {
    "feasible": ExitCode.OK,
    "at_risk": ExitCode.AT_RISK,
    "infeasible": ExitCode.FAILED,
}


def check_exit_code(result: CheckResult) -> int:
    """The worst exit code among the deals checked."""
    return EXIT[worst([d.verdict for d in result.deals])]
