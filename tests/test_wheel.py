"""A real wheel carries corpus/, annotations/, schema/, data/ and the card, and loads without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO
from hfcase import HF_CONFIGS


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
        "conflict_news/_data/corpus/cnc-000001.txt",
        "conflict_news/_data/corpus/cnc-000001.json",
        "conflict_news/_data/annotations/cnc-000001.json",
        "conflict_news/_data/schema/annotation.schema.json",
        "conflict_news/_data/schema/taxonomy.json",
        "conflict_news/_data/README.md",
        *(f"conflict_news/_data/data/{c}/test-00000-of-00001.parquet" for c in HF_CONFIGS),
        "conflict_news/_data/standoff/README.md",
        *(f"conflict_news/_data/standoff/data/{c}/test-00000-of-00001.parquet" for c in HF_CONFIGS),
        "conflict_news/py.typed",
        "conflict_news/_data/MANIFEST",
        "conflict_news/_data/CITATION.cff",
    ):
        assert shipped in names
    # the fictional dev set (dev/) is for tuning and scoring extractors, never shipped as data
    assert not [n for n in names if "dev-0" in n or "/dev/" in n]
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    probe = (
        "import conflict_news, pathlib; from conflict_news.cli.main import main; c = conflict_news.load_corpus(); "
        "assert main(['verify']) == 0; "
        "d = conflict_news.load_dataset('events', split='test'); "
        "print(pathlib.Path(conflict_news.__file__).parent, len(c['cnc-000001'].events), len(d))"
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
