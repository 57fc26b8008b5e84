"""Every command of the CLI, one module each; importing this package registers them.

The order here is the order of `feasibility --help`.
"""

from feasibility.cli.commands import check, validate, schema  # noqa: I001

__all__ = ["check", "schema", "validate"]
