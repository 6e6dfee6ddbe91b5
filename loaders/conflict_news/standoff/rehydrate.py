"""`conflict-news rehydrate`: a standoff release plus the user's own copies of the articles -> a full corpus root.

Each source article is normalised exactly as `add` does (core.articles.decode_article: HTML extraction,
rule cnc-norm-1) and matched to a withheld document by its SHA-256; a copy that differs is
matched by URL, by id (a JSONL `id`, or the file name <doc_id>.txt) or by the share of the
document's sentence hashes it contains, and its spans are re-placed (realign.py). Every span that moved is reported; a span that
cannot be placed exactly, a document without a source and a source that matches no document are
issues, and then nothing is written. The output (corpus/ + annotations/) is validated before it
is written, all files or none (one transaction, under the write lock of the output folder).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..core.articles import Article, decode_article, read_inputs
from ..core.checks import iter_spans
from ..core.errors import CorpusError, Issue, UsageError
from ..core.extras import require_extra
from ..core.model import LAYERS
from ..core.paths import as_path
from ..core.schemas import is_doc_id, load_schema
from ..core.store import RawDocument, annotation_path, dump_json, metadata_path, relative, text_path
from ..core.taxonomy import load_taxonomy
from ..core.textnorm import hash_text
from ..core.txn import Transaction, locked, writing
from ..core.validate import check_document
from .fingerprint import Sentence, canonicalize, split_sentences
from .realign import Alignment, align

with require_extra("hf"):
    import pyarrow as pa
    import pyarrow.parquet as pq

# A copy must contain at least this share of a document's sentences to count as a copy of it.
MIN_SHARED_SENTENCES = 0.5
DERIVED = {"events": ("figures", "quotes"), "quotes": ("figures",)}  # hf.rows adds these reverse links


@dataclass(frozen=True, slots=True)
class Move:
    doc_id: str
    path: str  # JSONPath in the annotation file
    ann_id: str
    old: tuple[int, int]
    new: tuple[int, int]

    def __str__(self) -> str:
        return f"annotations/{self.doc_id}.json:{self.path}: {self.ann_id}: moved {self.old} -> {self.new}"


@dataclass(frozen=True, slots=True)
class Report:
    doc_ids: tuple[str, ...]  # every document written
    exact: tuple[str, ...]  # withheld documents whose copy had the recorded hash
    realigned: tuple[str, ...]  # withheld documents restored from a differing copy
    moves: tuple[Move, ...]


def decode_labels(value: Any, feature: dict[str, Any]) -> Any:
    """A stored value with its ClassLabel ids turned back into names, as the shard's own Features say.

    The release is read as it describes itself (the `huggingface` metadata of each shard), not as
    the installed taxonomy would encode it today, so an older release rehydrates with its own labels.
    """
    if value is None:
        return None
    kind = feature.get("_type")
    if kind == "ClassLabel":
        return feature["names"][value]
    if kind == "List":
        return [decode_labels(item, feature["feature"]) for item in value]
    if kind is None:  # a struct: field name -> feature
        return {key: decode_labels(item, feature[key]) if key in feature else item for key, item in value.items()}
    return value


def read_release(release: Path) -> list[dict[str, Any]]:
    """The `documents` rows of a standoff release, labels decoded, in id order."""
    shards = sorted((release / "data" / "documents").glob("*.parquet"))
    if not shards:
        raise UsageError(f"{release} is not a standoff release (no data/documents/*.parquet)")
    rows: list[dict[str, Any]] = []
    for shard in shards:
        rel = relative(release, shard)
        try:
            table = pq.read_table(shard)
            described = orjson.loads((table.schema.metadata or {}).get(b"huggingface", b"{}"))
            features = described.get("info", {}).get("features") if isinstance(described, dict) else None
            if not isinstance(features, dict):
                raise ValueError("it does not describe its features (no `huggingface` schema metadata)")
            decoded = [decode_labels(row, features) for row in table.to_pylist()]
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, pa.ArrowException) as exc:
            # A damaged shard, or one whose rows do not fit the features it states.
            raise CorpusError(
                [Issue(code="rehydrate-release-invalid", file=rel, path="$", message=f"cannot be read: {exc}")]
            ) from None
        # Both flavours say text_status; only the standoff one gives an annotation's spans canonical offsets.
        if b'"cstart"' not in orjson.dumps(features.get("events")):
            raise UsageError(f"{release} is a full release, not a standoff one (its spans have no canonical offsets)")
        seen = {row["doc_id"] for row in rows}
        for i, row in enumerate(decoded):
            problem = _row_problem(row, seen)
            if problem is not None:
                raise CorpusError([Issue(code="rehydrate-release-invalid", file=rel, path=f"$[{i}]{problem[0]}",
                                         message=problem[1])])  # fmt: skip
            seen.add(row["doc_id"])
        rows += decoded
    return sorted(rows, key=lambda row: row["doc_id"])


STATUSES = ("included", "withheld")


def _row_problem(row: dict[str, Any], seen: set[str]) -> tuple[str, str] | None:
    """(JSONPath in the row, what is wrong) when a documents row cannot be a document of a standoff release.

    Arrow has checked the types the shard's schema states; what it lets through is a null where a value
    must be, an id that is no id (it becomes a file name) or is used twice, and a text_status no
    release writes.
    """
    doc_id = row.get("doc_id")
    if not is_doc_id(doc_id):
        return ".doc_id", f"doc_id {doc_id!r} is no document id"
    if doc_id in seen:
        return ".doc_id", f"doc_id {doc_id!r} is used by two rows"
    status = row.get("text_status")
    if status not in STATUSES:
        return ".text_status", f"text_status {status!r} is none of {', '.join(STATUSES)}"
    needed = ("metadata", "provenance", *LAYERS, *(("fingerprint",) if status == "withheld" else ("text",)))
    missing = [key for key in needed if row.get(key) is None]
    if missing:
        return f".{missing[0]}", f"{missing[0]} is null in a {status} document"
    return None


@dataclass(frozen=True, slots=True)
class _Copy:
    text: str
    article: Article
    alignment: Alignment | None  # None: the copy has the recorded hash


def _sentences(row: dict[str, Any]) -> list[Sentence]:
    return [Sentence(s["start"], s["end"], s["hash"]) for s in row["fingerprint"]["sentences"]]


def _match_sources(
    withheld: dict[str, dict[str, Any]], articles: list[Article]
) -> tuple[dict[str, _Copy], list[Issue]]:
    """doc_id -> the user's copy of it; issues for sources that are no copy of any withheld document."""
    by_hash = {row["metadata"]["text_sha256"]: doc_id for doc_id, row in withheld.items()}
    by_url = {
        row["metadata"]["source"]["url"]: doc_id for doc_id, row in withheld.items() if row["metadata"]["source"]["url"]
    }
    owners: dict[str, set[str]] = {}  # sentence hash -> the withheld documents holding that sentence
    for owner, row in withheld.items():
        for sentence in row["fingerprint"]["sentences"]:
            owners.setdefault(sentence["hash"], set()).add(owner)
    copies: dict[str, _Copy] = {}
    issues: list[Issue] = []
    for article in articles:
        text, problem = decode_article(article)
        if text is None:
            issues.extend([problem] if problem else [])
            continue
        exact = by_hash.get(hash_text(text))
        if exact is not None:
            _keep_better(copies, exact, _Copy(text, article, None))
            continue
        canon = canonicalize(text)
        named = by_url.get(article.stated.get("url")) or article.doc_id or Path(article.filename or "").stem
        aligned = sorted(
            ((align(_sentences(withheld[d]), canon), d) for d in _candidates(named, canon.text, withheld, owners)),
            key=lambda a: -a[0].found,
        )
        if not aligned or aligned[0][0].found < MIN_SHARED_SENTENCES:
            share = (
                f"only {aligned[0][0].found:.0%} of the sentences of {aligned[0][1]!r}" if aligned else "no sentence"
            )
            issues.append(
                Issue(code="rehydrate-unrelated", file=article.origin, **article.where("$"),
                      message=f"matches no withheld document: no hash match, and it shares {share}")
            )  # fmt: skip
            continue
        _keep_better(copies, aligned[0][1], _Copy(text, article, aligned[0][0]))
    return copies, issues


def _candidates(named: str, canonical: str, withheld: dict[str, Any], owners: dict[str, set[str]]) -> list[str]:
    """The document a copy names (URL, id), else the few sharing most sentences with it: aligning each
    copy with every withheld document would grow with the square of the corpus."""
    if named in withheld:
        return [named]
    shared = Counter(doc_id for s in split_sentences(canonical) for doc_id in sorted(owners.get(s.hash, ())))
    return [doc_id for doc_id, _ in shared.most_common(3)]


def _keep_better(copies: dict[str, _Copy], doc_id: str, new: _Copy) -> None:
    """Of several copies of one document, the exact one, else the one sharing most sentences."""

    def score(copy: _Copy) -> float:
        return 2.0 if copy.alignment is None else copy.alignment.found

    if doc_id not in copies or score(new) > score(copies[doc_id]):
        copies[doc_id] = new


def metadata_from_row(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata file of a documents row: Parquet has a null where a file leaves an optional field out
    (schema 1.1's `story` and source attribution), and the file leaves it out again."""
    schema = load_schema("document")
    source_required = set(schema["properties"]["source"]["required"])
    out = {k: v for k, v in meta.items() if v is not None or k in schema["required"]}
    out["source"] = {k: v for k, v in meta["source"].items() if v is not None or k in source_required}
    return out


def annotation_from_row(row: dict[str, Any], text_sha256: str) -> dict[str, Any]:
    """The annotation file of a documents row: the layers without the derived reverse links."""
    ann: dict[str, Any] = {
        "schema_version": load_schema("annotation")["properties"]["schema_version"]["const"],
        "doc_id": row["doc_id"],
        "text_sha256": text_sha256,
        # Parquet has an empty list where a file has no per-item records, and a null where it states no gold
        # kind; the schema wants neither field then.
        "provenance": {k: v for k, v in row["provenance"].items() if v or k not in ("items", "gold_kind")},
    }
    for layer in LAYERS:
        ann[layer] = [{k: v for k, v in item.items() if k not in DERIVED.get(layer, ())} for item in row[layer]]
    for event in ann["events"]:  # Parquet has a null where a file leaves the optional anchor_event out
        if event["time"] is not None and event["time"].get("anchor_event") is None:
            event["time"].pop("anchor_event", None)
    for figure in ann["figures"]:
        for key in ("value", "lower", "upper"):  # Parquet stores float64; the files write 270, not 270.0
            if isinstance(figure[key], float) and figure[key].is_integer():
                figure[key] = int(figure[key])
    return ann


def _place(span: dict[str, Any], text: str, alignment: Alignment | None) -> tuple[int, int] | None:
    """Where a withheld span lies in `text` (re-placed when `alignment` is given); fills in its text."""
    cstart, cend = span.pop("cstart"), span.pop("cend")
    placed = (span["start"], span["end"]) if alignment is None else alignment.place(cstart, cend)
    if placed is not None:
        span["text"] = text[placed[0] : placed[1]]
    return placed


def _unplaced(file: str, path: str, ann_id: str | None, span: dict[str, Any]) -> Issue:
    return Issue(code="rehydrate-span-unplaced", file=file, path=path, ann_id=ann_id,
                 message=f"the sentence(s) around {span['start']}-{span['end']} are not in the copy as recorded")  # fmt: skip


def _place_spans(
    doc_id: str, ann: dict[str, Any], text: str, alignment: Alignment | None
) -> tuple[list[Move], list[Issue]]:
    """Fill in every span's text (re-placed when `alignment` is given); strip the canonical offsets."""
    moves, issues = [], []
    for path, owner, span in iter_spans(ann):
        old = (span["start"], span["end"])
        placed = _place(span, text, alignment)
        if placed is None:
            issues.append(_unplaced(f"annotations/{doc_id}.json", path, owner, span))
            continue
        if placed != old:
            moves.append(Move(doc_id, path, owner, old, placed))
        span["start"], span["end"] = placed
    return moves, issues


def rehydrate(release: Path | str, sources: Path | str, out: Path | str) -> Report:
    """Write the full corpus root `out` from a standoff release and the user's sources; raises CorpusError."""
    release, dest = as_path(release, "release"), as_path(out, "out")
    if not release.is_dir():
        raise UsageError(
            f"{release}: no such folder", "input-missing" if not os.path.lexists(release) else "option-invalid"
        )
    rows = read_release(release)
    if os.path.lexists(dest) and not dest.is_dir():
        raise CorpusError(
            [Issue(code="option-invalid", file="--out", path="$", message=f"{dest} is a file or a link to nothing, not a folder")]
        )  # fmt: skip
    if os.path.lexists(dest / "corpus") or os.path.lexists(dest / "annotations"):
        raise UsageError(f"{dest} already holds a corpus; rehydrate into a new folder")
    articles, issues = read_inputs(as_path(sources, "sources"))
    if issues:
        raise CorpusError(issues)
    created = not dest.exists()
    with writing(str(dest)):
        dest.mkdir(parents=True, exist_ok=True)
    try:
        with locked(dest), Transaction(dest) as txn:
            try:
                report = _rehydrate(rows, articles, dest, txn)
            except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
                if isinstance(exc, CorpusError | UsageError):
                    raise
                # A value deeper in a row that its Features allow but no release writes (a null span offset).
                raise CorpusError(
                    [Issue(code="rehydrate-release-invalid", file=str(release), path="$",
                           message=f"a row does not have the shape of a standoff document: {type(exc).__name__}: {exc}")]
                ) from None  # fmt: skip
            txn.commit()
    except BaseException:
        if created:
            with contextlib.suppress(OSError):  # refused: no trace, not even the folder
                dest.rmdir()
        raise
    return report


def _rehydrate(rows: list[dict[str, Any]], articles: list[Article], dest: Path, txn: Transaction) -> Report:
    withheld = {row["doc_id"]: row for row in rows if row["text_status"] == "withheld"}
    copies, issues = _match_sources(withheld, articles)
    moves: list[Move] = []
    taxonomy = load_taxonomy()
    for row in rows:
        doc_id, meta = row["doc_id"], metadata_from_row(row["metadata"])
        if doc_id in withheld and doc_id not in copies:
            issues.append(
                Issue(code="rehydrate-source-missing", file=f"corpus/{doc_id}.json", path="$.source.url",
                      message=f"no source is a copy of this withheld text (url {meta['source']['url']}, "
                              f"text_sha256 {meta['text_sha256'][:12]}…)")
            )  # fmt: skip
            continue
        copy = copies.get(doc_id)
        text = copy.text if copy else row["text"]
        meta["text_sha256"], meta["text_length"] = hash_text(text), len(text)
        ann = annotation_from_row(row, meta["text_sha256"])
        alignment = copy.alignment if copy else None
        found, problems = _place_spans(doc_id, ann, text, alignment)
        evidence = (row["fingerprint"] or {}).get("evidence")
        if evidence is not None and _place(evidence, text, alignment) is None:
            problems.append(_unplaced(f"corpus/{doc_id}.json", "$.published.evidence", None, evidence))
        elif evidence is not None:
            meta["published"]["evidence"] = evidence["text"]
        moves += found
        issues += problems
        if problems:
            continue
        issues += check_document(dest, RawDocument(doc_id=doc_id, text=text, metadata=meta, annotation=ann), taxonomy)
        if not issues:
            txn.add_file(text_path(dest, doc_id), text.encode("utf-8"))
            txn.add_file(metadata_path(dest, doc_id), dump_json(meta))
            txn.add_file(annotation_path(dest, doc_id), dump_json(ann))
    if issues:
        raise CorpusError(issues)
    exact = tuple(d for d, c in sorted(copies.items()) if c.alignment is None)
    realigned = tuple(d for d, c in sorted(copies.items()) if c.alignment is not None)
    return Report(tuple(row["doc_id"] for row in rows), exact, realigned, tuple(moves))
