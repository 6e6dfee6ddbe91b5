"""Re-placing the spans of a withheld text in a user's copy that differs from it.

The recorded sentences (fingerprint.py) are matched to the copy's by hash, in order
(difflib.SequenceMatcher over the two hash lists, so added or dropped boilerplate sentences are
skipped); a recorded sentence left unmatched is looked for at the start or end of the copy (the
first and last one) and right after its matched predecessor or right before its matched successor,
which finds it when boilerplate was glued to it. Each matched
sentence has a displacement; a span moves by the displacement of the sentences it covers, which
must all be matched with the same one, else it cannot be placed exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from difflib import SequenceMatcher

from .fingerprint import Canonical, Sentence, hash_sentence, split_sentences


@dataclass(frozen=True, slots=True)
class Alignment:
    """Displacements (copy's canonical start minus recorded start) of the recorded sentences found."""

    recorded: tuple[Sentence, ...]
    starts: tuple[int, ...]  # of the recorded sentences, for bisect
    shifts: dict[int, int]
    copy: Canonical

    @property
    def found(self) -> float:
        return len(self.shifts) / len(self.recorded) if self.recorded else 0.0

    def place(self, cstart: int, cend: int) -> tuple[int, int] | None:
        """The copy's text range of the recorded canonical range [cstart, cend), or None."""
        first = bisect.bisect_right(self.starts, cstart) - 1
        last = bisect.bisect_right(self.starts, cend - 1) - 1
        moves = {self.shifts.get(i) for i in range(first, last + 1)}
        if first < 0 or len(moves) != 1 or None in moves:
            return None
        (shift,) = moves
        assert shift is not None
        return self.copy.to_text(cstart + shift, cend + shift)


def _found_at(copy: str, sentence: Sentence, start: int) -> bool:
    end = start + sentence.end - sentence.start
    return start >= 0 and end <= len(copy) and hash_sentence(copy[start:end]) == sentence.hash


def align(recorded: list[Sentence], copy: Canonical) -> Alignment:
    theirs = split_sentences(copy.text)
    matcher = SequenceMatcher(None, [s.hash for s in recorded], [s.hash for s in theirs], autojunk=False)
    shifts: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            shifts[block.a + k] = theirs[block.b + k].start - recorded[block.a + k].start
    # Glued boilerplate: try the first and last sentences at the ends of the copy, then each unmatched
    # sentence where its neighbour's displacement puts it.
    if recorded and 0 not in shifts and _found_at(copy.text, recorded[0], 0):
        shifts[0] = -recorded[0].start
    last = len(recorded) - 1
    if recorded and last not in shifts:
        at_end = len(copy.text) - (recorded[last].end - recorded[last].start)
        if _found_at(copy.text, recorded[last], at_end):
            shifts[last] = at_end - recorded[last].start
    for order, neighbour in ((range(len(recorded)), -1), (range(len(recorded) - 1, -1, -1), 1)):
        for i in order:
            shift = shifts.get(i + neighbour)
            if i not in shifts and shift is not None and _found_at(copy.text, recorded[i], recorded[i].start + shift):
                shifts[i] = shift
    return Alignment(tuple(recorded), tuple(s.start for s in recorded), shifts, copy)
