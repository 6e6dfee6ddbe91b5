"""Properties over arbitrary Unicode text: what the span checks accept, and what normalisation keeps."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from conflict_news.core.checks import AnnotationChecker
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.core.textnorm import is_normalized, normalize_text

# Emoji, flags, CRLF, combining marks, joiners and non-Latin letters, as in real multilingual news.
PIECES = [
    "a",
    "Z",
    " ",
    "\n",
    "\r\n",
    "\u0301",
    "\u200d",
    "\U0001f680",
    "\U0001f1fa\U0001f1e6",
    "Ж",
    "ع",
    "é",
    "1",
    "“",
]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


def _mention_issues(text: str, start: int, end: int, stated: str | None = None) -> set[str]:
    ann = {
        "entities": [
            {
                "id": "e1",
                "name": "n",
                "type": "person",
                "wikidata": None,
                "affiliation": None,
                "mentions": [{"start": start, "end": end, "text": text[start:end] if stated is None else stated}],
            }
        ],
        "events": [],
        "quotes": [],
        "figures": [],
    }
    return {i.code for i in AnnotationChecker(ann, text, load_taxonomy(), "f.json").run()}


@given(texts, st.data())
def test_a_slice_is_accepted_unless_it_cuts_a_character_or_has_edge_space(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    piece = text[start:end]
    codes = _mention_issues(text, start, end)
    assert codes <= {"span-splits-character", "span-edge-whitespace"}
    assert ("span-edge-whitespace" in codes) == (piece != piece.strip())
    cuts = any(
        0 < b < len(text)
        and (
            text[b - 1 : b + 1] == "\r\n" or unicodedata.category(text[b]) == "Mn" or "\u200d" in (text[b], text[b - 1])
        )
        for b in (start, end)
    )
    assert ("span-splits-character" in codes) == cuts


@given(texts)
def test_normalisation_is_idempotent_and_keeps_inner_text(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == unicodedata.normalize("NFC", text).strip()


@given(st.lists(st.sampled_from([*PIECES, "\ufeff", "e\u0301", "\u212b", " "]), max_size=30).map("".join))
def test_is_normalized_agrees_with_normalize_text(text: str) -> None:
    assert is_normalized(text) == (normalize_text(text) == text)


@given(texts, st.data())
def test_a_wrong_span_text_is_always_caught(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assert _mention_issues(text, start, end, stated=text[start:end] + "x") == {"span-text-mismatch"}
