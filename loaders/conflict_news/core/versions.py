"""Two annotations of one document by different annotators, made comparable: their entity ids aligned.

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


def align_entities(reference: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """A copy of `other` whose entity ids, and every link to them, follow `reference` (see the module)."""
    mapping = entity_mapping(reference, other)
    out = copy.deepcopy(other)

    def rename(value: str | None) -> str | None:
        return None if value is None else mapping.get(value, value)

    for entity in out["entities"]:
        entity["id"], entity["affiliation"] = rename(entity["id"]), rename(entity["affiliation"])
    for event in out["events"]:
        for argument in event["arguments"]:
            argument["entity"] = rename(argument["entity"])
    for quote in out["quotes"]:
        quote["speaker"] = rename(quote["speaker"])
    for figure in out["figures"]:
        figure["claimant"] = rename(figure["claimant"])
    for record in out.get("provenance", {}).get("items", []):
        record["id"] = rename(record["id"])
    return out
