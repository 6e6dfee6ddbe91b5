"""The label joins of docs/huggingface.md run as written, in DuckDB, Polars and Spark, and give the gold's labels."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conflict_news import load_corpus
from conflict_news.hf.labels import label_table
from conftest import REPO

DOC = (REPO / "docs" / "huggingface.md").read_text(encoding="utf-8")


def snippet(engine: str) -> str:
    match = re.search(rf"<!-- engine: {engine} -->\n```\w+\n(.*?)```", DOC, flags=re.S)
    assert match, f"docs/huggingface.md has no {engine} example"
    return match.group(1)


def gold_types() -> set[tuple[str, str, str]]:
    return {(doc.id, ev.id, ev.type) for doc in load_corpus() for ev in doc.events}


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_the_label_table_lists_every_label_column_once() -> None:
    rows = label_table().to_pylist()
    keys = [(r["config"], r["column"], r["id"]) for r in rows]
    assert len(keys) == len(set(keys))
    columns = {(r["config"], r["column"]) for r in rows}
    # Hand-listed: the label columns a reader of the events config and spans_bio meets.
    assert {("events", "type"), ("events", "arguments.role"), ("events", "relations.type"),
            ("events", "location.precision"), ("documents", "events.arguments.role"),
            ("spans_bio", "entity_tags"), ("figures", "bound")} <= columns  # fmt: skip
    assert {r["name"] for r in rows if r["column"] == "entity_tags"} >= {"O", "B-person", "I-state"}


def test_duckdb_joins_give_the_gold_labels() -> None:
    import duckdb

    flat = duckdb.sql(snippet("duckdb")).fetchall()
    assert set(flat) == gold_types()
    nested = duckdb.sql(snippet("duckdb-nested")).fetchall()
    expected = {(ev.id, arg.span.text, arg.role) for ev in load_corpus()["cnc-000001"].events for arg in ev.arguments}
    assert set(nested) == expected


def test_polars_join_gives_the_gold_labels() -> None:
    scope: dict[str, object] = {}
    exec(snippet("polars"), scope)
    assert set(scope["result"].rows()) == gold_types()  # type: ignore[attr-defined]


# Spark's jars are half a gigabyte: pyspark lives in an environment of its own, created by this test on
# first use and kept under .cache/tools (git-ignored), as cffconvert does, not in the default one.
SPARK_VERSION = "4.3.0"
SPARK_ENV = REPO / ".cache" / "tools" / f"pyspark-{SPARK_VERSION}"
_RUN_SPARK = """
import json, sys
scope = {}
exec(sys.stdin.read(), scope)
try:
    print(json.dumps([list(row) for row in scope["result"].collect()]))
finally:
    scope["spark"].stop()
"""


def spark_python() -> Path:
    """The Python of the pyspark environment, installing it on first use (only a complete install counts)."""
    python, ready = SPARK_ENV / "bin" / "python", SPARK_ENV / "installed"
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SPARK_ENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"pyspark=={SPARK_VERSION}"], check=True)  # fmt: skip
        ready.write_text(SPARK_VERSION + "\n", encoding="utf-8")
    return python


@pytest.mark.slow
def test_spark_join_gives_the_gold_labels() -> None:
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Spark needs a Java runtime; .ci/run installs one")
        pytest.skip("no Java runtime here (CI installs one)")
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYTHONPATH": ""}
    done = subprocess.run([str(spark_python()), "-c", _RUN_SPARK], input=snippet("spark"), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {tuple(row) for row in json.loads(done.stdout.splitlines()[-1])}
    assert rows == gold_types()
