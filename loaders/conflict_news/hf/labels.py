"""The label table shipped beside the shards: one row per ClassLabel column and label id, for every engine.

`datasets` reads label names from the shards' `huggingface` schema metadata; DuckDB, Polars and Spark
see the ClassLabel columns as plain integers. `data/labels.parquet` gives them the names as data to
join on: (`config`, `column`, `id`) -> `name`, where `column` is the dotted path of the field inside
a row (`type`, `arguments.role`, `events.arguments.role`, `event_tags`). docs/huggingface.md shows
the joins.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ..core.extras import require_extra
from ..core.options import CONFIGS, FLAVORS, Flavor, check_choice
from .features import flavor_features

with require_extra("hf"):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import ClassLabel, List

LABELS_FILE = "labels.parquet"
# `id` is int64 like the ClassLabel columns themselves, so that engines join without a cast.
SCHEMA = pa.schema([("config", pa.string()), ("column", pa.string()), ("id", pa.int64()), ("name", pa.string())])


def _label_columns(feature: Any, path: str) -> Iterator[tuple[str, ClassLabel]]:
    """(dotted path, ClassLabel) of every label field inside `feature`; lists add no path step."""
    if isinstance(feature, ClassLabel):
        yield path, feature
    elif isinstance(feature, List):
        yield from _label_columns(feature.feature, path)
    elif isinstance(feature, dict):
        for key, sub in feature.items():
            yield from _label_columns(sub, f"{path}.{key}" if path else key)


@cache  # built once per process: Features objects hold reference cycles (see core.pool.paused_gc)
def label_table(flavor: Flavor = "full") -> pa.Table:
    """Every (config, column, id, name) of the flavour's Features, in config, column and id order."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    rows = [
        {"config": config, "column": column, "id": i, "name": name}
        for config in CONFIGS
        for column, label in _label_columns(flavor_features(config, flavor=flavor), "")
        for i, name in enumerate(label.names)
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_label_table(folder: Path, flavor: Flavor = "full") -> Path:
    """Write LABELS_FILE into `folder` (a release's data/ being built)."""
    table = label_table(flavor)  # checks the flavour first
    target = folder / LABELS_FILE
    pq.write_table(table, target, compression="zstd")
    return target
