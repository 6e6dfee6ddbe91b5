"""silver, build and validate on a real Dask cluster (a scheduler and two workers on 127.0.0.1).

The output must be the bytes of the local run, also when a worker is killed in the middle of the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conflict_news.cli.main import main
from conflict_news.grow.synthetic import write_synthetic
from conflict_news.silver.run import run_silver
from conftest import load_case, materialize_case
from dask_cluster import START_SECONDS, Cluster
from test_silver import WIRE_COUNTS, check_declared_splits_load, synthetic_texts, tree, wire_archive, write_jsonl

pytest.importorskip("distributed", reason="the dask extra")  # installed by the default hatch env, so CI runs these
pytestmark = pytest.mark.slow  # each test starts a cluster (the fast path leaves them out)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = synthetic_texts(16)
    records = [{"text": t} for t in texts[:8]] + [{"text": texts[2]}, b"{broken"] + [{"text": t} for t in texts[8:]]
    return write_jsonl(tmp_path_factory.mktemp("archive") / "archive.jsonl", records)


def test_silver_on_the_cluster_writes_the_bytes_of_the_local_run(
    cluster: Cluster, archive: Path, tmp_path: Path
) -> None:
    common = ["silver", str(archive), "--shard-bytes", "12000"]
    assert main([*common, "--out", str(tmp_path / "local"), "--workers", "1"]) == 0
    assert main([*common, "--out", str(tmp_path / "cluster"), "--scheduler", cluster.address]) == 0
    local = tree(tmp_path / "local")
    assert len([name for name in local if name.endswith(".parquet")]) > 6 * 3 * 4  # several shards
    assert tree(tmp_path / "cluster") == local


@pytest.mark.parametrize("given", [1, 3, 20])
def test_silver_on_the_cluster_declares_only_the_splits_it_has(cluster: Cluster, given: int, tmp_path: Path) -> None:
    """Issue 30 on the cluster: every declared config and split of a small archive's output loads with `datasets`."""
    source = wire_archive(tmp_path, given)
    run_silver(str(source), str(tmp_path / "cluster"), shard_bytes=12_000, scheduler=cluster.address)
    check_declared_splits_load(tmp_path / "cluster", WIRE_COUNTS[given], tmp_path / "cache")
    run_silver(str(source), str(tmp_path / "local"), shard_bytes=12_000, workers=1)
    assert tree(tmp_path / "cluster") == tree(tmp_path / "local")


def test_build_on_the_cluster_writes_the_bytes_of_the_local_build(cluster: Cluster, tmp_path: Path) -> None:
    root = tmp_path / "root"
    write_synthetic(root, 150)  # three batches
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "local"), "--workers", "1"]) == 0
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "cluster"), "--scheduler", cluster.address]) == 0
    assert tree(tmp_path / "cluster") == tree(tmp_path / "local")


def test_validate_on_the_cluster_finds_the_issues_of_the_local_run(
    cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case(load_case("span-text-mismatch"), tmp_path)
    assert main(["validate", str(root), "--json"]) == 1
    local = json.loads(capsys.readouterr().out)
    assert main(["validate", str(root), "--json", "--scheduler", cluster.address]) == 1
    assert json.loads(capsys.readouterr().out) == local
    assert [issue["code"] for issue in local] == ["span-text-mismatch"]


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    root = materialize_case({}, tmp_path)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):  # port 9 (discard) has no scheduler
        assert main(["validate", str(root), "--scheduler", "tcp://127.0.0.1:9"]) == 1
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in capsys.readouterr().err


def _annotating_everywhere(address: str) -> bool:
    from distributed import Client

    with Client(address, timeout=START_SECONDS) as client:
        processing = client.processing()
    return len(processing) == 2 and all(
        any(str(k).startswith("annotate") for k in keys) for keys in processing.values()
    )


def test_a_worker_killed_mid_run_changes_nothing(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workers are held inside a shard (silver_extractors.gated) when one of them is killed."""
    gate = tmp_path / "gate"
    cluster = Cluster(tmp_path / "dask", env={"CNC_SILVER_GATE": str(gate)})
    command = [sys.executable, "-m", "conflict_news", "silver", str(archive), "--shard-bytes", "12000",
               "--extractor", "silver_extractors:gated"]  # fmt: skip
    run = subprocess.Popen([*command, "--out", str(tmp_path / "cluster"), "--scheduler", cluster.address],
                           env=cluster.env, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _annotating_everywhere(cluster.address):
            assert run.poll() is None, run.stderr.read().decode() if run.stderr else ""
            assert time.monotonic() < deadline, f"the workers never both held a shard\n{cluster.log_tail()}"
            time.sleep(0.2)
        cluster.kill_worker(1)
        gate.touch()
        _, errors = run.communicate(timeout=600)
        assert run.returncode == 0, errors.decode()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        cluster.stop()
    monkeypatch.setenv("CNC_SILVER_GATE", str(gate))
    assert main([*command[3:], "--out", str(tmp_path / "local"), "--workers", "1"]) == 0
    assert tree(tmp_path / "cluster") == tree(tmp_path / "local")


_HOLDER = """
import sys, time
from pathlib import Path
from dask_cluster import Cluster
cluster = Cluster(Path(sys.argv[1]), workers=1)
print(" ".join(str(p.pid) for p in cluster.processes), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped by whoever adopted it, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_no_cluster_process_outlives_a_test_process_killed_by_a_timeout(tmp_path: Path) -> None:
    """The process that started the cluster is SIGKILLed, as a timeout does: no handler of it runs, yet the
    scheduler and the worker go with it (dask_cluster: setpriv --pdeathsig)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(tmp_path / "dask")], stdout=subprocess.PIPE,
                              text=True, env=env)  # fmt: skip
    assert holder.stdout is not None
    pids = [int(pid) for pid in holder.stdout.readline().split()]
    assert len(pids) == 2 and all(map(_alive, pids))
    holder.kill()
    holder.wait()
    holder.stdout.close()
    deadline = time.monotonic() + START_SECONDS
    try:
        while any(map(_alive, pids)):
            assert time.monotonic() < deadline, f"still running: {[pid for pid in pids if _alive(pid)]}"
            time.sleep(0.1)
    finally:  # a failure leaves nothing behind either
        for pid in filter(_alive, pids):
            os.kill(pid, signal.SIGKILL)
