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
3. *Competing claims.* best is the narration's total when the narration states one; otherwise
   the median of the claimants' totals (the lower one of the middle two: a conservative choice); low
   and high are the smallest and largest estimate any claim states (UCDP's low and high).

Only a figure with a value gives a best estimate. A vague numeral ("several", "dozens") and a range
give bounds only (guidelines CNT-2: the lower bound is a low estimate, and no best estimate is
invented), so a claim with a group known only by bounds has no best of its own. A figure introduced
as a part of another ("including 5 children", "several of those hospitalised") is a subset:
evidence, not counted (guidelines CNT-3). A field with neither figures nor singular victims is null
(unknown), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
SUBSET_AFTER = re.compile(r"^\s+(?:of|among)\s+(?:them|those|whom)\b", re.IGNORECASE)
# A singular victim: `a`/`an`/`one` + noun, or a personal pronoun (a named person is an entity of type person).
# (`a dozen people`, `a number of`, `a group of` are no single person.)
SINGULAR = re.compile(
    r"^(?:(?:a|an|one)\s(?!(?:dozen|number|group|few|couple|handful|series|total|score|lot|hundred|thousand|million)\b)"
    r"|(?:he|she|him|her)$)",
    re.IGNORECASE,
)
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


Estimate = tuple[float | None, float | None, float | None]  # (best, low, high), None: not stated


def _group(figures: list[dict[str, Any]]) -> Estimate:
    """One counted group of one claim: the largest stated value, and the range its figures state."""
    values = [float(f["value"]) for f in figures if f["value"] is not None]
    lowers = [float(f["lower"]) for f in figures if f["lower"] is not None]
    uppers = [float(f["upper"]) for f in figures if f["upper"] is not None]
    return (
        max(values) if values else None,
        min(values + lowers) if values or lowers else None,
        max(values + uppers) if values or uppers else None,
    )


def _sum(parts: list[float | None]) -> float | None:
    return None if None in parts else sum(p for p in parts if p is not None)


def _total(groups: list[Estimate]) -> Estimate:
    return _sum([g[0] for g in groups]), _sum([g[1] for g in groups]), _sum([g[2] for g in groups])


def combine(claims: dict[str | None, list[Estimate]]) -> Estimate | None:
    """best, low, high over claims (None: the narration) of their groups' estimates (see the module)."""
    totals = {who: _total(groups) for who, groups in claims.items() if groups}
    if not totals:
        return None
    if None in totals and totals[None][0] is not None:
        best = totals[None][0]
    else:
        known = sorted(t[0] for t in totals.values() if t[0] is not None)
        best = known[(len(known) - 1) // 2] if known else None
    lows = [t[1] for t in totals.values() if t[1] is not None]
    highs = [t[2] for t in totals.values() if t[2] is not None]
    return best, min(lows) if lows else None, max(highs) if highs else None


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["start"] < b["end"] and b["start"] < a["end"])


def count(
    field: str,
    events: Iterable[dict[str, Any]],
    figures: list[dict[str, Any]],
    entities: dict[str, dict[str, Any]],
    text: str,
    origin: dict[str, str] | None = None,
) -> Count:
    """The count of `field` over the record's (and its feeding clusters') `events` (see the module); `origin` maps
    a mention to the act it belongs to before records merged (clusters.Plan.origin): counts of different acts add
    up even when they count the same kind of people."""
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
            act = (origin or {}).get(f["event"], "")
            groups.setdefault(who, {}).setdefault(f"{act}\x00{(f['counted'] or '').casefold()}", []).append(f)
    covered = [s for f in mine for s in (f["span"], f["counted_span"]) if s is not None]
    singles: dict[str, dict[str, Any]] = {}
    for ev in events:
        if ev["type"] not in singular_types:
            continue
        for arg in ev["arguments"]:
            span = arg["span"]
            entity = entities.get(arg["entity"]) if arg["entity"] else None
            # read from the text: a span of a withheld text (standoff) keeps its offsets, not its words
            words = text[span["start"] : span["end"]]
            singular = SINGULAR.match(words) or (entity is not None and entity["type"] == "person")
            if arg["role"] != "victim" or not singular or is_subset(text, span):
                continue
            if not any(_overlaps(span, c) for c in covered):
                # one person per entity; without one, per place in the text (two `a man` are two men)
                singles.setdefault(arg["entity"] or f"{span['start']}:{span['end']}", span)
    claims: dict[str | None, list[Estimate]] = {
        who: [_group(g) for g in by_counted.values()] for who, by_counted in groups.items()
    }
    if singles:
        claims.setdefault(None, []).extend([(1.0, 1.0, 1.0)] * len(singles))
    evidence = tuple(sorted([f["span"] for f in mine] + list(singles.values()), key=lambda s: (s["start"], s["end"])))
    best, low, high = combine(claims) or (None, None, None)
    return Count(best, low, high, evidence)
