"""The anchors: the cheapest honest programs that do a stage's work, run as whole processes like the stage.

    python benchmarks/anchors.py parse ROOT --workers W          # validate's anchor
    python benchmarks/anchors.py arrow ROWS OUT --workers W      # build's anchor
    python benchmarks/anchors.py tasks TASKS.jsonl               # labelstudio tasks' anchor
    python benchmarks/anchors.py export EXPORT.json --workers W  # labelstudio import's anchor
    python benchmarks/anchors.py extract ARTICLES.jsonl --workers W  # silver's anchor

Each imports only what it needs, and splits its input among W processes when W > 1, so that its
elapsed time can be set beside a stage running on as many processes; its CPU time is the work.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import orjson

# JSON read per block, about what the build gathers into one Parquet row group (hf.build.ROW_GROUP_BYTES).
BLOCK_BYTES = 16 * 1024 * 1024


def _spread(func: Callable[[list[Any]], int], items: list[Any], workers: int) -> int:
    """func over W interleaved shares of items, in W processes (here when W is 1)."""
    if workers <= 1:
        return func(items)
    with ProcessPoolExecutor(workers) as pool:
        return sum(pool.map(func, [items[i::workers] for i in range(workers)]))


def _parse_files(paths: list[str]) -> int:
    for path in paths:
        data = Path(path).read_bytes()
        if path.endswith(".json"):
            orjson.loads(data)
        else:
            data.decode("utf-8")
    return len(paths)


def parse(root: Path, workers: int) -> int:
    """Read every file of a corpus root: orjson-parse the JSON, UTF-8-decode the texts."""
    paths = [str(root / folder / name) for folder in ("corpus", "annotations") for name in os.listdir(root / folder)]
    return _spread(_parse_files, sorted(paths), workers)


def _arrow_files(jobs: list[tuple[Path, Path, Path]]) -> int:
    """Each (rows.jsonl, out.parquet, schema.parquet): pyarrow's JSON reader, then the build's writer settings."""
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    for rows, out, like in jobs:
        schema = pq.read_schema(like)
        options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
        reader = pj.open_json(rows, read_options=pj.ReadOptions(block_size=BLOCK_BYTES), parse_options=options)
        with pq.ParquetWriter(out, schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
    return len(jobs)


def arrow(rows: Path, out: Path, workers: int) -> int:
    """Write every rows/<config>/<part>.jsonl (labels already ids) as Parquet, with its config's schema."""
    jobs = []
    for config in sorted(p for p in rows.iterdir() if p.is_dir()):
        (out / config.name).mkdir(parents=True)
        like = config / "schema.parquet"
        jobs += [(part, out / config.name / f"{part.stem}.parquet", like) for part in sorted(config.glob("*.jsonl"))]
    return _spread(_arrow_files, jobs, workers)


def tasks(path: Path) -> int:
    """orjson-parse each task and dump it indented into one JSON array, into /dev/null: what `tasks` writes."""
    count = 0
    with path.open("rb") as lines, open(os.devnull, "wb") as dest:
        dest.write(b"[")
        for number, line in enumerate(lines):
            dest.write((b",\n" if number else b"\n") + orjson.dumps(orjson.loads(line), option=orjson.OPT_INDENT_2))
            count += 1
        dest.write(b"\n]\n")
    return count


def _export_share(share: tuple[str, int, int]) -> int:
    """Every `workers`-th task of the export, from the `index`-th on."""
    path, index, workers = share
    count = 0
    with open(path, "rb") as lines, open(os.devnull, "wb") as dest:
        for number, line in enumerate(lines):
            task = line.rstrip(b",\n")
            if task in (b"[", b"]") or number % workers != index:
                continue
            dest.write(orjson.dumps(orjson.loads(task)))
            count += 1
    return count


def _by_lines(func: Callable[[tuple[str, int, int]], int], path: Path, workers: int) -> int:
    """func over W shares (path, index, W) of a file's lines, in W processes (here when W is 1)."""
    shares = [(str(path), i, max(workers, 1)) for i in range(max(workers, 1))]
    if len(shares) == 1:
        return func(shares[0])
    with ProcessPoolExecutor(len(shares)) as pool:
        return sum(pool.map(func, shares))


def export(path: Path, workers: int) -> int:
    """orjson-parse the export task by task (one task per line) and dump each again, into /dev/null."""
    return _by_lines(_export_share, path, workers)


def _extract_share(share: tuple[str, int, int]) -> int:
    """The extractor (the pre-annotator) on every `workers`-th record of the archive, from the `index`-th on."""
    from conflict_news.core.taxonomy import load_taxonomy
    from conflict_news.grow.preannotate import preannotate

    path, index, workers = share
    taxonomy = load_taxonomy()
    count = 0
    with open(path, "rb") as lines:
        for number, line in enumerate(lines):
            if number % workers == index:
                preannotate(f"doc-{number}", orjson.loads(line)["text"], taxonomy)
                count += 1
    return count


def extract(path: Path, workers: int) -> int:
    """Run the default extractor on every text of an archive: silver's own work, without reading, checking or writing."""
    return _by_lines(_extract_share, path, workers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("anchor", choices=("parse", "arrow", "tasks", "export", "extract"))
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.anchor == "parse":
        done = parse(args.paths[0], args.workers)
    elif args.anchor == "arrow":
        done = arrow(args.paths[0], args.paths[1], args.workers)
    elif args.anchor == "tasks":
        done = tasks(args.paths[0])
    elif args.anchor == "export":
        done = export(args.paths[0], args.workers)
    else:
        done = extract(args.paths[0], args.workers)
    print(done, file=sys.stderr)
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
