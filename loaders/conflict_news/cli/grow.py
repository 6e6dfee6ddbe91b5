"""Verbs that grow the corpus: `add`, `preannotate`, `evaluate`, `synth`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..core.articles import FIELDS
from ..core.limits import MAX_SYNTH_DOCUMENTS
from .options import bounded


def _add(args: argparse.Namespace) -> int:
    from ..grow.ingest import add_documents

    root = Path(args.root)
    stated = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    new_ids = add_documents(root, Path(args.source), stated, args.id)
    print("\n".join(new_ids))
    print(f"conflict-news add: {len(new_ids)} document(s) added to {root}", file=sys.stderr)
    return 0


def _preannotate(args: argparse.Namespace) -> int:
    from ..core.paths import locate_root
    from ..core.store import dump_json, write_atomic
    from ..grow.preannotate import preannotate_corpus

    root = Path(args.root) if args.root else locate_root()
    results = preannotate_corpus(root, args.doc_ids, Path(args.out))
    existing = [str(path) for path in results if path.exists()]
    if existing:
        print(f"conflict-news preannotate: refusing to replace {', '.join(existing)}", file=sys.stderr)
        return 1
    for path, ann in results.items():
        write_atomic(path, dump_json(ann))
    counts = {layer: sum(len(a[layer]) for a in results.values()) for layer in ("events", "quotes", "figures")}
    print(f"conflict-news preannotate: {len(results)} document(s), {counts}", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from ..grow.evaluate import evaluate, format_markdown

    result = evaluate(args.pred, args.gold, args.root)
    if result["unannotated"]:
        print(f"conflict-news evaluate: not scored, no gold yet: {', '.join(result['unannotated'])}", file=sys.stderr)
    print(json.dumps(result, indent=2) if args.json else format_markdown(result), end="\n" if args.json else "")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..grow.synthetic import write_synthetic

    try:
        with tqdm(total=args.n, unit="doc", desc="synth", file=sys.stderr, disable=None) as bar:
            write_synthetic(Path(args.out), args.n, seed=args.seed, progress=bar.update)
    except ValueError as exc:
        print(f"conflict-news synth: [option-invalid] {exc}", file=sys.stderr)
        return 1
    print(f"conflict-news synth: {args.n} synthetic document(s) in {args.out}", file=sys.stderr)
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("synth", help="write a synthetic stress corpus (fictional, marked syn-*) to a new folder")
    p.add_argument("n", type=bounded(0, MAX_SYNTH_DOCUMENTS), help="number of documents")
    p.add_argument("out", help="corpus root to create (must not hold documents yet)")
    p.add_argument("--seed", type=bounded(0, 2**63 - 1), default=0, help="same seed, same corpus (default 0)")
    p.set_defaults(run=_synth)

    p = verbs.add_parser("add", help="add text or HTML articles (a file, a folder, or a JSONL file) to a corpus")
    p.add_argument("source", metavar="FILE", help="a .txt or .html file, a folder of them, or a .jsonl file")
    p.add_argument("--root", default=".", help="corpus root to grow (default: the current folder)")
    p.add_argument("--id", help="id of the new document (default: the next free cnc-NNNNNN)")
    for name in FIELDS:
        p.add_argument(f"--{name}", help=f"metadata {FIELDS[name][0]} (unstated facts stay unknown; language: en)")
    p.set_defaults(run=_add)

    p = verbs.add_parser("preannotate", help="rule-based baseline annotation (provenance kind prediction)")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to annotate (default: all)")
    p.add_argument("--out", required=True, help="output file (*.json, one document) or folder")
    p.add_argument("--root", help="corpus root (default: the shipped corpus)")
    p.set_defaults(run=_preannotate)

    p = verbs.add_parser("evaluate", help="score predicted annotations against the gold (P/R/F1, attributes, links)")
    p.add_argument("pred", metavar="PRED", help="prediction file, folder of them, or corpus root")
    p.add_argument("gold", metavar="GOLD", help="gold annotation file, folder of them, or corpus root")
    p.add_argument("--root", help="corpus root holding the texts (default: GOLD's root, else the shipped corpus)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON on stdout")
    p.set_defaults(run=_evaluate)
