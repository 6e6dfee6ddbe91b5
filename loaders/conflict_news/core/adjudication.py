"""Adjudication of double annotation, whatever carried the versions (a Label Studio project, files).

Per document, every annotator's version is aligned to the first one's entity ids (versions), then
every item (items) on which all versions agree is accepted; when every item agrees, that is the
gold. Otherwise an adjudicator settles the conflicts in a version of their own, and that becomes
the gold. Provenance per item: an agreed item names every annotator and no adjudicator; an item the
adjudicator settled names the annotators whose version of it was kept (or the adjudicator, when
none was) and the adjudicator. The line that names each conflict for the adjudicator is core.conflicts'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Issue
from .items import Key, canonical_items, file_provenance
from .model import LAYERS
from .store import annotation_name, annotation_path, dump_json, read_document
from .textnorm import hash_text
from .txn import Transaction, locked
from .versions import align_entities

Versions = dict[str, dict[str, Any]]  # annotator -> their four layers


def aligned(versions: Versions) -> Versions:
    """Every version with the first version's entity ids, where it has the same entities."""
    first = next(iter(versions.values()), None)
    return {who: layers if first is None else align_entities(first, layers) for who, layers in versions.items()}


def split_items(versions: Versions) -> tuple[set[Key], set[Key]]:
    """Keys of the items every (aligned) version has identically, and of all other items."""
    canon = [canonical_items(layers) for layers in versions.values()]
    every = set().union(*canon)
    agreed = {k for k in every if all(k in c for c in canon) and all(c[k][1] == canon[0][k][1] for c in canon)}
    return agreed, every - agreed


def settled_provenance(
    layers: dict[str, Any], versions: Versions, agreed: set[Key], adjudicator: str | None
) -> list[dict[str, Any]]:
    """Per item of the gold `layers`: who made it and who adjudicated it (see the module)."""
    canon = {who: canonical_items(v) for who, v in versions.items()}
    records = []
    for key, (item_id, body) in canonical_items(layers).items():
        kept = [who for who, c in canon.items() if key in c and c[key][1] == body]
        # an agreed item the adjudicator changed is the adjudicator's, not the annotators'
        if key in agreed and len(kept) == len(canon):
            records.append({"id": item_id, "annotators": list(versions), "adjudicator": None})
            continue
        assert adjudicator is not None  # an item outside the agreed ones comes from an adjudicator
        records.append({"id": item_id, "annotators": kept or [adjudicator], "adjudicator": adjudicator})
    return records


def settle(
    versions: Versions, settled: dict[str, Any], adjudicator: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The adjudicator's settled layers, as they are, and their per-item provenance: the versions are
    aligned to the settled entity ids (the adjudicator's, which may keep released ids), not the reverse."""
    layers = {layer: settled[layer] for layer in LAYERS}
    versions = {who: align_entities(layers, v) for who, v in versions.items()}
    agreed, _ = split_items(versions)
    return layers, settled_provenance(layers, versions, agreed, adjudicator)


def gold_file(
    doc_id: str,
    text: str,
    layers: dict[str, Any],
    items: list[dict[str, Any]],
    guidelines: str,
    fallback: str,
    gold_kind: str | None = None,
) -> dict[str, Any]:
    """The annotation file of an adjudicated document."""
    return {"schema_version": "1.0", "doc_id": doc_id, "text_sha256": hash_text(text),
            "provenance": file_provenance(guidelines, items, fallback, gold_kind), **{k: layers[k] for k in LAYERS}}  # fmt: skip


def write_gold(root: Path, gold: dict[str, dict[str, Any]], overwrite_gold: bool) -> tuple[list[str], list[Issue]]:
    """Write the adjudicated files all at once, under the root's write lock (the documents written, or
    the issues and nothing written); an existing gold file that would change needs `overwrite_gold`,
    and unchanged files are left alone."""
    with locked(root), Transaction(root) as txn:
        written, issues = [], []
        for doc_id, ann in sorted(gold.items()):
            old = read_document(root, doc_id).annotation
            if isinstance(old, dict) and all(old.get(k) == ann[k] for k in (*LAYERS, "provenance")):
                continue
            # A file that is not an annotation object counts as gold: damaged gold is never replaced unasked.
            kind = old.get("provenance", {}).get("kind") if isinstance(old, dict) else "gold"
            if old is not None and kind == "gold" and not overwrite_gold:
                issues.append(Issue(code="ls-gold-protected", file=annotation_name(doc_id), path="$", ann_id=doc_id,
                                    message="is gold and adjudication would change it; pass --overwrite-gold"))  # fmt: skip
                continue
            txn.add_file(annotation_path(root, doc_id), dump_json(ann), replace=True)
            written.append(doc_id)
        if issues:
            return [], issues
        txn.commit()
    return written, []
