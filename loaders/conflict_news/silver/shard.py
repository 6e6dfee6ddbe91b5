"""What a worker does with one unit: scan it for duplicates, or annotate it into one shard of every config.

Both run wherever core.pool sends them (this process, a pool process, a Dask worker) and read and
write through fsspec, so a worker needs the package and access to the URLs, nothing else. A shard's
files are written under temporary names and renamed, then its completion marker is written the same
way: a shard without its marker is redone by the next run, and one with it never is.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import orjson

from ..core.articles import Article, decode_article
from ..core.errors import Issue, UsageError
from ..core.extras import require_extra
from ..core.guidelines import guidelines_version
from ..core.options import SPLITS
from ..core.pool import paused_gc
from ..core.store import RawDocument
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.validate import check_document
from ..grow.ingest import build_metadata
from ..hf.build import BATCH_DOCUMENTS, PENDING_BYTES, RowBatch, ShardWriter, limit_pending, open_writers
from ..hf.card import ARROW_BYTES
from ..hf.rows import make_rows
from ..standoff.flavor import standoff_rows
from .inputs import Unit, read_unit

with require_extra("hf"):
    import fsspec
    import pyarrow.parquet as pq

ID_PREFIX = "sil"
# Hex digits of the text's SHA-256 in a derived id: 80 bits, so that 10^8 texts collide with odds of 1 in 10^8.
ID_DIGITS = 20
MARKERS = ".silver/done"
Extractor = Callable[[str, str, Taxonomy], dict[str, Any]]


def derived_id(text: str) -> str:
    return f"{ID_PREFIX}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:ID_DIGITS]}"


def _key(value: str) -> bytes:
    """16 bytes standing for a text or an id in the duplicate check (the client keeps one per record)."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest()


@cache
def load_extractor(spec: str) -> Extractor:
    """The callable MODULE:FUNCTION names: (doc_id, text, taxonomy) -> an annotation in the schema."""
    module, _, name = spec.partition(":")
    try:
        found: Extractor = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise UsageError(f"--extractor {spec}: not an importable MODULE:FUNCTION ({exc})") from exc
    return found


def extractor_name(spec: str) -> str:
    """`spec` and the version of the package it comes from: what every silver row's provenance names."""
    load_extractor(spec)
    top = spec.partition(":")[0].split(".")[0]
    version = getattr(sys.modules[top], "__version__", None)
    if version is None:
        dists = importlib.metadata.packages_distributions().get(top, [])
        version = importlib.metadata.version(dists[0]) if dists else "unversioned"
    return f"{spec} {version}"


@dataclass(frozen=True, slots=True)
class Job:
    """Shard `index` of `count`: its unit, and which of the unit's articles are duplicates (index -> code)."""

    unit: Unit
    index: int
    count: int
    out: str
    extractor: str  # MODULE:FUNCTION
    annotator: str  # extractor_name(extractor), as the provenance says it
    added: str
    text_column: str
    skips: dict[int, str] = field(default_factory=dict)


def scan(unit: Unit, text_column: str) -> tuple[int, list[tuple[bytes, bytes] | None]]:
    """The unit's JSONL line count, and per article the keys of its text and id (None: not readable)."""
    articles, _, lines = read_unit(unit, text_column)
    keys: list[tuple[bytes, bytes] | None] = []
    for article in articles:
        text, _problem = decode_article(article)
        keys.append(None if text is None else (_key(text), _key(article.doc_id or derived_id(text))))
    return lines, keys


def marker_path(out: str, index: int) -> str:
    """Where shard `index`'s completion marker lives, in the output's file system."""
    return f"{out}/{MARKERS}/{index:05d}.json"


def put_atomic(fs: fsspec.AbstractFileSystem, path: str, write: Callable[[str], None]) -> None:
    """write(temporary path) beside `path`, then rename it to `path`: readers see the old file or the new."""
    folder, name = path.rsplit("/", 1)
    fs.makedirs(folder, exist_ok=True)
    temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
    write(temporary)
    fs.mv(temporary, path)


def annotate(job: Job) -> dict[str, Any]:
    """Annotate the job's unit and write its shard of every config and split, then its marker; the marker's content.

    The marker holds the shard's split sizes (for the card) and the issue of every record left out.
    """
    taxonomy = load_taxonomy()
    extract = load_extractor(job.extractor)
    articles, issues, _ = read_unit(job.unit, job.text_column)
    records = len(articles) + len(issues)  # an unreadable record has one issue
    fs, out = fsspec.core.url_to_fs(job.out)
    sizes: dict[str, dict[str, list[int]]] = {}
    documents = 0
    with tempfile.TemporaryDirectory(prefix="conflict-news-silver-") as scratch, paused_gc():
        # No size bound: a unit is a shard, whatever its size (the unit size bounds it).
        writers = open_writers(Path(scratch), "full", sys.maxsize)
        for writer in writers.values():
            # Every shard writes every split, even one it has no rows of, so that a split's files are numbered
            # without gaps. A worker cannot tell whether any shard has rows of a split: the run removes the
            # files of one that is empty in every shard (silver.run._write_release).
            for split in SPLITS:
                writer.add(split, writer.schema.empty_table(), [])
        batch = RowBatch()
        for index, article in enumerate(articles):
            made = _document(article, job, job.skips.get(index), taxonomy, extract)
            if isinstance(made, list):
                issues += made
                continue
            batch.add(made["documents"][0]["metadata"]["split"], made)
            documents += 1
            if documents % BATCH_DOCUMENTS == 0:
                _flush(batch, writers)
                batch = RowBatch()
        _flush(batch, writers)
        for config, writer in writers.items():
            writer.close()
            for local in sorted((Path(scratch) / config).glob("*.parquet")):
                written = local.name.split("-", 1)[0]  # the split of the shard
                footer = pq.read_metadata(local)
                sizes.setdefault(config, {})[written] = [footer.num_rows, int(footer.metadata[ARROW_BYTES.encode()])]
                target = f"{out}/data/{config}/{written}-{job.index:05d}-of-{job.count:05d}.parquet"
                put_atomic(fs, target, partial(fs.put_file, str(local)))
    marker = {"shard": job.index, "records": records, "documents": documents, "sizes": sizes,
              "issues": [issue.to_dict() for issue in issues]}  # fmt: skip
    data = orjson.dumps(marker, option=orjson.OPT_SORT_KEYS)
    put_atomic(fs, marker_path(out, job.index), lambda temporary: fs.pipe_file(temporary, data))
    return marker


def _flush(batch: RowBatch, writers: dict[str, ShardWriter]) -> None:
    for config, split, table, row_sizes in batch.tables("full"):
        writers[config].add(split, table, row_sizes)
    limit_pending(writers, PENDING_BYTES)


def _document(
    article: Article, job: Job, skip: str | None, taxonomy: Taxonomy, extract: Extractor
) -> dict[str, list[dict[str, Any]]] | list[Issue]:
    """The rows of one article, or the issues that leave it out."""

    def refuse(code: str, path: str, message: str) -> list[Issue]:
        return [Issue(code=code, file=article.origin, message=message, **article.where(path))]

    text, problem = decode_article(article)
    if problem is not None or text is None:
        return [problem] if problem else []
    doc_id = article.doc_id or derived_id(text)
    if skip == "duplicate-document":
        return refuse(skip, "$", "the same text as an earlier record of the input; left out")
    if skip == "id-taken":
        return refuse(skip, "$.id", f"id {doc_id!r} is already used by an earlier record of the input; left out")
    metadata = build_metadata(article, doc_id, text, job.added)
    try:
        predicted = extract(doc_id, text, taxonomy)
    except Exception as exc:  # one document's failure must not end a run over millions: it is reported
        return refuse("extractor-error", "$", f"{job.extractor} raised {type(exc).__name__}: {exc}")
    guidelines = predicted.get("provenance", {}).get("guidelines", guidelines_version())
    annotation = {**predicted, "provenance": {"kind": "prediction", "annotators": [job.annotator],
                                              "guidelines": guidelines}}  # fmt: skip
    found = check_document(Path("."), RawDocument(doc_id, text, metadata, annotation), taxonomy)
    if found:
        return [
            Issue(code=i.code, file=article.origin, **article.where(i.path or "$"), ann_id=i.ann_id,
                  message=f"{i.message} (in the {'metadata' if i.file.startswith('corpus/') else 'prediction'} of {doc_id})")
            for i in found
        ]  # fmt: skip
    return standoff_rows(text, metadata, make_rows(doc_id, text, metadata, annotation), canonical=False, publish=False)
