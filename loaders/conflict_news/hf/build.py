"""`conflict-news build`: compile corpus/ + annotations/ into data/<config>/<split>-NNNNN-of-NNNNN.parquet.

The build validates every document as it reads it and, if any issue is found, reports them all
and leaves data/ alone. It writes into a staging folder of a transaction (core.txn) and puts it in
the place of data/, together with the card, only when every shard is complete, so a failed or
killed build leaves the previous data/ and card as they were (or, recovered, the new ones).
Documents whose annotation is still `pending` (added, not yet annotated) are left out. Rows follow document id order, then
annotation-file order; with the same pyarrow the output is byte-identical from run to run.
The `standoff` flavour (standoff.py) writes the same configs into ROOT/standoff, without the texts
that may not be redistributed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from ..core.errors import CorpusError, Issue
from ..core.load import load_document
from ..core.pool import count_workers, map_in_order, paused_gc
from ..core.store import list_doc_ids, read_regular
from ..core.taxonomy import load_taxonomy
from ..core.txn import Transaction, locked, step
from ..standoff.flavor import standoff_rows
from .features import CONFIGS, flavor_features, make_label_encoder
from .rows import make_rows

# Far below Arrow's 2 GiB offset limit for one string or list column, and small enough to stream.
DEFAULT_MAX_SHARD_BYTES = 256 * 1024 * 1024
# Documents encoded together: one Arrow table per config and split, and one Parquet row group. Fixed,
# so that the output is the same whatever the worker count; small, so that memory stays flat in N.
BATCH_DOCUMENTS = 64
# Encoding a document costs ~7 ms, 30 times what validating alone does: a pool pays off much sooner.
POOL_THRESHOLD = 200
# Rows (JSON bytes) per Parquet row group: large enough to compress well, small enough to stay flat.
ROW_GROUP_BYTES = 16 * 1024 * 1024


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass(frozen=True, slots=True)
class Encoded:
    """One batch of documents: its issues, or per config and split an Arrow table and each row's size."""

    issues: list[Issue]
    tables: dict[str, dict[str, tuple[pa.Table, list[int]]]]


@cache
def _encoders(flavor: str) -> dict[str, tuple[Callable[[Any], Any], pa.Schema]]:
    tax = load_taxonomy()
    encoders = {}
    for config in CONFIGS:
        features = flavor_features(config, tax, flavor)
        encoders[config] = (make_label_encoder(features), features.arrow_schema)
    return encoders


def encode_batch(root: Path, doc_ids: list[str], flavor: str) -> Encoded:
    """Validate and turn a batch of documents into Arrow tables (in a worker process when there are several).

    Row size is measured as its JSON encoding, a stand-in for its uncompressed Arrow size.
    """
    with paused_gc():  # see pool.paused_gc
        issues: list[Issue] = []
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {config: {} for config in CONFIGS}
        for doc_id in doc_ids:
            try:
                doc = load_document(root, doc_id)  # validates it: each document is read once
            except CorpusError as exc:
                issues.extend(exc.issues)
            if issues:  # from the first issue on, only validation goes on
                continue
            if doc.annotations.provenance.kind == "pending":
                continue  # added but not annotated yet: empty layers would read as "nothing here"
            made = make_rows(doc)
            for config, config_rows in (standoff_rows(doc, made) if flavor == "standoff" else made).items():
                rows[config].setdefault(doc.metadata.split, []).extend(config_rows)
        if issues:
            return Encoded(issues, {})
        tables: dict[str, dict[str, tuple[pa.Table, list[int]]]] = {}
        for config, splits in rows.items():
            encode, schema = _encoders(flavor)[config]
            tables[config] = {
                split: (
                    pa.Table.from_pylist([encode(r) for r in split_rows], schema=schema),
                    [len(orjson.dumps(r)) for r in split_rows],
                )
                for split, split_rows in splits.items()
            }
        return Encoded([], tables)


class _ShardWriter:
    """The shards of one config: a new shard starts before a row that would take it past the bound.

    Tables are gathered per split into row groups of about ROW_GROUP_BYTES (a batch holds few rows of
    the small splits, and small row groups compress badly); a single row larger than the bound gets
    a shard of its own.
    """

    def __init__(self, folder: Path, schema: pa.Schema, max_bytes: int) -> None:
        self.folder = folder
        self.schema = schema
        self.max_bytes = max_bytes
        self.shard_bytes: dict[str, int] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.parts: dict[str, list[Path]] = {}
        self.pending: dict[str, list[pa.Table]] = {}
        self.pending_bytes: dict[str, int] = {}
        folder.mkdir(parents=True)

    def add(self, split: str, table: pa.Table, sizes: list[int]) -> None:
        self.parts.setdefault(split, [])
        start = 0
        while start < len(sizes):
            used = self.shard_bytes.get(split, 0)
            end, taken = start, 0
            while end < len(sizes) and (used + taken + sizes[end] <= self.max_bytes or (end == start and not used)):
                taken += sizes[end]
                end += 1
            if end > start:
                self.pending.setdefault(split, []).append(table.slice(start, end - start))
                self.pending_bytes[split] = self.pending_bytes.get(split, 0) + taken
                self.shard_bytes[split] = used + taken
                if self.pending_bytes[split] >= ROW_GROUP_BYTES:
                    self._write_group(split)
            if end < len(sizes):
                self._close_shard(split)
            start = end

    def _writer(self, split: str) -> pq.ParquetWriter:
        if split not in self.writers:
            parts = self.parts[split]
            parts.append(self.folder / f"{split}.part{len(parts):05d}")
            self.writers[split] = pq.ParquetWriter(parts[-1], self.schema, compression="zstd")
        return self.writers[split]

    def _write_group(self, split: str) -> None:
        tables = self.pending.pop(split, [])
        self.pending_bytes[split] = 0
        if tables:
            self._writer(split).write_table(pa.concat_tables(tables))

    def _close_shard(self, split: str) -> None:
        self._write_group(split)
        self.writers.pop(split).close()
        self.shard_bytes[split] = 0

    def close(self) -> None:
        for split, parts in self.parts.items():
            if split in self.writers or self.pending.get(split):
                self._close_shard(split)
            if not parts:  # a split with no rows still gets one empty shard, so every config lists every split
                self._writer(split).write_table(self.schema.empty_table())
                self._close_shard(split)
            for index, part in enumerate(parts):
                part.rename(self.folder / shard_name(split, index, len(parts)))
                step()


def _encoded_batches(root: Path, doc_ids: list[str], flavor: str, workers: int) -> Iterator[Encoded]:
    """Encoded batches in document order, from `workers` processes when there are several."""
    batches = [doc_ids[i : i + BATCH_DOCUMENTS] for i in range(0, len(doc_ids), BATCH_DOCUMENTS)]
    return map_in_order(partial(encode_batch, root, flavor=flavor), batches, workers)


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
    workers: int | None = None,
    card_template: Path | None = None,
) -> list[Path]:
    """Validate the corpus at `root` and (re)write OUT/data (OUT: release_dir); returns the shard paths written.

    `workers` processes read, validate and encode the documents (default: all cores from
    POOL_THRESHOLD documents on); this process writes the shards in document order. With
    `card_template` (the README.md whose front matter and body the card keeps), OUT/README.md is
    rewritten in the same transaction: data/ and its card change together or not at all.

    The root's write lock is held throughout. Raises CorpusError with every validation issue of
    every document (or a card that cannot be read); data/ is then left untouched.
    """
    base = Path(root)
    dest = Path(out) if out is not None else release_dir(base, flavor)
    if dest.exists() and not dest.is_dir():
        raise CorpusError(
            [Issue(code="option-invalid", file="--out", path="$", message=f"{dest} is a file, not a folder")]
        )
    bound = max_shard_bytes or DEFAULT_MAX_SHARD_BYTES
    issues: list[Issue] = []
    dest.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        held.enter_context(locked(base))
        held.enter_context(locked(dest))
        txn = held.enter_context(Transaction(dest))
        staging = txn.add_folder(dest / "data")
        writers = {c: _ShardWriter(staging / c, _encoders(flavor)[c][1], bound) for c in CONFIGS}
        doc_ids = list_doc_ids(base)
        count = count_workers(workers, len(doc_ids), POOL_THRESHOLD)
        with tqdm(total=len(doc_ids), unit="doc", desc="build", disable=not progress) as bar:
            for encoded in _encoded_batches(base, doc_ids, flavor, count):
                issues += encoded.issues
                if not issues:
                    for config, splits in encoded.tables.items():
                        for split, (table, sizes) in splits.items():
                            writers[config].add(split, table, sizes)
                bar.update(BATCH_DOCUMENTS)
        if issues:
            raise CorpusError(issues)
        for writer in writers.values():
            writer.close()
        if card_template is not None:
            from .card import render_card

            card = render_card(dest, flavor, card_template, data=staging).encode("utf-8")
            readme = dest / "README.md"
            if not readme.exists() or read_regular(readme, "README.md") != card:
                txn.add_file(readme, card, replace=True)
        txn.commit()
    return sorted((dest / "data").glob("*/*.parquet"))


def stale_data(root: Path | str) -> list[str]:
    """Shards and cards of both flavours (data/, standoff/) that a fresh build would write differently.

    Compared by content (Arrow schema with its metadata, and rows), not bytes: the bytes also
    record the pyarrow version that wrote them.
    """
    from .card import render_card

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
