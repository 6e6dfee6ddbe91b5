"""The held-out documents (the `test` splits of the corpus and of the dev set) and a search for their
word runs in a text: what no rule, example or lexicon may be written from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from conftest import REPO

_WORD = re.compile("[\\w\u2019']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def heldout_texts(roots: tuple[Path, ...] = (REPO, REPO / "dev")) -> dict[str, str]:
    """doc id -> text of every document whose metadata puts it in a `test` split (texts present only)."""
    found: dict[str, str] = {}
    for root in roots:
        for meta in sorted((root / "corpus").glob("*.json")):
            text = meta.with_suffix(".txt")
            if json.loads(meta.read_text(encoding="utf-8")).get("split") == "test" and text.exists():
                found[meta.stem] = text.read_text(encoding="utf-8")
    return found


def shared_runs(haystack: str, sources: dict[str, str], n: int) -> Iterator[tuple[str, str]]:
    """(source id, run) for every run of n words of `haystack` that also occurs in a source."""
    runs: dict[tuple[str, ...], str] = {}
    for doc_id, text in sources.items():
        w = words(text)
        for i in range(len(w) - n + 1):
            runs.setdefault(tuple(w[i : i + n]), doc_id)
    w = words(haystack)
    for i in range(len(w) - n + 1):
        key = tuple(w[i : i + n])
        if key in runs:
            yield runs[key], " ".join(key)
