"""Which split a new document joins: decided once when it is added, then frozen in its metadata."""

from __future__ import annotations

import hashlib

from .options import Split


def assign_split(doc_id: str) -> Split:
    """The split a document with this id joins when it is added: 80 % train, 10 % validation, 10 % test.

    The bucket comes from the id alone, so it never depends on what else is in the corpus. The
    result is written into the metadata (`split`) and never recomputed: the metadata is the truth.
    """
    bucket = int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "train" if bucket < 8 else "validation" if bucket == 8 else "test"
