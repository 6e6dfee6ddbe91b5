"""`conflict-news publish`: the card is checked with huggingface_hub's own classes and the files to send are listed.

The upload itself needs the Hub, which tests cannot reach; the dry run exercises everything before it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from huggingface_hub import DatasetCard

from conflict_news.cli.main import main
from conflict_news.release.publish import FULL_DIRS, FULL_FILES, plan_upload
from conftest import REPO, TESTS

CASES = TESTS / "cases" / "publish"


def release_copy(dest: Path) -> Path:
    root = dest / "repo"
    root.mkdir()
    for name in (*FULL_FILES, *FULL_DIRS, "standoff"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy(source, root / name)
    return root


@pytest.mark.parametrize("code", sorted(p.stem for p in CASES.glob("*.json")))
def test_publish_case_is_refused_with_its_code(code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = json.loads((CASES / f"{code}.json").read_text(encoding="utf-8"))
    root = release_copy(tmp_path)
    for file, edits in case["replace"].items():
        text = (root / file).read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text
            text = text.replace(old, new)
        (root / file).write_text(text, encoding="utf-8")
    flags = ["--private"] if case["private"] else []
    assert main(["publish", "--dry-run", "--json", "--root", str(root), "--flavor", case["flavor"], *flags]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {issue["code"] for issue in report["issues"]} == {code}
    first = report["issues"][0]
    subject = f"{first['ann_id']}: " if first["ann_id"] else ""
    assert f"{first['file']}:{first['path']}: [{first['code']}] {subject}{first['message']}".startswith(case["expect"])


def test_full_flavour_dry_run_lists_the_files_and_passes_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    # public: the withheld seed goes as standoff rows in data/, and no file of it is sent
    assert main(["publish", "--dry-run", "--root", str(REPO)]) == 0
    out = capsys.readouterr()
    sent = out.out.split()
    assert {"README.md", "LICENSE-DATA", "CITATION.cff", "data/labels.parquet", "corpus/cnc-000002.txt"} <= set(sent)
    # the seed's text has an unknown licence: no file of it goes to the Hub, adjudication's versions neither
    assert [path for path in sent if "cnc-000001" in path] == []
    assert not any(path.startswith(("standoff/", "loaders/", "tests/", ".ci/")) for path in sent)
    assert "to conflict-news/conflict-news-corpus: would send" in out.err
    # Every relative link of the card reaches a file the Hub repository will hold.
    card = (REPO / "README.md").read_text(encoding="utf-8")
    links = {m.split("#", 1)[0] for m in re.findall(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)", card)}
    assert links and links <= set(sent), sorted(links - set(sent))


def test_standoff_flavour_sends_its_own_card_and_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--dry-run", "--flavor", "standoff", "--root", str(REPO)]) == 0
    out = capsys.readouterr()
    files = {u.path_in_repo: u.local for u in plan_upload(REPO, "standoff")}
    assert files["README.md"] == REPO / "standoff" / "README.md"
    assert (
        files["data/events/test-00000-of-00001.parquet"]
        == REPO / "standoff" / "data" / "events" / "test-00000-of-00001.parquet"
    )
    assert not any(path.startswith("corpus/") for path in files)  # no text leaves through the standoff flavour
    assert "conflict-news/conflict-news-corpus-standoff" in out.err


def test_huggingface_hub_reads_both_cards_licences() -> None:
    full = DatasetCard.load(REPO / "README.md").data
    assert (full.license, full.license_name, full.license_link) == (
        "other",
        "conflict-news-corpus-data",
        "LICENSE-DATA",
    )
    assert full.task_categories == ["token-classification"] and full.task_ids == ["named-entity-recognition"]
    standoff = DatasetCard.load(REPO / "standoff" / "README.md").data
    assert standoff.license == "cc-by-4.0" and not hasattr(standoff, "license_link")
    assert standoff.pretty_name == "Conflict News Corpus (standoff release)"
