"""`conflict-news build` and `card`: fresh, deterministic, atomic, size-bounded, refusing invalid input."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import conflict_news.hf
import conflict_news.silver
from conflict_news import CorpusError
from conflict_news.cli.main import main
from conflict_news.core.splits import assign_split
from conflict_news.core.store import list_doc_ids, read_document
from conflict_news.hf.build import build_data
from conflict_news.hf.card import render_card, split_front_matter, write_card
from conftest import REPO, load_case, materialize_case
from hfcase import HF_CONFIGS, copy_sources, load, make_two_split_root, read_shards, shard_bytes, shipped_rows


def test_committed_data_and_card_are_fresh(tmp_path: Path) -> None:
    """Rebuilt from corpus/ and annotations/, data/ has the same files, schemas and rows, and the card is current.

    Bytes are not compared: Parquet records the pyarrow version that wrote it.
    """
    fresh = copy_sources(tmp_path)
    build_data(fresh)
    committed = {p.relative_to(REPO) for p in (REPO / "data").glob("*/*.parquet")}
    assert committed == {p.relative_to(fresh) for p in (fresh / "data").glob("*/*.parquet")}
    for config in HF_CONFIGS:
        old, new = read_shards(REPO, config), read_shards(fresh, config)
        for name, table in new.items():
            assert old[name].schema.equals(table.schema, check_metadata=True), name
            assert old[name].equals(table), f"data/{config}/{name} is stale: run conflict-news build"
    assert render_card(fresh) == (REPO / "README.md").read_text(encoding="utf-8")
    assert main(["card", "--check", "--root", str(REPO)]) == 0


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = make_two_split_root(tmp_path / "a")
    second = make_two_split_root(tmp_path / "b")
    build_data(first)
    build_data(second)
    build_data(first)  # a rebuild over an existing data/ too
    assert shard_bytes(first) == shard_bytes(second)
    assert len(shard_bytes(first)) == 2 * len(HF_CONFIGS)


def test_invalid_corpus_is_refused_and_data_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = materialize_case({}, tmp_path / "valid")
    build_data(valid)
    case = load_case("span-text-mismatch")
    root = materialize_case(case, tmp_path / "broken")
    shutil.copytree(valid / "data", root / "data")  # the previous, good build
    before = shard_bytes(root)
    with pytest.raises(CorpusError) as info:
        build_data(root)
    assert {i.code for i in info.value.issues} == {"span-text-mismatch"}
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "[span-text-mismatch]" in err and case["expect"] in err
    assert shard_bytes(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["annotations", "corpus", "data"]


def test_a_failing_build_leaves_the_previous_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = materialize_case({}, tmp_path)
    build_data(root)
    before = shard_bytes(root)
    calls: list[object] = []
    real_write = pq.ParquetWriter.write_table

    def write_then_fail(writer: pq.ParquetWriter, table: object, *args: object, **kwargs: object) -> None:
        calls.append(table)
        if len(calls) == 3:  # fail in the middle, after some shards were written
            raise OSError("disk full")
        real_write(writer, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_then_fail)
    with pytest.raises(CorpusError) as info:
        build_data(root)
    assert [(i.code, i.message) for i in info.value.issues] == [("write-failed", "disk full; nothing was changed")]
    assert shard_bytes(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["annotations", "corpus", "data"]


def test_shards_are_size_bounded_and_load_the_same_rows(tmp_path: Path) -> None:
    whole = make_two_split_root(tmp_path / "whole")
    tiny = make_two_split_root(tmp_path / "tiny")
    build_data(whole)
    build_data(tiny, max_shard_bytes=1)
    for root in (whole, tiny):
        write_card(root)
    events = read_shards(tiny, "events")
    # The toy document has two events: one per shard, numbered within each split.
    assert sorted(events) == [
        "test-00000-of-00002.parquet",
        "test-00001-of-00002.parquet",
        "train-00000-of-00002.parquet",
        "train-00001-of-00002.parquet",
    ]
    assert all(table.num_rows == 1 for table in events.values())
    for config in HF_CONFIGS:
        a, b = load(whole, config, tmp_path / "c1"), load(tiny, config, tmp_path / "c2")
        assert {s: list(a[s]) for s in a} == {s: list(b[s]) for s in b}


def test_a_bound_between_row_sizes_groups_rows(tmp_path: Path) -> None:
    root = copy_sources(tmp_path)
    sizes: dict[str, list[int]] = {}  # per split, the rows in the order the build writes them
    for doc_id in list_doc_ids(root):
        split = read_document(root, doc_id).metadata["split"]
        sizes.setdefault(split, []).extend(len(orjson.dumps(row)) for row in shipped_rows(root, doc_id, "entities"))
    bound = 3 * max(max(rows) for rows in sizes.values())
    build_data(root, max_shard_bytes=bound)
    shards = read_shards(root, "entities")
    assert len(sizes) < len(shards) < sum(len(rows) for rows in sizes.values())
    for name, table in sorted(shards.items()):
        rows = sizes[name.split("-", 1)[0]]
        assert sum(rows[: table.num_rows]) <= bound
        sizes[name.split("-", 1)[0]] = rows[table.num_rows :]
    assert all(rows == [] for rows in sizes.values())


def test_the_rows_held_for_row_groups_stay_under_their_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 30: over all configs and splits, what a build holds for row groups stays under PENDING_BYTES
    (the largest written first), so its memory is flat in N; the rows written are the same."""
    from conflict_news.hf import build

    roots = {"held": copy_sources(tmp_path / "held"), "free": copy_sources(tmp_path / "free")}
    build_data(roots["free"])
    limit, before, after = 64 * 1024, [], []
    real = build.limit_pending

    def holding(writers: dict[str, build.ShardWriter]) -> int:
        return sum(n for w in writers.values() for n in w.pending_bytes.values())

    def watched(writers: dict[str, build.ShardWriter], bound: int) -> None:
        before.append(holding(writers))
        real(writers, bound)
        after.append(holding(writers))

    monkeypatch.setattr(build, "PENDING_BYTES", limit)
    monkeypatch.setattr(build, "limit_pending", watched)
    build_data(roots["held"])
    assert max(before) > limit >= max(after) > 0  # the bound had work to do, and did it
    (held, held_groups), (free, free_groups) = _written(roots["held"]), _written(roots["free"])
    assert held.keys() == free.keys() and all(held[shard].equals(free[shard]) for shard in held)
    assert held_groups > free_groups


def _written(root: Path) -> tuple[dict[str, pa.Table], int]:
    """The shards' tables by path, and their row groups in all."""
    shards = sorted((root / "data").glob("*/*.parquet"))
    tables = {shard.relative_to(root).as_posix(): pq.read_table(shard) for shard in shards}
    return tables, sum(pq.read_metadata(shard).num_row_groups for shard in shards)


def test_card_verb_creates_checks_and_rewrites_only_front_matter(tmp_path: Path) -> None:
    root = make_two_split_root(tmp_path)
    build_data(root)
    assert main(["card", "--check", "--root", str(root)]) == 1
    assert main(["card", "--root", str(root)]) == 0
    assert main(["card", "--check", "--root", str(root)]) == 0
    readme = root / "README.md"
    front, body = split_front_matter(readme.read_text(encoding="utf-8"))
    assert body == ""
    readme.write_text(readme.read_text(encoding="utf-8").replace("- config_name: events\n", "- config_name: x\n", 1))
    readme.write_text(readme.read_text(encoding="utf-8") + "\n# Body kept\n\nText.\n", encoding="utf-8")
    assert main(["card", "--check", "--root", str(root)]) == 1
    assert main(["build", "--root", str(root)]) == 0
    front_after, body_after = split_front_matter(readme.read_text(encoding="utf-8"))
    assert front_after == front
    assert body_after == "\n# Body kept\n\nText.\n"
    assert main(["card", "--root", str(root)]) == 0  # already current: nothing to write


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(CorpusError, match=r"card-invalid.*no closing"):
        split_front_matter("---\nlicense: mit\n")
    assert split_front_matter("# Title\n") == ({}, "# Title\n")


@pytest.mark.parametrize("argv", [["build", "--root", str(REPO)], ["card", "--root", str(REPO)],
                                  ["silver", str(REPO / "corpus"), "--out", "unused"]])  # fmt: skip
def test_verbs_name_the_missing_extra(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As if pyarrow were not installed: our modules that need it must be imported afresh, and fail.
    for package, name in ((conflict_news.hf, "build"), (conflict_news.hf, "card"), (conflict_news.silver, "run")):
        monkeypatch.delitem(sys.modules, f"{package.__name__}.{name}", raising=False)
        monkeypatch.delattr(package, name, raising=False)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(argv) == 1
    assert "pip install '.[hf]' in a clone of the repository" in capsys.readouterr().err


def test_added_documents_get_their_split_and_stay_out_until_annotated(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    article = tmp_path / "article.txt"
    article.write_text("Ostrian officials said the Meren bridge reopened on Friday.\n", encoding="utf-8")
    assert main(["add", str(article), "--root", str(root), "--id", "toy-0100"]) == 0
    meta = json.loads((root / "corpus" / "toy-0100.json").read_text(encoding="utf-8"))
    assert meta["split"] == assign_split("toy-0100")
    build_data(root)
    ids = {row["doc_id"] for table in read_shards(root, "documents").values() for row in table.to_pylist()}
    assert ids == {"toy-0001"}


def test_workers_write_the_same_shards_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conflict_news.grow.synthetic import write_synthetic
    from conflict_news.hf import build as hf_build

    monkeypatch.setattr(hf_build, "BATCH_DOCUMENTS", 3)  # many batches, so order across workers is exercised
    write_synthetic(tmp_path / "corpus-root", 20, seed=5)
    single, pooled = tmp_path / "single", tmp_path / "pooled"
    build_data(tmp_path / "corpus-root", out=single, workers=1, max_shard_bytes=200_000)
    assert main(["build", "--root", str(tmp_path / "corpus-root"), "--out", str(pooled), "--workers", "2",
                 "--max-shard-bytes", "200000"]) == 0  # fmt: skip
    assert shard_bytes(single) == shard_bytes(pooled)
    assert any("-00001-of-" in name for name in shard_bytes(single))  # the bound split some configs
    # Batches of 3 documents are gathered into one row group per shard, not written one by one.
    assert {pq.ParquetFile(p).metadata.num_row_groups for p in (single / "data").glob("*/*.parquet")} == {1}
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in (single / "data" / "documents").glob("*.parquet"))
    assert rows == 20


def test_workers_report_every_issue_and_write_nothing(tmp_path: Path) -> None:
    case = load_case("span-text-mismatch")
    root = materialize_case(case, tmp_path / "broken")
    found = []
    for workers in (1, 2):
        with pytest.raises(CorpusError) as info:
            build_data(root, workers=workers)
        found.append([str(issue) for issue in info.value.issues])
    assert found[0] == found[1] and case["expect"] in "".join(found[1])
    assert not (root / "data").exists()


def test_a_layer_without_rows_in_a_batch_is_an_empty_table(tmp_path: Path) -> None:
    """A corpus with no quote at all (and so no figure tied to one) builds, and its quotes config is empty."""
    root = materialize_case(
        {"set": {"annotations/toy-0001.json#/quotes": [], "annotations/toy-0001.json#/figures/0/quote": None,
                 "annotations/toy-0001.json#/figures/0/claimant": None}},
        tmp_path,
    )  # fmt: skip
    build_data(root)
    write_card(root)
    assert [table.num_rows for table in read_shards(root, "quotes").values()] == [0]
    assert load(root, "figures", tmp_path / "cache")["train"].num_rows == 1
    # No row group at all: `datasets` would take an empty one's size, 0, as its batch size and fail.
    (empty,) = (root / "data" / "quotes").glob("*.parquet")
    assert pq.read_metadata(empty).num_row_groups == 0
