"""A smoke run of the benchmark suite at N = 200, so that it never rots; speed is not asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_benchmark_suite_smoke_run(tmp_path: Path) -> None:
    out, corpora = tmp_path / "out", tmp_path / "corpora"
    command = [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "200", "--repeat", "1"]
    subprocess.run([*command, "--corpora", str(corpora), "--out", str(out)], check=True, capture_output=True)
    (results_file,) = (out / "results").glob("*.json")
    rows = {row["stage"]: row for row in json.loads(results_file.read_text(encoding="utf-8"))["rows"]}
    targets = {"validate": 2.0, "build": 1.5, "load_dataset": 1.1, "labelstudio_tasks": 3.0, "labelstudio_import": 3.0}
    assert {name: row["target"] for name, row in rows.items()} == targets
    table = (out / "README.md").read_text(encoding="utf-8")
    for row in rows.values():
        assert row["n"] == 200
        assert row["stage_median_s"] > 0 and row["anchor_median_s"] > 0
        assert row["ratio"] == row["stage_median_s"] / row["anchor_median_s"]
        assert row["stage_cpu_s"] > 0 and row["anchor_cpu_s"] > 0
        assert row["rss_mib"] > 0 and row["machine"]["cores"] >= 1
        assert f"| {row['stage']} | {row['anchor']} | 200 |" in table
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
