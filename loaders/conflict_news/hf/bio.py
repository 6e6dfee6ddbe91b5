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
from collections.abc import Iterable, Iterator
from itertools import accumulate, pairwise
from typing import Any

_TOKEN = re.compile(r"(\w+|[^\w\s])")  # a group, so that re.split keeps the tokens between the gaps
_BREAK = re.compile(r"[.!?\u2026\n\r]")  # where a sentence may end: candidates, decided token by token
# Far below the 512 positions of common encoders, which subword tokenisation needs room for.
MAX_TOKENS = 256
_TERMINATORS = frozenset(".!?\u2026")
_CLOSERS = frozenset("\"')]\u201d\u2019\u00bb")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of `text`, offsets in code points."""
    return list(zip(*token_columns(text), strict=True))


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of `text`, their starts and their ends: tokenize's result as three lists.

    re.split with the token pattern as a group gives gap, token, gap, ..., gap; the running sum of
    their lengths gives every offset, with no Python-level step per token.
    """
    parts = _TOKEN.split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    return parts[1::2], offsets[1:-1:2], offsets[2::2]


def tag_layer(starts: list[int], ends: list[int], spans: Iterable[tuple[str, int, int]]) -> list[str]:
    """BIO tags of the tokens (their start and end offsets) for labelled (label, start, end) spans."""
    tags = ["O"] * len(starts)
    for label, start, end in sorted(spans, key=lambda span: (span[1], -span[2])):  # stable: file order last
        first, stop = bisect_right(ends, start), bisect_left(starts, end)
        if first >= stop or tags[first:stop].count("O") != stop - first:  # a token is taken already
            continue
        tags[first] = f"B-{label}"
        tags[first + 1 : stop] = [f"I-{label}"] * (stop - first - 1)
    return tags


def _spans(items: Iterable[dict[str, Any]], label: str, key: str) -> Iterator[tuple[str, int, int]]:
    for item in items:
        yield item[label], item[key]["start"], item[key]["end"]


def _quote_spans(quotes: list[dict[str, Any]]) -> Iterator[tuple[str, int, int]]:
    for quote in quotes:
        yield "cue", quote["cue"]["start"], quote["cue"]["end"]
        yield from (("content", span["start"], span["end"]) for span in quote["contents"])
        if quote["source"] is not None:
            yield "source", quote["source"]["start"], quote["source"]["end"]


def sentence_rows(text: str, tokens: list[tuple[str, int, int]]) -> list[range]:
    """The token ranges of the rows: sentences, each cut into windows of at most MAX_TOKENS."""
    words = [token for token, _, _ in tokens]
    return _sentence_rows(text, words, [s for _, s, _ in tokens], [e for _, _, e in tokens])


def _sentence_rows(text: str, words: list[str], starts: list[int], ends: list[int]) -> list[range]:
    # One regex pass finds the few places a sentence may end (line breaks, terminators); the rule of
    # the module docstring is then applied to those tokens only, in text order.
    n = len(words)
    breaks: set[int] = set()  # i: a sentence ends after token i
    terminators = []
    for match in _BREAK.finditer(text):
        k = bisect_left(starts, match.start())  # the terminator itself, or the first token after a line break
        if match.group() in "\n\r":
            if 0 < k < n:
                breaks.add(k - 1)
        elif k < n and starts[k] == match.start():
            terminators.append(k)
    for k in terminators:
        i = k  # the sentence ends after the terminator and the closing marks glued to it
        while i + 1 < n and ends[i] == starts[i + 1] and words[i + 1] in _CLOSERS:
            i += 1
        if i + 1 >= n or ends[i] == starts[i + 1] or words[i + 1][0].islower():
            continue
        if words[k] == "." and k > 0 and k - 1 not in breaks and _abbreviation(words[k - 1]):
            continue
        breaks.add(i)
    bounds = [-1, *sorted(breaks), n - 1]
    return [window for a, b in pairwise(bounds) if b > a for window in _windows(range(a + 1, b + 1))]


def _abbreviation(word: str) -> bool:
    """`Gen`, `Dr`, `St`: a title-case word this short before a full stop is taken for an abbreviation."""
    return len(word) <= 3 and word.istitle() and word.isalpha()


def _windows(sentence: range) -> list[range]:
    return [range(start, min(start + MAX_TOKENS, sentence.stop)) for start in sentence[::MAX_TOKENS]]


def bio_rows(doc_id: str, text: str, ann: dict[str, Any]) -> list[dict[str, Any]]:
    """The `spans_bio` rows of one document (its validated annotation record), in text order."""
    words, starts, ends = token_columns(text)
    mentions = ((entity["type"], m["start"], m["end"]) for entity in ann["entities"] for m in entity["mentions"])
    tags = {
        "event_tags": tag_layer(starts, ends, _spans(ann["events"], "type", "trigger")),
        "quote_tags": tag_layer(starts, ends, _quote_spans(ann["quotes"])),
        "figure_tags": tag_layer(starts, ends, _spans(ann["figures"], "property", "span")),
        "entity_tags": tag_layer(starts, ends, mentions),
    }
    rows = []
    for index, window in enumerate(_sentence_rows(text, words, starts, ends)):
        first, stop = window.start, window.stop
        rows.append({
            "doc_id": doc_id, "index": index, "start": starts[first], "end": ends[stop - 1],
            "tokens": words[first:stop], "starts": starts[first:stop],
            "ends": ends[first:stop], **{column: layer[first:stop] for column, layer in tags.items()},
        })  # fmt: skip
    return rows
