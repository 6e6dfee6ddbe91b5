"""Inter-annotator agreement: F1 per layer and per shared-task measure, with bootstrap intervals over
documents; Cohen's kappa per categorical attribute; coreference scores; the whole-item identity rate.

The input is, per document, the versions of its annotation by two or more annotators (their four
layers; a Label Studio export or two folders of annotation files give them), and every pair of
versions of a document is compared, the second's entity ids aligned to the first's first
(core.versions.align_entities). Each pair yields counts (spans marked, spans both marked, label
pairs, coreference numerators and denominators, ...); a document's counts are the sum over its
pairs, and every measure is computed from the counts pooled over documents, so that the percentile
bootstrap over documents (core.bootstrap) only re-sums them. F1 is symmetric, 2 * agreed / (marked
by one + marked by the other): exact counts spans with identical offsets, overlap counts a span as
found when the other annotator has one sharing a character with it and the same labels (for an
argument: of the same event, its trigger marked exactly). Categorical attributes are compared on
spans both annotators marked exactly, with Cohen's kappa; a figure's value is a number, not a
category, and gets its exact-match rate instead. Links are (source anchor, link, target anchor)
triples, compared exactly: every link adjudication compares (LINK_KINDS: an argument's entity, an
event's relations and its time's anchor event, an entity's affiliation, a quote's speaker and
events, a figure's event, quote and claimant). Every field adjudication compares (ITEM_FIELDS) also
gets its exact-match rate on the items both versions have (matched as adjudication matches them:
core.items), so that no difference adjudication finds goes unscored. Coreference (core.coref) takes the first version's entities as key and the
second's as response, mentions identified by their offsets. The definitions are in docs/scoring.md.

`layers`, `attributes` and `links` are the original summary (no intervals; agreement_markdown's
table); `measures` holds every measure with its interval.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .adjudication import split_items
from .bootstrap import CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, Measure, bootstrap, total
from .coref import conll, coref_counts, prf
from .items import canonical_items
from .model import LAYERS
from .versions import align_entities

# A span's key ends with its offsets; an argument's begins with its event's trigger offsets, because
# one stretch of text may be an argument of several events.
Spans = dict[tuple[int, ...], dict[str, Any]]
Counts = Mapping[Hashable, float]

# The categorical attributes compared with kappa, and the one numeric attribute compared by exact match.
KAPPA_ATTRIBUTES = ("event type", "modality", "polarity", "argument role", "entity type", "quote type",
                    "figure bound", "figure property")  # fmt: skip
FIGURE_VALUE = "figure value"
LINK_KINDS = ("argument entity", "event relation", "figure event", "quote speaker", "entity affiliation",
              "time anchor", "quote event", "figure quote", "figure claimant")  # fmt: skip
# Every field of an item that adjudication compares (all but its id; core.items.canonical_items), by layer.
ITEM_FIELDS = {
    "entities": ("name", "type", "wikidata", "affiliation", "mentions"),
    "events": ("type", "trigger", "arguments", "location", "time", "modality", "polarity", "relations"),
    "quotes": ("type", "cue", "source", "speaker", "contents", "events"),
    "figures": ("span", "value", "lower", "upper", "bound", "approx_cue", "counted", "counted_span", "property",
                "claimant", "quote", "event"),
}  # fmt: skip
# The field an item is matched by: equal on every matched pair, so scored by the span measures instead.
MATCHED_BY = {"events": "trigger", "quotes": "cue", "figures": "span"}
COREF_METRICS = {"muc": "MUC", "b3": "B³", "ceafe": "CEAF-e", "lea": "LEA"}


def _at(span: dict[str, Any]) -> tuple[int, int]:
    return span["start"], span["end"]


def _items(layers: dict[str, Any]) -> dict[str, Spans]:
    """Per comparable layer: span offsets -> the attributes compared on that span."""
    at = _at
    ev, q, fig = layers["events"], layers["quotes"], layers["figures"]
    return {
        "event triggers": {at(e["trigger"]): {"event type": e["type"], "modality": e["modality"], "polarity": e["polarity"]} for e in ev},
        "event arguments": {at(e["trigger"]) + at(a["span"]): {"argument role": a["role"]} for e in ev for a in e["arguments"]},
        "entity mentions": {at(m): {"entity type": ent["type"]} for ent in layers["entities"] for m in ent["mentions"]},
        "quote cues": {at(x["cue"]): {"quote type": x["type"]} for x in q},
        "quote contents": {at(c): {} for x in q for c in x["contents"]},
        "figures": {at(f["span"]): {"figure bound": f["bound"], "figure property": f["property"], FIGURE_VALUE: f["value"]} for f in fig},
    }  # fmt: skip


def _marked(layers: dict[str, Any]) -> dict[str, set[tuple[Any, ...]]]:
    """Per span measure: what the version marked, each as (labels..., start, end); overlap compares the
    offsets and requires the labels to be equal."""
    at = _at
    ev, q, fig = layers["events"], layers["quotes"], layers["figures"]
    return {
        "trigger span": {at(e["trigger"]) for e in ev},
        "trigger + type": {(e["type"], *at(e["trigger"])) for e in ev},
        "trigger + type + modality": {(e["type"], e["modality"], *at(e["trigger"])) for e in ev},
        "argument span": {at(e["trigger"]) + at(a["span"]) for e in ev for a in e["arguments"]},
        "argument + role": {(*at(e["trigger"]), a["role"], *at(a["span"])) for e in ev for a in e["arguments"]},
        "entity mention": {at(m) for ent in layers["entities"] for m in ent["mentions"]},
        "entity mention + type": {(ent["type"], *at(m)) for ent in layers["entities"] for m in ent["mentions"]},
        "quote cue": {at(x["cue"]) for x in q},
        "quote source": {at(x["source"]) for x in q if x["source"] is not None},
        "quote content": {at(c) for x in q for c in x["contents"]},
        "figure span": {at(f["span"]) for f in fig},
        "figure span + value + property": {(f["value"], f["property"], *at(f["span"])) for f in fig},
    }  # fmt: skip


SPAN_MEASURES = tuple(_marked({"entities": [], "events": [], "quotes": [], "figures": []}))
EVENT_ATTRIBUTES = ("event location", "event time")


def _place(name: str | None) -> str | None:
    """A location name compared without case or spacing differences."""
    return None if name is None else " ".join(name.casefold().split())


def _event_attributes(event: dict[str, Any]) -> dict[str, tuple[Any, ...] | None]:
    """What is compared of an event on triggers both annotators marked: its location's normalised name
    and precision, its time's normalised value (start, end, precision)."""
    loc, time = event["location"], event["time"]
    return {
        "event location": None if loc is None else (_place(loc["name"]), loc["precision"]),
        "event time": None if time is None else (time["start"], time["end"], time["precision"]),
    }


def _overlaps(key: tuple[Any, ...], others: Iterable[tuple[Any, ...]]) -> bool:
    """Whether another key has the same prefix (labels, an argument's event) and shares a character of its span."""
    return any(key[:-2] == o[:-2] and key[-2] < o[-1] and o[-2] < key[-1] for o in others)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    return kappa_of(Counter(pairs))


def kappa_of(table: Mapping[tuple[Any, Any], float]) -> float | None:
    """Cohen's kappa from a contingency table, (first's label, second's label) -> count."""
    n = sum(table.values())
    if not n:
        return None
    observed = sum(c for (a, b), c in table.items() if a == b) / n
    left: defaultdict[Any, float] = defaultdict(float)
    right: defaultdict[Any, float] = defaultdict(float)
    for (a, b), c in table.items():
        left[a] += c
        right[b] += c
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    # Both sides gave one and the same label throughout: chance explains everything, kappa is 0/0.
    return None if expected == 1 else (observed - expected) / (1 - expected)


def _links(layers: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every link as (kind, source anchor, label, target anchor), with anchors as offsets."""
    at = _at
    triggers = {e["id"]: at(e["trigger"]) for e in layers["events"]}
    cues = {q["id"]: at(q["cue"]) for q in layers["quotes"]}
    first_mention = {e["id"]: min(at(m) for m in e["mentions"]) for e in layers["entities"] if e["mentions"]}
    found: set[tuple[Any, ...]] = set()
    for ent in layers["entities"]:
        if ent["affiliation"] is not None:
            found.add(("entity affiliation", first_mention.get(ent["id"]), "affiliation",
                       first_mention.get(ent["affiliation"])))  # fmt: skip
    for q in layers["quotes"]:
        if q["speaker"] is not None:
            found.add(("quote speaker", at(q["cue"]), "speaker", first_mention.get(q["speaker"])))
        for ev in q["events"]:
            found.add(("quote event", at(q["cue"]), "reports", triggers.get(ev)))
    for f in layers["figures"]:
        for kind, target in (("figure event", triggers.get(f["event"])), ("figure quote", cues.get(f["quote"])),
                             ("figure claimant", first_mention.get(f["claimant"]))):  # fmt: skip
            if f[kind.removeprefix("figure ")] is not None:
                found.add((kind, at(f["span"]), kind.removeprefix("figure "), target))
    for e in layers["events"]:
        anchor = (e["time"] or {}).get("anchor_event")
        if anchor is not None:
            found.add(("time anchor", at(e["trigger"]), "anchor_event", triggers.get(anchor)))
        for r in e["relations"]:
            found.add(("event relation", at(e["trigger"]), r["type"], triggers.get(r["target"])))
        for a in e["arguments"]:
            if a["entity"] is not None:
                found.add(
                    ("argument entity", at(e["trigger"]) + at(a["span"]), a["role"], first_mention.get(a["entity"]))
                )
    return found


def _clusters(layers: dict[str, Any]) -> list[list[tuple[int, int]]]:
    return [[_at(m) for m in ent["mentions"]] for ent in layers["entities"]]


def pair_counts(first: dict[str, Any], second: dict[str, Any]) -> defaultdict[Hashable, float]:
    """Every count the measures need, for one pair of versions of a document (`second` already aligned to
    `first`'s entity ids); most are whole numbers, the coreference ones need not be."""
    counts: defaultdict[Hashable, float] = defaultdict(float)
    # The original summary: span layers, attribute label pairs on exactly matched spans.
    a, b = _items(first), _items(second)
    for layer, spans_a in a.items():
        spans_b = b[layer]
        counts["layer", layer, "spans"] += len(spans_a) + len(spans_b)
        counts["layer", layer, "exact"] += 2 * len(spans_a.keys() & spans_b.keys())
        counts["layer", layer, "overlap"] += sum(_overlaps(s, spans_b) for s in spans_a) + sum(
            _overlaps(s, spans_a) for s in spans_b
        )
        for span in spans_a.keys() & spans_b.keys():
            for name, value in spans_a[span].items():
                if name == FIGURE_VALUE:
                    counts["rate", name, "n"] += 1
                    counts["rate", name, "agreed"] += value == spans_b[span][name]
                else:
                    counts["attr", name, value, spans_b[span][name]] += 1
    # Span measures, exact and overlap.
    mine, yours = _marked(first), _marked(second)
    for name, marked_a in mine.items():
        marked_b = yours[name]
        both = len(marked_a) + len(marked_b)
        counts["f1", f"{name} (exact)", "total"] += both
        counts["f1", f"{name} (exact)", "agreed"] += 2 * len(marked_a & marked_b)
        counts["f1", f"{name} (overlap)", "total"] += both
        counts["f1", f"{name} (overlap)", "agreed"] += sum(_overlaps(s, marked_b) for s in marked_a) + sum(
            _overlaps(s, marked_a) for s in marked_b
        )
    # An event's location and time, on the triggers both marked: stated by one, both, agreed.
    events_a = {_at(e["trigger"]): _event_attributes(e) for e in first["events"]}
    events_b = {_at(e["trigger"]): _event_attributes(e) for e in second["events"]}
    for trigger in events_a.keys() & events_b.keys():
        for name in EVENT_ATTRIBUTES:
            x, y = events_a[trigger][name], events_b[trigger][name]
            counts["f1", name, "total"] += (x is not None) + (y is not None)
            counts["f1", name, "agreed"] += 2 * (x is not None and x == y)
    # Links.
    links_a, links_b = _links(first), _links(second)
    for kind in {link[0] for link in links_a | links_b}:
        ours = {link for link in links_a if link[0] == kind}
        theirs = {link for link in links_b if link[0] == kind}
        counts["link", kind, "links"] += len(ours) + len(theirs)
        counts["link", kind, "agreed"] += 2 * len(ours & theirs)
    # Coreference: the first version's entities are the key.
    for part, n in coref_counts(_clusters(first), _clusters(second)).items():
        counts["coref", part] += n
    # Every other field adjudication compares, on the items both versions have (matched as it matches them).
    canon_a, canon_b = canonical_items(first), canonical_items(second)
    for key in canon_a.keys() & canon_b.keys():
        body_a, body_b = canon_a[key][1], canon_b[key][1]
        for name in ITEM_FIELDS[key[0]]:
            if name != MATCHED_BY.get(key[0]):
                counts["field", f"{key[0]}.{name}", "n"] += 1
                counts["field", f"{key[0]}.{name}", "agreed"] += body_a.get(name) == body_b.get(name)
    # Whole items identical in every field but their id (as adjudication accepts them).
    agreed, _ = split_items({"first": first, "second": second})
    for version in (first, second):
        for key in canonical_items(version):
            counts["identity", key[0], "total"] += 1
            counts["identity", key[0], "agreed"] += key in agreed
    return counts


def _f1(name: str, group: str = "f1") -> Measure:
    def measure(c: Counts) -> float | None:
        return _ratio(c.get((group, name, "agreed"), 0), c.get((group, name, "total" if group == "f1" else "links"), 0))

    return measure


def _identity(layers: tuple[str, ...]) -> Measure:
    def measure(c: Counts) -> float | None:
        return _ratio(
            sum(c.get(("identity", x, "agreed"), 0) for x in layers),
            sum(c.get(("identity", x, "total"), 0) for x in layers),
        )

    return measure


def _kappa(keys: list[tuple[Any, ...]]) -> Measure:
    def measure(c: Counts) -> float | None:
        return kappa_of({(k[2], k[3]): c.get(k, 0) for k in keys})

    return measure


def _coref(metric: str) -> Measure:
    def measure(c: Counts) -> float | None:
        return prf(c, metric, "coref")["f1"]

    return measure


@dataclass(frozen=True, slots=True)
class Row:
    """One measure of the table with intervals: what kind of number it is, how to get it from counts,
    and its size (items compared)."""

    kind: str
    measure: Measure
    size: Callable[[Counts], float]


def measure_rows(pooled: Counts) -> dict[str, Row]:
    """Every measure with an interval, in the order of the table; always the same measures, so that the
    columns of several sets of documents line up (one with nothing to compare is undefined). `pooled`
    gives the label pairs each kappa's contingency table is made of."""

    def get(*key: Any) -> Callable[[Counts], float]:
        return lambda c: c.get(key, 0)

    rows: dict[str, Row] = {}
    for name in SPAN_MEASURES:
        for mode in ("exact", "overlap"):
            full = f"{name} ({mode})"
            rows[full] = Row("F1", _f1(full), get("f1", full, "total"))
        if name == "argument + role":
            for attribute in EVENT_ATTRIBUTES:
                rows[attribute] = Row("F1 on matched triggers", _f1(attribute), get("f1", attribute, "total"))
    rows["figure value"] = Row(
        "exact-match rate on matched figure spans",
        lambda c: _ratio(c.get(("rate", FIGURE_VALUE, "agreed"), 0), c.get(("rate", FIGURE_VALUE, "n"), 0)),
        get("rate", FIGURE_VALUE, "n"),
    )
    for kind in LINK_KINDS:
        rows[f"link: {kind}"] = Row("link F1", _f1(kind, "link"), get("link", kind, "links"))

    def mentions(c: Counts) -> float:  # of both versions: B³'s denominators are the key's and the response's
        return c.get(("coref", "b3:recall_den"), 0) + c.get(("coref", "b3:precision_den"), 0)

    for metric, label in COREF_METRICS.items():
        rows[f"coreference {label}"] = Row("F1", _coref(metric), mentions)
    rows["coreference CoNLL"] = Row("mean F1 of MUC, B³, CEAF-e", lambda c: conll(c, "coref"), mentions)
    rows["whole-item identity"] = Row("identical items / items", _identity(LAYERS), _identity_size(LAYERS))
    for layer in LAYERS:
        rows[f"whole-item identity: {layer}"] = Row(
            "identical items / items", _identity((layer,)), _identity_size((layer,))
        )
    for name in KAPPA_ATTRIBUTES:
        keys = [k for k in pooled if isinstance(k, tuple) and k[:2] == ("attr", name)]
        rows[f"kappa: {name}"] = Row("Cohen's kappa", _kappa(keys), _sum_of(keys))
    return rows


def _sum_of(keys: list[tuple[Any, ...]]) -> Callable[[Counts], float]:
    return lambda c: sum(c.get(k, 0) for k in keys)


def _identity_size(layers: tuple[str, ...]) -> Callable[[Counts], float]:
    return lambda c: sum(c.get(("identity", x, "total"), 0) for x in layers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    tasks: int
    pairs: int
    layers: dict[str, dict[str, float | int | None]]
    attributes: dict[str, dict[str, float | int | None]]
    links: dict[str, dict[str, float | int | None]]
    values: dict[str, dict[str, float | int | None]]
    fields: dict[str, dict[str, float | int | None]]  # "layer.field" -> items compared, exact-match rate
    coreference: dict[str, dict[str, float | None]]
    measures: dict[str, dict[str, Any]]
    resamples: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "pairs": self.pairs, "layers": self.layers, "attributes": self.attributes,
                "links": self.links, "values": self.values, "fields": self.fields, "coreference": self.coreference,
                "bootstrap": {"resamples": self.resamples, "seed": self.seed, "confidence": CONFIDENCE,
                              "unit": "document"},
                "measures": self.measures}  # fmt: skip


def document_counts(versions: list[dict[str, Any]]) -> dict[Hashable, float]:
    """A document's counts: the sum over every pair of its versions, the second of a pair aligned to the first."""
    pairs = [pair_counts(first, align_entities(first, second)) for first, second in combinations(versions, 2)]
    return total([*pairs, {"pairs": len(pairs)}])


def agreement_of(
    documents: Iterable[list[dict[str, Any]]], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Agreement:
    """Agreement over documents, each given as the versions (four layers) of its annotators, with
    percentile bootstrap intervals from `resamples` resamples of the documents (0: none) drawn with `seed`."""
    per_document = [document_counts(versions) for versions in documents]
    c = total(per_document)

    def n(*key: Any) -> int:
        return int(c.get(key, 0))

    layer_names = list(dict.fromkeys(k[1] for k in c if isinstance(k, tuple) and k[0] == "layer"))
    layers: dict[str, dict[str, float | int | None]] = {
        layer: {
            "spans": n("layer", layer, "spans"),
            "exact_f1": _ratio(n("layer", layer, "exact"), n("layer", layer, "spans")),
            "overlap_f1": _ratio(n("layer", layer, "overlap"), n("layer", layer, "spans")),
        }
        for layer in layer_names
    }
    attributes: dict[str, dict[str, float | int | None]] = {}
    for name in dict.fromkeys(k[1] for k in c if isinstance(k, tuple) and k[0] == "attr"):
        table = {(k[2], k[3]): v for k, v in c.items() if isinstance(k, tuple) and k[:2] == ("attr", name)}
        pairs = int(sum(table.values()))
        agreed = int(sum(v for (x, y), v in table.items() if x == y))
        attributes[name] = {"n": pairs, "observed": _ratio(agreed, pairs), "kappa": kappa_of(table)}
    values: dict[str, dict[str, float | int | None]] = {}
    if n("rate", FIGURE_VALUE, "n"):
        matched = n("rate", FIGURE_VALUE, "n")
        values[FIGURE_VALUE] = {"n": matched, "exact_match": _ratio(n("rate", FIGURE_VALUE, "agreed"), matched)}
    kinds = sorted({k[1] for k in c if isinstance(k, tuple) and k[0] == "link"})
    links = {kind: {"links": n("link", kind, "links"), "f1": _ratio(n("link", kind, "agreed"), n("link", kind,
             "links"))} for kind in kinds}  # fmt: skip
    fields = {name: {"n": n("field", name, "n"), "exact_match": _ratio(n("field", name, "agreed"), n("field", name, "n"))}
              for name in (f"{layer}.{f}" for layer, names in ITEM_FIELDS.items() for f in names)
              if n("field", name, "n")}  # fmt: skip
    coreference = {metric: prf(c, metric, "coref") for metric in COREF_METRICS}
    rows = measure_rows(c)
    intervals = bootstrap(per_document, {name: row.measure for name, row in rows.items()}, resamples, seed)
    measures = {name: {"kind": row.kind, "n": _whole(row.size(c)), **intervals[name].to_dict()}
                for name, row in rows.items()}  # fmt: skip
    return Agreement(tasks=len(per_document), pairs=int(c.get("pairs", 0)), layers=layers, attributes=attributes, links=links,
                     values=values, fields=fields, coreference=coreference, measures=measures, resamples=resamples, seed=seed)  # fmt: skip


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _show(x: float | int | None) -> str:
    return "-" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def format_agreement(result: Agreement) -> str:
    show = _show
    lines = [f"{result.tasks} document(s) with two or more annotators, {result.pairs} annotator pair(s)", ""]
    lines.append(f"{'layer':<18}{'spans':>7}{'exact F1':>10}{'overlap F1':>12}")
    for layer, row in result.layers.items():
        lines.append(f"{layer:<18}{show(row['spans']):>7}{show(row['exact_f1']):>10}{show(row['overlap_f1']):>12}")
    lines += ["", f"{'attribute':<18}{'n':>7}{'observed':>10}{'kappa':>12}"]
    for name, row in result.attributes.items():
        lines.append(f"{name:<18}{show(row['n']):>7}{show(row['observed']):>10}{show(row['kappa']):>12}")
    for name, row in result.values.items():
        lines.append(f"{name:<18}{show(row['n']):>7}{show(row['exact_match']):>10}{'(exact match)':>14}")
    lines += ["", f"{'link':<18}{'links':>7}{'F1':>10}"]
    for kind, row in result.links.items():
        lines.append(f"{kind:<18}{show(row['links']):>7}{show(row['f1']):>10}")
    lines += ["", f"{'field (matched items)':<28}{'n':>7}{'exact match':>13}"]
    for name, row in result.fields.items():
        lines.append(f"{name:<28}{show(row['n']):>7}{show(row['exact_match']):>13}")
    ci = f"95% CI ({result.resamples} resamples over documents, seed {result.seed})" if result.resamples else "no CI"
    lines += ["", f"{'measure':<42}{'n':>7}{'value':>8}  {ci}"]
    for name, row in result.measures.items():
        interval = f"[{show(row['low'])}, {show(row['high'])}]" if result.resamples else ""
        lines.append(f"{name:<42}{show(row['n']):>7}{show(row['value']):>8}  {interval}".rstrip())
    return "\n".join(lines) + "\n"


def agreement_markdown(columns: dict[str, Agreement]) -> str:
    """A Markdown table with one column per set of documents: span F1 (exact / overlap), kappa
    (observed agreement), the figure value's exact-match rate and link F1, each with its count."""

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
    for name in dict.fromkeys(k for a in sets for k in a.values):
        values = [a.values.get(name, {}) for a in sets]
        rows.append(f"| {name} | exact-match rate (n) | " + " | ".join(
            f"{cell(v.get('exact_match'))} ({v.get('n', 0)})" for v in values) + " |")  # fmt: skip
    for kind in sorted({k for a in sets for k in a.links}):
        values = [a.links.get(kind, {}) for a in sets]
        rows.append(f"| {kind} | link F1 (links) | " + " | ".join(
            f"{cell(v.get('f1'))} ({v.get('links', 0)})" for v in values) + " |")  # fmt: skip
    return head + "\n".join(rows) + "\n"


def agreement_interval_markdown(columns: dict[str, Agreement]) -> str:
    """A Markdown table with one column per set of documents: per measure, its value, its 95 % bootstrap
    interval [low, high] and its size (n: items compared; mentions for coreference)."""

    def cell(row: dict[str, Any]) -> str:
        if row.get("value") is None:
            return f"- ({_whole(row.get('n', 0))})"
        interval = f" [{row['low']:.3f}, {row['high']:.3f}]" if row.get("low") is not None else ""
        return f"{row['value']:.3f}{interval} ({_whole(row['n'])})"

    sets = list(columns.values())
    how = sorted({(a.resamples, a.seed) for a in sets})
    note = "; ".join(f"{r} resamples of the documents, seed {s}" for r, s in how)
    head = "| measure | what | " + " | ".join(columns) + " |\n|---|---|" + "---|" * len(columns) + "\n"
    rows = ["| documents, annotator pairs | count | " + " | ".join(f"{a.tasks}, {a.pairs}" for a in sets) + " |"]
    for name in dict.fromkeys(k for a in sets for k in a.measures):
        kind = next(a.measures[name]["kind"] for a in sets if name in a.measures)
        rows.append(f"| {name} | {kind}, 95 % CI (n) | " + " | ".join(
            cell(a.measures.get(name, {})) for a in sets) + " |")  # fmt: skip
    rows.append(f"\nIntervals: percentile bootstrap over documents ({note}).")
    return head + "\n".join(rows) + "\n"
