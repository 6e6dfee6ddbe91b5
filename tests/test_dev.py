"""The fictional dev set (dev/): valid, marked fictional, split into a fixed tuning and held-out part, and varied."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conflict_news import iter_errors, load_corpus
from conflict_news.cli.main import main
from conflict_news.grow.evaluate import evaluate
from conftest import REPO

DEV = REPO / "dev"
CORPUS = load_corpus(DEV)
README = (DEV / "README.md").read_text(encoding="utf-8")


def test_the_dev_set_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(iter_errors([DEV])) == []
    assert main(["validate", str(DEV)]) == 0
    assert "valid" in capsys.readouterr().err


def test_it_has_ten_gold_documents_all_marked_fictional() -> None:
    docs = list(CORPUS)
    assert len(docs) >= 10
    for doc in docs:
        meta = doc.metadata
        assert doc.annotations.provenance.kind == "gold", doc.id
        assert "fictional" in meta.tags.conflicts and "fictional" in meta.tags.topics, doc.id
        assert "fictional" in (meta.source.publisher or ""), doc.id
        assert (meta.license.text, meta.distribution.policy) == ("CC-BY-4.0", "full"), doc.id


def test_the_split_is_fixed_and_the_readme_table_counts_it() -> None:
    parts = {"validation": Counter[str](), "test": Counter[str]()}
    for doc in CORPUS:
        counts = parts[doc.metadata.split]
        counts.update(documents=1, events=len(doc.events), quotes=len(doc.quotes), figures=len(doc.figures))
    assert sorted(d.id for d in CORPUS if d.metadata.split == "validation") == [f"dev-00{i}" for i in range(1, 6)]
    assert sorted(d.id for d in CORPUS if d.metadata.split == "test") == [f"dev-{i:03d}" for i in range(6, 11)]
    for name, split in (("tuning", "validation"), ("held-out", "test")):
        row = re.search(rf"^\| {name} \| .+? \| `{split}` \| (\d+) \| (\d+) \| (\d+) \|$", README, flags=re.M)
        assert row is not None, name
        stated = tuple(int(n) for n in row.groups())
        assert stated == (parts[split]["events"], parts[split]["quotes"], parts[split]["figures"])


def test_it_exercises_what_news_does_that_the_seed_does_not() -> None:
    texts = [doc.text for doc in CORPUS]
    joined = "\n".join(texts)
    assert any("\r\n" in t for t in texts)  # CRLF
    assert "\u00a0" in joined  # no-break space inside numbers
    assert re.search(r"^[-*] ", joined, flags=re.M)  # bullet lists
    for phrase in ("according to", "a dozen", "percent", "quoted", "1.2\u00a0million", "tens of thousands"):
        assert phrase in joined.lower(), phrase
    modalities = {ev.modality for doc in CORPUS for ev in doc.events}
    assert {"negated", "planned", "hypothetical", "actual"} <= modalities
    bounds = {f.bound for doc in CORPUS for f in doc.figures}
    assert {"range", "approximate", "at_least", "at_most", "more_than", "less_than", "exact"} <= bounds
    # a quotation running over a paragraph break: one quote, a content in each paragraph
    assert any(
        "\n" in doc.text[q.contents[0].start : q.contents[-1].end] and q.type == "direct"
        for doc in CORPUS
        for q in doc.quotes
    )
    # competing figures: the dead of one document counted by several claimants
    claimants = [{f.claimant for f in doc.figures if f.property == "killed"} for doc in CORPUS]
    assert max(len(c) for c in claimants) >= 3


def test_evaluate_scores_only_the_requested_split(tmp_path: Path) -> None:
    result = evaluate(DEV, DEV, splits={"test"})
    assert result["documents"] == 5
    assert result["exact"]["layers"]["events"]["gold"] == sum(
        len(d.events) for d in CORPUS if d.metadata.split == "test"
    )
    assert main(["evaluate", str(DEV), str(DEV), "--split", "validation", "--json"]) == 0
