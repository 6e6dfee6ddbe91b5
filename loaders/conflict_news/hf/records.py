"""The `records` config read back from built Parquet shards (a release, a standoff build, a silver run), as dicts
with label names: what `conflict-news records` prints for a folder that holds no annotation files."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.extras import require_extra
from .features import flavor_features

with require_extra("hf"):
    import pyarrow.parquet as pq
    from datasets import ClassLabel, List


def has_records(folder: Path) -> bool:
    return (folder / "data" / "records").is_dir()


def _names(value: Any, feature: Any) -> Any:
    """`value` with every ClassLabel id turned back into its name."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, List):
        return [_names(item, feature.feature) for item in value]
    if isinstance(feature, dict):
        return {key: _names(item, feature.get(key)) for key, item in value.items()}
    return value


def read_records(folder: Path, splits: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every row of folder/data/records/<split>-*.parquet (of `splits`, default all), shard by shard in name order.

    The shards are found before any row is given, so that a folder without them is refused before output starts.
    """
    shards = sorted(
        p
        for p in (folder / "data" / "records").glob("*.parquet")
        if splits is None or p.name.split("-", 1)[0] in splits
    )
    if not shards:
        raise UsageError(f"{folder / 'data' / 'records'}: no Parquet shards (of the splits asked for)", "input-missing")
    return _rows(shards)


def _rows(shards: list[Path]) -> Iterator[dict[str, Any]]:
    features = flavor_features("records")
    for shard in shards:
        for row in pq.read_table(shard).to_pylist():
            yield {key: _names(value, features[key]) if key in features else value for key, value in row.items()}
