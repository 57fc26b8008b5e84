"""Field descriptions of the file models for their JSON Schemas, from attribute docstrings.

Read when a schema is asked for, rather than by pydantic on every start-up
(``use_attribute_docstrings`` parses each model's source: tens of ms per run).
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema


def _attribute_docs(cls: type[BaseModel]) -> dict[str, str]:
    """Each field's attribute docstring (the string right below it), of ``cls`` and its bases."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
        for stmt, after in itertools.pairwise(body):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return docs


class Documented(GenerateJsonSchema):
    """pydantic's schema with each field's attribute docstring as its description (when the
    field has none of its own), and the keys of a mapping by id checked as ids."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        out = super().dict_schema(schema)
        keys = self.generate_inner(schema["keys_schema"]) if "keys_schema" in schema else {}
        text = [k for k in keys.get("anyOf", []) if k.get("type") == "string" and "pattern" in k]
        if text:  # an id (``models.common.Id``): keys are always text
            out["propertyNames"] = {k: v for k, v in text[0].items() if k != "type"}
        return out

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        out = super().model_schema(schema)
        properties: dict[str, Any] = out.get("properties", {})
        cls: type[BaseModel] = schema["cls"]
        for name, doc in _attribute_docs(cls).items():
            field = cls.model_fields.get(name)
            if field is None:
                continue
            prop = properties.get(field.alias or name)
            if isinstance(prop, dict) and "description" not in prop:
                prop["description"] = doc
        return out
