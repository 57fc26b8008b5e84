"""Every command of the CLI, one module each; importing a module registers its command.

``feasibility.cli.commands.all`` imports them all, in the order of `feasibility --help`.
"""

NAMES = (
    "check",
    "validate",
    "book",
    "release",
    "replan",
    "impact",
    "load",
    "schema",
    "pipeline",
    "init",
)
"""Command names, each the name of its module, in the order of `feasibility --help`."""
