"""A real wheel carries corpus/, annotations/, schema/, data/ and the card, and loads without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from conflict_news.core.options import SPLITS
from conftest import REPO
from hfcase import HF_CONFIGS, haystack, leaked_windows

SEED = REPO / "corpus" / "cnc-000001.txt"


def test_wheel_ships_the_data_and_loads_from_it(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("conflict_news_corpus-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "conflict_news/_data/corpus/cnc-000002.txt",
        "conflict_news/_data/corpus/cnc-000002.json",
        "conflict_news/_data/annotations/cnc-000002.json",
        "conflict_news/_data/schema/annotation.schema.json",
        "conflict_news/_data/schema/taxonomy.json",
        *(f"conflict_news/_data/schema/inventories/{name}.json" for name in ("acled", "plover", "cameo")),
        "conflict_news/_data/schema/migrations/taxonomy-1.1-to-2.0.json",
        "conflict_news/_data/README.md",
        *(f"conflict_news/_data/data/{c}/{s}-00000-of-00001.parquet" for c in HF_CONFIGS for s in SPLITS),
        "conflict_news/_data/standoff/README.md",
        *(f"conflict_news/_data/standoff/data/{c}/{s}-00000-of-00001.parquet" for c in HF_CONFIGS for s in SPLITS),
        "conflict_news/py.typed",
        "conflict_news/_data/MANIFEST",
        "conflict_news/_data/CITATION.cff",
    ):
        assert shipped in names
    # the fictional dev set (dev/) is for tuning and scoring extractors, never shipped as data
    assert not [n for n in names if "dev-0" in n or "/dev/" in n]
    # the seed's text has an unknown licence: neither its files nor a run of eight of its words are shipped
    assert not [n for n in names if "cnc-000001" in n]
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    assert leaked_windows(SEED.read_text(encoding="utf-8"), haystack(unpacked)) == []
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    probe = (
        "import conflict_news, pathlib; from conflict_news.cli.main import main; c = conflict_news.load_corpus(); "
        "assert main(['verify']) == 0 and 'cnc-000001' not in {doc.id for doc in c}; "
        "from conflict_news.core.inventories import load_inventories; assert len(load_inventories().plover) == 16; "
        "d = conflict_news.load_dataset('events', split='test'); "
        "print(pathlib.Path(conflict_news.__file__).parent, sum(len(x.events) for x in c if x.metadata.split == 'test'), len(d))"
    )
    # A cache of its own, so the rows come from the wheel's Parquet, not from an earlier load.
    env = {**os.environ, "PYTHONPATH": str(target), "HF_HOME": str(tmp_path / "hf-home")}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=tmp_path
    )
    location, events, rows = out.stdout.split()
    assert Path(location).is_relative_to(target)
    assert int(events) > 0
    assert int(rows) == int(events)


def test_the_sdist_leaves_out_the_seed_text(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)], check=True, cwd=REPO
    )
    (sdist,) = tmp_path.glob("conflict_news_corpus-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path / "unpacked", filter="data")
    assert [n for n in names if n.endswith("corpus/cnc-000002.txt")]  # the Wikinews texts are in it
    assert not [n for n in names if "corpus/cnc-000001." in n or "annotations/cnc-000001." in n]
    assert leaked_windows(SEED.read_text(encoding="utf-8"), haystack(tmp_path / "unpacked")) == []
