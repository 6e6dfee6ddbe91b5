"""`conflict-news kit`: exactly what one independent annotator is given, its manifest, and the kit's own check."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conflict_news.cli.main import main
from conftest import REPO

TEXT_START = "Valdorian forces fired 12 rockets"


def _kit(root: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    args = ["kit", "toy-0001", "--root", str(root), "--out", str(out), "--prefix", "a-", "--example-root",
            str(REPO / "dev"), *extra]  # fmt: skip
    assert main(args) == 0
    manifest: dict[str, Any] = json.loads(capsys.readouterr().out)
    return manifest


def _annotation(text: str) -> dict[str, Any]:
    start = text.index("fired")
    return {
        "schema_version": "1.0", "doc_id": "toy-0001", "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "provenance": {"kind": "gold", "annotators": ["annotator a"], "guidelines": "2.0"},
        "entities": [], "quotes": [], "figures": [],
        "events": [{
            "id": "a-ev1", "type": "violent.shelling_missile_attack",
            "trigger": {"start": start, "end": start + 5, "text": "fired"},
            "arguments": [{"role": "attacker", "span": {"start": 0, "end": 16, "text": "Valdorian forces"}, "entity": None}],
            "location": None, "time": None, "modality": "actual", "polarity": "positive", "relations": [],
        }],
    }  # fmt: skip


def _check(kit: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "check.py"], cwd=kit, capture_output=True, text=True, check=False)


def test_the_kit_holds_exactly_what_an_annotator_is_given(
    toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit = tmp_path / "kit"
    manifest = _kit(toy_root, kit, capsys)
    given = sorted(str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file())
    assert given == sorted(manifest["files"]) == [
        "GUIDELINES.md", "README.md", "check.py", "documents/toy-0001.txt", "example/dev-001.json",
        "example/dev-001.txt", "kit.json", "schema/annotation.schema.json", "schema/document.schema.json",
        "schema/span.schema.json", "schema/taxonomy.json",
    ]  # fmt: skip
    for rel, sha in manifest["files"].items():
        assert hashlib.sha256((kit / rel).read_bytes()).hexdigest() == sha, rel
    assert (kit / "annotations").is_dir() and not any((kit / "annotations").iterdir())
    assert (kit / "documents" / "toy-0001.txt").read_text(encoding="utf-8").startswith(TEXT_START)
    gold = (toy_root / "annotations" / "toy-0001.json").read_bytes()
    assert all((kit / rel).read_bytes() != gold for rel in manifest["files"]), "the document's gold is not given"
    assert manifest["prefix"] == "a-" and manifest["documents"] == ["toy-0001"] and manifest["example"] == "dev-001"
    assert "`a-ev1`" in (kit / "README.md").read_text(encoding="utf-8")


def test_the_check_imports_nothing_of_the_package() -> None:
    source = (REPO / "loaders" / "conflict_news" / "grow" / "kit_check.py").read_text(encoding="utf-8")
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if not (isinstance(node, ast.ImportFrom) and node.level)
    }
    assert imported <= {"__future__", "hashlib", "json", "sys", "collections", "pathlib", "typing", "jsonschema",
                        "referencing"}  # fmt: skip


def test_the_check_passes_a_good_file_and_names_each_problem(
    toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit = tmp_path / "kit"
    _kit(toy_root, kit, capsys)
    assert _check(kit).returncode == 1, "no file written yet: nothing passes"
    text = (kit / "documents" / "toy-0001.txt").read_text(encoding="utf-8")
    target = kit / "annotations" / "toy-0001.json"
    target.write_text(json.dumps(_annotation(text)), encoding="utf-8")
    done = _check(kit)
    assert done.returncode == 0, done.stdout
    broken = _annotation(text)
    event = broken["events"][0]
    event["trigger"]["text"] = "fires"
    event["id"] = "ev1"
    event["type"] = "violent.volley"
    event["relations"] = [{"type": "same_as", "target": "a-ev9"}]
    target.write_text(json.dumps(broken), encoding="utf-8")
    done = _check(kit)
    assert done.returncode == 1
    assert "toy-0001.json: $.events[0].trigger: offsets" in done.stdout
    assert "'violent.volley' is not in taxonomy.event_types" in done.stdout
    assert "id 'ev1' does not start with this kit's prefix 'a-'" in done.stdout
    assert "$.events[0].relations[0].target: 'a-ev9' names no item of events" in done.stdout
    broken = _annotation(text)
    del broken["figures"]
    target.write_text(json.dumps(broken), encoding="utf-8")
    assert "'figures' is a required property" in _check(kit).stdout


@pytest.mark.parametrize(
    ("extra", "prepare", "code"),
    [
        (("--prefix", "1-"), None, "option-invalid"),
        (("--example", "dev-006"), None, "option-invalid"),
        ((), "occupied", "option-invalid"),
    ],
)
def test_refusals_name_their_code_and_write_nothing(
    toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], prepare: str | None,
    code: str,
) -> None:  # fmt: skip
    kit = tmp_path / "kit"
    if prepare == "occupied":
        kit.mkdir()
        (kit / "notes.txt").write_text("mine", encoding="utf-8")
    args = ["kit", "toy-0001", "--root", str(toy_root), "--out", str(kit), "--prefix", "a-", "--example-root",
            str(REPO / "dev"), *extra]  # fmt: skip
    assert main(args) == 1
    assert f"[{code}]" in capsys.readouterr().err
    assert sorted(p.name for p in kit.rglob("*")) == (["notes.txt"] if prepare else [])


def test_an_unknown_document_is_refused(toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["kit", "toy-9999", "--root", str(toy_root), "--out", str(tmp_path / "kit"), "--prefix", "a-",
            "--example-root", str(REPO / "dev")]  # fmt: skip
    assert main(args) == 1
    assert "[document-missing]" in capsys.readouterr().err
    assert not (tmp_path / "kit").exists()


def _ids(ann: dict[str, Any]) -> list[str]:
    return [item["id"] for layer in ("entities", "events", "quotes", "figures") for item in ann[layer]]


def _as_prediction(root: Path) -> dict[str, Any]:
    """Make toy-0001's annotation (a train document) a pre-annotation; return it."""
    path = root / "annotations" / "toy-0001.json"
    ann: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    ann["provenance"] = {"kind": "prediction", "annotators": ["rules"], "guidelines": "2.0"}
    path.write_text(json.dumps(ann), encoding="utf-8")
    return ann


def test_a_correction_kit_starts_from_the_pre_annotation_with_the_kits_prefix(
    toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prediction = _as_prediction(toy_root)
    kit = tmp_path / "kit"
    manifest = _kit(toy_root, kit, capsys, "--correct")
    start = kit / "annotations" / "toy-0001.json"
    assert manifest["start"] == "pre-annotation"
    assert manifest["files"]["annotations/toy-0001.json"] == hashlib.sha256(start.read_bytes()).hexdigest()
    given = json.loads(start.read_text(encoding="utf-8"))
    assert _ids(given) == ["a-" + i for i in _ids(prediction)] and len(_ids(given)) > 3
    links = [arg["entity"] for ev in given["events"] for arg in ev["arguments"] if arg["entity"]]
    assert links and all(link.removeprefix("a-") in _ids(prediction) for link in links)
    assert [ev["trigger"] for ev in given["events"]] == [ev["trigger"] for ev in prediction["events"]]
    done = _check(kit)
    assert done.returncode == 0, done.stdout  # every link still names an item: all were renamed together
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "**This kit is a correction.**" in readme and "annotation or tool output" not in readme


@pytest.mark.parametrize(("split", "kind"), [("test", "prediction"), ("train", "gold")])
def test_a_correction_kit_is_refused_for_a_test_document_or_gold(
    toy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], split: str, kind: str
) -> None:
    if kind == "prediction":
        _as_prediction(toy_root)
    meta = toy_root / "corpus" / "toy-0001.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"split": "train"', f'"split": "{split}"'), "utf-8")
    args = ["kit", "toy-0001", "--root", str(toy_root), "--out", str(tmp_path / "kit"), "--prefix", "a-",
            "--example-root", str(REPO / "dev"), "--correct"]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "[option-invalid]" in err and ("from scratch" if split == "test" else "is not a prediction") in err
    assert not (tmp_path / "kit").exists()
