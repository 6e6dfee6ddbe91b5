"""Articles as received: text or HTML files, folders of them, JSONL records, and the metadata they state.

Reading never guesses: an article's bytes are decoded strictly (UTF-8, rule cnc-norm-1 after HTML
extraction), and binary, undecodable or empty input is refused with a coded Issue. `add`, `rehydrate`
and silver annotation all read their input here, so that the same article gives the same text
whichever of them reads it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from .distribution import decide_distribution
from .errors import CorpusError, Issue, line_column
from .limits import MAX_BATCH_ARTICLES, MAX_FILE_BYTES
from .store import open_regular, read_regular
from .textnorm import CONTROL, normalize_text


def _published(value: str) -> dict[str, Any]:
    """YYYY, YYYY-MM or YYYY-MM-DD; the schema checks the form, this that a month or day is in the calendar."""
    precision = {4: "year", 7: "month", 10: "day"}.get(len(value), "unknown")
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        try:
            date.fromisoformat(value if precision == "day" else value + "-01")
        except ValueError:
            raise ValueError(f"{value!r} is not a month or day of the calendar") from None
    return {"date": value, "precision": precision, "inferred": False, "evidence": None}


def _maintainer_choice(value: str) -> dict[str, str]:
    return decide_distribution("unknown", value)


# Metadata a user may state, as (JSON pointer into the record, converter). The CLI options and the
# JSONL keys are generated from this table: a new metadata field is one more entry here.
FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "title": ("/title", str),
    "url": ("/source/url", str),
    "publisher": ("/source/publisher", str),
    "published": ("/published", _published),
    "license": ("/license/text", str),
    "language": ("/language", str),
    # An explicit choice of `full` or `standoff`; without it the licence decides (grow.ingest.build_metadata).
    "distribution": ("/distribution", _maintainer_choice),
}


@dataclass(frozen=True, slots=True)
class Article:
    """One article as received: its bytes, where they came from, and the metadata the user states."""

    raw: bytes
    origin: str  # the file it came from, for messages
    filename: str | None
    html: bool
    doc_id: str | None = None
    stated: dict[str, str] = field(default_factory=dict)
    line: int | None = None  # its line in a JSONL file
    row: int | None = None  # its row in a Parquet file (0-based, as pyarrow counts)

    def where(self, path: str = "$") -> dict[str, Any]:
        """The location fields of an Issue at `path` (a JSONPath into the record) of this article.

        A JSONL record is placed by its line; a Parquet row by the JSONPath $[ROW], the table read as
        a list of records; an article of its own file by `path` alone.
        """
        if self.line is not None:
            return {"line": self.line, "path": path}
        if self.row is not None:
            return {"path": f"$[{self.row}]{path[1:]}"}
        return {"path": path}


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, one line per block element."""

    BLOCKS = frozenset(
        [
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "div",
            "dl",
            "dt",
            "figcaption",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "td",
            "th",
            "tr",
            "ul",
        ]
    )
    HIDDEN = frozenset({"script", "style", "noscript", "head", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += data

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in self.lines)
        return "\n".join(line for line in lines if line)


def extract_html_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


INPUT_SUFFIXES = (".txt", ".html", ".htm")


def read_inputs(path: Path) -> tuple[list[Article], list[Issue]]:
    """Articles from a text or HTML file, a folder of them, or a JSONL file of records.

    `path` itself may be a symbolic link (the user named it). In a folder, only the entries with an
    article suffix are read, and each must be a regular file, not a link (file-symlink) or a
    folder, FIFO or device (file-not-regular); sub-folders are not entered.
    """
    try:
        folder = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        folder = False  # missing, or a name that cannot be opened: _read_file names the reason
    if not folder:
        return _read_file(path, follow=True)
    articles: list[Article] = []
    issues: list[Issue] = []
    try:
        with os.scandir(path) as entries:
            chosen = sorted(e.name for e in entries if Path(e.name).suffix.lower() in INPUT_SUFFIXES)
    except OSError as exc:
        return [], [Issue(code="file-unreadable", file=str(path), path="$", message=exc.strerror or str(exc))]
    for name in chosen:
        found, problems = _read_file(path / name, follow=False)
        articles += found
        issues += problems
        if len(articles) > MAX_BATCH_ARTICLES:
            return [], [_too_many(str(path))]
    return articles, issues


def _too_many(file: str) -> Issue:
    return Issue(code="limit-exceeded", file=file, path="$",
                 message=f"more than {MAX_BATCH_ARTICLES} articles in one batch; split it")  # fmt: skip


def _read_file(path: Path, follow: bool) -> tuple[list[Article], list[Issue]]:
    try:
        if path.suffix.lower() == ".jsonl":
            with open_regular(path, str(path), follow=follow) as f:
                return read_jsonl(path, _bounded_lines(f))
        raw = read_regular(path, str(path), follow=follow)
    except FileNotFoundError:
        return [], [Issue(code="input-missing", file=str(path), path="$", message="no such file")]
    except CorpusError as exc:
        return [], list(exc.issues)
    html = path.suffix.lower() in (".html", ".htm")
    return [Article(raw=raw, origin=str(path), filename=path.name, html=html)], []


def _bounded_lines(f: BinaryIO) -> Iterator[bytes]:
    """The lines of `f`; one over MAX_FILE_BYTES comes as its first MAX_FILE_BYTES + 1 bytes, the rest skipped."""
    while line := f.readline(MAX_FILE_BYTES + 1):
        if len(line) > MAX_FILE_BYTES:
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def read_jsonl(
    path: Path | str, lines: Iterable[bytes], first_line: int = 1, *, all_or_nothing: bool = True
) -> tuple[list[Article], list[Issue]]:
    """One article per line: {"text": ...} or {"html": ...}, plus optional "id" and FIELDS keys, all strings.

    The lines are read one at a time; a line over MAX_FILE_BYTES is refused (limit-exceeded). A batch
    for `add` is all or nothing: any issue leaves no article, and more than MAX_BATCH_ARTICLES records
    are refused as soon as they are met. Without `all_or_nothing` (silver, which reads archives in
    blocks whose first line is `first_line`), every good record is kept beside the issues of the others.
    """
    articles: list[Article] = []
    issues: list[Issue] = []
    allowed = {"text", "html", "id", *FIELDS}
    for number, ended in enumerate(lines, first_line):
        line = ended.rstrip(b"\r\n")
        if len(line) > MAX_FILE_BYTES:
            issues.append(Issue(code="limit-exceeded", file=str(path), line=number, path="$",
                                message=f"a line of {len(line)} bytes, over the limit of {MAX_FILE_BYTES}"))  # fmt: skip
            continue
        if not line.strip():
            continue
        if all_or_nothing and len(articles) + len(issues) >= MAX_BATCH_ARTICLES:
            return [], [*issues, _too_many(str(path))]
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            issues.append(Issue(code="json-invalid", file=str(path), line=number, column=exc.colno, message=exc.msg))
            continue
        body = [k for k in ("text", "html") if isinstance(record, dict) and isinstance(record.get(k), str)]
        wrong = [k for k in record if k not in allowed or not isinstance(record[k], str)] if body else []
        if len(body) != 1 or wrong:
            issues.append(
                Issue(code="schema-violation", file=str(path), line=number, path="$",
                      message=f"a record needs exactly one of 'text' or 'html' and only string fields from {sorted(allowed)}")
            )  # fmt: skip
            continue
        if issues and all_or_nothing:
            continue  # the batch is refused already: keep only what reports the other lines
        articles.append(
            Article(
                raw=record[body[0]].encode("utf-8"),
                origin=str(path),
                line=number,
                filename=None,
                html=body[0] == "html",
                doc_id=record.get("id"),
                stated={k: v for k, v in record.items() if k in FIELDS},
            )
        )
    return ([] if issues and all_or_nothing else articles), issues


def decode_article(article: Article) -> tuple[str | None, Issue | None]:
    """The normalised text, or the issue that refuses the input."""

    def refuse(code: str, message: str, at: tuple[str | bytes, int] | None = None) -> tuple[None, Issue]:
        """The issue; `at` is (data, offset) of the fault, placed by line and column in a file of its own."""
        if article.line is not None or article.row is not None:  # a record: the offset is inside its text
            where = article.where("$.html" if article.html else "$.text")
        elif at is not None:
            where = dict(zip(("line", "column"), line_column(*at), strict=True))
        else:
            where = article.where()
        return None, Issue(code=code, file=article.origin, message=message, **where)

    nul = article.raw.find(b"\x00")
    if nul >= 0:
        return refuse("input-binary", f"byte {nul} is NUL: not a text file", (article.raw, nul))
    try:
        decoded = article.raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return refuse("text-decode-error", f"byte {exc.start}: not UTF-8 ({exc.reason})", (article.raw, exc.start))
    control = CONTROL.search(decoded)
    if control:
        return refuse(
            "input-binary",
            f"character {control.start()} is the control character {control.group()!r}: not text",
            (decoded, control.start()),
        )
    text = normalize_text(extract_html_text(decoded) if article.html else decoded)
    if not text:
        return refuse("input-empty", "no text left after extraction and normalisation")
    return text, None
