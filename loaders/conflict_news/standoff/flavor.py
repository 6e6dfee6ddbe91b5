"""Withholding texts in the Parquet release: the rows of a `standoff` document carry no text of it.

Both flavours withhold: a withheld text is replaced by its fingerprint (standoff.fingerprint; the
metadata keeps its length, SHA-256 and URL), every span of it keeps its offsets and loses its `text`,
and its `spans_bio` rows lose their tokens (the offsets and tags stay). Every row says `text_status`:
`included` (a `full` document: its text is there) or `withheld`. The standoff flavour adds to every
span its canonical offsets `cstart`/`cend`, which let rehydration re-place it in a copy that differs
in whitespace, quotes or boilerplate; the full flavour, the one users load, keeps spans as they are.
"""

from __future__ import annotations

from typing import Any

from ..core.extras import require_extra
from .fingerprint import Canonical, canonicalize, fingerprint

with require_extra("hf"):
    from datasets import Features, List, Value

SPAN_KEYS = frozenset({"start", "end", "text"})


def _is_span_feature(feature: Any) -> bool:
    return isinstance(feature, dict) and feature.keys() == SPAN_KEYS


def _with_canonical(feature: Any) -> Any:
    """The feature tree with every span struct extended by cstart/cend."""
    if _is_span_feature(feature):
        return {**feature, "cstart": Value("int32"), "cend": Value("int32")}
    if isinstance(feature, List):
        return List(_with_canonical(feature.feature))
    if isinstance(feature, dict):
        return {key: _with_canonical(sub) for key, sub in feature.items()}
    return feature


def fingerprint_feature() -> dict[str, Any]:
    offsets = {key: Value("int32") for key in ("start", "end", "cstart", "cend")}
    return {
        "length": Value("int32"),
        "sentences": List({"start": Value("int32"), "end": Value("int32"), "hash": Value("string")}),
        # Where metadata.published.evidence, a passage of the text, was (it is withheld with the text).
        "evidence": {**offsets, "text": Value("string")},
    }


def standoff_features(full: Features, *, canonical: bool) -> Features:
    """A config's Features with `text_status` and the fingerprint, and with `canonical` offsets on every span."""
    fields: dict[str, Any] = {}
    for name, feature in full.items():
        fields[name] = _with_canonical(feature) if canonical else feature
        if name == "doc_id":
            fields["text_status"] = Value("string")
        if name == "text":
            fields["fingerprint"] = fingerprint_feature()
    return Features(fields)


def _withhold(value: Any, canon: Canonical | None, canonical: bool) -> Any:
    """Spans inside `value` with their text dropped when `canon` is given, and cstart/cend added when `canonical`."""
    if isinstance(value, dict):
        if value.keys() == SPAN_KEYS:
            if canon is None:
                return {**value, "cstart": None, "cend": None} if canonical else value
            withheld = {"start": value["start"], "end": value["end"], "text": None}
            if not canonical:
                return withheld
            cstart, cend = canon.to_canonical(value["start"], value["end"])
            return {**withheld, "cstart": cstart, "cend": cend}
        return {key: _withhold(item, canon, canonical) for key, item in value.items()}
    if isinstance(value, list):
        return [_withhold(item, canon, canonical) for item in value]
    return value


def _evidence(text: str, row: dict[str, Any], canon: Canonical) -> dict[str, Any] | None:
    """Withhold an inferred date's evidence when it quotes the text; its place, for rehydration."""
    evidence = row["metadata"]["published"]["evidence"]
    at = text.find(evidence) if evidence else -1
    if evidence is None or at < 0:
        return None  # the maintainer's own words, not the article's: shipped as they are
    row["metadata"]["published"]["evidence"] = None
    withheld: dict[str, Any] = _withhold({"start": at, "end": at + len(evidence), "text": evidence}, canon, True)
    return withheld


def standoff_rows(
    text: str, metadata: dict[str, Any], rows: dict[str, list[dict[str, Any]]], *, canonical: bool, publish: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """A document's rows (hf.rows.make_rows) as a release ships them: withheld when its policy is `standoff`.

    `publish=False` keeps every text (`included`): output that stays with its owner, such as a silver run
    over one's own archive, whose licence is the owner's business.
    """
    withheld = publish and metadata["distribution"]["policy"] == "standoff"
    canon = canonicalize(text) if withheld else None
    status = "withheld" if withheld else "included"
    out: dict[str, list[dict[str, Any]]] = {}
    for config, config_rows in rows.items():
        out[config] = []
        for row in config_rows:
            # An included text in the full flavour changes no span: the row goes as it is (no copy of its tree).
            shipped = row if canon is None and not canonical else _withhold(row, canon, canonical)
            new = {"doc_id": row["doc_id"], "text_status": status, **shipped}
            if config == "documents" and canon is not None:
                new["text"] = None
                new["fingerprint"] = {**fingerprint(canon), "evidence": _evidence(text, new, canon)}
            elif config == "documents":
                new["fingerprint"] = None
            if config == "spans_bio" and withheld:
                new["tokens"] = None
            out[config].append(new)
    return out
