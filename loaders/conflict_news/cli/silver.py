"""The `silver` verb: pre-annotate a large archive into a silver release, on this machine or a Dask cluster.

It needs the `hf` extra (and `dask` for --scheduler): without it, the modules it imports raise the
UsageError that names it (core.extras).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from ..core.errors import UsageError
from ..core.limits import MAX_SHARD_BYTES
from ..silver import DEFAULT_EXTRACTOR, DEFAULT_SHARD_BYTES
from .hf import SCHEDULER_HELP
from .options import WORKERS, bounded


def _silver(args: argparse.Namespace) -> int:
    from ..silver.run import run_silver

    summary = run_silver(
        args.input,
        args.out,
        text_column=args.text_column,
        extractor=args.extractor,
        shard_bytes=args.shard_bytes,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=sys.stderr.isatty(),
    )
    if args.json:
        print(json.dumps(dataclasses.asdict(summary), indent=2))
    codes = ", ".join(f"{code} {count}" for code, count in summary.codes.items()) or "none"
    print(
        f"conflict-news silver: {summary.documents} document(s) from {summary.records} record(s) in {summary.shards} "
        f"shard(s) ({summary.resumed} finished by an earlier run) in {summary.out}; issues: {codes}; "
        f"see {summary.out}/report.json",
        file=sys.stderr,
    )
    if summary.documents == 0:  # the card then declares no config, and nothing would load
        raise UsageError("no record was annotated: every one was left out (see the report)", "input-empty")
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser(
        "silver", help="pre-annotate a large archive (JSONL, Parquet, .txt/.html) into Parquet shards, not the corpus"
    )
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a JSONL or Parquet file, a .txt/.html file, or a folder of them (any fsspec URL)",
    )
    p.add_argument("--out", required=True, help="the silver release folder to write or resume (any fsspec URL)")
    p.add_argument("--text-column", default="text", help="Parquet column holding the text (default: text, else html)")
    p.add_argument(
        "--extractor", default=DEFAULT_EXTRACTOR,
        help=f"MODULE:FUNCTION taking (doc_id, text, taxonomy) and returning an annotation (default: {DEFAULT_EXTRACTOR})",
    )  # fmt: skip
    p.add_argument(
        "--shard-bytes", type=bounded(1, MAX_SHARD_BYTES), default=DEFAULT_SHARD_BYTES,
        help=f"input bytes per output shard (default {DEFAULT_SHARD_BYTES // 2**20} MiB)",
    )  # fmt: skip
    p.add_argument("--workers", type=WORKERS, default=0, help="processes to use (default 0: every core)")
    p.add_argument("--scheduler", help=SCHEDULER_HELP)
    p.add_argument("--json", action="store_true", help="print the run's summary as JSON on stdout")
    p.set_defaults(run=_silver)
