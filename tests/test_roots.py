"""The one root rule every verb follows (core.paths.find_root, cli.roots)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conflict_news.cli.main import build_parser, main
from conflict_news.cli.roots import ROOT_RULE
from conflict_news.core.paths import find_root, locate_root
from conftest import BASE

ARTICLE = "Ostrian drones struck the port of Veln on Sunday, officials said. About 40 homes were damaged.\n"


def test_the_root_is_found_at_or_above_the_current_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    deep = root / "corpus" / "notes" / "drafts"
    deep.mkdir(parents=True)
    assert find_root(deep) == find_root(root) == root.resolve()
    assert find_root(tmp_path) is None
    (tmp_path / "corpus").mkdir()  # corpus/ alone does not make a root
    assert find_root(tmp_path) is None


def test_add_then_preannotate_in_a_clone_need_no_root_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "clone"
    shutil.copytree(BASE, root)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.chdir(root / "annotations")
    assert main(["add", str(tmp_path / "article.txt"), "--publisher", "Fictional Wire"]) == 0
    new_id = capsys.readouterr().out.strip()
    assert (root / "corpus" / f"{new_id}.txt").exists()
    assert main(["preannotate", new_id, "--out", str(tmp_path / "pred")]) == 0
    assert json.loads((tmp_path / "pred" / f"{new_id}.json").read_text(encoding="utf-8"))["events"]
    assert "shipped corpus" not in capsys.readouterr().err


def test_outside_a_root_readers_use_the_shipped_corpus_and_writers_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["stats", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["documents"] >= 1
    assert f"reading the shipped corpus ({locate_root()})" in captured.err
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    for argv in (["add", "article.txt"], ["labelstudio", "import", "export.json"], ["manifest"], ["build"]):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "no corpus root" in err and "--root DIR" in err, argv
    assert not (tmp_path / "corpus").exists()
    # --root names the root wherever one runs.
    assert main(["stats", "--json", "--root", str(BASE)]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1


def test_help_states_the_rule_once() -> None:
    text = build_parser().format_help()
    assert text.count(ROOT_RULE.split(":")[0]) == 1 and " ".join(ROOT_RULE.split()) in " ".join(text.split())
