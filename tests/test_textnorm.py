"""Rule cnc-norm-1 and the seed document's relation to the file it came from."""

from __future__ import annotations

import hashlib

from conflict_news.core.textnorm import hash_text, normalize_text
from conftest import REPO


def test_strips_bom_and_outer_blank_lines_only() -> None:
    raw = "\ufeff\n\n  Line one.\n\nLine  two.\t\n\n".encode()
    assert normalize_text(raw) == "Line one.\n\nLine  two."


def test_composes_to_nfc() -> None:
    assert normalize_text("Me\u0301dicins") == "M\u00e9dicins"


def test_keeps_crlf_and_inner_characters() -> None:
    text = "Kyiv\r\nLviv \u201cquoted\u201d \U0001f1fa\U0001f1e6"
    assert normalize_text(text) == text


def test_hash_is_sha256_of_utf8() -> None:
    assert hash_text("é") == hashlib.sha256(b"\xc3\xa9").hexdigest()


def test_seed_is_the_received_file_minus_its_leading_newline() -> None:
    """The seed arrived with one leading blank line; that is all cnc-norm-1 removed (its hash is recorded)."""
    import json

    meta = json.loads((REPO / "corpus" / "cnc-000001.json").read_text(encoding="utf-8"))
    stored = (REPO / "corpus" / "cnc-000001.txt").read_bytes()
    assert hashlib.sha256(b"\n" + stored).hexdigest() == meta["source"]["original_sha256"]
    assert normalize_text(b"\n" + stored) == stored.decode("utf-8")
    assert hashlib.sha256(stored).hexdigest() == meta["text_sha256"]


def test_is_normalized_agrees_with_normalize_text_around_every_character() -> None:
    """is_normalized checks only the stretches around characters NFC may change or combine (textnorm); every
    BMP character and every one of the emoji planes, next to letters, marks, jamo and another of its kind,
    and every canonical pair of Unicode, decide as normalize_text does (astral marks: a sample)."""
    import unicodedata

    from conflict_news.core.checks import split_offsets
    from conflict_news.core.textnorm import is_normalized

    def agree(text: str) -> bool:
        return is_normalized(text) == (normalize_text(text) == text)

    samples = [*range(0x80, 0xD800), *range(0xE000, 0x10000), *range(0x1F000, 0x20000)]
    samples += [0x110BA, 0x11127, 0x1133E, 0x11357, 0x114BD, 0x115AF, 0x11930, 0x1D165, 0x1D16E, 0x2F800, 0x10FFFD]
    for code in samples:
        char = chr(code)
        assert all(map(agree, ("e" + char + " x", char + "\u0301", "\u1100" + char, "a " + char + char))), hex(code)
    pairs = [unicodedata.decomposition(chr(code)).split() for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    for pair in pairs:
        if len(pair) == 2 and not pair[0].startswith("<"):
            text = "".join(chr(int(part, 16)) for part in pair)
            assert agree(text) and agree("a " + text + " b"), pair
    assert split_offsets("a\U0001f469\u200d\U0001f467 e\u0301 \U0001d165\U0001d16e\r\n") == {2, 3, 6, 11}
