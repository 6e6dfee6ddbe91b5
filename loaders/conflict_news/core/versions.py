"""Two annotations of one document by different annotators, made comparable: their entity ids aligned;
and the renaming of ids, with every link to them, that this and a kit's prefixed start files use.

Annotators name entities as they like (`ent-russia`, `ent-rus`), and every link to an entity (an
argument's, a quote's speaker, a figure's claimant, an affiliation) carries that name. Before two
versions are compared or merged, the other version's entities take the reference version's ids
where they are the same entity: the reference entity sharing the most mentions with it, exactly
(same offsets); an entity that shares none keeps its id, unless that id names a different entity
of the reference, in which case it gets a fresh one.
"""

from __future__ import annotations

import copy
from typing import Any


def _mentions(entity: dict[str, Any]) -> set[tuple[int, int]]:
    return {(m["start"], m["end"]) for m in entity["mentions"]}


def entity_mapping(reference: dict[str, Any], other: dict[str, Any]) -> dict[str, str]:
    """Other's entity id -> the id it takes: the reference entity with the most shared mentions."""
    theirs = {e["id"]: _mentions(e) for e in reference["entities"]}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    # Best matches first, so that two of other's entities cannot both claim one reference entity.
    candidates = sorted(
        ((len(_mentions(e) & spans), e["id"], ref) for e in other["entities"] for ref, spans in theirs.items()),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    for shared, own, ref in candidates:
        if shared and own not in mapping and ref not in taken:
            mapping[own] = ref
            taken.add(ref)
    used = set(theirs) | set(mapping.values())
    for entity in other["entities"]:
        own = entity["id"]
        if own in mapping:
            continue
        fresh, n = own, 1
        while fresh in used:
            fresh, n = f"{own}-{n}", n + 1
        mapping[own] = fresh
        used.add(fresh)
    return mapping


def rename_ids(ann: dict[str, Any], renames: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A copy of `ann` in which the ids of each layer named in `renames` (layer -> old id -> new id), and every
    link to them, take their new names; ids not named stay."""
    out = copy.deepcopy(ann)

    def rename(layer: str, value: str | None) -> str | None:
        return None if value is None else renames.get(layer, {}).get(value, value)

    def entity(value: str | None) -> str | None:
        return rename("entities", value)

    def event(value: str | None) -> str | None:
        return rename("events", value)

    for layer in ("entities", "events", "quotes", "figures"):
        for item in out[layer]:
            item["id"] = rename(layer, item["id"])
    for record in out.get("provenance", {}).get("items", []):
        record["id"] = next((new for m in renames.values() if (new := m.get(record["id"]))), record["id"])
    for ent in out["entities"]:
        ent["affiliation"] = entity(ent["affiliation"])
    for ev in out["events"]:
        for argument in ev["arguments"]:
            argument["entity"] = entity(argument["entity"])
        for relation in ev["relations"]:
            relation["target"] = event(relation["target"])
        if ev["time"] and ev["time"].get("anchor_event") is not None:
            ev["time"]["anchor_event"] = event(ev["time"]["anchor_event"])
    for quote in out["quotes"]:
        quote["speaker"] = entity(quote["speaker"])
        quote["events"] = [event(e) for e in quote["events"]]
    for figure in out["figures"]:
        figure["claimant"] = entity(figure["claimant"])
        figure["quote"] = rename("quotes", figure["quote"])
        figure["event"] = event(figure["event"])
    return out


def prefixed(ann: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A copy of `ann` with `prefix` put before every item id and every link to one."""
    layers = ("entities", "events", "quotes", "figures")
    return rename_ids(ann, {layer: {item["id"]: prefix + item["id"] for item in ann[layer]} for layer in layers})


def align_entities(reference: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """A copy of `other` whose entity ids, and every link to them, follow `reference` (see the module)."""
    return rename_ids(other, {"entities": entity_mapping(reference, other)})
