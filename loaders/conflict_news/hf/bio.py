"""The token-level view (config `spans_bio`): a fixed tokenizer and BIO tags per annotation layer.

Tokens are maximal runs of word characters (`\\w+`) or single other non-space characters, with
code-point offsets into the text. A token belongs to a span when they overlap by at least one
code point. Each layer gets its own tag column, so a trigger inside a quote keeps both tags.
Within one layer, overlapping spans are resolved greedily: spans are taken by start, longer first,
then in file order, and a span that would touch a token already tagged is left out entirely.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from ..core import model

_TOKEN = re.compile(r"\w+|[^\w\s]")


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


def bio_row(doc: model.Document) -> dict[str, Any]:
    tokens = tokenize(doc.text)
    return {
        "doc_id": doc.id,
        "tokens": [t for t, _, _ in tokens],
        "starts": [s for _, s, _ in tokens],
        "ends": [e for _, _, e in tokens],
        "event_tags": tag_layer(tokens, ((ev.type, ev.trigger) for ev in doc.events)),
        "quote_tags": tag_layer(tokens, _quote_spans(doc)),
        "figure_tags": tag_layer(tokens, ((f.property, f.span) for f in doc.figures)),
    }
