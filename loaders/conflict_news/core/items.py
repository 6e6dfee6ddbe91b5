"""The items of an annotation (entities, events, quotes, figures) compared across versions of one document:
what an annotator kept, changed, deleted or added relative to the pre-annotation they started from, which
items two annotators agree on, and who made each item (per-item provenance).

Items are matched by what they annotate, not by id, because two annotators who draw the same event get
two different editor ids: an event by its trigger's offsets, a quote by its cue's, a figure by its
span's, an entity by its id (typed by the annotator, and what every link to the entity names). Two
items agree when everything but their own id is equal, with links to events, quotes and figures
(a time's anchor event included) compared by the linked item's key, and an event's arguments and
relations in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .model import LAYERS

Key = tuple[Any, ...]
_ANCHOR = {"events": "trigger", "quotes": "cue", "figures": "span"}


def item_keys(layers: dict[str, Any]) -> dict[str, Key]:
    """Each item's id -> its key (a second item on the same anchor gets the next occurrence number)."""
    keys: dict[str, Key] = {}
    seen: dict[Key, int] = {}
    for layer in LAYERS:
        for item in layers.get(layer, []):
            if layer == "entities":
                base: Key = (layer, item["id"])
            else:
                span = item[_ANCHOR[layer]]
                base = (layer, span["start"], span["end"])
            n = seen[base] = seen.get(base, -1) + 1
            keys[item["id"]] = (*base, n)
    return keys


def canonical_items(layers: dict[str, Any]) -> dict[Key, tuple[str, dict[str, Any]]]:
    """key -> (id, the item without its id and with links to events, quotes and figures as keys)."""
    keys = item_keys(layers)

    def ref(target: str | None) -> Any:
        return keys.get(target, target) if target is not None else None

    out: dict[Key, tuple[str, dict[str, Any]]] = {}
    for layer in LAYERS:
        for item in layers.get(layer, []):
            body = {k: v for k, v in item.items() if k != "id"}
            if layer == "events":
                # the order of arguments and relations says nothing, and a time's anchor is a link like any other
                relations = ({"type": r["type"], "target": ref(r["target"])} for r in item["relations"])
                body["relations"] = sorted(relations, key=repr)
                body["arguments"] = sorted(item["arguments"], key=lambda a: json.dumps(a, sort_keys=True))
                if item["time"] and item["time"].get("anchor_event") is not None:
                    body["time"] = {**item["time"], "anchor_event": ref(item["time"]["anchor_event"])}
            elif layer == "quotes":
                body["events"] = sorted(map(str, map(ref, item["events"])))
            elif layer == "figures":
                body["event"], body["quote"] = ref(item["event"]), ref(item["quote"])
            out[keys[item["id"]]] = (item["id"], body)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Corrections:
    """What one annotator did to the pre-annotation of one document, per layer."""

    doc_id: str
    annotator: str
    started_from: str  # the pre-annotation's model_version, or "" when the annotator started from nothing
    counts: dict[str, dict[str, int]]  # layer -> accepted, changed, deleted, added

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "annotator": self.annotator, "started_from": self.started_from,
                "layers": self.counts}  # fmt: skip


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per layer: items of `before` kept unchanged (accepted), kept with other attributes or links
    (changed), removed (deleted), and items of `after` that `before` lacks (added)."""
    counts = {layer: dict.fromkeys(("accepted", "changed", "deleted", "added"), 0) for layer in LAYERS}
    if before is after:  # a pre-annotation accepted as it came (importer.starting_point): nothing to match
        for layer in LAYERS:
            counts[layer]["accepted"] = len(after.get(layer, []))
        return counts
    if all(before.get(layer, []) == [] for layer in LAYERS):  # started from nothing: every item is added
        for key in item_keys(after).values():  # the keys canonical_items(after) would have, without the bodies
            counts[key[0]]["added"] += 1
        return counts
    old, new = canonical_items(before), canonical_items(after)
    for key, (_, body) in old.items():
        verdict = "deleted" if key not in new else "accepted" if new[key][1] == body else "changed"
        counts[key[0]][verdict] += 1
    for key in new.keys() - old.keys():
        counts[key[0]]["added"] += 1
    return counts


def precision_recall(counts: Iterable[dict[str, int]]) -> dict[str, float | None]:
    """Of the pre-annotated items, the share annotators kept unchanged (precision); of the items they
    submitted, the share the pre-annotation had unchanged (recall). `matched_*` count a changed item as found."""
    total = dict.fromkeys(("accepted", "changed", "deleted", "added"), 0)
    for c in counts:
        for k in total:
            total[k] += c[k]
    proposed = total["accepted"] + total["changed"] + total["deleted"]
    kept = total["accepted"] + total["changed"] + total["added"]

    def ratio(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    return {
        "precision": ratio(total["accepted"], proposed),
        "recall": ratio(total["accepted"], kept),
        "matched_precision": ratio(total["accepted"] + total["changed"], proposed),
        "matched_recall": ratio(total["accepted"] + total["changed"], kept),
    }


def item_provenance(
    layers: dict[str, Any], who: str, base: dict[str, Any] | None, base_prov: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Who made each item of `layers`, which `who` submitted starting from `base` (whose provenance is
    `base_prov`): an item kept unchanged keeps the record it had (or, from gold without records, the
    gold's annotators); every other item, and every item taken over from a prediction, is `who`'s."""
    records = {r["id"]: r for r in (base_prov or {}).get("items", [])}
    gold_by = list((base_prov or {}).get("annotators", [])) if (base_prov or {}).get("kind") == "gold" else []
    if base is layers:  # accepted as it came: every item keeps its record
        ids = [item["id"] for layer in LAYERS for item in layers.get(layer, [])]
        who_by = gold_by or [who]
        return [records.get(i) or {"id": i, "annotators": who_by, "adjudicator": None} for i in ids]
    old = canonical_items(base or {})
    out = []
    for key, (item_id, body) in canonical_items(layers).items():
        record: dict[str, Any] = {"id": item_id, "annotators": [who], "adjudicator": None}
        if key in old and old[key][1] == body:
            kept = records.get(old[key][0])
            if kept is not None:
                record = kept | {"id": item_id}
            elif gold_by:
                record["annotators"] = gold_by
        out.append(record)
    return out


def file_provenance(
    guidelines: str, items: list[dict[str, Any]], fallback: str, gold_kind: str | None = None
) -> dict[str, Any]:
    """A gold file's provenance: everyone who made an item, how the gold was made when the caller knows it
    (`gold_kind`), and the per-item records (left out when there are no items, as the schema has it)."""
    names = sorted(
        {name for r in items for name in r["annotators"]} | {r["adjudicator"] for r in items if r["adjudicator"]}
    )
    prov: dict[str, Any] = {"kind": "gold", "annotators": names or [fallback], "guidelines": guidelines}
    if gold_kind is not None:
        prov["gold_kind"] = gold_kind
    if items:
        prov["items"] = items
    return prov


def summarize_corrections(corrections: list[Corrections]) -> dict[str, Any]:
    """Per annotator and over everyone: the counts per layer and the pre-annotator's precision and recall
    in use, over the annotations that started from a pre-annotation."""
    started = [c for c in corrections if c.started_from]

    def totals(group: list[Corrections]) -> dict[str, Any]:
        layers = {layer: {k: sum(c.counts[layer][k] for c in group) for k in ("accepted", "changed", "deleted",
                  "added")} for layer in LAYERS}  # fmt: skip
        per_layer = {layer: precision_recall([layers[layer]]) for layer in LAYERS}
        return {"annotations": len(group), "layers": layers, "scores": per_layer,
                **precision_recall(layers.values())}  # fmt: skip

    annotators = sorted({c.annotator for c in started})
    return {
        "pre_annotations": sorted({c.started_from for c in started}),
        "annotators": {who: totals([c for c in started if c.annotator == who]) for who in annotators},
        "overall": totals(started),
        "without_pre_annotation": [
            {"doc_id": c.doc_id, "annotator": c.annotator} for c in corrections if not c.started_from
        ],
        "documents": [c.to_dict() for c in corrections],
    }


def format_corrections(summary: dict[str, Any]) -> str:
    def show(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    pre = ", ".join(summary["pre_annotations"]) or "none"
    lines = [f"Corrections to the pre-annotation ({pre}), in use:",
             f"{'annotator':<28}{'layer':<10}{'accepted':>9}{'changed':>9}{'deleted':>9}{'added':>7}{'P':>7}{'R':>7}"]  # fmt: skip
    groups = [*summary["annotators"].items(), ("all annotators", summary["overall"])]
    for who, group in groups:
        for layer in LAYERS:
            c, s = group["layers"][layer], group["scores"][layer]
            lines.append(f"{who:<28}{layer:<10}{c['accepted']:>9}{c['changed']:>9}{c['deleted']:>9}{c['added']:>7}"
                         f"{show(s['precision']):>7}{show(s['recall']):>7}")  # fmt: skip
        lines.append(f"{who:<28}{'all':<10}{'':>43}{show(group['precision']):>7}{show(group['recall']):>7}")
    lines.append("P: pre-annotated items kept unchanged; R: submitted items the pre-annotation had unchanged.")
    if summary["without_pre_annotation"]:
        lines.append(f"{len(summary['without_pre_annotation'])} annotation(s) started from no pre-annotation.")
    return "\n".join(lines) + "\n"
