"""Inter-annotator agreement on a Label Studio export: each task's annotations, read as versions of its annotation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.agreement import Agreement, agreement_of
from ..core.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from ..core.taxonomy import Taxonomy, load_taxonomy
from .importer import convert_annotation


def export_versions(export: list[dict[str, Any]], tax: Taxonomy) -> Iterator[list[dict[str, Any]]]:
    """Per task with two or more annotations (cancelled ones left out), their layers."""
    for i, task in enumerate(export):
        text = task["data"]["text"]
        kept = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if len(kept) >= 2:
            yield [convert_annotation(a.get("result") or [], text, tax, "export", f"$[{i}]")[0] for a in kept]


def compute_agreement(
    export: list[dict[str, Any]],
    tax: Taxonomy | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    return agreement_of(export_versions(export, tax or load_taxonomy()), resamples, seed)
