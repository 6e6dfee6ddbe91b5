"""Extractors for the silver tests, importable by pool and Dask workers (tests/ is on their path).

`failing` raises on a text that says BOOM; `gated` waits until the file named by CNC_SILVER_GATE
exists, so that a test can hold every worker inside a task, kill one, and then let the run go on.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from conflict_news.core.taxonomy import Taxonomy
from conflict_news.grow.preannotate import preannotate

__version__ = "1.0"


def failing(doc_id: str, text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    if "BOOM" in text:
        raise RuntimeError("the extractor cannot read this text")
    return preannotate(doc_id, text, taxonomy)


def gated(doc_id: str, text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    gate = Path(os.environ["CNC_SILVER_GATE"])
    while not gate.exists():
        time.sleep(0.02)
    return preannotate(doc_id, text, taxonomy)
