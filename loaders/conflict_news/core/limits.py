"""The bounds on what a command reads or is asked to do, each refused with a coded issue past it.

They are far above anything a real corpus needs and low enough that no input can make a command
run for hours or exhaust memory before it refuses (docs/robustness.md lists them).
"""

from __future__ import annotations

# Any one file read whole: a text, a metadata or annotation record, an article, MANIFEST, the card.
MAX_FILE_BYTES = 64 * 1024 * 1024
# Nesting of a Label Studio export (a real one nests 7 deep): the streaming parser's cost grows with
# the square of the depth, so 20 000 levels in 40 KB would take a gigabyte.
MAX_JSON_DEPTH = 64
# A document id becomes a file name (plus ".json"); most filesystems stop at 255 bytes.
MAX_ID_LENGTH = 128
# Articles in one `add` batch, and lines of one JSONL file.
MAX_BATCH_ARTICLES = 1_000_000
# Numeric options.
MAX_WORKERS = 256
MAX_SHARD_BYTES = 2**31 - 1  # Arrow's offsets are 32-bit
MAX_SYNTH_DOCUMENTS = 10_000_000
# Bootstrap resamples of `agreement` and `evaluate`: each re-sums every document's counts.
MAX_RESAMPLES = 100_000
