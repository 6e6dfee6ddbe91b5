"""The dataset card: README.md's YAML front matter `configs:` and `dataset_info:` (split sizes).

Only the front matter is rewritten; its other keys (licence, language, task categories...) and the
Markdown body stay as they are. Split sizes are read from the Parquet shards under data/.

The Features are not in the card: every shard carries them in its schema metadata (the `huggingface`
key, written by hf.build), where `datasets`, the Hub and pyarrow find them. In the card they would
be ~17 KB of YAML, which `datasets` parses with pure-Python PyYAML on every load_dataset: a fixed
cost of ~0.05 s per call, a third of the whole load of a 1 000-document corpus (issue 6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml
from datasets import DatasetInfo, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict

from ..core.errors import CorpusError, Issue
from ..core.splits import SPLITS
from ..core.store import read_regular, write_atomic
from ..core.txn import locked
from .features import CONFIGS, DEFAULT_CONFIG

FENCE = "---\n"


def split_front_matter(readme: str) -> tuple[dict[str, Any], str]:
    """(front matter as a dict, body) of a card; an absent front matter is empty."""
    if not readme.startswith(FENCE):
        return {}, readme
    head, sep, body = readme[len(FENCE) :].partition("\n" + FENCE)
    if not sep:
        raise ValueError("README.md front matter has no closing '---' line")
    return yaml.safe_load(head) or {}, body


def _split_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """split -> (rows, in-memory Arrow bytes) over the config's shards."""
    sizes: dict[str, tuple[int, int]] = {}
    for shard in sorted(folder.glob("*.parquet")):
        split = shard.name.split("-", 1)[0]
        table = pq.read_table(shard)
        rows, nbytes = sizes.get(split, (0, 0))
        sizes[split] = (rows + table.num_rows, nbytes + table.nbytes)
    return dict(sorted(sizes.items(), key=lambda item: SPLITS.index(item[0])))


def read_card(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of the card at `path` (empty when there is none); CorpusError (card-invalid) if unreadable."""
    try:
        raw = read_regular(path, path.name)
    except FileNotFoundError:
        return {}, ""

    def invalid(message: str) -> CorpusError:
        return CorpusError([Issue(code="card-invalid", file=path.name, path="$", message=message)])

    try:
        front, body = split_front_matter(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise invalid(f"not UTF-8 at byte {exc.start}") from None
    except yaml.YAMLError as exc:
        raise invalid(f"the front matter is not YAML: {exc}") from None
    except ValueError as exc:
        raise invalid(str(exc)) from None
    if not isinstance(front, dict):
        raise invalid("the front matter is not a YAML mapping")
    return front, body


def render_card_metadata(data: Path) -> dict[str, Any]:
    """`configs` and `dataset_info` (split sizes; no features) for the shards in the folder `data`."""
    configs: list[dict[str, Any]] = []
    infos = DatasetInfosDict()
    for config in CONFIGS:
        sizes = _split_sizes(data / config)
        entry: dict[str, Any] = {"config_name": config}
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entry["data_files"] = [{"split": s, "path": f"data/{config}/{s}-*.parquet"} for s in sizes]
        configs.append(entry)
        splits = SplitDict()
        for name, (rows, nbytes) in sizes.items():
            splits.add(SplitInfo(name=name, num_examples=rows, num_bytes=nbytes))
        infos[config] = DatasetInfo(
            splits=splits,
            dataset_size=sum(nbytes for _, nbytes in sizes.values()),
        )
    holder: dict[str, Any] = {}
    infos.to_dataset_card_data(holder)  # any mapping will do as card data
    return {"configs": configs, "dataset_info": holder["dataset_info"]}


STANDOFF_BODY = """
# Conflict News Corpus (standoff release)

The annotations of the Conflict News Corpus with the text of every document whose licence does
not allow redistribution left out (`text_status` `withheld`). Such a document keeps its metadata
(URL, text length, SHA-256), a fingerprint of its sentence boundaries and, in every span, the
offsets without the text. To get the full corpus, restore the texts from your own copies of the
articles: `conflict-news rehydrate . ARTICLES --out ROOT` (see the corpus's docs/standoff.md).
"""


def render_card(root: Path, flavor: str = "full", template: Path | None = None, data: Path | None = None) -> str:
    """README.md of release `root` with its front matter's configs and dataset_info regenerated.

    A standoff release takes the rest of its front matter from `template` (the corpus's README.md)
    and has a body of its own, which describes what is left out. The split sizes are read from
    `data` (default ROOT/data; a build passes the folder it has staged).
    """
    front, body = read_card(template or root / "README.md")
    front.update(render_card_metadata(data or root / "data"))
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=120)
    return f"{FENCE}{head}{FENCE}{STANDOFF_BODY if flavor == 'standoff' else body}"


def write_card(root: Path, flavor: str = "full", template: Path | None = None) -> bool:
    """Rewrite README.md's front matter if it is out of date (under the root's write lock); True when it changed."""
    readme = root / "README.md"
    with locked(root):
        new = render_card(root, flavor, template).encode("utf-8")
        if readme.exists() and read_regular(readme, "README.md") == new:
            return False
        write_atomic(readme, new)
    return True
