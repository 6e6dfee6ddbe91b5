"""The wheel's data files: the corpus folders and release files, without any text a release may not ship.

A document whose metadata says `distribution.policy: standoff` (its text's licence does not allow
redistribution) ships only as standoff rows in data/ and standoff/: its text, metadata and annotation
file (whose spans quote the text) stay out of the wheel, exactly as MANIFEST leaves them out
(release.manifest.list_shipped). force-include is exempt from every exclude rule, so the files are
chosen here, one by one, rather than by folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FOLDERS = ("corpus", "annotations", "schema", "data", "standoff")
FILES = ("README.md", "CITATION.cff", "MANIFEST", "croissant.json", "tombstones.json", "split-moves.json")
TARGET = "conflict_news/_data"


def withheld(root: Path) -> set[str]:
    """Ids of the documents whose text no release ships."""
    ids = set()
    for path in (root / "corpus").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("distribution", {}).get("policy") == "standoff":
            ids.add(path.stem)
    return ids


def data_files(root: Path) -> dict[str, str]:
    """Source path -> path in the wheel, for every shipped data file."""
    hidden = withheld(root)
    chosen = {}
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or (rel.parts[0] in ("corpus", "annotations") and path.stem in hidden):
                continue
            chosen[str(path)] = f"{TARGET}/{rel.as_posix()}"
    chosen |= {str(root / name): f"{TARGET}/{name}" for name in FILES}
    return chosen


class CorpusDataHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        build_data["force_include"].update(data_files(Path(self.root)))
