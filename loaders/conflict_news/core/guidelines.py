"""The version of the annotation guidelines in force, and their decision trees: the one place they are read from.

annotations/GUIDELINES.md of the shipped corpus says it in its title ("# Annotation guidelines,
version 1.2"); every annotation file this package starts (a new document's pending file, a
pre-annotation, an import without a recorded version) records it in provenance.guidelines.
"""

from __future__ import annotations

import re
from functools import cache

from .paths import locate_root

GUIDELINES_FILE = "annotations/GUIDELINES.md"
_TITLE = re.compile(r"# Annotation guidelines, version ([0-9]+\.[0-9]+)\s*$")


@cache
def guidelines_version() -> str:
    """MAJOR.MINOR from the title of the shipped guidelines."""
    with open(locate_root() / GUIDELINES_FILE, encoding="utf-8") as f:
        title = f.readline()
    match = _TITLE.match(title)
    if match is None:  # a packaging mistake, not something a user can cause
        raise RuntimeError(f"{GUIDELINES_FILE} does not start with '# Annotation guidelines, version X.Y'")
    return match.group(1)


_DECISION_TREES = "## 0. Decision trees"


@cache
def decision_trees() -> tuple[str, ...]:
    """The paragraphs of the guidelines' §0 (one decision tree each, in Markdown), for the labeling
    instructions: annotators in Label Studio see those, not the guidelines' file."""
    with open(locate_root() / GUIDELINES_FILE, encoding="utf-8") as f:
        text = f.read()
    start = text.find(_DECISION_TREES)
    if start < 0:  # a packaging mistake, not something a user can cause
        raise RuntimeError(f"{GUIDELINES_FILE} has no section '{_DECISION_TREES}'")
    body = text[start:].split("\n", 1)[1].split("\n## ", 1)[0]
    return tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
