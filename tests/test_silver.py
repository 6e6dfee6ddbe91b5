"""`conflict-news silver` on this machine: inputs, duplicates, bad records, resume, and what the output is.

The cluster runs (tests/test_dask.py) compare their output with these local runs byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conflict_news import __version__
from conflict_news.cli.main import main
from conflict_news.core.articles import Article, decode_article
from conflict_news.core.errors import UsageError
from conflict_news.core.store import RawDocument
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.core.validate import check_document
from conflict_news.grow.synthetic import iter_synthetic
from conflict_news.hf.features import CONFIGS
from conflict_news.hf.rows import LAYERS
from conflict_news.silver.run import run_silver
from conflict_news.standoff.rehydrate import annotation_from_row
from conftest import TESTS
from hfcase import decode_labels, load

SILVER_CASES = TESTS / "cases" / "silver"
TOY = (TESTS / "cases" / "base" / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")


def synthetic_texts(n: int) -> list[str]:
    """n fictional articles (the synthetic generator's), ~4 kB each."""
    return [text for text, _, _ in iter_synthetic(n)]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    """One line per record: a dict is dumped as JSON, bytes are written as they are (a broken line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in records))
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path: what two runs must agree on byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def report(out: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return found


def located(issue: dict[str, Any]) -> str:
    """FILE:LINE[:COLUMN][:PATH] of an issue (as Issue.location gives it), the file without its folder."""
    parts = [issue["file"].rsplit("/", 1)[-1]] + [
        str(issue[key]) for key in ("line", "column") if issue[key] is not None
    ]
    return ":".join(parts + ([issue["path"]] if issue["path"] else []))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 articles with, in this order, a duplicate text, a given id used twice, bad records of each kind."""
    texts = synthetic_texts(24)
    records: list[Any] = [{"text": text} for text in texts[:10]]
    records += [
        {"text": texts[3]},  # line 11: the text of line 4 again
        {"id": "ext-1", "url": "https://example.org/a", "text": texts[10]},
        {"id": "ext-1", "text": texts[11]},  # line 13: the id of line 12 again
        b"{not json",  # line 14
        {"text": "   "},  # line 15: nothing left after normalisation
        {"title": "no body"},  # line 16: neither text nor html
        {"html": "<p>Ostrian engineers <b>repaired</b> the bridge at Port Meren.</p>"},
    ]
    records += [{"text": text} for text in texts[12:]]
    return write_jsonl(tmp_path_factory.mktemp("archive") / "archive.jsonl", records)


@pytest.fixture(scope="module")
def silver_out(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("silver") / "out"
    run_silver(str(archive), str(out), shard_bytes=20_000, workers=1)
    return out


def test_bad_records_and_duplicates_are_listed_with_their_codes(silver_out: Path, archive: Path) -> None:
    found = report(silver_out)
    # A record's line is in `file` (FILE:LINE) when it was read, in `path` (LINE:...) when it was not.
    where = {(issue["code"], located(issue).split(":", 2)[1]) for issue in found["issues"]}
    expected = {
        ("duplicate-document", "11"),
        ("id-taken", "13"),
        ("json-invalid", "14"),
        ("input-empty", "15"),
        ("schema-violation", "16"),
    }
    assert expected <= where
    assert found["records"] == 29
    # Every record is written or left out with a reason; none vanishes.
    left_out = {tuple(located(issue).split(":", 2)[:2]) for issue in found["issues"]}
    assert found["documents"] + len(left_out) == found["records"]
    assert found["documents"] == found["records"] - found["left_out"]


def test_output_loads_with_load_dataset_and_every_row_is_a_prediction(silver_out: Path, tmp_path: Path) -> None:
    for config in CONFIGS:
        loaded = load(silver_out, config, tmp_path / "cache")
        assert set(loaded) == {"train", "validation", "test"}
    documents = load(silver_out, "documents", tmp_path / "cache")
    rows = [row for split in documents.values() for row in split]
    assert len(rows) == report(silver_out)["documents"]
    annotators = {tuple(row["provenance"]["annotators"]) for row in rows}
    assert {row["provenance"]["kind"] for row in rows} == {"prediction"}
    assert annotators == {(f"conflict_news.grow.preannotate:preannotate {__version__}",)}
    ids = {row["doc_id"] for row in rows}
    events = load(silver_out, "events", tmp_path / "cache")
    assert {row["doc_id"] for split in events.values() for row in split} <= ids
    assert "ext-1" in ids


def test_every_document_validates_against_the_schemas_and_its_text(silver_out: Path, tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    documents = load(silver_out, "documents", tmp_path / "cache")
    for split in documents.values():
        for loaded in split:
            row = decode_labels(loaded, split.features)
            raw = RawDocument(
                row["doc_id"], row["text"], row["metadata"], annotation_from_row(row, row["metadata"]["text_sha256"])
            )
            assert check_document(tmp_path, raw, taxonomy) == []


def test_texts_are_normalised_as_add_does_and_ids_come_from_the_text(silver_out: Path) -> None:
    table = pa.concat_tables(pq.read_table(p) for p in sorted((silver_out / "data" / "documents").glob("*.parquet")))
    by_id = {row["doc_id"]: row for row in table.to_pylist()}
    html = "<p>Ostrian engineers <b>repaired</b> the bridge at Port Meren.</p>"
    text, _ = decode_article(Article(raw=html.encode(), origin="x", filename=None, html=True))
    (row,) = [row for row in by_id.values() if row["text"] == text]
    assert row["doc_id"] == "sil-" + row["metadata"]["text_sha256"][:20]
    assert by_id["ext-1"]["metadata"]["source"]["url"] == "https://example.org/a"


def test_the_card_and_the_label_table(silver_out: Path) -> None:
    card = (silver_out / "README.md").read_text(encoding="utf-8")
    assert "config_name: events" in card and "Predictions, not gold" in card
    assert pq.read_table(silver_out / "data" / "labels.parquet").num_rows > 100


def test_the_same_bytes_whatever_the_number_of_workers(archive: Path, silver_out: Path, tmp_path: Path) -> None:
    run_silver(str(archive), str(tmp_path / "two"), shard_bytes=20_000, workers=2)
    assert tree(tmp_path / "two") == tree(silver_out)


def test_a_stopped_run_resumes_without_redoing_finished_shards(archive: Path, silver_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_silver(str(archive), str(out), shard_bytes=20_000, workers=1)
    assert first.shards > 3 and first.resumed == 0
    # A kill after shard 1's files but before its marker; shard 2 finished (its files stand in for
    # ones a rerun would write again: kept as they are proves it is not redone).
    (out / ".silver" / "done" / "00001.json").unlink()
    finished = out / "data" / "events" / f"train-00002-of-{first.shards:05d}.parquet"
    finished.write_bytes(b"kept")
    again = run_silver(str(archive), str(out), shard_bytes=20_000, workers=1)
    assert again.resumed == first.shards - 1
    assert finished.read_bytes() == b"kept"
    finished.write_bytes(tree(silver_out)[finished.relative_to(out).as_posix()])
    assert tree(out) == tree(silver_out)


def test_a_run_is_not_resumed_with_other_options_nor_into_other_data(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_silver(str(archive), str(out), shard_bytes=50_000, workers=1)
    with pytest.raises(UsageError, match="another shard_bytes"):
        run_silver(str(archive), str(out), shard_bytes=20_000, workers=1)
    (tmp_path / "corpus-like" / "data").mkdir(parents=True)
    with pytest.raises(UsageError, match="no silver run wrote"):
        run_silver(str(archive), str(tmp_path / "corpus-like"))


def test_a_folder_of_text_and_html_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TOY, encoding="utf-8")
    (folder / "sub" / "b.html").write_text(
        f"<html><body><p>{synthetic_texts(1)[0]}</p></body></html>", encoding="utf-8"
    )
    (folder / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "d.txt").write_bytes("caf\u00e9".encode("latin-1"))
    (folder / "e.txt").write_text("\n\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text(TOY + " again", encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    summary = run_silver(str(folder), str(tmp_path / "out"), workers=1)
    assert (summary.records, summary.documents) == (5, 2)
    codes = {issue["file"].rsplit("/", 1)[-1]: issue["code"] for issue in report(tmp_path / "out")["issues"]}
    assert codes == {"c.txt": "input-binary", "d.txt": "text-decode-error", "e.txt": "input-empty"}
    names = pq.read_table(tmp_path / "out" / "data" / "documents", columns=["metadata"]).column("metadata")
    assert {m["source"]["original_filename"] for m in names.to_pylist()} == {"a.txt", "b.html"}


def test_parquet_files_with_a_text_column(tmp_path: Path) -> None:
    texts = synthetic_texts(3)
    folder = tmp_path / "in"
    folder.mkdir()
    table = pa.table(
        {"body": [texts[0], None, texts[1]], "id": ["pq-1", "pq-2", None], "url": ["https://example.org/1", None, None]}
    )
    pq.write_table(table, folder / "a.parquet", row_group_size=1)
    pq.write_table(pa.table({"other": [texts[2]]}), folder / "b.parquet")
    summary = run_silver(str(folder), str(tmp_path / "out"), text_column="body", shard_bytes=1, workers=1)
    assert (summary.records, summary.documents) == (4, 2)  # a file that cannot be read counts as one record
    issues = [(i["code"], i["file"].rsplit("/", 1)[-1], i["path"]) for i in report(tmp_path / "out")["issues"]]
    assert issues == [("input-empty", "a.parquet", "$[1].text"), ("schema-violation", "b.parquet", "$")]
    ids = pq.read_table(tmp_path / "out" / "data" / "documents", columns=["doc_id"]).column("doc_id").to_pylist()
    assert "pq-1" in ids and len(ids) == 2


def test_a_jsonl_block_boundary_keeps_line_numbers(tmp_path: Path) -> None:
    """Blocks are cut at line ends whatever the block size: each line is read once, numbered as in the file."""
    texts = synthetic_texts(6)
    records: list[Any] = [{"text": t} for t in texts[:3]] + [b"broken"] + [{"text": t} for t in texts[3:]]
    source = write_jsonl(tmp_path / "a.jsonl", records)
    for size in (700, 5000, 10**9):
        summary = run_silver(str(source), str(tmp_path / f"out{size}"), shard_bytes=size, workers=1)
        assert (summary.records, summary.documents) == (7, 6)
        (issue,) = report(tmp_path / f"out{size}")["issues"]
        assert located(issue).startswith("a.jsonl:4:") and issue["code"] == "json-invalid"


@pytest.mark.parametrize("code", sorted(p.stem for p in SILVER_CASES.glob("*.json")))
def test_silver_case_reports_exactly_its_code(code: str, tmp_path: Path) -> None:
    case = json.loads((SILVER_CASES / f"{code}.json").read_text(encoding="utf-8"))
    source = write_jsonl(tmp_path / "case.jsonl", case["lines"])
    summary = run_silver(str(source), str(tmp_path / "out"), extractor=case["extractor"], workers=1)
    (issue,) = report(tmp_path / "out")["issues"]
    assert issue["code"] == code
    assert located(issue) == f"case.jsonl:{case['expect']['line']}:{case['expect']['path']}"
    assert summary.documents == len(case["lines"]) - 1


def test_the_cli_verb(archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["silver", str(archive), "--out", str(out), "--shard-bytes", "20000", "--workers", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["documents"] == report(out)["documents"]
    assert "see file://" in captured.err and "duplicate-document 1" in captured.err
    assert main(["silver", str(archive), "--out", str(tmp_path / "x"), "--extractor", "no_such_module:f"]) == 1
    assert "not an importable MODULE:FUNCTION" in capsys.readouterr().err
    assert main(["silver", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "y")]) == 1
    assert "no input at" in capsys.readouterr().err


def test_a_mixed_folder_keeps_path_order_and_reports_unreadable_files(tmp_path: Path) -> None:
    texts = synthetic_texts(4)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(texts[0], encoding="utf-8")
    (folder / "b.txt").write_text(texts[1], encoding="utf-8")
    write_jsonl(folder / "c.jsonl", [{"text": texts[2]}])
    (folder / "d.txt").write_text(texts[3], encoding="utf-8")
    (folder / "e.parquet").write_bytes(b"not a parquet file")
    pq.write_table(pa.table({"text": [1, 2]}), folder / "f.parquet")
    bound = len(texts[0].encode("utf-8")) + 1  # a.txt alone stays under it, with b.txt it is reached
    summary = run_silver(str(folder), str(tmp_path / "out"), shard_bytes=bound, workers=1)
    assert summary.shards >= 5 and (summary.records, summary.documents) == (6, 4)
    issues = {(i["code"], i["file"].rsplit("/", 1)[-1], i["path"]) for i in report(tmp_path / "out")["issues"]}
    assert issues == {("file-unreadable", "e.parquet", "$"), ("schema-violation", "f.parquet", "$.text")}
    table = pq.read_table(tmp_path / "out" / "data" / "documents", columns=["text"])
    assert sorted(table.column("text").to_pylist()) == sorted(texts)


def test_an_input_of_another_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not an archive", encoding="utf-8")
    with pytest.raises(UsageError, match=r"expected a \.jsonl, \.parquet, \.txt or \.html file"):
        run_silver(str(tmp_path / "notes.md"), str(tmp_path / "out"))
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "nothing.jsonl").touch()
    with pytest.raises(UsageError, match=r"holds no \.jsonl"):
        run_silver(str(tmp_path / "empty"), str(tmp_path / "out"))


# The split of each of the ids wire-01..wire-20 that is not train, worked out by hand from the rule of
# core.splits.assign_split (the first 8 hex digits of the id's SHA-256, mod 10: 8 validation, 9 test).
WIRE_SPLITS = {"wire-03": "validation", "wire-07": "test", "wire-14": "validation", "wire-17": "test",
               "wire-18": "validation"}  # fmt: skip
# Documents per split of the archives of wire-01..wire-N, from WIRE_SPLITS.
WIRE_COUNTS = {
    1: {"train": 1},
    3: {"train": 2, "validation": 1},
    7: {"train": 5, "validation": 1, "test": 1},
    20: {"train": 15, "validation": 3, "test": 2},
}
# A text in which the baseline extractor finds no event, quote, figure or entity.
QUIET = "The weather was mild and the market opened late on the first day of the month."


def wire_archive(folder: Path, n: int, quiet: tuple[str, ...] = ()) -> Path:
    """Articles wire-01..wire-n, each with its id given, so that its split is known before the run; the
    `quiet` ones have a text without anything to annotate."""
    records = [
        {"id": doc_id, "text": QUIET if doc_id in quiet else text}
        for doc_id, text in ((f"wire-{i:02d}", text) for i, text in enumerate(synthetic_texts(n), 1))
    ]
    return write_jsonl(folder / f"wire-{n}.jsonl", records)


def card_front(out: Path) -> dict[str, Any]:
    """The YAML front matter of the card at OUT/README.md, parsed here rather than by the card's own reader."""
    front: dict[str, Any] = yaml.safe_load((out / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    return front


def declared_splits(out: Path) -> dict[str, list[str]]:
    """config -> the splits its `configs` entry in the card declares, in order."""
    return {entry["config_name"]: [f["split"] for f in entry["data_files"]] for entry in card_front(out)["configs"]}


def check_declared_splits_load(out: Path, expected_documents: dict[str, int], cache: Path) -> None:
    """Every config and split the card declares loads with `datasets`; the declared splits are exactly those
    with rows, none is on disk undeclared, and the rows add up to the documents given and their layers."""
    front = card_front(out)
    declared = declared_splits(out)
    assert set(declared) == set(CONFIGS)
    info = {e["config_name"]: {s["name"]: s["num_examples"] for s in e["splits"]} for e in front["dataset_info"]}
    documents = load(out, "documents", cache)
    assert {split: len(rows) for split, rows in documents.items()} == expected_documents
    assert all(WIRE_SPLITS.get(row["doc_id"], "train") == split for split, rows in documents.items() for row in rows)
    # A layer config has, per split, the items its split's documents hold; spans_bio a row or more per document.
    expected = {
        layer: {split: sum(len(row[layer]) for row in rows) for split, rows in documents.items()} for layer in LAYERS
    }
    for config in CONFIGS:
        loaded = load(out, config, cache)
        counts = {split: len(rows) for split, rows in loaded.items()}
        assert list(loaded) == declared[config] and counts == info[config]
        assert all(counts.values()), f"{config} declares a split without rows: {counts}"
        assert {shard.name.split("-", 1)[0] for shard in (out / "data" / config).glob("*.parquet")} == set(counts)
        if config in LAYERS:
            assert counts == {split: rows for split, rows in expected[config].items() if rows}
        elif config == "spans_bio":
            assert set(counts) == set(expected_documents)
            assert all(counts[split] >= expected_documents[split] for split in counts)


@pytest.mark.parametrize("given", [1, 3, 20])
def test_a_small_archive_declares_only_the_splits_it_has(given: int, tmp_path: Path) -> None:
    """Issue 30: a split without rows is neither written nor declared, or load_dataset refuses the config."""
    source = wire_archive(tmp_path, given)
    # Several shards for the larger archives: a split empty in some shards but not in all keeps every file.
    summary = run_silver(str(source), str(tmp_path / "out"), shard_bytes=12_000, workers=1)
    assert (summary.records, summary.documents) == (given, given)
    check_declared_splits_load(tmp_path / "out", WIRE_COUNTS[given], tmp_path / "cache")


def test_a_run_that_refuses_every_record_reports_them_declares_nothing_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It once ended in a KeyError while writing the card (no config, so no dataset_info)."""
    records = [{"text": "Two people were killed.", "published": "not-a-date"}, b"broken"]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out"
    assert main(["silver", str(source), "--out", str(out), "--workers", "1", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["documents"] == 0
    assert "[input-empty] no record was annotated" in captured.err and "Traceback" not in captured.err
    assert sorted((i["line"], i["code"]) for i in report(out)["issues"]) == [
        (1, "schema-violation"),
        (2, "json-invalid"),
    ]
    assert declared_splits(out) == {}
    assert not list((out / "data").glob("*/*.parquet"))


def test_a_split_without_rows_in_one_config_is_left_out_of_that_config_alone(tmp_path: Path) -> None:
    """wire-07, the only test document, has nothing to annotate: test is a split of documents and spans_bio only."""
    source = wire_archive(tmp_path, 7, quiet=("wire-07",))
    run_silver(str(source), str(tmp_path / "out"), shard_bytes=12_000, workers=1)
    check_declared_splits_load(tmp_path / "out", WIRE_COUNTS[7], tmp_path / "cache")
    with_test = ["train", "validation", "test"]
    assert declared_splits(tmp_path / "out") == {
        config: with_test if config in ("documents", "spans_bio") else with_test[:2] for config in CONFIGS
    }


def test_silver_runs_write_records_that_the_verb_reads(
    silver_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The records of a silver run are those derived from its own annotations, and `conflict-news records OUT`
    prints them with label names."""
    from conflict_news.cli.main import main
    from conflict_news.records.derive import records_of

    assert main(["records", str(silver_out)]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert printed and {row["annotation_status"] for row in printed} == {"prediction"}
    derived = []
    documents = load(silver_out, "documents", tmp_path / "cache")
    for row in (decode_labels(loaded, split.features) for split in documents.values() for loaded in split):
        annotation = annotation_from_row(row, row["metadata"]["text_sha256"])
        derived += [(row["doc_id"], r["event_id"], r["type"], r["fatalities_best"], r["evidence"]["triggers"])
                    for r in records_of(annotation, row["metadata"], row["text"], load_taxonomy())]  # fmt: skip
    shown = [(r["doc_id"], r["event_id"], r["type"], r["fatalities_best"], r["evidence"]["triggers"]) for r in printed]
    assert sorted(shown, key=str) == sorted(derived, key=str)
