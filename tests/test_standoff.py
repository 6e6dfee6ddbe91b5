"""The standoff release: fresh, deterministic, leaking no text, and rehydrated back to exactly the full release."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

import conflict_news
from conflict_news import CorpusError, load_corpus
from conflict_news.cli.main import main
from conflict_news.hf.build import build_data
from conflict_news.hf.card import render_card
from conflict_news.standoff.fingerprint import canonicalize, split_sentences
from conflict_news.standoff.realign import align
from conflict_news.standoff.rehydrate import rehydrate
from conftest import REPO, load_case, materialize_case
from hfcase import HF_CONFIGS, copy_sources, haystack, leaked_windows, read_shards, shard_bytes

REHYDRATE = REPO / "tests" / "cases" / "rehydrate"
RELEASE = REPO / "standoff"
SEED = REPO / "corpus" / "cnc-000001.txt"
WITHHOLD_TOY = {
    "set": {
        "corpus/toy-0001.json#/license/text": "LicenseRef-Fictional-Wire-Terms",
        "corpus/toy-0001.json#/distribution/policy": "standoff",
    }
}


def _standoff_toy(tmp_path: Path) -> tuple[Path, Path]:
    """The toy corpus with its text withheld, and its standoff release."""
    root = materialize_case(WITHHOLD_TOY, tmp_path / "src")
    assert main(["build", "--root", str(root), "--flavor", "standoff"]) == 0
    return root, root / "standoff"


def _sources(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_committed_standoff_release_is_fresh(tmp_path: Path) -> None:
    fresh = copy_sources(tmp_path)
    build_data(fresh, flavor="standoff")
    committed = {p.relative_to(RELEASE) for p in (RELEASE / "data").glob("*/*.parquet")}
    assert committed == {p.relative_to(fresh / "standoff") for p in (fresh / "standoff" / "data").glob("*/*.parquet")}
    for config in HF_CONFIGS:
        old, new = read_shards(RELEASE, config), read_shards(fresh / "standoff", config)
        for name, table in new.items():
            assert old[name].schema.equals(table.schema, check_metadata=True), name
            assert old[name].equals(table), (
                f"standoff/data/{config}/{name} is stale: run conflict-news build --flavor standoff"
            )
    card = render_card(fresh / "standoff", "standoff", REPO / "README.md")
    assert card == (RELEASE / "README.md").read_text(encoding="utf-8")


def test_two_standoff_builds_are_byte_identical(tmp_path: Path) -> None:
    _, first = _standoff_toy(tmp_path / "a")
    _, second = _standoff_toy(tmp_path / "b")
    assert shard_bytes(first) == shard_bytes(second)
    assert len(shard_bytes(first)) == len(HF_CONFIGS)


def test_the_standoff_release_leaks_no_text() -> None:
    withheld = [doc for doc in load_corpus() if doc.metadata.distribution.policy == "standoff"]
    assert withheld, "the test needs a withheld document"
    for doc in withheld:
        # The detector finds the text where it is (the corpus folder), so its silence below means something.
        assert len(leaked_windows(doc.text, haystack(REPO / "corpus"))) > 100
        assert leaked_windows(doc.text, haystack(REPO / "data")) == []  # the full build withholds it too
        assert leaked_windows(doc.text, haystack(RELEASE)) == []


def test_standoff_rows_say_what_is_withheld(tmp_path: Path) -> None:
    docs = datasets.load_dataset(str(RELEASE), "documents", split="train", cache_dir=str(tmp_path))
    row = next(r for r in docs if r["doc_id"] == "cnc-000001")
    assert (row["doc_id"], row["text"], row["text_status"]) == ("cnc-000001", None, "withheld")
    assert row["metadata"]["text_length"] == 3040 and row["fingerprint"]["sentences"]
    assert all(m["text"] is None and m["cstart"] is not None for e in row["entities"] for m in e["mentions"])
    events = conflict_news.load_dataset("events", split="train", flavor="standoff", cache_dir=str(tmp_path))
    seed = [e for e in events if e["doc_id"] == "cnc-000001"]
    assert seed and {e["text_status"] for e in seed} == {"withheld"}
    assert {e["trigger"]["text"] for e in seed} == {None}
    others = [e for e in events if e["doc_id"] != "cnc-000001"]
    assert {e["text_status"] for e in others} == {"included"} and all(e["trigger"]["text"] for e in others)
    bio = datasets.load_dataset(str(RELEASE), "spans_bio", split="train", cache_dir=str(tmp_path))
    assert {tuple(r["tokens"] or ()) for r in bio if r["doc_id"] == "cnc-000001"} == {()}


def test_a_full_document_is_shipped_with_its_text(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)  # toy-0001 is CC0-1.0: full
    build_data(root, flavor="standoff")
    (row,) = pq.read_table(root / "standoff" / "data" / "documents").to_pylist()
    assert row["text_status"] == "included" and row["text"] == (root / "corpus" / "toy-0001.txt").read_text()
    assert row["fingerprint"] is None and row["events"][0]["trigger"]["text"] is not None


def test_rehydrating_from_the_original_gives_the_full_build_byte_identical(tmp_path: Path) -> None:
    sources = _sources(tmp_path / "mine", {"article.txt": SEED.read_text(encoding="utf-8")})
    out = tmp_path / "out"
    report = rehydrate(RELEASE, sources, out)
    assert (report.exact, report.realigned, report.moves) == (("cnc-000001",), (), ())
    for folder in ("corpus", "annotations"):
        for path in (out / folder).iterdir():
            assert path.read_bytes() == (REPO / folder / path.name).read_bytes(), path
    reference = copy_sources(tmp_path / "reference")
    build_data(reference)
    build_data(out)
    assert shard_bytes(out) == shard_bytes(reference)


def _reworked(text: str, header: bool = True) -> str:
    """The seed as another site serves it: straight quotes curled, spacing changed, a footer and a header."""
    text = re.sub(r'"(\w)', "\u201c\\1", text).replace('"', "\u201d").replace("'", "\u2019")
    text = text.replace(". ", ".  ").replace("\n\n", "\n \n\n")
    return f"{'Breaking news | World' if header else ''}\n\n{text}\n\nCopyright 2026 Example Media. Share this article."


@pytest.mark.parametrize("header", [False, True])
def test_rehydrating_a_differing_copy_places_every_span(
    header: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _reworked(SEED.read_text(encoding="utf-8"), header)
    paragraphs = "".join(f"<p>{p}</p>" for p in copy.split("\n\n"))
    html = f"<html><head><title>x</title></head><body>{paragraphs}<footer>About us</footer></body></html>"
    out = tmp_path / "out"
    sources = _sources(tmp_path / "mine", {"seed.html": html})
    assert main(["rehydrate", str(RELEASE), str(sources), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["realigned"] == ["cnc-000001"]
    original, restored = load_corpus()["cnc-000001"], load_corpus(out)["cnc-000001"]  # it validates
    assert restored.text != original.text
    old = _spans(original)
    new = _spans(restored)
    assert old.keys() == new.keys()  # every span placed, none dropped
    moved = {(m["path"], m["ann_id"]) for m in report["moves"]}
    for key, (start, end) in old.items():
        n_start, n_end = new[key]
        assert canonicalize(restored.text[n_start:n_end]).text == canonicalize(original.text[start:end]).text
        assert ((start, end) != (n_start, n_end)) == (key in moved)
    # A header shifts them all; without one, the spans after the first changed space.
    assert len(moved) == len(old) if header else 0 < len(moved) < len(old)


def _spans(doc: conflict_news.Document) -> dict[tuple[str, str], tuple[int, int]]:
    from conflict_news.core.checks import iter_spans

    ann = dataclasses.asdict(doc.annotations)
    return {(path, owner): (span["start"], span["end"]) for path, owner, span in iter_spans(ann)}


def test_a_jsonl_copy_is_matched_by_url(tmp_path: Path) -> None:
    root, release = _standoff_toy(tmp_path)
    text = (root / "corpus" / "toy-0001.txt").read_text(encoding="utf-8").replace("\u201c", '"').replace("\u201d", '"')
    record = {"url": "https://example.org/toy-0001", "text": text + "\nAll rights reserved."}
    sources = tmp_path / "mine.jsonl"
    sources.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = rehydrate(release, sources, tmp_path / "out")
    assert report.realigned == ("toy-0001",) and load_corpus(tmp_path / "out")["toy-0001"].text.startswith(text)
    assert report.moves == ()  # quotes are one code point either way: nothing moved


def test_an_unrelated_article_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, release = _standoff_toy(tmp_path)
    sources = _sources(
        tmp_path / "mine", {"ferry.txt": "The Ostrian ferry Kell docked at Brennick on Monday. It was late."}
    )
    out = tmp_path / "out"
    assert main(["rehydrate", str(release), str(sources), "--out", str(out)]) == 1
    assert "[rehydrate-unrelated]" in capsys.readouterr().err
    assert not out.exists()


def test_rehydrate_refuses_a_full_release_and_an_existing_corpus(tmp_path: Path) -> None:
    sources = _sources(tmp_path / "mine", {"a.txt": SEED.read_text(encoding="utf-8")})
    with pytest.raises(conflict_news.core.errors.UsageError, match="full release"):
        rehydrate(REPO, sources, tmp_path / "out")
    with pytest.raises(conflict_news.core.errors.UsageError, match="not a standoff release"):
        rehydrate(tmp_path, sources, tmp_path / "out")
    with pytest.raises(conflict_news.core.errors.UsageError, match="already holds"):
        rehydrate(RELEASE, sources, REPO)


@pytest.mark.parametrize("code", sorted(p.stem for p in REHYDRATE.glob("*.json")))
def test_rehydrate_case_gives_exactly_its_code(code: str, tmp_path: Path) -> None:
    case = load_case(code, REHYDRATE)
    _, release = _standoff_toy(tmp_path)
    for shard in (release / case.get("damage", "-")).glob("*.parquet"):
        shard.write_bytes(b"PAR1 not a Parquet file")
    sources = _sources(tmp_path / "mine", case["sources"])
    with pytest.raises(CorpusError) as info:
        rehydrate(release, sources, tmp_path / "out")
    assert {i.code for i in info.value.issues} == {code}, [str(i) for i in info.value.issues]
    assert case["expect"] in str(info.value.issues[0])
    assert not (tmp_path / "out").exists()


def test_load_dataset_rehydrates_on_the_fly(tmp_path: Path) -> None:
    texts = _sources(tmp_path / "mine", {"seed.txt": _reworked(SEED.read_text(encoding="utf-8"))})
    events = conflict_news.load_dataset("events", split="train", texts=texts, cache_dir=str(tmp_path / "c1"))
    shipped = conflict_news.load_dataset("events", split="train", cache_dir=str(tmp_path / "c2"))
    assert [(e["doc_id"], e["id"]) for e in events] == [(e["doc_id"], e["id"]) for e in shipped]
    docs = conflict_news.load_dataset("documents", split="train", texts=texts, cache_dir=str(tmp_path / "c3"))
    text = next(d["text"] for d in docs if d["doc_id"] == "cnc-000001")
    seed = [e for e in events if e["doc_id"] == "cnc-000001"]
    assert seed and all(e["text_status"] == "included" for e in seed)
    for event in seed:
        trigger = event["trigger"]
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
    streamed = conflict_news.load_dataset("figures", split="train", streaming=True, texts=texts)
    placed = [f["span"]["text"] for f in streamed if f["doc_id"] == "cnc-000001"]
    assert placed == [f.span.text for f in load_corpus()["cnc-000001"].figures]


def test_of_two_copies_the_exact_one_wins(tmp_path: Path) -> None:
    original = SEED.read_text(encoding="utf-8")
    sources = _sources(
        tmp_path / "mine", {"a.txt": _reworked(original), "b.txt": original, "c.txt": _reworked(original)}
    )
    report = rehydrate(RELEASE, sources, tmp_path / "out")
    assert (report.exact, report.moves) == (("cnc-000001",), ())


EVIDENCE = {"date": "2031-03-04", "precision": "day", "inferred": True, "evidence": "Port Meren on Tuesday"}


def test_quoted_evidence_is_withheld_and_restored(tmp_path: Path) -> None:
    case = {"set": {**WITHHOLD_TOY["set"], "corpus/toy-0001.json#/published": EVIDENCE}}
    root = materialize_case(case, tmp_path / "src")
    build_data(root, flavor="standoff")
    (row,) = pq.read_table(root / "standoff" / "data" / "documents").to_pylist()
    assert row["metadata"]["published"]["evidence"] is None
    assert row["fingerprint"]["evidence"]["text"] is None
    original = (root / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")
    for name, text in (("same", original), ("other", "Wire report\n\n" + original.replace("\u201c", '"'))):
        out = tmp_path / name
        rehydrate(root / "standoff", _sources(tmp_path / f"in-{name}", {"toy-0001.txt": text}), out)
        assert load_corpus(out)["toy-0001"].metadata.published.evidence == "Port Meren on Tuesday"
    same = tmp_path / "same" / "corpus" / "toy-0001.json"
    assert json.loads(same.read_bytes()) == json.loads((root / "corpus" / "toy-0001.json").read_bytes())
    broken = original.replace("Port Meren on Tuesday", "Port Meren on Wednesday")
    with pytest.raises(CorpusError) as info:
        rehydrate(root / "standoff", _sources(tmp_path / "in-broken", {"toy-0001.txt": broken}), tmp_path / "broken")
    assert "corpus/toy-0001.json:$.published.evidence: [rehydrate-span-unplaced]" in {
        str(i).split(" the ")[0] for i in info.value.issues
    }


def test_the_maintainers_own_evidence_is_shipped(tmp_path: Path) -> None:
    evidence = {**EVIDENCE, "evidence": "the wire's dateline"}
    root = materialize_case({"set": {**WITHHOLD_TOY["set"], "corpus/toy-0001.json#/published": evidence}}, tmp_path)
    build_data(root, flavor="standoff")
    (row,) = pq.read_table(root / "standoff" / "data" / "documents").to_pylist()
    assert (row["metadata"]["published"]["evidence"], row["fingerprint"]["evidence"]) == ("the wire's dateline", None)


def test_a_jsonl_record_is_matched_by_its_id(tmp_path: Path) -> None:
    root, release = _standoff_toy(tmp_path)
    text = (root / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")
    sources = tmp_path / "mine.jsonl"
    sources.write_text(json.dumps({"id": "toy-0001", "text": text.replace("12 rockets", "12  rockets")}) + "\n")
    assert rehydrate(release, sources, tmp_path / "out").realigned == ("toy-0001",)


@pytest.mark.parametrize(
    ("copy", "shift"),
    [
        ("BREAKING: Ostrian ferries sailed at dawn.", 10),
        ("Ostrian ferries  sailed at dawn.Subscribe!", 0),
        ("Ostrian ferries sailed at noon.", None),
    ],
)
def test_a_sentence_glued_to_boilerplate_at_either_end_is_found(copy: str, shift: int | None) -> None:
    recorded = split_sentences(canonicalize("Ostrian ferries sailed at dawn.").text)
    alignment = align(recorded, canonicalize(copy))
    assert alignment.shifts.get(0) == shift
    if shift is not None:
        start, end = alignment.place(8, 15)  # "ferries"
        assert copy[start:end] == "ferries"
