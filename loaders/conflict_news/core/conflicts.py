"""One line per conflicting item for the adjudicator: the item, then each field the versions differ in with
every annotator's value of it, or what each annotator made of an item some of them lack.

Values are shown as the text they point to (an entity by its name and id, an event by its trigger, a
quote by its cue, a span by its words), each as the annotator's own version has it, so that two sides
that differ never read the same: where two different values would print alike (one wording at two
offsets), both are printed in full. A link that one side lacks because its target went (an entity or
one of its mentions deleted, which in Label Studio takes the links drawn to it along) says so: the
editor drops them without a word.
"""

from __future__ import annotations

import json
from typing import Any

from .items import Key, canonical_items

Versions = dict[str, dict[str, Any]]  # annotator -> their four layers
Canon = dict[Key, tuple[str, dict[str, Any]]]

# Fields of an item that name an entity by id; the others that link name the linked item's key.
_ENTITY_LINKS = {"speaker", "claimant", "affiliation"}
# What an item is shown by when a side lacks it or has it whole.
_SUMMARY = ("type", "modality", "polarity", "name", "value", "property")


def _span(value: dict[str, Any]) -> str:
    return f"«{value['text']}»"


def _entity(entity_id: str, layers: dict[str, Any]) -> str:
    named = next((e for e in layers["entities"] if e["id"] == entity_id), None)
    return f"{named['name']} ({entity_id})" if named else entity_id


def _show(value: Any, text: str, layers: dict[str, Any], entity: bool = False) -> str:
    """A value of a canonical item as the adjudicator reads it."""
    if value is None:
        return "none"
    if entity and isinstance(value, str):
        return _entity(value, layers)
    if isinstance(value, tuple):  # a link to an event, quote or figure: its key, whose offsets are its anchor
        return f"«{text[value[1] : value[2]]}»"
    if isinstance(value, dict) and {"start", "end", "text"} <= value.keys():
        return _span(value)
    if isinstance(value, dict):
        if "role" in value:  # an argument
            target = f" → {_entity(value['entity'], layers)}" if value.get("entity") else ""
            return f"{value['role']} {_span(value['span'])}{target}"
        if "target" in value:  # an event relation
            return f"{value['type']} {_show(value['target'], text, layers)}"
        shown = [f"{k} {_show(v, text, layers)}" for k, v in value.items() if v is not None]
        return ", ".join(shown)  # a location or a time
    if isinstance(value, list):
        return "[" + "; ".join(_show(v, text, layers, entity) for v in value) + "]"
    return str(value)


def _mentions(entity_id: str, layers: dict[str, Any]) -> int | None:
    return next((len(e["mentions"]) for e in layers["entities"] if e["id"] == entity_id), None)


def _lost_links(field: str, who: str, values: dict[str, Any]) -> list[str]:
    """The entities other annotators link in `field` where `who` links none: the field itself, or an
    argument of the same role and words."""
    if field in _ENTITY_LINKS:
        return [] if values[who] is not None else [v for v in values.values() if v is not None]
    if field != "arguments":
        return []
    mine = {(a["role"], a["span"]["start"], a["span"]["end"]) for a in values[who] or [] if a["entity"] is None}
    return [a["entity"] for other in values.values() for a in other or []
            if a["entity"] is not None and (a["role"], a["span"]["start"], a["span"]["end"]) in mine]  # fmt: skip


def _dropped(field: str, who: str, values: dict[str, Any], versions: Versions) -> str:
    """Why `who` has no link to an entity where another annotator has one, when the entity, or one of its
    mentions, is gone from `who`'s version; "" when `who` has the link or nothing says why not."""
    for target in _lost_links(field, who, values):
        mine = _mentions(target, versions[who])
        if mine is None:
            return f" (dropped: {target} is deleted)"
        if any(mine < (_mentions(target, v) or 0) for v in versions.values()):
            return f" (dropped: a mention of {target} is deleted)"
    return ""


def _differing(field: str, bodies: dict[str, dict[str, Any]], versions: Versions, text: str) -> str:
    entity = field in _ENTITY_LINKS
    values = {who: body.get(field) for who, body in bodies.items()}
    shown = {who: _show(v, text, versions[who], entity) for who, v in values.items()}
    # Two different values that print alike (a wording at two offsets) are printed in full.
    alike = [w for w in shown if any(o != w and shown[o] == shown[w] and values[o] != values[w] for o in shown)]
    for who in alike:
        shown[who] += " " + json.dumps(values[who], ensure_ascii=False, sort_keys=True)
    said = [f"{who}: {shown[who]}{_dropped(field, who, values, versions)}" for who in bodies]
    return f"{field} ({'; '.join(said)})"


def describe_conflict(key: Key, versions: Versions, text: str) -> str:
    """One line for the adjudicator: the item, and per field the versions differ in, each annotator's value;
    or, when some annotators lack the item, what each one made of it."""
    layer = key[0]
    where = f"entity {key[1]}" if layer == "entities" else f"{layer[:-1]} «{text[key[1] : key[2]]}»"
    canon: dict[str, Canon] = {who: canonical_items(layers) for who, layers in versions.items()}
    bodies = {who: c[key][1] for who, c in canon.items() if key in c}
    if len(bodies) < len(versions):
        said = []
        for who in versions:
            body = bodies.get(who)
            summary = " ".join(str(body[f]) for f in _SUMMARY if body is not None and f in body)
            said.append(f"{who}: {'absent' if body is None else summary or 'present'}")
        return f"{where}: {'; '.join(said)}"
    fields = sorted({f for b in bodies.values() for f in b if any(f not in o or o[f] != b[f] for o in bodies.values())})
    return f"{where} differs in " + ", ".join(_differing(f, bodies, versions, text) for f in fields)
