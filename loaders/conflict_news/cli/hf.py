"""The `build`, `card` and `rehydrate` verbs: Parquet shards and the dataset card (need the `hf` extra).

Without the extra, the modules they import raise the UsageError that names it (core.extras).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from ..core.limits import MAX_SHARD_BYTES
from ..core.options import FLAVORS
from .options import WORKERS, bounded
from .roots import add_root_option, corpus_root

SCHEDULER_HELP = "address of a running Dask scheduler to do the work, e.g. tcp://10.0.0.5:8786 (default: this machine)"


def _build(args: argparse.Namespace) -> int:
    from ..hf.build import build_data, release_dir

    root = corpus_root(args, writes=True)
    out = Path(args.out) if args.out else release_dir(root, args.flavor)
    before = (out / "README.md").read_bytes() if (out / "README.md").is_file() else None
    shards = build_data(
        root,
        flavor=args.flavor,
        out=out,
        max_shard_bytes=args.max_shard_bytes,
        progress=sys.stderr.isatty(),
        workers=args.workers,
        card_template=root / "README.md",
        scheduler=args.scheduler,
    )
    changed = (out / "README.md").read_bytes() != before
    print(f"conflict-news build: {len(shards)} shard(s) in {out / 'data'}", file=sys.stderr)
    print(f"conflict-news build: card {'updated' if changed else 'already current'}", file=sys.stderr)
    return 0


def _card(args: argparse.Namespace) -> int:
    from ..hf.card import render_card, write_card

    root = corpus_root(args, writes=not args.check)
    if args.check:
        from ..core.crosswalk import render_crosswalk
        from ..hf.attribution import ATTRIBUTION, render_attribution

        pages = {Path("README.md"): render_card(root), ATTRIBUTION: render_attribution(root), **render_crosswalk()}
        current = all(
            (root / p).is_file() and (root / p).read_bytes() == text.encode("utf-8") for p, text in pages.items()
        )
        print(f"conflict-news card: {'current' if current else 'out of date; run conflict-news card'}", file=sys.stderr)
        return 0 if current else 1
    changed = write_card(root)
    print(f"conflict-news card: {'updated' if changed else 'already current'}", file=sys.stderr)
    return 0


def _rehydrate(args: argparse.Namespace) -> int:
    from ..standoff.rehydrate import rehydrate

    report = rehydrate(Path(args.release), Path(args.sources), Path(args.out))
    for move in report.moves:
        print(move, file=sys.stderr)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    print(
        f"conflict-news rehydrate: {len(report.doc_ids)} document(s) in {args.out}; withheld texts restored "
        f"exactly: {len(report.exact)}, from a differing copy: {len(report.realigned)} "
        f"({len(report.moves)} span(s) moved)",
        file=sys.stderr,
    )
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("build", help="compile the corpus into data/<config>/<split>-*.parquet and refresh the card")
    add_root_option(p)
    p.add_argument(
        "--max-shard-bytes", type=bounded(1, MAX_SHARD_BYTES), help="size bound of one shard (default 256 MiB)"
    )
    p.add_argument("--flavor", choices=FLAVORS, default="full", help="full: every text; standoff: withheld texts")
    p.add_argument("--out", help="release folder (default: the root for full, ROOT/standoff for standoff)")
    p.add_argument(
        "--workers", type=WORKERS, default=0, help="processes to use (default 0: every core for 200+ documents)"
    )
    p.add_argument("--scheduler", help=SCHEDULER_HELP + "; its workers must see the root at the same path")
    p.set_defaults(run=_build)

    p = verbs.add_parser(
        "card",
        help="regenerate README.md's configs and dataset_info from the Features and data/, docs/attribution.md and the crosswalk",
    )
    add_root_option(p)
    p.add_argument("--check", action="store_true", help="only check; exit 1 if the card is out of date")
    p.set_defaults(run=_card)

    p = verbs.add_parser("rehydrate", help="a standoff release + your copies of the articles -> a full corpus root")
    p.add_argument("release", metavar="STANDOFF", help="the standoff release folder (its data/ and card)")
    p.add_argument("sources", metavar="SOURCES", help="a folder of .txt/.html articles, or a JSONL of {url, text}")
    p.add_argument("--out", required=True, help="the corpus root to create (corpus/ + annotations/)")
    p.add_argument("--json", action="store_true", help="print the report (documents, moved spans) as JSON")
    p.set_defaults(run=_rehydrate)
