"""Rules before data: the commit that froze guidelines 2.0, the taxonomy and the pre-annotator's rules is
recorded in the guidelines' changelog, and every commit that wrote a 2.x annotation of a `test`-split
document descends from it. A git tag alone would not travel with a copy, so the record is in the file."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

FREEZE = re.compile(r"^- Guidelines ([0-9]+\.[0-9]+(?:\.[0-9]+)?): frozen at commit `([0-9a-f]{40})`", re.M)
GUIDELINES = "annotations/GUIDELINES.md"


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


def freeze_records(guidelines: str) -> dict[str, str]:
    """guidelines version -> the commit that froze it."""
    return dict(FREEZE.findall(guidelines))


def split_annotation_files(repo: Path) -> list[str]:
    """Repository paths of the annotation files of every document in a `test` split (corpus and dev set)."""
    paths = []
    for root, rel in ((repo, ""), (repo / "dev", "dev/")):
        for meta in sorted((root / "corpus").glob("*.json")):
            if json.loads(meta.read_text(encoding="utf-8")).get("split") == "test":
                paths.append(f"{rel}annotations/{meta.stem}.json")
    return paths


def unfrozen_annotation_commits(repo: Path, freeze: str, major: int, paths: list[str]) -> list[tuple[str, str]]:
    """(commit, path) of every commit that wrote a file of `paths` recording guidelines `major`.x and does
    not descend from the freeze commit."""
    log = _git(repo, "log", "--full-history", "--format=@%H", "--name-only", "--", *paths).stdout
    found, commit = [], ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line in paths:
            shown = _git(repo, "show", f"{commit}:{line}", check=False)
            if shown.returncode != 0:  # the commit deleted the file
                continue
            version = (json.loads(shown.stdout).get("provenance") or {}).get("guidelines", "0.0")
            after = _git(repo, "merge-base", "--is-ancestor", freeze, commit, check=False).returncode == 0
            if int(version.split(".")[0]) >= major and not after:
                found.append((commit, line))
    return found


def test_the_freeze_of_guidelines_2_is_recorded_and_is_a_commit_of_this_history() -> None:
    records = freeze_records((REPO / GUIDELINES).read_text(encoding="utf-8"))
    assert "2.0" in records
    commit = records["2.0"]
    assert _git(REPO, "merge-base", "--is-ancestor", commit, "HEAD", check=False).returncode == 0
    title = _git(REPO, "show", f"{commit}:{GUIDELINES}").stdout.splitlines()[0]
    assert title == "# Annotation guidelines, version 2.0"


def test_every_test_split_annotation_under_2_was_written_after_the_freeze() -> None:
    paths = split_annotation_files(REPO)
    assert "dev/annotations/dev-006.json" in paths and len(paths) > 70
    freeze = freeze_records((REPO / GUIDELINES).read_text(encoding="utf-8"))["2.0"]
    assert unfrozen_annotation_commits(REPO, freeze, 2, paths) == []


# What the freeze holds still: the pre-annotator's rules and the taxonomy whole, and the guidelines' rules
# (§0 to §7; the changelog and the validator's list may grow). A change needs a new version and its own
# freeze record, whose changelog names the train or validation documents it comes from.
FROZEN_FILES = (
    "schema/taxonomy.json",
    *(f"loaders/conflict_news/grow/{name}.py" for name in ("preannotate", "lexicon", "quotes", "figures")),
)


def guideline_rules(text: str) -> str:
    """The rules of the guidelines: from the decision trees (§0) up to the changelog (§8)."""
    return text[text.index("\n## 0. ") : text.index("\n## 8. ")]


def test_what_the_freeze_holds_has_not_changed_since() -> None:
    records = freeze_records((REPO / GUIDELINES).read_text(encoding="utf-8"))
    version = max(records, key=lambda v: tuple(int(p) for p in v.split(".")))
    freeze = records[version]
    changed = _git(REPO, "diff", "--name-only", freeze, "--", *FROZEN_FILES).stdout.split()
    assert changed == [], f"changed since the {version} freeze: {changed}"
    then = guideline_rules(_git(REPO, "show", f"{freeze}:{GUIDELINES}").stdout)
    assert guideline_rules((REPO / GUIDELINES).read_text(encoding="utf-8")) == then


def test_the_rules_are_cut_between_the_decision_trees_and_the_changelog() -> None:
    doc = "intro\n## 0. Trees\nrule\n## 8. Changelog\nlog\n"
    assert guideline_rules(doc) == "\n## 0. Trees\nrule"
    with pytest.raises(ValueError, match="substring not found"):
        guideline_rules("no sections")


@pytest.fixture
def toy_repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    for key, value in (("user.name", "t"), ("user.email", "t@localhost")):
        _git(tmp_path, "config", key, value)
    return tmp_path


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD").stdout.strip()


def _ann(version: str) -> str:
    return json.dumps({"provenance": {"kind": "gold", "guidelines": version}})


def test_an_annotation_written_before_the_freeze_is_found(toy_repo: Path) -> None:
    meta = json.dumps({"split": "test"})
    _commit(toy_repo, {"corpus/t-1.json": meta, "annotations/t-1.json": _ann("1.2")}, "1.x gold: allowed")
    early = _commit(toy_repo, {"annotations/t-1.json": _ann("2.0")}, "annotated before the freeze")
    freeze = _commit(toy_repo, {GUIDELINES: "# Annotation guidelines, version 2.0\n"}, "freeze")
    late = _commit(toy_repo, {"annotations/t-1.json": _ann("2.0") + "\n"}, "after the freeze: allowed")
    paths = split_annotation_files(toy_repo)
    assert paths == ["annotations/t-1.json"]
    assert unfrozen_annotation_commits(toy_repo, freeze, 2, paths) == [(early, "annotations/t-1.json")]
    assert unfrozen_annotation_commits(toy_repo, early, 2, paths) == []
    assert late


def test_the_freeze_record_is_read_from_the_changelog_line() -> None:
    line = "- Guidelines 2.0: frozen at commit `" + "a" * 40 + "` (2026-12-06)."
    assert freeze_records(f"text\n{line}\n") == {"2.0": "a" * 40}
    # A revision of the pre-annotator's rules alone takes a third number; the latest freeze is the highest.
    revision = "- Guidelines 2.0.1: frozen at commit `" + "b" * 40 + "` (2026-12-07)."
    assert freeze_records(f"{line}\n{revision}\n") == {"2.0": "a" * 40, "2.0.1": "b" * 40}
    assert freeze_records("frozen at commit `abc`") == {}
