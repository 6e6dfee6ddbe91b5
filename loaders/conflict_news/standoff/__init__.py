"""Copyright-aware distribution: the standoff flavour, text fingerprints, and rehydration from users' copies.

Owns the standoff rows and Features (flavor), the non-expressive fingerprint of a withheld text
(fingerprint), re-placing spans in a copy that differs (realign) and restoring a full corpus root
from a standoff release plus the user's articles (rehydrate, which reads the release's Parquet with
pyarrow and the labels the shards describe themselves). May import core only.
"""
