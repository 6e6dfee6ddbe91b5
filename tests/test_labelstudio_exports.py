"""Hand-written Label Studio exports, shaped as a real server writes them (the envelope's extra keys,
`origin` on each result, attributes repeating the region's offsets, a textarea's list of texts, a
number as 270.0, relations without ids drawn both ways, annotator-drawn regions with nanoid ids, a
skipped annotation with a partial result, a draft), imported and compared with the annotation file
worked out by hand (tests/exports/<name>.expected.json). The export names annotators by user id, as the
server's does, and <name>.users.json is the server's user list (GET /api/users/) that gives their e-mails. Unlike the round-trip tests, nothing
here is made by our own task builder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conflict_news import iter_errors
from conflict_news.core.store import annotation_path
from conflict_news.core.textnorm import hash_text
from conflict_news.grow.ingest import add_documents
from conflict_news.labelstudio.importer import import_export
from conflict_news.labelstudio.users import read_users
from conftest import TESTS, materialize_case

EXPORTS = TESTS / "exports"


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".export.json") for p in EXPORTS.glob("*.export.json")))
def test_a_hand_written_export_imports_to_the_hand_derived_file(name: str, tmp_path: Path) -> None:
    export = EXPORTS / f"{name}.export.json"
    tasks = json.loads(export.read_text(encoding="utf-8"))
    root = materialize_case({}, tmp_path)
    for task in tasks:  # the documents the tasks were made from, added as a user adds them
        article = tmp_path / f"{task['data']['doc_id']}.txt"
        article.write_text(task["data"]["text"], encoding="utf-8")
        assert add_documents(root, article, doc_id=task["data"]["doc_id"]) == [task["data"]["doc_id"]]
    out = import_export(export, root, users=read_users(EXPORTS / f"{name}.users.json"))
    assert out.issues == [], [str(i) for i in out.issues]
    expected = json.loads((EXPORTS / f"{name}.expected.json").read_text(encoding="utf-8"))
    written = json.loads(annotation_path(root, expected["doc_id"]).read_text(encoding="utf-8"))
    expected["text_sha256"] = hash_text(tasks[0]["data"]["text"])
    assert written == expected
    # 270.0 from the number control is written as the integer the files use, not as a float.
    figure = written["figures"][0]
    assert [type(figure[k]) for k in ("value", "lower", "upper")] == [int, int, int]
    assert b'"value": 270,' in annotation_path(root, expected["doc_id"]).read_bytes()
    assert list(iter_errors([root])) == []
