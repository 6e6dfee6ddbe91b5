"""The published Parquet through the real `datasets.load_dataset` (offline, fresh cache) and DuckDB."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import duckdb
import pyarrow.parquet as pq
import pytest
from datasets import Features
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard

import conflict_news
from conflict_news import load_corpus
from conflict_news.hf.build import build_data
from conflict_news.hf.card import split_front_matter, write_card
from conflict_news.hf.features import build_features, flavor_features
from conftest import REPO
from hfcase import HF_CONFIGS, iter_spans, load, make_two_split_root


@pytest.fixture(scope="module")
def two_split_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_two_split_root(tmp_path_factory.mktemp("two-split"))
    build_data(root)
    write_card(root)
    return root


def _rows(dataset: Any) -> list[dict[str, Any]]:
    return list(dataset)


@pytest.mark.parametrize("config", HF_CONFIGS)
@pytest.mark.parametrize("which", ["repo", "two-split"])
def test_load_and_streaming_give_identical_typed_rows(
    config: str, which: str, two_split_root: Path, tmp_path: Path
) -> None:
    root = REPO if which == "repo" else two_split_root
    loaded = load(root, config, tmp_path)
    streamed = load(root, config, tmp_path, streaming=True)
    expected_splits = {"train", "validation", "test"} if which == "repo" else {"train", "test"}
    assert set(loaded) == set(streamed) == expected_splits
    for split in loaded:
        assert loaded[split].features == flavor_features(config)
        assert streamed[split].features == flavor_features(config)
        rows = _rows(loaded[split])
        assert rows == _rows(streamed[split])
        assert rows, f"{config}/{split} is empty"


def test_default_config_is_documents(tmp_path: Path) -> None:
    default = load(REPO, None, tmp_path)["test"]
    assert default.features == load(REPO, "documents", tmp_path)["test"].features and "text" in default.features


@pytest.mark.parametrize("config", HF_CONFIGS)
def test_every_loaded_span_covers_its_text(config: str, tmp_path: Path) -> None:
    texts = {row["doc_id"]: row["text"] for row in load(REPO, "documents", tmp_path, split="test")}
    checked = 0
    for row in load(REPO, config, tmp_path, split="test"):
        text = texts[row["doc_id"]]
        for where, span in iter_spans(row):
            assert text[span["start"] : span["end"]] == span["text"], (row["doc_id"], where)
            checked += 1
        if config == "spans_bio":
            for token, start, end in zip(row["tokens"], row["starts"], row["ends"], strict=True):
                assert text[start:end] == token
                checked += 1
    assert checked > 0


def test_labels_and_links_round_trip_to_the_model(tmp_path: Path) -> None:
    corpus = load_corpus()
    events = load(REPO, "events", tmp_path, split="test")
    label = events.features
    for row in events:
        doc = corpus[row["doc_id"]]
        (event,) = [ev for ev in doc.events if ev.id == row["id"]]
        assert label["type"].int2str(row["type"]) == event.type
        assert label["modality"].int2str(row["modality"]) == event.modality
        roles = label["arguments"].feature["role"]
        assert [roles.int2str(a["role"]) for a in row["arguments"]] == [a.role for a in event.arguments]
        assert row["figures"] == [f.id for f in doc.figures_of(event.id)]
        assert row["quotes"] == [q.id for q in doc.quotes_reporting(event.id)]
    figures = load(REPO, "figures", tmp_path, split="test")
    for row in figures:
        (figure,) = [f for f in corpus[row["doc_id"]].figures if f.id == row["id"]]
        assert figures.features["property"].int2str(row["property"]) == figure.property
        assert (row["value"], row["lower"], row["upper"]) == (figure.value, figure.lower, figure.upper)


def test_duckdb_joins_events_per_type_to_documents() -> None:
    names = build_features("events")["type"].names
    query = f"""
        SELECT e.type, d.metadata.language AS language, count(*) AS n
        FROM read_parquet('{REPO}/data/events/*.parquet') e
        JOIN read_parquet('{REPO}/data/documents/*.parquet') d USING (doc_id)
        GROUP BY ALL
    """
    found = {(names[t], lang): n for t, lang, n in duckdb.sql(query).fetchall()}
    expected = Counter((ev.type, doc.metadata.language) for doc in load_corpus() for ev in doc.events)
    assert found == dict(expected)


def test_card_parquet_schemas_and_features_agree() -> None:
    front, _ = split_front_matter((REPO / "README.md").read_text(encoding="utf-8"))
    infos = {info["config_name"]: info for info in front["dataset_info"]}
    assert [c["config_name"] for c in front["configs"]] == list(HF_CONFIGS)
    assert datasets.get_dataset_config_names(str(REPO)) == list(HF_CONFIGS)
    assert set(infos) == set(HF_CONFIGS)
    for config in HF_CONFIGS:
        features = flavor_features(config)
        assert sum(s["num_examples"] for s in infos[config]["splits"]) == sum(
            pq.read_metadata(shard).num_rows for shard in (REPO / "data" / config).glob("*.parquet")
        )
        shards = sorted((REPO / "data" / config).glob("*.parquet"))
        assert shards
        for shard in shards:
            schema = pq.read_schema(shard)
            assert Features.from_arrow_schema(schema) == features
            assert schema.remove_metadata() == features.arrow_schema.remove_metadata()
    assert "sequence" not in (REPO / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]


def test_huggingface_hub_reads_the_features_of_every_config_from_the_card() -> None:
    """Issue 29: the Hub reads a config's features from the card; they are the shards' own (test above)."""
    card = DatasetCard.load(REPO / "README.md")
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert sorted(infos) == sorted(HF_CONFIGS)
    assert all(infos[config].features == flavor_features(config) for config in HF_CONFIGS)


def test_package_load_dataset_reads_the_shipped_data(tmp_path: Path) -> None:
    events = conflict_news.load_dataset("events", split="test", cache_dir=str(tmp_path))
    assert len(events) == sum(len(doc.events) for doc in load_corpus() if doc.metadata.split == "test") > 0
    streamed = conflict_news.load_dataset("events", split="test", streaming=True)
    assert list(streamed) == list(events)
