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

RULE = "cnc-norm-1"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalize_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    text = text.removeprefix("\ufeff")
    return unicodedata.normalize("NFC", text).strip()


def is_normalized(text: str) -> bool:
    """normalize_text(text) == text, without building the normalised copy (the validator's hot path)."""
    return not text.startswith("\ufeff") and unicodedata.is_normalized("NFC", text) and text.strip() == text


def hash_text(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes, the value recorded as text_sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
