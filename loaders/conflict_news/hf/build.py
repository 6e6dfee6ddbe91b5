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

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache, partial
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from ..core.errors import CorpusError, Issue
from ..core.extras import require_extra
from ..core.fastcheck import Labels
from ..core.options import CONFIGS, FLAVORS, Config, Flavor, check_choice
from ..core.paths import check_root
from ..core.pool import count_workers, map_in_order, paused_gc
from ..core.store import list_doc_ids, read_regular
from ..core.taxonomy import load_taxonomy
from ..core.txn import Transaction, locked, step, writing
from ..core.validate import read_checked_document
from ..standoff.flavor import standoff_rows
from .card import ARROW_BYTES
from .features import flavor_features
from .labels import write_label_table
from .rows import FLAT, LAYERS, make_rows

with require_extra("hf"):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj
    import pyarrow.parquet as pq
    from datasets import ClassLabel, Features, List, Value

# Far below Arrow's 2 GiB offset limit for one string or list column, and small enough to stream.
DEFAULT_MAX_SHARD_BYTES = 256 * 1024 * 1024
# Documents encoded together: one Arrow table per config and split, gathered into row groups. Fixed,
# so that the output is the same whatever the worker count; small, so that memory stays flat in N.
BATCH_DOCUMENTS = 64
# Encoding a document costs ~7 ms, 30 times what validating alone does: a pool pays off much sooner.
POOL_THRESHOLD = 200
# What every row of a per-annotation config says of its document, which a document row says once.
ROW_KEYS = ("doc_id", "annotation_status", "text_status")
# Rows (JSON bytes) per Parquet row group: large enough to compress well, small enough to stay flat.
ROW_GROUP_BYTES = 16 * 1024 * 1024
# Rows held for row groups over all configs and splits of a build, checked after each batch (so
# exceeded by at most one batch's rows meanwhile): the largest pending group is written first, below
# ROW_GROUP_BYTES if it must (the output grows ~3 % at 10 000 documents). Without it, 6 configs x 3
# splits held up to 18 x 16 MiB, and the writing process grew with N. Silver: per shard job.
PENDING_BYTES = 96 * 1024 * 1024


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass(frozen=True, slots=True)
class Encoded:
    """One batch of documents: its issues, or per config and split an Arrow table and each row's size.

    The tables travel as Arrow IPC streams, from a worker or from this process alike, so that the
    writer always gets the same buffers and the shards are the same bytes whatever the worker count.
    """

    issues: list[Issue]
    streams: dict[str, dict[str, tuple[bytes, list[int]]]]

    def tables(self) -> Iterator[tuple[str, str, pa.Table, list[int]]]:
        for config, splits in self.streams.items():
            for split, (stream, sizes) in splits.items():
                yield config, split, pa.ipc.open_stream(stream).read_all(), sizes


def encode_batch(root: Path, doc_ids: list[str], flavor: Flavor, publish: bool = True) -> Encoded:
    """Validate and turn a batch of documents into Arrow tables (in a worker process when there are several).

    Rows are made from the validated records. The per-annotation configs are dumped as JSON lines
    (label names as strings) and read by pyarrow's JSON reader with their schema, then label names
    become ids column by column; `spans_bio` is built column by column; a `documents` row's layers
    are the rows of the per-annotation tables, gathered by list offsets rather than parsed twice. A
    row's size, for the shard bound, is the length of its JSON encoding. `publish=False` keeps every text
    (see standoff_rows): a build of one's own copies that will not be shipped.
    """
    flavor = check_choice("flavor", flavor, FLAVORS)
    with paused_gc():  # see pool.paused_gc
        taxonomy = load_taxonomy()
        labels = Labels.of(taxonomy)
        issues: list[Issue] = []
        batch = RowBatch()
        for doc_id in doc_ids:
            # each document is read once, and validated (by the validator's fast path where it can vouch)
            raw, found = read_checked_document(root, doc_id, taxonomy, labels)
            issues += found
            if issues:  # from the first issue on, only validation goes on
                continue
            assert raw.text is not None  # a document without text has issues
            if raw.annotation["provenance"]["kind"] == "pending":
                continue  # added but not annotated yet: empty layers would read as "nothing here"
            made = make_rows(doc_id, raw.text, raw.metadata, raw.annotation)
            shipped = standoff_rows(raw.text, raw.metadata, made, canonical=flavor == "standoff", publish=publish)
            batch.add(raw.metadata["split"], shipped)
        if issues:
            return Encoded(issues, {})
        streams: dict[str, dict[str, tuple[bytes, list[int]]]] = {}
        for config, split, table, sizes in batch.tables(flavor):
            streams.setdefault(config, {})[split] = (_stream(table), sizes)
        return Encoded([], streams)


class RowBatch:
    """The rows of a batch of documents per config and split, with what each config's table is built from."""

    def __init__(self) -> None:
        self.lines: dict[str, dict[str, list[bytes]]] = {config: {} for config in CONFIGS}
        self.bio: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, dict[str, list[int]]] = {}  # split -> layer -> rows of each document
        self.sizes: dict[str, dict[str, list[int]]] = {config: {} for config in CONFIGS}

    def add(self, split: str, made: dict[str, list[dict[str, Any]]]) -> None:
        for config in FLAT:
            lines = list(map(orjson.dumps, made[config]))
            self.lines[config].setdefault(split, []).extend(lines)
            self.sizes[config].setdefault(split, []).extend(map(len, lines))
            self.counts.setdefault(split, {}).setdefault(config, []).append(len(lines))
        (document,) = made["documents"]
        self.sizes["documents"].setdefault(split, []).append(len(orjson.dumps(document)))
        alone = {key: value for key, value in document.items() if key not in LAYERS}
        self.lines["documents"].setdefault(split, []).append(orjson.dumps(alone))
        self.bio.setdefault(split, []).extend(made["spans_bio"])
        self.sizes["spans_bio"].setdefault(split, []).extend(len(orjson.dumps(row)) for row in made["spans_bio"])

    def tables(self, flavor: Flavor) -> Iterator[tuple[str, str, pa.Table, list[int]]]:
        """(config, split, Arrow table, each row's size) of every config and split the batch has rows of."""
        tables: dict[str, dict[str, pa.Table]] = {config: {} for config in CONFIGS}
        for split, counts in self.counts.items():
            for config in FLAT:
                tables[config][split] = _codec(flavor, config).from_json(self.lines[config][split])
            layers = {layer: (tables[layer][split], counts[layer]) for layer in LAYERS}
            tables["documents"][split] = _codec(flavor, "documents").documents(self.lines["documents"][split], layers)
            tables["spans_bio"][split] = _codec(flavor, "spans_bio").from_columns(self.bio.get(split, []))
        for config, splits in tables.items():
            for split, table in splits.items():
                yield config, split, table, self.sizes[config][split]


class _Codec:
    """Rows of one config -> its Arrow table, with label names turned into ClassLabel ids.

    JSON lines are parsed by pyarrow's JSON reader against the config's schema with every ClassLabel
    field read as a string; the names become ids column by column (pyarrow.compute.index_in), nested
    lists and structs rebuilt around them, and the result is cast to the Features' own schema,
    metadata included.
    """

    def __init__(self, features: Features, nested: tuple[str, ...] = ()) -> None:
        self.features = features
        self.schema = features.arrow_schema
        self.nested = nested  # columns gathered from other tables (the layers of `documents`), not read
        self.labelled = {name: f for name, f in features.items() if _has_labels(f) and name not in nested}
        own = {name: f for name, f in features.items() if name not in nested}
        self.read_as = Features({name: _as_strings(f) for name, f in own.items()}).arrow_schema

    def _finish(self, columns: dict[str, pa.Array | pa.ChunkedArray]) -> pa.Table:
        arrays = [
            _encode_labels(_whole(columns[name]), self.labelled[name]) if name in self.labelled
            else columns[name] for name in self.schema.names
        ]  # fmt: skip
        return pa.Table.from_arrays(arrays, names=self.schema.names).cast(self.schema)

    def _read(self, lines: list[bytes]) -> pa.Table:
        if not lines:  # e.g. a batch without figures: pyarrow's reader refuses empty input
            return self.read_as.empty_table()
        data = b"\n".join(lines)
        return pj.read_json(
            pa.BufferReader(data),
            read_options=pj.ReadOptions(use_threads=False, block_size=len(data) + 1),
            parse_options=pj.ParseOptions(explicit_schema=self.read_as, unexpected_field_behavior="error"),
        )

    def from_json(self, lines: list[bytes]) -> pa.Table:
        read = self._read(lines)
        return self._finish({name: read.column(name) for name in read.column_names})

    def from_columns(self, rows: list[dict[str, Any]]) -> pa.Table:
        """Rows of lists and scalars (spans_bio) straight into columns: nothing to parse."""
        columns = {
            name: pa.array([row[name] for row in rows], self.read_as.field(name).type) for name in self.read_as.names
        }
        return self._finish(columns)

    def documents(self, lines: list[bytes], layers: dict[str, tuple[pa.Table, list[int]]]) -> pa.Table:
        """Document rows: their own fields from JSON, each layer the rows of its table, by offsets."""
        read = self._read(lines)
        columns: dict[str, pa.Array | pa.ChunkedArray] = {name: read.column(name) for name in read.column_names}
        for layer, (table, counts) in layers.items():
            members = [name for name in table.column_names if name not in ROW_KEYS]
            items = pa.StructArray.from_arrays([_whole(table.column(name)) for name in members], names=members)
            offsets = pa.array(list(accumulate(counts, initial=0)), pa.int32())
            columns[layer] = pa.ListArray.from_arrays(offsets, items)
        return self._finish(columns)


def _stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return bytes(sink.getvalue())


def _whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


@cache
def _codec(flavor: Flavor, config: Config) -> _Codec:
    return _Codec(flavor_features(config, load_taxonomy(), flavor), LAYERS if config == "documents" else ())


def _as_strings(feature: Any) -> Any:
    """The feature with every ClassLabel read as its name (a string)."""
    if isinstance(feature, ClassLabel):
        return Value("string")
    if isinstance(feature, List):
        return List(_as_strings(feature.feature))
    if isinstance(feature, dict):
        return {key: _as_strings(sub) for key, sub in feature.items()}
    return feature


def _has_labels(feature: Any) -> bool:
    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, List):
        return _has_labels(feature.feature)
    return isinstance(feature, dict) and any(_has_labels(sub) for sub in feature.values())


def _encode_labels(array: pa.Array, feature: Any) -> pa.Array:
    """`array` (read with label names) with every ClassLabel's names turned into their ids."""
    if isinstance(feature, ClassLabel):
        return pc.index_in(array, value_set=pa.array(feature.names, pa.string()))
    if isinstance(feature, List):
        values = _encode_labels(array.values, feature.feature)
        return pa.ListArray.from_arrays(array.offsets, values, mask=array.is_null() if array.null_count else None)
    if isinstance(feature, dict) and _has_labels(feature):
        fields = [
            _encode_labels(array.field(key), sub) if _has_labels(sub) else array.field(key)
            for key, sub in feature.items()
        ]
        return pa.StructArray.from_arrays(
            fields, names=list(feature), mask=array.is_null() if array.null_count else None
        )
    return array


class ShardWriter:
    """The shards of one config: a new shard starts before a row that would take it past the bound.

    Tables are gathered per split into row groups of up to about ROW_GROUP_BYTES (a batch holds few
    rows of the small splits, and small row groups compress badly), written sooner when limit_pending
    says so; a single row larger than the bound gets a shard of its own.
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
        self.arrow_bytes: dict[str, int] = {}
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
                    self.write_group(split)
            if end < len(sizes):
                self._close_shard(split)
            start = end

    def _writer(self, split: str) -> pq.ParquetWriter:
        if split not in self.writers:
            parts = self.parts[split]
            parts.append(self.folder / f"{split}.part{len(parts):05d}")
            self.writers[split] = pq.ParquetWriter(parts[-1], self.schema, compression="zstd")
        return self.writers[split]

    def write_group(self, split: str) -> None:
        tables = self.pending.pop(split, [])
        self.pending_bytes[split] = 0
        if tables:
            table = pa.concat_tables(tables)
            self.arrow_bytes[split] = self.arrow_bytes.get(split, 0) + table.nbytes
            self._writer(split).write_table(table)

    def _close_shard(self, split: str) -> None:
        self.write_group(split)
        writer = self.writers.pop(split)
        # What the rows take in memory, for the card's split sizes: read from the footer, not the rows.
        writer.add_key_value_metadata({ARROW_BYTES: str(self.arrow_bytes.pop(split, 0))})
        writer.close()
        self.shard_bytes[split] = 0

    def close(self) -> None:
        for split, parts in self.parts.items():
            if split in self.writers or self.pending.get(split):
                self._close_shard(split)
            if not parts:  # a split with no rows still gets one empty shard, so every config lists every split
                self._writer(split)  # and no row group: `datasets` takes a 0-row group's size as its batch size
                self._close_shard(split)
            for index, part in enumerate(parts):
                part.rename(self.folder / shard_name(split, index, len(parts)))
                step()


def limit_pending(writers: dict[str, ShardWriter], limit: int) -> None:
    """Write the largest pending row group, then the next, until the rows all `writers` hold fit `limit`."""
    held = {(config, split): n for config, w in writers.items() for split, n in w.pending_bytes.items() if n}
    total = sum(held.values())
    while total > limit:
        config, split = max(held, key=held.__getitem__)  # ties: the first, so the bytes depend on the rows alone
        total -= held.pop((config, split))
        writers[config].write_group(split)


def open_writers(folder: Path, flavor: Flavor, max_bytes: int) -> dict[str, ShardWriter]:
    """A ShardWriter per config, each into folder/<config>/."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    return {config: ShardWriter(folder / config, _codec(flavor, config).schema, max_bytes) for config in CONFIGS}


def _encoded_batches(
    root: Path, doc_ids: list[str], flavor: Flavor, publish: bool, workers: int, scheduler: str | None
) -> Iterator[Encoded]:
    """Encoded batches in document order, from `workers` processes when there are several, or from a Dask cluster."""
    batches = [doc_ids[i : i + BATCH_DOCUMENTS] for i in range(0, len(doc_ids), BATCH_DOCUMENTS)]
    # Absolute: a cluster's workers do not share this process's working folder.
    return map_in_order(
        partial(encode_batch, root.absolute(), flavor=flavor, publish=publish), batches, workers, scheduler
    )


def release_dir(root: Path | str, flavor: Flavor = "full") -> Path:
    """Where a flavour is written: the corpus root itself (its card and data/) for `full`, ROOT/standoff for `standoff`."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    return Path(root) / "standoff" if flavor == "standoff" else Path(root)


def build_data(
    root: Path | str,
    *,
    flavor: Flavor = "full",
    out: Path | str | None = None,
    max_shard_bytes: int | None = None,
    progress: bool = False,
    workers: int | None = None,
    card_template: Path | None = None,
    scheduler: str | None = None,
    publish: bool = True,
) -> list[Path]:
    """Validate the corpus at `root` and (re)write OUT/data (OUT: release_dir); returns the shard paths written.

    `workers` processes read, validate and encode the documents (default: all cores from
    POOL_THRESHOLD documents on), or the workers of the Dask cluster at `scheduler`, which must see
    `root` at the same path; this process writes the shards in document order, so the bytes are the
    same whatever does the encoding. With `card_template` (the README.md whose front matter and body
    the card keeps), OUT/README.md is rewritten in the same transaction: data/ and its card change
    together or not at all.

    The root's write lock is held throughout. Raises CorpusError with every validation issue of
    every document (or a card that cannot be read); data/ is then left untouched. Raises UsageError,
    before anything is read or written, for a flavour other than `full` and `standoff`.

    A release withholds the texts whose policy is `standoff` in both flavours; `publish=False` keeps
    them, for a build that stays with the owner of the texts (one rehydrated from one's own copies).
    """
    flavor = check_choice("flavor", flavor, FLAVORS)
    base = check_root(root)
    dest = Path(out) if out is not None else release_dir(base, flavor)
    if os.path.lexists(dest) and not dest.is_dir():
        raise CorpusError(
            [Issue(code="option-invalid", file="--out", path="$",
                   message=f"{dest} is a file or a link to nothing, not a folder")]
        )  # fmt: skip
    bound = max_shard_bytes or DEFAULT_MAX_SHARD_BYTES
    issues: list[Issue] = []
    with writing(str(dest)):
        dest.mkdir(parents=True, exist_ok=True)
    # What the shards, the label table and the card meet when written (a full disk): nothing changed.
    with ExitStack() as held, writing(f"{dest.name or dest}/data"):
        held.enter_context(locked(base))
        held.enter_context(locked(dest))
        txn = held.enter_context(Transaction(dest))
        staging = txn.add_folder(dest / "data")
        writers = open_writers(staging, flavor, bound)
        doc_ids = list_doc_ids(base)
        count = count_workers(workers, len(doc_ids), POOL_THRESHOLD)
        with tqdm(total=len(doc_ids), unit="doc", desc="build", disable=not progress) as bar:
            for encoded in _encoded_batches(base, doc_ids, flavor, publish, count, scheduler):
                issues += encoded.issues
                if not issues:
                    for config, split, table, sizes in encoded.tables():
                        writers[config].add(split, table, sizes)
                    limit_pending(writers, PENDING_BYTES)
                bar.update(BATCH_DOCUMENTS)
        if issues:
            raise CorpusError(issues)
        for writer in writers.values():
            writer.close()
        write_label_table(staging, flavor)
        if card_template is not None:
            from ..core.crosswalk import render_crosswalk
            from .attribution import ATTRIBUTION, render_attribution
            from .card import render_card

            pages = {dest / "README.md": render_card(dest, flavor, card_template, data=staging)}
            if flavor == "full":
                pages[dest / ATTRIBUTION] = render_attribution(base)
                pages |= {dest / path: text for path, text in render_crosswalk().items()}
            for path, text in pages.items():
                if not path.exists() or read_regular(path, path.relative_to(dest).as_posix()) != text.encode("utf-8"):
                    # its folder (docs/) is made at the commit point, so a kill before it leaves none behind
                    txn.add_file(path, text.encode("utf-8"), replace=True)
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
        for flavor in FLAVORS:
            build_data(fresh, flavor=flavor)
            ours_dir, theirs_dir = release_dir(base, flavor), release_dir(fresh, flavor)
            ours = {p.relative_to(base).as_posix() for p in (ours_dir / "data").rglob("*.parquet")}
            theirs = {p.relative_to(fresh).as_posix() for p in (theirs_dir / "data").rglob("*.parquet")}
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
