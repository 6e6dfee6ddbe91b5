"""The per-document distribution policy: decided from the licence, overridden only by an explicit choice."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conflict_news import CorpusError, load_corpus
from conflict_news.cli.main import main
from conflict_news.core.stats import compute_stats
from conflict_news.grow.ingest import add_documents
from conftest import REPO, materialize_case


def _add(root: Path, tmp_path: Path, name: str, stated: dict[str, str]) -> dict[str, object]:
    source = tmp_path / "in" / f"{name}.txt"
    source.parent.mkdir(exist_ok=True)
    source.write_text(f"The Ostrian ferry {name} docked at Port Meren on Monday.", encoding="utf-8")
    (doc_id,) = add_documents(root, source, stated)
    record: dict[str, object] = json.loads((root / "corpus" / f"{doc_id}.json").read_text(encoding="utf-8"))
    return record


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ({}, {"policy": "standoff", "decided_by": "licence"}),
        ({"license": "CC-BY-4.0"}, {"policy": "full", "decided_by": "licence"}),
        ({"license": "LicenseRef-Publisher-Terms"}, {"policy": "standoff", "decided_by": "licence"}),
        ({"distribution": "full"}, {"policy": "full", "decided_by": "maintainer"}),
        ({"license": "CC0-1.0", "distribution": "standoff"}, {"policy": "standoff", "decided_by": "maintainer"}),
    ],
)
def test_add_decides_the_policy_from_the_licence_unless_told(
    stated: dict[str, str], expected: dict[str, str], tmp_path: Path
) -> None:
    root = materialize_case({}, tmp_path)
    assert _add(root, tmp_path, "alpha", stated)["distribution"] == expected
    load_corpus(root)  # and the result validates


def test_add_refuses_an_unknown_policy(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    with pytest.raises(CorpusError) as info:
        _add(root, tmp_path, "beta", {"distribution": "public"})
    assert [(i.code, i.path) for i in info.value.issues] == [("schema-violation", "$.distribution.policy")]


def test_a_maintainer_choice_overrides_an_unknown_licence(tmp_path: Path) -> None:
    case = {
        "set": {
            "corpus/toy-0001.json#/license/text": "unknown",
            "corpus/toy-0001.json#/distribution/decided_by": "maintainer",
        }
    }
    load_corpus(materialize_case(case, tmp_path))


def test_stats_and_card_show_the_policies(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = load_corpus()
    policies = Counter(doc.metadata.distribution.policy for doc in corpus)
    assert compute_stats(corpus)["by_type"]["distribution"] == dict(policies)
    assert policies["standoff"] >= 1 and policies["full"] >= 250
    assert main(["stats"]) == 0
    assert "distribution:\n  full" in capsys.readouterr().out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- licences:start -->\n", 1)[1].split("<!-- licences:end -->", 1)[0]
    groups = Counter(
        (d.metadata.license.text, d.metadata.distribution.policy, d.metadata.distribution.decided_by) for d in corpus
    )
    rows = {f"| {licence} | {policy} ({by}) | {n} |" for (licence, policy, by), n in groups.items()}
    assert set(table.splitlines()[2:]) == rows
