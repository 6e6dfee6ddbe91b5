"""Our annotation files -> Label Studio tasks whose predictions carry every span, link and attribute.

The region id scheme is described in labelstudio.config. Links to an entity point at the region of
its first mention.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import orjson
from tqdm import tqdm

from ..core.errors import CorpusError, Issue
from ..core.fastcheck import Labels
from ..core.options import PREDICTION_SOURCES, PredictionSource, check_choice
from ..core.pool import paused_gc
from ..core.store import RawDocument, list_doc_ids, read_document, read_regular
from ..core.taxonomy import load_taxonomy
from ..core.textnorm import hash_text
from ..core.validate import check_document, check_read_document
from .config import FIXED_RELATIONS, SEP, SPAN, TEXT, taxonomy_path, wire_id

Result = dict[str, Any]


class RegionWriter:
    """Collects the results of one annotation file: regions, their attributes, and merged relations."""

    def __init__(self) -> None:
        self.results: list[Result] = []
        # Per region: its wire id and its span's start, end and text, which each of its attributes repeats.
        self.spans: dict[str, tuple[str, int, int, str]] = {}
        self.links: dict[tuple[str, str], list[str]] = {}

    def region(self, region_id: str, label: str, span: dict[str, Any]) -> None:
        wid, start, end, text = self.spans[region_id] = (wire_id(region_id), span["start"], span["end"], span["text"])
        value = {"start": start, "end": end, "text": text, "labels": [label]}
        self.results.append({"id": wid, "from_name": SPAN, "to_name": TEXT, "type": "labels", "value": value})

    def attribute(self, region_id: str, name: str, kind: str, value: Any) -> None:
        if value is None:
            return
        wid, start, end, text = self.spans[region_id]
        if kind == "choices":
            payload = {"start": start, "end": end, "text": text, "choices": [value]}
        elif kind == "taxonomy":
            payload = {"start": start, "end": end, "text": text, "taxonomy": [taxonomy_path(value)]}
        elif kind == "number":
            payload = {"start": start, "end": end, "text": text, "number": value}
        else:  # a textarea's value is its "text", in the span's text's place
            payload = {"start": start, "end": end, "text": [value]}
        self.results.append({"id": wid, "from_name": name, "to_name": TEXT, "type": kind, "value": payload})

    def link(self, from_id: str, to_id: str, label: str) -> None:
        labels = self.links.setdefault((from_id, to_id), [])
        if label not in FIXED_RELATIONS:  # a fixed link goes without its label: its two regions' kinds say it
            labels.append(label)

    def finish(self) -> list[Result]:
        spans = self.spans
        relations = [
            {"from_id": spans[a][0] if a in spans else wire_id(a), "to_id": spans[b][0] if b in spans else wire_id(b),
             "type": "relation", "direction": "right", "labels": labels}
            for (a, b), labels in self.links.items()
        ]  # fmt: skip
        return self.results + relations


def _write_entities(w: RegionWriter, ann: dict[str, Any]) -> None:
    for ent in ann["entities"]:
        for j, span in enumerate(ent["mentions"]):
            rid = f"{ent['id']}{SEP}m{j}"
            w.region(rid, "MENTION", span)
            w.attribute(rid, "entity", "textarea", ent["id"])
            if j == 0:
                w.attribute(rid, "entity_name", "textarea", ent["name"])
                w.attribute(rid, "entity_type", "choices", ent["type"])
                w.attribute(rid, "entity_wikidata", "textarea", ent["wikidata"])
    for ent in ann["entities"]:
        if ent["affiliation"]:
            w.link(f"{ent['id']}{SEP}m0", f"{ent['affiliation']}{SEP}m0", "affiliation")


# Per place/time field of an event: its region label, the region id's part, its textarea and choices fields.
_PLACE_AND_TIME = {
    "location": ("LOCATION", "loc", {"loc_name": "name", "loc_country": "country", "loc_wikidata": "wikidata"},
                 {"loc_precision": "precision"}),
    "time": ("TIME", "time", {"time_start": "start", "time_end": "end", "time_anchor_event": "anchor_event"},
             {"time_precision": "precision", "time_anchor": "anchor"}),
}  # fmt: skip


def _write_place_and_time(w: RegionWriter, ev: dict[str, Any]) -> None:
    for key, (label, part, texts, choices) in _PLACE_AND_TIME.items():
        item = ev[key]
        if item is None:
            continue
        rid = ev["id"]
        if item["span"] is not None:
            rid = f"{ev['id']}{SEP}{part}"
            w.region(rid, label, item["span"])
            w.link(ev["id"], rid, key)
        for name, field in texts.items():
            w.attribute(rid, name, "textarea", item.get(field))  # anchor_event is optional on disk
        for name, field in choices.items():
            w.attribute(rid, name, "choices", item[field])


def _write_events(w: RegionWriter, ann: dict[str, Any]) -> None:
    for ev in ann["events"]:
        w.region(ev["id"], "EVENT", ev["trigger"])
        w.attribute(ev["id"], "event_type", "taxonomy", ev["type"])
        for name in ("modality", "polarity"):
            w.attribute(ev["id"], name, "choices", ev[name])
        for j, arg in enumerate(ev["arguments"]):
            rid = f"{ev['id']}{SEP}arg{j}"
            w.region(rid, "ARGUMENT", arg["span"])
            w.link(ev["id"], rid, arg["role"])
            if arg["entity"]:
                w.link(rid, f"{arg['entity']}{SEP}m0", "refers_to")
        _write_place_and_time(w, ev)
    for ev in ann["events"]:
        for rel in ev["relations"]:
            w.link(ev["id"], rel["target"], rel["type"])


def _write_quotes(w: RegionWriter, ann: dict[str, Any]) -> None:
    for q in ann["quotes"]:
        w.region(q["id"], "CUE", q["cue"])
        w.attribute(q["id"], "quote_type", "choices", q["type"])
        if q["source"]:
            w.region(f"{q['id']}{SEP}src", "SOURCE", q["source"])
            w.link(q["id"], f"{q['id']}{SEP}src", "source")
        for j, span in enumerate(q["contents"]):
            w.region(f"{q['id']}{SEP}c{j}", "CONTENT", span)
            w.link(q["id"], f"{q['id']}{SEP}c{j}", "content")
        if q["speaker"]:
            w.link(q["id"], f"{q['speaker']}{SEP}m0", "speaker")
        for ev in q["events"]:
            w.link(q["id"], ev, "reports")


def _write_figures(w: RegionWriter, ann: dict[str, Any]) -> None:
    for fig in ann["figures"]:
        fid = fig["id"]
        w.region(fid, "FIGURE", fig["span"])
        for name in ("value", "lower", "upper"):
            w.attribute(fid, f"fig_{name}", "number", fig[name])
        w.attribute(fid, "fig_bound", "choices", fig["bound"])
        w.attribute(fid, "fig_property", "choices", fig["property"])
        w.attribute(fid, "fig_counted", "textarea", fig["counted"])
        for key, part in (("approx_cue", "approx"), ("counted_span", "counted")):
            if fig[key]:
                w.region(f"{fid}{SEP}{part}", "APPROX" if part == "approx" else "COUNTED", fig[key])
                w.link(fid, f"{fid}{SEP}{part}", part)
        targets = {"quantifies": fig["event"], "in_quote": fig["quote"]}
        targets["claimant"] = f"{fig['claimant']}{SEP}m0" if fig["claimant"] else None
        for label, target in targets.items():
            if target:
                w.link(fid, target, label)


def build_result(ann: dict[str, Any]) -> list[Result]:
    """The Label Studio result list that represents one annotation file."""
    w = RegionWriter()
    _write_entities(w, ann)
    _write_events(w, ann)
    _write_quotes(w, ann)
    _write_figures(w, ann)
    return w.finish()


# The model_version of every prediction pushed for annotators. Label Studio's labeling stream (*Label All
# Tasks*) shows only predictions whose model_version is the project's, so one name for all keeps gold and
# rule pre-annotations alike in view; which one a task got is in its data's provenance (pre_annotation_name).
PRE_ANNOTATION = "conflict-news pre-annotation"


def model_version(ann: dict[str, Any]) -> str:
    """The name of a pre-annotation by its provenance ("gold:ann1+ann2", "prediction:rules 1.0"), as the
    corrections report names what an annotator started from."""
    prov = ann["provenance"]
    return f"{prov['kind']}:{'+'.join(map(str, prov['annotators']))}"


def pre_annotation_name(data: dict[str, Any]) -> str | None:
    """The name of the pre-annotation pushed with a task (see model_version), from the provenance its data keeps."""
    prov = data.get("provenance")
    if isinstance(prov, dict) and isinstance(prov.get("kind"), str) and isinstance(prov.get("annotators"), list):
        return model_version({"provenance": prov})
    return None


def build_task(doc_id: str, text: str, prediction: dict[str, Any] | None) -> dict[str, Any]:
    """One task; its data keeps the pre-annotation's provenance (per item too), which the import needs to
    tell who made what."""
    task: dict[str, Any] = {"data": {"doc_id": doc_id, "text": text, "text_sha256": hash_text(text)}}
    if prediction is not None:
        task["data"]["guidelines"] = prediction["provenance"]["guidelines"]
        task["data"]["provenance"] = prediction["provenance"]
        task["predictions"] = [{"model_version": PRE_ANNOTATION, "score": 1.0, "result": build_result(prediction)}]
    return task


def read_prediction_files(path: Path, issues: list[Issue]) -> Iterator[dict[str, Any]]:
    """Annotation files in our schema (a single file or a folder of them), e.g. a model's output.

    A file that cannot be read, does not parse or is not a JSON object goes to `issues` instead.
    """
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            ann = orjson.loads(read_regular(file, str(file), follow=file == path))
        except FileNotFoundError as exc:
            issues.append(Issue(code="file-unreadable", file=str(file), path="$", message=str(exc)))
            continue
        except CorpusError as exc:
            issues += exc.issues
            continue
        except orjson.JSONDecodeError as exc:
            issues.append(
                Issue(code="json-invalid", file=str(file), line=exc.lineno, column=exc.colno, message=exc.msg)
            )
            continue
        if not isinstance(ann, dict):
            issues.append(Issue(code="schema-violation", file=str(file), path="$", message="not a JSON object"))
            continue
        yield ann


def check_predictions(predictions: PredictionSource | Path) -> PredictionSource | Path:
    """`predictions` if it is a Path or one of PREDICTION_SOURCES; else a UsageError that names them."""
    if isinstance(predictions, Path):
        return predictions
    return check_choice("predictions", predictions, PREDICTION_SOURCES, otherwise=", or a pathlib.Path")


def iter_tasks(root: Path, predictions: PredictionSource | Path, issues: list[Issue]) -> Iterator[dict[str, Any]]:
    """One task per document, read and checked one at a time; issues found on the way go to `issues`.

    The pre-annotation of a document is, with `predictions` "none", nothing; else, with `predictions`
    a Path, its annotation file in the folder or file there when there is one (checked against the
    document's text exactly as the validator checks gold), else its own annotation file unless that
    is the empty `pending` one `add` writes ("stored", or its old name "gold"): gold where there is
    gold. Another string is refused (UsageError) before anything is read.
    """
    return _iter_tasks(root, check_predictions(predictions), issues)


class _Documents:
    """The documents of a root and the pre-annotation of each (see iter_tasks), checked one at a time."""

    def __init__(self, root: Path, predictions: PredictionSource | Path, issues: list[Issue]) -> None:
        self.root, self.predictions = root, predictions
        self.tax = load_taxonomy()
        self.labels = Labels.of(self.tax)
        self.doc_ids = list_doc_ids(root)
        self.chosen: dict[str, dict[str, Any]] = {}
        if isinstance(predictions, Path):
            known = set(self.doc_ids)
            for ann in read_prediction_files(predictions, issues):
                doc_id = str(ann.get("doc_id"))
                if doc_id not in known:
                    issues.append(
                        Issue(code="document-missing", file=str(predictions), path="$.doc_id",
                              message=f"no document {doc_id!r}")
                    )  # fmt: skip
                    continue
                self.chosen[doc_id] = ann

    def check(self, raw: RawDocument, *, parsed: bool = True) -> tuple[RawDocument, list[Issue]]:
        """A document as read by read_document(..., parse_annotation=False), checked (see check_read_document),
        with the issues of the prediction chosen for it."""
        raw, found = check_read_document(self.root, raw, self.tax, self.labels, parsed=parsed)
        found = [i for i in found if i.code != "annotation-missing"]
        if raw.doc_id in self.chosen:
            candidate = RawDocument(doc_id=raw.doc_id, text=raw.text, metadata=raw.metadata,
                                    annotation=self.chosen[raw.doc_id])  # fmt: skip
            found += check_document(self.root, candidate, self.tax)
        return raw, found

    def task(self, raw: RawDocument, text: str) -> dict[str, Any]:
        """The task of a checked document whose annotation is parsed."""
        stored = raw.annotation if isinstance(raw.annotation, dict) and self.predictions != "none" else None
        if stored is not None and stored.get("provenance", {}).get("kind") == "pending":
            stored = None
        return build_task(raw.doc_id, text, self.chosen.get(raw.doc_id, stored))


def _iter_tasks(root: Path, predictions: PredictionSource | Path, issues: list[Issue]) -> Iterator[dict[str, Any]]:
    documents = _Documents(root, predictions, issues)
    for doc_id in documents.doc_ids:
        raw, found = documents.check(read_document(root, doc_id, parse_annotation=False))
        issues += found
        if raw.text is not None and not found:  # a task is only made from what validates
            yield documents.task(raw, raw.text)


def collect_tasks(root: Path, predictions: PredictionSource | Path) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Every task (see iter_tasks) in memory, and the issues found."""
    issues: list[Issue] = []
    tasks = list(iter_tasks(root, predictions, issues))
    return tasks, issues


class Output(Protocol):
    """Where write_tasks writes: a binary stream, or anything with its `write`."""

    def write(self, data: bytes, /) -> object: ...


def write_tasks(root: Path, predictions: PredictionSource | Path, out: Output, progress: bool = False) -> list[Issue]:
    """The tasks as one JSON array written to `out` task by task, so memory stays flat; returns the issues.

    Every document is checked before anything is written, so that a corpus with an issue writes nothing,
    and no copy of the output is kept on the way (a temporary file would take ~300 MB per 1 000 documents;
    at 10 000 its writing cost the kernel more CPU than a third of building the tasks, and at 100 000 it
    would fill many a /tmp). The first pass checks every document and keeps a digest of the bytes it
    read; the second reads each again and writes its task, checking again a document whose digest
    changed in between (a writer ran meanwhile: readers take no lock). If such a document no longer
    checks, the tasks before it have been written: CorpusError with its issues and a write-failed that
    says the output is incomplete. A document added in between is not written.
    """
    issues: list[Issue] = []
    documents = _Documents(root, check_predictions(predictions), issues)
    digests = bytearray()  # DIGEST_BYTES per document, in documents.doc_ids's order: flat, ~1.6 MB at 100 000
    with paused_gc():  # a task is ~10^4 short-lived containers and no cycles (tests/test_bulk.py)
        for doc_id in tqdm(documents.doc_ids, unit="doc", desc="checking", disable=not progress):
            raw = read_document(root, doc_id, parse_annotation=False)
            digests += _digest(raw) or bytes(DIGEST_BYTES)  # None comes with an issue: no second pass
            issues += documents.check(raw, parsed=False)[1]
        if issues:
            return issues
        out.write(b"[")
        for number, doc_id in enumerate(tqdm(documents.doc_ids, unit="doc", desc="tasks", disable=not progress)):
            raw = read_document(root, doc_id, parse_annotation=False)
            at = number * DIGEST_BYTES
            digest = _digest(raw)
            if digest is not None and digest == bytes(digests[at : at + DIGEST_BYTES]) and raw.text is not None:
                # The very bytes the first pass found clean, which orjson parses as the validator did.
                raw.annotation = orjson.loads(raw.annotation) if raw.annotation is not None else None
                text = raw.text
            else:
                raw, found = documents.check(raw)
                if found or raw.text is None:
                    raise CorpusError([*found, Issue(code="write-failed", file="the output", path="$",
                                                     message=f"{doc_id} changed while the tasks were written and no "
                                                             "longer checks: the output is incomplete")])  # fmt: skip
                text = raw.text
            out.write(
                (b",\n" if number else b"\n") + orjson.dumps(documents.task(raw, text), option=orjson.OPT_INDENT_2)
            )
        out.write(b"\n]\n")
    return issues


DIGEST_BYTES = 16


def _digest(raw: RawDocument) -> bytes | None:
    """A BLAKE2b digest of what a document read by read_document(..., parse_annotation=False) holds (its text,
    its metadata as orjson writes it back, its annotation file's bytes, each marked present or absent and
    its length), so that a file changed between write_tasks's two passes is told apart, even on purpose.
    None, never equal to a digest, for a document read with issues other than a missing annotation file,
    or whose metadata orjson cannot write back (neither is what a clean document reads as)."""
    if any(issue.code != "annotation-missing" for issue in raw.issues):
        return None
    try:
        meta = orjson.dumps(raw.metadata) if raw.metadata is not None else None
    except orjson.JSONEncodeError:
        return None
    digest = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for part in (raw.text.encode("utf-8") if raw.text is not None else None, meta, raw.annotation):
        digest.update(b"-" if part is None else b"+%d:" % len(part))
        digest.update(part or b"")
    return digest.digest()
