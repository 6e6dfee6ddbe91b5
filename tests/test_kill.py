"""Crash consistency: `add`, `build`, `labelstudio import` and `preannotate` killed at every write step
leave, once recovered, the tree byte-identical to before the command or to a complete run (tests/kill_driver.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conflict_news.core.store import annotation_path, dump_json, metadata_path, read_document, text_path
from conftest import TESTS, materialize_case, package_env
from ls_helpers import offline_export


def _kill_everywhere(
    template: Path, work: Path, argv: list[str], recovery: list[str] | None = None
) -> list[dict[str, Any]]:
    env = package_env()
    env.pop("CNC_TEST_KILL_AT", None)
    extra = [json.dumps(recovery)] if recovery else []
    done = subprocess.run(
        [sys.executable, str(TESTS / "kill_driver.py"), str(template), str(work), json.dumps(argv), *extra],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _snapshot(root: Path) -> dict[str, str]:
    sys.path.insert(0, str(TESTS))
    from kill_driver import tree

    return tree(root)


def _assert_old_or_new(runs: list[dict[str, Any]], before: dict[str, str], least: int) -> None:
    *killed, complete = runs
    assert not complete["killed"] and all(run["killed"] for run in killed)
    assert len(killed) >= least  # the command did reach its write steps
    after = complete["tree"]
    assert after != before
    states = ["before" if run["tree"] == before else "after" if run["tree"] == after else run for run in killed]
    assert all(state in ("before", "after") for state in states), [s for s in states if isinstance(s, dict)]
    # Both sides of the commit point were hit: the early kills undo, the late ones finish.
    assert states[0] == "before" and states[-1] == "after"


def test_add_killed_at_any_step_adds_all_or_nothing(tmp_path: Path) -> None:
    template = materialize_case({}, tmp_path / "template")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"text": f"Article number {n}."}) + "\n" for n in range(3)), encoding="utf-8")
    runs = _kill_everywhere(template, tmp_path / "work", ["add", str(batch), "--root", "{root}"])
    _assert_old_or_new(runs, _snapshot(template), least=9)
    assert "corpus/cnc-000003.txt" in runs[-1]["tree"]


def test_build_killed_at_any_step_keeps_data_and_card_together(tmp_path: Path) -> None:
    template = materialize_case({}, tmp_path / "template")
    (template / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# Toy\n", encoding="utf-8")
    runs = _kill_everywhere(template, tmp_path / "work", ["build", "--root", "{root}", "--workers", "1"])
    _assert_old_or_new(runs, _snapshot(template), least=10)


def test_a_rebuild_killed_at_any_step_keeps_the_old_or_the_new_data(tmp_path: Path) -> None:
    from conflict_news.cli.main import main

    template = materialize_case({}, tmp_path / "template")
    (template / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# Toy\n", encoding="utf-8")
    assert main(["build", "--root", str(template), "--workers", "1"]) == 0
    ann = json.loads(annotation_path(template, "toy-0001").read_text(encoding="utf-8"))
    ann["figures"] = []
    annotation_path(template, "toy-0001").write_bytes(dump_json(ann))
    runs = _kill_everywhere(template, tmp_path / "work", ["build", "--root", "{root}", "--workers", "1"])
    _assert_old_or_new(runs, _snapshot(template), least=10)


def _three_documents(root: Path) -> None:
    """The toy corpus with two more copies of its document under other ids, so that an import writes three files."""
    raw = read_document(root, "toy-0001")
    for doc_id in ("toy-0002", "toy-0003"):
        text_path(root, doc_id).write_text(raw.text or "", encoding="utf-8")
        metadata_path(root, doc_id).write_bytes(dump_json({**raw.metadata, "id": doc_id}))
        annotation_path(root, doc_id).write_bytes(dump_json({**raw.annotation, "doc_id": doc_id}))


def _of_q2(result: dict[str, Any]) -> bool:
    """A region of quote q2 (its cue, contents, source), or a relation to or from one of them."""
    return any(str(result.get(key, "")).startswith("q2") for key in ("id", "from_id", "to_id"))


def test_import_killed_at_any_step_writes_all_or_nothing(tmp_path: Path) -> None:
    template = materialize_case({}, tmp_path / "template")
    _three_documents(template)
    export = []
    for doc_id in ("toy-0001", "toy-0002", "toy-0003"):
        task = offline_export(template, doc_id)[0]
        task["annotations"][0]["result"] = [r for r in task["annotations"][0]["result"] if not _of_q2(r)]
        export.append(task)
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    argv = ["labelstudio", "import", str(path), "--root", "{root}", "--overwrite-gold", "--workers", "1"]
    runs = _kill_everywhere(template, tmp_path / "work", argv)
    _assert_old_or_new(runs, _snapshot(template), least=5)


def test_preannotate_killed_at_any_step_writes_all_or_nothing(tmp_path: Path) -> None:
    """Its output folder is written as one transaction; `recover DIR` (or the next run) finishes or undoes it."""
    template = materialize_case({}, tmp_path / "template")
    _three_documents(template)
    (template / "pred").mkdir()
    argv = ["preannotate", "--root", "{root}", "--out", "{root}/pred"]
    runs = _kill_everywhere(template, tmp_path / "work", argv, ["recover", "--root", "{root}", "{root}/pred"])
    _assert_old_or_new(runs, _snapshot(template), least=5)
    assert {"pred/toy-0001.json", "pred/toy-0002.json", "pred/toy-0003.json"} <= set(runs[-1]["tree"])


@pytest.mark.parametrize("k", [1, 2])
def test_the_kill_hook_only_acts_on_its_step(k: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CNC_TEST_KILL_AT (or past its step), step() does nothing."""
    from conflict_news.core import txn

    monkeypatch.setattr(txn, "_steps", 10)
    monkeypatch.setenv("CNC_TEST_KILL_AT", str(k))
    txn.step()
    monkeypatch.delenv("CNC_TEST_KILL_AT")
    txn.step()
    assert txn._steps == 12
