"""CITATION.cff, the one place the corpus's citation metadata and its Hub address are recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .paths import locate_root

CITATION = "CITATION.cff"
HUB_PREFIX = "https://huggingface.co/datasets/"


def locate_citation() -> Path:
    """CITATION.cff at the corpus root (source checkout) or shipped beside the data (wheel)."""
    return locate_root() / CITATION


def read_citation(path: Path | None = None) -> dict[str, Any]:
    import yaml  # only the verbs that cite pay for it

    data: dict[str, Any] = yaml.safe_load((path or locate_citation()).read_text(encoding="utf-8"))
    return data


def hub_repo_id(cff: dict[str, Any]) -> str | None:
    """The Hugging Face dataset repository (ORG/NAME) that the citation's `url` names, if it names one."""
    url = str(cff.get("url") or "")
    return url.removeprefix(HUB_PREFIX).strip("/") if url.startswith(HUB_PREFIX) else None
