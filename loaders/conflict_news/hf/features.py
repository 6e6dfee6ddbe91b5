"""The typed `datasets.Features` of every published config, defined once here from schema/taxonomy.json.

The Parquet schemas, the card's `dataset_info` and what `load_dataset` returns all come from these.
Every label set becomes a ClassLabel whose names follow the taxonomy's order; the taxonomy only
ever appends labels within a major version, so the integer ids stay stable.
"""

from __future__ import annotations

from typing import Any

from ..core.extras import require_extra
from ..core.options import CONFIGS, FLAVORS, Config, Flavor, check_choice
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..records.counts import FIELDS as COUNT_FIELDS
from ..standoff.flavor import standoff_features

with require_extra("hf"):
    from datasets import ClassLabel, Features, List, Value

DEFAULT_CONFIG: Config = "documents"
POLARITIES = ("positive", "negative")
QUOTE_PARTS = ("cue", "content", "source")


def _string() -> Value:
    return Value("string")


def _span() -> dict[str, Value]:
    return {"start": Value("int32"), "end": Value("int32"), "text": _string()}


def _labels(names: tuple[str, ...]) -> ClassLabel:
    return ClassLabel(names=list(names))


def bio_names(types: tuple[str, ...]) -> tuple[str, ...]:
    """O, then B-<type> and I-<type> for each type in order."""
    return ("O", *(f"{prefix}-{t}" for t in types for prefix in ("B", "I")))


def entity_fields(tax: Taxonomy) -> dict[str, Any]:
    return {
        "id": _string(),
        "name": _string(),
        "type": _labels(tax.entity_types),
        "wikidata": _string(),
        "affiliation": _string(),
        "mentions": List(_span()),
    }


def event_fields(tax: Taxonomy) -> dict[str, Any]:
    return {
        "id": _string(),
        "type": _labels(tuple(tax.event_types)),
        "trigger": _span(),
        "arguments": List({"role": _labels(tax.roles), "span": _span(), "entity": _string()}),
        "location": {
            "span": _span(),
            "name": _string(),
            "country": _string(),
            "wikidata": _string(),
            "precision": _labels(tax.location_precision),
        },
        "time": {
            "span": _span(),
            "start": _string(),
            "end": _string(),
            "precision": _labels(tax.time_precision),
            "anchor": _labels(tax.time_anchors),
            "anchor_event": _string(),
        },
        "modality": _labels(tax.modalities),
        "polarity": _labels(POLARITIES),
        "relations": List({"type": _labels(tax.event_relations), "target": _string()}),
        # Derived reverse links, so that the events table joins figures and quotes both ways.
        "figures": List(_string()),
        "quotes": List(_string()),
    }


def quote_fields(tax: Taxonomy) -> dict[str, Any]:
    return {
        "id": _string(),
        "type": _labels(tax.quote_types),
        "cue": _span(),
        "source": _span(),
        "speaker": _string(),
        "contents": List(_span()),
        "events": List(_string()),
        "figures": List(_string()),  # derived: figures whose `quote` is this quote
    }


def figure_fields(tax: Taxonomy) -> dict[str, Any]:
    number = Value("float64")
    return {
        "id": _string(),
        "span": _span(),
        "value": number,
        "lower": number,
        "upper": number,
        "bound": _labels(tax.figure_bounds),
        "approx_cue": _span(),
        "counted": _string(),
        "counted_span": _span(),
        "property": _labels(tax.figure_properties),
        "claimant": _string(),
        "quote": _string(),
        "event": _string(),
    }


def metadata_fields() -> dict[str, Any]:
    strings = List(_string())
    return {
        "schema_version": _string(),
        "id": _string(),
        "language": _string(),
        "title": _string(),
        "source": {
            "publisher": _string(),
            "url": _string(),
            "original_filename": _string(),
            "original_sha256": _string(),
            "authors": _string(),
            "page_id": Value("int64"),
            "record": {
                "repository": _string(),
                "commit": _string(),
                "path": _string(),
                "line": Value("int64"),
                "file_sha256": _string(),
            },
            "changes": _string(),
        },
        "published": {"date": _string(), "precision": _string(), "inferred": Value("bool"), "evidence": _string()},
        "retrieved": _string(),
        "added": _string(),
        "license": {"text": _string(), "annotations": _string()},
        "distribution": {"policy": _string(), "decided_by": _string()},
        "tags": {"conflicts": strings, "topics": strings},
        "story": _string(),
        "normalization": _string(),
        "text_sha256": _string(),
        "text_length": Value("int32"),
        "split": _string(),
    }


def spans_bio_fields(tax: Taxonomy) -> dict[str, Any]:
    offsets = List(Value("int32"))
    position = Value("int32")
    return {
        "index": position,  # the row's place among its document's rows
        "start": position,  # code-point offsets of the row's first and last token in the text
        "end": position,
        "tokens": List(_string()),
        "starts": offsets,
        "ends": offsets,
        "event_tags": List(_labels(bio_names(tuple(tax.event_types)))),
        "quote_tags": List(_labels(bio_names(QUOTE_PARTS))),
        "figure_tags": List(_labels(bio_names(tax.figure_properties))),
        "entity_tags": List(_labels(bio_names(tax.entity_types))),
    }


def record_fields(tax: Taxonomy) -> dict[str, Any]:
    """The columns of the `records` config (records.derive says what each holds; docs/records.md the rules)."""
    actor = {"name": _string(), "entity": _string(), "type": _labels(tax.entity_types), "kind": _string()}
    number = Value("float64")
    counts = {f"{name}_{part}": number for name in COUNT_FIELDS for part in ("best", "low", "high")}
    spans = List(_span())
    return {
        "event_id": _string(),
        "mentions": List(_string()),
        "fed_by": List(_string()),
        "part_of": _string(),
        "type": _labels(tuple(tax.event_types)),
        "acled_event_type": _string(),
        "acled_sub_event_type": _string(),
        "plover_event_type": _string(),
        "plover_mode": _string(),
        "cameo_code": _string(),
        "date": _string(),
        "date_precision": _labels(tax.time_precision),
        "date_source": _string(),
        "actor1": actor,
        "actor2": actor,
        "location": {
            "name": _string(),
            "country": _string(),
            "precision": _labels(tax.location_precision),
            "geonames_id": Value("int64"),
            "latitude": number,
            "longitude": number,
        },
        "claimants": List(_string()),
        "story": _string(),
        "modality": _labels(tax.modalities),
        "polarity": _labels(POLARITIES),
        **counts,
        "evidence": {
            "triggers": spans,
            "actor1": spans,
            "actor2": spans,
            "location": _span(),
            "time": _span(),
            **dict.fromkeys(COUNT_FIELDS, spans),
            "claimants": spans,
        },
    }


def build_features(config: Config, tax: Taxonomy | None = None) -> Features:
    """The Features of one config (one of CONFIGS; UsageError for any other)."""
    config = check_choice("config", config, CONFIGS)
    tax = tax or load_taxonomy()
    # Every row says whether its document's annotation is gold or a machine's prediction.
    doc_id = {"doc_id": _string(), "annotation_status": _string()}
    match config:
        case "documents":
            return Features(
                {
                    **doc_id,
                    "text": _string(),
                    "metadata": metadata_fields(),
                    "provenance": {
                        "kind": _string(),
                        "annotators": List(_string()),
                        "guidelines": _string(),
                        "gold_kind": _string(),
                        "items": List({"id": _string(), "annotators": List(_string()), "adjudicator": _string()}),
                    },
                    "entities": List(entity_fields(tax)),
                    "events": List(event_fields(tax)),
                    "quotes": List(quote_fields(tax)),
                    "figures": List(figure_fields(tax)),
                }
            )
        case "events":
            return Features({**doc_id, **event_fields(tax)})
        case "quotes":
            return Features({**doc_id, **quote_fields(tax)})
        case "figures":
            return Features({**doc_id, **figure_fields(tax)})
        case "entities":
            return Features({**doc_id, **entity_fields(tax)})
        case "spans_bio":
            return Features({**doc_id, **spans_bio_fields(tax)})
        case "records":
            return Features({**doc_id, **record_fields(tax)})


def flavor_features(config: Config, tax: Taxonomy | None = None, flavor: Flavor = "full") -> Features:
    """The Features of one config as a flavour ships them: both add `text_status` (and a document's
    fingerprint) for withheld texts; `standoff` adds canonical offsets to every span."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    return standoff_features(build_features(config, tax), canonical=flavor == "standoff")
