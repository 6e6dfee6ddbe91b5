"""What changed between two corpus roots: documents and annotations, matched by their stable ids."""

from __future__ import annotations

import subprocess
import tarfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from ..core.store import list_doc_ids, read_document
from .history import find_release, read_releases

LAYERS = ("entities", "events", "quotes", "figures")


@dataclass(slots=True)
class LayerDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}


@dataclass(slots=True)
class CorpusDiff:
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    texts_edited: list[str] = field(default_factory=list)
    metadata_changed: list[str] = field(default_factory=list)
    layers: dict[str, dict[str, LayerDiff]] = field(default_factory=dict)  # doc id -> layer -> diff

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": {
                "added": self.documents_added,
                "removed": self.documents_removed,
                "text_edited": self.texts_edited,
                "metadata_changed": self.metadata_changed,
            },
            "annotations": {
                doc_id: {layer: d.to_dict() for layer, d in layers.items() if not d.is_empty()}
                for doc_id, layers in self.layers.items()
            },
        }


def _items(annotation: Any, layer: str) -> dict[str, Any]:
    if not isinstance(annotation, dict):
        return {}
    return {item["id"]: item for item in annotation.get(layer, [])}


def diff_layer(old: dict[str, Any], new: dict[str, Any]) -> LayerDiff:
    return LayerDiff(
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=sorted(k for k in old.keys() & new.keys() if old[k] != new[k]),
    )


def diff_roots(old_root: Path, new_root: Path) -> CorpusDiff:
    result = CorpusDiff()
    old_ids, new_ids = set(list_doc_ids(old_root)), set(list_doc_ids(new_root))
    result.documents_added = sorted(new_ids - old_ids)
    result.documents_removed = sorted(old_ids - new_ids)
    for doc_id in sorted(old_ids | new_ids):
        old = read_document(old_root, doc_id) if doc_id in old_ids else None
        new = read_document(new_root, doc_id) if doc_id in new_ids else None
        if old and new and old.text != new.text:
            result.texts_edited.append(doc_id)
        if old and new and old.metadata != new.metadata:
            result.metadata_changed.append(doc_id)
        layers = {
            layer: diff_layer(
                _items(old.annotation if old else None, layer), _items(new.annotation if new else None, layer)
            )
            for layer in LAYERS
        }
        if any(not d.is_empty() for d in layers.values()):
            result.layers[doc_id] = layers
    return result


def extract_revision(repo: Path, revision: str, dest: Path, paths: tuple[str, ...] = ("corpus", "annotations")) -> Path:
    """The corpus files (or other `paths`) of a git revision, e.g. a release tag, unpacked under `dest`."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", revision, *paths],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def resolve_root(spec: str, repo: Path, scratch: Path) -> Path:
    """A folder as given; else a release recorded in releases.json (`0.1.0` or `v0.1.0`), or a git revision,
    of `repo`, unpacked into the scratch folder."""
    path = Path(spec)
    if path.is_dir():
        return path
    release = find_release(read_releases(repo), spec)
    return extract_revision(repo, release.commit if release else spec, scratch / spec.replace("/", "_"))


def format_diff(diff: CorpusDiff) -> str:
    lines = []
    for label, ids in (
        ("documents added", diff.documents_added),
        ("documents removed", diff.documents_removed),
        ("texts edited", diff.texts_edited),
        ("metadata changed", diff.metadata_changed),
    ):
        lines.append(f"{label}: {', '.join(ids) if ids else '-'}")
    for doc_id, layers in diff.layers.items():
        for layer, d in layers.items():
            for kind in ("added", "removed", "changed"):
                ids = getattr(d, kind)
                if ids:
                    lines.append(f"{doc_id} {layer} {kind}: {', '.join(ids)}")
    if not diff.layers:
        lines.append("annotations: no change")
    return "\n".join(lines) + "\n"
