"""Every command of the CLI, one module each; importing this package registers them.

The order here is the order of `feasibility --help`.
"""

from feasibility.cli.commands import (  # noqa: I001
    check,
    validate,
    book,
    release,
    impact,
    load,
    schema,
    pipeline,
    init,
)

__all__ = [
    "book",
    "check",
    "impact",
    "init",
    "load",
    "pipeline",
    "release",
    "schema",
    "validate",
]
