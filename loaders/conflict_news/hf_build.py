"""`conflict-news build`: compile corpus/ + annotations/ into data/<config>/<split>-NNNNN-of-NNNNN.parquet.

The build validates every document as it reads it and, if any issue is found, reports them all
and leaves data/ alone. It writes into a temporary folder next to data/ and swaps it in only when
every shard is complete, so a failed or interrupted build leaves the previous data/ as it was.
Documents whose annotation is still `pending` (added, not yet annotated) are left out. Rows follow document id order, then
annotation-file order; with the same pyarrow the output is byte-identical from run to run.
The `standoff` flavour (standoff.py) writes the same configs into ROOT/standoff, without the texts
that may not be redistributed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features
from tqdm import tqdm

from .errors import CorpusError, Issue
from .hf_features import CONFIGS, make_label_encoder
from .hf_rows import make_rows
from .load import load_document
from .standoff import flavor_features, standoff_rows
from .store import list_doc_ids
from .taxonomy import load_taxonomy

# Far below Arrow's 2 GiB offset limit for one string or list column, and small enough to stream.
DEFAULT_MAX_SHARD_BYTES = 256 * 1024 * 1024


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


class _ShardWriter:
    """The shards of one config: a new shard starts before a row that would take it past the bound.

    Row size is measured as its JSON encoding, a stand-in for its uncompressed Arrow size; a single
    row larger than the bound gets a shard of its own.
    """

    def __init__(self, folder: Path, features: Features, max_bytes: int) -> None:
        self.folder = folder
        self.encode = make_label_encoder(features)
        self.schema = features.arrow_schema
        self.max_bytes = max_bytes
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.pending_bytes: dict[str, int] = {}
        self.parts: dict[str, list[Path]] = {}
        folder.mkdir(parents=True)

    def add(self, split: str, rows: list[dict[str, Any]]) -> None:
        pending = self.pending.setdefault(split, [])
        self.parts.setdefault(split, [])
        for row in rows:
            size = len(orjson.dumps(row))
            if pending and self.pending_bytes.get(split, 0) + size > self.max_bytes:
                self._flush(split)
            pending.append(self.encode(row))
            self.pending_bytes[split] = self.pending_bytes.get(split, 0) + size

    def _flush(self, split: str) -> None:
        path = self.folder / f"{split}.part{len(self.parts[split]):05d}"
        table = pa.Table.from_pylist(self.pending[split], schema=self.schema)
        pq.write_table(table, path, compression="zstd")
        self.parts[split].append(path)
        self.pending[split].clear()
        self.pending_bytes[split] = 0

    def close(self) -> None:
        for split, parts in self.parts.items():
            # A split with no rows still gets one empty shard, so every config lists every split.
            if self.pending[split] or not parts:
                self._flush(split)
            for index, part in enumerate(parts):
                part.rename(self.folder / shard_name(split, index, len(parts)))


def _swap_in(new: Path, dest: Path) -> None:
    old = new.with_name(new.name + ".old")
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)


def release_dir(root: Path | str, flavor: str = "full") -> Path:
    """Where a flavour is written: the corpus root itself (its card and data/) for `full`, ROOT/standoff else."""
    return Path(root) if flavor == "full" else Path(root) / "standoff"


def build_data(
    root: Path | str,
    *,
    flavor: str = "full",
    out: Path | str | None = None,
    max_shard_bytes: int | None = None,
    progress: bool = False,
) -> list[Path]:
    """Validate the corpus at `root` and (re)write OUT/data (OUT: release_dir); returns the shard paths written.

    Raises CorpusError with every validation issue of every document; data/ is then left untouched.
    """
    base = Path(root)
    dest = Path(out) if out is not None else release_dir(base, flavor)
    dest.mkdir(parents=True, exist_ok=True)
    tax = load_taxonomy()
    bound = max_shard_bytes or DEFAULT_MAX_SHARD_BYTES
    issues: list[Issue] = []
    staging = Path(tempfile.mkdtemp(prefix=".data.", dir=dest))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would otherwise become data/'s mode
        writers = {c: _ShardWriter(staging / c, flavor_features(c, tax, flavor), bound) for c in CONFIGS}
        for doc_id in tqdm(list_doc_ids(base), unit="doc", desc="build", disable=not progress):
            try:
                doc = load_document(base, doc_id)  # validates it: each document is read once
            except CorpusError as exc:
                issues.extend(exc.issues)
            if issues:  # from the first issue on, only validation goes on
                continue
            if doc.annotations.provenance.kind == "pending":
                continue  # added but not annotated yet: empty layers would read as "nothing here"
            rows = make_rows(doc)
            for config, config_rows in (standoff_rows(doc, rows) if flavor == "standoff" else rows).items():
                writers[config].add(doc.metadata.split, config_rows)
        if issues:
            raise CorpusError(issues)
        for writer in writers.values():
            writer.close()
        _swap_in(staging, dest / "data")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted((dest / "data").glob("*/*.parquet"))


def stale_data(root: Path | str) -> list[str]:
    """Shards and cards of both flavours (data/, standoff/) that a fresh build would write differently.

    Compared by content (Arrow schema with its metadata, and rows), not bytes: the bytes also
    record the pyarrow version that wrote them.
    """
    from .hf_card import render_card

    base = Path(root)
    stale: list[str] = []
    with tempfile.TemporaryDirectory(prefix="conflict-news-fresh-") as scratch:
        fresh = Path(scratch)
        for name in ("corpus", "annotations"):
            shutil.copytree(base / name, fresh / name)
        shutil.copy(base / "README.md", fresh / "README.md")
        for flavor in ("full", "standoff"):
            build_data(fresh, flavor=flavor)
            ours_dir, theirs_dir = release_dir(base, flavor), release_dir(fresh, flavor)
            ours = {p.relative_to(base).as_posix() for p in (ours_dir / "data").glob("*/*.parquet")}
            theirs = {p.relative_to(fresh).as_posix() for p in (theirs_dir / "data").glob("*/*.parquet")}
            stale += sorted(ours ^ theirs)
            for rel in sorted(ours & theirs):
                old, new = pq.read_table(base / rel), pq.read_table(fresh / rel)
                if not (old.schema.equals(new.schema, check_metadata=True) and old.equals(new)):
                    stale.append(rel)
            card = render_card(theirs_dir, flavor, base / "README.md")
            readme = ours_dir / "README.md"
            if not readme.exists() or card != readme.read_text(encoding="utf-8"):
                stale.append(readme.relative_to(base).as_posix())
    return stale
