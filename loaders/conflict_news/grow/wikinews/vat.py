"""Reader of `vanatteveldt/wikinews`'s yearly scrapes: CSV with `url`, `date`, `title`, `text`.

The scrape keeps paragraphs (as runs of blank lines) and starts each text with the Wikinews dateline
("Friday, January 4, 2019"), which repeats the `date` column. Pull quotes lose their quotation in the
scrape and leave only their attribution line ("—Troy Roberts"). Both are dropped; blank-line runs
become one blank line and trailing spaces go.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import unquote

from .record import DATELINE, SourceArticle, strip_lines
from .sources import SourceFile, SourceProblem

CHANGES = (
    "The dateline that opened the scraped text (it repeats the publication date, kept in the metadata) and"
    " the attribution lines left by pull quotes (a line of a dash and a name) removed; runs of blank lines"
    " made one blank line and trailing spaces removed; normalised to Unicode NFC with outer whitespace"
    " stripped (rule cnc-norm-1)."
)
# A pull quote's attribution, alone on its line: a dash, then a short name or description.
_PULL_QUOTE = re.compile(r"[\u2014\u2013]\s*[^\n]{1,80}")
_PREFIX = "https://en.wikinews.org/wiki/"


def canonical_url(url: str) -> str:
    """The article URL with the scrape's doubled slash (`.org//wiki/`) undone."""
    return re.sub(r"^https://en\.wikinews\.org/+wiki/", _PREFIX, url)


def clean(raw: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", strip_lines(raw.replace("\r\n", "\n")))]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and DATELINE.fullmatch(paragraphs[0].replace("\xa0", " ").strip()):
        paragraphs = paragraphs[1:]
    return "\n\n".join(p for p in paragraphs if not _PULL_QUOTE.fullmatch(p))


def read(source: SourceFile, data: bytes) -> Iterator[SourceArticle]:
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
        first = 2  # the line a record starts on: after the header, then after the record before it
        for row in reader:
            url, title, raw, day = row["url"], row["title"], row["text"], row["date"]
            date.fromisoformat(day)
            url = canonical_url(url)
            yield SourceArticle(
                key="vat:" + unquote(url.removeprefix(_PREFIX)), repository=source.repository,
                commit=source.commit, path=source.path, line=first, file_sha256=source.sha256,
                page_id=None, url=url, title=title, raw=raw, text=clean(raw), date=day, changes=CHANGES,
            )  # fmt: skip
            first = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error, KeyError, TypeError, ValueError) as exc:
        raise SourceProblem(source, None, f"not a Wikinews scrape: {exc}") from None
