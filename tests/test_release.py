"""MANIFEST and verify, diff between versions, one version everywhere, and the citation."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news import __version__
from conflict_news.cli.main import main
from conflict_news.core.citation import read_citation
from conflict_news.release.cite import format_citation
from conflict_news.release.diff import diff_roots, format_diff
from conflict_news.release.manifest import MANIFEST, iter_manifest_errors, write_manifest
from conftest import BASE, REPO, TESTS

MANIFEST_CASES = TESTS / "cases" / "manifest"


def _break_manifest(case: dict[str, Any], dest: Path) -> Path:
    """The toy corpus with a current MANIFEST, then the case's edits."""
    root = dest / "root"
    shutil.copytree(BASE, root)
    write_manifest(root)
    for rel in case.get("remove", []):
        (root / rel).unlink()
    for rel, text in case.get("write", {}).items():
        (root / rel).write_text(text, encoding="utf-8")
    for rel, offset in case.get("flip_byte", {}).items():
        data = bytearray((root / rel).read_bytes())
        data[offset] ^= 0x01
        (root / rel).write_bytes(bytes(data))
    manifest = root / MANIFEST
    if "manifest_append" in case:
        manifest.write_text(manifest.read_text(encoding="utf-8") + case["manifest_append"] + "\n", encoding="utf-8")
    if "manifest_replace" in case:
        # "{version}" stands for the package's version, so the case outlives a release.
        old, new = (part.replace("{version}", __version__) for part in case["manifest_replace"])
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return root


@pytest.mark.parametrize("code", sorted(p.stem for p in MANIFEST_CASES.glob("*.json")))
def test_manifest_case_triggers_exactly_its_code(code: str, tmp_path: Path) -> None:
    case = json.loads((MANIFEST_CASES / f"{code}.json").read_text(encoding="utf-8"))
    issues = list(iter_manifest_errors(_break_manifest(case, tmp_path)))
    assert {i.code for i in issues} == {code}, [str(i) for i in issues]
    assert str(issues[0]).startswith(case["expect"])


def test_fresh_manifest_verifies(tmp_path: Path) -> None:
    assert list(iter_manifest_errors(_break_manifest({}, tmp_path))) == []


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    assert [i.code for i in iter_manifest_errors(BASE)] == ["manifest-file-missing"]


def test_repository_manifest_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """Regenerate with `conflict-news manifest` after changing any shipped file."""
    assert main(["verify", "--root", str(REPO)]) == 0, capsys.readouterr().err


def test_verify_fails_after_one_flipped_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _break_manifest({"flip_byte": {"corpus/toy-0001.txt": 0}}, tmp_path)
    assert main(["verify", "--root", str(root)]) == 1
    assert "[manifest-hash-mismatch]" in capsys.readouterr().err


def test_manifest_command_writes_a_verifiable_manifest(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    assert main(["manifest", "--root", str(root)]) == 0
    assert main(["verify", "--root", str(root)]) == 0


def test_diff_reports_a_seeded_change_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(BASE, old)
    shutil.copytree(BASE, new)
    ann_path = new / "annotations" / "toy-0001.json"
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    ann["events"][0]["modality"] = "reported"  # changed
    del ann["quotes"][1]  # removed
    ann["figures"].append(dict(ann["figures"][0], id="fig2"))  # added
    ann_path.write_text(json.dumps(ann), encoding="utf-8")
    (new / "corpus" / "toy-0002.txt").write_text("New text.", encoding="utf-8")
    diff = diff_roots(old, new).to_dict()
    assert diff["documents"] == {"added": ["toy-0002"], "removed": [], "text_edited": [], "metadata_changed": []}
    assert diff["annotations"] == {
        "toy-0001": {
            "events": {"added": [], "removed": [], "changed": ["ev1"]},
            "quotes": {"added": [], "removed": ["q2"], "changed": []},
            "figures": {"added": ["fig2"], "removed": [], "changed": []},
        }
    }
    assert main(["diff", str(old), str(new), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == diff
    assert "toy-0001 quotes removed: q2" in format_diff(diff_roots(old, new))
    assert format_diff(diff_roots(old, old)).endswith("annotations: no change\n")


def test_diff_against_a_git_revision(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["diff", "HEAD", str(REPO)]) == 0
    assert "documents added: -" in capsys.readouterr().out
    assert main(["diff", "no-such-revision", str(REPO)]) == 1
    assert "[revision-invalid]" in capsys.readouterr().err


def test_one_version_everywhere() -> None:
    assert read_citation(REPO / "CITATION.cff")["version"] == __version__
    released = rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$"  # the package's version, released
    first = rf"^## \[Unreleased\] - {re.escape(__version__)}$"  # or about to be, before the first release
    assert re.search(f"{released}|{first}", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert (REPO / MANIFEST).read_text(encoding="utf-8").startswith(f"# Conflict News Corpus {__version__}:")
    assert f"### Counts (release {__version__})" in (REPO / "README.md").read_text(encoding="utf-8")


def test_cite_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "--format", "apa"]) == 0
    assert f"Conflict News Corpus (Version {__version__}) [Data set]." in capsys.readouterr().out
    assert main(["cite", "--format", "bibtex"]) == 0
    assert re.search(r"@misc\{conflict_news_corpus_\d+_\d+_\d+,", capsys.readouterr().out)
    assert format_citation("cff") == (REPO / "CITATION.cff").read_text(encoding="utf-8")


def test_citation_of_named_people_with_a_doi() -> None:
    from conflict_news.release.cite import format_apa, format_bibtex

    cff = {
        "title": "T",
        "version": "1.2.3",
        "license": "CC-BY-4.0",
        "date-released": "2027-05-15",
        "doi": "10.5281/zenodo.1",
        "authors": [
            {"family-names": "Ostrova", "given-names": "Mila"},
            {"family-names": "Verin", "given-names": "Tam"},
        ],
    }
    assert (
        format_apa(cff)
        == "Ostrova, Mila, & Verin, Tam. (2027). T (Version 1.2.3) [Data set]. https://doi.org/10.5281/zenodo.1\n"
    )
    assert "author = {Ostrova, Mila and Verin, Tam}" in format_bibtex(cff)
    assert "doi = {10.5281/zenodo.1}" in format_bibtex(cff)
