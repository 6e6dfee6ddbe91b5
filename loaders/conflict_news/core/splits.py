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


# The seed of the story rule: changing it would move documents between splits, so it never changes.
STORY_SEED = "cnc-stories-1"
# Shares of stories, by hash bucket out of 100: test, then validation, the rest train. Test and
# validation are larger than add's 10 % each so that a corpus of a few hundred documents has at
# least 60 test and 30 validation documents to score on.
TEST_BUCKETS, VALIDATION_BUCKETS = 25, 13


def split_for_story(story: str) -> Split:
    """The split of every document of a story: from the story key alone, so documents about one event
    are never spread over splits and a story added later does not move any other.

    Like assign_split, the result is written into each document's metadata and never recomputed.
    """
    bucket = int(hashlib.sha256(f"{STORY_SEED}:{story}".encode()).hexdigest()[:8], 16) % 100
    if bucket < TEST_BUCKETS:
        return "test"
    return "validation" if bucket < TEST_BUCKETS + VALIDATION_BUCKETS else "train"
