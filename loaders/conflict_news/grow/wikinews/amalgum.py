"""Reader of AMALGUM's news documents: GUM-style XML, one token per line (`word<TAB>tag<TAB>lemma`).

AMALGUM (gucorpling/amalgum; Wikinews text CC BY 2.5, annotations CC BY 4.0) keeps paragraphs, link
text, the publication date (`dateCreated`) and the article URL (`sourceURL`), but not the original
spacing: the text is rebuilt from the tokens by the rules of `detokenize`, and the card says so. The
title (the first `<head>`), images (`<figure>`, `<caption>`, and links to an image file, which the
source keeps as text: "File: Dakar 2006.jpg") and the dateline that opens the article are left out;
section headings become paragraphs and list items lines of their own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from .record import DATELINE, SourceArticle
from .sources import SourceFile, SourceProblem

CHANGES = (
    "Text rebuilt from the source's tokens (AMALGUM records no spacing; spaces restored by fixed rules: none"
    " before closing punctuation, clitics and closing quotes, none after opening brackets and quotes);"
    " title, images (captions and image-file names) and the opening dateline left out; paragraphs and section"
    " headings separated by a blank line and list items put on lines of their own; normalised to Unicode NFC"
    " with outer whitespace stripped (rule cnc-norm-1)."
)
# Blocks whose tokens are not article text.
SKIPPED = frozenset({"figure", "caption"})
# Blocks that start a new paragraph (p, head) or line (item).
PARAGRAPHS, LINE = frozenset({"p", "head"}), "item"
# A link to an image file, which the source keeps as words ("File: Dakar 2006 Hummer Gordon. jpg").
_IMAGE_LINK = "/Special:FilePath/"
# Tokens written with no space before them, and tokens with none after; a quotation mark goes by its tag.
_NO_SPACE_BEFORE = re.compile(r"[,.;:!?%)\]}…]+|'s|'S|n't|N'T|'re|'ve|'ll|'d|'m|'RE|'VE|'LL|'D|'M")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "#", "£", "€"})
_OPENING_QUOTE_TAGS = frozenset({"``"})
_CLOSING_QUOTE_TAGS = frozenset({"''"})


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    tag: str


def detokenize(tokens: list[Token]) -> str:
    """One paragraph's text from its tokens: a space between two tokens unless a rule says none."""
    out: list[str] = []
    glue_next = False
    for token in tokens:
        word = token.word
        closing = token.tag in _CLOSING_QUOTE_TAGS or (token.tag == "POS" and word in ("'", "'s"))
        if out and not glue_next and not closing and not _NO_SPACE_BEFORE.fullmatch(word):
            out.append(" ")
        out.append(word)
        glue_next = word in _NO_SPACE_AFTER or token.tag in _OPENING_QUOTE_TAGS
    return "".join(out)


def _tokens(element: ET.Element) -> Iterator[Token]:
    """The tokens of an element's text and tails in document order, except those inside skipped blocks."""
    if element.tag in SKIPPED or _IMAGE_LINK in element.attrib.get("target", ""):
        return
    yield from _parse_lines(element.text)
    for child in element:
        yield from _tokens(child)
        yield from _parse_lines(child.tail)


def _parse_lines(chunk: str | None) -> Iterator[Token]:
    for line in (chunk or "").split("\n"):
        if line.strip():
            word, tag, *_ = [*line.split("\t"), "", ""]
            yield Token(word, tag)


def _blocks(element: ET.Element) -> Iterator[tuple[str, list[Token]]]:
    """(kind, tokens) of every paragraph and list item, in order; nested blocks come out as their own."""
    for child in element:
        if child.tag in SKIPPED:
            continue
        if child.tag in PARAGRAPHS or child.tag == LINE:
            yield child.tag, list(_tokens(child))
        else:
            yield from _blocks(child)


def read(source: SourceFile, data: bytes) -> Iterator[SourceArticle]:
    try:
        root = ET.fromstring(data.decode("utf-8"))  # expat cannot decode multi-byte text declared "utf8"
        doc_id, title, day, url = (root.attrib[k] for k in ("id", "title", "dateCreated", "sourceURL"))
    except (ET.ParseError, KeyError, UnicodeDecodeError) as exc:
        raise SourceProblem(source, None, f"not an AMALGUM document: {exc}") from None
    parts: list[str] = []
    # The first heading is the article's title (kept in the metadata, not in the text).
    blocks = list(_blocks(root))
    if blocks and blocks[0][0] == "head":
        blocks = blocks[1:]
    for kind, tokens in blocks:
        text = detokenize(tokens)
        if not text:
            continue
        if not parts and DATELINE.fullmatch(text):
            continue  # the dateline: its date is dateCreated
        parts.append(("\n" if kind == LINE else "\n\n") + text if parts else text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise SourceProblem(source, None, f"dateCreated {day!r} is not YYYY-MM-DD")
    text = "".join(parts)
    yield SourceArticle(
        key=f"amalgum:{doc_id}", repository=source.repository, commit=source.commit, path=source.path, line=1,
        file_sha256=source.sha256, page_id=None, url=url, title=title, raw=data.decode("utf-8"), text=text,
        date=day, changes=CHANGES,
    )  # fmt: skip
