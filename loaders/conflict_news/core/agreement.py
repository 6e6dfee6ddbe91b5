"""Inter-annotator agreement on a Label Studio export: span F1 per layer and Cohen's kappa per attribute.

For every task with two or more (not cancelled) annotations, every pair of annotators is compared.
Span F1 is symmetric: exact counts spans with identical offsets, overlap counts a span as found when
the other annotator has any span of the same layer sharing a character with it. Attributes are
compared on spans both annotators marked exactly, pooled over tasks, with Cohen's kappa.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..core.taxonomy import Taxonomy, load_taxonomy
from .importer import convert_annotation

Spans = dict[tuple[int, int], dict[str, Any]]


def _items(layers: dict[str, Any]) -> dict[str, Spans]:
    """Per comparable layer: span offsets -> the attributes compared on that span."""

    def at(span: dict[str, Any]) -> tuple[int, int]:
        return span["start"], span["end"]

    ev, q, fig = layers["events"], layers["quotes"], layers["figures"]
    return {
        "event triggers": {at(e["trigger"]): {"event type": e["type"], "modality": e["modality"], "polarity": e["polarity"]} for e in ev},
        "event arguments": {at(a["span"]): {"argument role": a["role"]} for e in ev for a in e["arguments"]},
        "entity mentions": {at(m): {"entity type": ent["type"]} for ent in layers["entities"] for m in ent["mentions"]},
        "quote cues": {at(x["cue"]): {"quote type": x["type"]} for x in q},
        "quote contents": {at(c): {} for x in q for c in x["contents"]},
        "figures": {at(f["span"]): {"figure bound": f["bound"], "figure property": f["property"], "figure value": f["value"]} for f in fig},
    }  # fmt: skip


def _overlaps(span: tuple[int, int], others: Spans) -> bool:
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    tasks: int
    pairs: int
    layers: dict[str, dict[str, float | int | None]]
    attributes: dict[str, dict[str, float | int | None]]

    def to_dict(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "pairs": self.pairs, "layers": self.layers, "attributes": self.attributes}


def _annotations(export: list[dict[str, Any]], tax: Taxonomy) -> Iterator[list[dict[str, Any]]]:
    for i, task in enumerate(export):
        text = task["data"]["text"]
        kept = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if len(kept) >= 2:
            yield [convert_annotation(a.get("result") or [], text, tax, "export", f"$[{i}]")[0] for a in kept]


def compute_agreement(export: list[dict[str, Any]], tax: Taxonomy | None = None) -> Agreement:
    tax = tax or load_taxonomy()
    counts: dict[str, Counter[str]] = {}
    values: dict[str, list[tuple[Any, Any]]] = {}
    tasks = pairs = 0
    for versions in _annotations(export, tax):
        tasks += 1
        for a, b in combinations([_items(v) for v in versions], 2):
            pairs += 1
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
    return Agreement(tasks=tasks, pairs=pairs, layers=layers, attributes=attributes)


def format_agreement(result: Agreement) -> str:
    def show(x: float | int | None) -> str:
        return "-" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))

    lines = [f"{result.tasks} task(s) with two or more annotators, {result.pairs} annotator pair(s)", ""]
    lines.append(f"{'layer':<18}{'spans':>7}{'exact F1':>10}{'overlap F1':>12}")
    for layer, row in result.layers.items():
        lines.append(f"{layer:<18}{show(row['spans']):>7}{show(row['exact_f1']):>10}{show(row['overlap_f1']):>12}")
    lines += ["", f"{'attribute':<18}{'n':>7}{'observed':>10}{'kappa':>12}"]
    for name, row in result.attributes.items():
        lines.append(f"{name:<18}{show(row['n']):>7}{show(row['observed']):>10}{show(row['kappa']):>12}")
    return "\n".join(lines) + "\n"
