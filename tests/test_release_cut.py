"""`conflict-news release`: v0.1.0 is cut from the repository; later releases are refused for each reason."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError, UsageError, __version__, load_corpus
from conflict_news.cli.main import main
from conflict_news.core.stats import compute_stats
from conflict_news.hf.build import stale_data
from conflict_news.release.cut import VERSION_FILE, bump, cut_release, parse_version
from conflict_news.release.history import read_releases
from conflict_news.release.manifest import iter_manifest_errors
from conftest import REPO, TESTS, _delete, _edit_json, _set

RELEASE_CASES = TESTS / "cases" / "release"
SOURCES = (
    "corpus",
    "annotations",
    "schema",
    "data",
    "standoff",
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
    "tombstones.json",
    "split-moves.json",
)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", message)


def make_repository(dest: Path) -> Path:
    """A git repository holding this checkout's release sources, committed."""
    root = dest / "repo"
    root.mkdir()
    for name in SOURCES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    (root / VERSION_FILE).parent.mkdir(parents=True)
    shutil.copy(REPO / VERSION_FILE, root / VERSION_FILE)
    _git(root, "init", "-q")
    _commit(root, "sources")
    return root


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository after `conflict-news release 0.1.0`, committed; no tag, as in a clone without tags."""
    root = make_repository(tmp_path_factory.mktemp("released"))
    assert main(["release", "0.1.0", "--root", str(root), "--date", "2026-11-27"]) == 0
    _commit(root, "Release 0.1.0")
    return root


def test_first_release_writes_every_release_file(released: Path) -> None:
    assert (released / VERSION_FILE).read_text() == '__version__ = "0.1.0"\n'
    assert 'date-released: "2026-11-27"' in (released / "CITATION.cff").read_text()
    changelog = (released / "CHANGELOG.md").read_text()
    stats = compute_stats(load_corpus(released))
    assert f"## [0.1.0] - 2026-11-27\n\nCounts: {stats['documents']} document(s), {stats['events']} events" in changelog
    assert "[Unreleased]" not in changelog
    assert json.loads((released / "croissant.json").read_text())["version"] == "0.1.0"
    assert list(iter_manifest_errors(released)) == [] if __version__ == "0.1.0" else True
    (recorded,) = json.loads((released / "releases.json").read_text())
    source = subprocess.run(["git", "-C", str(released), "rev-parse", "HEAD~1"], capture_output=True, text=True).stdout
    assert recorded == {
        "version": "0.1.0",
        "date": "2026-11-27",
        "commit": source.strip(),  # the clean commit the release was cut from
        "manifest_sha256": hashlib.sha256((released / "MANIFEST").read_bytes()).hexdigest(),
    }


def _apply(case: dict[str, Any], root: Path) -> None:
    for rel, text in case.get("write", {}).items():
        (root / rel).write_text(text, encoding="utf-8")
    for target, value in case.get("set", {}).items():
        _edit_json(root, target, lambda doc, ptr, v=value: _set(doc, ptr, v))
    for target in case.get("delete", []):
        _edit_json(root, target, _delete)
    if case.get("build"):
        for flavor in ("full", "standoff"):
            assert main(["build", "--root", str(root), "--flavor", flavor]) == 0
    if case.get("commit"):
        _commit(root, "change")


@pytest.mark.parametrize("code", sorted(p.stem for p in RELEASE_CASES.glob("*.json")))
def test_release_case_is_refused_with_its_code_and_writes_nothing(code: str, released: Path, tmp_path: Path) -> None:
    case = json.loads((RELEASE_CASES / f"{code}.json").read_text(encoding="utf-8"))
    root = tmp_path / "repo"
    shutil.copytree(released, root)
    _apply(case, root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    issues, plan = cut_release(root, case["version"], "2027-01-01")
    assert plan is None
    assert {i.code for i in issues} == {code}, [str(i) for i in issues]
    assert str(issues[0]).startswith(case["expect"]), str(issues[0])
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts} == before


def test_additions_need_a_minor_release_and_get_it(
    released: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(released, root)
    # an entity added to a gold document, on a word that no mention covers yet: an added annotation
    doc_id = "cnc-000002"
    annotation = json.loads((root / "annotations" / f"{doc_id}.json").read_text())
    text = (root / "corpus" / f"{doc_id}.txt").read_text()
    taken = [(m["start"], m["end"]) for e in annotation["entities"] for m in e["mentions"]]
    word = next(
        m for m in re.finditer(r"[A-Z][a-z]{4,}", text) if not any(s < m.end() and m.start() < e for s, e in taken)
    )
    entity = {"id": "ent-added", "name": word.group(), "type": "organization", "wikidata": None, "affiliation": None,
              "mentions": [{"start": word.start(), "end": word.end(), "text": word.group()}]}  # fmt: skip
    ann = f"annotations/{doc_id}.json#"
    _apply({"set": {f"{ann}/entities/{len(annotation['entities'])}": entity}, "build": True, "commit": True}, root)
    issues, _ = cut_release(root, "0.1.1", "2027-01-01")
    assert [i.code for i in issues] == ["release-version"]
    assert "next version is 0.2.0" in issues[0].message
    assert main(["release", "0.2.0", "--root", str(root), "--date", "2027-01-01"]) == 0
    assert "git tag -a v0.2.0" in capsys.readouterr().out
    assert "## [0.2.0] - 2027-01-01" in (root / "CHANGELOG.md").read_text()
    readme = (root / "README.md").read_text()
    assert "### Counts (release 0.2.0)" in readme and "version = {0.2.0}" in readme  # counts and BibTeX block
    assert "version = {0.2.0}" in (root / "standoff" / "README.md").read_text()
    assert stale_data(root) == []  # both cards are what a fresh build writes


def test_tombstoned_removal_is_a_patch(released: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(released, root)
    stone = [
        {"id": "ev46", "doc_id": "cnc-000001", "layer": "events", "release": "0.1.1", "reason": "duplicate of ev1"}
    ]
    (root / "tombstones.json").write_text(json.dumps(stone), encoding="utf-8")
    gold = json.loads((root / "annotations" / "cnc-000001.json").read_text(encoding="utf-8"))
    record = [r["id"] for r in gold["provenance"]["items"]].index("ev46")
    deleted = ["annotations/cnc-000001.json#/events/45", f"annotations/cnc-000001.json#/provenance/items/{record}"]
    _apply({"delete": deleted, "build": True, "commit": True}, root)
    issues, plan = cut_release(root, "0.1.1", "2027-01-01")
    assert issues == [] and plan is not None and plan.level == "patch"


def test_refusal_is_reported_on_the_command_line(released: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "1.0", "--root", str(released)]) == 1
    assert "[release-version]" in capsys.readouterr().err


def test_semver_helpers() -> None:
    assert [bump("1.4.2", level) for level in ("major", "minor", "patch")] == ["2.0.0", "1.5.0", "1.4.3"]
    # before 1.0.0 a change that breaks readers takes the minor step (SemVer item 4, as Cargo reads 0.y.z)
    assert [bump("0.2.0", level) for level in ("major", "minor", "patch")] == ["0.3.0", "0.3.0", "0.2.1"]
    with pytest.raises(UsageError, match="not a version"):
        parse_version("v1.0")


def test_the_repository_records_release_0_1_0_and_its_manifest() -> None:
    releases = read_releases(REPO)
    assert releases[0].version == "0.1.0" and releases[0].date == "2026-11-27"
    manifest = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{releases[0].commit}:MANIFEST"], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(manifest).hexdigest() == releases[0].manifest_sha256
    assert manifest.startswith(b"# Conflict News Corpus 0.1.0:")


def test_diff_against_a_recorded_release_needs_no_tag(
    released: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(released)
    assert main(["diff", "v0.1.0", "."]) == 0
    assert "annotations: no change" in capsys.readouterr().out


def test_releases_out_of_order_are_refused(released: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(released, root)
    (entry,) = json.loads((root / "releases.json").read_text())
    (root / "releases.json").write_text(json.dumps([entry, entry | {"version": "0.0.9"}]))
    with pytest.raises(CorpusError) as info:
        read_releases(root)
    assert [(i.code, i.path) for i in info.value.issues] == [("release-version", "$[1].version")]
