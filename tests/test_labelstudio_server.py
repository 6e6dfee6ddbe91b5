"""Round trips through a real Label Studio 1.23.2 server started by the tests (see labelstudio_server.py)."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conflict_news.__about__ import __version__
from conflict_news.cli.main import main
from conflict_news.core.store import list_doc_ids, read_document
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.grow.preannotate import RULES
from conflict_news.labelstudio.agreement import compute_agreement
from conflict_news.labelstudio.config import build_config
from conflict_news.labelstudio.importer import LAYERS, ExportImporter
from conflict_news.labelstudio.sync import push_tasks
from conflict_news.labelstudio.tasks import PRE_ANNOTATION, collect_tasks, pre_annotation_name
from conftest import BASE, REPO
from labelstudio_server import Server
from ls_helpers import NOISE, next_in_stream, noisy_copy


def _accept_predictions(ls: Any, project: int, **extra: Any) -> None:
    """What an annotator does who accepts the pre-annotation unchanged: an annotation from the prediction."""
    for task in ls.tasks.list(project=project, fields="all"):
        prediction = task.predictions[0]
        ls.annotations.create(id=task.id, result=prediction.result, parent_prediction=prediction.id, **extra)


def _users(ls: Any) -> dict[int, str]:
    """The server's user ids -> e-mails, which name the annotators of its exports (as `pull` asks them)."""
    return {int(u.id): str(u.email) for u in ls.users.list()}


def _push(label_studio: Server, root: Path, title: str) -> int:
    tasks, issues = collect_tasks(root, "gold")
    assert issues == []
    report = push_tasks(label_studio.url, tasks, None, title)
    assert report.added == len(tasks)
    return report.project


def _assert_export_equals_gold(ls: Any, root: Path, project: int) -> list[dict[str, Any]]:
    export: list[dict[str, Any]] = ls.projects.exports.as_json(project)
    out = ExportImporter(root, "export.json", _users(ls)).run(export)
    assert out.issues == [], [str(i) for i in out.issues]
    for doc_id in list_doc_ids(root):
        original = read_document(root, doc_id).annotation
        assert {k: out.annotations[doc_id][k] for k in ("doc_id", "text_sha256", *LAYERS)} == {
            k: original[k] for k in ("doc_id", "text_sha256", *LAYERS)
        }
    return export


def test_server_accepts_the_generated_config(label_studio: Server, ls: Any) -> None:
    project = ls.projects.create(title="config check", label_config=build_config(load_taxonomy()))
    stored = ls.projects.get(id=project.id).get_label_interface()
    stored.validate()
    assert {c.name for c in stored.controls} >= {"span", "event_type", "fig_value", "loc_precision"}


def _gold_of_the_corpus(dest: Path) -> Path:
    """A root with the shipped corpus's documents that have gold (the others hold predictions, which an
    import would turn into gold that the rules for gold refuse)."""
    for sub in ("corpus", "annotations"):
        (dest / sub).mkdir(parents=True)
    shutil.copy(REPO / "annotations" / "GUIDELINES.md", dest / "annotations" / "GUIDELINES.md")
    for doc_id in list_doc_ids(REPO):
        if read_document(REPO, doc_id).annotation["provenance"]["kind"] == "gold":
            for name in (f"{doc_id}.txt", f"{doc_id}.json"):
                shutil.copy(REPO / "corpus" / name, dest / "corpus" / name)
            shutil.copy(REPO / "annotations" / f"{doc_id}.json", dest / "annotations" / f"{doc_id}.json")
    return dest


@pytest.mark.parametrize("which", ["gold corpus", "toy corpus"])
def test_gold_survives_tasks_server_annotation_export_import(
    label_studio: Server, ls: Any, which: str, tmp_path: Path
) -> None:
    root = _gold_of_the_corpus(tmp_path / "gold") if which == "gold corpus" else BASE
    assert list_doc_ids(root)
    project = _push(label_studio, root, f"round trip {which}")
    _accept_predictions(ls, project, lead_time=12.5)
    export = _assert_export_equals_gold(ls, root, project)
    assert all(len(task["annotations"]) == 1 for task in export)


# A sample of the generated texts the offline property test covers, sent through the server.
@pytest.mark.parametrize("choices", [list(range(len(NOISE))), [3, 5, 7, 8, 9], [4, 2, 10, 11, 6, 1]])
def test_texts_with_emoji_crlf_marks_rtl_and_tabs_survive_the_server(
    label_studio: Server, ls: Any, tmp_path: Path, choices: list[int]
) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    noisy_copy(root, "toy-0001", choices)
    project = _push(label_studio, root, "noisy text")
    _accept_predictions(ls, project)
    export = _assert_export_equals_gold(ls, root, project)
    assert export[0]["data"]["text"] == read_document(root, "toy-0001").text


def test_two_annotators_ground_truth_skip_and_agreement(label_studio: Server, ls: Any, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    project = _push(label_studio, root, "two annotators")
    other = ls.users.create(username="second", email="second@example.org")
    _accept_predictions(ls, project, ground_truth=True)
    task = next(iter(ls.tasks.list(project=project, fields="all")))
    changed = json.loads(json.dumps(task.predictions[0].result))
    for r in changed:
        if r.get("id") == "ev1" and r.get("from_name") == "event_type":
            r["value"]["taxonomy"] = [["violent", "air_drone_strike"]]
    ls.annotations.create(id=task.id, result=changed, completed_by=other.id)
    ls.annotations.create(id=task.id, result=[], was_cancelled=True)
    export = ls.projects.exports.as_json(project)
    assert len(export[0]["annotations"]) == 3  # the full export keeps the skipped one too
    users = {int(u.id): str(u.email) for u in ls.users.list()}
    out = ExportImporter(root, "export.json", users).run(export)
    assert out.issues == []
    assert out.annotations["toy-0001"]["events"] == read_document(root, "toy-0001").annotation["events"]
    changed_by = {d.annotator: d.changed for d in out.diffs if d.layer == "events"}
    assert changed_by == {"lead@example.org": (), "second@example.org": ("ev1",)}
    agreement = compute_agreement(export)
    assert (agreement.tasks, agreement.pairs) == (1, 1)
    assert agreement.attributes["event type"]["observed"] == 0.5


def test_push_and_pull_verbs(label_studio: Server, ls: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    assert main(["labelstudio", "push", "--url", label_studio.url, "--root", str(root), "--title", "verbs"]) == 0
    project = int(capsys.readouterr().out)
    # Pushing again to the same project updates its config and adds no duplicate task.
    assert main(["labelstudio", "push", "--url", label_studio.url, "--root", str(root), "--project", str(project)]) == 0
    assert "0 task(s) added, 0 updated, 1 unchanged" in capsys.readouterr().err
    _accept_predictions(ls, project)
    before = (root / "annotations" / "toy-0001.json").read_bytes()
    out = tmp_path / "pulled.json"
    args = [
        "labelstudio",
        "pull",
        "--url",
        label_studio.url,
        "--project",
        str(project),
        "--root",
        str(root),
        "--out",
        str(out),
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "toy-0001  lead@example.org  events    0      0        0" in captured.out
    assert "nothing changed" in captured.err
    assert (root / "annotations" / "toy-0001.json").read_bytes() == before
    assert json.loads(out.read_text(encoding="utf-8"))[0]["data"]["doc_id"] == "toy-0001"


def test_added_article_preannotated_round_trips(label_studio: Server, ls: Any, tmp_path: Path) -> None:
    """Issue 7's path end to end: add an article, pre-annotate it, push with predictions, accept, import."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    article = tmp_path / "article.txt"
    article.write_text(
        "Ostrian drones struck the port of Veln on Sunday, officials said. "
        "Dozens of homes were damaged. “We will rebuild every street,” mayor Tira Oss said.\n",
        encoding="utf-8",
    )
    assert main(["add", str(article), "--root", str(root), "--publisher", "Fictional Wire"]) == 0
    (new_id,) = set(list_doc_ids(root)) - {"toy-0001"}
    predictions = tmp_path / "pred"
    assert main(["preannotate", new_id, "--root", str(root), "--out", str(predictions)]) == 0
    predicted = json.loads((predictions / f"{new_id}.json").read_text(encoding="utf-8"))
    assert predicted["events"] and predicted["figures"] and predicted["quotes"]
    tasks, issues = collect_tasks(root, predictions)  # a Path: a str is a source name
    assert issues == []
    project = push_tasks(label_studio.url, [t for t in tasks if t["data"]["doc_id"] == new_id], None, "added").project
    _accept_predictions(ls, project)
    out = ExportImporter(root, "export.json", _users(ls)).run(ls.projects.exports.as_json(project))
    assert out.issues == [], [str(i) for i in out.issues]
    assert {k: out.annotations[new_id][k] for k in LAYERS} == {k: predicted[k] for k in LAYERS}


def test_push_serves_a_growing_corpus_and_updates_instead_of_duplicating(
    label_studio: Server, ls: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gold where there is gold, the pre-annotation where there is none; a changed document is updated."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    push = ["labelstudio", "push", "--url", label_studio.url, "--root", str(root)]
    assert main([*push, "--title", "growing"]) == 0
    project = int(capsys.readouterr().out)
    article = tmp_path / "article.txt"
    article.write_text("Ostrian drones struck the port of Veln on Sunday, officials said.\n", encoding="utf-8")
    assert main(["add", str(article), "--root", str(root), "--publisher", "Fictional Wire"]) == 0
    new_id = capsys.readouterr().out.strip()
    predictions = tmp_path / "pred"
    assert main(["preannotate", new_id, "--root", str(root), "--out", str(predictions)]) == 0
    gold = json.loads((root / "annotations" / "toy-0001.json").read_text(encoding="utf-8"))
    gold["quotes"][1]["type"] = "indirect"  # a correction to the gold since the first push
    (root / "annotations" / "toy-0001.json").write_text(json.dumps(gold), encoding="utf-8")
    assert main([*push, "--project", str(project), "--predictions", str(predictions)]) == 0
    assert "1 task(s) added, 1 updated, 0 unchanged" in capsys.readouterr().err
    tasks = {t.data["doc_id"]: t for t in ls.tasks.list(project=project, fields="all")}
    assert sorted(tasks) == sorted([new_id, "toy-0001"])
    assert [p.model_version for p in tasks["toy-0001"].predictions] == [PRE_ANNOTATION]
    assert pre_annotation_name(tasks["toy-0001"].data) == "gold:test suite"
    quote_type = [r for r in tasks["toy-0001"].predictions[0].result if r.get("from_name") == "quote_type"]
    assert quote_type[1]["value"]["choices"] == ["indirect"]
    assert [p.model_version for p in tasks[new_id].predictions] == [PRE_ANNOTATION]
    assert pre_annotation_name(tasks[new_id].data) == f"prediction:{RULES} (conflict-news {__version__})"
    # A push without a pre-annotation for the new document (still pending) keeps the one its task has.
    assert main([*push, "--project", str(project)]) == 0
    assert "0 task(s) added, 0 updated, 2 unchanged" in capsys.readouterr().err
    tasks = {t.data["doc_id"]: t for t in ls.tasks.list(project=project, fields="all")}
    assert len(tasks) == 2 and len(tasks[new_id].predictions) == 1


def test_label_all_tasks_shows_every_tasks_pre_annotation(
    label_studio: Server, ls: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 27 (a): gold and rule pre-annotations alike reach the labeling stream, on a new project and
    on one an older push left with another model_version (the first prediction's, as Label Studio sets it)."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    for name in ("corpus/cnc-000001.txt", "corpus/cnc-000001.json", "annotations/cnc-000001.json"):
        shutil.copyfile(REPO / name, root / name)
    article = tmp_path / "article.txt"
    article.write_text("Ostrian drones struck the port of Veln on Sunday, officials said.\n", encoding="utf-8")
    assert main(["add", str(article), "--root", str(root), "--publisher", "Fictional Wire"]) == 0
    new_id = capsys.readouterr().out.strip()
    predictions = tmp_path / "pred"
    assert main(["preannotate", new_id, "--root", str(root), "--out", str(predictions)]) == 0
    tasks, issues = collect_tasks(root, predictions)
    assert issues == []
    pushed = {t["data"]["doc_id"]: t["predictions"][0]["result"] for t in tasks}
    names = {t["data"]["doc_id"]: pre_annotation_name(t["data"]) for t in tasks}
    assert names["toy-0001"] == "gold:test suite" and str(names["cnc-000001"]).startswith("gold:")
    assert names[new_id] == f"prediction:{RULES} (conflict-news {__version__})"
    fresh = push_tasks(label_studio.url, tasks, None, "stream").project
    older = push_tasks(label_studio.url, tasks, None, "stream, older push").project
    for old in ls.tasks.list(project=older, fields="all"):  # what a push before this release left
        ls.tasks.update(id=str(old.id), data=old.data | {"pushed_sha256": "of a push before this release"})
        for prediction in old.predictions:
            ls.predictions.update(id=int(prediction.id), model_version=pre_annotation_name(old.data))
    ls.projects.update(id=older, model_version="gold:test suite")
    assert push_tasks(label_studio.url, tasks, older, "").updated == len(tasks)
    for project in (fresh, older):
        assert ls.projects.get(id=project).model_version == PRE_ANNOTATION
        for task in ls.tasks.list(project=project, fields="all"):
            assert [p.model_version for p in task.predictions] == [PRE_ANNOTATION]
        seen = []
        # Through the stream as an annotator goes: each task it opens shows its pre-annotation; accepting
        # it moves the queue on.
        while (task := next_in_stream(label_studio, project)) is not None:
            doc_id = task["data"]["doc_id"]
            assert [p["result"] for p in task["predictions"]] == [pushed[doc_id]], doc_id
            ls.annotations.create(id=task["id"], result=task["predictions"][0]["result"],
                                  parent_prediction=task["predictions"][0]["id"])  # fmt: skip
            seen.append(doc_id)
        assert sorted(seen) == sorted(pushed)


def test_one_identity_per_annotator_across_import_and_pull(
    label_studio: Server, ls: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 27 (b): the server's export names annotators by user id; `pull` names them by e-mail from the
    server's users, `import` from a users file (GET /api/users/ as it comes), and without one refuses
    rather than invent a second name (it wrote label-studio-user-2)."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    assert main(["labelstudio", "push", "--url", label_studio.url, "--root", str(root), "--title", "identity"]) == 0
    project = int(capsys.readouterr().out)
    ann = ls.users.create(username="identity-ann1", email="identity-ann1@example.org")
    task = next(iter(ls.tasks.list(project=project, fields="all")))
    result = json.loads(json.dumps(task.predictions[0].result))
    for r in result:
        if r.get("id") == "q2" and r.get("from_name") == "quote_type":
            r["value"]["choices"] = ["indirect"]
    ls.annotations.create(id=task.id, result=result, parent_prediction=task.predictions[0].id, completed_by=ann.id)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ls.projects.exports.as_json(project)), encoding="utf-8")
    assert json.loads(export.read_text(encoding="utf-8"))[0]["annotations"][0]["completed_by"] == ann.id
    report = ["--root", str(root), "--report-only", "--json"]

    assert main(["labelstudio", "import", str(export), *report]) == 1
    assert f"[ls-annotator-unknown] toy-0001: annotator {ann.id} has no e-mail" in capsys.readouterr().err
    ask = urllib.request.Request(
        f"{label_studio.url}/api/users/", headers={"Authorization": f"Token {label_studio.token}"}
    )
    with urllib.request.urlopen(ask, timeout=60) as response:
        (tmp_path / "users.json").write_bytes(response.read())
    assert main(["labelstudio", "import", str(export), *report, "--users", str(tmp_path / "users.json")]) == 0
    imported = json.loads(capsys.readouterr().out)
    pulled_to = tmp_path / "pulled.json"
    assert main(["labelstudio", "pull", "--url", label_studio.url, "--project", str(project), *report,
                 "--out", str(pulled_to)]) == 0  # fmt: skip
    pulled = json.loads(capsys.readouterr().out)
    for out in (imported, pulled):
        assert {d["annotator"] for d in out["diffs"]} == {"identity-ann1@example.org"}
        assert list(out["corrections"]["annotators"]) == ["identity-ann1@example.org"]
    assert imported == pulled
