"""Agreement between two annotators' files: the versions of each document both annotated, checked first.

Each side is an annotation file, a folder of them (`<doc_id>.json`) or a corpus root, as for
`evaluate`; both are validated against the texts of one corpus root, so that a span that does not
cover its text is an issue, never a silent disagreement. The measures are core.agreement's; the
card's table with intervals is computed from the published folders by agreement_table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.agreement import Agreement, agreement_interval_markdown, agreement_of
from ..core.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
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


Group = tuple[Path, Path, Path | None]  # (first side, second side, corpus root of their texts)


def file_agreement(groups: Iterable[Group], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Agreement:
    """Agreement pooled over groups of (first side, second side, corpus root of their texts), with bootstrap
    intervals over the documents of all groups."""
    return agreement_of(
        (versions for first, second, root in groups for versions in paired_versions(first, second, root)),
        resamples,
        seed,
    )


def agreement_table(
    columns: Mapping[str, Sequence[Group]] | Sequence[Group],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> str:
    """The card's Markdown table of agreement with 95 % intervals (core.agreement.agreement_interval_markdown),
    from published folders: a column per name, each pooling its groups; a plain list of groups is one column,
    "all documents"."""
    named = columns if isinstance(columns, Mapping) else {"all documents": columns}
    return agreement_interval_markdown(
        {name: file_agreement(groups, resamples, seed) for name, groups in named.items()}
    )
