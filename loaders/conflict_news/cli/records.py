"""The `records` verb: the event records of annotations or of a build, as JSON lines or CSV, or scored against gold."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from ..core.options import SPLITS
from .options import add_bootstrap_options
from .roots import add_root_option, corpus_root


def _columns(shape: Any, prefix: str = "") -> list[str]:
    """The dotted CSV columns of a Features tree: a struct's fields become columns, a list stays one."""
    if isinstance(shape, dict) and not (prefix.startswith("evidence.") and {"start", "end"} <= shape.keys()):
        return [column for key, sub in shape.items() for column in _columns(sub, f"{prefix}{key}.")]
    return [prefix[:-1]]


def _cell(row: dict[str, Any], column: str) -> Any:
    value: Any = row
    for key in column.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _records(args: argparse.Namespace) -> int:
    from ..grow.evaluate import evaluate_records, format_records_markdown, records_at, text_root_of

    path = Path(args.path) if args.path else None
    if args.against:
        gold = Path(args.against)
        root = args.root or text_root_of(gold) or corpus_root(args, writes=False)
        if path is None:
            path = corpus_root(args, writes=False)
        result = evaluate_records(path, gold, root, args.split, resamples=args.bootstrap, seed=args.seed)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            tuned = set(args.in_sample or ()) & set(result["splits"])
            in_sample = tuned | {"all"} if tuned else set()  # the all row holds the rows above it
            print(format_records_markdown({**result["splits"], "all": result["all"]}, in_sample), end="")
        return 0
    rows: Any
    if path is not None and (path / "data" / "records").is_dir() and not (path / "annotations").is_dir():
        from ..hf.records import read_records

        rows = read_records(path, args.split)
    else:
        root = args.root or (text_root_of(path) if path else None) or corpus_root(args, writes=False)
        rows = records_at(path or root, root, args.split)
    if args.csv:
        from ..hf.features import flavor_features

        columns = _columns(dict(flavor_features("records")))
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row, column) for column in columns])
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser(
        "records",
        help="event records (one ACLED/UCDP-style row per event) as JSON lines or CSV, or scored against gold",
        description="The event records of annotation files (a file, a folder, a corpus root) or of a build or silver "
        "run (a folder with data/records/): one row per event ACLED or UCDP code, with dates, actors, place, "
        "best/low/high counts and the spans behind each field (docs/records.md). With --against GOLD, the "
        "records of PATH are scored against those of GOLD: record P/R/F1 and exact counts, per split.",
    )
    p.add_argument("path", nargs="?", metavar="PATH", help="annotation file, folder, corpus root or build folder "
                   "(default: ROOT)")  # fmt: skip
    add_root_option(p)
    p.add_argument("--split", action="append", choices=SPLITS, help="only the documents of this split (repeatable)")
    p.add_argument("--csv", action="store_true", help="CSV with dotted columns instead of JSON lines")
    p.add_argument("--against", metavar="GOLD", help="score PATH's records against the records of this gold")
    p.add_argument("--json", action="store_true", help="with --against: print the scores as JSON")
    p.add_argument("--in-sample", action="append", choices=SPLITS, metavar="SPLIT",
                   help="with --against: a split PATH's rules or model were tuned on; its row and the all row "
                        "(when scored) are labelled in-sample (repeatable)")  # fmt: skip
    add_bootstrap_options(p)  # used with --against only
    p.set_defaults(run=_records)
