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
