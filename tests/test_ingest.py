"""`conflict-news add`: growing temporary copies of the corpus, and every refusal adding nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError, iter_errors, load_corpus
from conflict_news.cli.main import main
from conflict_news.core.articles import extract_html_text
from conflict_news.grow.evaluate import evaluate
from conflict_news.grow.ingest import add_documents
from conftest import ADD, REPO, load_case, materialize_case, write_add_input

ADD_CASES = sorted(p.stem for p in ADD.glob("*.json"))


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A clone-like copy of the shipped corpus root, cut to its document with gold (the seed), so that the
    next id and the scores are known."""
    root = tmp_path / "clone"

    def others(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n.startswith("cnc-") and not n.startswith("cnc-000001.")}

    for sub in ("corpus", "annotations", "schema"):
        shutil.copytree(REPO / sub, root / sub, ignore=others)
    return root


@pytest.mark.parametrize("code", ADD_CASES)
def test_add_case_is_refused_with_exactly_its_code(code: str, tmp_path: Path) -> None:
    case = load_case(code, ADD)
    root = materialize_case({}, tmp_path)
    before = _files(root)
    with pytest.raises(CorpusError) as info:
        add_documents(root, write_add_input(case, tmp_path), doc_id=case.get("id"))
    issues = info.value.issues
    assert {i.code for i in issues} == {code}, [str(i) for i in issues]
    assert case["expect"] in str(issues[0])
    assert _files(root) == before


def test_add_a_text_file_grows_the_corpus_and_it_validates(
    shipped_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = "\ufeff\n  Ostrian engineers repaired the bridge at Port Mere\u0301n.  \n".encode()
    source = _write(tmp_path / "in", "bridge.txt", raw)
    stated = {"title": "Bridge repaired", "published": "2026-03", "publisher": "Meren Herald"}
    assert add_documents(shipped_copy, source, stated) == ["cnc-000002"]
    text = (shipped_copy / "corpus" / "cnc-000002.txt").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", "Ostrian engineers repaired the bridge at Port Mere\u0301n.")
    meta = json.loads((shipped_copy / "corpus" / "cnc-000002.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Bridge repaired" and meta["source"]["publisher"] == "Meren Herald"
    assert meta["published"] == {"date": "2026-03", "precision": "month", "inferred": False, "evidence": None}
    assert (meta["source"]["url"], meta["retrieved"], meta["license"]["text"]) == (None, None, "unknown")
    assert meta["source"]["original_sha256"] == hashlib.sha256(raw).hexdigest()
    assert meta["source"]["original_filename"] == "bridge.txt"
    ann = json.loads((shipped_copy / "annotations" / "cnc-000002.json").read_text(encoding="utf-8"))
    assert ann["text_sha256"] == meta["text_sha256"] and ann["events"] == []
    assert list(iter_errors([shipped_copy])) == []
    assert len(load_corpus(shipped_copy)) == 2
    # the pre-annotator and the scorer work on the grown corpus; the new document has no gold to score yet
    assert main(["preannotate", "--root", str(shipped_copy), "--out", str(tmp_path / "p")]) == 0
    result = evaluate(tmp_path / "p", shipped_copy)
    assert (result["documents"], result["unannotated"]) == (1, ["cnc-000002"])
    seed = evaluate(tmp_path / "p" / "cnc-000001.json", REPO / "annotations" / "cnc-000001.json", REPO)
    assert result == {**seed, "unannotated": ["cnc-000002"]}
    assert main(["evaluate", str(tmp_path / "p"), str(shipped_copy)]) == 0
    assert "not scored, no gold yet: cnc-000002" in capsys.readouterr().err


def test_the_seed_again_is_refused_as_a_duplicate(shipped_copy: Path, tmp_path: Path) -> None:
    seed = "\n" + (REPO / "corpus" / "cnc-000001.txt").read_text(encoding="utf-8")  # as it arrived
    with pytest.raises(CorpusError) as info:
        add_documents(shipped_copy, _write(tmp_path, "seed.txt", seed))
    assert [i.code for i in info.value.issues] == ["duplicate-document"]
    assert "'cnc-000001'" in info.value.issues[0].message


def test_html_text_extraction() -> None:
    html = (
        "<html><head><title>T</title><style>p {}</style></head><body><h1>Port  Meren</h1>"
        "<p>Valdorian forces fired\n 12 rockets&nbsp;on Tuesday.</p><script>x()</script>"
        "<p>Ilka Varn said &ldquo;We will answer.&rdquo;<br>Later.</p></body></html>"
    )
    assert extract_html_text(html) == (
        "Port Meren\nValdorian forces fired 12 rockets on Tuesday.\nIlka Varn said \u201cWe will answer.\u201d\nLater."
    )


def test_batch_folder_is_added_in_order_or_not_at_all(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    folder = tmp_path / "batch"
    _write(folder, "a.txt", "Ostrian engineers repaired the bridge.")
    _write(folder, "b.html", "<p>Valdorian drones struck a depot.</p>")
    _write(folder, "notes.md", "not an article")
    assert add_documents(root, folder) == ["cnc-000001", "cnc-000002"]
    assert (root / "corpus" / "cnc-000002.txt").read_text(encoding="utf-8") == "Valdorian drones struck a depot."
    assert list(iter_errors([root])) == []
    before = _files(root)
    _write(folder, "c.txt", "A new text.")  # a, b are duplicates now; c alone would be fine
    with pytest.raises(CorpusError) as info:
        add_documents(root, folder)
    assert [i.code for i in info.value.issues] == ["duplicate-document", "duplicate-document"]
    assert _files(root) == before


def test_jsonl_records_carry_their_metadata_and_errors_name_the_line(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    lines = [
        {"text": "Ostrian engineers repaired the bridge.", "url": "https://example.org/a", "language": "en"},
        {"html": "<p>Valdorian drones struck a depot.</p>", "id": "toy-0002", "published": "2026"},
    ]
    source = _write(tmp_path, "articles.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert add_documents(root, source) == ["cnc-000001", "toy-0002"]
    meta = json.loads((root / "corpus" / "toy-0002.json").read_text(encoding="utf-8"))
    assert meta["published"]["precision"] == "year" and meta["source"]["original_filename"] is None
    assert list(iter_errors([root])) == []
    bad = _write(tmp_path, "bad.jsonl", '{"text": "x", "colour": "red"}\n{"text": \n"just a string"\n')
    with pytest.raises(CorpusError) as info:
        add_documents(root, bad)
    got = [(i.code, i.line, i.column, i.path) for i in info.value.issues]
    assert got == [("schema-violation", 1, None, "$"), ("json-invalid", 2, 10, ""), ("schema-violation", 3, None, "$")]
    assert str(info.value.issues[1]).startswith(f"{bad}:2:10: [json-invalid]")


@pytest.mark.parametrize(
    ("data", "stated", "doc_id", "code", "where"),
    [
        (b"caf\xe9 latte", {}, None, "text-decode-error", (1, 4, "")),
        (b"a first line\ntext with a bell \x07", {}, None, "input-binary", (2, 18, "")),
        ("A text.", {"published": "yesterday"}, None, "schema-violation", (None, None, "$.published.date")),
        ("A text.", {}, "Not An Id", "schema-violation", (None, None, "$.id")),
        ("A text.", {"url": "not a url"}, None, "schema-violation", (None, None, "$.source.url")),
    ],
)
def test_bad_articles_and_metadata_are_refused(
    tmp_path: Path, data: str | bytes, stated: dict[str, str], doc_id: str | None, code: str, where: tuple[Any, ...]
) -> None:
    root = materialize_case({}, tmp_path)
    with pytest.raises(CorpusError) as info:
        add_documents(root, _write(tmp_path, "article.txt", data), stated, doc_id)
    assert [(i.code, i.line, i.column, i.path) for i in info.value.issues] == [(code, *where)]


def test_cli_add(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    article = _write(tmp_path, "a.txt", "Ostrian engineers repaired the bridge.")
    assert main(["add", str(article), "--root", str(root), "--title", "Bridge", "--license", "CC-BY-4.0"]) == 0
    assert capsys.readouterr().out == "cnc-000001\n"
    assert json.loads((root / "corpus" / "cnc-000001.json").read_text(encoding="utf-8"))["title"] == "Bridge"
    assert main(["add", str(article), "--root", str(root)]) == 1
    assert "[duplicate-document]" in capsys.readouterr().err
    two = tmp_path / "two"
    _write(two, "b.txt", "One article.")
    _write(two, "c.txt", "Another article.")
    assert main(["add", str(two), "--root", str(root), "--id", "x-1"]) == 1
    assert "apply to one article" in capsys.readouterr().err
    assert main(["add", str(article), "--root", str(tmp_path / "nowhere")]) == 1
    assert "not a corpus root" in capsys.readouterr().err
    (tmp_path / "empty-folder").mkdir()
    assert main(["add", str(tmp_path / "empty-folder"), "--root", str(root)]) == 1
    assert "[input-empty]" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "missing.txt"), "--root", str(root)]) == 1
    assert "[input-missing]" in capsys.readouterr().err  # named as missing, not as unreadable
