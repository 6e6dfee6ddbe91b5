"""Semantic checks of one schema-valid annotation file against its text and the taxonomy."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from .errors import Issue, Related
from .numbers import bracketed_scale, read_numbers, split_scale, stated_numbers
from .rules import GOLD_RULES, Gold
from .taxonomy import Taxonomy
from .textnorm import astral_class

_JOINERS = {"\u200d", "\u200c", "\u034f"}


_MARKS = ("Mn", "Me")


@cache
def _boundary_pattern() -> re.Pattern[str]:
    """CR, joiners, variation selectors and BMP combining marks; any astral character, to be looked at.

    One character class, so that `re` tests a bitmap per position. Listing the astral marks too would
    make it test ranges one by one; astral characters are rare (emoji, mostly, left out by astral_class
    as they are no marks) and get their category checked one at a time instead.
    """
    bmp_marks = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) in _MARKS]
    chars = "".join(re.escape(ch) for ch in ["\r", *bmp_marks, *_JOINERS, *map(chr, range(0xFE00, 0xFE10))])
    return re.compile(f"[{chars}{astral_class(lambda ch: unicodedata.category(ch) in _MARKS)}]")


@cache
def _ascii_boundaries() -> tuple[str, ...]:
    """The ASCII characters the boundary pattern matches (CR alone), read from the pattern itself."""
    return tuple(_boundary_pattern().findall("".join(map(chr, range(128)))))


def split_offsets(text: str) -> set[int]:
    """Every offset that would cut a user-perceived character in two, found in one regex pass over the text."""
    cuts: set[int] = set()
    if text.isascii() and not any(ch in text for ch in _ascii_boundaries()):
        return cuts  # nothing the pattern matches, known without the pass (most English texts)
    for match in _boundary_pattern().finditer(text):
        i, found = match.start(), match.group()
        if found == "\r":
            if text.startswith("\n", i + 1):
                cuts.add(i + 1)
        elif found > "\uffff" and unicodedata.category(found) not in _MARKS:
            continue
        else:
            cuts.add(i)  # a mark or joiner belongs with the character before it
            if found in _JOINERS:
                cuts.add(i + 1)  # and a joiner with the one after it too
    cuts.discard(0)
    cuts.discard(len(text))
    return cuts


def factuality_conflict(modality: str, polarity: str) -> bool:
    """A negated event must be negative and an actual one positive (factuality-conflict)."""
    return (modality == "negated") != (polarity == "negative") and modality in ("negated", "actual")


@lru_cache(maxsize=4096)
def _readings(surface: str) -> tuple[tuple[str, int], tuple[float, ...], tuple[float, ...]]:
    """A figure surface's vague-numeral words and scale, its stated numbers and the pre-annotator's reading.

    Pure functions of the surface, read once per surface: they are most of a figure's check, and
    surfaces repeat across a corpus ("two", "dozens"; the shipped corpus has a third as many as figures).
    """
    words = split_scale(surface.lower().removeprefix("a ").strip())
    return words, tuple(stated_numbers(surface)), tuple(read_numbers(surface))


# (JSONPath template, owner key) of every span site; the path is formatted only when an issue needs it.
def _iter_span_sites(ann: dict[str, Any]) -> Iterator[tuple[str, int, int, str, dict[str, Any]]]:
    for i, ent in enumerate(ann["entities"]):
        for j, span in enumerate(ent["mentions"]):
            yield "$.entities[{}].mentions[{}]", i, j, ent["id"], span
    for i, ev in enumerate(ann["events"]):
        yield "$.events[{}].trigger", i, 0, ev["id"], ev["trigger"]
        for j, arg in enumerate(ev["arguments"]):
            yield "$.events[{}].arguments[{}].span", i, j, ev["id"], arg["span"]
        if ev["location"] and ev["location"]["span"]:
            yield "$.events[{}].location.span", i, 0, ev["id"], ev["location"]["span"]
        if ev["time"] and ev["time"]["span"]:
            yield "$.events[{}].time.span", i, 0, ev["id"], ev["time"]["span"]
    for i, q in enumerate(ann["quotes"]):
        yield "$.quotes[{}].cue", i, 0, q["id"], q["cue"]
        if q["source"]:
            yield "$.quotes[{}].source", i, 0, q["id"], q["source"]
        for j, span in enumerate(q["contents"]):
            yield "$.quotes[{}].contents[{}]", i, j, q["id"], span
    for i, fig in enumerate(ann["figures"]):
        yield "$.figures[{}].span", i, 0, fig["id"], fig["span"]
        if fig["approx_cue"]:
            yield "$.figures[{}].approx_cue", i, 0, fig["id"], fig["approx_cue"]
        if fig["counted_span"]:
            yield "$.figures[{}].counted_span", i, 0, fig["id"], fig["counted_span"]


def iter_spans(ann: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(JSONPath, owner id, span) for every span in the file."""
    for template, i, j, owner, span in _iter_span_sites(ann):
        yield template.format(i, j), owner, span


class AnnotationChecker:
    """Collects the issues of one annotation file; construct, then call run()."""

    def __init__(self, ann: dict[str, Any], text: str, taxonomy: Taxonomy, file: str) -> None:
        self.ann, self.text, self.tax, self.file = ann, text, taxonomy, file
        self.issues: list[Issue] = []
        self.ids = {layer: {item["id"] for item in ann[layer]} for layer in ("entities", "events", "quotes", "figures")}

    def report(
        self, code: str, path: str, ann_id: str | None, message: str, related: tuple[str, str] = ("", "")
    ) -> None:
        """Record an issue; `related` is (note, JSONPath) of another place in this file it points to."""
        note, where = related
        also = (Related(note=note, file=self.file, path=where),) if note else ()
        self.issues.append(Issue(code=code, file=self.file, path=path, ann_id=ann_id, message=message, related=also))

    def run(self) -> list[Issue]:
        self.check_ids()
        self.check_spans()
        self.check_entities()
        self.check_events()
        self.check_quotes()
        self.check_figures()
        self.check_duplicates()
        self.check_item_provenance()
        # A second level, as in UD's validator: the guidelines' rules read ids, offsets, labels and
        # references, and on a file where any of these is broken would only echo it.
        if not self.issues and (self.ann.get("provenance") or {}).get("kind") == "gold":
            self.check_guidelines()
        return self.issues

    def check_guidelines(self) -> None:
        """The rules of the guidelines a file and its text show broken (core/rules.py); they bind gold only."""
        view = Gold.of(self.ann, self.text, self.tax)
        for rule in GOLD_RULES:
            for finding in rule(view):
                self.report(*finding)

    def check_item_provenance(self) -> None:
        every = set().union(*self.ids.values())
        seen: dict[str, str] = {}
        for i, record in enumerate((self.ann.get("provenance") or {}).get("items", [])):
            at = f"$.provenance.items[{i}].id"
            if record["id"] not in every:
                self.report("dangling-reference", at, record["id"], "provenance names no item with this id",
                            ("looked for among", "$['entities','events','quotes','figures'][*].id"))  # fmt: skip
            elif record["id"] in seen:
                self.report("duplicate-id", at, record["id"], "provenance names this item twice",
                            ("first named at", seen[record["id"]]))  # fmt: skip
            seen.setdefault(record["id"], at)

    def check_ids(self) -> None:
        seen: dict[str, str] = {}
        for layer in ("entities", "events", "quotes", "figures"):
            for i, item in enumerate(self.ann[layer]):
                at = f"$.{layer}[{i}].id"
                if item["id"] in seen:
                    self.report("duplicate-id", at, item["id"], "id is used more than once in this file",
                                ("first used at", seen[item["id"]]))  # fmt: skip
                seen.setdefault(item["id"], at)

    def check_spans(self) -> None:
        text, n, cuts = self.text, len(self.text), split_offsets(self.text)
        for template, i, j, owner, span in _iter_span_sites(self.ann):
            start, end, stated = span["start"], span["end"], span["text"]
            if (
                type(start) is int
                and type(end) is int
                and start < end <= n
                and text[start:end] == stated
                and start not in cuts
                and end not in cuts
                and stated.strip() == stated
            ):
                continue  # the common case, decided without formatting a path
            path = template.format(i, j)
            fractional = [key for key in ("start", "end") if type(span[key]) is not int]
            if fractional:  # the schema's "integer" lets 12.0 through, and a slice would raise on it
                key = fractional[0]
                self.report(
                    "offset-not-integer", f"{path}.{key}", owner, f"{key} {span[key]!r} is not written as an integer"
                )
                continue
            if end <= start:
                self.report("span-inverted", path, owner, f"end {end} is not after start {start}")
                continue
            if end > n:
                self.report("span-out-of-range", path, owner, f"span {start}-{end} ends past the text's length {n}")
                continue
            actual = text[start:end]
            if actual != stated:
                self.report("span-text-mismatch", path, owner, f"text {stated!r} != text[{start}:{end}] {actual!r}")
                continue
            if start in cuts or end in cuts:
                self.report("span-splits-character", path, owner, f"span {start}-{end} cuts a character in two")
            if actual != actual.strip():
                self.report("span-edge-whitespace", path, owner, f"span text {actual!r} has whitespace at an edge")

    # Paths come as (item path, suffix template, indices) and are built only for a report: most values are fine.
    def check_label(
        self, value: str, allowed: tuple[str, ...] | dict[str, Any], at: str, suffix: str, owner: str, what: str,
        *index: int,
    ) -> None:  # fmt: skip
        if value not in allowed:
            self.report("unknown-label", at + suffix.format(*index), owner, f"{what} {value!r} is not in the taxonomy")

    def check_ref(self, value: str | None, layer: str, at: str, suffix: str, owner: str, *index: int) -> None:
        if value is not None and value not in self.ids[layer]:
            self.report(
                "dangling-reference",
                at + suffix.format(*index),
                owner,
                f"no {layer[:-1] if layer != 'entities' else 'entity'} with id {value!r}",
                ("looked for among", f"$.{layer}[*].id"),
            )

    def check_entities(self) -> None:
        for i, ent in enumerate(self.ann["entities"]):
            at = f"$.entities[{i}]"
            self.check_label(ent["type"], self.tax.entity_types, at, ".type", ent["id"], "entity type")
            self.check_ref(ent["affiliation"], "entities", at, ".affiliation", ent["id"])

    def check_events(self) -> None:
        for i, ev in enumerate(self.ann["events"]):
            at, eid = f"$.events[{i}]", ev["id"]
            etype = self.tax.event_types.get(ev["type"])
            if etype is None:
                self.report("unknown-label", f"{at}.type", eid, f"event type {ev['type']!r} is not in the taxonomy")
            for j, arg in enumerate(ev["arguments"]):
                if arg["role"] not in self.tax.roles:
                    self.report(
                        "unknown-label",
                        f"{at}.arguments[{j}].role",
                        eid,
                        f"role {arg['role']!r} is not in the taxonomy",
                    )
                elif etype is not None and arg["role"] not in etype.roles:
                    self.report(
                        "role-not-allowed",
                        f"{at}.arguments[{j}].role",
                        eid,
                        f"role {arg['role']!r} is not allowed for {etype.name}",
                    )
                self.check_ref(arg["entity"], "entities", at, ".arguments[{}].entity", eid, j)
            if ev["location"]:
                self.check_label(
                    ev["location"]["precision"],
                    self.tax.location_precision,
                    at,
                    ".location.precision",
                    eid,
                    "location precision",
                )
            if ev["time"]:
                self.check_label(
                    ev["time"]["precision"], self.tax.time_precision, at, ".time.precision", eid, "time precision"
                )
                self.check_label(ev["time"]["anchor"], self.tax.time_anchors, at, ".time.anchor", eid, "time anchor")
                self.check_ref(ev["time"].get("anchor_event"), "events", at, ".time.anchor_event", eid)
            self.check_label(ev["modality"], self.tax.modalities, at, ".modality", eid, "modality")
            if factuality_conflict(ev["modality"], ev["polarity"]):
                self.report(
                    "factuality-conflict",
                    f"{at}.polarity",
                    eid,
                    f"modality {ev['modality']!r} with polarity {ev['polarity']!r}",
                )
            for j, rel in enumerate(ev["relations"]):
                self.check_label(
                    rel["type"], self.tax.event_relations, at, ".relations[{}].type", eid, "event relation", j
                )
                self.check_ref(rel["target"], "events", at, ".relations[{}].target", eid, j)
                if rel["target"] == eid:
                    self.report(
                        "relation-to-self", f"{at}.relations[{j}].target", eid, "an event cannot relate to itself"
                    )

    def check_quotes(self) -> None:
        for i, q in enumerate(self.ann["quotes"]):
            at = f"$.quotes[{i}]"
            self.check_label(q["type"], self.tax.quote_types, at, ".type", q["id"], "quote type")
            self.check_ref(q["speaker"], "entities", at, ".speaker", q["id"])
            for j, event_id in enumerate(q["events"]):
                self.check_ref(event_id, "events", at, ".events[{}]", q["id"], j)

    def check_figures(self) -> None:
        for i, fig in enumerate(self.ann["figures"]):
            at, fid = f"$.figures[{i}]", fig["id"]
            self.check_label(fig["bound"], self.tax.figure_bounds, at, ".bound", fid, "bound type")
            self.check_label(fig["property"], self.tax.figure_properties, at, ".property", fid, "figure property")
            self.check_ref(fig["claimant"], "entities", at, ".claimant", fid)
            self.check_ref(fig["quote"], "quotes", at, ".quote", fid)
            self.check_ref(fig["event"], "events", at, ".event", fid)
            self.check_figure_value(fig, at)
            self.check_figure_bounds(fig, at)

    def check_figure_value(self, fig: dict[str, Any], at: str) -> None:
        surface = fig["span"]["text"]
        # a vague numeral alone, or counting occurrences ("several times": FIG-1, FIG-3), or before scale words
        # that multiply its bounds ("several hundred thousand": lower 300 000)
        (words, scale), stated, literal_reading = _readings(surface)
        vague = self.tax.vague_numerals.get(words) or self.tax.vague_numerals.get(words.removesuffix(" times"))
        numbers = list(stated)
        if vague is not None and not numbers:
            lower, upper = (None if b is None else b * scale for b in (vague.lower, vague.upper))
            if (fig["value"], fig["lower"], fig["upper"]) != (None, lower, upper):
                self.report(
                    "figure-value-mismatch", f"{at}.lower", fig["id"],
                    f"{surface!r} means value null, lower {lower}, upper {upper} (taxonomy.vague_numerals)",
                )  # fmt: skip
            return
        # the frozen pre-annotator's literal readings ("3.3 and 4.6 million" from 3.3, "one third" as 1, "US$ 4
        # (€2.6) million" as 4): its errors, scored by evaluate, not refused
        literal = list(literal_reading) if (self.ann.get("provenance") or {}).get("kind") != "gold" else []
        if len(numbers) == 1:
            # a conversion in brackets shares the scale word after it: "US$ 4 (€2.6) million" (FIG-2, FIG-3)
            span = fig["span"]
            numbers = [numbers[0] * bracketed_scale(self.text, span["start"], span["end"])]
        if len(numbers) == 2:
            readings = {(min(numbers), max(numbers))} | ({(literal[0], literal[-1])} if literal else set())
            if (fig["lower"], fig["upper"]) not in readings:
                self.report(
                    "figure-value-mismatch", f"{at}.lower", fig["id"], f"{surface!r} states the range {numbers}"
                )
            return
        if len(numbers) != 1:
            self.report("figure-value-mismatch", f"{at}.span", fig["id"], f"cannot read one number from {surface!r}")
        # a fraction's value is a float ("one and two thirds"): equal up to rounding
        elif fig["value"] is None or not any(
            math.isclose(fig["value"], n, rel_tol=1e-9) for n in numbers + literal[:1]
        ):
            self.report(
                "figure-value-mismatch",
                f"{at}.value",
                fig["id"],
                f"value {fig['value']} but {surface!r} says {numbers[0]:g}",
            )

    def check_figure_bounds(self, fig: dict[str, Any], at: str) -> None:
        value, lower, upper, bound = fig["value"], fig["lower"], fig["upper"], fig["bound"]
        consistent = {
            "exact": value is not None and lower == value and upper == value,
            "approximate": value is not None
            and (lower is None or lower <= value)
            and (upper is None or value <= upper),
            "at_least": lower is not None and upper is None and value in (None, lower),
            "more_than": value is not None and lower == value and upper is None,
            "at_most": upper is not None and lower is None and value in (None, upper),
            "less_than": value is not None and upper == value and lower is None,
            "range": value is None and lower is not None and upper is not None and lower < upper,
        }.get(bound, True)  # an unknown bound is reported as unknown-label already
        if not consistent:
            self.report(
                "figure-bounds-inconsistent", f"{at}.bound", fig["id"],
                f"bound {bound!r} does not fit value {value}, lower {lower}, upper {upper}",
            )  # fmt: skip

    def check_duplicates(self) -> None:
        ann = self.ann
        keys: dict[str, list[tuple[Any, ...]]] = {
            "events": [(e["type"], e["trigger"]["start"], e["trigger"]["end"]) for e in ann["events"]],
            "figures": [(f["span"]["start"], f["span"]["end"]) for f in ann["figures"]],
            "quotes": [
                (q["cue"]["start"], tuple((c["start"], c["end"]) for c in q["contents"])) for q in ann["quotes"]
            ],
        }
        for layer, found in keys.items():
            if len(set(found)) == len(found):
                continue
            counts = Counter(found)
            for i, item in enumerate(ann[layer]):
                if counts[found[i]] > 1:
                    j = next(j for j, key in enumerate(found) if key == found[i] and j != i)
                    self.report(
                        "duplicate-annotation",
                        f"$.{layer}[{i}]",
                        item["id"],
                        f"another {layer[:-1]} has the same type and span",
                        ("the other at", f"$.{layer}[{j}]"),
                    )
