"""The trained baseline's experiment: `python -m baselines.train [--data CLONE_OR_HUB_ID] [--out baselines]`.

Starts from `datasets.load_dataset(DATA, "spans_bio")` and `(DATA, "documents")`, as a user would; trains on
`train` only, picks each layer's penalties on `validation` (events by trigger+type F1, quotes and figures by
their layer F1, exact match), then writes the `test` predictions of both architectures in the annotation
schema, scored by `conflict_news.grow.evaluate` (what `conflict-news evaluate` runs), and a learning curve
(25, 50 and 100 % of the `train` documents, a seeded nested sample) with the chosen penalties. The fits run
on two processes; each is deterministic, so a rerun gives the same files.

`--quick N` trains on the first N train documents with one setting (the pipeline test's path).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from baselines.crf import (
    ARCHITECTURES,
    ITERATIONS,
    LAYERS,
    MIN_FREQ,
    Model,
    Sentence,
    document_sentences,
    sentences_of,
    to_annotation,
    train_tagger,
)
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.grow.evaluate import evaluate
from conflict_news.grow.preannotate import preannotate

GRID = [(c1, c2) for c1 in (0.0, 0.1) for c2 in (0.01, 0.1)]
SHARES = (0.25, 0.5)  # and the whole of `train`
SEED = 20140601
# the models trained per setting: a tagger per layer and the trigger typer, chosen with the events tagger
TRAINED = (*LAYERS, "types")
_UNIT = {"types": "events"}
WORKERS = 2
Documents = dict[str, tuple[str, list[Sentence]]]  # doc_id -> text and its sentences (with the rules' tags)


def load(source: str, split: str) -> tuple[list[Sentence], Documents]:
    """A split's gold sentences and its documents, through `datasets.load_dataset`."""
    import datasets

    rows = datasets.load_dataset(source, "spans_bio", split=split)
    docs = datasets.load_dataset(source, "documents", split=split)
    texts = {d["doc_id"]: d["text"] for d in docs if d["text"] is not None and d["annotation_status"] == "gold"}
    names = {layer: rows.features[column].feature.names for layer, column in LAYERS.items()}
    taxonomy = load_taxonomy()
    documents = {doc_id: (text, document_sentences(doc_id, text, taxonomy)) for doc_id, text in texts.items()}
    return sentences_of(rows, texts, names), documents


_TRAIN: list[Sentence] = []


def _share(train: list[Sentence]) -> None:
    global _TRAIN
    _TRAIN = train


def _fit(job: tuple[list[str] | None, str, str, float, float, str]) -> str:
    """One layer's tagger on the train sentences of the given documents (None: all), in a worker process."""
    documents, architecture, layer, c1, c2, path = job
    chosen = _TRAIN if documents is None else [s for s in _TRAIN if s.doc_id in set(documents)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    train_tagger(chosen, layer, architecture == "stacked", c1, c2, Path(path))
    return path


def _write_meta(
    folder: Path, architecture: str, settings: dict[str, tuple[float, float]], trust: bool = False
) -> Model:
    meta = {"architecture": architecture, "penalties": {k: list(v) for k, v in settings.items()},
            "iterations": ITERATIONS, "min_freq": MIN_FREQ, "trust_rules": trust}  # fmt: skip
    (folder / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return Model.load(folder)


def predict(model: Model, documents: Documents, out: Path) -> None:
    """One annotation file per document, as `conflict-news preannotate --extractor` writes them."""
    taxonomy = load_taxonomy()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    name = f"baselines.crf ({'stacked' if model.stacked else 'words'})"
    for doc_id, (text, sentences) in sorted(documents.items()):
        layers = to_annotation(text, sentences, model.tag(sentences), taxonomy)
        annotation = preannotate(doc_id, text, taxonomy, lambda _text, _tax, found=layers: found, name)
        (out / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=1) + "\n", "utf-8")


def typed_f1(layer: dict[str, Any]) -> float:
    """Micro F1 of items matched with their type (an event's trigger and type)."""
    tp = sum(t["tp"] for t in layer["types"].values())
    return 2 * tp / (layer["pred"] + layer["gold"]) if layer["pred"] + layer["gold"] else 0.0


def criterion(scores: dict[str, Any], layer: str) -> float:
    exact = scores["exact"]["layers"][layer]
    return typed_f1(exact) if layer == "events" else float(exact["f1"] or 0.0)


def summary(scores: dict[str, Any]) -> dict[str, Any]:
    """Per layer and mode: F1 (with its interval when resampled), trigger+type F1, predicted and gold counts."""
    out: dict[str, Any] = {}
    for mode in ("exact", "overlap"):
        for layer in LAYERS:
            entry = scores[mode]["layers"][layer]
            interval = scores["intervals"].get(mode, {}).get("layers", {}).get(layer, {}).get("f1")
            out.setdefault(layer, {})[mode] = {"f1": entry["f1"], "interval": interval, "typed_f1": typed_f1(entry),
                                               "pred": entry["pred"], "gold": entry["gold"]}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m baselines.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=".", help="a clone of the corpus or its Hub id (default: .)")
    parser.add_argument("--out", type=Path, default=Path("baselines"), help="where models, predictions, results go")
    parser.add_argument("--quick", type=int, metavar="N", help="N train documents, one setting: the pipeline test")
    args = parser.parse_args(argv)
    started, cpu = time.monotonic(), time.process_time()
    # a clone's folder by its absolute path: `datasets` reads "." as no dataset name at all
    source = str(Path(args.data).resolve()) if Path(args.data).is_dir() else args.data
    train, _ = load(source, "train")
    _, validation = load(source, "validation")
    _, test = load(source, "test")
    grid = GRID[:1] if args.quick else GRID
    if args.quick:
        keep = set(sorted({s.doc_id for s in train})[: args.quick])
        train = [s for s in train if s.doc_id in keep]
        validation, test = (dict(sorted(d.items())[: args.quick]) for d in (validation, test))
    runs = args.out / "runs"
    gold = source if Path(source).is_dir() else "."  # the corpus root holding the gold to score against
    documents = sorted({s.doc_id for s in train})
    random.Random(SEED).shuffle(documents)
    parts = {share: sorted(documents[: round(share * len(documents))]) for share in SHARES}
    results: dict[str, Any] = {"data": args.data, "grid": grid, "iterations": ITERATIONS, "min_freq": MIN_FREQ,
                               "train_documents": len(documents), "architectures": {}}  # fmt: skip
    with ProcessPoolExecutor(WORKERS, initializer=_share, initargs=(train,)) as pool:
        jobs = [(None, a, layer, c1, c2, str(runs / f"{a}-{c1}-{c2}" / f"{layer}.crfsuite"))
                for a in ARCHITECTURES for c1, c2 in grid for layer in TRAINED]  # fmt: skip
        list(pool.map(_fit, jobs))
        chosen: dict[str, dict[str, tuple[float, float]]] = {}
        trusts: dict[str, bool] = {}
        for architecture in ARCHITECTURES:
            tried = []
            # stacked: whether a trigger the rules typed keeps their type is chosen on validation too
            for c1, c2 in grid:
                for trust in (False, True) if architecture == "stacked" else (False,):
                    settings = dict.fromkeys(LAYERS, (c1, c2))
                    model = _write_meta(runs / f"{architecture}-{c1}-{c2}", architecture, settings, trust)
                    predict(model, validation, runs / "validation")
                    scores = evaluate(runs / "validation", gold, splits=["validation"], resamples=0)
                    tried.append({"c1": c1, "c2": c2, "trust_rules": trust,
                                  **{layer: criterion(scores, layer) for layer in LAYERS}})  # fmt: skip
            best = {layer: max(tried, key=lambda t, layer=layer: (t[layer], -t["c1"], -t["c2"], -t["trust_rules"]))
                    for layer in LAYERS}  # fmt: skip
            chosen[architecture] = {layer: (t["c1"], t["c2"]) for layer, t in best.items()}
            trusts[architecture] = best["events"]["trust_rules"]
            final = args.out / "model" / architecture
            shutil.rmtree(final, ignore_errors=True)
            final.mkdir(parents=True)
            for layer in TRAINED:
                c1, c2 = chosen[architecture][_UNIT.get(layer, layer)]
                shutil.copy(runs / f"{architecture}-{c1}-{c2}" / f"{layer}.crfsuite", final / f"{layer}.crfsuite")
            results["architectures"][architecture] = {"validation": tried, "penalties": chosen[architecture],
                                                      "trust_rules": trusts[architecture]}  # fmt: skip
        jobs = [(parts[share], a, layer, *chosen[a][_UNIT.get(layer, layer)], str(runs / f"{a}-{share}" / f"{layer}.crfsuite"))
                for a in ARCHITECTURES for share in SHARES for layer in TRAINED]  # fmt: skip
        list(pool.map(_fit, jobs))
    for architecture in ARCHITECTURES:
        entry = results["architectures"][architecture]
        model = _write_meta(args.out / "model" / architecture, architecture, chosen[architecture], trusts[architecture])
        out = args.out / "predictions" / architecture / "test"
        predict(model, test, out)
        entry["test"] = summary(evaluate(out, gold, splits=["test"]))
        curve = []
        for share in SHARES:
            small = _write_meta(
                runs / f"{architecture}-{share}", architecture, chosen[architecture], trusts[architecture]
            )
            predict(small, test, runs / "curve")
            curve.append({"share": share, "documents": len(parts[share]),
                          **summary(evaluate(runs / "curve", gold, splits=["test"], resamples=0))})  # fmt: skip
        entry["learning_curve"] = [*curve, {"share": 1.0, "documents": len(documents), **entry["test"]}]
    shutil.rmtree(runs, ignore_errors=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    results["seconds"] = round(time.monotonic() - started)
    results["cpu_seconds"] = round(time.process_time() - cpu + children.ru_utime + children.ru_stime)
    results["peak_rss_mib"] = round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children.ru_maxrss) / 1024)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({a: r["test"]["events"]["exact"]["typed_f1"] for a, r in results["architectures"].items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
