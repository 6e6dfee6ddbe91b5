"""Helpers for the Hugging Face tests: a two-split toy corpus, Parquet readers, span walkers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
from datasets import ClassLabel, List

from conflict_news.core.store import read_document
from conflict_news.hf.rows import make_rows
from conflict_news.standoff.fingerprint import canonicalize
from conflict_news.standoff.flavor import standoff_rows
from conftest import REPO, materialize_case

HF_CONFIGS = ("documents", "events", "quotes", "figures", "entities", "spans_bio", "records")


def make_two_split_root(dest: Path) -> Path:
    """The toy corpus (toy-0001, train) plus a copy of it as toy-0002 in the test split."""
    root = materialize_case({}, dest)
    for folder in ("corpus", "annotations"):
        for path in (root / folder).glob("toy-0001.*"):
            shutil.copy(path, path.with_name(path.name.replace("toy-0001", "toy-0002")))
    meta_path, ann_path = root / "corpus" / "toy-0002.json", root / "annotations" / "toy-0002.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(id="toy-0002", split="test")
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    ann["doc_id"] = "toy-0002"
    ann_path.write_text(json.dumps(ann), encoding="utf-8")
    return root


def copy_sources(dest: Path) -> Path:
    """A corpus root holding the repository's sources and card, without data/."""
    for name in ("corpus", "annotations"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "README.md", dest / "README.md")
    return dest


def load(root: Path, config: str, cache: Path, **kwargs: Any) -> Any:
    return datasets.load_dataset(str(root), config, cache_dir=str(cache), **kwargs)


def read_shards(root: Path, config: str) -> dict[str, Any]:
    """shard file name -> its table, for one config."""
    return {p.name: pq.read_table(p) for p in sorted((root / "data" / config).glob("*.parquet"))}


def shard_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "data").glob("*/*.parquet"))}


def iter_spans(value: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every {start, end, text} struct inside a loaded row, with where it was found."""
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys() and isinstance(value["start"], int):
            yield where, value
        for key, item in value.items():
            yield from iter_spans(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from iter_spans(item, f"{where}[{i}]")


def decode_labels(value: Any, feature: Any) -> Any:
    """A loaded row (or part of one) with every ClassLabel id turned into its name, by `datasets`' own int2str."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, List):
        return [decode_labels(item, feature.feature) for item in value]
    if isinstance(feature, dict):
        return {key: decode_labels(item, feature[key]) for key, item in value.items()}
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def haystack(release: Path) -> str:
    """Everything a folder holds as text: every file's bytes, and every string of its Parquet decoded."""
    parts = []
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        parts.append(path.read_bytes().decode("utf-8", errors="ignore"))
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            parts += _strings(table.to_pylist())
            parts += [v.decode("utf-8", errors="ignore") for v in (table.schema.metadata or {}).values()]
    return "\n".join(parts)


def leaked_windows(text: str, found_in: str, size: int = 8) -> list[str]:
    """Every run of `size` words of `text` found in `found_in`, as it is or canonicalised (quotes, spaces)."""
    words = text.split()
    canon = canonicalize(found_in).text
    windows = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return sorted(w for w in windows if w in found_in or canonicalize(w).text in canon)


def shipped_rows(root: Path, doc_id: str, config: str) -> list[dict[str, Any]]:
    """A document's rows of one config as the full build ships them (with their text_status)."""
    raw = read_document(root, doc_id)
    assert raw.text is not None
    made = make_rows(doc_id, raw.text, raw.metadata, raw.annotation)
    return standoff_rows(raw.text, raw.metadata, made, canonical=False)[config]
