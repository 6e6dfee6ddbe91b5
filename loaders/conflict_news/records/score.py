"""Predicted records against gold records: record P/R/F1 and, on matched records, how well the counts agree.

A predicted record matches a gold record of the same document when a trigger of one overlaps a
trigger of the other and they have the same ACLED event type and sub-event type (the pair; a type
with no sub-event type agrees only with the same event type); pairs are taken one to one, the
largest overlap first. Over the matched records whose gold record has a count of a field, a count
is exact when the predicted best equals the gold best (a null prediction is not exact, and counts
as 0 in the absolute error). `fatalities or arrested` is the share of matched records with a gold
fatality or arrest count whose predicted counts equal every such gold count. Every measure has its
percentile bootstrap interval over documents (core.bootstrap).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from ..core.bootstrap import CONFIDENCE, Counts, Measure, bootstrap
from ..core.taxonomy import Taxonomy
from .counts import FIELDS

COMBINED = "fatalities or arrested"


def hand_row(coded: dict[str, Any], tax: Taxonomy) -> dict[str, Any]:
    """A record coded by hand from the text (adjudication/records-hand: type, triggers, counts) as a row to score:
    its ACLED types from the crosswalk, its triggers as its evidence."""
    spec = tax.event_types[coded["type"]]
    counts = {f"{name}_best": coded.get(f"{name}_best") for name in FIELDS}
    return {"acled_event_type": spec.acled_event_type, "acled_sub_event_type": spec.acled_sub_event_type,
            "evidence": {"triggers": coded["triggers"]}, **counts}  # fmt: skip


def _overlap(pred: dict[str, Any], gold: dict[str, Any]) -> int:
    total = 0
    for a in pred["evidence"]["triggers"]:
        for b in gold["evidence"]["triggers"]:
            total += max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))
    return total


def _kind(row: dict[str, Any]) -> tuple[str | None, str | None]:
    return row["acled_event_type"], row["acled_sub_event_type"]


def match_records(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """(pred index, gold index) of the matched records of one document (see the module)."""
    candidates = [
        (-_overlap(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)
        if _kind(p) == _kind(g) and _overlap(p, g) > 0
    ]  # fmt: skip
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def document_counts(pred: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]) -> dict[Hashable, float]:
    """The tallies of one document that every measure is computed from."""
    pairs = match_records(pred, gold)
    counts: dict[Hashable, float] = {"pred": len(pred), "gold": len(gold), "tp": len(pairs)}
    for i, j in pairs:
        p, g = pred[i], gold[j]
        combined = [name for name in ("fatalities", "arrested") if g[f"{name}_best"] is not None]
        for name in FIELDS:
            truth = g[f"{name}_best"]
            if truth is None:
                continue
            guess = p[f"{name}_best"]
            counts[(name, "n")] = counts.get((name, "n"), 0) + 1
            counts[(name, "exact")] = counts.get((name, "exact"), 0) + (guess == truth)
            counts[(name, "error")] = counts.get((name, "error"), 0) + abs((guess or 0) - truth)
        if combined:
            same = all(p[f"{name}_best"] == g[f"{name}_best"] for name in combined)
            counts[(COMBINED, "n")] = counts.get((COMBINED, "n"), 0) + 1
            counts[(COMBINED, "exact")] = counts.get((COMBINED, "exact"), 0) + same
    return counts


def _ratio(top: Hashable, bottom: tuple[Hashable, ...], factor: float = 1) -> Measure:
    """factor * top / sum(bottom), None over a zero denominator."""

    def measure(c: Counts) -> float | None:
        under = sum(c.get(key, 0) for key in bottom)
        return factor * c.get(top, 0) / under if under else None

    return measure


def measures() -> dict[str, Measure]:
    out: dict[str, Measure] = {
        "precision": _ratio("tp", ("pred",)),
        "recall": _ratio("tp", ("gold",)),
        "f1": _ratio("tp", ("pred", "gold"), factor=2),
    }
    for name in (*FIELDS, COMBINED):
        out[f"{name} exact"] = _ratio((name, "exact"), ((name, "n"),))
        if name != COMBINED:
            out[f"{name} mean absolute error"] = _ratio((name, "error"), ((name, "n"),))
    return out


def score_records(
    documents: Mapping[str, tuple[Sequence[dict[str, Any]], Sequence[dict[str, Any]]]], resamples: int, seed: int
) -> dict[str, Any]:
    """Record P/R/F1 and count agreement over `documents` (doc id -> (predicted rows, gold rows))."""
    per_document = [document_counts(pred, gold) for _, (pred, gold) in sorted(documents.items())]
    found = bootstrap(per_document, measures(), resamples, seed)
    totals = {key: sum(c.get(key, 0) for c in per_document) for key in ("pred", "gold", "tp")}
    matched = {name: int(sum(c.get((name, "n"), 0) for c in per_document)) for name in (*FIELDS, COMBINED)}
    return {
        "documents": len(per_document), **totals, "matched_with_count": matched,
        "scores": {name: interval.to_dict() for name, interval in found.items()},
        "resamples": resamples, "seed": seed, "confidence": CONFIDENCE, "unit": "document",
    }  # fmt: skip
