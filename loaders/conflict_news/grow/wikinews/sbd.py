"""Reader of `andreapdr/SBDTesting`'s WikiNews subset: JSON Lines with `lang`, `id`, `title`, `text`.

The records are a subset of PrimerAI's WikiNews-multilingual. Only English records are articles for
us. The source has already flattened each article's paragraphs into one line and carries no date, so
the text is kept as it is and the publication date stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from .record import SourceArticle, curid_url
from .sources import SourceFile, SourceProblem

CHANGES = (
    "Text as the source file holds it (the source had already joined the article's paragraphs into one);"
    " normalised to Unicode NFC with outer whitespace stripped (rule cnc-norm-1)."
)


def read(source: SourceFile, data: bytes) -> Iterator[SourceArticle]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
            if record["lang"] != "en":
                continue
            page_id, title, text = int(record["id"]), str(record["title"]), str(record["text"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SourceProblem(source, number, f"not a WikiNews record: {exc}") from None
        yield SourceArticle(
            key=f"sbd:{page_id}", repository=source.repository, commit=source.commit, path=source.path,
            line=number, file_sha256=source.sha256, page_id=page_id, url=curid_url(page_id), title=title,
            raw=text, text=text, date=None, changes=CHANGES,
        )  # fmt: skip
