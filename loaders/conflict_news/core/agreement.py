"""Inter-annotator agreement: span F1 per layer, Cohen's kappa per attribute, F1 per kind of link.

The input is, per document, the versions of its annotation by two or more annotators (their four
layers; a Label Studio export or two folders of annotation files give them), and every pair of
versions of a document is compared. Span F1 is symmetric: exact counts spans with identical offsets,
overlap counts a span as found when the other annotator has any span of the same layer sharing a
character with it (for an argument: of the same event, its trigger marked exactly). Attributes are
compared on spans both annotators marked exactly, pooled over documents, with Cohen's kappa. Links
(a quote's speaker, a figure's event, an event's relations and arguments' entities) are compared as
(source anchor, link, target anchor) triples, exactly: F1 again. Entity ids are made comparable
first (core.versions.align_entities).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .versions import align_entities

# A span's key ends with its offsets; an argument's begins with its event's trigger offsets, because
# one stretch of text may be an argument of several events.
Spans = dict[tuple[int, ...], dict[str, Any]]


def _items(layers: dict[str, Any]) -> dict[str, Spans]:
    """Per comparable layer: span offsets -> the attributes compared on that span."""

    def at(span: dict[str, Any]) -> tuple[int, int]:
        return span["start"], span["end"]

    ev, q, fig = layers["events"], layers["quotes"], layers["figures"]
    return {
        "event triggers": {at(e["trigger"]): {"event type": e["type"], "modality": e["modality"], "polarity": e["polarity"]} for e in ev},
        "event arguments": {at(e["trigger"]) + at(a["span"]): {"argument role": a["role"]} for e in ev for a in e["arguments"]},
        "entity mentions": {at(m): {"entity type": ent["type"]} for ent in layers["entities"] for m in ent["mentions"]},
        "quote cues": {at(x["cue"]): {"quote type": x["type"]} for x in q},
        "quote contents": {at(c): {} for x in q for c in x["contents"]},
        "figures": {at(f["span"]): {"figure bound": f["bound"], "figure property": f["property"], "figure value": f["value"]} for f in fig},
    }  # fmt: skip


def _overlaps(key: tuple[int, ...], others: Spans) -> bool:
    """Whether another key shares its prefix exactly (an argument's event) and a character of its span."""
    return any(key[:-2] == o[:-2] and key[-2] < o[-1] and o[-2] < key[-1] for o in others)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    # Both sides gave one and the same label throughout: chance explains everything, kappa is 0/0.
    return None if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    tasks: int
    pairs: int
    layers: dict[str, dict[str, float | int | None]]
    attributes: dict[str, dict[str, float | int | None]]
    links: dict[str, dict[str, float | int | None]]

    def to_dict(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "pairs": self.pairs, "layers": self.layers, "attributes": self.attributes,
                "links": self.links}  # fmt: skip


def _links(layers: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every link as (kind, source anchor, label, target anchor), with anchors as offsets."""

    def at(span: dict[str, Any]) -> tuple[int, int]:
        return span["start"], span["end"]

    triggers = {e["id"]: at(e["trigger"]) for e in layers["events"]}
    first_mention = {e["id"]: min(at(m) for m in e["mentions"]) for e in layers["entities"] if e["mentions"]}
    found: set[tuple[Any, ...]] = set()
    for q in layers["quotes"]:
        if q["speaker"] is not None:
            found.add(("quote speaker", at(q["cue"]), "speaker", first_mention.get(q["speaker"])))
    for f in layers["figures"]:
        if f["event"] is not None:
            found.add(("figure event", at(f["span"]), "event", triggers.get(f["event"])))
    for e in layers["events"]:
        for r in e["relations"]:
            found.add(("event relation", at(e["trigger"]), r["type"], triggers.get(r["target"])))
        for a in e["arguments"]:
            if a["entity"] is not None:
                found.add(
                    ("argument entity", at(e["trigger"]) + at(a["span"]), a["role"], first_mention.get(a["entity"]))
                )
    return found


def agreement_of(documents: Iterable[list[dict[str, Any]]]) -> Agreement:
    """Agreement over documents, each given as the versions (four layers) of its annotators."""
    counts: dict[str, Counter[str]] = {}
    values: dict[str, list[tuple[Any, Any]]] = {}
    linked: dict[str, Counter[str]] = {}
    tasks = pairs = 0
    for versions in documents:
        tasks += 1
        for first, second in combinations(versions, 2):
            second = align_entities(first, second)
            pairs += 1
            a, b = _items(first), _items(second)
            for layer, spans_a in a.items():
                spans_b = b[layer]
                c = counts.setdefault(layer, Counter())
                c["spans"] += len(spans_a) + len(spans_b)
                c["exact"] += 2 * len(spans_a.keys() & spans_b.keys())
                c["overlap"] += sum(_overlaps(s, spans_b) for s in spans_a) + sum(
                    _overlaps(s, spans_a) for s in spans_b
                )
                for span in spans_a.keys() & spans_b.keys():
                    for name, value in spans_a[span].items():
                        values.setdefault(name, []).append((value, spans_b[span][name]))
            links_a, links_b = _links(first), _links(second)
            for kind in {link[0] for link in links_a | links_b}:
                mine = {link for link in links_a if link[0] == kind}
                yours = {link for link in links_b if link[0] == kind}
                c = linked.setdefault(kind, Counter())
                c["links"] += len(mine) + len(yours)
                c["agreed"] += 2 * len(mine & yours)
    layers: dict[str, dict[str, float | int | None]] = {
        layer: {
            "spans": c["spans"],
            "exact_f1": _ratio(c["exact"], c["spans"]),
            "overlap_f1": _ratio(c["overlap"], c["spans"]),
        }
        for layer, c in counts.items()
    }
    attributes: dict[str, dict[str, float | int | None]] = {
        name: {"n": len(v), "observed": _ratio(sum(a == b for a, b in v), len(v)), "kappa": cohen_kappa(v)}
        for name, v in values.items()
    }
    links = {kind: {"links": c["links"], "f1": _ratio(c["agreed"], c["links"])} for kind, c in sorted(linked.items())}
    return Agreement(tasks=tasks, pairs=pairs, layers=layers, attributes=attributes, links=links)


def format_agreement(result: Agreement) -> str:
    def show(x: float | int | None) -> str:
        return "-" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))

    lines = [f"{result.tasks} document(s) with two or more annotators, {result.pairs} annotator pair(s)", ""]
    lines.append(f"{'layer':<18}{'spans':>7}{'exact F1':>10}{'overlap F1':>12}")
    for layer, row in result.layers.items():
        lines.append(f"{layer:<18}{show(row['spans']):>7}{show(row['exact_f1']):>10}{show(row['overlap_f1']):>12}")
    lines += ["", f"{'attribute':<18}{'n':>7}{'observed':>10}{'kappa':>12}"]
    for name, row in result.attributes.items():
        lines.append(f"{name:<18}{show(row['n']):>7}{show(row['observed']):>10}{show(row['kappa']):>12}")
    lines += ["", f"{'link':<18}{'links':>7}{'F1':>10}"]
    for kind, row in result.links.items():
        lines.append(f"{kind:<18}{show(row['links']):>7}{show(row['f1']):>10}")
    return "\n".join(lines) + "\n"


def agreement_markdown(columns: dict[str, Agreement]) -> str:
    """A Markdown table with one column per set of documents: span F1 (exact / overlap), kappa
    (observed agreement) and link F1, each with its count."""

    def cell(x: float | int | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    sets = list(columns.values())
    head = "| what | measure | " + " | ".join(columns) + " |\n|---|---|" + "---|" * len(columns) + "\n"
    rows = ["| documents, annotator pairs | count | " + " | ".join(f"{a.tasks}, {a.pairs}" for a in sets) + " |"]
    for layer in sets[0].layers:
        values = [a.layers.get(layer, {}) for a in sets]
        rows.append(f"| {layer} | span F1 exact / overlap (spans) | " + " | ".join(
            f"{cell(v.get('exact_f1'))} / {cell(v.get('overlap_f1'))} ({v.get('spans', 0)})" for v in values) + " |")  # fmt: skip
    for name in sets[0].attributes:
        values = [a.attributes.get(name, {}) for a in sets]
        rows.append(f"| {name} | Cohen's kappa (observed; n) | " + " | ".join(
            f"{cell(v.get('kappa'))} ({cell(v.get('observed'))}; {v.get('n', 0)})" for v in values) + " |")  # fmt: skip
    for kind in sorted({k for a in sets for k in a.links}):
        values = [a.links.get(kind, {}) for a in sets]
        rows.append(f"| {kind} | link F1 (links) | " + " | ".join(
            f"{cell(v.get('f1'))} ({v.get('links', 0)})" for v in values) + " |")  # fmt: skip
    return head + "\n".join(rows) + "\n"
