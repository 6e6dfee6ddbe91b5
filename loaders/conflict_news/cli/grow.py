"""Verbs that grow the corpus: `add`, `preannotate`, `kit`, `evaluate`, `synth`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..core.articles import FIELDS
from ..core.distribution import POLICIES
from ..core.limits import MAX_SYNTH_DOCUMENTS
from ..core.options import SPLITS
from .options import add_bootstrap_options, bounded
from .roots import add_root_option, corpus_root

# Help of the metadata options of `add` (one article only; a JSONL record carries the same keys).
# What is not stated stays unknown (null), never guessed.
FIELD_HELP = {
    "title": "the article's headline",
    "url": "where the article was published",
    "publisher": "the outlet that published it",
    "published": "its publication date, YYYY, YYYY-MM or YYYY-MM-DD",
    "license": "the text's licence as an SPDX id (default: unknown, which keeps the text out of releases)",
    "language": "its language, a BCP-47 tag (default: en)",
    "distribution": "ship the text (full) or only its annotations (standoff); default: what the licence allows",
}
FIELD_CHOICES = {"distribution": POLICIES}


def _add(args: argparse.Namespace) -> int:
    from ..grow.ingest import add_documents

    def announce(new_ids: list[str]) -> None:
        print("\n".join(new_ids), flush=True)

    root = corpus_root(args, writes=True)
    stated = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    new_ids = add_documents(root, Path(args.source), stated, args.id, announce)
    print(f"conflict-news add: {len(new_ids)} document(s) added to {root}", file=sys.stderr)
    return 0


def _preannotate(args: argparse.Namespace) -> int:
    from ..grow.preannotate import preannotate_corpus, write_predictions

    if args.into_root:
        from ..grow.preannotate import preannotate_into_root

        root = corpus_root(args, writes=True)
        written, gold = preannotate_into_root(root, args.doc_ids or None, args.extractor)
        print(f"conflict-news preannotate: {len(written)} prediction(s) stored in {root / 'annotations'}"
              f"{f'; {len(gold)} document(s) with gold left alone' if gold else ''}", file=sys.stderr)  # fmt: skip
        return 0
    root = corpus_root(args, writes=False)
    results = preannotate_corpus(root, args.doc_ids, Path(args.out), args.extractor)
    write_predictions(Path(args.out), results)
    counts = {layer: sum(len(a[layer]) for a in results.values()) for layer in ("events", "quotes", "figures")}
    print(f"conflict-news preannotate: {len(results)} document(s), {counts}", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from ..grow.evaluate import evaluate, format_interval_markdown, format_markdown, text_root_of

    # The texts are the gold's own root when it lies in one, else the root by the one rule.
    root = args.root or text_root_of(Path(args.gold)) or corpus_root(args, writes=False)
    result = evaluate(args.pred, args.gold, root, args.split, resamples=args.bootstrap, seed=args.seed)
    if result["unannotated"]:
        print(f"conflict-news evaluate: not scored, no gold yet: {', '.join(result['unannotated'])}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_markdown(result), end="")
        if args.bootstrap:
            print("\n" + format_interval_markdown(result), end="")
    return 0


def _wikinews(args: argparse.Namespace) -> int:
    from ..grow.wikinews.importer import import_wikinews

    root = corpus_root(args, writes=not args.check)
    listed = root / "sources" / "wikinews"
    sources = Path(args.sources) if args.sources else listed / "sources.json"
    candidates = Path(args.candidates) if args.candidates else listed / "candidates.jsonl"
    new_ids = import_wikinews(root, sources, candidates, Path(args.folder), check=args.check)
    if args.check:
        print(
            f"conflict-news wikinews: every kept candidate is in {root} exactly as the import makes it", file=sys.stderr
        )
    else:
        print("\n".join(new_ids))
        print(f"conflict-news wikinews: {len(new_ids)} document(s) added to {root}", file=sys.stderr)
    return 0


def _synth(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..grow.synthetic import write_synthetic

    with tqdm(total=args.n, unit="doc", desc="synth", file=sys.stderr, disable=None) as bar:
        write_synthetic(Path(args.out), args.n, seed=args.seed, progress=bar.update)
    print(f"conflict-news synth: {args.n} synthetic document(s) in {args.out}", file=sys.stderr)
    return 0


def _kit(args: argparse.Namespace) -> int:
    from ..grow.kit import build_kit, manifest_json

    root = corpus_root(args, writes=False)
    example_root = Path(args.example_root) if args.example_root else root
    manifest = build_kit(root, args.doc_ids, Path(args.out), args.prefix, example_root, args.example, args.correct)
    print(manifest_json(manifest), end="")
    print(f"conflict-news kit: {len(args.doc_ids)} document(s) in {args.out}", file=sys.stderr)
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("synth", help="write a synthetic stress corpus (fictional, marked syn-*) to a new folder")
    p.add_argument("n", type=bounded(0, MAX_SYNTH_DOCUMENTS), help="number of documents")
    p.add_argument("out", help="corpus root to create (must not hold documents yet)")
    p.add_argument("--seed", type=bounded(0, 2**63 - 1), default=0, help="same seed, same corpus (default 0)")
    p.set_defaults(run=_synth)

    p = verbs.add_parser("add", help="add text or HTML articles (a file, a folder, or a JSONL file) to a corpus")
    p.add_argument("source", metavar="FILE", help="a .txt or .html file, a folder of them, or a .jsonl file")
    add_root_option(p)
    p.add_argument("--id", help="id of the new document (default: the next free cnc-NNNNNN)")
    for name in FIELDS:
        p.add_argument(f"--{name}", help=FIELD_HELP[name], choices=FIELD_CHOICES.get(name))
    p.set_defaults(run=_add)

    p = verbs.add_parser(
        "preannotate", help="pre-annotate with the rules or your extractor (provenance kind prediction)"
    )
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to annotate (default: all)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="output file (*.json, one document) or folder")
    where.add_argument(
        "--into-root", action="store_true",
        help="store the predictions as the root's annotation files, replacing pending ones and earlier predictions, never gold",
    )  # fmt: skip
    add_root_option(p)
    p.add_argument(
        "--extractor", metavar="MODULE:FUNCTION",
        help="run this callable(text, taxonomy) instead of the rules (docs/preannotation.md); imports MODULE",
    )  # fmt: skip
    p.set_defaults(run=_preannotate)

    p = verbs.add_parser(
        "kit", help="write one annotator's kit for independent annotation (texts, guidelines, schemas, example, check)"
    )
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="documents the annotator annotates")
    p.add_argument("--out", required=True, help="the kit folder to create (must not exist, or be empty)")
    p.add_argument(
        "--prefix", required=True, help="the annotator's id prefix (a-, b-): every id it mints starts with it"
    )
    add_root_option(p)
    p.add_argument("--example", default="dev-001", help="the worked example: a gold train/validation document")
    p.add_argument("--example-root", metavar="DIR", help="corpus root of the example (default: ROOT)")
    p.add_argument(
        "--correct", action="store_true",
        help="a correction kit: the pre-annotation of each (train/validation) document in annotations/, to correct",
    )  # fmt: skip
    p.set_defaults(run=_kit)

    p = verbs.add_parser(
        "wikinews", help="import the kept Wikinews candidates of sources/wikinews/ from the fetched source files"
    )
    p.add_argument("folder", metavar="FOLDER", help="folder holding the source files as OWNER/REPOSITORY/PATH")
    add_root_option(p)
    p.add_argument("--sources", metavar="FILE", help="the source list (default: ROOT/sources/wikinews/sources.json)")
    p.add_argument(
        "--candidates", metavar="FILE", help="the candidates read (default: ROOT/sources/wikinews/candidates.jsonl)"
    )
    p.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 unless every kept candidate is in the root exactly as the import makes it",
    )  # fmt: skip
    p.set_defaults(run=_wikinews)

    p = verbs.add_parser(
        "evaluate",
        help="score predicted annotations against the gold (P/R/F1, attributes, links)",
        description="Score predictions against the gold: P/R/F1 per layer, type and link, attribute accuracy, and "
        "each layer's and link's F1 with a 95 % percentile bootstrap interval over documents (docs/scoring.md).",
    )
    p.add_argument("pred", metavar="PRED", help="prediction file, folder of them, or corpus root")
    p.add_argument("gold", metavar="GOLD", help="gold annotation file, folder of them, or corpus root")
    p.add_argument("--root", metavar="DIR", help="corpus root holding the texts (default: GOLD's root, else see ROOT)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON on stdout")
    p.add_argument(
        "--split", action="append", choices=SPLITS,
        help="score only the documents of this split (repeatable; default: all)",
    )  # fmt: skip
    add_bootstrap_options(p)
    p.set_defaults(run=_evaluate)
