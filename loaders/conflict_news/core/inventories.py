"""The external inventories the event types map to (schema/inventories/): ACLED, PLOVER and CAMEO names.

Each file names its source and edition; this module reads the names a mapping may use, so that a
test (and anyone) can check every mapping in schema/taxonomy.json against them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .paths import locate_schema_dir

INVENTORY_DIR = "inventories"


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventories:
    """Names of the three inventories, each with its source and edition as its file states them.

    `acled` maps each ACLED event type to its sub-event types, `plover` each PLOVER event type to its
    modes (empty where the manual defines none), `cameo` each CAMEO code (the 20 roots and the codes
    mapped) to its name; both orders are the files'.
    """

    acled: dict[str, tuple[str, ...]]
    plover: dict[str, tuple[str, ...]]
    cameo: dict[str, str]
    editions: dict[str, str]
    sources: dict[str, str]


def parse_inventories(acled: dict[str, Any], plover: dict[str, Any], cameo: dict[str, Any]) -> Inventories:
    files = {"acled": acled, "plover": plover, "cameo": cameo}
    return Inventories(
        acled={e["name"]: tuple(s["name"] for s in e["sub_event_types"]) for e in acled["event_types"]},
        plover={e["name"]: tuple(m["name"] for m in e["modes"]) for e in plover["event_types"]},
        cameo={**cameo["roots"], **cameo["codes"]},
        editions={name: raw["edition"] for name, raw in files.items()},
        sources={name: raw["source"] for name, raw in files.items()},
    )


def read_inventory(folder: Path, name: str) -> dict[str, Any]:
    with open(folder / f"{name}.json", encoding="utf-8") as f:
        raw: dict[str, Any] = json.load(f)
    return raw


@cache
def load_inventories() -> Inventories:
    """The inventories shipped with the package (schema/inventories/*.json)."""
    folder = locate_schema_dir() / INVENTORY_DIR
    return parse_inventories(*(read_inventory(folder, name) for name in ("acled", "plover", "cameo")))
