"""Scoring predicted annotations against gold ones: span P/R/F1 per layer and type, attributes, links.

Both sides are checked against the texts of one corpus root with the validator before anything is
scored: a prediction for an unknown document, a span that does not match the text or an
annotation of another text version is an Issue, never a silent zero. Each document's tallies are
kept, so that the layer and link scores get percentile bootstrap intervals over documents
(core.bootstrap). Metric definitions are in docs/scoring.md.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.bootstrap import CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, Counts, Measure, bootstrap
from ..core.errors import CorpusError, Issue, UsageError
from ..core.options import SPLITS, Split, check_choice
from ..core.paths import as_path, check_root, locate_root
from ..core.store import annotation_path, list_doc_ids, read_document
from ..core.taxonomy import load_taxonomy
from ..core.validate import check_document
from ..records.derive import records_of
from ..records.score import score_records

MODES = ("exact", "overlap")
LAYERS = ("events", "quotes", "figures", "entities")
Bounds = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Item:
    """One scored unit of a layer: its id, the span it is matched by, its type and its attributes."""

    id: str
    start: int
    end: int
    type: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Tally:
    pred: int = 0
    gold: int = 0
    tp: int = 0

    def add(self, pred: int, gold: int, tp: int) -> None:
        self.pred, self.gold, self.tp = self.pred + pred, self.gold + gold, self.tp + tp

    def to_dict(self) -> dict[str, Any]:
        precision = self.tp / self.pred if self.pred else None
        recall = self.tp / self.gold if self.gold else None
        f1 = None
        if self.pred or self.gold:
            f1 = 2 * self.tp / (self.pred + self.gold)
        return {"pred": self.pred, "gold": self.gold, "tp": self.tp, "precision": precision, "recall": recall, "f1": f1}


def spans_match(a: Bounds, b: Bounds, mode: str) -> bool:
    if mode == "exact":
        return a == b
    return a[0] < b[1] and b[0] < a[1]


def match(pred: list[Item], gold: list[Item], mode: str) -> dict[str, str]:
    """One-to-one pairing pred id -> gold id: exact spans first, then same type, then the larger overlap."""
    candidates = []
    for p in pred:
        for g in gold:
            if spans_match((p.start, p.end), (g.start, g.end), mode):
                overlap = min(p.end, g.end) - max(p.start, g.start)
                key = ((p.start, p.end) == (g.start, g.end), p.type == g.type, overlap)
                candidates.append((key, g.start, p.start, p.id, g.id))
    candidates.sort(key=lambda c: (tuple(-int(k) for k in c[0]), c[1], c[2], c[3], c[4]))
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, _, pid, gid in candidates:
        if pid not in pairs and gid not in taken:
            pairs[pid] = gid
            taken.add(gid)
    return pairs


def _bounds(span: dict[str, Any]) -> Bounds:
    return span["start"], span["end"]


def _mentions(ann: dict[str, Any]) -> dict[str, tuple[Bounds, ...]]:
    return {ent["id"]: tuple(_bounds(m) for m in ent["mentions"]) for ent in ann["entities"]}


def extract_items(ann: dict[str, Any]) -> dict[str, list[Item]]:
    """The scored items of each layer; a quote is placed by the hull of its contents."""
    mentions = _mentions(ann)
    items: dict[str, list[Item]] = {
        "events": [
            Item(
                ev["id"],
                *_bounds(ev["trigger"]),
                ev["type"],
                {"type": ev["type"], "modality": ev["modality"], "polarity": ev["polarity"]},
            )
            for ev in ann["events"]
        ],
        "quotes": [
            Item(
                q["id"],
                min(c["start"] for c in q["contents"]),
                max(c["end"] for c in q["contents"]),
                q["type"],
                {"type": q["type"], "speaker": mentions.get(q["speaker"]) if q["speaker"] else None},
            )
            for q in ann["quotes"]
        ],
        "figures": [
            Item(
                f["id"],
                *_bounds(f["span"]),
                f["bound"],
                {key: f[key] for key in ("value", "lower", "upper", "bound", "counted", "property")},
            )
            for f in ann["figures"]
        ],
        "entities": [
            Item(f"{ent['id']}#{i}", *_bounds(m), ent["type"], {"type": ent["type"]})
            for ent in ann["entities"]
            for i, m in enumerate(ent["mentions"])
        ],
    }
    return items


def same_entity(a: tuple[Bounds, ...] | None, b: tuple[Bounds, ...] | None, mode: str) -> bool:
    """Two entities (given by their mentions) are the same when a mention of one matches one of the other."""
    if a is None or b is None:
        return a is b
    return any(spans_match(x, y, mode) for x in a for y in b)


@dataclass(slots=True)
class ModeScore:
    """Running totals for one matching mode over all documents."""

    mode: str
    layers: dict[str, Tally] = field(default_factory=dict)
    types: dict[str, dict[str, Tally]] = field(default_factory=dict)
    attributes: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    links: dict[str, Tally] = field(default_factory=dict)

    def tally(self, table: dict[str, Tally], key: str) -> Tally:
        return table.setdefault(key, Tally())

    def add_document(self, pred_ann: dict[str, Any], gold_ann: dict[str, Any]) -> None:
        pred, gold = extract_items(pred_ann), extract_items(gold_ann)
        pairs = {layer: match(pred[layer], gold[layer], self.mode) for layer in LAYERS}
        for layer in LAYERS:
            self.add_layer(layer, pred[layer], gold[layer], pairs[layer])
        self.add_links(pred_ann, gold_ann, pairs)

    def add_layer(self, layer: str, pred: list[Item], gold: list[Item], pairs: dict[str, str]) -> None:
        self.tally(self.layers, layer).add(len(pred), len(gold), len(pairs))
        gold_by_id = {g.id: g for g in gold}
        types = self.types.setdefault(layer, {})
        pred_types, gold_types = Counter(p.type for p in pred), Counter(g.type for g in gold)
        typed_tp = Counter(p.type for p in pred if p.id in pairs and gold_by_id[pairs[p.id]].type == p.type)
        for name in pred_types | gold_types:
            self.tally(types, name).add(pred_types[name], gold_types[name], typed_tp[name])
        attributes = self.attributes.setdefault(layer, {})
        for p in pred:
            if p.id not in pairs:
                continue
            g = gold_by_id[pairs[p.id]]
            for name, value in p.attrs.items():
                right = same_entity(value, g.attrs[name], self.mode) if name == "speaker" else value == g.attrs[name]
                counts = attributes.setdefault(name, [0, 0])
                counts[0] += int(right)
                counts[1] += 1

    def add_links(self, pred: dict[str, Any], gold: dict[str, Any], pairs: dict[str, dict[str, str]]) -> None:
        pm, gm = _mentions(pred), _mentions(gold)
        gold_quotes = {q["id"]: q for q in gold["quotes"]}

        def speaker_link_right(quote: dict[str, Any]) -> bool:
            if not quote["speaker"] or quote["id"] not in pairs["quotes"]:
                return False
            gold_speaker = gold_quotes[pairs["quotes"][quote["id"]]]["speaker"]
            return gold_speaker is not None and same_entity(pm[quote["speaker"]], gm[gold_speaker], self.mode)

        speaker_tp = sum(1 for q in pred["quotes"] if speaker_link_right(q))
        self.tally(self.links, "quote.speaker").add(
            sum(1 for q in pred["quotes"] if q["speaker"]), sum(1 for q in gold["quotes"] if q["speaker"]), speaker_tp
        )
        gold_figures = {f["id"]: f for f in gold["figures"]}
        events = pairs["events"]

        def event_link_right(fig: dict[str, Any]) -> bool:
            if not fig["event"] or fig["id"] not in pairs["figures"]:
                return False
            gold_event = gold_figures[pairs["figures"][fig["id"]]]["event"]
            return gold_event is not None and events.get(fig["event"]) == gold_event

        event_tp = sum(1 for f in pred["figures"] if event_link_right(f))
        self.tally(self.links, "figure.event").add(
            sum(1 for f in pred["figures"] if f["event"]), sum(1 for f in gold["figures"] if f["event"]), event_tp
        )
        self.add_arguments(pred, gold, events)

    def add_arguments(self, pred: dict[str, Any], gold: dict[str, Any], events: dict[str, str]) -> None:
        """Arguments count as found when their event is matched and the gold event has one of the role there."""
        gold_events = {ev["id"]: ev for ev in gold["events"]}

        def args(ev: dict[str, Any]) -> list[Item]:
            return [Item(f"{i}", *_bounds(a["span"]), a["role"]) for i, a in enumerate(ev["arguments"])]

        roles_tp: Counter[str] = Counter()
        for ev in pred["events"]:
            if ev["id"] not in events:
                continue
            p_args, g_args = args(ev), args(gold_events[events[ev["id"]]])
            for role in {a.type for a in p_args}:
                chosen = [a for a in p_args if a.type == role], [a for a in g_args if a.type == role]
                roles_tp[role] += len(match(*chosen, self.mode))
        p_roles = Counter(a["role"] for ev in pred["events"] for a in ev["arguments"])
        g_roles = Counter(a["role"] for ev in gold["events"] for a in ev["arguments"])
        self.tally(self.links, "event.argument").add(p_roles.total(), g_roles.total(), roles_tp.total())
        for role in p_roles | g_roles:
            self.tally(self.links, f"event.argument.{role}").add(p_roles[role], g_roles[role], roles_tp[role])

    def merge(self, other: ModeScore) -> None:
        """Add another score's totals (one document's) to this one's."""
        for layer, t in other.layers.items():
            self.tally(self.layers, layer).add(t.pred, t.gold, t.tp)
        for layer, types in other.types.items():
            for name, t in types.items():
                self.tally(self.types.setdefault(layer, {}), name).add(t.pred, t.gold, t.tp)
        for layer, attributes in other.attributes.items():
            for name, (right, n) in attributes.items():
                counts = self.attributes.setdefault(layer, {}).setdefault(name, [0, 0])
                counts[0] += right
                counts[1] += n
        for name, t in other.links.items():
            self.tally(self.links, name).add(t.pred, t.gold, t.tp)

    def typed(self) -> dict[str, Tally]:
        """Per layer, items matched with their type as well (an event's trigger and type): the layer's predicted
        and gold counts, and the typed matches of all its types."""
        out = {}
        for layer, tally in self.layers.items():
            out[layer] = Tally(tally.pred, tally.gold, sum(t.tp for t in self.types.get(layer, {}).values()))
        return out

    def counts(self) -> dict[Hashable, float]:
        """The layer, typed-layer and link tallies as counts keyed (mode, "layers"|"typed"|"links", name,
        "pred"|"gold"|"tp")."""
        out: dict[Hashable, float] = {}
        for group, table in (("layers", self.layers), ("typed", self.typed()), ("links", self.links)):
            for name, t in table.items():
                for part in ("pred", "gold", "tp"):
                    out[self.mode, group, name, part] = getattr(t, part)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "layers": {
                layer: {
                    # no document scored (none with gold in the split) is zero counts, not a KeyError
                    **self.layers.get(layer, Tally()).to_dict(),
                    "typed": self.typed().get(layer, Tally()).to_dict(),
                    "types": {name: t.to_dict() for name, t in sorted(self.types.get(layer, {}).items())},
                    "attributes": {
                        name: {"correct": c, "total": n, "accuracy": c / n if n else None}
                        for name, (c, n) in self.attributes.get(layer, {}).items()
                    },
                }
                for layer in LAYERS
            },
            "links": {name: t.to_dict() for name, t in sorted(self.links.items())},
        }


@dataclass(frozen=True, slots=True)
class Side:
    """Annotation files of one side (predictions or gold), keyed by the document id their name gives."""

    files: dict[str, Path]


def collect_files(path: Path) -> Side:
    """An annotation file, a folder of them, or a corpus root (its annotations/ folder); UsageError input-missing
    when there is nothing at `path`."""
    if not os.path.lexists(path):
        raise UsageError(f"{path}: no such file or folder", "input-missing")
    if path.is_file():
        return Side({path.stem: path.resolve()})  # a file named on the command line may be a link
    folder = path / "annotations" if (path / "corpus").is_dir() else path
    return Side({p.stem: p for p in sorted(folder.glob("*.json"))})


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either is missing or a link loop: not the same folder
        return False


def text_root_of(gold: Path) -> Path | None:
    """The corpus root whose texts the gold annotates: the gold itself or the root holding it."""
    for candidate in (gold, gold.parent, gold.parent.parent):
        if (candidate / "corpus").is_dir():
            return candidate
    return None


def read_side(side: Side, root: Path, label: str) -> tuple[dict[str, dict[str, Any]], list[Issue]]:
    """The annotation dicts of a side that validate against the texts in `root`, and every issue."""
    taxonomy = load_taxonomy()
    anns: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for doc_id, path in side.files.items():
        raw = read_document(root, doc_id, path)
        # A prediction needs no annotation-missing check: the file exists by construction.
        found = check_document(root, raw, taxonomy)
        issues.extend(found)
        if not found:
            anns[doc_id] = raw.annotation
    if not side.files:
        issues.append(Issue(code="file-unreadable", file=label, path="$", message="no annotation files found there"))
    return anns, issues


def read_sides(
    pred: Path | str, gold: Path | str, root: Path | str | None, splits: Split | Collection[Split] | None
) -> tuple[Path, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The texts' root and the validated gold and predicted annotations of the chosen splits (see evaluate);
    raises CorpusError on any invalid input."""
    if splits is not None:
        splits = {check_choice("split", split, SPLITS) for split in ([splits] if isinstance(splits, str) else splits)}
    pred, gold = as_path(pred, "pred"), as_path(gold, "gold")
    text_root = check_root(root) if root is not None else (text_root_of(gold) or locate_root())
    gold_side = collect_files(gold)
    if _same_folder(gold, text_root):
        # A gold corpus root: every document must validate, annotated or not.
        gold_side = Side({d: annotation_path(text_root, d) for d in list_doc_ids(text_root)})
    pred_side = collect_files(pred)
    if splits is not None:
        gold_side, pred_side = (
            Side({d: p for d, p in side.files.items() if split_of(text_root, d) in splits})
            for side in (gold_side, pred_side)
        )
    gold_anns, issues = read_side(gold_side, text_root, str(gold))
    pred_anns, pred_issues = read_side(pred_side, text_root, str(pred))
    issues += pred_issues
    known = set(list_doc_ids(text_root))
    for doc_id, path in pred_side.files.items():
        if doc_id in known and doc_id not in gold_side.files:
            issues.append(
                Issue(code="document-missing", file=str(path), path="$.doc_id",
                      message=f"no gold annotation of document {doc_id!r} to score against")
            )  # fmt: skip
    if issues:
        raise CorpusError(issues)
    return text_root, gold_anns, pred_anns


def evaluate(
    pred: Path | str,
    gold: Path | str,
    root: Path | str | None = None,
    splits: Split | Collection[Split] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Score the predictions at `pred` against the gold at `gold`; raises CorpusError on any invalid input.

    Documents of the gold without a prediction file are scored as predicted empty; documents without
    gold yet (the placeholder `add` writes, or a pre-annotator's prediction stored in a root) are not
    scored and are listed under "unannotated".
    With `splits` (one split, or several), only the documents whose metadata puts them in one of
    those splits are read and scored, on both sides (a held-out part of a dev set, say); a name that
    is not a split is a UsageError. Under "intervals", every layer's and link's precision, recall and F1
    in each mode with its percentile bootstrap interval over the scored documents (`resamples` resamples
    drawn with `seed`; 0 resamples: the values alone).
    """
    _, gold_anns, pred_anns = read_sides(pred, gold, root, splits)
    unannotated = sorted(d for d, ann in gold_anns.items() if not_gold(ann))
    scores = {mode: ModeScore(mode) for mode in MODES}
    per_document: list[dict[Hashable, float]] = []
    for doc_id, gold_ann in sorted(gold_anns.items()):
        if doc_id in unannotated:
            continue
        pred_ann = pred_anns.get(doc_id, empty_annotation(gold_ann))
        counts: dict[Hashable, float] = {}
        for mode, score in scores.items():
            one = ModeScore(mode)
            one.add_document(pred_ann, gold_ann)
            score.merge(one)
            counts |= one.counts()
        per_document.append(counts)
    return {
        "documents": len(gold_anns) - len(unannotated),
        "predicted_documents": len([d for d in pred_anns if d not in unannotated]),
        "unannotated": unannotated,
        **{mode: score.to_dict() for mode, score in scores.items()},
        "intervals": score_intervals(per_document, scores, resamples, seed),
    }


def evaluate_records(
    pred: Path | str,
    gold: Path | str,
    root: Path | str | None = None,
    splits: Split | Collection[Split] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Score the event records derived from the predictions against those derived from the gold, per split
    and over all scored documents (records.score; inputs read and checked as evaluate reads them)."""
    text_root, gold_anns, pred_anns = read_sides(pred, gold, root, splits)
    taxonomy = load_taxonomy()
    by_split: dict[str, dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]] = {}
    for doc_id, gold_ann in sorted(gold_anns.items()):
        if not_gold(gold_ann):
            continue
        raw = read_document(text_root, doc_id)
        assert raw.text is not None and isinstance(raw.metadata, dict)  # validated by read_sides
        pred_ann = pred_anns.get(doc_id, empty_annotation(gold_ann))
        predicted, gold_rows = (records_of(ann, raw.metadata, raw.text, taxonomy) for ann in (pred_ann, gold_ann))
        by_split.setdefault(raw.metadata["split"], {})[doc_id] = (predicted, gold_rows)
    everything = {doc: pair for docs in by_split.values() for doc, pair in docs.items()}
    return {
        "splits": {split: score_records(docs, resamples, seed) for split, docs in sorted(by_split.items())},
        "all": score_records(everything, resamples, seed),
    }


def records_at(
    path: Path | str, root: Path | str | None = None, splits: Split | Collection[Split] | None = None
) -> Iterator[dict[str, Any]]:
    """The record rows (with `doc_id` and `annotation_status`) of the annotation files at `path` (a file, a folder
    of them, or a corpus root), every file checked against the texts of `root` first; CorpusError on any issue."""
    if splits is not None:
        splits = {check_choice("split", split, SPLITS) for split in ([splits] if isinstance(splits, str) else splits)}
    path = as_path(path, "path")
    text_root = check_root(root) if root is not None else (text_root_of(path) or locate_root())
    side = collect_files(path)
    if splits is not None:
        side = Side({d: p for d, p in side.files.items() if split_of(text_root, d) in splits})
    anns, issues = read_side(side, text_root, str(path))
    if issues:
        raise CorpusError(issues)
    taxonomy = load_taxonomy()
    for doc_id, ann in sorted(anns.items()):
        if ann["provenance"]["kind"] == "pending":
            continue
        raw = read_document(text_root, doc_id)
        assert raw.text is not None and isinstance(raw.metadata, dict)  # validated by read_sides
        head = {"doc_id": doc_id, "annotation_status": ann["provenance"]["kind"]}
        for row in records_of(ann, raw.metadata, raw.text, taxonomy):
            yield {**head, **row}


def format_records_markdown(parts: dict[str, dict[str, Any]], in_sample: Collection[str] = ()) -> str:
    """One row per part (label -> a score_records result; evaluate_records gives one per split and one for all):
    record P/R/F1 and, on matched records with a gold count, the share of exact counts, each with its 95 %
    bootstrap interval over documents. Parts named in `in_sample` (those the rules were tuned on, and any
    part holding them) say so in their label."""
    fields = ("fatalities", "injured", "arrested", "displaced", "fatalities or arrested")
    lines = [
        "| part | documents | pred | gold | precision | recall | F1 | "
        + " | ".join(f"{name} exact (n)" for name in fields) + " |",
        "|---|---|---|---|---|---|---|" + "---|" * len(fields),
    ]  # fmt: skip
    for name, part in parts.items():
        scores = part["scores"]
        prf = " | ".join(_with_interval(scores[which]) for which in ("precision", "recall", "f1"))
        exact = " | ".join(
            f"{_with_interval(scores[f'{field} exact'])} ({part['matched_with_count'][field]})" for field in fields
        )
        label = f"{name}, in-sample" if name in in_sample else name
        lines.append(f"| {label} | {part['documents']} | {part['pred']} | {part['gold']} | {prf} | {exact} |")
    return "\n".join(lines) + "\n"


def _prf(key: tuple[str, str, str], which: str) -> Measure:
    """Precision, recall or F1 of one tally from counts (None over a zero denominator, as Tally.to_dict)."""

    def measure(c: Counts) -> float | None:
        pred, gold, tp = (c.get((*key, part), 0) for part in ("pred", "gold", "tp"))
        if which == "precision":
            return tp / pred if pred else None
        if which == "recall":
            return tp / gold if gold else None
        return 2 * tp / (pred + gold) if pred + gold else None

    return measure


def score_intervals(
    per_document: list[dict[Hashable, float]], scores: dict[str, ModeScore], resamples: int, seed: int
) -> dict[str, Any]:
    """Per mode, layer and link: precision, recall and F1 with their bootstrap intervals over documents."""
    measures: dict[str, Measure] = {}
    where: list[tuple[str, str, str, str]] = []
    for mode, score in scores.items():
        for group, names in (("layers", LAYERS), ("typed", LAYERS), ("links", sorted(score.links))):
            for name in names:
                for which in ("precision", "recall", "f1"):
                    label = f"{mode} {group} {name} {which}"
                    measures[label] = _prf((mode, group, name), which)
                    where.append((mode, group, name, which))
    found = bootstrap(per_document, measures, resamples, seed)
    out: dict[str, Any] = {"resamples": resamples, "seed": seed, "confidence": CONFIDENCE, "unit": "document"}
    for (mode, group, name, which), label in zip(where, measures, strict=True):
        out.setdefault(mode, {}).setdefault(group, {}).setdefault(name, {})[which] = found[label].to_dict()
    return out


def split_of(root: Path, doc_id: str) -> str | None:
    """The split a document's metadata records; None for an unknown or unreadable document (reported when read)."""
    metadata = read_document(root, doc_id).metadata
    return metadata.get("split") if isinstance(metadata, dict) else None


def not_gold(ann: dict[str, Any]) -> bool:
    """No gold yet: the empty file `add` writes (pending) or a prediction stored in the root; nothing to score against."""
    return bool(ann["provenance"]["kind"] != "gold")


def empty_annotation(like: dict[str, Any]) -> dict[str, Any]:
    return {**like, "entities": [], "events": [], "quotes": [], "figures": []}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _row(name: str, cells: Iterable[dict[str, Any]]) -> str:
    cells = list(cells)
    counts = f"{cells[0]['pred']} | {cells[0]['gold']}"
    scores = " | ".join(f"{_fmt(c['precision'])} | {_fmt(c['recall'])} | {_fmt(c['f1'])}" for c in cells)
    return f"| {name} | {counts} | {scores} |"


def format_markdown(result: dict[str, Any]) -> str:
    """Two Markdown tables: span and link P/R/F1 (exact, overlap), then attribute accuracy on matched items."""
    lines = [
        "| item | pred | gold | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    exact, overlap = result["exact"], result["overlap"]
    for layer in LAYERS:
        lines.append(_row(f"**{layer}**", (exact["layers"][layer], overlap["layers"][layer])))
        for name, cell in exact["layers"][layer]["types"].items():
            lines.append(_row(f"{layer}: {name}", (cell, overlap["layers"][layer]["types"][name])))
    for name, cell in exact["links"].items():
        lines.append(_row(f"link {name}", (cell, overlap["links"][name])))
    lines += ["", "| attribute | matched (exact) | accuracy (exact) | matched (overlap) | accuracy (overlap) |"]
    lines.append("|---|---|---|---|---|")
    for layer in LAYERS:
        by_mode = [result[mode]["layers"][layer]["attributes"] for mode in MODES]
        for name in dict.fromkeys([*by_mode[0], *by_mode[1]]):
            cells = [m.get(name, {"total": 0, "accuracy": None}) for m in by_mode]
            shown = " | ".join(f"{c['total']} | {_fmt(c['accuracy'])}" for c in cells)
            lines.append(f"| {layer}.{name} | {shown} |")
    return "\n".join(lines) + "\n"


def _with_interval(cell: dict[str, float | None]) -> str:
    if cell["value"] is None:
        return "-"
    if cell["low"] is None or cell["high"] is None:
        return f"{cell['value']:.3f}"
    return f"{cell['value']:.3f} [{cell['low']:.3f}, {cell['high']:.3f}]"


def format_interval_markdown(result: dict[str, Any]) -> str:
    """A Markdown table of layer and link F1, exact and overlap, each with its 95 % bootstrap interval over
    documents (format_markdown's tables stay as they are: published tables are compared byte for byte)."""
    intervals = result["intervals"]
    lines = [
        "| item | exact F1 [95 % CI] | overlap F1 [95 % CI] |",
        "|---|---|---|",
    ]
    for group in ("layers", "links"):
        # a group without any item (no links scored) has no entry
        for name in intervals.get(MODES[0], {}).get(group, {}):
            cells = [_with_interval(intervals[mode][group][name]["f1"]) for mode in MODES]
            shown = f"**{name}**" if group == "layers" else f"link {name}"
            lines.append(f"| {shown} | {' | '.join(cells)} |")
    lines.append(
        f"\nIntervals: percentile bootstrap over the {result['documents']} scored documents "
        f"({intervals['resamples']} resamples, seed {intervals['seed']})."
    )
    return "\n".join(lines) + "\n"
