"""`conflict-news silver`: an archive pre-annotated into OUT/data/<config>/<split>-<shard>-of-<shards>.parquet.

A run has two passes over the input, both spread over the workers (core.pool: the process pool, or
a Dask cluster). The first reads every unit and returns, per record, 16-byte keys of its text and
id; this process walks them in input order and marks every record whose text or id an earlier
record already had (`duplicate-document`, `id-taken`). Units, their first line numbers and these
marks are the plan, written to OUT/.silver/plan.json before any shard. The second pass annotates
each unit into one shard of every config (silver.shard.annotate), written by the worker itself.

A run that stops (a kill, a lost cluster) is resumed by running the same command again: the plan is
read back, and only shards without a completion marker are done. A plan made from another input or
other options is never mixed in: the run refuses. The shards are the same bytes whatever the engine
and the number of workers, since a unit and everything in it depends on the input alone; `added`
is the day the plan was made.

This process keeps the keys of every record while planning, about 160 bytes a record (1.6 GB for
10^7 records); the annotation itself streams unit by unit on the workers.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from ..core.clock import today
from ..core.errors import UsageError
from ..core.extras import require_extra
from ..core.options import CONFIGS, SPLITS
from ..core.pool import count_workers, map_in_order
from ..core.txn import writing
from ..hf.card import card_metadata, join_front_matter
from ..hf.labels import LABELS_FILE, write_label_table
from . import DEFAULT_EXTRACTOR, DEFAULT_SHARD_BYTES
from .inputs import Unit, plan_units
from .shard import MARKERS, Job, annotate, extractor_name, marker_path, put_atomic, scan

with require_extra("hf"):
    import fsspec

PLAN = ".silver/plan.json"
REPORT = "report.json"


@dataclass(frozen=True, slots=True)
class Summary:
    """What a run did: shards (and how many an earlier run had finished), records, documents written, issues by code."""

    out: str
    shards: int
    resumed: int
    records: int
    documents: int
    codes: dict[str, int]


def run_silver(
    source: str,
    out: str,
    *,
    text_column: str = "text",
    extractor: str = DEFAULT_EXTRACTOR,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Summary:
    """Pre-annotate the archive at `source` into the silver release `out` (fsspec URLs); resume a stopped run there."""
    in_fs, in_path = fsspec.core.url_to_fs(source)
    fs, root = fsspec.core.url_to_fs(out)
    out_url = fs.unstrip_protocol(root)
    request = {
        "input": in_fs.unstrip_protocol(in_path),
        "text_column": text_column,
        "shard_bytes": shard_bytes,
        "extractor": extractor,
        "annotator": extractor_name(extractor),
    }
    plan = _read_plan(fs, root, request)
    if plan is None:
        plan = _make_plan(request, workers, scheduler, progress)
        with writing(f"{out_url}/{PLAN}"):
            put_atomic(fs, f"{root}/{PLAN}", lambda temporary: fs.pipe_file(temporary, orjson.dumps(plan)))
    jobs = list(_jobs(plan, out_url))
    finished = {int(path.rsplit("/", 1)[-1].split(".")[0]) for path in fs.glob(f"{root}/{MARKERS}/*.json")}
    todo = [job for job in jobs if job.index not in finished]
    # A shard that cannot be written (a full disk) stops the run; the shards done so far are kept for a rerun.
    with tqdm(total=len(todo), unit="shard", desc="silver", disable=not progress) as bar, writing(out_url):
        for _ in map_in_order(annotate, todo, count_workers(workers, len(todo), 2), scheduler):
            bar.update()
    markers = [orjson.loads(fs.cat_file(marker_path(root, job.index))) for job in jobs]
    summary = Summary(
        out=out_url,
        shards=len(jobs),
        resumed=len(jobs) - len(todo),
        records=sum(m["records"] for m in markers),
        documents=sum(m["documents"] for m in markers),
        codes=_count_codes(markers),
    )
    with writing(out_url):
        _write_release(fs, root, request, markers, summary)
    return summary


def _read_plan(fs: fsspec.AbstractFileSystem, root: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """The plan of an earlier run into `root`, if it was made for the same request; None if there is none."""
    lexists = getattr(fs, "lexists", fs.exists)  # a link to nothing is there, for a local folder
    if lexists(root) and not fs.isdir(root):
        raise UsageError(f"--out {root} is a file or a link to nothing, not a folder; give a new folder")
    if not fs.exists(f"{root}/{PLAN}"):
        # Only a new or empty folder, or one an interrupted run left its .silver/ in: never a corpus root
        # or anything else whose README.md, data/ or other files the release would replace.
        found = (
            sorted(path.rstrip("/").rsplit("/", 1)[-1] for path in fs.ls(root, detail=False)) if fs.exists(root) else []
        )
        others = [name for name in found if name != PLAN.split("/")[0]]
        if others:
            raise UsageError(f"{root} holds {', '.join(others[:5])}{', ...' if len(others) > 5 else ''} that no silver "
                             "run wrote; give a new or empty --out")  # fmt: skip
        return None
    try:
        plan: dict[str, Any] = orjson.loads(fs.cat_file(f"{root}/{PLAN}"))
        differs = sorted(key for key in request if plan["request"].get(key) != request[key])
    except (orjson.JSONDecodeError, TypeError, KeyError, AttributeError):
        raise UsageError(f"{root}/{PLAN} is damaged; give a new --out") from None
    if differs:
        raise UsageError(
            f"{root} holds a silver run with another {', '.join(differs)}; resume it with the same options, "
            "or give a new --out"
        )
    return plan


def _make_plan(request: dict[str, Any], workers: int | None, scheduler: str | None, progress: bool) -> dict[str, Any]:
    """Units in input order with their first line numbers, and the duplicates among their records."""
    added = today()  # before the input is read: a malformed SOURCE_DATE_EPOCH is refused at once
    units = plan_units(request["input"], request["shard_bytes"], request["text_column"])
    if not units:
        raise UsageError(f"{request['input']} holds no .jsonl, .parquet, .txt or .html file with anything in it")
    seen_texts: set[bytes] = set()
    seen_ids: set[bytes] = set()
    planned: list[dict[str, Any]] = []
    line = 1
    scans = map_in_order(
        partial(scan, text_column=request["text_column"]), units, count_workers(workers, len(units), 2), scheduler
    )
    with tqdm(total=len(units), unit="shard", desc="silver plan", disable=not progress) as bar:
        for unit, (lines, keys) in zip(units, scans, strict=True):
            if unit.kind == "jsonl":
                line = 1 if unit.start == 0 else line  # a file's first block starts at line 1
                unit, line = dataclasses.replace(unit, first=line), line + lines
            skips: dict[str, str] = {}
            for index, key in enumerate(keys):
                if key is None:  # unreadable: the annotating pass reports it
                    continue
                text_key, id_key = key
                if text_key in seen_texts:
                    skips[str(index)] = "duplicate-document"
                elif id_key in seen_ids:
                    skips[str(index)] = "id-taken"
                else:
                    seen_texts.add(text_key)
                    seen_ids.add(id_key)
            planned.append({"unit": dataclasses.asdict(unit), "skips": skips})
            bar.update()
    return {"request": request, "added": added, "units": planned}


def _jobs(plan: dict[str, Any], out: str) -> Iterator[Job]:
    request = plan["request"]
    for index, entry in enumerate(plan["units"]):
        unit = Unit(**{**entry["unit"], "files": tuple(entry["unit"]["files"])})
        yield Job(
            unit=unit, index=index, count=len(plan["units"]), out=out, extractor=request["extractor"],
            annotator=request["annotator"], added=plan["added"], text_column=request["text_column"],
            skips={int(i): code for i, code in entry["skips"].items()},
        )  # fmt: skip


def _count_codes(markers: list[dict[str, Any]]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for marker in markers:
        for issue in marker["issues"]:
            codes[issue["code"]] = codes.get(issue["code"], 0) + 1
    return dict(sorted(codes.items()))


def _write_release(
    fs: fsspec.AbstractFileSystem, root: str, request: dict[str, Any], markers: list[dict[str, Any]], summary: Summary
) -> None:
    """The report, the label table and the card, from the shards' markers (no shard is read again).

    A config's split without rows in any shard is removed and left out of the card; a config without rows
    in any split is left out of it too.
    """
    report = {
        "input": request["input"],
        "annotator": request["annotator"],
        "shards": summary.shards,
        "records": summary.records,
        "documents": summary.documents,
        "left_out": summary.records - summary.documents,
        "codes": summary.codes,
        "issues": [issue for marker in markers for issue in marker["issues"]],
    }
    report_bytes = orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"
    put_atomic(fs, f"{root}/{REPORT}", lambda temporary: fs.pipe_file(temporary, report_bytes))
    with tempfile.TemporaryDirectory(prefix="conflict-news-silver-") as scratch:
        labels = write_label_table(Path(scratch))
        put_atomic(fs, f"{root}/data/{LABELS_FILE}", partial(fs.put_file, str(labels)))
    sizes: dict[str, dict[str, tuple[int, int]]] = {}
    for config in CONFIGS:
        for split in SPLITS:
            rows = sum(m["sizes"][config][split][0] for m in markers)
            if rows:
                sizes.setdefault(config, {})[split] = (rows, sum(m["sizes"][config][split][1] for m in markers))
                continue
            # Every shard wrote every split (a worker cannot know whether another shard has rows of it),
            # but `datasets` refuses a declared split without rows ("corresponds to no data"): a split
            # that ended up empty in every shard loses its files and is not declared.
            for empty in fs.glob(f"{root}/data/{config}/{split}-*-of-*.parquet"):
                fs.rm_file(empty)
    front = {"pretty_name": f"Silver annotations by {request['annotator']}", "tags": ["silver", "conflict-news"]}
    card = join_front_matter({**front, **card_metadata(sizes)}, _card_body(request, summary))
    put_atomic(fs, f"{root}/README.md", lambda temporary: fs.pipe_file(temporary, card.encode("utf-8")))


def _card_body(request: dict[str, Any], summary: Summary) -> str:
    return f"""
# Silver annotations

Predictions, not gold: every document here was annotated by `{request["annotator"]}` with
`conflict-news silver` (provenance kind `prediction` in the `documents` config, whose `doc_id`
every row of the other configs carries). {summary.documents:,} documents from {summary.records:,}
records; `report.json` lists the {summary.records - summary.documents:,} records left out, each with
its code. The configs, columns and label ids are those of the Conflict News Corpus, so the same
code reads this folder and the gold (`data/labels.parquet` names the labels for engines other than
`datasets`):

```python
import datasets

events = datasets.load_dataset("path/to/this/folder", "events")
```

The texts are the archive's own, under their owners' terms.
"""
