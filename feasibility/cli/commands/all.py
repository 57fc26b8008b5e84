"""Import every command, so that help and completion list them all, in ``NAMES`` order."""

import importlib

from feasibility.cli.commands import NAMES

for _name in NAMES:
    importlib.import_module(f"feasibility.cli.commands.{_name}")
