"""An independent YAML 1.2 core reader, as editors and JSON Schema validators read files.

PyYAML's safe loader with YAML 1.1's implicit types replaced by YAML 1.2's core schema
(null, true/false in three spellings, decimal/octal ``0o``/hex ``0x`` integers, floats with
``.inf``/``.nan``; no timestamps, no ``yes``/``no``, no sexagesimal numbers), and duplicate
keys refused as YAML 1.2 requires. Keys are text (JSON's objects have text keys). It shares
no code with ``feasibility.io.yamlio``, so the schema test compares two readings.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml


class DuplicateKey(yaml.YAMLError):
    """A mapping with the same key twice (YAML 1.2: not a valid document)."""


class Core12Loader(yaml.SafeLoader):
    """Safe loader with YAML 1.2's core schema resolvers."""


Core12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    Core12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _int(loader: Core12Loader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(loader: Core12Loader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node)).lower()  # type: ignore[arg-type]
    if text.lstrip("+-") == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    return math.nan if text == ".nan" else float(text)


def _bool(loader: Core12Loader, node: yaml.Node) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"  # type: ignore[arg-type]


def _mapping(loader: Core12Loader, node: yaml.Node) -> dict[str, Any]:
    assert isinstance(node, yaml.MappingNode)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
        if key is None or key in out:
            raise DuplicateKey(f"duplicate or non-text key at line {key_node.start_mark.line + 1}")
        out[key] = loader.construct_object(value_node, deep=True)
    return out


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _float)
Core12Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
Core12Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load(text: str) -> Any:
    """The one document of ``text`` as YAML 1.2's core schema reads it."""
    return yaml.load(text, Loader=Core12Loader)
