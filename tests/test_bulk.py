"""Bulk validation: a process pool gives the same issues, in the same order, as one process."""

from __future__ import annotations

import gc
import importlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from conflict_news.cli.main import main
from conflict_news.core.pool import count_workers, paused_gc
from conflict_news.core.store import dump_json, list_doc_ids
from conflict_news.grow.synthetic import write_synthetic
from conflict_news.hf.build import build_data
from conflict_news.labelstudio.importer import import_export
from conflict_news.labelstudio.tasks import write_tasks
from ls_helpers import offline_export

# The package exports a function named validate, which hides the module of the same name.
validate = importlib.import_module("conflict_news.core.validate")


@pytest.fixture(scope="module")
def broken_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus with issues spread over several documents."""
    root = tmp_path_factory.mktemp("bulk")
    write_synthetic(root, 30, seed=5)
    (root / "corpus" / "syn-000003.json").write_text("{not json", encoding="utf-8")
    (root / "corpus" / "syn-000011.txt").unlink()
    ann_path = root / "annotations" / "syn-000017.json"
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    ann["events"][0]["trigger"]["text"] += "x"
    ann["figures"][0]["value"] = -1
    ann_path.write_text(json.dumps(ann), encoding="utf-8")
    (root / "annotations" / "syn-000029.json").unlink()
    return root


def test_pool_and_single_process_agree_in_order(broken_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_BATCH", 4)  # many batches, so order across workers is exercised
    single = list(validate.iter_errors([broken_root], workers=1))
    pooled = list(validate.iter_errors([broken_root], workers=3))
    assert pooled == single
    assert {i.file for i in single} == {
        "corpus/syn-000003.json",
        "corpus/syn-000011.json",
        "annotations/syn-000017.json",
        "annotations/syn-000029.json",
    }
    assert [i.code for i in single if i.file == "annotations/syn-000017.json"] == [
        "span-text-mismatch",
        "figure-value-mismatch",
    ]


def test_progress_is_told_of_every_document(broken_root: Path) -> None:
    for workers in (1, 2):
        counted: list[int] = []
        list(validate.iter_errors([broken_root], workers=workers, progress=counted.append))
        assert sum(counted) == 30


def test_stopping_early_shuts_the_pool_down(broken_root: Path) -> None:
    issues = validate.iter_errors([broken_root], workers=2)
    assert next(issues).file == "corpus/syn-000003.json"
    issues.close()  # must return, not wait for or leak workers


def test_worker_count() -> None:
    cores = len(os.sched_getaffinity(0))
    assert count_workers(None, 10, validate.POOL_THRESHOLD) == 1
    assert count_workers(0, validate.POOL_THRESHOLD, validate.POOL_THRESHOLD) == cores
    assert count_workers(3, 1, validate.POOL_THRESHOLD) == 3


def test_cli_workers_option(broken_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken_root), "--workers", "2", "--json"]) == 1
    pooled = capsys.readouterr().out
    assert main(["validate", str(broken_root), "--workers", "1", "--json"]) == 1
    assert capsys.readouterr().out == pooled


def test_listing_skips_hidden_files_and_missing_folders(tmp_path: Path) -> None:
    write_synthetic(tmp_path, 2, seed=1)
    (tmp_path / "corpus" / ".syn-000009.json.x1.tmp").write_text("{}", encoding="utf-8")  # a write in progress
    shutil.rmtree(tmp_path / "annotations")
    issues = list(validate.iter_errors([tmp_path]))
    assert [(i.code, i.file) for i in issues] == [
        ("annotation-missing", "annotations/syn-000001.json"),
        ("annotation-missing", "annotations/syn-000002.json"),
    ]


def test_bulk_work_leaves_no_cyclic_garbage(tmp_path: Path) -> None:
    """The batch functions pause the cyclic collector (pool.paused_gc), which is only safe while they
    make no reference cycles: whatever they leave behind must be freed by reference counting alone."""
    root = tmp_path / "root"
    write_synthetic(root, 12, seed=2)
    export = tmp_path / "export.json"
    export.write_bytes(dump_json([task for doc_id in list_doc_ids(root) for task in offline_export(root, doc_id)]))

    def work() -> None:
        assert list(validate.iter_errors([root], workers=1)) == []
        build_data(root, out=tmp_path / "release", workers=1)
        assert len(import_export(export, root, workers=1).imported) == 12
        assert write_tasks(root, "stored", io.BytesIO()) == []

    work()  # once, for the caches filled on first use (the recursive label encoders make a few cycles, once)
    gc.collect()
    with paused_gc():
        work()
        assert gc.collect() == 0
