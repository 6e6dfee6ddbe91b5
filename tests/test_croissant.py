"""croissant.json is current, passes the real mlcroissant validator, and its records load with label names."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from conflict_news import load_corpus
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.release.croissant import CROISSANT, build_croissant
from conftest import REPO


def test_croissant_json_is_current() -> None:
    """Regenerate with `conflict-news croissant` after a build."""
    assert json.loads((REPO / CROISSANT).read_text(encoding="utf-8")) == build_croissant(REPO)


def test_mlcroissant_validates_it() -> None:
    exe = Path(sys.executable).parent / "mlcroissant"
    result = subprocess.run([str(exe), "validate", "--jsonld", str(REPO / CROISSANT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_records_load_with_label_names_and_match_the_data() -> None:
    dataset = mlc.Dataset(jsonld=str(REPO / CROISSANT))
    events = list(dataset.records("events"))
    table = pq.read_table(REPO / "data" / "events", columns=["doc_id", "id", "type"])
    assert len(events) == table.num_rows
    names = {r["labels-events-type/index"]: r["labels-events-type/name"] for r in dataset.records("labels-events-type")}
    assert list(names.values()) == list(load_taxonomy().event_types)
    corpus = load_corpus()
    for record in events[:: max(1, len(events) // 50)]:  # every 50th: labels by name, as the corpus has them
        doc = corpus[record["events/doc_id"].decode()]
        (event,) = [ev for ev in doc.events if ev.id == record["events/id"].decode()]
        assert names[record["events/type"]] == event.type
        assert record["events/split"].decode() == doc.metadata.split
    for record_set in ("documents", "quotes", "figures", "entities", "spans_bio"):
        assert list(itertools.islice(dataset.records(record_set), 1)), record_set


def test_every_file_object_carries_the_sha256_of_its_file() -> None:
    # mlcroissant reads local files of a FileSet without checking these sums (its Download step, which
    # checks them, is for remote files), so they are checked here against the files themselves.
    document = json.loads((REPO / CROISSANT).read_text(encoding="utf-8"))
    files = {d["contentUrl"]: d["sha256"] for d in document["distribution"] if d["@type"] == "cr:FileObject"}
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "data").glob("*/*.parquet")}
    assert shipped <= set(files)
    for url, digest in files.items():
        assert hashlib.sha256((REPO / url).read_bytes()).hexdigest() == digest, url


def test_croissant_verb_writes_the_current_document(tmp_path: Path) -> None:
    from conflict_news.cli.main import main

    for name in ("data", "CITATION.cff"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, tmp_path / name)
    (tmp_path / "corpus").mkdir()  # a corpus root, which every verb's --root must be
    assert main(["croissant", "--root", str(tmp_path)]) == 0
    assert (tmp_path / CROISSANT).read_bytes() == (REPO / CROISSANT).read_bytes()


def test_release_verbs_name_the_missing_extras(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conflict_news.cli.main import main

    monkeypatch.setitem(sys.modules, "mlcroissant", None)  # as if the release extra were not installed
    import conflict_news.release

    for name in ("croissant", "cut"):
        monkeypatch.delitem(sys.modules, f"conflict_news.release.{name}", raising=False)
        monkeypatch.delattr(conflict_news.release, name, raising=False)  # else `from . import` finds the old module
    assert main(["croissant"]) == 1
    assert main(["release", "9.9.9"]) == 1
    assert "pip install '.[release]' in a clone of the repository" in capsys.readouterr().err


def test_croissant_licence_is_the_mixed_one_the_card_declares() -> None:
    document = json.loads((REPO / CROISSANT).read_text(encoding="utf-8"))
    assert document["license"] == [
        "https://creativecommons.org/licenses/by/4.0/",
        "https://huggingface.co/datasets/conflict-news/conflict-news-corpus/blob/main/LICENSE-DATA",
    ]


def test_it_names_its_creator_and_carries_the_responsible_ai_fields() -> None:
    """The Hub's generated Croissant drops these; ours states them, and says who annotated as the card does."""
    document = json.loads((REPO / CROISSANT).read_text(encoding="utf-8"))
    assert document["creator"] == {"@type": "sc:Organization", "name": "Conflict News Corpus maintainers"}
    for field in (
        "rai:dataCollection", "rai:dataAnnotationProtocol", "rai:annotationsPerItem", "rai:dataBiases",
        "rai:dataLimitations", "rai:dataSocialImpact", "rai:personalSensitiveInformation", "rai:dataUseCases",
    ):  # fmt: skip
        assert document[field], field
    card = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    (who,) = (
        document["rai:annotatorDemographics"]
        if isinstance(document["rai:annotatorDemographics"], list)
        else [document["rai:annotatorDemographics"]]
    )
    assert who.startswith("Every annotation and selection decision in this corpus was made by AI language-model")
    assert card.count(who) >= 2  # the card's opening and its Annotations section
