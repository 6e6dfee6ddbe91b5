"""The double annotation in adjudication/: the card's agreement table, and the gold as the adjudication's output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cardblocks import published
from conflict_news.cli.main import main
from conflict_news.core.agreement import agreement_markdown
from conflict_news.core.store import read_document
from conflict_news.grow.agreement import file_agreement
from conftest import REPO

FIRST, SECOND, ADJUDICATOR = (
    "conflict-news-corpus maintainers", "second annotator (not independent)", "conflict-news-corpus adjudicator"
)  # fmt: skip
LAYERS = ("entities", "events", "quotes", "figures")
# The 1.2 gold the adjudication wrote was migrated to guidelines 2.0 afterwards, item by item.
MIGRATION = json.loads((REPO / "docs" / "migration-2.0.json").read_text(encoding="utf-8"))


def migrated(doc_id: str, annotation: dict[str, Any]) -> dict[str, Any]:
    """An adjudicated 1.2 annotation with the recorded 2.0 migration of its document applied.

    A change sets a field of an item (`field` may be dotted: `location.precision`) from `from` to `to`,
    deletes an item (`delete`; its record in `provenance.items` goes with it, which would otherwise name
    no item), or adds one (`add`, the whole item, to `layer`)."""
    record = MIGRATION["documents"].get(doc_id)
    if record is None:
        return annotation
    out = json.loads(json.dumps(annotation))
    assert out["provenance"]["guidelines"] == MIGRATION["guidelines"]["from"], doc_id
    out["provenance"]["guidelines"] = MIGRATION["guidelines"]["to"]
    for change in record["changes"]:
        if "add" in change:
            out[change["layer"]].append(change["add"])
            continue
        layer = next(name for name in LAYERS if any(i["id"] == change["item"] for i in out[name]))
        if change.get("delete"):
            out[layer] = [i for i in out[layer] if i["id"] != change["item"]]
            if "items" in out["provenance"]:
                out["provenance"]["items"] = [r for r in out["provenance"]["items"] if r["id"] != change["item"]]
            continue
        *path, last = change["field"].split(".")
        holder = next(i for i in out[layer] if i["id"] == change["item"])
        for key in path:
            holder = holder[key]
        assert holder[last] == change["from"], (doc_id, change)
        holder[last] = change["to"]
    return out


def test_migration_applies_each_recorded_change_and_refuses_a_stale_one(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [
        {"id": "ev1", "annotators": ["a"], "adjudicator": None},
        {"id": "ev2", "annotators": ["a"], "adjudicator": None},
    ]
    before = {"provenance": {"guidelines": "1.2", "items": items}, "entities": [], "quotes": [], "figures": [],
              "events": [{"id": "ev1", "modality": "hypothetical", "location": {"precision": "point"}},
                         {"id": "ev2", "modality": "actual"}]}  # fmt: skip
    changes = [
        {"item": "ev1", "field": "modality", "from": "hypothetical", "to": "generic", "rule": "FAC-2"},
        {"item": "ev1", "field": "location.precision", "from": "point", "to": "admin2", "rule": "LOC-3"},
        {"item": "ev2", "delete": True, "rule": "QUO-6"},
        {"layer": "events", "add": {"id": "ev3", "modality": "planned"}, "rule": "QUO-6"},
    ]
    monkeypatch.setitem(MIGRATION["documents"], "toy", {"root": ".", "changes": changes})
    after = migrated("toy", before)
    assert after["events"] == [
        {"id": "ev1", "modality": "generic", "location": {"precision": "admin2"}},
        {"id": "ev3", "modality": "planned"},
    ]
    assert after["provenance"]["guidelines"] == "2.0" and before["events"][0]["modality"] == "hypothetical"
    assert after["provenance"]["items"] == items[:1] and before["provenance"]["items"] == items
    with pytest.raises(AssertionError):
        migrated("toy", {**after, "provenance": {"guidelines": "1.2"}})


def test_every_migrated_document_and_change_is_listed_for_readers() -> None:
    page = (REPO / "docs" / "migration-2.0.md").read_text(encoding="utf-8")
    for doc_id, record in MIGRATION["documents"].items():
        assert doc_id in page
        for change in record["changes"]:
            item = change.get("item") or change["add"]["id"]
            assert f"| {doc_id} | {item} " in page and f"`{change['rule']}`" in page, (doc_id, change)


# Column of the card's table -> (folder of the versions, corpus root of the texts and the gold).
SETS = {
    "seed `cnc-000001`": (REPO / "adjudication" / "seed", REPO),
    "dev `dev-006` to `dev-008`": (REPO / "adjudication" / "dev", REPO / "dev"),
}


def test_the_cards_agreement_table_is_computed_from_the_two_annotations() -> None:
    columns = {name: file_agreement([(d / "first", d / "second", root)]) for name, (d, root) in SETS.items()}
    table = agreement_markdown(columns)
    assert published("agreement") == table, "the withdrawn agreement table is out of date:\n" + table


@pytest.mark.parametrize("name", SETS)
def test_the_gold_is_what_adjudicating_the_two_annotations_gives(name: str, tmp_path: Path) -> None:
    """Replaying the adjudication on a copy of the root writes exactly the committed gold of those documents."""
    folder, root = SETS[name]
    copy = tmp_path / "root"
    for part in ("corpus", "annotations"):
        shutil.copytree(root / part, copy / part)
    args = ["adjudicate", "--root", str(copy), "--files", f"{FIRST}={folder / 'first'}",
            "--files", f"{SECOND}={folder / 'second'}", "--review", str(folder / "review"),
            "--adjudicator", ADJUDICATOR, "--gold-kind", "legacy", "--overwrite-gold"]  # fmt: skip
    assert main(args) == 0
    docs = sorted(p.stem for p in (folder / "second").glob("*.json"))
    assert docs
    for doc_id in docs:
        replayed = migrated(doc_id, read_document(copy, doc_id).annotation)
        assert replayed == read_document(root, doc_id).annotation, doc_id
        records = replayed["provenance"]["items"]
        assert {tuple(r["annotators"]) for r in records} <= {(FIRST, SECOND), (FIRST,), (SECOND,), (ADJUDICATOR,)}
        assert all((r["adjudicator"] is None) == (r["annotators"] == [FIRST, SECOND]) for r in records)
