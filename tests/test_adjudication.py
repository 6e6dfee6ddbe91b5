"""The double annotation in adjudication/: the card's agreement table, and the gold as the adjudication's output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news.cli.main import main
from conflict_news.core.agreement import agreement_markdown
from conflict_news.core.store import read_document
from conflict_news.grow.agreement import file_agreement
from conftest import REPO

FIRST, SECOND, ADJUDICATOR = (
    "conflict-news-corpus maintainers", "second annotator (blind)", "conflict-news-corpus adjudicator"
)  # fmt: skip
# The 1.2 gold the adjudication wrote was migrated to guidelines 2.0 afterwards, item by item.
MIGRATION = json.loads((REPO / "docs" / "migration-2.0.json").read_text(encoding="utf-8"))


def migrated(doc_id: str, annotation: dict[str, Any]) -> dict[str, Any]:
    """An adjudicated 1.2 annotation with the recorded 2.0 migration of its document applied."""
    record = MIGRATION["documents"].get(doc_id)
    if record is None:
        return annotation
    out = json.loads(json.dumps(annotation))
    assert out["provenance"]["guidelines"] == MIGRATION["guidelines"]["from"], doc_id
    out["provenance"]["guidelines"] = MIGRATION["guidelines"]["to"]
    items = {item["id"]: item for layer in ("entities", "events", "quotes", "figures") for item in out[layer]}
    for change in record["changes"]:
        item = items[change["item"]]
        assert item[change["field"]] == change["from"], (doc_id, change)
        item[change["field"]] = change["to"]
    return out


def test_migration_applies_each_recorded_change_and_refuses_a_stale_one() -> None:
    before = {"provenance": {"guidelines": "1.2"}, "entities": [], "events": [{"id": "ev40", "modality": "hypothetical"}],
              "quotes": [], "figures": []}  # fmt: skip
    after = migrated("cnc-000001", before)
    assert after["events"][0]["modality"] == "generic" and after["provenance"]["guidelines"] == "2.0"
    assert before["events"][0]["modality"] == "hypothetical"
    with pytest.raises(AssertionError):
        migrated("cnc-000001", after)


def test_every_migrated_document_and_change_is_listed_for_readers() -> None:
    page = (REPO / "docs" / "migration-2.0.md").read_text(encoding="utf-8")
    for doc_id, record in MIGRATION["documents"].items():
        assert doc_id in page
        for change in record["changes"]:
            assert f"| {doc_id} | {change['item']} " in page and f"`{change['rule']}`" in page, (doc_id, change)


# Column of the card's table -> (folder of the versions, corpus root of the texts and the gold).
SETS = {
    "seed `cnc-000001`": (REPO / "adjudication" / "seed", REPO),
    "dev `dev-006` to `dev-008`": (REPO / "adjudication" / "dev", REPO / "dev"),
}


def test_the_cards_agreement_table_is_computed_from_the_two_annotations() -> None:
    columns = {name: file_agreement([(d / "first", d / "second", root)]) for name, (d, root) in SETS.items()}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    published = readme.split("<!-- agreement:start -->\n", 1)[1].split("<!-- agreement:end -->", 1)[0]
    assert published == agreement_markdown(columns), "README's agreement table is out of date:\n" + agreement_markdown(
        columns
    )


@pytest.mark.parametrize("name", SETS)
def test_the_gold_is_what_adjudicating_the_two_annotations_gives(name: str, tmp_path: Path) -> None:
    """Replaying the adjudication on a copy of the root writes exactly the committed gold of those documents."""
    folder, root = SETS[name]
    copy = tmp_path / "root"
    for part in ("corpus", "annotations"):
        shutil.copytree(root / part, copy / part)
    args = ["adjudicate", "--root", str(copy), "--files", f"{FIRST}={folder / 'first'}",
            "--files", f"{SECOND}={folder / 'second'}", "--review", str(folder / "review"),
            "--adjudicator", ADJUDICATOR, "--overwrite-gold"]  # fmt: skip
    assert main(args) == 0
    docs = sorted(p.stem for p in (folder / "second").glob("*.json"))
    assert docs
    for doc_id in docs:
        replayed = migrated(doc_id, read_document(copy, doc_id).annotation)
        assert replayed == read_document(root, doc_id).annotation, doc_id
        records = replayed["provenance"]["items"]
        assert {tuple(r["annotators"]) for r in records} <= {(FIRST, SECOND), (FIRST,), (SECOND,), (ADJUDICATOR,)}
        assert all((r["adjudicator"] is None) == (r["annotators"] == [FIRST, SECOND]) for r in records)
