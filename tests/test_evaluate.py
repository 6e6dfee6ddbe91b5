"""The scorer: gold against itself, a hand-made prediction with hand-computed numbers, invalid input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError
from conflict_news.cli.main import main
from conflict_news.grow.evaluate import Item, evaluate, match
from conftest import BASE, REPO, materialize_case

TOY = BASE / "annotations" / "toy-0001.json"


def _span(start: int, end: int) -> dict[str, Any]:
    text = (BASE / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")
    return {"start": start, "end": end, "text": text[start:end]}


def _event(eid: str, start: int, end: int, etype: str, modality: str, args: list[tuple[str, int, int]]) -> dict:
    return {
        "id": eid, "type": etype, "trigger": _span(start, end), "location": None, "time": None,
        "arguments": [{"role": r, "span": _span(s, e), "entity": None} for r, s, e in args],
        "modality": modality, "polarity": "positive", "relations": [],
    }  # fmt: skip


def _prediction() -> dict[str, Any]:
    """The toy gold as a weak system would annotate it; the expected numbers below are counted by hand."""
    gold = json.loads(TOY.read_text(encoding="utf-8"))
    return {
        **{k: gold[k] for k in ("schema_version", "doc_id", "text_sha256")},
        "provenance": {"kind": "prediction", "annotators": ["hand-made"], "guidelines": "1.0"},
        "entities": [
            {
                "id": "p-varn",
                "name": "Varn",
                "type": "person",
                "wikidata": None,
                "affiliation": None,
                "mentions": [_span(122, 131)],
            },
        ],
        "events": [
            # "fired": right span, wrong type; attacker exact, instrument "rockets" only overlaps "12 rockets"
            _event("pA", 17, 22, "violent.remote_strike", "actual", [("attacker", 0, 16), ("instrument", 26, 33)]),
            # "will answer": overlaps the gold "answer" only
            _event("pB", 99, 110, "violent.attack", "planned", [("attacker", 96, 98)]),
            # "told": no gold event
            _event("pC", 132, 136, "diplomatic.meeting", "actual", []),
        ],
        "quotes": [
            {
                "id": "pq",
                "type": "direct",
                "cue": _span(132, 136),
                "source": _span(122, 131),
                "speaker": "p-varn",
                "contents": [_span(96, 111)],
                "events": [],
            },
        ],
        "figures": [
            {
                "id": "pf",
                "span": _span(23, 25),
                "value": 12,
                "lower": 12,
                "upper": 12,
                "bound": "exact",
                "approx_cue": None,
                "counted": "rockets",
                "counted_span": _span(26, 33),
                "property": "other",
                "claimant": None,
                "quote": None,
                "event": "pA",
            },
        ],
    }


def _write(tmp_path: Path, ann: dict[str, Any], name: str = "toy-0001.json") -> Path:
    path = tmp_path / "pred" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ann), encoding="utf-8")
    return path


def _prf(cell: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(None if cell[k] is None else round(cell[k], 4) for k in ("precision", "recall", "f1"))


def _all_metrics(value: Any) -> list[float]:
    """Every score in a result, an interval's value and bounds included."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in ("precision", "recall", "f1", "accuracy", "value", "low",
                 "high") and v is not None and not isinstance(v, dict)]  # fmt: skip
        return found + [m for v in value.values() for m in _all_metrics(v)]
    return []


@pytest.mark.parametrize("root", [REPO, BASE])
def test_gold_against_itself_scores_one_everywhere(root: Path) -> None:
    result = evaluate(root, root)
    metrics = _all_metrics(result)
    assert metrics and set(metrics) == {1.0}


def test_hand_made_prediction_exact(tmp_path: Path) -> None:
    result = evaluate(_write(tmp_path, _prediction()), BASE)["exact"]
    layers, links = result["layers"], result["links"]
    # events: 3 predicted, 2 gold, only "fired" has the same span
    assert _prf(layers["events"]) == (0.3333, 0.5, 0.4)
    types = layers["events"]["types"]
    assert _prf(types["violent.remote_strike"]) == (0.0, None, 0.0)
    assert _prf(types["violent.shelling_missile_attack"]) == (None, 0.0, 0.0)
    assert _prf(types["violent.attack"]) == (0.0, 0.0, 0.0)
    assert layers["events"]["attributes"]["type"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    # trigger and type together: "fired" is matched but typed wrongly, so no typed match; figures: one of one
    # with its bound right
    assert _prf(layers["events"]["typed"]) == (0.0, 0.0, 0.0)
    assert _prf(layers["figures"]["typed"]) == (1.0, 1.0, 1.0)
    assert layers["events"]["attributes"]["modality"]["accuracy"] == 1.0
    # quotes: the direct quote of two; its speaker shares the mention "Ilka Varn" with the gold speaker
    assert _prf(layers["quotes"]) == (1.0, 0.5, 0.6667)
    assert layers["quotes"]["attributes"]["speaker"]["accuracy"] == 1.0
    assert _prf(links["quote.speaker"]) == (1.0, 0.5, 0.6667)
    # figures: one of one; property wrong, value and bounds right; its event is matched to the gold's
    assert _prf(layers["figures"]) == (1.0, 1.0, 1.0)
    attrs = layers["figures"]["attributes"]
    assert (attrs["property"]["accuracy"], attrs["value"]["accuracy"], attrs["bound"]["accuracy"]) == (0.0, 1, 1)
    assert _prf(links["figure.event"]) == (1.0, 1.0, 1.0)
    # arguments: only the attacker of "fired" (exact span); 3 predicted, 3 gold
    assert _prf(links["event.argument"]) == (0.3333, 0.3333, 0.3333)
    assert _prf(links["event.argument.attacker"]) == (0.5, 0.5, 0.5)
    assert _prf(links["event.argument.instrument"]) == (0.0, 0.0, 0.0)
    # entities: 1 predicted mention; 4 gold mentions (Valdorian forces, the ministry, Ilka Varn, We)
    assert _prf(layers["entities"]) == (1.0, 0.25, 0.4)


def test_hand_made_prediction_overlap(tmp_path: Path) -> None:
    result = evaluate(_write(tmp_path, _prediction()), BASE)["overlap"]
    layers, links = result["layers"], result["links"]
    assert _prf(layers["events"]) == (0.6667, 1.0, 0.8)
    assert _prf(layers["events"]["types"]["violent.attack"]) == (1.0, 1.0, 1.0)
    assert layers["events"]["attributes"]["type"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert layers["events"]["attributes"]["modality"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert _prf(links["event.argument"]) == (1.0, 1.0, 1.0)


def test_greedy_matching_prefers_exact_then_same_type() -> None:
    gold = [Item("g1", 0, 5, "a"), Item("g2", 3, 9, "b")]
    pred = [Item("p1", 3, 9, "a"), Item("p2", 0, 4, "a")]
    assert match(pred, gold, "overlap") == {"p1": "g2", "p2": "g1"}
    assert match(pred, gold, "exact") == {"p1": "g2"}


@pytest.fixture
def two_doc_root(tmp_path: Path) -> Path:
    """A corpus root holding the toy document and the seed, both with gold."""
    root = tmp_path / "root"
    for source, pattern in ((BASE, "*.*"), (REPO, "cnc-000001.*")):
        for sub in ("corpus", "annotations"):
            (root / sub).mkdir(parents=True, exist_ok=True)
            for src in (source / sub).glob(pattern):
                if src.suffix in (".txt", ".json"):
                    (root / sub / src.name).write_bytes(src.read_bytes())
    return root


def test_documents_without_prediction_count_as_empty(tmp_path: Path, two_doc_root: Path) -> None:
    result = evaluate(_write(tmp_path, _prediction()).parent, two_doc_root)
    assert (result["documents"], result["predicted_documents"]) == (2, 1)
    # the seed's 47 gold events are all missed
    assert _prf(result["exact"]["layers"]["events"]) == (0.3333, round(1 / 49, 4), round(2 / 52, 4))


def test_empty_prediction_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pred").mkdir()
    with pytest.raises(CorpusError) as info:
        evaluate(tmp_path / "pred", BASE)
    assert [str(i) for i in info.value.issues] == [
        f"{tmp_path / 'pred'}:$: [file-unreadable] no annotation files found there"
    ]
    with pytest.raises(CorpusError) as info:
        evaluate(BASE, tmp_path / "pred")
    assert (str(tmp_path / "pred"), "file-unreadable") in [(i.file, i.code) for i in info.value.issues]


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda a: a["events"][0]["trigger"].update(text="fires"), "span-text-mismatch"),
        (lambda a: a.update(text_sha256="0" * 64), "annotation-stale"),
        (lambda a: a["figures"][0].update(event="nope"), "dangling-reference"),
    ],
)
def test_invalid_predictions_are_reported_with_the_validators_codes(tmp_path: Path, edit: Any, code: str) -> None:
    pred = _prediction()
    edit(pred)
    with pytest.raises(CorpusError) as info:
        evaluate(_write(tmp_path, pred), BASE)
    assert [i.code for i in info.value.issues] == [code]
    assert info.value.issues[0].file.endswith("pred/toy-0001.json")


def test_prediction_for_unknown_document(tmp_path: Path) -> None:
    pred = {**_prediction(), "doc_id": "toy-9999"}
    with pytest.raises(CorpusError) as info:
        evaluate(_write(tmp_path, pred, "toy-9999.json"), BASE)
    assert [i.code for i in info.value.issues] == ["document-missing"]


def test_prediction_for_a_document_outside_the_gold(tmp_path: Path, two_doc_root: Path) -> None:
    """The texts know toy-0001, but the gold given is the seed's file alone: nothing to score against."""
    pred = _write(tmp_path, _prediction())
    with pytest.raises(CorpusError) as info:
        evaluate(pred, two_doc_root / "annotations" / "cnc-000001.json")
    assert [str(i) for i in info.value.issues] == [
        f"{pred}:$.doc_id: [document-missing] no gold annotation of document 'toy-0001' to score against"
    ]


def test_the_texts_can_come_from_a_root_named_apart(tmp_path: Path) -> None:
    """Gold and prediction as loose files, the texts from --root."""
    gold = tmp_path / "gold" / "toy-0001.json"
    gold.parent.mkdir()
    gold.write_bytes((BASE / "annotations" / "toy-0001.json").read_bytes())
    assert evaluate(gold, gold, BASE)["exact"]["layers"]["events"]["f1"] == 1.0


def test_invalid_gold_is_reported_beside_a_valid_prediction(tmp_path: Path) -> None:
    gold = materialize_case({"set": {"annotations/toy-0001.json#/events/0/trigger/text": "fires"}}, tmp_path)
    with pytest.raises(CorpusError) as info:
        evaluate(BASE / "annotations" / "toy-0001.json", gold)
    assert [(i.code, i.file) for i in info.value.issues] == [("span-text-mismatch", "annotations/toy-0001.json")]


def test_unannotated_documents_are_counted_apart_and_the_others_scored(tmp_path: Path, two_doc_root: Path) -> None:
    """cnc-000001 (first by id) is made a placeholder: toy-0001, after it, is still scored."""
    path = two_doc_root / "annotations" / "cnc-000001.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    ann["provenance"]["kind"] = "pending"
    path.write_text(json.dumps(ann), encoding="utf-8")
    result = evaluate(two_doc_root, two_doc_root)
    assert (result["documents"], result["unannotated"]) == (1, ["cnc-000001"])
    assert result["exact"]["layers"]["events"]["gold"] == 2  # toy-0001's two events


def test_cli_evaluate_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = _write(tmp_path, _prediction())
    assert main(["evaluate", str(pred), str(BASE), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["exact"]["layers"]["figures"]["f1"] == 1.0
    assert main(["evaluate", str(pred), str(BASE)]) == 0
    out = capsys.readouterr().out
    assert "| **events** | 3 | 2 | 0.333 | 0.500 | 0.400 | 0.667 | 1.000 | 0.800 |" in out
    assert "| figures.property | 1 | 0.000 | 1 | 0.000 |" in out


def test_cli_evaluate_reports_bad_predictions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = _prediction()
    pred["quotes"][0]["contents"][0]["end"] = 999
    assert main(["evaluate", str(_write(tmp_path, pred)), str(BASE)]) == 1
    assert "[span-out-of-range] pq:" in capsys.readouterr().err


def test_wrong_links_count_against_precision(tmp_path: Path) -> None:
    pred = _prediction()
    pred["entities"].append(
        {"id": "p-forces", "name": "Valdorian forces", "type": "armed_force", "wikidata": None, "affiliation": None,
         "mentions": [_span(0, 16)]}
    )  # fmt: skip
    pred["quotes"][0]["speaker"] = "p-forces"  # the gold speaker is Ilka Varn
    pred["figures"][0]["event"] = "pC"  # "told" matches no gold event
    result = evaluate(_write(tmp_path, pred), BASE)["exact"]
    assert result["layers"]["quotes"]["attributes"]["speaker"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    assert _prf(result["links"]["quote.speaker"]) == (0.0, 0.0, 0.0)
    assert _prf(result["links"]["figure.event"]) == (0.0, 0.0, 0.0)


def test_a_split_without_gold_scores_nothing_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A split whose documents hold predictions only (as the shipped test split did until its gold began to
    land): zero documents, no F1."""
    root = tmp_path / "root"
    for part in ("corpus", "annotations"):
        (root / part).mkdir(parents=True)
    for suffix in (".json", ".txt"):
        (root / "corpus" / f"cnc-000009{suffix}").write_bytes((REPO / "corpus" / f"cnc-000009{suffix}").read_bytes())
    ann = json.loads((REPO / "annotations" / "cnc-000009.json").read_text(encoding="utf-8"))
    ann["provenance"] = {"kind": "prediction", "annotators": ["a system"], "guidelines": "2.0"}
    (root / "annotations" / "cnc-000009.json").write_text(json.dumps(ann), encoding="utf-8")
    result = evaluate(root / "annotations", root, splits="test")
    assert result["documents"] == 0 and result["unannotated"] == ["cnc-000009"]
    assert result["exact"]["layers"]["events"] == {**result["exact"]["layers"]["events"], "gold": 0, "f1": None}
    assert main(["evaluate", str(root / "annotations"), str(root), "--split", "test"]) == 0
    assert "not scored, no gold yet" in capsys.readouterr().err


def test_scores_get_intervals_from_resampling_the_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Gold dev-001 and dev-002, predicted: dev-001 exactly, dev-002 nothing. A resample of the two documents
    is dev-001 twice (events F1 1, a quarter of them), dev-002 twice (F1 0, a quarter) or one of each, so the
    F1 interval runs from 0 to 1 around the pooled 2 * 13 / (2 * 13 + n₂); precision is 1 wherever defined
    (dev-002 twice predicts nothing: undefined, left out)."""
    dev = REPO / "dev"
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    for doc_id in ("dev-001", "dev-002"):
        (gold / f"{doc_id}.json").write_bytes((dev / "annotations" / f"{doc_id}.json").read_bytes())
    (pred / "dev-001.json").write_bytes((dev / "annotations" / "dev-001.json").read_bytes())
    n2 = len(json.loads((gold / "dev-002.json").read_text(encoding="utf-8"))["events"])
    result = evaluate(pred, gold, dev, resamples=1000, seed=5)
    events = result["intervals"]["exact"]["layers"]["events"]
    assert events["f1"] == {"value": pytest.approx(26 / (26 + n2)), "low": 0.0, "high": 1.0}
    assert events["precision"] == {"value": 1.0, "low": 1.0, "high": 1.0}
    assert events["recall"] == {"value": pytest.approx(13 / (13 + n2)), "low": 0.0, "high": 1.0}
    assert result["exact"]["layers"]["events"]["f1"] == events["f1"]["value"]  # the same pooled number
    typed = result["intervals"]["exact"]["typed"]["events"]["f1"]  # dev-001 right in trigger and type
    assert typed == {"value": pytest.approx(26 / (26 + n2)), "low": 0.0, "high": 1.0}
    assert result["intervals"]["overlap"]["links"]["quote.speaker"]["f1"]["high"] == 1.0
    assert evaluate(pred, gold, dev, resamples=1000, seed=5) == result
    assert main(["evaluate", str(pred), str(gold), "--root", str(dev), "--bootstrap", "200", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| item | pred | gold | exact P |")  # the tables of old first, unchanged
    assert f"| **events** | {26 / (26 + n2):.3f} [0.000, 1.000] | {26 / (26 + n2):.3f} [0.000, 1.000] |" in out
    assert "over the 2 scored documents (200 resamples, seed 5)" in out
    assert main(["evaluate", str(pred), str(gold), "--root", str(dev), "--bootstrap", "0"]) == 0
    assert "[0.000" not in capsys.readouterr().out
    assert main(["evaluate", str(pred), str(gold), "--root", str(dev), "--json", "--bootstrap", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["intervals"]["exact"]["layers"]["events"]["f1"]["low"] is None
