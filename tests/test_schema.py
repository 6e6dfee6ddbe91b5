"""The JSON Schemas are the source of truth: they are valid draft 2020-12, the model mirrors them,
and the compiled validator (jsonschema-rs) agrees with the reference implementation (jsonschema)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from conflict_news.core import model
from conflict_news.core.schemas import SCHEMA_FILES, iter_schema_errors, load_schema
from conflict_news.core.taxonomy import load_taxonomy
from conftest import BASE, REPO, load_case, materialize_case

SCHEMA_DIR = REPO / "schema"


def _registry() -> Registry:
    resources = [Resource.from_contents(load_schema(name)) for name in SCHEMA_FILES]
    return Registry().with_resources((r.contents["$id"], r) for r in resources)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_is_valid_draft_2020_12_with_versioned_id(name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    major, minor = schema["$id"].rsplit(":", 1)[1].split(".")
    # The taxonomy's schema carries the taxonomy's version (2.0 split types); the others are at 1.x.
    assert (major, minor.isdigit()) == ("2" if name == "taxonomy" else "1", True)


def test_taxonomy_schema_version_is_the_taxonomy_version() -> None:
    assert load_schema("taxonomy")["$id"].endswith(f":{load_taxonomy().version}")


def test_taxonomy_follows_its_schema() -> None:
    taxonomy = json.loads((SCHEMA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    assert list(iter_schema_errors("taxonomy", taxonomy)) == []


def test_every_event_role_is_a_declared_role() -> None:
    tax = load_taxonomy()
    assert {r for t in tax.event_types.values() for r in t.roles} <= set(tax.roles)
    assert {b.bound for b in tax.vague_numerals.values()} <= set(tax.figure_bounds)
    assert {t.category for t in tax.event_types.values()} == set(tax.raw["event_categories"])


def _object_properties(schema: dict[str, Any], ref: str) -> set[str]:
    node = schema
    for part in filter(None, ref.lstrip("#").split("/")):
        node = node[part]
    return set(node["properties"])


MODEL_TO_SCHEMA = [
    (model.Metadata, "document", "#"),
    (model.Source, "document", "#/properties/source"),
    (model.SourceRecord, "document", "#/properties/source/properties/record"),
    (model.Published, "document", "#/properties/published"),
    (model.License, "document", "#/properties/license"),
    (model.Distribution, "document", "#/properties/distribution"),
    (model.Tags, "document", "#/properties/tags"),
    (model.Annotations, "annotation", "#"),
    (model.Provenance, "annotation", "#/properties/provenance"),
    (model.ItemProvenance, "annotation", "#/$defs/item_provenance"),
    (model.Entity, "annotation", "#/$defs/entity"),
    (model.Event, "annotation", "#/$defs/event"),
    (model.Argument, "annotation", "#/$defs/argument"),
    (model.Location, "annotation", "#/$defs/location"),
    (model.Time, "annotation", "#/$defs/time"),
    (model.EventRelation, "annotation", "#/$defs/event_relation"),
    (model.Quote, "annotation", "#/$defs/quote"),
    (model.Figure, "annotation", "#/$defs/figure"),
    (model.Span, "span", "#"),
]


@pytest.mark.parametrize(("cls", "schema", "ref"), MODEL_TO_SCHEMA, ids=lambda x: getattr(x, "__name__", x))
def test_model_fields_match_schema_properties(cls: type, schema: str, ref: str) -> None:
    fields = {f.name for f in dataclasses.fields(cls)}
    assert fields == _object_properties(load_schema(schema), ref)


def test_every_model_class_is_checked_against_a_schema() -> None:
    stored = {c for c in vars(model).values() if dataclasses.is_dataclass(c)} - {model.Document, model.Corpus}
    assert stored == {cls for cls, _, _ in MODEL_TO_SCHEMA}


def _reference_errors(schema: str, instance: Any) -> set[str]:
    validator = jsonschema.Draft202012Validator(load_schema(schema), registry=_registry())
    return {e.json_path for e in validator.iter_errors(instance)}


@pytest.mark.parametrize("code", ["schema-violation", "duplicate-id", "span-inverted"])
def test_compiled_and_reference_validators_agree(code: str, tmp_path: Path) -> None:
    root = materialize_case(load_case(code), tmp_path)
    ann = json.loads((root / "annotations" / "toy-0001.json").read_text(encoding="utf-8"))
    fast = {path for path, _ in iter_schema_errors("annotation", ann)}
    assert fast == _reference_errors("annotation", ann)


def test_shipped_files_pass_the_reference_validator() -> None:
    for schema, folder in (("document", "corpus"), ("annotation", "annotations")):
        for root in (REPO, BASE):
            for path in (root / folder).glob("*.json"):
                assert _reference_errors(schema, json.loads(path.read_text(encoding="utf-8"))) == set(), path
