"""Linear-chain CRF taggers over the `spans_bio` tokens, one per layer, and their tags read back as annotations.

Layers: event triggers (`event_tags`), quote cues, sources and contents (`quote_tags`), and figures with their
property (`figure_tags`). Events take two steps: a CRF finds the trigger spans (B/I/O, whatever the type), then
a maximum-entropy classifier (pycrfsuite on one-item sequences) gives each trigger its type from the trigger's
words and their context; tagging the 61 types in one CRF was slower and no better. Two feature sets, the two
architectures of the experiment:

- `words`: the token's lower form, shape, affixes and flags, and the same for two tokens either side;
- `stacked`: `words` plus the rule-based pre-annotator's tags of the three layers at the token and its
  neighbours, so the CRF learns where to trust the rules and where to overrule them.

A tagger sees a sentence (a `spans_bio` row); the tokenizer and the sentence splitter are the corpus's own
(`conflict_news.hf.bio`), so a model applies to any text the way the config was built. Tags become items:
an event per trigger, a figure per predicted span that the number reader of the package can read (value
and bounds come from that reader, never from the CRF), a quote per cue with the contents nearest to it.
Entities, arguments, places, times and relations are not predicted.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pycrfsuite

from conflict_news.core.taxonomy import Taxonomy, load_taxonomy
from conflict_news.grow.figures import read_figures
from conflict_news.grow.preannotate import extract as rules_extract
from conflict_news.hf.bio import sentence_rows, tag_layer, token_columns

# layer -> the spans_bio column of its tags
LAYERS = {"events": "event_tags", "quotes": "quote_tags", "figures": "figure_tags"}
ARCHITECTURES = ("words", "stacked")
MODEL_ENV = "CNC_BASELINE_MODEL"  # the folder `extract` loads its taggers from
DEFAULT_MODEL = Path(__file__).parent / "model"
_OPENING = "\"\u201c\u2018'\u00ab"
_CLOSING = "\"\u201d\u2019'\u00bb"


@dataclass(frozen=True)
class Sentence:
    """One `spans_bio` row: its tokens with code-point offsets, the gold tags (empty when only predicting)
    and the rules' tags of each layer."""

    doc_id: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    rules: dict[str, list[str]]
    gold: dict[str, list[str]] = field(default_factory=dict)


def layer_spans(annotation: dict[str, Any]) -> dict[str, list[tuple[str, int, int]]]:
    """(label, start, end) of every span a layer's tags hold, as `spans_bio` labels them."""
    quotes = []
    for quote in annotation["quotes"]:
        quotes.append(("cue", quote["cue"]["start"], quote["cue"]["end"]))
        quotes.extend(("content", c["start"], c["end"]) for c in quote["contents"])
        if quote["source"] is not None:
            quotes.append(("source", quote["source"]["start"], quote["source"]["end"]))
    return {
        "events": [(e["type"], e["trigger"]["start"], e["trigger"]["end"]) for e in annotation["events"]],
        "quotes": quotes,
        "figures": [(f["property"], f["span"]["start"], f["span"]["end"]) for f in annotation["figures"]],
    }


def rule_tags(text: str, starts: list[int], ends: list[int], taxonomy: Taxonomy) -> dict[str, list[str]]:
    """The rule-based pre-annotator's BIO tags of every token of `text`, per layer."""
    spans = layer_spans(rules_extract(text, taxonomy))
    return {layer: tag_layer(starts, ends, spans[layer]) for layer in LAYERS}


def _shape(word: str) -> str:
    """`Kabul` -> `Xx`, `1,000` -> `d,d`, `U.S.` -> `X.X.`: character classes with runs collapsed."""
    classes = re.sub(r"[A-Z]+", "X", re.sub(r"[a-z]+", "x", re.sub(r"\d+", "d", word)))
    return classes[:6]


def _word_features(word: str, prefix: str) -> dict[str, str | float]:
    lower = word.lower()
    return {
        f"{prefix}w": lower,
        f"{prefix}shape": _shape(word),
        f"{prefix}suf3": lower[-3:],
        f"{prefix}suf2": lower[-2:],
        f"{prefix}pre3": lower[:3],
        f"{prefix}title": float(word.istitle()),
        f"{prefix}digit": float(any(c.isdigit() for c in word)),
    }


def token_features(sentence: Sentence, i: int, stacked: bool) -> dict[str, str | float]:
    """The features of token i: its own, its neighbours' (two either side) and, stacked, the rules' tags."""
    words = sentence.words
    features: dict[str, str | float] = {"bias": 1.0, **_word_features(words[i], "")}
    for offset in (-2, -1, 1, 2):
        j = i + offset
        if 0 <= j < len(words):
            features.update(_word_features(words[j], f"{offset}:"))
        else:
            features[f"{offset}:edge"] = 1.0
    if stacked:
        for layer, tags in sentence.rules.items():
            for offset in (-1, 0, 1):
                j = i + offset
                if 0 <= j < len(words):
                    features[f"{offset}:rule-{layer}"] = tags[j]
    return features


def sentence_features(sentence: Sentence, stacked: bool) -> list[dict[str, str | float]]:
    return [token_features(sentence, i, stacked) for i in range(len(sentence.words))]


def document_sentences(doc_id: str, text: str, taxonomy: Taxonomy) -> list[Sentence]:
    """A text cut into the rows `spans_bio` would give, with the rules' tags (for predicting)."""
    words, starts, ends = token_columns(text)
    rules = rule_tags(text, starts, ends, taxonomy)
    rows = sentence_rows(text, list(zip(words, starts, ends, strict=True)))
    return [
        Sentence(doc_id, words[r.start : r.stop], starts[r.start : r.stop], ends[r.start : r.stop],
                 {layer: tags[r.start : r.stop] for layer, tags in rules.items()})
        for r in rows
    ]  # fmt: skip


# L-BFGS steps, and the fewest sentences a feature must occur in to be kept: fewer features, faster training.
ITERATIONS = 60
MIN_FREQ = 2


def trigger_tags(tags: Sequence[str]) -> list[str]:
    """Event tags without their type: where the triggers are."""
    return [tag if tag == "O" else f"{tag[0]}-trigger" for tag in tags]


def bio_runs(tags: Sequence[str]) -> Iterator[tuple[str, int, int]]:
    """(label, first token, stop token) of each run of tags: a B- opens a span, an I- of the same label continues
    it, and an I- of another label (a tagger's slip) opens one too."""
    label, first = None, 0
    for i, tag in enumerate([*tags, "O"]):
        kind, _, name = tag.partition("-")
        if label is not None and not (kind == "I" and name == label):
            yield label, first, i
            label = None
        if tag != "O" and label is None:
            label, first = name, i


def type_features(sentence: Sentence, first: int, stop: int, stacked: bool) -> dict[str, str | float]:
    """A trigger's features for its type: its words, its head's affixes, three words either side and, stacked,
    the type the rules gave the trigger's first token."""
    words = [w.lower() for w in sentence.words]
    head = words[stop - 1]
    features: dict[str, str | float] = {"bias": 1.0, "phrase": " ".join(words[first:stop]), "head": head,
                                        "suf3": head[-3:], "pre4": head[:4]}  # fmt: skip
    for j in range(max(0, first - 3), first):
        features[f"left:{words[j]}"] = 1.0
    for j in range(stop, min(len(words), stop + 3)):
        features[f"right:{words[j]}"] = 1.0
    if stacked:
        features["rule"] = sentence.rules["events"][first].partition("-")[2] or "none"
    return features


def train_tagger(sentences: Sequence[Sentence], layer: str, stacked: bool, c1: float, c2: float, path: Path) -> None:
    """Fit one layer's CRF (L-BFGS with elastic-net penalties c1, c2) and store it at `path`; layer `types` is
    the trigger typer, trained on the gold triggers."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in sentences:
        if layer == "types":
            for label, first, stop in bio_runs(sentence.gold["events"]):
                trainer.append([type_features(sentence, first, stop, stacked)], [label])
        elif layer == "events":
            trainer.append(sentence_features(sentence, stacked), trigger_tags(sentence.gold[layer]))
        else:
            trainer.append(sentence_features(sentence, stacked), sentence.gold[layer])
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": ITERATIONS, "feature.minfreq": MIN_FREQ})
    trainer.train(str(path))


@dataclass
class Model:
    """The three taggers of one architecture, stored as `<layer>.crfsuite` beside `model.json`."""

    folder: Path
    stacked: bool
    taggers: dict[str, pycrfsuite.Tagger]
    # stacked only: a trigger the rules typed keeps their type, the typer types the others (chosen on validation)
    trust_rules: bool = False

    @classmethod
    def load(cls, folder: Path) -> Model:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        taggers = {}
        for layer in (*LAYERS, "types"):
            tagger = pycrfsuite.Tagger()
            tagger.open(str(folder / f"{layer}.crfsuite"))
            taggers[layer] = tagger
        stacked = meta["architecture"] == "stacked"
        return cls(folder, stacked, taggers, stacked and bool(meta.get("trust_rules")))

    def tag(self, sentences: Sequence[Sentence]) -> dict[str, list[str]]:
        """Each layer's tags over the concatenated sentences (a document's tokens, in order); an event trigger's
        tags carry the type the typer gives it."""
        out: dict[str, list[str]] = {layer: [] for layer in LAYERS}
        for sentence in sentences:
            features = sentence_features(sentence, self.stacked)
            for layer in LAYERS:
                tags = self.taggers[layer].tag(features)
                if layer == "events":
                    for _, first, stop in bio_runs(tags):
                        ruled = sentence.rules["events"][first]
                        if self.trust_rules and ruled.startswith("B-"):
                            label = ruled[2:]
                        else:
                            label = self.taggers["types"].tag([type_features(sentence, first, stop, self.stacked)])[0]
                        tags[first:stop] = [f"B-{label}", *[f"I-{label}"] * (stop - first - 1)]
                out[layer].extend(tags)
        return out

    def annotate(self, text: str, taxonomy: Taxonomy) -> dict[str, Any]:
        sentences = document_sentences("", text, taxonomy)
        return to_annotation(text, sentences, self.tag(sentences), taxonomy)


def bio_spans(tags: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> Iterator[tuple[str, int, int]]:
    """(label, start, end) of each run of tags (bio_runs), in code points."""
    for label, first, stop in bio_runs(tags):
        yield label, starts[first], ends[stop - 1]


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def to_annotation(
    text: str, sentences: Sequence[Sentence], tags: dict[str, list[str]], taxonomy: Taxonomy
) -> dict[str, Any]:
    """The four layers the tags of a document's tokens make (entities and event details left empty)."""
    starts = [s for sentence in sentences for s in sentence.starts]
    ends = [e for sentence in sentences for e in sentence.ends]
    sentence_of = [k for k, sentence in enumerate(sentences) for _ in sentence.words]
    events = [
        {"id": f"ev{n}", "type": label, "trigger": _span(text, start, end), "arguments": [], "location": None,
         "time": None, "modality": "actual", "polarity": "positive", "relations": []}
        for n, (label, start, end) in enumerate(bio_spans(tags["events"], starts, ends), 1)
        if label in taxonomy.event_types
    ]  # fmt: skip
    quotes = _quotes(text, list(bio_spans(tags["quotes"], starts, ends)), starts, sentence_of, events)
    figures = _figures(text, list(bio_spans(tags["figures"], starts, ends)), taxonomy, quotes)
    return {"entities": [], "events": events, "quotes": quotes, "figures": figures}


def _quotes(
    text: str,
    spans: list[tuple[str, int, int]],
    starts: list[int],
    sentence_of: list[int],
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """A quote per cue: the contents whose nearest cue (in its sentence, else the closest one before it) it
    is, and the source nearest to it in its sentence; a cue with no content makes no quote."""

    def sentence(offset: int) -> int:
        return sentence_of[starts.index(offset)]

    cues = [(s, e) for label, s, e in spans if label == "cue"]
    if not cues:
        return []
    contents: dict[int, list[tuple[int, int]]] = {}
    for label, s, e in spans:
        if label != "content":
            continue
        same = [k for k, (cs, _) in enumerate(cues) if sentence(cs) == sentence(s)]
        before = [k for k, (cs, _) in enumerate(cues) if cs < s]
        pool = same or before[-1:]
        if pool:
            k = min(pool, key=lambda k: min(abs(cues[k][0] - e), abs(s - cues[k][1])))
            contents.setdefault(k, []).append((s, e))
    quotes = []
    for k, (cs, ce) in enumerate(cues):
        if k not in contents:
            continue
        sources = [(s, e) for label, s, e in spans if label == "source" and sentence(s) == sentence(cs)]
        source = min(sources, key=lambda span: abs(span[0] - cs), default=None)
        parts = sorted(contents[k])
        direct = all(s > 0 and text[s - 1] in _OPENING and e < len(text) and text[e] in _CLOSING for s, e in parts)
        inside = [ev["id"] for ev in events if any(s <= ev["trigger"]["start"] < e for s, e in parts)]
        quotes.append({
            "id": f"q{len(quotes) + 1}", "type": "direct" if direct else "indirect", "cue": _span(text, cs, ce),
            "source": _span(text, *source) if source else None, "speaker": None,
            "contents": [_span(text, s, e) for s, e in parts], "events": inside,
        })  # fmt: skip
    return quotes


def _figures(
    text: str, spans: list[tuple[str, int, int]], taxonomy: Taxonomy, quotes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A figure per predicted span that holds a number the package's reader reads: the reading gives the
    span, value, bounds and cue; the tagger gives the property."""
    readings = read_figures(text, taxonomy)
    figures = []
    used: set[int] = set()
    for prop, start, end in spans:
        found = next((n for n, r in enumerate(readings) if n not in used and r.start < end and start < r.end), None)
        if found is None or prop not in taxonomy.figure_properties:
            continue
        used.add(found)
        r = readings[found]
        quote = next(
            (q for q in quotes if any(c["start"] <= r.start and r.end <= c["end"] for c in q["contents"])), None
        )
        figures.append({
            "id": f"fig{len(figures) + 1}", "span": _span(text, r.start, r.end), "value": _plain(r.value),
            "lower": _plain(r.lower), "upper": _plain(r.upper), "bound": r.bound,
            "approx_cue": _span(text, *r.cue) if r.cue else None, "counted": None, "counted_span": None,
            "property": prop, "claimant": None, "quote": quote["id"] if quote else None, "event": None,
        })  # fmt: skip
    return figures


def _plain(number: float | None) -> float | int | None:
    return int(number) if number is not None and float(number).is_integer() else number


@cache
def _model(folder: str) -> Model:
    return Model.load(Path(folder))


def extract(text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """The extractor protocol of `conflict-news preannotate --extractor baselines.crf:extract` (and `silver`):
    the taggers in $CNC_BASELINE_MODEL, else baselines/model/ (written by `python -m baselines.train`)."""
    return _model(os.environ.get(MODEL_ENV, str(DEFAULT_MODEL))).annotate(text, taxonomy)


def sentences_of(rows: Iterable[dict[str, Any]], texts: dict[str, str], names: dict[str, list[str]]) -> list[Sentence]:
    """Training sentences from `spans_bio` rows (gold documents with their text), with the rules' tags of each
    document computed once over its whole text, as the rows' tags were."""
    taxonomy = load_taxonomy()
    rules: dict[str, tuple[list[int], dict[str, list[str]]]] = {}
    out = []
    for row in rows:
        if row["tokens"] is None or row["annotation_status"] != "gold" or row["doc_id"] not in texts:
            continue
        doc_id = row["doc_id"]
        if doc_id not in rules:
            _, starts, ends = token_columns(texts[doc_id])
            rules[doc_id] = (starts, rule_tags(texts[doc_id], starts, ends, taxonomy))
        starts, tags = rules[doc_id]
        first = starts.index(row["starts"][0])
        stop = first + len(row["tokens"])
        out.append(Sentence(
            doc_id, row["tokens"], row["starts"], row["ends"],
            {layer: layer_tags[first:stop] for layer, layer_tags in tags.items()},
            {layer: [names[layer][t] for t in row[column]] for layer, column in LAYERS.items()},
        ))  # fmt: skip
    return out
