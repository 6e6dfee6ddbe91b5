"""Whether a document's text may be shipped: its `distribution` policy, decided from its licence.

`full` ships the text; `standoff` ships only the annotations, a hash and a non-expressive
fingerprint, and users restore the text from their own copy (`conflict-news rehydrate`). A licence
that is unknown, or not one of the open licences below, gives `standoff`; only an explicit
maintainer decision, recorded as such in the metadata, ships such a text in full.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from .errors import CorpusError
from .store import list_doc_ids, metadata_name, metadata_path, read_regular

POLICIES = ("full", "standoff")

# SPDX ids of licences that allow anyone to redistribute the text as we ship it.
# LicenseRef-Public-Domain: a text in the public domain by its date (Wikinews articles published
# before 25 September 2005), which SPDX has no identifier for.
REDISTRIBUTABLE = frozenset(
    {
        "CC0-1.0", "CC-PDDC", "PDDL-1.0", "LicenseRef-Public-Domain", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
        "CC-BY-SA-3.0", "CC-BY-SA-4.0", "ODC-By-1.0",
    }
)  # fmt: skip


def policy_for_licence(licence: str) -> str:
    return "full" if licence in REDISTRIBUTABLE else "standoff"


def decide_distribution(licence: str, maintainer_choice: str | None = None) -> dict[str, str]:
    """The metadata record `distribution`: the maintainer's explicit choice, else what the licence gives."""
    if maintainer_choice is not None:
        return {"policy": maintainer_choice, "decided_by": "maintainer"}
    return {"policy": policy_for_licence(licence), "decided_by": "licence"}


def withheld_ids(root: Path) -> set[str]:
    """Ids of the documents under `root` whose metadata withholds their text from releases (policy `standoff`).

    A record that cannot be read says nothing here; the validator reports it.
    """
    ids = set()
    for doc_id in list_doc_ids(root):
        try:
            record = orjson.loads(read_regular(metadata_path(root, doc_id), metadata_name(doc_id)))
        except (FileNotFoundError, CorpusError, orjson.JSONDecodeError):
            continue
        distribution = record.get("distribution") if isinstance(record, dict) else None
        if isinstance(distribution, dict) and distribution.get("policy") == "standoff":
            ids.add(doc_id)
    return ids
