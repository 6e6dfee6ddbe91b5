"""Throughput of `conflict-news build` on a synthetic corpus: N copies of cnc-000001 under new ids.

Usage: python benchmarks/bench_build.py [N] [MAX_SHARD_BYTES]. Prints documents per second for
validation + build, and the shards written. Copies get their split from `assign_split`, as new
documents would, so all three splits are exercised.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from conflict_news.hf_build import build_data
from conflict_news.paths import locate_root
from conflict_news.splits import assign_split


def make_corpus(dest: Path, copies: int) -> None:
    source = locate_root()
    meta = json.loads((source / "corpus" / "cnc-000001.json").read_text(encoding="utf-8"))
    ann = json.loads((source / "annotations" / "cnc-000001.json").read_text(encoding="utf-8"))
    for folder in ("corpus", "annotations"):
        (dest / folder).mkdir(parents=True)
    for n in range(copies):
        doc_id = f"bench-{n:06d}"
        shutil.copy(source / "corpus" / "cnc-000001.txt", dest / "corpus" / f"{doc_id}.txt")
        meta.update(id=doc_id, split=assign_split(doc_id))
        ann["doc_id"] = doc_id
        (dest / "corpus" / f"{doc_id}.json").write_text(json.dumps(meta), encoding="utf-8")
        (dest / "annotations" / f"{doc_id}.json").write_text(json.dumps(ann), encoding="utf-8")


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    max_bytes = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, copies)
        started = time.perf_counter()
        shards = build_data(root, max_shard_bytes=max_bytes)
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in shards)
        print(
            f"{copies} documents in {elapsed:.1f} s ({copies / elapsed:.0f} doc/s); {len(shards)} shards, {size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
