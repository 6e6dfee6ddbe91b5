"""The stages: each a command a user runs, beside its anchor (benchmarks/anchors.py), as whole processes.

Inputs that only a stage reads (a built release, the rows the build writes, Label Studio tasks and an
export) are prepared once per corpus and code version under ROOT/.bench/<key>/, untimed: making them is
nobody's measured work. Outputs that only measure the work of writing them (tasks, import reports) go
to /dev/null on both sides. A stage and its anchor get the same number of processes: the stage's own
default for that corpus (the package's pool thresholds), given to both as --workers.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / "anchors.py"
# Rows per prepared JSON lines file: several per config at any N, so that W anchor processes share them.
PART_ROWS = 20_000


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cli() -> list[str]:
    """The installed `conflict-news` script of this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).parent / "conflict-news"
    return [str(script)] if script.exists() else [sys.executable, "-m", "conflict_news"]


def anchor(name: str, *args: object, workers: int = 1) -> list[str]:
    return [sys.executable, str(ANCHORS), name, *map(str, args), "--workers", str(workers)]


def code_key() -> str:
    """Changes with any source file of the package, so prepared inputs never outlive the code that made them."""
    import conflict_news

    digest = hashlib.sha256()
    for source in sorted(Path(conflict_news.__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- prepared inputs


def prepare_release(root: Path, folder: Path) -> None:
    from conflict_news.hf.build import build_data
    from conflict_news.hf.card import write_card

    build_data(root, out=folder)
    write_card(folder)


def prepare_rows(root: Path, folder: Path) -> None:
    """The rows the build wrote, read back from its shards as JSON lines (labels as ids), with each config's schema."""
    import pyarrow.parquet as pq

    data = prepared(root, "release") / "release" / "data"
    for config in sorted(p for p in data.iterdir() if p.is_dir()):
        (folder / config.name).mkdir(parents=True)
        shards = sorted(config.glob("*.parquet"))
        pq.write_table(pq.read_schema(shards[0]).empty_table(), folder / config.name / "schema.parquet")
        part, rows, out = 0, 0, None
        for shard in shards:
            for batch in pq.ParquetFile(shard).iter_batches(batch_size=512):
                if out is None or rows >= PART_ROWS:
                    if out is not None:
                        out.close()
                    out, rows, part = (folder / config.name / f"part-{part:05d}.jsonl").open("wb"), 0, part + 1
                out.writelines(orjson.dumps(row) + b"\n" for row in batch.to_pylist())
                rows += batch.num_rows
        if out is not None:
            out.close()


def prepare_articles(root: Path, folder: Path) -> None:
    """articles.jsonl: every text of the corpus as an archive record {"text": ...}, in id order, for silver."""
    with (folder / "articles.jsonl").open("wb") as out:
        for text in sorted((root / "corpus").glob("*.txt")):
            out.write(orjson.dumps({"text": text.read_text(encoding="utf-8")}) + b"\n")


def prepare_ls(root: Path, folder: Path) -> None:
    """tasks.jsonl, one task per line, and export.json: a full export of them, one task per line."""
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

    The author is the expanded user object, with the e-mail `import` names them by (labelstudio.users)."""
    (prediction,) = task["predictions"]
    author = {"id": 1, "email": "annotator@example.org"}
    annotation = {"id": number, "completed_by": author, "result": prediction["result"], "was_cancelled": False,
                  "ground_truth": False, "lead_time": 12.5, "parent_prediction": number}  # fmt: skip
    return {"id": number, "data": task["data"], "annotations": [annotation], "predictions": [number]}


MAKERS: dict[str, Callable[[Path, Path], None]] = {
    "release": prepare_release,
    "rows": prepare_rows,
    "ls": prepare_ls,
    "articles": prepare_articles,
}


def prepared(root: Path, *inputs: str) -> Path:
    """ROOT/.bench/<key>, with each named input made if missing (a folder counts once <name>.done exists)."""
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


# ---------------------------------------------------------------- stages


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """A command and its anchor, with the target their ratio is held to.

    `measure` says which ratio the target is for: "cpu" (the work: user + system time of the process
    and every worker it waited for) or "elapsed" (wall time, for stages whose cost is latency).
    `command(root, prep, scratch, workers)` and `anchor(...)` give the argv of each side; `scratch`
    is an empty folder of the run's own, for outputs.
    """

    name: str
    anchor_name: str
    target: float
    measure: str
    inputs: tuple[str, ...]
    workers: Callable[[Path, int], int]
    command: Callable[[Path, Path, Path, int], list[str]]
    anchor: Callable[[Path, Path, Path, int], list[str]]
    once: bool = False  # measured on the shipped corpus, not per N


def _pool(threshold: int) -> Callable[[Path, int], int]:
    def workers(root: Path, n: int) -> int:
        return cores() if n >= threshold else 1

    return workers


def _import_workers(root: Path, n: int) -> int:
    from conflict_news.labelstudio.importer import POOL_BYTES

    export = prepared(root, "ls") / "ls" / "export.json"
    return cores() if export.stat().st_size >= POOL_BYTES else 1


def _one(root: Path, n: int) -> int:
    return 1


def _load_command(config_or_parquet: str) -> Callable[[Path, Path, Path, int], list[str]]:
    """`python -c` loading the prepared release's events, as a user's script would (imports included)."""

    def command(root: Path, prep: Path, scratch: Path, workers: int) -> list[str]:
        release = prep / "release"
        if config_or_parquet == "config":
            code = "import sys, datasets; datasets.load_dataset(sys.argv[1], 'events', cache_dir=sys.argv[2])"
            return [sys.executable, "-c", code, str(release), str(scratch)]
        code = (
            "import sys, glob, datasets; d = sys.argv[1] + '/data/events/'; "
            "files = {s: sorted(glob.glob(d + s + '-*.parquet')) for s in ('train', 'validation', 'test')}; "
            "datasets.load_dataset('parquet', data_files={s: f for s, f in files.items() if f}, cache_dir=sys.argv[2])"
        )
        return [sys.executable, "-c", code, str(release), str(scratch)]

    return command


def _validate_stage() -> Stage:
    from conflict_news.core.validate import POOL_THRESHOLD

    return Stage(
        name="validate", anchor_name="orjson parse of the same files", target=2.0, measure="cpu", inputs=(),
        workers=_pool(POOL_THRESHOLD),
        command=lambda root, prep, scratch, w: [*cli(), "validate", str(root), "--workers", str(w)],
        anchor=lambda root, prep, scratch, w: anchor("parse", root, workers=w),
    )  # fmt: skip


def _build_stage() -> Stage:
    from conflict_news.hf.build import POOL_THRESHOLD

    return Stage(
        name="build", anchor_name="pyarrow.json reader + the same Parquet writer on the same rows", target=2.0,
        measure="cpu", inputs=("release", "rows"), workers=_pool(POOL_THRESHOLD),
        command=lambda root, prep, scratch, w: [*cli(), "build", "--root", str(root), "--out", str(scratch),
                                                 "--workers", str(w)],
        anchor=lambda root, prep, scratch, w: anchor("arrow", prep / "rows", scratch / "data", workers=w),
    )  # fmt: skip


# Silver's unit at every N: ~1 000 articles (~15 s of one core's work), so that 10 000 articles make
# ten shards for two workers and the last shard's tail stays a small part of the run.
SILVER_SHARD_BYTES = 4 * 1024 * 1024


def _silver(root: Path, prep: Path, scratch: Path, workers: int) -> list[str]:
    """`conflict-news silver` on the prepared archive, on this machine's process pool."""
    return [*cli(), "silver", str(prep / "articles" / "articles.jsonl"), "--out", str(scratch / "silver"),
            "--shard-bytes", str(SILVER_SHARD_BYTES), "--workers", str(workers)]  # fmt: skip


def _silver_dask(root: Path, prep: Path, scratch: Path, workers: int) -> list[str]:
    """The same command on a Dask cluster of as many one-thread workers, started and stopped around it."""
    local = _silver(root, prep, scratch, workers)
    return [sys.executable, str(HERE / "cluster.py"), str(workers), "--", *local[:-2], "--scheduler", "{address}"]


def _silver_stages() -> tuple[Stage, Stage]:
    return (
        Stage(
            name="silver", anchor_name="the extractor alone (preannotate) on the same texts, same processes",
            target=1.5, measure="cpu", inputs=("articles",), workers=_pool(2), command=_silver,
            anchor=lambda root, prep, scratch, w: anchor("extract", prep / "articles" / "articles.jsonl", workers=w),
        ),
        Stage(
            name="silver_dask", anchor_name="silver on the local process pool (same processes)", target=1.2,
            measure="elapsed", inputs=("articles",), workers=_pool(2), command=_silver_dask, anchor=_silver,
        ),
    )  # fmt: skip


STAGE_MAKERS: tuple[Callable[[], Stage], ...] = (
    _validate_stage,
    _build_stage,
    lambda: Stage(
        name="load_dataset", anchor_name='load_dataset("parquet") on the same shards, cold cache', target=1.1,
        measure="elapsed", inputs=("release",), workers=_one,
        command=_load_command("config"), anchor=_load_command("parquet"),
    ),
    lambda: Stage(
        name="labelstudio_tasks", anchor_name="orjson parse + indented dump of the same tasks", target=2.0,
        measure="cpu", inputs=("ls",), workers=_one,
        command=lambda root, prep, scratch, w: [*cli(), "labelstudio", "tasks", "--root", str(root)],
        anchor=lambda root, prep, scratch, w: anchor("tasks", prep / "ls" / "tasks.jsonl"),
    ),
    lambda: Stage(
        name="labelstudio_import", anchor_name="orjson parse + dump of the export, task by task", target=3.0,
        measure="cpu", inputs=("ls",), workers=_import_workers,
        command=lambda root, prep, scratch, w: [*cli(), "labelstudio", "import", str(prep / "ls" / "export.json"),
                                                 "--root", str(root), "--workers", str(w)],
        anchor=lambda root, prep, scratch, w: anchor("export", prep / "ls" / "export.json", workers=w),
    ),
    lambda: Stage(
        name="startup_stats", anchor_name='python -c "import conflict_news"', target=1.5, measure="cpu",
        inputs=(), workers=_one, once=True,
        command=lambda root, prep, scratch, w: [*cli(), "stats"],
        anchor=lambda root, prep, scratch, w: [sys.executable, "-c", "import conflict_news"],
    ),
    lambda: Stage(
        name="startup_cite", anchor_name='python -c "import conflict_news"', target=1.5, measure="cpu",
        inputs=(), workers=_one, once=True,
        command=lambda root, prep, scratch, w: [*cli(), "cite"],
        anchor=lambda root, prep, scratch, w: [sys.executable, "-c", "import conflict_news"],
    ),
)  # fmt: skip


def all_stages() -> dict[str, Stage]:
    stages = [make() for make in STAGE_MAKERS] + list(_silver_stages())
    return {stage.name: stage for stage in stages}
