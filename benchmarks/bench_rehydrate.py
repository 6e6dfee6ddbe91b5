"""Throughput of `conflict-news rehydrate` on a synthetic standoff release: N withheld variants of cnc-000001.

Usage: python benchmarks/bench_rehydrate.py [N]. Each document is the seed with a closing sentence
of its own; the sources are copies with curled quotes, changed spacing and a footer, under names
that do not give their id, so every one is matched by its sentences and re-aligned. Prints
documents per second for the rehydration alone.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from conflict_news.core.paths import locate_root
from conflict_news.core.textnorm import hash_text
from conflict_news.hf.build import build_data
from conflict_news.standoff.rehydrate import rehydrate


def make_corpus(dest: Path, copies: int) -> list[str]:
    """A corpus root of `copies` withheld documents; returns their texts."""
    source = locate_root()
    seed = (source / "corpus" / "cnc-000001.txt").read_text(encoding="utf-8")
    meta = json.loads((source / "corpus" / "cnc-000001.json").read_text(encoding="utf-8"))
    ann = json.loads((source / "annotations" / "cnc-000001.json").read_text(encoding="utf-8"))
    for folder in ("corpus", "annotations"):
        (dest / folder).mkdir(parents=True)
    texts = []
    for n in range(copies):
        doc_id, text = f"bench-{n:06d}", f"{seed}\n\nThis is benchmark copy number {n}."
        meta.update(id=doc_id, text_sha256=hash_text(text), text_length=len(text))
        ann.update(doc_id=doc_id, text_sha256=hash_text(text))
        (dest / "corpus" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (dest / "corpus" / f"{doc_id}.json").write_text(json.dumps(meta), encoding="utf-8")
        (dest / "annotations" / f"{doc_id}.json").write_text(json.dumps(ann), encoding="utf-8")
        texts.append(text)
    return texts


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        texts = make_corpus(root, copies)
        build_data(root, flavor="standoff")
        sources = Path(tmp) / "mine"
        sources.mkdir()
        for n, text in enumerate(texts):
            copy = text.replace('"', "\u201d").replace(". ", ".  ") + "\n\nShare this article. Follow us."
            (sources / f"article-{n}.txt").write_text(copy, encoding="utf-8")
        started = time.perf_counter()
        report = rehydrate(root / "standoff", sources, Path(tmp) / "out")
        elapsed = time.perf_counter() - started
        print(
            f"{copies} documents in {elapsed:.1f} s ({copies / elapsed:.0f} doc/s); "
            f"{len(report.realigned)} re-aligned, {len(report.moves)} spans moved"
        )


if __name__ == "__main__":
    main()
