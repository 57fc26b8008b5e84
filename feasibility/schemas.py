"""JSON Schemas of the file formats, generated from the models."""

from __future__ import annotations

import json
from enum import StrEnum

DIALECT = "https://json-schema.org/draft/2020-12/schema"


class SchemaName(StrEnum):
    """The file formats that have a schema."""

    capacity = "capacity"
    deal = "deal"


def schema_json(name: SchemaName) -> str:
    """The JSON Schema of a file format, as indented JSON text."""
    from feasibility.models.capacity import CapacityFile
    from feasibility.models.deal import Deal
    from feasibility.models.docs import Documented

    model = CapacityFile if name is SchemaName.capacity else Deal
    schema = {
        "$schema": DIALECT,
        **model.model_json_schema(by_alias=True, schema_generator=Documented),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
