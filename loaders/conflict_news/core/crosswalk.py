"""docs/crosswalk.md and docs/crosswalk.csv: every event type with its ACLED, CAMEO and PLOVER equivalents.

Generated from schema/taxonomy.json (never edited by hand) whenever the card is (`conflict-news card`,
`conflict-news build`), and `conflict-news card --check` fails when they are out of date. The
Markdown page is for reading, the CSV for joining: one row per type, its ClassLabel id first.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .inventories import Inventories, load_inventories
from .taxonomy import EventType, Taxonomy, load_taxonomy

CROSSWALK_MD = Path("docs") / "crosswalk.md"
CROSSWALK_CSV = Path("docs") / "crosswalk.csv"
COLUMNS = (
    "id", "type", "label",
    "acled_event_type", "acled_sub_event_type", "acled_none", "acled_note",
    "cameo_code", "cameo_label", "cameo_note",
    "plover_event_type", "plover_mode", "plover_none", "plover_note",
)  # fmt: skip


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _with_note(text: str, note: str | None) -> str:
    return f"{text} ({note})" if note else text


def _acled(etype: EventType) -> str:
    if etype.acled_event_type is None:
        return f"no equivalent: {etype.acled_reason}"
    if etype.acled_sub_event_type is None:
        return f"{etype.acled_event_type} / open: {etype.acled_reason}"
    return _with_note(f"{etype.acled_event_type} / {etype.acled_sub_event_type}", etype.acled_note)


def _plover(etype: EventType) -> str:
    if etype.plover_mode is None:
        return _with_note(f"{etype.plover_event_type} / no mode: {etype.plover_mode_reason}", etype.plover_note)
    return _with_note(f"{etype.plover_event_type} / {etype.plover_mode}", etype.plover_note)


def _counts(tax: Taxonomy) -> str:
    types = list(tax.event_types.values())
    full = sum(t.acled_sub_event_type is not None for t in types)
    open_ = sum(t.acled_event_type is not None and t.acled_sub_event_type is None for t in types)
    modes = sum(t.plover_mode is not None for t in types)
    return (
        f"Of the {len(types)} types, {full} map to an ACLED sub-event type, {open_} to an ACLED event type whose "
        f"sub-event type the text leaves open and {len(types) - full - open_} to nothing in ACLED, each with its "
        f"reason; all map to a CAMEO code and a PLOVER event type, {modes} also to a PLOVER mode."
    )


def render_crosswalk_markdown(tax: Taxonomy, inv: Inventories) -> str:
    lines = [
        "# Crosswalk: event types to ACLED, CAMEO and PLOVER",
        "",
        f"Generated from `schema/taxonomy.json` (taxonomy {tax.version}) by `conflict-news card`; do not edit.",
        "The same table is in [crosswalk.csv](crosswalk.csv). `id` is the type's ClassLabel id in the Parquet",
        "data. Where nothing fits, the cell says why; a note in parentheses qualifies a mapping. How 1.1",
        "labels map to 2.0: `schema/migrations/taxonomy-1.1-to-2.0.json`.",
        "",
        _counts(tax),
        "",
        "| inventory | edition | source |",
        "|---|---|---|",
    ]
    for key, name in (("acled", "ACLED"), ("cameo", "CAMEO"), ("plover", "PLOVER")):
        lines.append(f"| {name} ([`schema/inventories/{key}.json`](../schema/inventories/{key}.json)) | "
                     f"{_cell(inv.editions[key])} | {_cell(inv.sources[key])} |")  # fmt: skip
    lines += [
        "",
        "| id | type | label | ACLED event type / sub-event type | CAMEO | PLOVER event type / mode |",
        "|---|---|---|---|---|---|",
    ]
    for i, etype in enumerate(tax.event_types.values()):
        cameo = _with_note(f"`{etype.cameo_code}` {etype.cameo_label}", etype.cameo_note)
        cells = [str(i), f"`{etype.name}`", etype.label, _acled(etype), cameo, _plover(etype)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_crosswalk_csv(tax: Taxonomy) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i, t in enumerate(tax.event_types.values()):
        writer.writerow([
            i, t.name, t.label,
            t.acled_event_type or "", t.acled_sub_event_type or "", t.acled_reason or "", t.acled_note or "",
            t.cameo_code, t.cameo_label, t.cameo_note or "",
            t.plover_event_type, t.plover_mode or "", t.plover_mode_reason or "", t.plover_note or "",
        ])  # fmt: skip
    return out.getvalue()


def render_crosswalk(tax: Taxonomy | None = None, inv: Inventories | None = None) -> dict[Path, str]:
    """Path relative to a corpus root -> its text, for both pages (default: the shipped taxonomy and inventories)."""
    tax, inv = tax or load_taxonomy(), inv or load_inventories()
    return {CROSSWALK_MD: render_crosswalk_markdown(tax, inv), CROSSWALK_CSV: render_crosswalk_csv(tax)}
