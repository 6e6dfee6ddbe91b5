"""The label inventory in schema/taxonomy.json, with its tables of which events a figure or a relation may
link, read once into a frozen object."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from .paths import locate_schema_dir


@dataclass(frozen=True, slots=True, kw_only=True)
class EventType:
    """One event type of the taxonomy, with its ACLED, CAMEO and PLOVER equivalents.

    Its label and description, the roles its arguments may take and the trigger words that name it.
    An ACLED sub-event type or PLOVER mode is None where none fits, and its `*_reason` says why (an
    ACLED event type with a None sub-event type leaves the sub-event type open); a `*_note` qualifies
    a mapping.
    """

    name: str
    category: str
    label: str
    description: str
    roles: tuple[str, ...]
    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo_code: str
    cameo_label: str
    plover_event_type: str
    plover_mode: str | None
    triggers: tuple[str, ...] = ()
    acled_reason: str | None = None
    plover_mode_reason: str | None = None
    acled_note: str | None = None
    cameo_note: str | None = None
    plover_note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VagueNumeral:
    """The bounds a vague numeral (\"dozens\", \"several\") stands for; None where it sets none."""

    lower: float | None
    upper: float | None
    bound: str
    acled_point: float | None


def type_matches(pattern: str, etype: str) -> bool:
    """An event type against a pattern of the taxonomy's tables: a type, a category (`violent.*`) or `*`."""
    if pattern.endswith("*"):
        return etype.startswith(pattern[:-1])
    return etype == pattern


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationPairs:
    """What one event relation may link (taxonomy.relation_pairs): [subject, target] type patterns, and
    whether the target must be an earlier mention (`earlier`) or may be anywhere (`any`)."""

    target: str
    pairs: tuple[tuple[str, str], ...]

    def allows(self, subject: str, target: str) -> bool:
        return any(type_matches(s, subject) and type_matches(t, target) for s, t in self.pairs)


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    """The label sets of schema/taxonomy.json: every type, role, property and other label an annotation may use.

    Each set is in the taxonomy's order, which is also the order of the ClassLabel ids of the
    Hugging Face features; `event_types` maps each event type to its EventType, `raw` is the file as read.
    """

    version: str
    entity_types: tuple[str, ...]
    roles: tuple[str, ...]
    event_types: dict[str, EventType]
    modalities: tuple[str, ...]
    event_relations: tuple[str, ...]
    quote_types: tuple[str, ...]
    figure_bounds: tuple[str, ...]
    figure_properties: tuple[str, ...]
    vague_numerals: dict[str, VagueNumeral]
    location_precision: tuple[str, ...]
    time_precision: tuple[str, ...]
    time_anchors: tuple[str, ...]
    # Figure property -> the type patterns of the events a figure of it may quantify.
    figure_events: dict[str, tuple[str, ...]]
    relation_pairs: dict[str, RelationPairs]
    raw: dict[str, Any]

    def figure_takes(self, prop: str, etype: str) -> bool:
        """A figure of property `prop` may quantify an event of type `etype` (taxonomy.figure_events)."""
        return any(type_matches(p, etype) for p in self.figure_events.get(prop, ()))


def parse_taxonomy(raw: dict[str, Any]) -> Taxonomy:
    event_types = {
        name: EventType(
            name=name,
            category=name.split(".", 1)[0],
            label=spec["label"],
            description=spec["description"],
            roles=tuple(spec["roles"]),
            acled_event_type=spec["acled"]["event_type"],
            acled_sub_event_type=spec["acled"]["sub_event_type"],
            cameo_code=spec["cameo"]["code"],
            cameo_label=spec["cameo"]["label"],
            plover_event_type=spec["plover"]["event_type"],
            plover_mode=spec["plover"]["mode"],
            triggers=tuple(spec.get("triggers", ())),
            acled_reason=spec["acled"].get("none"),
            plover_mode_reason=spec["plover"].get("none"),
            acled_note=spec["acled"].get("note"),
            cameo_note=spec["cameo"].get("note"),
            plover_note=spec["plover"].get("note"),
        )
        for name, spec in raw["event_types"].items()
    }
    vague = {word: VagueNumeral(**spec) for word, spec in raw["vague_numerals"].items()}
    glossaries = [
        "entity_types",
        "roles",
        "modalities",
        "event_relations",
        "quote_types",
        "figure_bounds",
        "figure_properties",
        "location_precision",
        "time_precision",
        "time_anchors",
    ]
    return Taxonomy(
        version=raw["version"],
        event_types=event_types,
        vague_numerals=vague,
        figure_events={prop: tuple(types) for prop, types in raw["figure_events"].items()},
        relation_pairs={
            rel: RelationPairs(target=spec["target"], pairs=tuple((s, t) for s, t in spec["pairs"]))
            for rel, spec in raw["relation_pairs"].items()
        },
        raw=raw,
        **{key: tuple(raw[key]) for key in glossaries},
    )


@cache
def load_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package (schema/taxonomy.json)."""
    with open(locate_schema_dir() / "taxonomy.json", encoding="utf-8") as f:
        return parse_taxonomy(json.load(f))
