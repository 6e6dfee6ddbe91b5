"""Agreement between two annotators' files: the versions of each document both annotated, checked first.

Each side is an annotation file, a folder of them (`<doc_id>.json`) or a corpus root, as for
`evaluate`; both are validated against the texts of one corpus root, so that a span that does not
cover its text is an issue, never a silent disagreement. The measures are core.agreement's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.agreement import Agreement, agreement_of
from ..core.errors import CorpusError, Issue
from ..core.paths import check_root, locate_root
from .evaluate import collect_files, read_side, text_root_of


def paired_versions(first: Path, second: Path, root: Path | None = None) -> list[list[dict[str, Any]]]:
    """[first's annotation, second's] of every document both sides annotate, in id order; CorpusError on any issue."""
    text_root = check_root(root) if root is not None else text_root_of(first) or text_root_of(second) or locate_root()
    issues: list[Issue] = []
    sides = []
    for path in (first, second):
        anns, found = read_side(collect_files(path), text_root, str(path))
        sides.append(anns)
        issues += found
    if issues:
        raise CorpusError(issues)
    return [[sides[0][doc_id], sides[1][doc_id]] for doc_id in sorted(sides[0].keys() & sides[1].keys())]


def file_agreement(groups: Iterable[tuple[Path, Path, Path | None]]) -> Agreement:
    """Agreement pooled over groups of (first side, second side, corpus root of their texts)."""
    return agreement_of(versions for first, second, root in groups for versions in paired_versions(first, second, root))
