"""The Hugging Face datasets form of the corpus: typed Features, rows, BIO tags, Parquet shards, the card.

Owns the configs and their `datasets.Features` (features), the rows each document contributes
(rows, bio), the streaming Parquet build of both flavours (build), the dataset card's generated
front matter (card) and `load_dataset` over the shipped data (load). Needs the `hf` extra
(datasets, pyarrow). May import core and standoff (for the standoff flavour's rows and for
rehydrating on load); nothing above it.
"""
