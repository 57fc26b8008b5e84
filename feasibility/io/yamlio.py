"""The only module that reads or writes YAML. (Interface stub: being implemented.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: plain data plus where each key and value stands.

    ``data`` holds dicts, lists, ``str`` and ``None`` only: YAML never types a scalar
    (``no``, ``010``, ``1:30`` keep their text); the pydantic model of each field does.
    Positions are 1-based (line, column).
    """

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, prefer_key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its longest known prefix."""
        raise NotImplementedError


def load_file(path: Path, display: str | None = None) -> Document:
    """Read and parse one YAML file; raises ``InputError`` with every located problem."""
    raise NotImplementedError


def load_text(text: str | bytes, display: str) -> Document:
    """Parse YAML given as text or bytes (e.g. a file read from git)."""
    raise NotImplementedError


def dump(data: Any) -> str:
    """Serialise plain data as block-style YAML, keys in insertion order."""
    raise NotImplementedError
