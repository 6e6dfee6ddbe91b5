"""`conflict_news.load_dataset`: the shipped Parquet through `datasets.load_dataset`, no clone needed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..core.paths import locate_root


def load_dataset(
    config: str = "documents",
    split: str | None = None,
    streaming: bool = False,
    *,
    flavor: str = "full",
    texts: Path | str | None = None,
    release: Path | str | None = None,
    **kwargs: Any,
) -> Any:
    """`datasets.load_dataset` on the corpus shipped with this package (README card + data/).

    Returns a DatasetDict, a Dataset when `split` is given, or their Iterable forms when
    `streaming`; further keyword arguments (cache_dir, ...) go to `datasets.load_dataset`.
    `flavor="standoff"` loads the standoff release (withheld texts None, see `text_status`);
    `texts=DIR` (a folder or JSONL of the user's copies of the articles) rehydrates the standoff
    release (`release`, default the shipped one) into a temporary corpus and loads its full build.
    Needs the `hf` extra: pip install 'conflict-news-corpus[hf]'.
    """
    import datasets  # the optional extra; imported here so the base package stays light

    from .build import build_data, release_dir

    if texts is None:
        source = release_dir(locate_root(), flavor) if release is None else Path(release)
        return datasets.load_dataset(str(source), config, split=split, streaming=streaming, **kwargs)
    from ..standoff.rehydrate import rehydrate
    from .card import write_card

    # Streaming reads the shards lazily, so their folder must outlive this call; a non-streaming load
    # copies them into the datasets cache first.
    work = Path(tempfile.mkdtemp(prefix="cnc-rehydrated-"))
    root = work / "corpus-root"
    rehydrate(Path(release) if release is not None else release_dir(locate_root(), "standoff"), texts, root)
    build_data(root)
    write_card(root)
    loaded = datasets.load_dataset(str(root), config, split=split, streaming=streaming, **kwargs)
    if not streaming:
        shutil.rmtree(work, ignore_errors=True)
    return loaded
