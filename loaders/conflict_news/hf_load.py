"""`conflict_news.load_dataset`: the shipped Parquet through `datasets.load_dataset`, no clone needed."""

from __future__ import annotations

from typing import Any

from .paths import locate_root


def load_dataset(config: str = "documents", split: str | None = None, streaming: bool = False, **kwargs: Any) -> Any:
    """`datasets.load_dataset` on the corpus shipped with this package (README card + data/).

    Returns a DatasetDict, a Dataset when `split` is given, or their Iterable forms when
    `streaming`; further keyword arguments (cache_dir, ...) go to `datasets.load_dataset`.
    Needs the `hf` extra: pip install 'conflict-news-corpus[hf]'.
    """
    import datasets  # the optional extra; imported here so the base package stays light

    return datasets.load_dataset(str(locate_root()), config, split=split, streaming=streaming, **kwargs)
