"""The rows of the `records` config: one per event ACLED or UCDP would code, every field with its evidence.

A row names its event (the first mention's id, every mention, the type and its ACLED, PLOVER and
CAMEO equivalents), when (dates), who (actor1: the first attacker, agent or participant; actor2:
the first target, victim, recipient or other participant; an argument that mentions an entity
before one that does not; a name only where it is an entity's: the words stay in `evidence`), where (the first mention's location that has one, and places), the
counts (counts), who says so (the speakers of quotes reporting a mention and the claimants of its
figures), its factuality, the document's story key, and `evidence`: the spans behind each field.
"""

from __future__ import annotations

from typing import Any

from ..core.taxonomy import Taxonomy
from .clusters import ASSERTED, Cluster, plan_records
from .counts import FIELDS, count
from .dates import date_of
from .places import resolve

ACTOR1_ROLES = ("attacker", "agent", "participant")
ACTOR2_ROLES = ("target", "victim", "recipient", "participant")


def _actor_kind(entity: dict[str, Any] | None, entities: dict[str, dict[str, Any]]) -> str | None:
    """`state` for a state, or an actor affiliated (through up to two hops) with one; `non-state` for other entities."""
    seen = 0
    while entity is not None and seen < 3:
        if entity["type"] == "state":
            return "state"
        entity = entities.get(entity["affiliation"]) if entity["affiliation"] else None
        seen += 1
    return None if seen == 0 else "non-state"


def _actor(
    arguments: list[dict[str, Any]], roles: tuple[str, ...], skip: dict[str, Any] | None,
    entities: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:  # fmt: skip
    chosen = [a for a in arguments if a["role"] in roles and a is not skip]
    if skip is not None and skip["entity"] is not None:
        chosen = [a for a in chosen if a["entity"] != skip["entity"]]
    if not chosen:
        return None
    named = [a for a in chosen if a["entity"] in entities]
    argument = (named or chosen)[0]
    entity = entities.get(argument["entity"]) if argument["entity"] else None
    return {
        "argument": argument,
        # An entity's name, never a copy of the span's words: those stay in `evidence`, where a standoff
        # release withholds them with the text.
        "name": entity["name"] if entity else None,
        "entity": argument["entity"] if entity else None,
        "type": entity["type"] if entity else None,
        "kind": _actor_kind(entity, entities),
    }


def _public(actor: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if actor is None else {key: value for key, value in actor.items() if key != "argument"}


def record_row(
    cluster: Cluster, fed: tuple[Cluster, ...], parent: str | None, ann: dict[str, Any], metadata: dict[str, Any],
    text: str, tax: Taxonomy, origin: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    """The row of one record (see the module)."""
    entities = {e["id"]: e for e in ann["entities"]}
    spec = tax.event_types[cluster.type]
    arguments = [a for m in cluster.mentions for a in m["arguments"]]
    actor1 = _actor(arguments, ACTOR1_ROLES, None, entities)
    actor2 = _actor(arguments, ACTOR2_ROLES, actor1["argument"] if actor1 else None, entities)
    located = next((m["location"] for m in cluster.mentions if m["location"] is not None), None)
    place = resolve(located)
    dated = date_of(cluster.mentions, metadata, text)
    events = [m for c in (cluster, *fed) for m in c.mentions]
    ids = {m["id"] for m in events}
    counts = {name: count(name, events, ann["figures"], entities, text, origin) for name in FIELDS}
    counted_ids = {f["id"] for f in ann["figures"] if f["event"] in ids and f["property"] in
                   {p for props, _ in FIELDS.values() for p in props}}  # fmt: skip
    quotes = [q for q in ann["quotes"] if ids & set(q["events"])]
    claims: list[tuple[str, dict[str, Any] | None]] = []
    for q in quotes:
        speaker = entities.get(q["speaker"]) if q["speaker"] else None
        claims.append((speaker["name"] if speaker else "", q["source"] or q["cue"]))
    for f in ann["figures"]:
        if f["id"] in counted_ids and f["claimant"] in entities:
            claims.append((entities[f["claimant"]]["name"], f["span"]))
    claimants = list(dict.fromkeys(name for name, _ in claims if name))
    modalities = [m["modality"] for m in cluster.mentions]
    row: dict[str, Any] = {
        "event_id": cluster.key,
        "mentions": [m["id"] for m in cluster.mentions],
        "fed_by": [m["id"] for c in fed for m in c.mentions],
        "part_of": parent,
        "type": cluster.type,
        "acled_event_type": spec.acled_event_type,
        "acled_sub_event_type": spec.acled_sub_event_type,
        "plover_event_type": spec.plover_event_type,
        "plover_mode": spec.plover_mode,
        "cameo_code": spec.cameo_code,
        "date": dated.date,
        "date_precision": dated.precision,
        "date_source": dated.source,
        "actor1": _public(actor1),
        "actor2": _public(actor2),
        "location": None if located is None else {
            "name": located["name"], "country": located["country"], "precision": located["precision"],
            "geonames_id": place.geonames_id, "latitude": place.latitude, "longitude": place.longitude,
        },
        "claimants": claimants,
        "story": metadata.get("story"),
        "modality": "actual" if "actual" in modalities else "reported",
        "polarity": "positive" if any(m["polarity"] == "positive" for m in cluster.mentions
                                      if m["modality"] in ASSERTED) else "negative",
    }  # fmt: skip
    for name, found in counts.items():
        row[f"{name}_best"], row[f"{name}_low"], row[f"{name}_high"] = found.best, found.low, found.high
    row["evidence"] = {
        "triggers": [m["trigger"] for m in cluster.mentions],
        "actor1": [actor1["argument"]["span"]] if actor1 else [],
        "actor2": [actor2["argument"]["span"]] if actor2 else [],
        "location": located["span"] if located else None,
        "time": dated.span,
        **{name: list(found.evidence) for name, found in counts.items()},
        "claimants": [span for _, span in claims if span is not None],
    }
    return row


def records_of(ann: dict[str, Any], metadata: dict[str, Any], text: str, tax: Taxonomy) -> list[dict[str, Any]]:
    """The record rows of one document's validated annotation, in the order of their first mention."""
    plan = plan_records(ann["events"], text, tax)
    return [
        record_row(cluster, fed, plan.parent.get(cluster.key), ann, metadata, text, tax, plan.origin)
        for cluster, fed in plan.records
    ]
