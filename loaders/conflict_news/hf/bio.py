"""The token-level view (config `spans_bio`): a fixed tokenizer, BIO tags per layer, one row per sentence.

Tokens are maximal runs of word characters (`\\w+`) or single other non-space characters, with
code-point offsets into the text. A token belongs to a span when they overlap by at least one
code point. Each layer gets its own tag column, so a trigger inside a quote keeps both tags.
Within one layer, overlapping spans are resolved greedily: spans are taken by start, longer first,
then in file order, and a span that would touch a token already tagged is left out entirely.

Tags are computed over the whole document and then cut into rows: one row per sentence, and a
sentence longer than MAX_TOKENS is cut into consecutive windows of MAX_TOKENS tokens (stride
MAX_TOKENS, no overlap). A sentence ends at a line break, or after `.`, `!`, `?` or `…` (and any
closing quotes or brackets after it) when white space and then a token that does not start with a
lower-case letter follow, unless the `.` ends a capitalised word of at most three letters (so
`U.S. forces`, `3.5` and `Gen. Ostrik` stay whole). A span that crosses a row boundary
(a quote of several sentences) continues with I- tags at the start of the next row.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from ..core import model

_TOKEN = re.compile(r"\w+|[^\w\s]")
# Far below the 512 positions of common encoders, which subword tokenisation needs room for.
MAX_TOKENS = 256
_TERMINATORS = frozenset(".!?\u2026")
_CLOSERS = frozenset("\"')]\u201d\u2019\u00bb")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of `text`, offsets in code points."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def tag_layer(tokens: list[tuple[str, int, int]], spans: Iterable[tuple[str, model.Span]]) -> list[str]:
    """BIO tags of `tokens` for labelled spans, resolving overlaps as the module says."""
    tags = ["O"] * len(tokens)
    starts = [start for _, start, _ in tokens]
    ends = [end for _, _, end in tokens]
    indexed = sorted(enumerate(spans), key=lambda item: (item[1][1].start, -item[1][1].end, item[0]))
    for _, (label, span) in indexed:
        covered = range(bisect_right(ends, span.start), bisect_left(starts, span.end))
        if not covered or any(tags[i] != "O" for i in covered):
            continue
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags


def _quote_spans(doc: model.Document) -> Iterable[tuple[str, model.Span]]:
    for quote in doc.quotes:
        yield "cue", quote.cue
        yield from (("content", span) for span in quote.contents)
        if quote.source is not None:
            yield "source", quote.source


def sentence_rows(text: str, tokens: list[tuple[str, int, int]]) -> list[range]:
    """The token ranges of the rows: sentences, each cut into windows of at most MAX_TOKENS."""
    bounds: list[range] = []
    first = 0
    for i in range(len(tokens) - 1):
        _, _, end = tokens[i]
        following = tokens[i + 1]
        gap = text[end : following[1]]
        j = i
        while j > first and tokens[j][0] in _CLOSERS:
            j -= 1
        ends_sentence = (
            tokens[j][0] in _TERMINATORS
            and gap != ""
            and not following[0][0].islower()
            and not (tokens[j][0] == "." and j > first and _abbreviation(tokens[j - 1][0]))
        )
        if "\n" in gap or "\r" in gap or ends_sentence:
            bounds.append(range(first, i + 1))
            first = i + 1
    if first < len(tokens):
        bounds.append(range(first, len(tokens)))
    return [window for sentence in bounds for window in _windows(sentence)]


def _abbreviation(word: str) -> bool:
    """`Gen`, `Dr`, `St`: a title-case word this short before a full stop is taken for an abbreviation."""
    return len(word) <= 3 and word.istitle() and word.isalpha()


def _windows(sentence: range) -> list[range]:
    return [range(start, min(start + MAX_TOKENS, sentence.stop)) for start in sentence[::MAX_TOKENS]]


def bio_rows(doc: model.Document) -> list[dict[str, Any]]:
    """The `spans_bio` rows of one document, in text order."""
    tokens = tokenize(doc.text)
    tags = {
        "event_tags": tag_layer(tokens, ((ev.type, ev.trigger) for ev in doc.events)),
        "quote_tags": tag_layer(tokens, _quote_spans(doc)),
        "figure_tags": tag_layer(tokens, ((f.property, f.span) for f in doc.figures)),
        "entity_tags": tag_layer(tokens, ((ent.type, m) for ent in doc.entities for m in ent.mentions)),
    }
    rows = []
    for index, window in enumerate(sentence_rows(doc.text, tokens)):
        part = tokens[window.start : window.stop]
        rows.append({
            "doc_id": doc.id, "index": index, "start": part[0][1], "end": part[-1][2],
            "tokens": [t for t, _, _ in part], "starts": [s for _, s, _ in part], "ends": [e for _, _, e in part],
            **{column: column_tags[window.start : window.stop] for column, column_tags in tags.items()},
        })  # fmt: skip
    return rows
