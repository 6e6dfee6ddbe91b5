"""Verbs that read the corpus: `show`, `stats`, `validate`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .hf import SCHEDULER_HELP


def _validate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..core.validate import iter_errors

    with tqdm(unit="doc", desc="validate", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        issues = list(
            iter_errors(args.paths or None, workers=args.workers, progress=bar.update, scheduler=args.scheduler)
        )
    if args.json:
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    for issue in issues:
        print(issue, file=sys.stderr)
    summary = f"{len(issues)} issue(s)" if issues else "valid"
    print(f"conflict-news validate: {summary}", file=sys.stderr)
    return 1 if issues else 0


def _stats(args: argparse.Namespace) -> int:
    from ..core.load import load_corpus
    from ..core.stats import compute_stats, format_stats

    stats = compute_stats(load_corpus(args.root))
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats), end="\n" if args.json else "")
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..core.load import load_corpus
    from ..core.render import render_document

    corpus = load_corpus(args.root)
    wanted = args.doc_ids or [doc.id for doc in corpus]
    unknown = [d for d in wanted if d not in {doc.id for doc in corpus}]
    if unknown:
        print(f"conflict-news show: no document {', '.join(unknown)}", file=sys.stderr)
        return 1
    for doc_id in wanted:
        print(render_document(corpus[doc_id]))
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("validate", help="check corpus roots or single files; exit 1 on any issue")
    p.add_argument("paths", nargs="*", help="corpus roots or files (default: the shipped corpus)")
    p.add_argument("--json", action="store_true", help="print the issues as JSON on stdout")
    p.add_argument(
        "--workers", type=int, default=0, help="processes to use (default 0: every core for 2000+ documents)"
    )
    p.add_argument("--scheduler", help=SCHEDULER_HELP + "; its workers must see the paths as given")
    p.set_defaults(run=_validate)

    p = verbs.add_parser("stats", help="counts per layer and per type")
    p.add_argument("--root", help="corpus root (default: the shipped corpus)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON on stdout")
    p.set_defaults(run=_stats)

    p = verbs.add_parser("show", help="print documents with their annotations marked")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to show (default: all)")
    p.add_argument("--root", help="corpus root (default: the shipped corpus)")
    p.set_defaults(run=_show)
