"""A smoke run of the benchmark suite at N = 200, so that it never rots; speed is not asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_suite_smoke_run(tmp_path: Path) -> None:
    out, corpora = tmp_path / "out", tmp_path / "corpora"
    command = [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "200", "--repeat", "1"]
    subprocess.run([*command, "--corpora", str(corpora), "--out", str(out)], check=True, capture_output=True)
    (results_file,) = (out / "results").glob("*.json")
    rows = {row["stage"]: row for row in json.loads(results_file.read_text(encoding="utf-8"))["rows"]}
    targets = {
        "validate": ("cpu", 2.0), "build": ("cpu", 2.0), "load_dataset": ("elapsed", 1.1),
        "labelstudio_tasks": ("cpu", 2.0), "labelstudio_import": ("cpu", 3.0),
        "startup_stats": ("cpu", 1.5), "startup_cite": ("cpu", 1.5), "silver": ("cpu", 1.5),
        "silver_dask": ("elapsed", 1.2),
    }  # fmt: skip
    assert {name: (row["measure"], row["target"]) for name, row in rows.items()} == targets
    table = (out / "README.md").read_text(encoding="utf-8")
    for row in rows.values():
        shipped = len(list((REPO / "corpus").glob("*.txt")))
        assert row["n"] == (shipped if row["stage"].startswith("startup") else 200)  # startup: the shipped corpus
        for side in ("stage", "anchor"):
            assert len(row[f"{side}_cpu_seconds"]) == len(row[f"{side}_seconds"]) == 1
            assert row[f"{side}_cpu_seconds"][0] > 0 and row[f"{side}_seconds"][0] > 0
            assert 5 < row[f"{side}_rss_mib"][0] < 4096  # a whole process's peak, not the harness's
        assert row["cpu_ratio"] == row["stage_cpu_seconds"][0] / row["anchor_cpu_seconds"][0]
        assert row["machine"]["cores"] >= 1
        assert f"| {row['stage']} | {row['n']:,} | {row['processes']} |" in table
    assert (out / "scaling.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert len(list((corpora / "n200-seed0" / "annotations").iterdir())) == 200
    marker = corpora / "n200-seed0" / "COMPLETE"
    stamp = marker.stat().st_mtime_ns
    command += ["--stages", "validate"]  # the corpus's life cycle needs one stage only
    subprocess.run([*command, "--corpora", str(corpora), "--out", str(out)], check=True, capture_output=True)
    assert marker.stat().st_mtime_ns == stamp  # reused, not generated again
    marker.write_text("another generator\n", encoding="utf-8")
    subprocess.run([*command, "--corpora", str(corpora), "--out", str(out)], check=True, capture_output=True)
    assert marker.read_text(encoding="utf-8") != "another generator\n"  # stale: generated again
