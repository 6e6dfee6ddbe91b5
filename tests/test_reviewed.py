"""`reviewed` gold of train/validation documents (adjudication/wikinews/reviewed-*): what the corrector was given
(the kit's manifest, the start files: the pre-annotation with the kit's prefix), the corrected versions committed
before the gold, and the gold that replaying the review gives."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conflict_news.cli.main import main
from conflict_news.core.store import read_document
from conftest import REPO
from test_batches import _git_blob, _items, _record, _sha, prepared_side

RECORDS = sorted((REPO / "adjudication" / "wikinews").glob("reviewed-*"))


def test_there_is_a_record_of_reviewed_gold() -> None:
    assert RECORDS


@pytest.mark.parametrize("record_dir", RECORDS, ids=lambda r: r.name)
def test_the_corrector_was_given_the_recorded_inputs_and_the_pre_annotation(record_dir: Path) -> None:
    record = _record(record_dir)
    assert _sha((record_dir / "instructions.txt").read_bytes()) == record["instructions_sha256"]
    at = record["kit_commit"]
    for kit, entry in record["kits"].items():
        manifest = json.loads((record_dir / "manifests" / f"{kit}.json").read_text(encoding="utf-8"))
        given = manifest["files"]
        assert manifest["start"] == "pre-annotation" and manifest["documents"] == entry["documents"]
        assert given["GUIDELINES.md"] == _sha(_git_blob(at, "annotations/GUIDELINES.md"))
        assert given["check.py"] == _sha(_git_blob(at, "loaders/conflict_news/grow/kit_check.py"))
        for doc_id in entry["documents"]:
            assert given[f"documents/{doc_id}.txt"] == _sha((REPO / "corpus" / f"{doc_id}.txt").read_bytes())
            start = record_dir / "start" / f"{doc_id}.json"
            assert given[f"annotations/{doc_id}.json"] == _sha(start.read_bytes())
            # the start file is the pre-annotation at the kit's commit, with the kit's prefix on every id and link
            prediction = _git_blob(at, f"annotations/{doc_id}.json").decode("utf-8")
            assert json.loads(prediction)["provenance"]["kind"] == "prediction"
            started = start.read_text(encoding="utf-8")
            prefix = manifest["prefix"]
            assert json.loads(started.replace(f'"{prefix}', '"')) == json.loads(prediction), doc_id
            assert [i["id"] for i in _items(json.loads(started))] == [
                prefix + i["id"] for i in _items(json.loads(prediction))
            ]


def _first_commit(path: Path) -> str:
    log = subprocess.run(["git", "-C", str(REPO), "log", "--diff-filter=A", "--format=%H", "--", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert log, f"{path} is committed"
    return log[-1]


def _gold_documents(record: dict[str, Any]) -> list[str]:
    """The record's documents reviewed so far (review.documents while a review is under way), but those whose
    reviewed version waits in pending/ (review.pending says why)."""
    reviewed = record["review"].get("documents", record["documents"])
    return [d for d in reviewed if d not in record["review"].get("pending", {})]


# the records with gold already (a record is committed with its corrections, before any review)
REVIEWED = [r for r in RECORDS if _gold_documents(_record(r))]


@pytest.mark.parametrize("record_dir", REVIEWED, ids=lambda r: r.name)
def test_the_corrections_were_committed_before_the_gold(record_dir: Path) -> None:
    added = _first_commit(record_dir / "corrected")
    for doc_id in _gold_documents(_record(record_dir)):
        gold = _first_commit_where_gold(doc_id)
        ancestor = ["git", "-C", str(REPO), "merge-base", "--is-ancestor", added, gold]
        assert subprocess.run(ancestor).returncode == 0, doc_id


def _first_commit_where_gold(doc_id: str) -> str:
    log = subprocess.run(["git", "-C", str(REPO), "log", "--reverse", "--format=%H", "--", f"annotations/{doc_id}.json"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    for commit in log:
        if json.loads(_git_blob(commit, f"annotations/{doc_id}.json"))["provenance"]["kind"] == "gold":
            return commit
    raise AssertionError(f"{doc_id} has no gold")


@pytest.mark.parametrize("record_dir", REVIEWED, ids=lambda r: r.name)
def test_the_gold_is_what_reviewing_the_corrections_gives(record_dir: Path, tmp_path: Path) -> None:
    record = _record(record_dir)
    copy = tmp_path / "root"
    for part in ("corpus", "annotations"):
        shutil.copytree(REPO / part, copy / part)
    review = record["review"]
    # the corrections read as predictions and without the items the validator refuses as delivered (as a batch's
    # versions are), and only those of the documents reviewed so far
    corrected = prepared_side(record_dir, "corrected", tmp_path / "sides")
    for path in corrected.glob("*.json"):
        if path.stem not in _gold_documents(record):
            path.unlink()
    args = ["adjudicate", "--root", str(copy), "--files", f"{review['corrector']}={corrected}",
            "--review", str(record_dir / "review"), "--adjudicator", review["reviewer"], "--gold-kind", "reviewed",
            "--overwrite-gold"]  # fmt: skip
    assert main(args) == 0
    for doc_id in _gold_documents(record):
        gold: dict[str, Any] = read_document(REPO, doc_id).annotation
        assert gold["provenance"]["gold_kind"] == "reviewed", doc_id
        assert read_document(copy, doc_id).annotation == gold, doc_id
