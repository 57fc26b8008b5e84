"""GitHub Actions workflow-command annotations, escaped so file content cannot inject.

Property values escape %, CR, LF, ':' and ','; messages escape %, CR and LF
(the runner's own escaping rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only in annotations: `check` never imports the validate report
    from feasibility.validation.report import ValidationReport


def escape_data(text: str) -> str:
    """Escape a message for a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title) for a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, file: str, line: int, col: int, title: str, message: str) -> str:
    """One ``::error``/``::warning`` line."""
    props = f"file={escape_property(file)},line={line},col={col},title={escape_property(title)}"
    return f"::{level} {props}::{escape_data(message)}"


def validate_github(report: ValidationReport, *, strict: bool) -> str:
    """Every problem as an annotation, then a plain summary line."""
    lines = [
        annotation(
            "warning" if p.severity == "warning" and not strict else "error",
            p.file,
            p.line,
            p.column,
            "feasibility validate",
            p.message,
        )
        for p in report.problems
    ]
    ok = report.valid(strict=strict)
    lines.append(f"{'valid' if ok else 'invalid'}: {len(report.problems)} problems")
    return "\n".join(lines) + "\n"
