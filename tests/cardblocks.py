"""The generated blocks of the card and its docs/ pages: `<!-- NAME:start -->`...`<!-- NAME:end -->`
and the example rows `<!-- example:CONFIG -->`, each found in exactly one page."""

from __future__ import annotations

from conftest import REPO

PAGES = (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))


def _one(marker: str, start: str, end: str) -> str:
    texts = [path.read_text(encoding="utf-8") for path in PAGES]
    found = [text.split(start, 1)[1].split(end, 1)[0] for text in texts if start in text]
    assert len(found) == 1, f"{marker} is in {len(found)} pages, not one"
    return found[0]


def published(marker: str) -> str:
    """The block between the marker's start and end comments."""
    return _one(marker, f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->")


def example_row(config: str) -> str:
    """The JSON of the example row of `config`."""
    return _one(config, f"<!-- example:{config} -->\n```json\n", "```")
