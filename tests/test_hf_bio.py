"""The token-level view, the split rule and the config registry."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conflict_news import Span, UsageError, load_corpus
from conflict_news.core.options import CONFIGS, SPLITS
from conflict_news.core.schemas import load_schema
from conflict_news.core.splits import assign_split
from conflict_news.core.store import read_document
from conflict_news.hf.bio import sentence_rows, tag_layer, token_columns, tokenize
from conflict_news.hf.features import build_features, flavor_features
from conflict_news.hf.rows import make_rows
from conftest import REPO
from hfcase import load, shipped_rows

# The first document of the test split with all four layers: its rows are compared with what the code
# makes of its files.
DOC = min(
    doc.id
    for doc in load_corpus()
    if doc.metadata.split == "test" and all((doc.entities, doc.events, doc.quotes, doc.figures))
)


def _doc_rows(config: str, tmp_path: Path) -> list[dict[str, Any]]:
    return [row for row in load(REPO, config, tmp_path, split="test") if row["doc_id"] == DOC]


def test_tokens_are_words_or_single_symbols_with_code_point_offsets() -> None:
    text = "Ilka\u2019s 12 rockets—fired. 😀b"
    assert tokenize(text) == [
        ("Ilka", 0, 4),
        ("\u2019", 4, 5),
        ("s", 5, 6),
        ("12", 7, 9),
        ("rockets", 10, 17),
        ("—", 17, 18),
        ("fired", 18, 23),
        (".", 23, 24),
        ("😀", 25, 26),
        ("b", 26, 27),
    ]


def test_overlaps_within_a_layer_keep_the_earlier_then_longer_span() -> None:
    _, starts, ends = token_columns("Port Meren was hit")
    assert tag_layer(starts, ends, [("y", 5, 10), ("x", 0, 10), ("z", 11, 14)]) == ["B-x", "I-x", "B-z", "O"]
    assert tag_layer(starts, ends, [("short", 0, 4), ("long", 0, 10)]) == ["B-long", "I-long", "O", "O"]
    # A span that starts inside a token still tags the whole token.
    assert tag_layer(starts, ends, [("part", 7, 10)]) == ["O", "B-part", "O", "O"]
    # Same start and end: the one earlier in the file wins.
    assert tag_layer(starts, ends, [("first", 0, 4), ("second", 0, 4)]) == ["B-first", "O", "O", "O"]


def _chunks(tags: list[str]) -> list[tuple[str, int, int]]:
    """(label, first token, last token + 1) of each B-I* run; checks the tags are well formed."""
    chunks: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            chunks.append((tag[2:], i, i + 1))
        elif tag.startswith("I-"):
            label, first, _ = chunks[-1]
            assert label == tag[2:] and tags[i - 1] != "O", f"I- tag at {i} does not continue a chunk"
            chunks[-1] = (label, first, i + 1)
    return chunks


def test_rows_are_sentences_with_their_offsets() -> None:
    text = "Gen. Ostrik said U.S. forces left 3.5 km away. \u201cWe go,\u201d she said!\nNext line here\u2026 And more."
    tokens = tokenize(text)
    rows = [text[tokens[r.start][1] : tokens[r.stop - 1][2]] for r in sentence_rows(text, tokens)]
    assert rows == [
        "Gen. Ostrik said U.S. forces left 3.5 km away.",
        "\u201cWe go,\u201d she said!",
        "Next line here\u2026",
        "And more.",
    ]


def test_a_long_sentence_is_cut_into_windows_of_at_most_256_tokens() -> None:
    text = " ".join(["word"] * 300) + "."
    windows = sentence_rows(text, tokenize(text))
    assert [len(w) for w in windows] == [256, 45]
    assert windows[0].stop == windows[1].start  # stride 256: no token is lost or repeated


def test_rows_cover_the_document_in_order(tmp_path: Path) -> None:
    rows = sorted(_doc_rows("spans_bio", tmp_path), key=lambda row: row["index"])
    doc = load_corpus()[DOC]
    assert [row["index"] for row in rows] == list(range(len(rows)))
    assert [t for row in rows for t in row["tokens"]] == [t for t, _, _ in tokenize(doc.text)]
    for row in rows:
        assert (row["start"], row["end"]) == (row["starts"][0], row["ends"][-1])
        assert max(len(row["tokens"]) for row in rows) <= 256


def test_bio_tags_mark_the_tokens_of_the_annotated_spans(tmp_path: Path) -> None:
    rows = sorted(_doc_rows("spans_bio", tmp_path), key=lambda row: row["index"])
    # Tags are computed over the document and cut into rows: joined again, they are the document's.
    row = {key: [v for r in rows for v in r[key]] for key in rows[0] if isinstance(rows[0][key], list)}
    row["doc_id"] = rows[0]["doc_id"]
    features = build_features("spans_bio")
    doc = load_corpus()[row["doc_id"]]
    layers = {
        "event_tags": [(ev.type, ev.trigger) for ev in doc.events],
        "quote_tags": [("cue", q.cue) for q in doc.quotes]
        + [("content", c) for q in doc.quotes for c in q.contents]
        + [("source", q.source) for q in doc.quotes if q.source],
        "figure_tags": [(f.property, f.span) for f in doc.figures],
        "entity_tags": [(ent.type, m) for ent in doc.entities for m in ent.mentions],
    }
    for column, spans in layers.items():
        names = features[column].feature
        chunks = _chunks([names.int2str(t) for t in row[column]])

        def cover(span: Span) -> tuple[int, int]:
            hit = [
                i
                for i, (s, e) in enumerate(zip(row["starts"], row["ends"], strict=True))
                if s < span.end and e > span.start
            ]
            return hit[0], hit[-1] + 1

        annotated = {(label, *cover(span)) for label, span in spans}
        assert set(chunks) <= annotated, column
        alone = [
            (label, *cover(span))
            for label, span in spans
            if not any(o is not span and o.start < span.end and o.end > span.start for _, o in spans)
        ]
        assert set(alone) <= set(chunks), column
        assert chunks, column


def test_split_rule_is_stable_and_roughly_80_10_10() -> None:
    assert load_schema("document")["properties"]["split"]["enum"] == list(SPLITS)
    ids = [f"cnc-{i:06d}" for i in range(10_000)]
    counts = Counter(assign_split(doc_id) for doc_id in ids)
    assert set(counts) == set(SPLITS)
    assert abs(counts["train"] / len(ids) - 0.8) < 0.02
    assert abs(counts["validation"] / len(ids) - 0.1) < 0.02
    assert [assign_split(doc_id) for doc_id in ids[:50]] == [assign_split(doc_id) for doc_id in ids[:50]]


def test_rows_and_features_cover_the_same_configs() -> None:
    raw = read_document(REPO, "cnc-000001")
    assert raw.text is not None
    assert tuple(make_rows(raw.doc_id, raw.text, raw.metadata, raw.annotation)) == CONFIGS
    with pytest.raises(UsageError, match="config 'tokens' is not one of 'documents'"):
        build_features("tokens")


@pytest.mark.parametrize("config", CONFIGS)
def test_the_builds_label_encoding_agrees_with_datasets_encode_example(config: str, tmp_path: Path) -> None:
    """The build turns label names into ids column by column; datasets' own encode_example is the reference."""
    features = flavor_features(config)
    rows = shipped_rows(REPO, DOC, config)
    assert rows
    assert _doc_rows(config, tmp_path) == [features.encode_example(row) for row in rows]


def test_the_toy_document_is_tagged_as_worked_out_by_hand() -> None:
    """bio_row computed on the toy document against tags derived by hand from its annotation file
    (not from the committed Parquet, which the code under test wrote)."""
    from conflict_news.hf.bio import bio_rows
    from conftest import BASE

    raw = read_document(BASE, "toy-0001")
    assert raw.text is not None
    rows = bio_rows("toy-0001", raw.text, raw.annotation)
    # Two sentences, two rows: tokens 0-16 and 17-28 of the document.
    assert [(r["index"], len(r["tokens"])) for r in rows] == [(0, 17), (1, 12)]
    row = {key: rows[0][key] + rows[1][key] for key in ("tokens", "starts", "ends", "event_tags", "quote_tags",
                                                         "figure_tags")}  # fmt: skip
    assert (rows[0]["start"], rows[0]["end"], rows[1]["start"], rows[1]["end"]) == (0, 94, 95, 147)
    assert row["tokens"] == [
        "Valdorian", "forces", "fired", "12", "rockets", "at", "Port", "Meren", "on", "Tuesday", ",", "the",
        "Ostrian", "defence", "ministry", "said", ".", "\u201c", "We", "will", "answer", ",", "\u201d", "minister",
        "Ilka", "Varn", "told", "reporters", ".",
    ]  # fmt: skip
    assert (row["starts"][:4], row["ends"][:4], row["starts"][-1], row["ends"][-1]) == (
        [0, 10, 17, 23], [9, 16, 22, 25], 146, 147,
    )  # fmt: skip
    o = "O"
    events = [o] * 29
    events[2], events[20] = "B-violent.shelling_missile_attack", "B-violent.attack"
    assert row["event_tags"] == events
    # q1: content [0, 58) = tokens 0-9, source "the Ostrian defence ministry" 11-14, cue "said" 15;
    # q2: content "We will answer," 18-21 (the comma is inside), source "minister Ilka Varn" 23-25, cue "told" 26.
    assert row["quote_tags"] == [
        "B-content", *["I-content"] * 9, o, "B-source", "I-source", "I-source", "I-source", "B-cue", o, o,
        "B-content", "I-content", "I-content", "I-content", o, "B-source", "I-source", "I-source", "B-cue", o, o,
    ]  # fmt: skip
    figures = [o] * 29
    figures[3] = "B-launched"
    assert row["figure_tags"] == figures
