"""The trained baseline (baselines/, extra `baseline`): its published tables are what scoring the committed
predictions gives, and its pipeline trains, predicts and plugs into `preannotate --extractor` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cardblocks import published
from conflict_news.cli.main import main
from conflict_news.grow.evaluate import evaluate
from conftest import REPO

sys.path.insert(0, str(REPO))  # baselines/ sits beside the package, as in a clone
from baselines import report


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report.rules_predictions(tmp_path_factory.mktemp("rules"))


def test_the_published_tables_are_what_the_committed_predictions_score(rules: Path) -> None:
    for marker, block in report.blocks(rules).items():
        assert published(marker) == block, marker


def test_the_plot_is_drawn_from_the_results() -> None:
    results = json.loads((REPO / "baselines" / "results.json").read_text(encoding="utf-8"))
    assert report.PLOT.read_text(encoding="utf-8") == report.curve_svg(results)


def test_the_committed_predictions_cover_the_test_split_and_came_from_the_crf() -> None:
    test = {p.stem for p in (REPO / "corpus").glob("*.json") if json.loads(p.read_text())["split"] == "test"}
    for architecture in report.SYSTEMS:
        folder = REPO / "baselines" / "predictions" / architecture / "test"
        assert {p.stem for p in folder.glob("*.json")} == test
        first = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
        assert first["provenance"]["annotators"][0].startswith(f"baselines.crf ({architecture})")


def test_the_pipeline_trains_predicts_and_plugs_into_preannotate(tmp_path: Path) -> None:
    """Three train documents, one setting: models, predictions that `evaluate` takes, results, and the models
    as a `preannotate --extractor` (not the scores)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "loaders")])}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "baselines.train", "--data", str(REPO), "--out", str(out), "--quick", "3"]
    subprocess.run(command, env=env, cwd=tmp_path, check=True, capture_output=True)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["train_documents"] == 3 and set(results["architectures"]) == set(report.SYSTEMS)
    for architecture in report.SYSTEMS:
        assert {p.name for p in (out / "model" / architecture).iterdir()} == {
            "model.json", "events.crfsuite", "types.crfsuite", "quotes.crfsuite", "figures.crfsuite"}  # fmt: skip
        predictions = out / "predictions" / architecture / "test"
        assert len(list(predictions.glob("*.json"))) == 3
        assert evaluate(predictions, REPO, splits=["test"], resamples=0)["predicted_documents"] == 3
    os.environ["CNC_BASELINE_MODEL"] = str(out / "model" / "stacked")
    try:
        args = [
            "preannotate",
            "--root",
            str(REPO),
            "--extractor",
            "baselines.crf:extract",
            "--out",
            str(tmp_path / "p"),
        ]
        assert main([*args, "cnc-000002"]) == 0
    finally:
        del os.environ["CNC_BASELINE_MODEL"]
    made = json.loads((tmp_path / "p" / "cnc-000002.json").read_text(encoding="utf-8"))
    assert made["provenance"]["kind"] == "prediction" and "baselines.crf:extract" in made["provenance"]["annotators"][0]
