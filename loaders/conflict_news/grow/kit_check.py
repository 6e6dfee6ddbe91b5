"""The standalone check of an annotator's kit: copied into the kit as `check.py`, run there as `python check.py`.

It imports nothing of this package (the kit holds no repository), only the standard library and
`jsonschema`, and reads only the kit: its schemas, taxonomy, texts and `kit.json`. It checks each
file in `annotations/` against the annotation schema, the document's text (every span's `text` must be
what its offsets cover), the taxonomy's labels, the kit's id prefix and the file's own references,
and says nothing else: it holds no gold, so it cannot tell whether an annotation is right.
Exit 0 when every file passes, 1 otherwise, one line per problem: FILE: JSONPATH: message.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# taxonomy key of each labelled field, as (layer, field) -> key
_LABELS = {
    ("entities", "type"): "entity_types",
    ("events", "type"): "event_types",
    ("events", "modality"): "modalities",
    ("quotes", "type"): "quote_types",
    ("figures", "bound"): "figure_bounds",
    ("figures", "property"): "figure_properties",
}


def _spans(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every span ({start, end, text}) inside a JSON value, with its JSON path."""
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys():
            yield path, value
        for key, inner in value.items():
            yield from _spans(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _spans(inner, f"{path}[{i}]")


def _schema_problems(kit: Path, ann: Any) -> list[str]:
    import jsonschema  # type: ignore[import-untyped]  # the annotator's own install; no stubs needed there
    from referencing import Registry, Resource

    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((kit / "schema").glob("*.schema.json"))]
    registry: Registry[Any] = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    main = next(s for s in schemas if s["$id"].startswith("urn:conflict-news-corpus:schema:annotation:"))
    validator = jsonschema.Draft202012Validator(main, registry=registry)
    return [
        f"{'$' + ''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(ann)
    ]


def _label_problems(ann: dict[str, Any], taxonomy: dict[str, Any]) -> Iterator[str]:
    for (layer, field), key in _LABELS.items():
        for i, item in enumerate(ann[layer]):
            if item[field] not in taxonomy[key]:
                yield f"$.{layer}[{i}].{field}: {item[field]!r} is not in taxonomy.{key}"
    for i, event in enumerate(ann["events"]):
        allowed = taxonomy["event_types"].get(event["type"], {}).get("roles", [])
        for j, arg in enumerate(event["arguments"]):
            if arg["role"] not in allowed:
                yield f"$.events[{i}].arguments[{j}].role: {arg['role']!r} is not a role of {event['type']}"
        for j, rel in enumerate(event["relations"]):
            if rel["type"] not in taxonomy["event_relations"]:
                yield f"$.events[{i}].relations[{j}].type: {rel['type']!r} is not in taxonomy.event_relations"


def _reference_problems(ann: dict[str, Any], prefix: str) -> Iterator[str]:
    ids = {layer: [item["id"] for item in ann[layer]] for layer in ("entities", "events", "quotes", "figures")}
    every = [i for layer in ids.values() for i in layer]
    for item_id in sorted({i for i in every if every.count(i) > 1}):
        yield f"$: id {item_id!r} is used twice"
    for item_id in every:
        if not item_id.startswith(prefix):
            yield f"$: id {item_id!r} does not start with this kit's prefix {prefix!r}"
    wanted: list[tuple[str, str | None, str]] = []
    for i, ent in enumerate(ann["entities"]):
        wanted.append((f"$.entities[{i}].affiliation", ent["affiliation"], "entities"))
    for i, ev in enumerate(ann["events"]):
        wanted += [
            (f"$.events[{i}].arguments[{j}].entity", a["entity"], "entities") for j, a in enumerate(ev["arguments"])
        ]
        wanted += [
            (f"$.events[{i}].relations[{j}].target", r["target"], "events") for j, r in enumerate(ev["relations"])
        ]
        if ev["time"]:
            wanted.append((f"$.events[{i}].time.anchor_event", ev["time"].get("anchor_event"), "events"))
    for i, q in enumerate(ann["quotes"]):
        wanted.append((f"$.quotes[{i}].speaker", q["speaker"], "entities"))
        wanted += [(f"$.quotes[{i}].events[{j}]", e, "events") for j, e in enumerate(q["events"])]
    for i, fig in enumerate(ann["figures"]):
        wanted += [(f"$.figures[{i}].{k}", fig[k], layer) for k, layer in
                   (("claimant", "entities"), ("quote", "quotes"), ("event", "events"))]  # fmt: skip
    for path, ref, layer in wanted:
        if ref is not None and ref not in ids[layer]:
            yield f"{path}: {ref!r} names no item of {layer}"


def check_file(kit: Path, path: Path) -> list[str]:
    """The problems of one annotation file of the kit, as 'JSONPATH: message' lines."""
    setup = json.loads((kit / "kit.json").read_text(encoding="utf-8"))
    try:
        ann = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"$: not a JSON file in UTF-8 ({exc})"]
    problems = _schema_problems(kit, ann)
    if problems:
        return problems
    text_path = kit / "documents" / f"{path.stem}.txt"
    if ann["doc_id"] != path.stem or not text_path.is_file():
        return [f"$.doc_id: {ann['doc_id']!r}: the file must be annotations/<doc_id>.json of a text in documents/"]
    text = text_path.read_text(encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if ann["text_sha256"] != sha:
        problems.append(f"$.text_sha256: the SHA-256 of documents/{path.stem}.txt is {sha}")
    for where, span in _spans({k: v for k, v in ann.items() if k != "provenance"}, "$"):
        if text[span["start"] : span["end"]] != span["text"]:
            problems.append(
                f"{where}: offsets {span['start']}-{span['end']} cover {text[span['start'] : span['end']]!r}"
            )
    taxonomy = json.loads((kit / "schema" / "taxonomy.json").read_text(encoding="utf-8"))
    problems += _label_problems(ann, taxonomy)
    problems += _reference_problems(ann, setup["prefix"])
    return problems


def main(argv: list[str] | None = None) -> int:
    kit = Path(__file__).resolve().parent
    files = sorted((kit / "annotations").glob("*.json")) if not argv else [Path(a) for a in argv]
    bad = 0
    for path in files:
        for problem in check_file(kit, path):
            print(f"{path.name}: {problem}")
            bad += 1
    print(f"{len(files)} file(s) checked, {bad} problem(s)", file=sys.stderr)
    return 1 if bad or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
