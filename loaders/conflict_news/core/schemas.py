"""The JSON Schemas in schema/, compiled once with jsonschema-rs (fast enough for bulk validation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs

from .paths import locate_schema_dir

SCHEMA_FILES = ("span", "document", "annotation", "taxonomy", "tombstones", "releases")


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
    for error in validator.iter_errors(instance):
        yield format_json_path(list(error.instance_path)), error.message
