"""One article as a source file holds it, before it becomes a document, and what every reader shares."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

PUBLISHER = "Wikinews"
AUTHORS = "Wikinews contributors"
# Wikinews articles published before this day were released into the public domain; later ones are
# under CC BY 2.5 (https://en.wikinews.org/wiki/Wikinews:Copyright).
PUBLIC_DOMAIN_BEFORE = "2005-09-25"
CC_BY = "CC-BY-2.5"
PUBLIC_DOMAIN = "LicenseRef-Public-Domain"

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A Wikinews dateline as the first line of an article: "Friday, January 4, 2019".
DATELINE = re.compile(rf"{_WEEKDAY},?\s+{_MONTH}\s+\d{{1,2}},\s+\d{{4}}")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceArticle:
    """An article read from a source file: where it is, what the source states, and its text as extracted.

    `raw` is the article's text as the source holds it (before any change of ours); `text` is what the
    document stores, after the source's normalisation (`changes` says which) and rule cnc-norm-1.
    `date` is the publication date the source states (YYYY-MM-DD), or None; it is never guessed.
    """

    key: str
    repository: str
    commit: str
    path: str
    line: int
    file_sha256: str
    page_id: int | None
    url: str
    title: str
    raw: str
    text: str
    date: str | None
    changes: str

    @property
    def raw_sha256(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()

    @property
    def licence(self) -> str:
        """CC BY 2.5, unless the source's own date proves publication before the public-domain cut-off."""
        return PUBLIC_DOMAIN if self.date is not None and self.date < PUBLIC_DOMAIN_BEFORE else CC_BY


def curid_url(page_id: int) -> str:
    """The stable address of a Wikinews page by its id, which survives renames of the page."""
    return f"https://en.wikinews.org/wiki/?curid={page_id}"


def strip_lines(text: str) -> str:
    """Trailing whitespace off every line and runs of blank lines down to one: how the scrapes lay out paragraphs."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
