"""The synthetic stress corpus: deterministic, valid, as dense as the gold, and hard on Unicode."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflict_news import UsageError, iter_errors, load_corpus
from conflict_news.cli.main import main
from conflict_news.core.paths import locate_root
from conflict_news.core.store import RawDocument
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.core.validate import check_document
from conflict_news.grow.synthetic import (
    SEED_DENSITY,
    TAG,
    generate_document,
    iter_synthetic,
    measure_density,
    write_synthetic,
)
from conftest import REPO

GOLD = SEED_DENSITY


@pytest.fixture(scope="module")
def synthetic_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic(root, 40, seed=7)
    return root


def test_same_seed_same_documents_and_other_seeds_differ() -> None:
    assert generate_document(3, 11, GOLD) == generate_document(3, 11, GOLD)
    assert generate_document(3, 11, GOLD)[0] != generate_document(3, 12, GOLD)[0]
    assert generate_document(3, 11, GOLD)[0] != generate_document(4, 11, GOLD)[0]


def test_output_validates_cleanly(synthetic_root: Path) -> None:
    assert list(iter_errors([synthetic_root])) == []


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), index=st.integers(min_value=1, max_value=999_999))
def test_any_seed_gives_a_valid_document(seed: int, index: int) -> None:
    text, metadata, annotation = generate_document(index, seed, GOLD)
    raw = RawDocument(doc_id=metadata["id"], text=text, metadata=metadata, annotation=annotation)
    assert check_document(Path("."), raw, load_taxonomy()) == []
    assert 2000 <= len(text) <= 6000


def test_the_default_density_is_the_seeds_gold() -> None:
    assert measure_density([d for d in load_corpus(REPO) if d.id == "cnc-000001"]) == SEED_DENSITY


def test_density_follows_the_gold(synthetic_root: Path) -> None:
    measured = measure_density(load_corpus(synthetic_root))
    for layer in ("mentions", "events", "quotes", "figures"):
        assert getattr(measured, layer) == pytest.approx(getattr(GOLD, layer), rel=0.25), layer


def test_marked_synthetic_and_unicode_stressed(synthetic_root: Path) -> None:
    corpus = load_corpus(synthetic_root)
    assert len(corpus) == 40
    text = "".join(doc.text for doc in corpus)
    for doc in corpus:
        assert doc.id.startswith("syn-")
        assert TAG in doc.metadata.tags.topics and TAG in doc.metadata.tags.conflicts
        assert doc.annotations.provenance.kind == "prediction"
        assert 2000 <= len(doc.text) <= 6000
    assert "\r\n" in text and "\n\n" in text
    assert any(unicodedata.combining(ch) for ch in text)  # marks that NFC left uncomposed
    assert any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)  # Hebrew and Arabic
    assert "\u200d" in text and "\ufe0f" in text and "\U0001f1fa\U0001f1f3" in text  # ZWJ, VS16, a flag
    assert {"CYRILLIC", "GREEK", "CJK"} <= {unicodedata.name(ch, "?").split()[0] for ch in text}


def test_generation_streams() -> None:
    documents = iter_synthetic(10**9, seed=1)  # a generator: nothing is made before it is asked for
    assert next(documents)[1]["id"] == "syn-000001"
    assert next(documents)[1]["id"] == "syn-000002"


def test_never_writes_into_the_shipped_corpus_or_over_documents(synthetic_root: Path) -> None:
    with pytest.raises(UsageError, match="shipped corpus"):
        write_synthetic(locate_root(), 1)
    with pytest.raises(UsageError, match="not empty"):
        write_synthetic(synthetic_root, 1)


def test_cli_synth_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "syn"
    assert main(["synth", "5", str(out), "--seed", "3"]) == 0
    assert main(["validate", str(out)]) == 0
    assert sorted(p.name for p in (out / "annotations").iterdir())[0] == "syn-000001.json"
    assert main(["synth", "5", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
