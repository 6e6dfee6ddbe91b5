"""What changed between two corpus roots: documents and annotations, matched by their stable ids."""

from __future__ import annotations

import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from ..core.errors import CorpusError, Issue
from ..core.model import LAYERS
from ..core.schemas import iter_schema_errors
from ..core.store import RawDocument, annotation_name, list_doc_ids, metadata_name, read_document
from .history import find_release, read_releases


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


def _read(root: Path, doc_id: str, issues: list[Issue]) -> RawDocument:
    """A document to compare; what cannot be compared (unreadable, not JSON, not of the schema) goes to `issues`.

    Only the reading and the schemas are checked: an older version may use labels the taxonomy no longer has.
    """
    raw = read_document(root, doc_id)
    found = [i for i in raw.issues if i.code not in _ABSENCE]
    for schema, value, name in (
        ("document", raw.metadata, metadata_name),
        ("annotation", raw.annotation, annotation_name),
    ):
        if value is not None:
            found += [
                Issue(code="schema-violation", file=name(doc_id), path=p, message=m)
                for p, m in iter_schema_errors(schema, value)
            ]
    issues += [
        Issue(code=i.code, file=f"{root}/{i.file}", path=i.path, message=i.message, ann_id=i.ann_id) for i in found
    ]
    return raw


# A file missing on one side is a difference to report, not a reason to refuse.
_ABSENCE = {"metadata-missing", "text-missing", "annotation-missing", "document-missing"}


def diff_roots(old_root: Path, new_root: Path) -> CorpusDiff:
    """What changed from `old_root` to `new_root`; CorpusError when a file of either cannot be compared."""
    result = CorpusDiff()
    old_ids, new_ids = set(list_doc_ids(old_root)), set(list_doc_ids(new_root))
    result.documents_added = sorted(new_ids - old_ids)
    result.documents_removed = sorted(old_ids - new_ids)
    issues: list[Issue] = []
    for doc_id in sorted(old_ids | new_ids):
        old = _read(old_root, doc_id, issues) if doc_id in old_ids else None
        new = _read(new_root, doc_id, issues) if doc_id in new_ids else None
        if issues:
            continue
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
    if issues:
        raise CorpusError(issues)
    return result


def resolve_revision(repo: Path, revision: str) -> str:
    """The commit id that `revision` names in the git repository at `repo`; CorpusError (revision-invalid) otherwise.

    `--end-of-options` keeps a revision such as `--output=../x` from reaching git as an option; what
    is passed on to other git commands is the 40-hex id only.
    """
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    commit = done.stdout.strip()
    if done.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise CorpusError(
            [Issue(code="revision-invalid", file=revision, path="$",
                   message=f"neither a folder nor a commit of the git repository at {repo}")]
        )  # fmt: skip
    return commit


def extract_revision(repo: Path, revision: str, dest: Path, paths: tuple[str, ...] = ("corpus", "annotations")) -> Path:
    """The corpus files (or other `paths`) of a git revision, e.g. a release tag, unpacked under `dest`."""
    commit = resolve_revision(repo, revision)
    done = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit, "--", *paths], capture_output=True
    )
    if done.returncode != 0:
        raise CorpusError(
            [Issue(code="revision-invalid", file=revision, path="$",
                   message=f"has no {' and '.join(paths)}: {done.stderr.decode(errors='replace').strip()}")]
        )  # fmt: skip
    archive = done.stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        try:
            tar.extractall(dest, filter="data")
        except tarfile.FilterError as exc:  # a link leading out of the tree (or an absolute path): never written
            member = exc.tarinfo.name if exc.tarinfo is not None else "?"
            raise CorpusError(
                [Issue(code="file-symlink", file=f"{revision}:{member}", path="$",
                       message=f"is a link or path leading out of the revision's tree ({exc}); links are not followed")]
            ) from None  # fmt: skip
    return dest


def resolve_root(spec: str, repo: Path, scratch: Path) -> Path:
    """A folder as given; else a release recorded in releases.json (`0.1.0` or `v0.1.0`), or a git revision,
    of `repo`, unpacked into the scratch folder."""
    path = Path(spec)
    if path.is_dir():
        return path
    release = find_release(read_releases(repo), spec)
    revision = release.commit if release else spec
    return extract_revision(repo, revision, scratch / resolve_revision(repo, revision))


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
