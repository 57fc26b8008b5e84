"""JSON Schemas of the file formats, generated from the models."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from feasibility import __version__
from feasibility.errors import UsageError

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_URL = "https://raw.githubusercontent.com/your-org/feasibility/v{version}/schemas/{file}"
"""Where each release's schemas are published (the repository's ``schemas/`` folder at the
release tag; README "Editors and JSON Schema"): each schema's ``$id``."""


class SchemaName(StrEnum):
    """The file formats that have a schema."""

    capacity = "capacity"
    deal = "deal"

    @property
    def file(self) -> str:
        """The schema's file name, e.g. ``capacity.schema.json``."""
        return f"{self.value}.schema.json"


def schema_json(name: SchemaName) -> str:
    """The JSON Schema of a file format, as indented JSON text."""
    from feasibility.models.capacity import CapacityFile
    from feasibility.models.deal import Deal
    from feasibility.models.docs import Documented

    model = CapacityFile if name is SchemaName.capacity else Deal
    schema = {
        "$schema": DIALECT,
        "$id": SCHEMA_URL.format(version=__version__, file=name.file),
        **model.model_json_schema(by_alias=True, schema_generator=Documented),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path, names: Sequence[SchemaName]) -> list[Path]:
    """Write each schema as ``folder/<name>.schema.json`` (the folder made if missing);
    the paths written."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = folder / name.file
            path.write_text(schema_json(name), encoding="utf-8")
            written.append(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(f"cannot write the schemas to {folder}: {reason}") from None
    return written
