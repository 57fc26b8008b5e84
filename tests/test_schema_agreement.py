"""The JSON Schemas and the loader accept exactly the same documents.

Each file of ``tests/schema_corpus/{capacity,deal}/{accepted,refused}/`` (a new case is a
new file) and every file of the repository goes through both sides:

- the loader: ``yamlio.load_text`` and the model (``validate_document``), what every
  command reads a file with before its references are looked up;
- a real JSON Schema validator (``jsonschema``, draft 2020-12, formats checked as
  check-jsonschema does) over the generated schema, the file read by an independent YAML 1.2
  core reader (``tests.yaml12``), as editors read it. A document JSON cannot hold (``.nan``,
  ``.inf``) or YAML 1.2 refuses (a duplicate key) is refused on this side.

Both must agree with each other and with the folder the file is in.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from feasibility.errors import InputError
from feasibility.io.yamlio import load_text
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from feasibility.schemas import SchemaName, schema_json
from feasibility.validation.schema import validate_document
from tests import yaml12
from tests.conftest import REPO

CORPUS = Path(__file__).parent / "schema_corpus"
MODELS: dict[str, type[BaseModel]] = {"capacity": CapacityFile, "deal": Deal}
CASES = sorted(CORPUS.glob("*/*/*.yaml"))
REPOSITORY = [
    ("capacity", REPO / "capacity.yaml"),
    *(("capacity", p) for p in sorted((REPO / "examples" / "edits").glob("*.yaml"))),
    *(("deal", p) for p in sorted((REPO / "examples").glob("*.yaml"))),
    *(("deal", p) for p in sorted((REPO / "bookings").glob("*.yaml"))),
]


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_json(SchemaName(kind)))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def loader_says(kind: str, text: str) -> list[str]:
    """The loader's problems with ``text`` (none: accepted)."""
    try:
        doc = load_text(text, "corpus.yaml")
    except InputError as error:
        return [str(p) for p in error.problems]
    _, problems = validate_document(doc, MODELS[kind])
    return [str(p) for p in problems]


def _finite(data: Any) -> bool:
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, dict):
        return all(map(_finite, data.values()))
    if isinstance(data, list):
        return all(map(_finite, data))
    return True


def schema_says(kind: str, text: str) -> list[str]:
    """The JSON Schema validator's errors with ``text`` read as YAML 1.2 core."""
    try:
        data = yaml12.load(text)
    except yaml.YAMLError as error:
        return [f"not YAML 1.2: {error}"]
    if not _finite(data):
        return ["not JSON: a number that is not finite"]
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(data)]


def test_the_corpus_is_large_and_has_both_verdicts_of_both_kinds() -> None:
    assert len(CASES) >= 60
    for kind in MODELS:
        for verdict in ("accepted", "refused"):
            assert len(list((CORPUS / kind / verdict).glob("*.yaml"))) >= 10, (kind, verdict)


@pytest.mark.parametrize("path", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_the_loader_and_the_schema_agree(path: Path) -> None:
    kind, verdict = path.parent.parent.name, path.parent.name
    text = path.read_text(encoding="utf-8")
    loader, schema = loader_says(kind, text), schema_says(kind, text)
    assert (not loader, not schema) == ((verdict == "accepted"),) * 2, (loader, schema)


@pytest.mark.parametrize(("kind", "path"), REPOSITORY, ids=lambda v: getattr(v, "name", v))
def test_the_repository_files_pass_both(kind: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert (loader_says(kind, text), schema_says(kind, text)) == ([], [])
