"""Validate a parsed document against a pydantic model, locating every error.

pydantic reports errors by location path; this maps each one back to the line and
column of the offending key or value, and rewrites it as "what is wrong; what to do".
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from feasibility.errors import Problem
from feasibility.io.yamlio import MAX_PROBLEMS, Document, Path_, core_value
from feasibility.models.common import ID_PATTERN

M = TypeVar("M", bound=BaseModel)


def validate_document(
    doc: Document, model: type[M], *, typed: bool = True
) -> tuple[M | None, list[Problem]]:
    """The model built from ``doc``, or None with every schema problem located.

    ``typed``: the data is typed (YAML), each field takes its own type only; else it is all
    text (a CSV row), which each field reads as its type."""
    try:
        return model.model_validate(doc.data, strict=typed), []
    except ValidationError as exc:
        errors = exc.errors()
        problems = sorted({_problem(doc, model, err) for err in errors[:MAX_PROBLEMS]})
        if len(errors) > MAX_PROBLEMS:  # a file of thousands of bad lines: the first ones
            line, col = doc.where(_data_path(doc.data, errors[MAX_PROBLEMS]["loc"]))
            problems.append(Problem(doc.file, line, col, "too many problems; fix these first"))
        return None, problems


def display_path(path: Sequence[str | int]) -> str:
    """``('resources', 2, 'per_day')`` as ``resources[2].per_day``."""
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else item)
    return out or "top level"


MAX_CHOICES = 200
"""Most candidates compared for a "did you mean" hint: each comparison costs, and a file
with thousands of ids and thousands of misspellings must not take minutes to report."""


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """A '; did you mean ...?' hint for a near miss, or ''."""
    candidates = list(choices)
    if len(candidates) > MAX_CHOICES:  # the likeliest: about as long, then the same start
        near = [c for c in candidates if abs(len(c) - len(word)) <= 3]
        near.sort(key=lambda c: (c[:1] != word[:1], c[:2] != word[:2]))
        candidates = near[:MAX_CHOICES]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _problem(doc: Document, model: type[BaseModel], err: ErrorDetails) -> Problem:
    loc = err["loc"]
    path = _data_path(doc.data, loc)
    kind = err["type"]
    found = _describe(err.get("input"))
    where = display_path(path)
    if kind == "missing":
        line, col = doc.where(path[:-1]) if path == loc else doc.where(path)
        name = loc[-1]
        message = (
            f"{display_path(path[:-1]) if path == loc else where}: missing key '{name}'; add it"
        )
    elif kind == "extra_forbidden":
        line, col = doc.where(path, prefer_key=True)
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed) or "; remove it"
        message = f"{where}: unknown key '{loc[-1]}'{hint} (allowed: {', '.join(allowed)})"
    elif kind in ("too_long", "string_too_long"):
        line, col = doc.where(path)
        ctx = err.get("ctx", {})
        advice = TOO_LONG.get(str(loc[-1]), "shorten it")
        if kind == "string_too_long":  # text: an id
            size = f"{len(str(err.get('input', ''))):,} characters"
        else:
            size = f"{ctx.get('actual_length', 0):,} items"
        message = f"{where}: {size}, more than {ctx.get('max_length', 0):,}; {advice}"
    else:
        on_key = bool(loc) and loc[-1] == "[key]"
        line, col = doc.where(path, prefer_key=on_key)
        message = f"{where}: {_explain(kind, err['msg'], found)}{_retype(kind, err.get('input'))}"
    return Problem(doc.file, line, col, message)


NUMBER_TYPES = {"int_type", "float_type", "int_parsing", "float_parsing"}


def _retype(kind: str, value: Any) -> str:
    """What to change when a value has the wrong YAML type: text where a number or a
    boolean is wanted (quoted), or a number or boolean where text is wanted."""
    if kind == "string_type" and isinstance(value, int | float):
        return "; put it in quotes to keep it as text"
    if kind in NUMBER_TYPES and isinstance(value, str) and _is_number(value):
        return "; remove the quotes"
    if kind == "bool_type" and isinstance(value, str):
        return "; write true or false"
    return ""


def _is_number(text: str) -> bool:
    """Whether ``text`` would be a number unquoted (so it was quoted)."""
    return isinstance(core_value(text), int | float) and not isinstance(core_value(text), bool)


def _explain(kind: str, msg: str, found: str) -> str:
    if kind == "string_pattern_mismatch" and ID_PATTERN in msg:
        return (
            f"{found} is not a valid id; use letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if kind == "date_format":
        return f"{found} is not a date; write YYYY-MM-DD"
    if kind == "date_type":
        return f"expected a date (YYYY-MM-DD), found {found}"
    if kind.startswith(("date_", "datetime_")):
        return f"{found} is not a valid date ({msg.split(', ', 1)[-1]}); write YYYY-MM-DD"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"expected a mapping of keys to values, found {found}"
    if kind == "list_type":
        return f"expected a list, found {found}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "too_short":
        return "must not be empty; add at least one item"
    if kind in HINTS:
        return f"expected {HINTS[kind]}, found {found}"
    text = msg.removeprefix("Input should be ").removeprefix("input should be ")
    return f"must be {text}, found {found}; change the value"


TOO_LONG = {
    "lines": "split the deal into several deals",
    "features": "ask for fewer features, or split the line",
}
"""What to do about a list longer than its bound, by key."""
HINTS = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(".nan" if math.isnan(value) else "-.inf" if value < 0 else ".inf")
    if isinstance(value, int) and len(str(abs(value))) > 40:
        return repr(f"{value:.6g}")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path_:
    """The part of pydantic's ``loc`` that names keys and indexes present in ``data``."""
    path: list[str | int] = []
    node = data
    for item in loc:
        if _has(node, item):
            node = node[item]
            path.append(item)
        elif not isinstance(node, dict | list):
            break
    return tuple(path)


def _has(node: Any, item: int | str) -> bool:
    """True when ``item`` is a key of the mapping or an index of the list ``node``."""
    if isinstance(node, dict):
        return isinstance(item, str) and item in node
    return isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Keys allowed in the mapping at ``loc`` (walking the model's annotations)."""
    candidates: list[Any] = [model]
    for item in loc:
        candidates = [d for c in candidates for d in _descend(c, item)]
    for candidate in candidates:
        tp = _unwrap(candidate)
        members = typing.get_args(tp) if _is_union(tp) else (tp,)  # e.g. `Booking | None`
        for member in map(_unwrap, members):
            if isinstance(member, type) and issubclass(member, BaseModel):
                return [f.alias or name for name, f in member.model_fields.items()]
    return []


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _descend(tp: Any, item: int | str) -> list[Any]:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(tp)
        tagged = [m for m in members if _tag_of(m) == item]
        if tagged:
            return [_unwrap(m) for m in tagged]
        return [d for m in members for d in _descend(m, item)]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(item, str):
        for name, f in tp.model_fields.items():
            if item in (name, f.alias):
                return [f.annotation]
        return []
    if origin is list and isinstance(item, int):
        return [typing.get_args(tp)[0]]
    if origin is dict and isinstance(item, str):
        return [typing.get_args(tp)[1]]
    return []


def _tag_of(tp: Any) -> str | None:
    if typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            tag = getattr(meta, "tag", None)
            if isinstance(tag, str):
                return tag
    return None
