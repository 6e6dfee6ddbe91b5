"""The token-level view, the split rule and the config registry."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from datasets import Value

from conflict_news import Span, load_corpus
from conflict_news.core.schemas import load_schema
from conflict_news.core.splits import SPLITS, assign_split
from conflict_news.hf.bio import tag_layer, tokenize
from conflict_news.hf.features import CONFIGS, build_features, make_label_encoder
from conflict_news.hf.rows import make_rows
from conftest import REPO
from hfcase import load


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
    tokens = tokenize("Port Meren was hit")

    def span(start: int, end: int) -> Span:
        return Span(start=start, end=end, text="")

    assert tag_layer(tokens, [("y", span(5, 10)), ("x", span(0, 10)), ("z", span(11, 14))]) == [
        "B-x",
        "I-x",
        "B-z",
        "O",
    ]
    assert tag_layer(tokens, [("short", span(0, 4)), ("long", span(0, 10))]) == ["B-long", "I-long", "O", "O"]
    # A span that starts inside a token still tags the whole token.
    assert tag_layer(tokens, [("part", span(7, 10))]) == ["O", "B-part", "O", "O"]


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


def test_bio_tags_mark_the_tokens_of_the_annotated_spans(tmp_path: Path) -> None:
    (row,) = load(REPO, "spans_bio", tmp_path, split="test")
    features = build_features("spans_bio")
    doc = load_corpus()[row["doc_id"]]
    layers = {
        "event_tags": [(ev.type, ev.trigger) for ev in doc.events],
        "quote_tags": [("cue", q.cue) for q in doc.quotes]
        + [("content", c) for q in doc.quotes for c in q.contents]
        + [("source", q.source) for q in doc.quotes if q.source],
        "figure_tags": [(f.property, f.span) for f in doc.figures],
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
    assert tuple(make_rows(load_corpus()["cnc-000001"])) == CONFIGS
    with pytest.raises(ValueError, match="unknown config 'tokens'"):
        build_features("tokens")


@pytest.mark.parametrize("config", CONFIGS)
def test_label_encoder_agrees_with_datasets_encode_example(config: str) -> None:
    features = build_features(config)
    encode = make_label_encoder(features)
    rows = [row for doc in load_corpus() for row in make_rows(doc)[config]]
    assert rows
    assert [encode(row) for row in rows] == [features.encode_example(row) for row in rows]
    assert make_label_encoder(Value("string"))("as is") == "as is"


def test_the_toy_document_is_tagged_as_worked_out_by_hand() -> None:
    """bio_row computed on the toy document against tags derived by hand from its annotation file
    (not from the committed Parquet, which the code under test wrote)."""
    from conflict_news.hf.bio import bio_row
    from conftest import BASE

    row = bio_row(load_corpus(BASE)["toy-0001"])
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
