"""The JSON Schemas in schema/, compiled once with jsonschema-rs (fast enough for bulk validation)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs

from .limits import MAX_ID_LENGTH, MAX_JSON_DEPTH
from .paths import locate_schema_dir

SCHEMA_FILES = (
    "span", "document", "annotation", "taxonomy", "tombstones", "releases", "candidates", "split-moves", "migration",
)  # fmt: skip


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(locate_schema_dir() / f"{name}.schema.json", encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


@cache
def _compiled(name: str) -> jsonschema_rs.Validator:
    registry = jsonschema_rs.Registry([(load_schema(n)["$id"], load_schema(n)) for n in SCHEMA_FILES])
    return jsonschema_rs.validator_for(load_schema(name), registry=registry, validate_formats=True)


def format_json_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def iter_schema_errors(name: str, instance: Any) -> Iterator[tuple[str, str]]:
    """(JSONPath, message) for every place where instance breaks schema `name`."""
    validator = _compiled(name)
    if validator.is_valid(instance):
        return
    try:
        found = [(format_json_path(list(e.instance_path)), e.message) for e in validator.iter_errors(instance)]
    except ValueError:  # jsonschema-rs gives up explaining a value nested ~300 deep (its recursion limit)
        found = [(format_json_path(_deep_path(instance)), f"nested more than {MAX_JSON_DEPTH} levels deep, "
                  f"deeper than any {name} file")]  # fmt: skip
    yield from found


def _deep_path(instance: Any) -> list[str | int]:
    """The path of a value nested deeper than MAX_JSON_DEPTH (the first in document order), walked without
    recursion; [] (the root) when there is none."""
    stack: list[tuple[Any, list[str | int]]] = [(instance, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend((child, [*path, key]) for key, child in reversed(list(items)))
    return []


@cache
def _doc_id_pattern() -> re.Pattern[str]:
    # A JSON Schema pattern is anchored by ^ and $, whose $ would also match before a final newline in Python.
    pattern: str = load_schema("document")["$defs"]["doc_id"]["pattern"]
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def is_doc_id(value: object) -> bool:
    """Whether `value` is a document id by the schema's pattern (schema/document.schema.json $defs.doc_id), and
    within MAX_ID_LENGTH: what may become a file name under corpus/ and annotations/, never `..`, '/' or ''."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _doc_id_pattern().fullmatch(value) is not None
