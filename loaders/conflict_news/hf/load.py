"""`conflict_news.load_dataset`: the shipped Parquet through `datasets.load_dataset`, no clone needed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.extras import require_extra
from ..core.options import CONFIGS, FLAVORS, SPLITS, Config, Flavor, check_choice
from ..core.paths import as_path, locate_root


def load_dataset(
    config: Config = "documents",
    split: str | None = None,
    streaming: bool = False,
    *,
    flavor: Flavor = "full",
    texts: Path | str | None = None,
    release: Path | str | None = None,
    **kwargs: Any,
) -> Any:
    """`datasets.load_dataset` on the corpus shipped with this package (README card + data/).

    Returns a DatasetDict, a Dataset when `split` is given, or their Iterable forms when
    `streaming`; further keyword arguments (cache_dir, ...) go to `datasets.load_dataset`.
    `split` is one of the release's splits (train, validation, test), or a `datasets` split
    expression over them ("test[:10%]", "train+validation").
    `flavor="standoff"` loads the standoff release (withheld texts None, see `text_status`);
    `texts=DIR` (a folder or JSONL of the user's copies of the articles) rehydrates the standoff
    release (`release`, default the shipped one) into a temporary corpus and loads its full build.

    Raises UsageError for a config, split or flavour the release does not have, and when the `hf`
    extra is not installed (pip install '.[hf]' in a clone of the repository).
    """
    config = check_choice("config", config, CONFIGS)
    flavor = check_choice("flavor", flavor, FLAVORS)
    with require_extra("hf"):  # imported here so that the base package stays light
        import datasets

    from .build import build_data, release_dir
    from .card import read_card, write_card

    chosen = None if release is None else _release_folder(release)
    if texts is None:
        source = release_dir(locate_root(), flavor) if chosen is None else chosen
        _check_split(split, read_card(source / "README.md")[0], config)
        return datasets.load_dataset(str(source), config, split=split, streaming=streaming, **kwargs)
    from ..standoff.rehydrate import rehydrate

    standoff = chosen if chosen is not None else release_dir(locate_root(), "standoff")
    _check_split(split, read_card(standoff / "README.md")[0], config)

    # Streaming reads the shards lazily, so their folder must outlive this call; a non-streaming load
    # copies them into the datasets cache first.
    work = Path(tempfile.mkdtemp(prefix="cnc-rehydrated-"))
    root = work / "corpus-root"
    try:
        rehydrate(standoff, as_path(texts, "texts"), root)
        build_data(root, publish=False)  # the user's own copies, loaded here and shipped nowhere
        write_card(root)
        loaded = datasets.load_dataset(str(root), config, split=split, streaming=streaming, **kwargs)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if not streaming:
        shutil.rmtree(work, ignore_errors=True)
    return loaded


def _release_folder(release: object) -> Path:
    """`release` as the folder of a release (its README.md card and data/); UsageError before `datasets` sees it,
    which would take a path that is not there ('~', a typo) for a Hub repository id, and '' for the current folder."""
    folder = as_path(release, "release")
    if not folder.is_dir():
        raise UsageError(f"release {folder}: no such folder", "input-missing")
    if not (folder / "README.md").is_file() or not (folder / "data").is_dir():
        raise UsageError(f"release {folder} is not a release folder (a README.md card and data/)")
    return folder


def _check_split(split: object, card: dict[str, Any], config: Config) -> None:
    """Every split named in `split` (a split expression may slice and join them) is one the card lists for `config`.

    A `datasets` split object (NamedSplit, ReadInstruction) is passed on as it is, for datasets to check.
    """
    if not isinstance(split, str):
        return
    listed = [entry for entry in card.get("configs", []) if entry.get("config_name") == config]
    present = tuple(files["split"] for entry in listed for files in entry.get("data_files", [])) or SPLITS
    for part in split.split("+"):
        check_choice("split", part.split("[", 1)[0], present, otherwise=f" (the splits of {config} in this release)")
