"""A whole annotation campaign through a real Label Studio 1.23.2 server: 4 documents, 3 annotators, 2 per
document, pre-annotated, corrected, compared, adjudicated (one conflict through a review task) into gold."""

from __future__ import annotations

import copy
import json
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors
from conflict_news.cli.main import main
from conflict_news.core.store import list_doc_ids, read_document
from conflict_news.grow.synthetic import write_synthetic
from conflict_news.labelstudio.adjudicate import MERGED
from conflict_news.labelstudio.tasks import build_result
from conftest import BASE
from ls_helpers import assert_review_outcome, conflicting_versions, delete_sides, next_in_stream


def _result(task: Any) -> list[dict[str, Any]]:
    return copy.deepcopy(json.loads(json.dumps(task.predictions[0].result)))


def _modality_changed(result: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The result with the first event's modality changed (to one that cannot contradict its polarity)."""
    for r in result:
        if r.get("from_name") == "modality":
            r["value"]["choices"] = ["reported" if r["value"]["choices"] != ["reported"] else "actual"]
            return result, str(r["id"])
    raise AssertionError("no event in the document")


def test_campaign_double_annotation_corrections_agreement_and_adjudication(
    label_studio: Any, ls: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "campaign"
    write_synthetic(root, 4, seed=11)  # fictional documents, each with a machine pre-annotation
    docs = list_doc_ids(root)
    monkeypatch.chdir(root / "corpus")  # the root is found above the current folder, as git finds .git
    url = label_studio.url
    assert main(["labelstudio", "push", "--url", url, "--overlap", "2", "--title", "campaign"]) == 0
    project = int(capsys.readouterr().out)
    # Label Studio's own overlap: every task is to be annotated by two annotators.
    assert ls.projects.get(id=project).maximum_annotations == 2
    tasks = {t.data["doc_id"]: t for t in ls.tasks.list(project=project, fields="all")}
    assert sorted(tasks) == docs
    assert {t.overlap for t in tasks.values()} == {2}

    users = [ls.users.create(username=f"ann{i}", email=f"ann{i}@example.org") for i in (1, 2, 3)]
    pairs = [(0, 1), (1, 2), (2, 0), (0, 1)]  # 3 annotators, 2 per document
    changed_event = ""
    for n, (doc_id, pair) in enumerate(zip(docs, pairs, strict=True)):
        task = tasks[doc_id]
        for k in pair:
            result = _result(task)
            if n == 0 and k == pair[1]:  # the second annotator of the first document disagrees on one event
                result, changed_event = _modality_changed(result)
            ls.annotations.create(
                id=task.id, result=result, completed_by=users[k].id, parent_prediction=task.predictions[0].id
            )

    export_path = tmp_path / "export.json"
    args = ["labelstudio", "pull", "--url", url, "--project", str(project), "--out", str(export_path)]
    assert main([*args, "--report-only", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    corrections = report["corrections"]
    assert set(corrections["annotators"]) == {"ann1@example.org", "ann2@example.org", "ann3@example.org"}
    assert corrections["annotators"]["ann2@example.org"]["layers"]["events"]["changed"] == 1
    assert corrections["annotators"]["ann1@example.org"]["precision"] == 1.0
    assert 0 < corrections["overall"]["precision"] < 1
    assert main([*args, "--report-only"]) == 0
    assert "P: pre-annotated items kept unchanged" in capsys.readouterr().out

    assert main(["agreement", str(export_path), "--json"]) == 0
    agreement = json.loads(capsys.readouterr().out)
    assert (agreement["tasks"], agreement["pairs"]) == (4, 4)
    assert agreement["layers"]["event triggers"]["exact_f1"] == 1.0
    assert agreement["attributes"]["modality"]["observed"] < 1.0

    before = {d: read_document(root, d).annotation for d in docs}
    assert main(["adjudicate", "--url", url, "--project", str(project), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["gold"] == first["written"] == docs[1:] and first["sent_to_review"] == [docs[0]]
    assert first["conflicting_items"] == {docs[0]: 1, docs[1]: 0, docs[2]: 0, docs[3]: 0}
    review_project = first["review_project"]
    for n, doc_id in enumerate(docs[1:], 1):
        gold = read_document(root, doc_id).annotation
        annotators = sorted(f"ann{k + 1}@example.org" for k in pairs[n])
        assert gold["provenance"]["kind"] == "gold"
        assert {tuple(r["annotators"]) for r in gold["provenance"]["items"]} == {tuple(annotators)}
        assert {r["adjudicator"] for r in gold["provenance"]["items"]} == {None}
    assert read_document(root, docs[0]).annotation == before[docs[0]]  # still in review

    # The review task shows each annotator's version, named by annotator, and the conflict.
    (review,) = ls.tasks.list(project=review_project, fields="all")
    versions = {p.model_version: p for p in review.predictions}
    assert sorted(versions) == ["ann1@example.org", "ann2@example.org", MERGED]
    assert "1 item(s) to decide" in review.data["conflicts"] and "ann2@example.org" in review.data["conflicts"]
    # The reviewer (the lead) takes the second annotator's version.
    chosen = versions["ann2@example.org"]
    ls.annotations.create(id=review.id, result=chosen.result, parent_prediction=chosen.id)
    assert main(["adjudicate", "--url", url, "--project", str(project), "--review-project", str(review_project)]) == 0
    assert "4 document(s) adjudicated, 1 written, 0 sent to review" in capsys.readouterr().err
    gold = read_document(root, docs[0]).annotation
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    assert records[changed_event] == {"id": changed_event, "annotators": ["ann2@example.org"],
                                      "adjudicator": "lead@example.org"}  # fmt: skip
    others = [r for i, r in records.items() if i != changed_event]
    assert others and all(r["annotators"] == ["ann1@example.org", "ann2@example.org"] for r in others)
    assert gold["provenance"]["annotators"] == ["ann1@example.org", "ann2@example.org", "lead@example.org"]
    assert list(iter_errors([root])) == []
    # Adjudicating again finds nothing left to do and changes nothing.
    assert main(["adjudicate", "--url", url, "--project", str(project), "--review-project", str(review_project)]) == 0
    assert read_document(root, docs[0]).annotation == gold


def visible_data_columns(label_studio: Any, ls: Any, project: int) -> dict[str, list[str]]:
    """The task data columns the project's (only) Data Manager view shows, in the table and in the
    editor's task list, out of those the server offers (GET /api/dm/columns)."""
    ask = urllib.request.Request(f"{label_studio.url}/api/dm/columns?project={project}",
                                 headers={"Authorization": f"Token {label_studio.token}"})  # fmt: skip
    with urllib.request.urlopen(ask, timeout=60) as response:
        columns = json.loads(response.read())["columns"]
    offered = {f"tasks:data.{c['id']}": c["id"] for c in columns if c.get("parent") == "data"}
    (view,) = ls.views.list(project=project)
    hidden = view.data["hiddenColumns"]
    return {
        part: sorted(name for c, name in offered.items() if c not in hidden[part]) for part in ("explore", "labeling")
    }


def test_a_review_with_conflicts_in_entities_links_and_figures_keeps_what_the_reviewer_kept_of_each(
    label_studio: Any, ls: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 27 (4): each annotator adds what the other lacks (a an entity, b an argument) and they differ in
    links and a figure; the reviewer deletes the wrong sides of the merged version and nothing is lost."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root / "corpus")
    url = label_studio.url
    assert main(["labelstudio", "push", "--url", url, "--overlap", "2", "--title", "review"]) == 0
    project = int(capsys.readouterr().out)
    (task,) = ls.tasks.list(project=project, fields="all")
    users = [ls.users.create(username=f"rev{i}", email=f"rev{i}@example.org") for i in (1, 2)]
    for user, version in zip(users, conflicting_versions(root), strict=True):
        ls.annotations.create(id=task.id, result=build_result(version), completed_by=user.id)
    assert main(["adjudicate", "--url", url, "--project", str(project), "--json"]) == 0
    review_project = json.loads(capsys.readouterr().out)["review_project"]
    # Label All Tasks opens the review on the merged version; the annotators' own are there to compare.
    assert ls.projects.get(id=review_project).model_version == MERGED
    opened = next_in_stream(label_studio, review_project)
    assert opened is not None and [p["model_version"] for p in opened["predictions"]] == [MERGED]
    (review,) = ls.tasks.list(project=review_project, fields="all")
    assert sorted(p.model_version for p in review.predictions) == sorted(
        [MERGED, "rev1@example.org", "rev2@example.org"]
    )
    merged = opened["predictions"][0]
    assert any(r.get("meta") == {"text": ["rev2@example.org"]} for r in merged["result"])  # the server keeps the mark
    # The lead keeps rev2's ev1 and fig1, rev1's q1, ev2 and Ilka Varn, and rev1's reporters (rev1's alone).
    result = delete_sides(delete_sides(merged["result"], {"ev1", "fig1"}, 1), {"q1", "ev2", "ent-varn"}, 2)
    ls.annotations.create(id=review.id, result=result, parent_prediction=merged["id"])
    args = ["adjudicate", "--url", url, "--project", str(project), "--review-project", str(review_project)]
    assert main([*args, "--overwrite-gold"]) == 0
    assert "1 document(s) adjudicated, 1 written, 0 sent to review" in capsys.readouterr().err
    gold = read_document(root, "toy-0001").annotation
    assert_review_outcome(gold)
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    assert records["ent-reporters"]["annotators"] == ["rev1@example.org"]
    assert records["ev1"] == {"id": "ev1", "annotators": ["rev2@example.org"], "adjudicator": "lead@example.org"}
    assert list(iter_errors([root])) == []
    # Annotators and the reviewer see two data columns, the document's id and its text, in the task list
    # and beside the editor: every other column the Data Manager offers is hidden in its view.
    for shown in (project, review_project):
        assert visible_data_columns(label_studio, ls, shown) == {
            "explore": ["doc_id", "text"],
            "labeling": ["doc_id", "text"],
        }
