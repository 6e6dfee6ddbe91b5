"""A full Label Studio JSON export -> our annotation files, checked, diffed, then written atomically.

Per task, the annotation marked ground_truth is the one imported; a task with a single (not
cancelled) annotation needs no mark. Several annotators and no ground truth is an error: choosing
one silently would lose the others' work (`conflict-news adjudicate` resolves them). Drafts and
cancelled (skipped) annotations are never imported. Nothing is written unless every task of the
export is clean, and an existing gold file is only replaced when the caller says so.

Every annotation is also compared with the pre-annotation it started from (its parent prediction,
which the full export carries): what the annotator accepted, changed, deleted and added (items.py).
The imported file says who made each item: an item the annotator left as it was keeps the record it
came with (the pushed provenance travels in the task's data), every other item is the annotator's.

A file export is read one task at a time (ijson), and the annotations to write wait in a spool file
until every task has been checked: an export of 100 000 tasks is ~15 GB of JSON, which parsed whole
would need ~160 GiB. What stays in memory per task is its ids and its diff. From POOL_BYTES of export
on, worker processes convert and check batches of tasks while this process reads the next ones.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import ijson
import orjson
from tqdm import tqdm

from ..core.errors import CorpusError, Issue
from ..core.fastcheck import Labels
from ..core.guidelines import guidelines_version
from ..core.items import Corrections, compare, file_provenance, item_provenance
from ..core.limits import MAX_JSON_DEPTH
from ..core.model import LAYERS
from ..core.paths import check_root
from ..core.pool import count_workers, map_in_order, paused_gc
from ..core.schemas import is_doc_id, iter_schema_errors
from ..core.store import RawDocument, annotation_path, dump_json, open_regular, text_path
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.textnorm import hash_text
from ..core.txn import Transaction, locked, writing
from ..core.validate import check_built_document, read_checked_document
from .rebuild import LayerBuilder
from .regions import ResultReader
from .tasks import PRE_ANNOTATION, build_result, pre_annotation_name
from .users import annotator_email

READ_BYTES = 1 << 20
MAX_LINE = 64 * 1024 * 1024  # a task of ~350 regions is ~150 KB: a longer line is no task of a framed export

# The task count is unknown until the stream ends, so the file size decides: ~150 KB per task of
# ~350 regions, i.e. a pool from ~200 such tasks on, where it starts to pay for its start-up.
POOL_BYTES = 32 * 1024 * 1024
TASKS_PER_BATCH = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerDiff:
    doc_id: str
    annotator: str
    layer: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(slots=True, kw_only=True)
class ImportOutcome:
    imported: list[str] = field(default_factory=list)  # documents whose chosen annotation is clean
    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)  # theirs, unless spooled
    diffs: list[LayerDiff] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unannotated: list[str] = field(default_factory=list)  # tasks with only drafts, skips or nothing
    corrections: list[Corrections] = field(default_factory=list)  # one per clean annotation
    changed: list[str] = field(default_factory=list)  # documents whose file the import would rewrite


def convert_annotation(
    result: list[dict[str, Any]], text: str, tax: Taxonomy, file: str, at: str
) -> tuple[dict[str, Any], list[Issue]]:
    """One annotation's result list -> our four layers, and the issues found on the way."""
    read = ResultReader(tax, text, file, at).read(result)
    builder = LayerBuilder(read, tax, file, at)
    layers = builder.build()
    return layers, read.issues + builder.issues


def diff_layers(doc_id: str, annotator: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[LayerDiff]:
    diffs = []
    for layer in LAYERS:
        if old is not None and old.get(layer, []) == new[layer]:  # the usual re-import: nothing to match by id
            diffs.append(LayerDiff(doc_id=doc_id, annotator=annotator, layer=layer, added=(), removed=(), changed=()))
            continue
        before = {item["id"]: item for item in (old or {}).get(layer, [])}
        after = {item["id"]: item for item in new[layer]}
        diffs.append(
            LayerDiff(
                doc_id=doc_id,
                annotator=annotator,
                layer=layer,
                added=tuple(i for i in after if i not in before),
                removed=tuple(i for i in before if i not in after),
                changed=tuple(i for i in after if i in before and before[i] != after[i]),
            )
        )
    return diffs


class ExportImporter:
    """Checks the tasks of an export one by one; the clean annotations go to `spool` (JSON lines) when
    one is given, else into the outcome's `annotations`. Unchanged annotations are not spooled."""

    def __init__(
        self,
        root: Path,
        file: str,
        users: dict[int, str] | None = None,
        tax: Taxonomy | None = None,
        spool: IO[bytes] | None = None,
    ) -> None:
        self.root, self.file, self.users, self.spool = root, file, users or {}, spool
        self.tax = tax or load_taxonomy()
        self.labels = Labels.of(self.tax)
        self.out = ImportOutcome()
        self.overwrite_gold = False
        self.report_only = False  # check and report every annotation; choose and write none

    def report(self, code: str, path: str, message: str, ann_id: str | None = None) -> None:
        self.out.issues.append(Issue(code=code, file=self.file, path=path, ann_id=ann_id, message=message))

    def run(self, tasks: Iterable[Any], overwrite_gold: bool = False) -> ImportOutcome:
        self.overwrite_gold = overwrite_gold
        if not isinstance(tasks, Iterable) or isinstance(tasks, (dict, str, bytes)):
            self.report("ls-export-invalid", "$", "expected a list of tasks (Label Studio's JSON export)")
            return self.out
        for i, task in enumerate(tasks):
            self.import_item(i, task)
        return self.out

    def import_item(self, i: int, task: Any) -> None:
        if isinstance(task, dict) and isinstance(task.get("data"), dict):
            self.import_task(task, f"$[{i}]")
        else:
            self.report("ls-export-invalid", f"$[{i}]", "expected a task with data (Label Studio's JSON export)")

    def unreadable(self, exc: BaseException) -> None:
        """Report why the export could not be read to its end (one of _UNREADABLE)."""
        if isinstance(exc, CorpusError):
            self.out.issues += exc.issues
        elif isinstance(exc, FileNotFoundError):
            self.report("input-missing", "$", "no such file")
        elif isinstance(exc, NestingTooDeep):
            self.report("limit-exceeded", "$", f"the export is {exc}")
        else:
            self.report("ls-export-invalid", "$", f"not a readable JSON export: {exc}")

    def merge(self, part: ImportOutcome) -> None:
        self.out.issues += part.issues
        self.out.diffs += part.diffs
        self.out.imported += part.imported
        self.out.unannotated += part.unannotated
        self.out.corrections += part.corrections
        self.out.changed += part.changed

    def annotations_of(self, task: dict[str, Any], at: str) -> list[tuple[int, dict[str, Any]]] | None:
        """The task's annotations that count (not cancelled), each checked to be an object with typed flags.

        None, with an issue, when one is malformed: a `result` that is null or an object is not an
        empty annotation (that is []), and importing it as one would replace gold with nothing.
        """
        annotations = task.get("annotations", [])
        if not isinstance(annotations, list):
            self.report("ls-export-invalid", f"{at}.annotations", "expected a list of annotations")
            return None
        kept = []
        for j, annotation in enumerate(annotations):
            where = f"{at}.annotations[{j}]"
            if not isinstance(annotation, dict):
                self.report("ls-export-invalid", where, "expected an annotation object")
                return None
            flags = [k for k in ("was_cancelled", "ground_truth") if not isinstance(annotation.get(k, False), bool)]
            if flags:
                self.report("ls-export-invalid", f"{where}.{flags[0]}", "expected true or false")
                return None
            if annotation.get("was_cancelled"):
                continue
            if not isinstance(annotation.get("result"), list):
                self.report(
                    "ls-export-invalid",
                    f"{where}.result",
                    f"expected a list of results, not {type(annotation.get('result')).__name__}"
                    " (an annotation with no region has [])",
                )
                return None
            kept.append((j, annotation))
        return kept

    def import_task(self, task: dict[str, Any], at: str) -> None:
        doc_id, text = task["data"].get("doc_id"), task["data"].get("text")
        # An id that is no id (`../../x`, a NUL) names no document and is never made into a path.
        raw, stored_issues = (
            read_checked_document(self.root, doc_id, self.tax, self.labels) if is_doc_id(doc_id) else (None, [])
        )
        if raw is None or not text_path(self.root, raw.doc_id).exists() or raw.text != text:
            self.report("ls-task-mismatch", f"{at}.data", f"task {doc_id!r}: no corpus document with this id and text")
            return
        assert isinstance(text, str)
        kept = self.annotations_of(task, at)
        if kept is None:
            return
        # The file as it is, when it is one; a damaged file is treated as gold, which is never replaced unasked.
        current = raw.annotation if not any(iter_schema_errors("annotation", raw.annotation)) else None
        gold = current["provenance"]["kind"] == "gold" if current else annotation_path(self.root, raw.doc_id).exists()
        # A clean stored file reads back from the result `tasks` makes of it exactly (the round trip the
        # tests hold), so an annotation whose result is that one needs no conversion: the usual re-import.
        stored = _Stored(current if current is not None and not stored_issues else None)
        converted = []
        for j, annotation in kept:
            layers, issues = stored.layers_of(annotation["result"]) or convert_annotation(
                annotation["result"], text, self.tax, self.file, f"{at}.annotations[{j}]"
            )
            self.out.issues.extend(issues)
            who = annotator_email(annotation, self.users)
            if who is None:  # counted (a second annotation still needs adjudication), never written
                self.report("ls-annotator-unknown", f"{at}.annotations[{j}].completed_by",
                            f"annotator {annotation.get('completed_by')!r} has no e-mail in the export or the user "
                            "list: pull from the server, or import with --users", raw.doc_id)  # fmt: skip
                converted.append((True, annotation, "", layers))
                continue
            self.out.diffs.extend(diff_layers(raw.doc_id, who, current, layers))
            if not issues:
                base, started = starting_point(annotation, layers, text, self.tax, task["data"])
                counts = compare(base or {}, layers)
                self.out.corrections.append(
                    Corrections(doc_id=raw.doc_id, annotator=who, started_from=started, counts=counts)
                )
            converted.append((bool(issues), annotation, who, layers))
        if self.report_only:
            if not converted:
                self.out.unannotated.append(raw.doc_id)
            return
        chosen = [c for c in converted if c[1].get("ground_truth")] if len(converted) > 1 else converted
        if len(chosen) > 1 or (converted and not chosen):
            self.report(
                "ls-no-adjudication",
                f"{at}.annotations",
                f"{len(converted)} annotations, {len(chosen)} marked ground truth: mark exactly one, or run conflict-news adjudicate",
                raw.doc_id,
            )
        if not converted:
            self.out.unannotated.append(raw.doc_id)
        if len(chosen) != 1:
            return
        broken, annotation, who, layers = chosen[0]
        if broken:  # already reported; validating a half-read annotation would only echo those issues
            return
        old_prov = current["provenance"] if current else {}
        guidelines = task["data"].get("guidelines") or old_prov.get("guidelines") or guidelines_version()
        base, started = starting_point(annotation, layers, text, self.tax, task["data"])
        # Started from the pushed pre-annotation: its provenance came along in the task's data; else the
        # annotation was made beside the stored file, whose provenance is the one to keep.
        if started and isinstance(task["data"].get("provenance"), dict):
            items = item_provenance(layers, who, base, task["data"]["provenance"])
        else:  # the stored layers themselves when they were reused: every item kept as it was
            items = item_provenance(layers, who, layers if stored.reused(layers) else current, old_prov)
        ann = {"schema_version": "1.0", "doc_id": raw.doc_id, "text_sha256": hash_text(text),
               "provenance": file_provenance(guidelines, items, who), **layers}  # fmt: skip
        candidate = RawDocument(doc_id=raw.doc_id, text=text, metadata=raw.metadata, annotation=ann)
        issues = check_built_document(self.root, candidate, self.tax, self.labels)
        if issues:  # a broken change is reported as broken, whether or not it touches gold
            self.out.issues.extend(issues)
            return
        self.out.imported.append(raw.doc_id)
        unchanged = current is not None and all(current[layer] == ann[layer] for layer in LAYERS)
        if not unchanged and gold and not self.overwrite_gold:
            self.report(
                "ls-gold-protected",
                at,
                f"annotations/{raw.doc_id}.json is gold and would change; pass --overwrite-gold",
                raw.doc_id,
            )
        if not unchanged:
            self.out.changed.append(raw.doc_id)
        if self.spool is None:
            self.out.annotations[raw.doc_id] = ann
        elif not unchanged:
            self.spool.write(orjson.dumps(ann) + b"\n")


class _Stored:
    """The stored file's layers, given out for an annotation whose result is the one `tasks` builds from
    that file (built once per task, when first asked).

    Results are compared as JSON bytes, not with ==, for which 0 == 0.0 == False: a number or flag of
    another type is the converter's to refuse or normalise. First as `tasks` wrote them; then, for the
    editor's copies (another key order, `origin` marks), with sorted keys and without the marks."""

    def __init__(self, clean: dict[str, Any] | None) -> None:
        self.clean = clean if clean is not None and _round_trips(clean) else None
        self.built: list[dict[str, Any]] | None = None
        self.plain = self.sorted = b""
        self.given: list[dict[str, Any]] = []

    def layers_of(self, result: list[Any]) -> tuple[dict[str, Any], list[Issue]] | None:
        if self.clean is None:
            return None
        if self.built is None:
            self.built = build_result(self.clean)
            self.plain = _json(self.built)
        if _json(result) != self.plain:
            if not self.sorted:
                self.sorted = _json(self.built, orjson.OPT_SORT_KEYS)
            if _json(_without_origin(result), orjson.OPT_SORT_KEYS) != self.sorted:
                return None
        self.given.append({layer: self.clean[layer] for layer in LAYERS})
        return self.given[-1], []

    def reused(self, layers: dict[str, Any]) -> bool:
        return any(layers is given for given in self.given)


def _json(result: Any, option: int = 0) -> bytes:
    try:
        return orjson.dumps(result, option=option)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: never the stored file's result
        return b"?"


def _round_trips(ann: dict[str, Any]) -> bool:
    """Whether converting the result `tasks` makes of a clean file gives the file back: not for a time whose
    anchor_event is written as null (converting leaves it out), an event whose relations to one target
    are not together (`tasks` merges them per pair of ends), a figure number written as 12.0, or an
    entity affiliated to itself (a self-link, which converting refuses)."""
    for ev in ann["events"]:
        if ev["time"] is not None and "anchor_event" in ev["time"] and ev["time"]["anchor_event"] is None:
            return False
        targets = [r["target"] for r in ev["relations"]]
        runs = [t for i, t in enumerate(targets) if i == 0 or targets[i - 1] != t]
        if len(set(runs)) != len(runs):
            return False
    numbers = (fig[k] for fig in ann["figures"] for k in ("value", "lower", "upper"))
    if any(isinstance(n, float) and n.is_integer() for n in numbers):  # 12.0 comes back as 12
        return False
    return all(ent.get("affiliation") != ent["id"] for ent in ann["entities"])


def _without_origin(result: Any) -> Any:
    # The editor marks results it copied from a prediction with `origin`; the content is what counts.
    return [{k: v for k, v in r.items() if k != "origin"} if isinstance(r, dict) else r for r in result]


def starting_point(
    annotation: dict[str, Any], layers: dict[str, Any], text: str, tax: Taxonomy, data: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The layers of the pre-annotation an annotation started from, and its name; (None, "") when it
    started from nothing, or from a prediction that no longer reads cleanly.

    Every prediction we push has one model_version (tasks.PRE_ANNOTATION), so the name (gold or which
    rules) comes from the provenance in the task's `data`; a prediction pushed before that (or by
    someone else) is named by its own model_version."""
    prediction = annotation.get("prediction")
    if not isinstance(prediction, dict) or not isinstance(prediction.get("result"), list):
        return None, ""
    version = prediction.get("model_version")
    named = pre_annotation_name(data) if version == PRE_ANNOTATION else None
    started = named or str(version or f"prediction {prediction.get('id')}")
    if _without_origin(prediction["result"]) == _without_origin(annotation.get("result") or []):
        return layers, started  # accepted as it came: no second conversion
    base, issues = convert_annotation(prediction["result"], text, tax, "prediction", "$")
    return (None, "") if issues else (base, started)


class NestingTooDeep(ValueError):
    """An export nested deeper than MAX_JSON_DEPTH."""


class _DepthGuard:
    """The export file as the parser reads it, refusing nesting deeper than MAX_JSON_DEPTH before the parser
    meets it: ijson's cost grows with the square of the depth (its prefix strings), so 40 KB of
    20 000 levels would take a gigabyte.

    Each chunk is reduced with bytes methods only (a few hundred MB/s, a fraction of the parse):
    escapes dropped, then everything but quotes and brackets, then the strings; what is left are
    brackets outside strings, from which an upper bound of the depth reached follows.
    """

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.depth = 0  # outside strings, at the end of what was scanned
        self.in_string = False
        self.carry = b""  # a run of backslashes at the end of a chunk, whose pairing the next chunk decides

    def read(self, size: int = -1) -> bytes:
        chunk = self.f.read(size)
        data = self.carry + chunk
        kept = data.rstrip(b"\\") if chunk else data
        self.carry = data[len(kept) :]
        self.scan(kept)
        return chunk

    def scan(self, data: bytes) -> None:
        if b"\\" in data:
            data = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # escaped backslashes first, then escaped quotes
        marks = data.translate(None, _NOT_STRUCTURE)
        if self.in_string:
            marks = b'"' + marks
        self.in_string = marks.count(b'"') % 2 == 1
        if self.in_string:
            marks += b'"'
        marks = marks.replace(b'""', b"")  # strings without brackets; left-to-right pairing keeps outside text outside
        if b'"' in marks:
            marks = _STRING.sub(b"", marks)
        brackets = marks.translate(_BRACKETS)
        nested = 0  # depth of the matched pairs, peeled innermost first
        while b"()" in brackets and nested <= MAX_JSON_DEPTH:
            brackets = brackets.replace(b"()", b"")
            nested += 1
        closes = brackets.count(b")")  # what is left is ")))(((": unmatched closes, then unmatched opens
        after = self.depth - closes + (len(brackets) - closes)
        if max(self.depth, after) + nested > MAX_JSON_DEPTH:
            raise NestingTooDeep(f"nested more than {MAX_JSON_DEPTH} levels deep (limits.MAX_JSON_DEPTH)")
        self.depth = after


# Why an export cannot be read to its end. JSONEncodeError: ijson's pure-Python backends (where its
# C one is not built) let integers beyond 64 bits through, which orjson cannot copy to a worker; the
# C backend rejects them.
_UNREADABLE = (OSError, ijson.JSONError, orjson.JSONEncodeError, NestingTooDeep, CorpusError)
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'"[]{}')
_BRACKETS = bytes.maketrans(b"[]{}", b"()()")
_STRING = re.compile(rb'"[^"]*"')
# Digits to 0, all else to a dot: a run of 19 digits (a number beyond 64 bits, for ijson) is then a plain find.
_DIGITS = bytes.maketrans(bytes(range(256)), bytes(48 if 48 <= c <= 57 else 46 for c in range(256)))


def read_export(path: Path) -> Iterator[Any]:
    """The items of the JSON array in `path`, one at a time (ijson.JSONError if it is not JSON).

    The export must be a regular file (CorpusError otherwise: a FIFO would block for ever), may be
    a link (the user names it), and may nest at most MAX_JSON_DEPTH levels (NestingTooDeep).
    An array written one task per line (as `pull` and `framed_export` write it) is read line by
    line with orjson, several times faster than ijson; at the first line that is not one task of
    such an array, ijson reads the file from the start and the items already given are skipped.
    """
    with open_regular(path, path.name, follow=True) as f:
        first = f.read(1)
        while first.isspace():
            first = f.read(1)
        if first != b"[":
            raise ijson.JSONError("expected a JSON array of tasks (Label Studio's JSON export)")
        f.seek(0)
        given = 0
        try:
            for item in _framed_items(_DepthGuard(f)):
                yield item
                given += 1
            return
        except (_NotFramed, NestingTooDeep, OSError):
            # ijson may give an item the line reader had not ended yet before it meets the same error,
            # so it reads the file again from the start; it is never behind the items already given
            f.seek(0)
        yield from islice(ijson.items(_DepthGuard(f), "item", use_float=True, buf_size=READ_BYTES), given, None)


class _NotFramed(Exception):
    """A line of the export is not one task of an array written one task per line."""


def _framed_items(guard: _DepthGuard) -> Iterator[Any]:
    """The items of an array written as `[`, one item per line each but the last followed by a comma, `]`;
    _NotFramed at the first line that breaks that form (a chunk is scanned by the guard before any
    item of it is given, as ijson reads it)."""
    lines = _lines(guard)
    opening = next(lines, b"").strip()
    if not opening.startswith(b"["):
        raise _NotFramed
    pending = opening[1:].strip()  # the first item may share the bracket's line
    more = True  # an item must follow: after `[` or an item's comma
    for line in chain([pending] if pending else [], lines):
        line = line.strip()
        if line == b"]" and not more:
            if any(rest.strip() for rest in lines):
                raise _NotFramed
            return
        if not more or not line.startswith(b"{"):
            raise _NotFramed
        more = line.endswith(b",")
        item = line[:-1] if more else line
        try:
            # ijson refuses integers beyond 64 bits, which orjson reads as floats: a line with a run of 19
            # digits (most often inside a hash) is ijson's to read, and a line it refuses the whole file's
            if b"0" * 19 in item.translate(_DIGITS):
                (value,) = ijson.items(io.BytesIO(item), "", use_float=True)  # read to its end: trailing text fails
                yield value
            else:
                yield orjson.loads(item)
        except (orjson.JSONDecodeError, ijson.JSONError):
            raise _NotFramed from None
    raise _NotFramed  # no closing bracket


def _lines(guard: _DepthGuard) -> Iterator[bytes]:
    """The file's lines; _NotFramed at a line longer than MAX_LINE (an export on one line is ijson's)."""
    parts: list[bytes] = []  # the pieces of the line not yet ended, joined once it ends
    size = 0
    while chunk := guard.read(READ_BYTES):
        *ended, rest = chunk.split(b"\n")
        if ended:
            yield b"".join([*parts, ended[0]])
            yield from ended[1:]
            parts, size = [], 0
        parts.append(rest)
        size += len(rest)
        if size > MAX_LINE:
            raise _NotFramed
    if size:
        yield b"".join(parts)


def framed_export(tasks: Iterable[Any]) -> bytes:
    """A JSON array with one task per line, which read_export reads fastest."""
    return b"[\n" + b",\n".join(map(orjson.dumps, tasks)) + b"\n]\n"


def _batches(tasks: Iterable[Any], encode: bool) -> Iterator[list[tuple[int, Any]]]:
    """Numbered tasks in batches; encoded as JSON for a worker (orjson both ways beats pickle ~3x)."""
    numbered = enumerate(tasks)
    while batch := list(islice(numbered, TASKS_PER_BATCH)):
        yield [(i, orjson.dumps(task) if encode else task) for i, task in batch]


def _import_batch(
    root: Path, file: str, users: dict[int, str], flags: tuple[bool, bool], batch: list[tuple[int, Any]]
) -> tuple[ImportOutcome, bytes]:
    """One batch of tasks (in a worker process when there are several): its outcome and spooled lines."""
    spool = io.BytesIO()
    importer = ExportImporter(root, file, users, spool=spool)
    importer.overwrite_gold, importer.report_only = flags
    with paused_gc():
        for i, task in batch:
            importer.import_item(i, orjson.loads(task) if isinstance(task, bytes) else task)
    return importer.out, spool.getvalue()


def import_export(
    path: Path,
    root: Path,
    overwrite_gold: bool = False,
    users: dict[int, str] | None = None,
    workers: int | None = None,
    progress: bool = False,
    report_only: bool = False,
) -> ImportOutcome:
    """Read, check and (if everything is clean) write; a file whose layers did not change is left alone.

    `workers` processes convert and check the tasks (default: every core from POOL_BYTES of export on);
    `progress` shows a bar of the tasks read on stderr; `report_only` checks and reports every
    annotation (diffs, corrections) of a project still being annotated, and writes nothing.
    """
    root = check_root(root)
    importer = ExportImporter(root, path.name, users)
    with locked(root), tempfile.TemporaryFile() as spool, paused_gc():
        try:
            count = count_workers(workers, path.stat().st_size, POOL_BYTES)
            work = partial(_import_batch, root, path.name, users or {}, (overwrite_gold, report_only))
            tasks = tqdm(read_export(path), unit="task", desc="import", disable=not progress)
            for part, lines in map_in_order(work, _batches(tasks, count > 1), count):
                importer.merge(part)
                with writing(f"a temporary file in {tempfile.gettempdir()}"):
                    spool.write(lines)
        except _UNREADABLE as exc:
            importer.unreadable(exc)
        out = importer.out
        twice = sorted(doc_id for doc_id, n in Counter(out.changed).items() if n > 1)
        if twice:
            importer.report("ls-export-invalid", "$", f"several tasks change document(s) {', '.join(twice)}")
        if out.issues:
            return out
        spool.seek(0)
        with Transaction(root) as txn:
            for line in spool:
                ann = orjson.loads(line)
                txn.add_file(annotation_path(root, ann["doc_id"]), dump_json(ann), replace=True)
                out.written.append(ann["doc_id"])
            txn.commit()
    return out


def read_tasks(path: Path) -> tuple[list[dict[str, Any]], list[Issue]]:
    """The tasks of the export at `path` with the shape `agreement` reads (data.text a string, typed
    annotations), and an issue for each that has another; no corpus root is needed."""
    checker = ExportImporter(path.parent, path.name)
    tasks = []
    try:
        for i, task in enumerate(read_export(path)):
            at = f"$[{i}]"
            if not (
                isinstance(task, dict)
                and isinstance(task.get("data"), dict)
                and isinstance(task["data"].get("text"), str)
            ):
                checker.report("ls-export-invalid", at, "expected a task whose data has a text")
            elif checker.annotations_of(task, at) is not None:
                tasks.append(task)
    except _UNREADABLE as exc:
        checker.unreadable(exc)
    return tasks, checker.out.issues


def format_diffs(diffs: list[LayerDiff]) -> str:
    rows = [("document", "annotator", "layer", "added", "removed", "changed")]
    rows += [
        (d.doc_id, d.annotator, d.layer, str(len(d.added)), str(len(d.removed)), str(len(d.changed))) for d in diffs
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    details = [f"  {d.doc_id} {d.annotator} {d.layer} {sign} {', '.join(ids)}" for d in diffs
               for sign, ids in (("+", d.added), ("-", d.removed), ("~", d.changed)) if ids]  # fmt: skip
    return "\n".join(lines + details) + "\n"
