"""The Wikinews import, offline: excerpts of the three source files (tests/sources/) run through
`conflict-news wikinews` must give, byte for byte, the documents committed in corpus/, twice the
same; refusals come with their codes (tests/cases/wikinews/); the split rule and the candidates
record hold for the whole corpus."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conflict_news.cli.main import main
from conflict_news.core.splits import split_for_story
from conflict_news.grow.wikinews.amalgum import Token, detokenize
from conflict_news.grow.wikinews.vat import canonical_url, clean
from conftest import BASE, REPO, TESTS

EXCERPTS = TESTS / "sources"
CASES = sorted((TESTS / "cases" / "wikinews").glob("*.json"))
LISTED = REPO / "sources" / "wikinews"
# The commits the excerpts were cut from (tests/sources/README.md).
COMMITS = {
    "andreapdr/SBDTesting": ("sbd", "f271c282e0e65b83b664a010309944e10269cb1a"),
    "vanatteveldt/wikinews": ("vat", "347254178bf343f3801aac1d03c41cc09c35decb"),
    "gucorpling/amalgum": ("amalgum", "c62d76acdf9e997362424821efb3e92094668a1d"),
}


def _candidates() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (LISTED / "candidates.jsonl").read_text(encoding="utf-8").splitlines()]


def _excerpt_keys() -> set[str]:
    """The keys of the articles in the excerpts, as their own files give them (read here without the package)."""
    keys = set()
    for line in (
        (EXCERPTS / "andreapdr/SBDTesting/data/selected_multilingual_wikinews_test.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ):
        record = json.loads(line)
        if record["lang"] == "en":
            keys.add(f"sbd:{record['id']}")
    keys |= {"vat:Magnitogorsk_apartment_building_collapses_after_explosion,_dozens_dead",
             "vat:Florida_highway_pileup,_fire_kills_five_children,_two_truck_drivers",
             "amalgum:AMALGUM_news_airstrikes"}  # fmt: skip
    return keys


def make_excerpt(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(folder of source files, sources.json, candidates.jsonl) for the excerpts: the committed candidate
    records of the excerpts' articles, and a source list with the excerpts' own SHA-256."""
    folder = tmp_path / "sources"
    shutil.copytree(EXCERPTS, folder, ignore=shutil.ignore_patterns("README.md"))
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        owner, name, inner = rel.split("/", 2)
        reader, commit = COMMITS[f"{owner}/{name}"]
        files.append({"name": reader, "repository": f"{owner}/{name}", "commit": commit, "path": inner,
                      "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})  # fmt: skip
    listed = tmp_path / "sources.json"
    listed.write_text(json.dumps(files), encoding="utf-8")
    keys = _excerpt_keys()
    chosen = [c for c in _candidates() if c["key"] in keys]
    assert {c["key"] for c in chosen} == keys  # every excerpt article was read and decided
    candidates = tmp_path / "candidates.jsonl"
    candidates.write_text("".join(json.dumps(c) + "\n" for c in chosen), encoding="utf-8")
    return folder, listed, candidates


def _root(tmp_path: Path, name: str = "root") -> Path:
    root = tmp_path / name
    shutil.copytree(BASE, root)
    return root


def _import(root: Path, folder: Path, listed: Path, candidates: Path, *extra: str) -> int:
    return main(["wikinews", str(folder), "--root", str(root), "--sources", str(listed),
                 "--candidates", str(candidates), *extra])  # fmt: skip


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_import_is_reproducible_and_checks_itself(tmp_path: Path) -> None:
    folder, listed, candidates = make_excerpt(tmp_path)
    first, second = _root(tmp_path, "first"), _root(tmp_path, "second")
    assert _import(first, folder, listed, candidates) == 0
    assert _import(second, folder, listed, candidates) == 0
    assert _tree(first) == _tree(second)
    kept = [c for c in map(json.loads, candidates.read_text(encoding="utf-8").splitlines()) if c["decision"] == "keep"]
    assert kept and all((first / "corpus" / f"{c['doc_id']}.txt").is_file() for c in kept)
    before = _tree(first)
    assert _import(first, folder, listed, candidates) == 0  # nothing new: nothing written
    assert _import(first, folder, listed, candidates, "--check") == 0
    assert _tree(first) == before
    assert main(["validate", str(first)]) == 0


def test_the_committed_documents_are_what_the_import_makes(tmp_path: Path) -> None:
    folder, listed, candidates = make_excerpt(tmp_path)
    root = _root(tmp_path)
    assert _import(root, folder, listed, candidates) == 0
    kept = [c for c in map(json.loads, candidates.read_text(encoding="utf-8").splitlines()) if c["decision"] == "keep"]
    for candidate in kept:
        name = candidate["doc_id"]
        assert (root / "corpus" / f"{name}.txt").read_bytes() == (REPO / "corpus" / f"{name}.txt").read_bytes()
        made = json.loads((root / "corpus" / f"{name}.json").read_text(encoding="utf-8"))
        committed = json.loads((REPO / "corpus" / f"{name}.json").read_text(encoding="utf-8"))
        # An excerpt is another file than the one imported: its hash, and for a line of it, the line differ.
        for record in (made["source"]["record"], committed["source"]["record"]):
            record.pop("file_sha256"), record.pop("line")
        assert made == committed


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_a_refused_import_names_its_code_and_writes_nothing(case: Path, tmp_path: Path, capsys: Any) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    folder, listed, candidates = make_excerpt(tmp_path)
    root = _root(tmp_path)
    for rel in spec.get("remove", []):
        (folder / rel).unlink()
    for rel, (old, new) in spec.get("replace", {}).items():
        path = folder / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    if "candidate" in spec:
        lines = [json.loads(line) for line in candidates.read_text(encoding="utf-8").splitlines()]
        keeps = [c for c in lines if c["decision"] == "keep"]
        keeps[spec["candidate"]["index"]].update(spec["candidate"]["set"])
        ordered = keeps + [c for c in lines if c["decision"] != "keep"]
        candidates.write_text("".join(json.dumps(c) + "\n" for c in ordered), encoding="utf-8")
    if "after_import" in spec:
        assert _import(root, folder, listed, candidates) == 0
        old, new = spec["after_import"]["replace_text"]
        text = next(p for p in sorted((root / "corpus").glob("cnc-*.txt")) if old in p.read_text(encoding="utf-8"))
        text.write_text(text.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    capsys.readouterr()
    before = _tree(root)
    assert _import(root, folder, listed, candidates) == 1
    err = capsys.readouterr().err
    assert spec["expect"] in err and f"[{case.stem}]" in err, err
    assert {line.split("[", 1)[1].split("]", 1)[0] for line in err.splitlines() if ": [" in line} == {case.stem}
    assert _tree(root) == before


def test_detokenize_restores_spacing_by_its_rules() -> None:
    tokens = [Token(w, t) for w, t in [
        ("He", "PRP"), ("said", "VBD"), (",", ","), ('"', "``"), ("We", "PRP"), ("ca", "MD"), ("n't", "RB"),
        ("fight", "VB"), ("the", "DT"), ("army", "NN"), ("'s", "POS"), ("men", "NNS"), ("(", "-LRB-"),
        ("all", "DT"), ("of", "IN"), ("them", "PRP"), (")", "-RRB-"), (".", "."), ('"', "''"), ("A", "DT"),
        ("'", "``"), ("terrorist", "JJ"), ("attack", "NN"), ("'", "''"), ("cost", "VBD"), ("$", "$"),
        ("5", "CD"), ("million", "CD"), ("or", "CC"), ("40", "CD"), ("%", "NN"), ("of", "IN"), ("soldiers", "NNS"),
        ("'", "POS"), ("pay", "NN"), ("...", ":"),
    ]]  # fmt: skip
    assert detokenize(tokens) == (
        "He said, \"We can't fight the army's men (all of them).\" A 'terrorist attack' cost $5 million or 40% of "
        "soldiers' pay..."
    )


def test_a_scraped_text_loses_its_dateline_and_pull_quote_attributions_only() -> None:
    raw = (
        "\n\n\nFriday, January 4, 2019\xa0 \n\n\nTroops left the town on Thursday.  \n\n\n—Troy Roberts\n\n"
        '"They fled," said a resident — a farmer.\n\n\n'
    )
    assert clean(raw) == 'Troops left the town on Thursday.\n\n"They fled," said a resident — a farmer.'
    assert canonical_url("https://en.wikinews.org//wiki/A_b") == "https://en.wikinews.org/wiki/A_b"


def test_every_wikinews_document_is_a_kept_candidate_in_its_storys_split() -> None:
    candidates = _candidates()
    kept = {c["doc_id"]: c for c in candidates if c["decision"] == "keep"}
    imported = {}
    for path in sorted((REPO / "corpus").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["source"].get("publisher") == "Wikinews":
            imported[record["id"]] = record
    assert set(imported) == set(kept)
    for doc_id, record in imported.items():
        assert record["split"] == kept[doc_id]["split"] == split_for_story(record["story"]), doc_id
        assert record["story"] == kept[doc_id]["story"]
    splits = Counter(record["split"] for record in imported.values())
    assert splits["test"] >= 60 and splits["validation"] >= 30, splits
    assert len(imported) >= 250
    assert all(c["reason"].strip() for c in candidates)
    assert len({c["key"] for c in candidates}) == len(candidates)
