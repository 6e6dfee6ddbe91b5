"""Silver annotation of large news archives: an extractor's predictions in the configs and Features of data/.

Owns reading an archive in units of about a shard's size (inputs), the work one worker does on one
unit: read, normalise as `add` does, annotate, validate, encode and write the shard (shard), and the
run around it: the plan with its duplicates, resuming, the report and the card (run). The work runs
on the process pool or a Dask cluster (core.pool). May import core, grow (metadata as `add` makes
it, the default extractor), standoff and hf (rows, codecs, shard writer, card); nothing above it.
"""

# Here rather than in run.py, so that the CLI's parser shows them without importing pyarrow and fsspec.
DEFAULT_EXTRACTOR = "conflict_news.grow.preannotate:preannotate"
# Input bytes per shard: ~4 000 articles of 4 kB, about a minute of the baseline's work on one core.
DEFAULT_SHARD_BYTES = 16 * 1024 * 1024
