"""Agreement between two annotators' files: entity ids aligned, numbers counted by hand, bad input refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError
from conflict_news.cli.main import main
from conflict_news.core.versions import align_entities, entity_mapping
from conflict_news.grow.agreement import file_agreement
from conftest import REPO

GOLD = REPO / "annotations" / "cnc-000001.json"


def _gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


def _renamed(ann: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The same annotation with every entity id, and every link to one, spelled by another annotator."""
    text = json.dumps(ann)
    for entity in ann["entities"]:
        text = text.replace(f'"{entity["id"]}"', f'"{prefix}{entity["id"]}"')
    out: dict[str, Any] = json.loads(text)
    return out


def _side(tmp_path: Path, name: str, ann: dict[str, Any]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / GOLD.name).write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    return folder


def test_renamed_entities_align_back_to_the_reference_ids() -> None:
    gold = _gold()
    other = _renamed(gold, "b-")
    assert entity_mapping(gold, other) == {f"b-{e['id']}": e["id"] for e in gold["entities"]}
    assert align_entities(gold, other) == gold


def test_an_unmatched_entity_whose_id_names_another_gets_a_fresh_id() -> None:
    gold = _gold()
    first, second = gold["entities"][0], gold["entities"][1]
    other = json.loads(json.dumps(gold))
    # The other annotator calls their second entity by the reference's first id, and marks none of
    # the first entity's mentions: the id must not merge two different entities.
    other["entities"] = [{**second, "id": first["id"], "mentions": second["mentions"]}]
    mapping = entity_mapping(gold, other)
    assert mapping == {first["id"]: second["id"]}
    other["entities"][0]["mentions"] = [{"start": 0, "end": 0, "text": ""}]
    assert entity_mapping(gold, other) == {first["id"]: f"{first['id']}-1"}


def test_gold_against_itself_agrees_fully_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _side(tmp_path, "first", _gold()), _side(tmp_path, "second", _renamed(_gold(), "b-"))
    assert main(["agreement", str(first), str(second), "--root", str(REPO), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["tasks"], result["pairs"]) == (1, 1)
    assert {layer: row["exact_f1"] for layer, row in result["layers"].items() if row["spans"]} == {
        layer: 1.0 for layer, row in result["layers"].items() if row["spans"]
    }
    assert all(row["f1"] == 1.0 for row in result["links"].values())
    assert all(row["observed"] == 1.0 and row["kappa"] in (1.0, None) for row in result["attributes"].values())


def test_one_event_left_out_costs_what_f1_says(tmp_path: Path) -> None:
    gold = _gold()
    targets = {r["target"] for e in gold["events"] for r in e["relations"]} | {f["event"] for f in gold["figures"]}
    dropped = next(e for e in gold["events"] if e["id"] not in targets and not e["relations"])
    other = _renamed(gold, "b-")
    other["events"] = [e for e in other["events"] if e["id"] != dropped["id"]]
    records = other["provenance"].get("items", [])
    other["provenance"]["items"] = [r for r in records if r["id"] != dropped["id"]]
    result = file_agreement([(_side(tmp_path, "first", gold), _side(tmp_path, "second", other), REPO)])
    n = len(gold["events"])
    assert result.layers["event triggers"] == {"spans": 2 * n - 1, "exact_f1": 2 * (n - 1) / (2 * n - 1),
                                               "overlap_f1": 2 * (n - 1) / (2 * n - 1)}  # fmt: skip
    args = len(dropped["arguments"])
    total = sum(len(e["arguments"]) for e in gold["events"])
    if args:
        assert result.layers["event arguments"]["exact_f1"] < 1.0
    assert result.layers["event arguments"]["spans"] == 2 * total - args
    assert result.layers["entity mentions"]["exact_f1"] == 1.0
    assert result.links["quote speaker"]["f1"] == 1.0


def test_a_span_that_does_not_cover_its_text_is_an_issue_not_a_disagreement(tmp_path: Path) -> None:
    other = _gold()
    other["events"][0]["trigger"]["text"] += "x"
    with pytest.raises(CorpusError) as caught:
        file_agreement([(_side(tmp_path, "first", _gold()), _side(tmp_path, "second", other), REPO)])
    assert [i.code for i in caught.value.issues] == ["span-text-mismatch"]
    assert caught.value.issues[0].path == "$.events[0].trigger"


def test_agreement_takes_one_export_or_two_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    side = _side(tmp_path, "only", _gold())
    shutil.copy(GOLD, tmp_path / "copy.json")
    assert main(["agreement", str(side), str(side), str(side)]) == 1
    assert "give one Label Studio export, or two" in capsys.readouterr().err
