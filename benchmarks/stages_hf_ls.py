"""Stages of the Hugging Face build and load, and of the Label Studio export and import (issue 6).

Each stage reads inputs prepared once per corpus and code version under ROOT/.bench/<key>/ (a release
built with data/ and its card, the rows that build writes as JSON lines, the tasks export and a full
Label Studio export): preparing them is nobody's timed work. A stage's setup runs in every measuring
process before the clock starts; it prepares the inputs that stage needs, if missing, and imports the
heavy modules (datasets, pyarrow), so that neither stage nor anchor is charged for imports. Outputs
that only measure the work of writing them (task and export dumps) go to /dev/null on both sides:
at N = 100 000 they are ~15 GB each.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

# One pyarrow write per this many rows, in the anchor as in hf_build.
ANCHOR_BATCH_ROWS = 512


def code_key() -> str:
    """Changes with any source file of the package, so prepared inputs never outlive the code that made them."""
    import conflict_news

    digest = hashlib.sha256()
    for source in sorted(Path(conflict_news.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def prepared(root: Path, *inputs: str) -> Path:
    """ROOT/.bench/<key>, with each named input made if it is missing.

    Inputs, each a folder of its own: release/ (data/ + README card), rows/<config>/<split>.jsonl,
    ls/ (tasks.jsonl, export.json). A folder counts once its marker <name>.done exists, so an
    interrupted preparation is made again; a stage only pays for the inputs it reads (at N = 100 000
    they are ~40 GB together).
    """
    base = root / ".bench"
    prep = base / code_key()
    if not prep.exists():
        shutil.rmtree(base, ignore_errors=True)  # inputs of older code
        prep.mkdir(parents=True)
    for name in inputs:
        if not (prep / f"{name}.done").exists():
            shutil.rmtree(prep / name, ignore_errors=True)
            (prep / name).mkdir()
            MAKERS[name](root, prep / name)
            (prep / f"{name}.done").touch()
    return prep


def prepare_release(root: Path, release: Path) -> None:
    from conflict_news.hf.build import build_data
    from conflict_news.hf.card import write_card

    build_data(root, out=release)
    write_card(release)


def dump_rows(root: Path, rows: Path) -> None:
    """The rows build wrote, read back from its shards: exactly what the anchor must write again."""
    import pyarrow.parquet as pq

    data = prepared(root, "release") / "release" / "data"
    for config in sorted(p.name for p in data.iterdir() if p.is_dir()):  # the shards, not labels.parquet
        (rows / config).mkdir(parents=True)
        for split in ("train", "validation", "test"):
            with (rows / config / f"{split}.jsonl").open("wb") as out:
                for shard in sorted((data / config).glob(f"{split}-*.parquet")):
                    for batch in pq.ParquetFile(shard).iter_batches(batch_size=ANCHOR_BATCH_ROWS):
                        out.writelines(orjson.dumps(row) + b"\n" for row in batch.to_pylist())


def write_tasks_and_export(root: Path, folder: Path) -> None:
    """tasks.jsonl, one task per line, and export.json, a full export of them: a JSON array with one
    task per line (so that the anchor can parse it task by task), written one task at a time."""
    from conflict_news.labelstudio.tasks import iter_tasks

    issues: list[Any] = []
    with (folder / "tasks.jsonl").open("wb") as lines, (folder / "export.json").open("wb") as out:
        out.write(b"[")
        for number, task in enumerate(iter_tasks(root, "gold", issues), start=1):
            lines.write(orjson.dumps(task) + b"\n")
            out.write((b",\n" if number > 1 else b"\n") + orjson.dumps(export_task(number, task)))
        out.write(b"\n]\n")
    if issues:
        raise SystemExit(f"the benchmark corpus {root} has {len(issues)} issue(s)")


def export_task(number: int, task: dict[str, Any]) -> dict[str, Any]:
    """A task of a full Label Studio JSON export in which one annotator accepted the prediction as it was.

    Shaped like the export of LS 1.x: task and annotation ids, predictions by id only.
    """
    (prediction,) = task["predictions"]
    annotation = {"id": number, "completed_by": 1, "result": prediction["result"], "was_cancelled": False,
                  "ground_truth": False, "lead_time": 12.5, "parent_prediction": number}  # fmt: skip
    return {"id": number, "data": task["data"], "annotations": [annotation], "predictions": [number]}


MAKERS: dict[str, Callable[[Path, Path], None]] = {
    "release": prepare_release,
    "rows": dump_rows,
    "ls": write_tasks_and_export,
}


def setup(root: Path, inputs: tuple[str, ...]) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import datasets  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    prepared(root, *inputs)


def scratch(root: Path) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="scratch-", dir=root / ".bench")


# ---------------------------------------------------------------- build


def read_rows(path: Path) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with path.open("rb") as lines:
        for line in lines:
            batch.append(orjson.loads(line))
            if len(batch) == ANCHOR_BATCH_ROWS:
                yield batch
                batch = []
    if batch:
        yield batch


def write_rows_with_pyarrow(root: Path) -> None:
    """orjson-parse the rows build writes (labels already ids), pyarrow-write them: one shard per config and split."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    prep = prepared(root, "release", "rows")
    with scratch(root) as out:
        for config_rows in sorted((prep / "rows").iterdir()):
            schema = pq.read_schema(next((prep / "release" / "data" / config_rows.name).glob("*.parquet")))
            (Path(out) / config_rows.name).mkdir()
            for rows in sorted(config_rows.glob("*.jsonl")):
                dest = Path(out) / config_rows.name / f"{rows.stem}.parquet"
                with pq.ParquetWriter(dest, schema, compression="zstd") as writer:
                    for batch in read_rows(rows):
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def build_parquet(root: Path) -> None:
    from conflict_news.hf.build import build_data

    with scratch(root) as out:
        build_data(root, out=out)


# ---------------------------------------------------------------- load_dataset


def load_shards_as_parquet(root: Path) -> None:
    import datasets

    data = prepared(root, "release") / "release" / "data" / "events"
    files = {
        split: sorted(str(p) for p in data.glob(f"{split}-*.parquet")) for split in ("train", "validation", "test")
    }
    with scratch(root) as cache:
        datasets.load_dataset("parquet", data_files=files, cache_dir=cache)


def load_events_config(root: Path) -> None:
    import datasets

    with scratch(root) as cache:
        datasets.load_dataset(str(prepared(root, "release") / "release"), "events", cache_dir=cache)


# ---------------------------------------------------------------- Label Studio


def round_trip_tasks(root: Path) -> None:
    """orjson-parse each task and dump it indented into one JSON array, as write_tasks does."""
    with (prepared(root, "ls") / "ls" / "tasks.jsonl").open("rb") as lines, open(os.devnull, "wb") as dest:
        dest.write(b"[")
        for number, line in enumerate(lines):
            dest.write((b",\n" if number else b"\n") + orjson.dumps(orjson.loads(line), option=orjson.OPT_INDENT_2))
        dest.write(b"\n]\n")


def round_trip_export(root: Path) -> None:
    """orjson-parse the export task by task (one per line, see write_tasks_and_export) and dump each again.

    Parsing the whole array at once, as orjson alone must, needs ~10x the file in memory: 1.6 GiB at
    N = 1 000, out of reach at 100 000, where the stage itself streams.
    """
    with (prepared(root, "ls") / "ls" / "export.json").open("rb") as lines, open(os.devnull, "wb") as dest:
        for line in lines:
            task = line.rstrip(b",\n")
            if task not in (b"[", b"]"):
                dest.write(orjson.dumps(orjson.loads(task)))


def export_tasks(root: Path) -> None:
    """What `conflict-news labelstudio tasks --root ROOT` does, into /dev/null instead of its spool and stdout.

    It reads only the corpus; the prepared tasks are its anchor's input."""
    from conflict_news.labelstudio.tasks import write_tasks

    with open(os.devnull, "wb") as dest:
        issues = write_tasks(root, "gold", dest)
    if issues:
        raise SystemExit(f"the benchmark corpus {root} has {len(issues)} issue(s)")


def import_export(root: Path) -> None:
    """What `conflict-news labelstudio import export.json --root ROOT` does; every layer comes back unchanged."""
    from conflict_news.labelstudio.importer import import_export

    out = import_export(prepared(root, "ls") / "ls" / "export.json", root)
    if out.issues or out.written or len(out.imported) != len(os.listdir(root / "annotations")):
        raise SystemExit(f"import of the benchmark export: {len(out.issues)} issue(s), {len(out.written)} written")


def add_stages(register: Callable[..., Callable[[Callable[[Path], object]], Callable[[Path], object]]]) -> None:
    register("build", anchor=write_rows_with_pyarrow, setup=partial(setup, inputs=("release", "rows")), target=1.5,
             anchor_name="orjson-parse + pyarrow-write the same rows")(build_parquet)  # fmt: skip
    register("load_dataset", anchor=load_shards_as_parquet, setup=partial(setup, inputs=("release",)), target=1.1,
             anchor_name='load_dataset("parquet") on the same shards, cold cache')(load_events_config)  # fmt: skip
    register("labelstudio_tasks", anchor=round_trip_tasks, setup=partial(setup, inputs=("ls",)), target=3.0,
             anchor_name="orjson parse + dump of the tasks JSON")(export_tasks)  # fmt: skip
    register("labelstudio_import", anchor=round_trip_export, setup=partial(setup, inputs=("ls",)), target=3.0,
             anchor_name="orjson parse + dump of the export JSON, task by task")(import_export)  # fmt: skip
