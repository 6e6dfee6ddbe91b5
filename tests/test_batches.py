"""Independent double annotation of the Wikinews documents (adjudication/wikinews/batch-*): each batch
records what every annotator was given (the kits' manifests), both versions of every document, and the
commits show that both were in the repository after the guidelines' freeze and before any gold."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cardblocks import published
from conflict_news.cli.main import main
from conflict_news.core.store import read_document
from conflict_news.core.validate import check_files
from conflict_news.grow.agreement import agreement_table
from conftest import REPO

BATCHES = sorted((REPO / "adjudication" / "wikinews").glob("batch-*"))
SIDES = ("a", "b")


def _git_blob(commit: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:{path}"], capture_output=True, check=True).stdout


def _record(batch: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((batch / "batch.json").read_text(encoding="utf-8"))
    return record


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _items(ann: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for layer in ("entities", "events", "quotes", "figures") for item in ann[layer]]


# Ids that number items (ev3, q1, fig12, ent-2) or spell words of the text (ent-rudolph for "Rudolph") come out
# alike from any two annotators; an id with a word the text does not have (ent-army where the text says
# "troops") is a choice that copying, not annotating, would carry over.
# Entity names likewise: ENT-4 builds names from the text's words ("Hamburg court" for "the court" in
# Hamburg), so only a name with a word the text lacks ("Karvian" in a text that says "Karvia") can only
# have come from another version, or from a rule both versions follow (ENT-4's full names: "United States").
# A word is also spelled from the text when it is written from the text's words the way ids abbreviate names:
# pieces that are each a word of the text, the start (two letters or more) of one, or the initials of two to
# five consecutive words ("ofee" for O'Fee, "nzdf" for New Zealand Defence Force, "afsf" for Afghan security
# forces, "usauth" for US authorities). Conventions any annotator may follow, not choices copying carries over.
def _spelled_from(word: str, text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    vocabulary = set(words) | set(re.findall(r"[a-z]+", re.sub(r"['\u2019]", "", text.lower())))
    prefixes = {w[:n] for w in vocabulary for n in range(2, len(w) + 1)}
    initials = {"".join(w[0] for w in words[i:j]) for i in range(len(words)) for j in range(i + 2, i + 6)}
    pieces = vocabulary | prefixes | initials
    reachable = [True] + [False] * len(word)  # reachable[k]: word[:k] is a sequence of pieces
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[start] and word[start:end] in pieces for start in range(end))
    return reachable[-1]


def _chosen(stem: str, text: str) -> bool:
    words = [w for w in re.split(r"[^a-z]+", stem.lower()) if len(w) > 2 and w not in {"ent", "fig"}]
    return any(not _spelled_from(w, text) for w in words)


def _flagged(mine: dict[str, Any], theirs: dict[str, Any], prefixes: tuple[str, str], text: str) -> set[str]:
    """Items of `mine` with an id, or an entity name, that has a word the text lacks and that the other version
    has too."""
    own, other = prefixes
    their_ids = {i["id"].removeprefix(other) for i in _items(theirs)}
    their_names = {e["name"] for e in theirs["entities"]}
    same_id = {
        i["id"]
        for i in _items(mine)
        if _chosen(i["id"].removeprefix(own), text) and i["id"].removeprefix(own) in their_ids
    }
    same_name = {e["id"] for e in mine["entities"] if _chosen(e["name"], text) and e["name"] in their_names}
    return same_id | same_name


def copied_share(first: dict[str, Any], second: dict[str, Any], prefixes: tuple[str, str], text: str) -> float:
    """Share of the items of both versions that the other version repeats in what copying leaves: ids (after
    each annotator's prefix) and entity names with a word the text lacks. The issue's wording counts every
    name not found verbatim; that would count the names ENT-4 tells both annotators to build from the
    text's words, so this counts only the names no rule builds from the text."""
    total = len(_items(first)) + len(_items(second))
    flagged = len(_flagged(first, second, prefixes, text)) + len(_flagged(second, first, prefixes[::-1], text))
    return flagged / total if total else 0.0


def test_there_is_a_batch() -> None:
    assert BATCHES


@pytest.mark.parametrize("batch", BATCHES, ids=lambda b: b.name)
def test_each_kit_gave_exactly_the_recorded_inputs(batch: Path) -> None:
    record = _record(batch)
    instructions = (batch / "instructions.txt").read_bytes()
    assert _sha(instructions) == record["instructions_sha256"]
    for kit, entry in record["kits"].items():
        manifest = json.loads((batch / "manifests" / f"{kit}.json").read_text(encoding="utf-8"))
        assert manifest["documents"] == entry["documents"] and manifest["prefix"] == f"{entry['side']}-"
        given = manifest["files"]
        for doc_id in entry["documents"]:
            assert given[f"documents/{doc_id}.txt"] == _sha((REPO / "corpus" / f"{doc_id}.txt").read_bytes())
        at = record["kit_commit"]
        assert given["GUIDELINES.md"] == _sha(_git_blob(at, "annotations/GUIDELINES.md"))
        assert given["schema/taxonomy.json"] == _sha(_git_blob(at, "schema/taxonomy.json"))
        assert given["check.py"] == _sha(_git_blob(at, "loaders/conflict_news/grow/kit_check.py"))
        example = manifest["example"]
        assert given[f"example/{example}.json"] == _sha(_git_blob(at, f"dev/annotations/{example}.json"))
        assert sorted(given) == sorted(
            [f"documents/{d}.txt" for d in entry["documents"]]
            + [f"example/{example}.json", f"example/{example}.txt", "GUIDELINES.md", "README.md", "check.py",
               "kit.json", "schema/annotation.schema.json", "schema/document.schema.json", "schema/span.schema.json",
               "schema/taxonomy.json"]
        )  # fmt: skip


@pytest.mark.parametrize("batch", BATCHES, ids=lambda b: b.name)
def test_both_versions_of_every_document_are_sound_and_independent(batch: Path, tmp_path: Path) -> None:
    record = _record(batch)
    docs = [d for entry in record["kits"].values() if entry["side"] == "a" for d in entry["documents"]]
    assert sorted(docs) == sorted(d for e in record["kits"].values() if e["side"] == "b" for d in e["documents"])
    for doc_id in docs:
        versions = [json.loads((batch / side / f"{doc_id}.json").read_text(encoding="utf-8")) for side in SIDES]
        text_file = REPO / "corpus" / f"{doc_id}.txt"
        for side, version in zip(SIDES, versions, strict=True):
            assert all(item["id"].startswith(f"{side}-") for item in _items(version)), (doc_id, side)
            # sound as files go (schema, spans, labels, links); the gold-only rules are the adjudicator's
            as_prediction = tmp_path / f"{side}-{doc_id}.json"
            as_prediction.write_text(
                json.dumps({**version, "provenance": {**version["provenance"], "kind": "prediction"}})
            )
            # except what the kit's check.py could not see and batch.json records as delivered
            found = [f"{i.path} [{i.code}]" for i in check_files(text_file, as_prediction)]
            assert found == record.get("delivered_issues", {}).get(f"{side}/{doc_id}.json", []), (doc_id, side)
        text = text_file.read_text(encoding="utf-8")
        assert copied_share(versions[0], versions[1], ("a-", "b-"), text) <= 0.10, doc_id


def test_the_copy_measure_sees_a_copy_and_not_a_shared_numbering() -> None:
    first = {"entities": [{"id": "a-ent-army", "name": "Tarvian army (the military)"}], "events": [{"id": "a-ev1"}],
             "quotes": [], "figures": []}  # fmt: skip
    copy = json.loads(json.dumps(first).replace('"a-', '"b-'))
    assert copied_share(first, copy, ("a-", "b-"), "The troops fired.") == 0.5  # ent-army both ways; ev1 is a number
    assert copied_share(first, copy, ("a-", "b-"), "The army fired.") == 0.5  # the name, not in the text
    other = {"entities": [{"id": "b-ent-army", "name": "army"}], "events": [{"id": "b-ev1"}], "quotes": [],
             "figures": []}  # fmt: skip
    assert copied_share(first, other, ("a-", "b-"), "The army fired.") == 0.0  # an id spelling the text's word
    renamed = {"entities": [{"id": "b-e1", "name": "Tarvian army (the military)"}], "events": [], "quotes": [],
               "figures": []}  # fmt: skip
    assert copied_share(first, renamed, ("a-", "b-"), "The troops fired.") == 2 / 3
    text = "25 New Zealand police officers left. The New Zealand Defence Force and Grant O'Fee said so."
    shorthand = {"entities": [{"id": "a-ent-nzdf", "name": "New Zealand Defence Force"}, {"id": "a-ent-ofee",
                 "name": "Grant O'Fee"}, {"id": "a-ent-nzpolice", "name": "New Zealand police officers"}],
                 "events": [], "quotes": [], "figures": []}  # fmt: skip
    shared = json.loads(json.dumps(shorthand).replace('"a-', '"b-'))
    assert copied_share(shorthand, shared, ("a-", "b-"), text) == 0.0  # initials, a name without its apostrophe
    assert copied_share(shorthand, shared, ("a-", "b-"), text.replace("Defence", "Army")) == 1 / 3  # nzdf: no D
    assert not _spelled_from("army", "The troops fired.") and not _spelled_from("karvian", "Karvia said so.")


@pytest.mark.parametrize("batch", BATCHES, ids=lambda b: b.name)
def test_versions_were_committed_after_the_freeze_and_before_any_gold(batch: Path) -> None:
    record = _record(batch)
    first = subprocess.run(["git", "-C", str(REPO), "log", "--diff-filter=A", "--format=%H", "--", str(batch / "a")],
                           capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert first, "the versions are committed"
    added = first[-1]
    freeze = record["freeze_commit"]
    assert subprocess.run(["git", "-C", str(REPO), "merge-base", "--is-ancestor", freeze, added]).returncode == 0
    # A document whose gold is older than the batch and stays (the seed's legacy gold) is named in the record,
    # and its gold says so; every other document has no gold before both versions were committed.
    legacy = record.get("legacy_gold", {})
    for doc_id in legacy:
        assert read_document(REPO, doc_id).annotation["provenance"]["gold_kind"] == "legacy", doc_id
    for entry in record["kits"].values():
        for doc_id in (d for d in entry["documents"] if d not in legacy):
            log = subprocess.run(["git", "-C", str(REPO), "log", "--format=%H", "--", f"annotations/{doc_id}.json"],
                                 capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
            for commit in log:
                ann = json.loads(_git_blob(commit, f"annotations/{doc_id}.json") or b"{}")
                if ann.get("provenance", {}).get("kind") == "gold":
                    ancestor = ["git", "-C", str(REPO), "merge-base", "--is-ancestor", added, commit]
                    assert subprocess.run(ancestor).returncode == 0, (doc_id, commit)


def prepared_side(batch: Path, side: str, folder: Path) -> Path:
    """A copy of one side's versions, read as predictions and without the items the validator refuses as
    delivered (batch.json's delivered_issues), which the adjudicate command would refuse whole: the adjudicator
    settles those items in the review file."""
    record = _record(batch)
    out = folder / batch.name / side
    out.mkdir(parents=True)
    for path in sorted((batch / side).glob("*.json")):
        version = json.loads(path.read_text(encoding="utf-8"))
        # read as predictions: the gold-only rules are the adjudicator's to apply, to the settled files
        version["provenance"] = {**version["provenance"], "kind": "prediction"}
        refused = record.get("delivered_issues", {}).get(f"{side}/{path.name}", [])
        items = sorted({(m[1], int(m[2])) for i in refused if (m := re.match(r"\$\.(\w+)\[(\d+)\]", i))})
        for layer, index in reversed(items):
            del version[layer][index]
        (out / path.name).write_text(json.dumps(version, ensure_ascii=False), encoding="utf-8")
    return out


def adjudication_args(batch: Path, folder: Path, root: Path) -> list[str]:
    """The adjudicate command that writes the batch's gold into `root` from its versions and settled files."""
    adjudication = _record(batch)["adjudication"]
    sides = [
        arg
        for side in SIDES
        for arg in ("--files", f"{adjudication['sides'][side]}={prepared_side(batch, side, folder)}")
    ]
    return ["adjudicate", "--root", str(root), *sides, "--review", str(batch / adjudication["review"]),
            "--adjudicator", adjudication["adjudicator"], "--gold-kind", "adjudicated", "--overwrite-gold"]  # fmt: skip


@pytest.mark.parametrize("batch", [b for b in BATCHES if "adjudication" in _record(b)], ids=lambda b: b.name)
def test_the_gold_is_what_adjudicating_the_batch_gives(batch: Path, tmp_path: Path) -> None:
    """Replaying the adjudication of both versions with the adjudicator's settled files on a copy of the root
    writes exactly the committed gold of every document of the batch."""
    record = _record(batch)
    copy = tmp_path / "root"
    for part in ("corpus", "annotations"):
        shutil.copytree(REPO / part, copy / part)
    assert main(adjudication_args(batch, tmp_path / "sides", copy)) == 0
    # a batch adjudicated in parts lists the documents done so far
    for doc_id in record["adjudication"].get("documents", record["documents"]):
        gold = read_document(REPO, doc_id).annotation
        assert gold["provenance"]["gold_kind"] == "adjudicated", doc_id
        assert read_document(copy, doc_id).annotation == gold, doc_id


def independent_pairs(folder: Path) -> list[tuple[Path, Path, Path]]:
    """Both versions of every document of every batch, as predictions (the gold-only rules are the adjudicator's),
    in `folder`; the documents whose versions the validator refuses (batch.json's delivered_issues) left out."""
    pairs = []
    for batch in BATCHES:
        record = _record(batch)
        refused = {key.split("/", 1)[1].removesuffix(".json") for key in record.get("delivered_issues", {})}
        for doc_id in record["documents"]:
            if doc_id in refused:
                continue
            paths = []
            for side in SIDES:
                version = json.loads((batch / side / f"{doc_id}.json").read_text(encoding="utf-8"))
                path = folder / batch.name / side / f"{doc_id}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({**version, "provenance": {**version["provenance"], "kind": "prediction"}}))
                paths.append(path)
            pairs.append((paths[0], paths[1], REPO))
    return pairs


def _split(doc_id: str) -> str:
    split: str = json.loads((REPO / "corpus" / f"{doc_id}.json").read_text(encoding="utf-8"))["split"]
    return split


# A column of the agreement table per part of the corpus: the test split, and the train/validation sample.
INDEPENDENT = {
    "Wikinews `test`, independent versions": ("test",),
    "Wikinews `train`+`validation` sample, independent versions": ("train", "validation"),
}


def independent_columns(folder: Path) -> dict[str, list[tuple[Path, Path, Path]]]:
    """independent_pairs by column of INDEPENDENT; a column without documents yet is left out."""
    pairs = independent_pairs(folder)
    columns = {name: [p for p in pairs if _split(p[0].stem) in splits] for name, splits in INDEPENDENT.items()}
    return {name: groups for name, groups in columns.items() if groups}


def test_the_cards_independent_agreement_table_is_computed_from_the_published_versions(tmp_path: Path) -> None:
    table = agreement_table(independent_columns(tmp_path))
    assert published("agreement-independent") == table, "the independent agreement table is out of date:\n" + table


def sample_order() -> list[str]:
    """train+validation in the order of the SHA-256 of their ids: issue 26 asks for at least 20 % of them annotated
    twice, and these are taken from the head of this order, which nobody chooses document by document."""
    ids = sorted(path.stem for path in (REPO / "corpus").glob("*.json"))
    return sorted((i for i in ids if _split(i) in ("train", "validation")), key=lambda i: _sha(i.encode()))


def test_the_double_annotated_train_and_validation_documents_are_the_head_of_the_sample_order() -> None:
    order = sample_order()
    done = sorted(d for batch in BATCHES for d in _record(batch)["documents"] if _split(d) != "test")
    assert done == sorted(order[: len(done)])


# The card's summary: these rows of the full table (docs/agreement.md), in its order.
SUMMARY_MEASURES = (
    "documents, annotator pairs",
    "trigger + type (exact)",
    "argument + role (exact)",
    "entity mention + type (exact)",
    "quote cue (exact)",
    "quote content (overlap)",
    "figure span + value + property (exact)",
    "coreference CoNLL",
)


def test_the_cards_agreement_summary_is_rows_of_the_full_table() -> None:
    lines = published("agreement-independent").splitlines()
    rows = {line.split(" | ", 1)[0].removeprefix("| "): line for line in lines[2:] if line.startswith("| ")}
    assert set(SUMMARY_MEASURES) <= set(rows)
    summary = lines[:2] + [rows[measure] for measure in SUMMARY_MEASURES]
    assert published("agreement-summary") == "\n".join(summary) + "\n"
    assert "<!-- agreement-summary:start -->" in (REPO / "README.md").read_text(encoding="utf-8")
