"""Text normalisation rule cnc-norm-1, applied once when a text enters the corpus.

1. Decode as UTF-8 (strict); drop a leading byte-order mark.
2. Normalise to Unicode NFC, so that offsets do not depend on how a character was composed.
3. Strip leading and trailing whitespace (blank lines around the article are artefacts of how it
   was saved, not content). Nothing inside the text changes: line breaks, including CRLF, quotes
   and spacing are kept as they are.

A text holding NUL or another C0 control character than tab, line feed, form feed and carriage
return (or DEL) is binary, not text: `add` and `rehydrate` refuse such input and `validate` such a
stored text, all with `input-binary` and by the one pattern CONTROL, so that what one accepts the
others accept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import cache

RULE = "cnc-norm-1"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalize_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    text = text.removeprefix("\ufeff")
    return unicodedata.normalize("NFC", text).strip()


def is_normalized(text: str) -> bool:
    """normalize_text(text) == text, without building the normalised copy (the validator's hot path)."""
    if text.strip() != text or text.startswith("\ufeff"):
        return False
    if text.isascii():  # ASCII is its own NFC; isascii reads a flag
        return True
    # unicodedata.is_normalized looks every character up (~100 µs for a 4 KB text). NFC leaves a character
    # that is a starter (combining class 0) and NFC_QC=Yes as it is, and nothing moves or composes across
    # it (UAX #15, 9.1): the text is NFC when each stretch between two spaces that holds any other
    # character is. Those are found by one regex scan, a bitmap test per character.
    end = 0
    for match in _nfc_suspects().finditer(text):
        at = match.start()
        if at < end or _astral_starter(match.group()):
            continue  # in the stretch just checked, or an astral starter
        start = max(text.rfind(" ", 0, at), 0)  # from the space before (or the start) to the space after
        end = text.find(" ", at)
        end = len(text) if end < 0 else end
        if not unicodedata.is_normalized("NFC", text[start:end]):
            return False
    return True


@cache
def _astral_starter(char: str) -> bool:
    """An astral character that is a starter with NFC_QC=Yes: no combining class, no mark (every astral
    NFC_QC=Maybe character is a vowel sign or other mark), and left as it is by NFC."""
    return (
        char > "\uffff"
        and not unicodedata.combining(char)
        and not unicodedata.category(char).startswith("M")
        and unicodedata.normalize("NFC", char) == char
    )


@cache
def _nfc_suspects() -> re.Pattern[str]:
    """Every character that is not known to be a starter with NFC_QC=Yes: in the BMP, one with a combining
    class, or that NFC changes alone (NFC_QC=No), or that is the second of a canonical pair (NFC_QC=Maybe
    comes from these and the Hangul jamo); every astral character but the emoji and symbols of U+1F000 to
    U+1FFFF that are starters (_astral_starter), the rest being looked at one by one when met."""
    suspects = set(map(chr, range(0x1100, 0x1200)))  # Hangul jamo: vowels and finals compose algorithmically
    for code in range(0x80, 0x10000):
        char = chr(code)
        if unicodedata.combining(char):
            suspects.add(char)
        decomposition = unicodedata.decomposition(char)
        if decomposition and decomposition[0] != "<":  # only a canonical decomposition can make NFC change it
            if unicodedata.normalize("NFC", char) != char:
                suspects.add(char)
            if len(parts := decomposition.split()) == 2:
                suspects.add(chr(int(parts[1], 16)))
    return re.compile(
        "[" + "".join(map(re.escape, sorted(suspects))) + astral_class(lambda c: not _astral_starter(c)) + "]"
    )


EMOJI = range(0x1F000, 0x20000)  # emoji and pictographs: in every other news text, and no mark among them


def astral_class(looked_at: Callable[[str], bool]) -> str:
    """The body of a regex character class for the astral characters, less those of EMOJI that `looked_at`
    lets go: two ranges and a few characters, where listing each astral range to keep would make `re`
    test them one by one at every position."""
    kept = "".join(re.escape(chr(code)) for code in EMOJI if looked_at(chr(code)))
    return f"{kept}\U00010000-{chr(EMOJI.start - 1)}{chr(EMOJI.stop)}-\U0010ffff"


def hash_text(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes, the value recorded as text_sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
