"""A text's non-expressive fingerprint: where its sentences lie, and a short hash of each.

Both sides of a standoff release use it: the build records it for every withheld text, and
rehydration computes it on a user's copy to find where that copy differs. Hashes are taken over a
canonical form that ignores what copies of one article commonly differ in: typographic quotes,
apostrophes and dashes are folded to ASCII, every whitespace run becomes one space, the ends are
stripped. Each canonical character keeps its position in the text, so offsets move both ways.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

# One-to-one foldings only, so a canonical character always stands for exactly one text character.
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
# A sentence ends at . ! or ? (plus closing quotes or brackets) before a space or the end.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"')\]]*(?= |$)|$)")
HASH_CHARS = 12  # 48 bits: enough to tell a document's sentences apart, far too few to carry text


@dataclass(frozen=True, slots=True)
class Canonical:
    text: str
    positions: tuple[int, ...]  # positions[i]: index in the original text of canonical character i

    def to_canonical(self, start: int, end: int) -> tuple[int, int]:
        """The canonical range covering text[start:end] (a span without edge whitespace)."""
        return bisect.bisect_left(self.positions, start), bisect.bisect_left(self.positions, end)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """The text range of canonical[start:end]."""
        return self.positions[start], self.positions[end - 1] + 1


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # canonical offsets, end-exclusive
    end: int
    hash: str


def canonicalize(text: str) -> Canonical:
    chars: list[str] = []
    positions: list[int] = []
    space_at: int | None = None
    for i, ch in enumerate(text):
        if ch.isspace():
            space_at = i if space_at is None else space_at
            continue
        if space_at is not None and chars:
            chars.append(" ")
            positions.append(space_at)
        space_at = None
        chars.append(_FOLD.get(ch, ch))
        positions.append(i)
    return Canonical("".join(chars), tuple(positions))


def hash_sentence(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def split_sentences(canonical: str) -> list[Sentence]:
    return [Sentence(m.start(), m.end(), hash_sentence(m.group())) for m in _SENTENCE.finditer(canonical)]


def fingerprint(canon: Canonical) -> dict[str, object]:
    """The record a standoff release keeps in place of a text (given in its canonical form)."""
    sentences = [{"start": s.start, "end": s.end, "hash": s.hash} for s in split_sentences(canon.text)]
    return {"length": len(canon.text), "sentences": sentences}
