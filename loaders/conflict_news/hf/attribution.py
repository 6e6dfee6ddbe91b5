"""docs/attribution.md: who wrote each shipped text, under which licence, where it came from and what was changed.

CC BY asks every reuse to credit the author, link the licence and the source, and say what was
changed. The card links this page; it is generated from the documents' metadata (never edited by
hand) whenever the card is, and `conflict-news card --check` fails when it is out of date.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from ..core.store import list_doc_ids, metadata_name, metadata_path, read_regular

ATTRIBUTION = Path("docs") / "attribution.md"
LICENCES = {
    "CC-BY-2.5": "[CC BY 2.5](https://creativecommons.org/licenses/by/2.5/)",
    "LicenseRef-Public-Domain": "public domain",
}
HEADER = """# Attribution of the document texts

Generated from each document's metadata (`corpus/<id>.json`) by `conflict-news card`; do not edit.
Annotations, metadata and schemas are CC BY 4.0 (Conflict News Corpus maintainers); each text keeps
its own licence, below. A document whose text may not be redistributed ships without its text (its
annotations as standoff rows) and is listed as such.

"""


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _metadata(root: Path, doc_id: str) -> dict[str, Any] | None:
    try:
        record = orjson.loads(read_regular(metadata_path(root, doc_id), metadata_name(doc_id)))
    except Exception:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("source"), dict) else None


def _row(record: dict[str, Any], note: int | None) -> str:
    src, title = record["source"], _cell(record.get("title") or "(no title)")
    where = f"[{title}]({src['url']})" if src.get("url") else title
    if src.get("publisher"):
        where += f", {src['publisher']}"
    rec = src.get("record")
    origin = f"`{rec['repository']}` `{rec['commit'][:10]}` `{rec['path']}` line {rec['line']}" if rec else ""
    withheld = " (text withheld)" if record["distribution"]["policy"] == "standoff" else ""
    licence = record["license"]["text"]
    return (
        f"| `{record['id']}` | {where} | {src.get('authors') or 'unknown'} | "
        f"{LICENCES.get(licence, licence)}{withheld} | {origin} | {note or ''} |"
    )


def render_attribution(root: Path) -> str:
    """The page's Markdown for the corpus at `root` (documents whose metadata cannot be read are skipped:
    the validator reports them, and a build refuses them)."""
    licences: Counter[str] = Counter()
    notes: dict[str, int] = {}  # each distinct change note, numbered in order of first use
    # One line per document is kept, not its metadata (36 MiB at 10 000 documents, ~360 MiB at 100 000).
    rows: list[str] = []
    for doc_id in list_doc_ids(root):
        record = _metadata(root, doc_id)
        if record is None:
            continue
        licences[record["license"]["text"]] += 1
        change = record["source"].get("changes")
        rows.append(_row(record, notes.setdefault(change, len(notes) + 1) if change else None))
    lines = [HEADER, "| licence of the text | documents |", "|---|---|"]
    lines += [f"| {LICENCES.get(name, name)} | {n} |" for name, n in sorted(licences.items())]
    lines += ["", "## Changes made to the source texts", ""]
    lines += [f"{i}. {text}" for text, i in notes.items()]
    lines += ["", "## Documents", "", "| id | title and source | authors | licence | imported from | changes |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    return "\n".join(lines + rows) + "\n"
