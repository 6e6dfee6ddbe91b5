"""Verbs on a corpus as a whole: `show`, `stats`, `validate`, and `recover` after a killed write."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..core.errors import CODES
from ..core.paths import find_root
from .hf import SCHEDULER_HELP
from .options import WORKERS
from .roots import add_root_option, corpus_root


def _validate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..core.validate import iter_errors

    with tqdm(unit="doc", desc="validate", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        paths = args.paths or [corpus_root(args, writes=False)]
        issues = list(iter_errors(paths, workers=args.workers, progress=bar.update, scheduler=args.scheduler))
    if args.json:
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    for issue in issues:
        print(issue, file=sys.stderr)
    summary = f"{len(issues)} issue(s)" if issues else "valid"
    print(f"conflict-news validate: {summary}", file=sys.stderr)
    # What each code found means, once per code rather than once per issue (as UD's validator explains).
    for code, count in Counter(issue.code for issue in issues).items():
        print(f"  {code} ({count}): {CODES[code]}", file=sys.stderr)
    return 1 if issues else 0


def _check(args: argparse.Namespace) -> int:
    from ..core.validate import check_files

    issues = check_files(Path(args.text), Path(args.annotation))
    if args.json:
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    for issue in issues:
        print(issue, file=sys.stderr)
    print(f"conflict-news check: {len(issues)} issue(s)" if issues else "conflict-news check: valid", file=sys.stderr)
    for code, count in Counter(issue.code for issue in issues).items():
        print(f"  {code} ({count}): {CODES[code]}", file=sys.stderr)
    return 1 if issues else 0


def _stats(args: argparse.Namespace) -> int:
    from ..core.load import load_corpus
    from ..core.stats import compute_stats, format_stats

    stats = compute_stats(load_corpus(corpus_root(args, writes=False)))
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats), end="\n" if args.json else "")
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..core.load import load_corpus
    from ..core.render import render_document

    corpus = load_corpus(corpus_root(args, writes=False))
    wanted = args.doc_ids or [doc.id for doc in corpus]
    unknown = [d for d in wanted if d not in {doc.id for doc in corpus}]
    if unknown:
        print(f"conflict-news show: [option-invalid] no document {', '.join(unknown)}", file=sys.stderr)
        return 1
    for doc_id in wanted:
        print(render_document(corpus[doc_id]))
    return 0


def _recover(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..core.errors import UsageError
    from ..core.txn import locked, pending, recover

    # The root (and its standoff release), unless only output folders are named and no root is found.
    roots = [corpus_root(args, writes=True)] if args.root is not None or not args.folders or find_root() else []
    folders = [Path(folder) for folder in args.folders]
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            raise UsageError(
                f"{folder} is not a folder", "input-missing" if not os.path.lexists(folder) else "option-invalid"
            )
    bases = [*(base for root in roots for base in (root, root / "standoff")), *folders]
    found = [base for base in bases if pending(base)]
    for root in roots:
        with locked(root):  # taking the lock recovers the root itself
            standoff = root / "standoff"
            if standoff.is_dir() and not standoff.is_symlink():
                recover(standoff)
    for folder in folders:
        with locked(folder):
            pass
    done = ", ".join(str(base) for base in found) or "nothing to do"
    print(f"conflict-news recover: interrupted writes finished or undone: {done}", file=sys.stderr)
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("validate", help="check corpus roots or single files; exit 1 on any issue")
    p.add_argument("paths", nargs="*", help="corpus roots or files (default: the corpus root, see ROOT)")
    p.add_argument("--json", action="store_true", help="print the issues as JSON on stdout")
    p.add_argument(
        "--workers", type=WORKERS, default=0, help="processes to use (default 0: every core for 2000+ documents)"
    )
    p.add_argument("--scheduler", help=SCHEDULER_HELP + "; its workers must see the paths as given")
    p.set_defaults(run=_validate)

    p = verbs.add_parser(
        "check", help="check one annotation file against one text file, outside any corpus root; exit 1 on any issue"
    )
    p.add_argument("text", metavar="TEXT", help="the document's text (UTF-8)")
    p.add_argument("annotation", metavar="ANNOTATION", help="its annotation file (schema/annotation.schema.json)")
    p.add_argument("--json", action="store_true", help="print the issues as JSON on stdout")
    p.set_defaults(run=_check)

    p = verbs.add_parser("recover", help="finish or undo a write that was killed half-way (any writer does it too)")
    p.add_argument("folders", nargs="*", metavar="DIR",
                   help="output folders to recover too (preannotate --out, rehydrate --out); alone, outside a root: only these")  # fmt: skip
    add_root_option(p)
    p.set_defaults(run=_recover)

    p = verbs.add_parser("stats", help="counts per layer and per type")
    add_root_option(p)
    p.add_argument("--json", action="store_true", help="print the counts as JSON on stdout")
    p.set_defaults(run=_stats)

    p = verbs.add_parser("show", help="print documents with their annotations marked")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to show (default: all)")
    add_root_option(p)
    p.set_defaults(run=_show)
