"""The `conflict-news` command: thin verbs over the library; diagnostics to stderr, exit 0 or 1."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..__about__ import __version__
from ..core.articles import FIELDS
from ..core.errors import CorpusError, UsageError
from ..core.load import load_corpus
from ..core.paths import locate_root
from ..core.render import render_document
from ..core.stats import compute_stats, format_stats
from ..core.store import dump_json, write_atomic
from ..core.validate import iter_errors
from ..grow.evaluate import evaluate, format_markdown
from ..grow.ingest import add_documents
from ..grow.preannotate import preannotate_corpus
from ..release.cite import FORMATS, format_citation
from ..release.diff import diff_roots, format_diff, resolve_root
from ..release.manifest import iter_manifest_errors, write_manifest
from . import hf
from .labelstudio import register as register_labelstudio
from .release import register as register_release


def _validate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    with tqdm(unit="doc", desc="validate", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        issues = list(iter_errors(args.paths or None, workers=args.workers, progress=bar.update))
    if args.json:
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    for issue in issues:
        print(issue, file=sys.stderr)
    summary = f"{len(issues)} issue(s)" if issues else "valid"
    print(f"conflict-news validate: {summary}", file=sys.stderr)
    return 1 if issues else 0


def _synth(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..grow.synthetic import write_synthetic

    try:
        with tqdm(total=args.n, unit="doc", desc="synth", file=sys.stderr, disable=None) as bar:
            write_synthetic(Path(args.out), args.n, seed=args.seed, progress=bar.update)
    except ValueError as exc:
        print(f"conflict-news synth: {exc}", file=sys.stderr)
        return 1
    print(f"conflict-news synth: {args.n} synthetic document(s) in {args.out}", file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace) -> int:
    stats = compute_stats(load_corpus(args.root))
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats), end="\n" if args.json else "")
    return 0


def _show(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.root)
    wanted = args.doc_ids or [doc.id for doc in corpus]
    unknown = [d for d in wanted if d not in {doc.id for doc in corpus}]
    if unknown:
        print(f"conflict-news show: no document {', '.join(unknown)}", file=sys.stderr)
        return 1
    for doc_id in wanted:
        print(render_document(corpus[doc_id]))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    result = evaluate(args.pred, args.gold, args.root)
    if result["unannotated"]:
        print(f"conflict-news evaluate: not scored, no gold yet: {', '.join(result['unannotated'])}", file=sys.stderr)
    print(json.dumps(result, indent=2) if args.json else format_markdown(result), end="\n" if args.json else "")
    return 0


def _add(args: argparse.Namespace) -> int:
    root = Path(args.root)
    stated = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    new_ids = add_documents(root, Path(args.source), stated, args.id)
    print("\n".join(new_ids))
    print(f"conflict-news add: {len(new_ids)} document(s) added to {root}", file=sys.stderr)
    return 0


def _preannotate(args: argparse.Namespace) -> int:
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


def _cite(args: argparse.Namespace) -> int:
    print(format_citation(args.format), end="")
    return 0


def _diff(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="conflict-news-diff-") as scratch:
        try:
            old, new = (resolve_root(spec, Path.cwd(), Path(scratch)) for spec in (args.old, args.new))
        except subprocess.CalledProcessError as exc:
            print(
                f"conflict-news diff: neither a folder nor a git revision: {exc.stderr.decode().strip()}",
                file=sys.stderr,
            )
            return 1
        result = diff_roots(old, new)
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_diff(result), end="\n" if args.json else "")
    return 0


def _verify(args: argparse.Namespace) -> int:
    root = Path(args.root) if args.root else locate_root()
    issues = list(iter_manifest_errors(root))
    for issue in issues:
        print(issue, file=sys.stderr)
    print(
        f"conflict-news verify: {root}: {len(issues)} issue(s)" if issues else f"conflict-news verify: {root}: ok",
        file=sys.stderr,
    )
    return 1 if issues else 0


def _manifest(args: argparse.Namespace) -> int:
    target = write_manifest(Path(args.root) if args.root else locate_root())
    print(f"conflict-news manifest: wrote {target}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conflict-news", description="Conflict News Corpus tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("validate", help="check corpus roots or single files; exit 1 on any issue")
    p.add_argument("paths", nargs="*", help="corpus roots or files (default: the shipped corpus)")
    p.add_argument("--json", action="store_true", help="print the issues as JSON on stdout")
    p.add_argument(
        "--workers", type=int, default=0, help="processes to use (default 0: every core for 2000+ documents)"
    )
    p.set_defaults(run=_validate)

    p = verbs.add_parser("synth", help="write a synthetic stress corpus (fictional, marked syn-*) to a new folder")
    p.add_argument("n", type=int, help="number of documents")
    p.add_argument("out", help="corpus root to create (must not hold documents yet)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    p.set_defaults(run=_synth)

    p = verbs.add_parser("stats", help="counts per layer and per type")
    p.add_argument("--root", help="corpus root (default: the shipped corpus)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_stats)

    p = verbs.add_parser("show", help="print documents with their annotations marked")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to show (default: all)")
    p.add_argument("--root", help="corpus root (default: the shipped corpus)")
    p.set_defaults(run=_show)

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

    p = verbs.add_parser("cite", help="print the citation")
    p.add_argument("--format", choices=FORMATS, default="bibtex")
    p.set_defaults(run=_cite)

    p = verbs.add_parser("diff", help="documents and annotations added, removed or changed between two versions")
    p.add_argument("old", help="corpus root folder, or a git revision (e.g. a release tag) of the current repository")
    p.add_argument("new", help="corpus root folder, or a git revision")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_diff)

    p = verbs.add_parser("verify", help="check shipped files against MANIFEST (a checkout or the installed package)")
    p.add_argument("--root", help="corpus root (default: the installed package's data, or this checkout)")
    p.set_defaults(run=_verify)

    p = verbs.add_parser("manifest", help="rewrite MANIFEST from the shipped files")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(run=_manifest)
    register_labelstudio(verbs)
    hf.register(verbs)
    register_release(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except CorpusError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        print(
            f"conflict-news {args.verb}: the input does not validate ({len(exc.issues)} issue(s)); nothing done",
            file=sys.stderr,
        )
        return 1
    except UsageError as exc:
        print(f"conflict-news {args.verb}: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
