"""The counting rule: best, low and high counts of killed, injured, detained and displaced people per record.

The figures counted are those linked to the record's mentions (and to the mentions of the clusters
that feed it, see clusters) with one of the field's properties. They are read in three steps:

1. *Claims.* Figures are grouped by who states them: the narration (a figure with no claimant and
   no quote: the report's own voice), or a claimant (the figure's claimant, else its quote).
2. *A claim's total.* Within a claim, figures of different counted groups (`counted`, case-folded:
   "3 soldiers and 5 civilians") are added; figures of one counted group are estimates of one number
   (a repetition, or an update: the largest is taken, as later tolls include earlier ones). Singular
   victims ("a Taliban leader", "one suspected insurgent", a named person) of the field's events that
   no figure covers count one each, once per entity, in the narration's claim.
3. *Competing claims.* best is the narration's total when the narration states one, else the median
   of the claimants' totals (the lower one of the middle two: a conservative choice); low and high
   are the smallest and largest estimate any claim states (UCDP's low and high).

A figure's estimate is its value; for a vague numeral, the taxonomy's ACLED point if it has one
("dozens": 12), else its lower bound; for a range, its lower bound (its upper bound feeds high). A
figure introduced as a part of another ("including 5 children", "several of those hospitalised") is
a subset: evidence, not counted. A field with neither figures nor singular victims is null
(unknown), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core.taxonomy import Taxonomy

# Field -> (figure properties counted, event types whose victims are counted one by one).
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fatalities": (("killed",), ("casualty.death", "casualty.casualties")),
    "injured": (("wounded",), ("casualty.injury",)),
    "arrested": (("arrested", "captured", "abducted"), ("coercion.arrest", "coercion.abduction", "coercion.capture")),
    "displaced": (("displaced",), ("humanitarian.displacement",)),
}
# `captured` also counts equipment: it counts people only on events that take people.
PEOPLE_ONLY = {"captured": ("coercion.arrest", "coercion.abduction", "coercion.capture")}
SUBSET_BEFORE = re.compile(r"\b(?:including|among them|among whom|of whom|of them|among those)[\s:,]*$", re.IGNORECASE)
SUBSET_AFTER = re.compile(r"^\s+(?:of|among)\s+(?:them|those|whom|the)\b", re.IGNORECASE)
SINGULAR = re.compile(r"^(?:a|an|one)\s", re.IGNORECASE)
LOOKBEHIND = 30


@dataclass(frozen=True, slots=True)
class Count:
    """A field's count (None: unknown) and the spans of the figures and victims behind it."""

    best: float | None
    low: float | None
    high: float | None
    evidence: tuple[dict[str, Any], ...]


def is_subset(text: str, span: dict[str, Any]) -> bool:
    """The span is introduced as a part of a larger group (see the module)."""
    before = text[max(0, span["start"] - LOOKBEHIND) : span["start"]]
    return bool(SUBSET_BEFORE.search(before) or SUBSET_AFTER.match(text[span["end"] : span["end"] + LOOKBEHIND]))


def point(figure: dict[str, Any], tax: Taxonomy) -> float | None:
    """A figure's estimate (see the module); None when it states no number."""
    if figure["value"] is not None:
        return float(figure["value"])
    cue = figure["approx_cue"]
    vague = tax.vague_numerals.get(cue["text"].casefold()) if cue else None
    if vague is not None and vague.acled_point is not None:
        return vague.acled_point
    bound = figure["lower"] if figure["lower"] is not None else figure["upper"]
    return None if bound is None else float(bound)


Estimate = tuple[float, float, float]  # (best, low, high)


def _group(figures: list[dict[str, Any]], tax: Taxonomy) -> Estimate | None:
    """One counted group of one claim: the largest estimate, and the range its figures state."""
    points = [p for p in (point(f, tax) for f in figures) if p is not None]
    if not points:
        return None
    stated = points + [float(f[key]) for f in figures for key in ("lower", "upper") if f[key] is not None]
    return max(points), min(stated), max(stated)


def _total(estimates: list[Estimate]) -> Estimate:
    return sum(e[0] for e in estimates), sum(e[1] for e in estimates), sum(e[2] for e in estimates)


def combine(claims: dict[str | None, list[Estimate]]) -> Estimate | None:
    """best, low, high over claims (None: the narration) of their groups' estimates (see the module)."""
    totals = {who: _total(groups) for who, groups in claims.items() if groups}
    if not totals:
        return None
    if None in totals:
        best = totals[None][0]
    else:
        ordered = sorted(t[0] for t in totals.values())
        best = ordered[(len(ordered) - 1) // 2]
    return best, min(t[1] for t in totals.values()), max(t[2] for t in totals.values())


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def count(
    field: str,
    events: Iterable[dict[str, Any]],
    figures: list[dict[str, Any]],
    entities: dict[str, dict[str, Any]],
    text: str,
    tax: Taxonomy,
) -> Count:
    """The count of `field` over the record's (and its feeding clusters') `events` (see the module)."""
    properties, singular_types = FIELDS[field]
    events = list(events)
    types = {ev["id"]: ev["type"] for ev in events}
    mine = [
        f for f in figures
        if f["event"] in types and f["property"] in properties
        and types[f["event"]] in PEOPLE_ONLY.get(f["property"], (types[f["event"]],))
    ]  # fmt: skip
    groups: dict[str | None, dict[str, list[dict[str, Any]]]] = {}
    for f in mine:
        if not is_subset(text, f["span"]):
            who = f["claimant"] or (f"quote:{f['quote']}" if f["quote"] else None)
            groups.setdefault(who, {}).setdefault((f["counted"] or "").casefold(), []).append(f)
    covered = [s for f in mine for s in (f["span"], f["counted_span"]) if s is not None]
    singles: dict[str, dict[str, Any]] = {}
    for ev in events:
        if ev["type"] not in singular_types:
            continue
        for arg in ev["arguments"]:
            span = arg["span"]
            entity = entities.get(arg["entity"]) if arg["entity"] else None
            singular = SINGULAR.match(span["text"]) or (entity is not None and entity["type"] == "person")
            if arg["role"] != "victim" or not singular or is_subset(text, span):
                continue
            if not any(_overlaps(span, c) for c in covered):
                singles.setdefault(arg["entity"] or span["text"].casefold(), span)
    claims: dict[str | None, list[Estimate]] = {
        who: [e for e in (_group(g, tax) for g in by_counted.values()) if e is not None]
        for who, by_counted in groups.items()
    }
    if singles:
        claims.setdefault(None, []).extend([(1.0, 1.0, 1.0)] * len(singles))
    evidence = tuple(sorted([f["span"] for f in mine] + list(singles.values()), key=lambda s: (s["start"], s["end"])))
    found = combine(claims)
    if found is None:
        return Count(None, None, None, evidence)
    return Count(*found, evidence)
