"""An archive cut into units, each the input of one output shard, and the articles of a unit.

INPUT is an fsspec URL (a local path, file://, s3://, gs://, ...) the workers can reach: a JSONL
file, a Parquet file, a .txt or .html file, or a folder holding any of these (searched recursively,
hidden files left out, other files ignored), taken in path order. A JSONL file is cut into blocks
of about `shard_bytes` at line ends (fsspec's read_block: a line belongs to the block it starts
in), a Parquet file into runs of row groups, a run of .txt/.html files into groups of files. The cut
depends on the input and `shard_bytes` alone, never on the workers, so the shards do not either.
Records become core.articles.Article and are decoded as `add` decodes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.articles import FIELDS, Article, read_jsonl
from ..core.errors import Issue, UsageError
from ..core.extras import require_extra

with require_extra("hf"):
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq
    from fsspec.utils import read_block

KINDS = {".jsonl": "jsonl", ".parquet": "parquet", ".txt": "files", ".html": "files", ".htm": "files"}
HTML = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of the input: a JSONL block [start, stop) in bytes, Parquet row groups [start, stop), or files.

    `first` is the number of the unit's first JSONL line (known once every block before it is
    counted) or the index of its first Parquet row in its file.
    """

    kind: str
    url: str = ""
    start: int = 0
    stop: int = 0
    first: int = 1
    files: tuple[str, ...] = ()


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def list_files(url: str) -> list[tuple[str, int]]:
    """(URL, size) of every input file at `url`, in path order."""
    fs, path = fsspec.core.url_to_fs(url)
    if not fs.exists(path):
        raise UsageError(f"no input at {url}")
    if fs.isdir(path):
        found = fs.find(path, detail=True)
        chosen = [
            (name, info)
            for name, info in sorted(found.items())
            if _suffix(name) in KINDS and not any(part.startswith(".") for part in name[len(path) :].split("/"))
        ]
    else:
        if _suffix(path) not in KINDS:
            raise UsageError(f"{url}: expected a .jsonl, .parquet, .txt or .html file, or a folder of them")
        chosen = [(path, fs.info(path))]
    # A FIFO, device or socket (fsspec's type "other") would block the reader for ever.
    for name, info in chosen:
        if info.get("type") not in ("file", None):
            raise UsageError(f"{fs.unstrip_protocol(name)} is a FIFO, device or socket, not a regular file",
                             "file-not-regular")  # fmt: skip
    return [(fs.unstrip_protocol(name), int(info["size"])) for name, info in chosen]


def plan_units(url: str, shard_bytes: int, text_column: str) -> list[Unit]:
    """The units of the input at `url`, in input order."""
    units: list[Unit] = []
    group: list[str] = []
    group_bytes = 0
    for file, size in list_files(url):
        kind = KINDS[_suffix(file)]
        if kind == "files":
            group.append(file)
            group_bytes += size
            if group_bytes >= shard_bytes:
                units.append(Unit("files", files=tuple(group)))
                group, group_bytes = [], 0
            continue
        if group:
            units.append(Unit("files", files=tuple(group)))
            group, group_bytes = [], 0
        if kind == "jsonl":
            units += [
                Unit("jsonl", file, start, min(start + shard_bytes, size)) for start in range(0, size, shard_bytes)
            ]
        else:
            units += _parquet_units(file, shard_bytes, text_column)
    if group:
        units.append(Unit("files", files=tuple(group)))
    return units


def _parquet_units(url: str, shard_bytes: int, text_column: str) -> list[Unit]:
    """Runs of row groups of about shard_bytes; a file that cannot be read, or lacks the column, is one unit."""
    try:
        with fsspec.open(url, "rb") as f:
            meta = pq.ParquetFile(f).metadata
    except Exception:  # any unreadable footer (pyarrow raises several types): reading the unit reports it
        return [Unit("parquet", url)]
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    if isinstance(_body_column(meta.schema.to_arrow_schema(), text_column), Issue):
        return [Unit("parquet", url, 0, len(groups))]
    units, start, first, taken, rows = [], 0, 0, 0, 0
    for index, group in enumerate(groups):
        taken += group.total_byte_size
        rows += group.num_rows
        if taken >= shard_bytes or index == len(groups) - 1:
            units.append(Unit("parquet", url, start, index + 1, first))
            start, first, taken = index + 1, first + rows, 0
            rows = 0
    return units


def read_unit(unit: Unit, text_column: str) -> tuple[list[Article], list[Issue], int]:
    """The unit's articles, the issues of records that are not articles, and its number of JSONL lines."""
    if unit.kind == "jsonl":
        with fsspec.open(unit.url, "rb") as f:
            block = read_block(f, unit.start, unit.stop - unit.start, delimiter=b"\n")
        lines = block.splitlines()
        articles, issues = read_jsonl(unit.url, lines, unit.first, all_or_nothing=False)
        return articles, issues, len(lines)
    if unit.kind == "parquet":
        return (*_read_parquet(unit, text_column), 0)
    articles, issues = [], []
    for url in unit.files:
        try:
            with fsspec.open(url, "rb") as f:
                raw = f.read()
        except OSError as exc:
            issues.append(Issue(code="file-unreadable", file=url, path="$", message=str(exc)))
            continue
        articles.append(Article(raw=raw, origin=url, filename=url.rsplit("/", 1)[-1], html=_suffix(url) in HTML))
    return articles, issues, 0


def _read_parquet(unit: Unit, text_column: str) -> tuple[list[Article], list[Issue]]:
    """Rows as articles: the body from `text_column` (or, by default, an `html` column), `id` and FIELDS columns."""
    try:
        with fsspec.open(unit.url, "rb") as f:
            parquet = pq.ParquetFile(f)
            schema = parquet.schema_arrow
            found = _body_column(schema, text_column)
            if isinstance(found, Issue):
                return [], [Issue(code=found.code, file=unit.url, path=found.path, message=found.message)]
            body, html = found
            wanted = [name for name in (body, "id", *FIELDS) if name in schema.names]
            rows = parquet.read_row_groups(range(unit.start, unit.stop), columns=wanted).to_pylist()
    except Exception as exc:  # pyarrow's errors for a file that is no Parquet differ by cause
        return [], [Issue(code="file-unreadable", file=unit.url, path="$", message=str(exc))]
    return [_row_article(unit, number, row, body, html) for number, row in enumerate(rows, unit.first)], []


def _body_column(schema: pa.Schema, text_column: str) -> tuple[str, bool] | Issue:
    """(column, holds HTML) of the articles' bodies: `text_column`, else by default an `html` column, as JSONL."""
    if text_column in schema.names:
        body, html = text_column, False
    elif text_column == "text" and "html" in schema.names:
        body, html = "html", True
    else:
        extra = " or 'html'" if text_column == "text" else ""
        return Issue(code="schema-violation", file="", path="$", message=f"no column {text_column!r}{extra}")
    kind = schema.field(body).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
            or pa.types.is_large_binary(kind)):  # fmt: skip
        return Issue(code="schema-violation", file="", path=f"$.{body}", message=f"column {body!r} is {kind}, not text")
    return body, html


def _row_article(unit: Unit, number: int, row: dict[str, Any], body: str, html: bool) -> Article:
    value = row[body]  # str, bytes (decoded strictly, like a file) or None (an empty record)
    raw = value.encode("utf-8") if isinstance(value, str) else value or b""
    doc_id = row.get("id") if isinstance(row.get("id"), str) else None
    stated = {name: row[name] for name in FIELDS if isinstance(row.get(name), str)}
    return Article(raw=raw, origin=unit.url, row=number, filename=None, html=html, doc_id=doc_id, stated=stated)
