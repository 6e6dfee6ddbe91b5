"""An annotator's kit for independent annotation: exactly what one annotator is given, and its manifest.

A kit is a fresh folder holding the texts to annotate, the guidelines, the schemas and taxonomy, one
worked example (a document of a tuning split with its gold) and a standalone check (kit_check.py as
`check.py`); nothing else of the repository, no gold or pre-annotation of the documents, no other
annotator's version. The manifest lists every file given with its SHA-256, so that a record of double
annotation can show what each annotator had.

A correction kit (`correct=True`) is the start of `reviewed` gold: the same folder, plus the root's
pre-annotation of each document in `annotations/`, its ids prefixed, for the annotator to correct. It
is never made for a `test` document (those are annotated twice from scratch) nor from gold.
Imports core only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import CorpusError, Issue, UsageError
from ..core.guidelines import GUIDELINES_FILE, guidelines_version
from ..core.paths import locate_root, locate_schema_dir
from ..core.store import dump_json, read_document, write_atomic
from ..core.versions import prefixed

SCHEMAS = ("annotation.schema.json", "span.schema.json", "document.schema.json", "taxonomy.json")
# A prefix is the start of every id the annotator mints, so it must itself start an id (schema: id).
PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Only documents of a tuning split may be the worked example: a test document's gold would be an answer.
EXAMPLE_SPLITS = ("train", "validation")
# Test documents are annotated twice from scratch: a correction of the pre-annotation would inflate agreement.
CORRECTION_SPLITS = EXAMPLE_SPLITS

INSTRUCTIONS = """# Annotation kit

Annotate each text in `documents/` under `GUIDELINES.md`, on all four layers (entities, events,
quotes, figures), and write `annotations/<doc_id>.json` for each, following
`schema/annotation.schema.json` (labels: `schema/taxonomy.json`). `example/` holds one document
annotated the same way. Offsets are Unicode code points, 0-based, end-exclusive; every span stores
its text. Start every id with `{prefix}` (`{prefix}ev1`, `{prefix}ent-army`). Set `schema_version` as the schema requires,
`provenance` to `{{"kind": "gold", "annotators": ["<your name>"], "guidelines": "{guidelines}"}}`
and `text_sha256` to the SHA-256 of the UTF-8 text.

Work only with what is in this folder: no other file, repository, annotation or tool output.
`python check.py` checks your files against the schema, the texts, the taxonomy and the id prefix
(it knows no answers). Documents: {documents}.
"""

CORRECTION = """
**This kit is a correction.** `annotations/` already holds the rule-based pre-annotator's output for
each document (its ids start with `{prefix}` too): correct it into a complete annotation under the
guidelines (add what is missing, fix or delete what is wrong), then set `provenance` as above.
"""
# A correction kit gives the pre-annotation, which the plain kit's README forbids.
CORRECTION_INSTRUCTIONS = (
    INSTRUCTIONS.replace("no other file, repository, annotation or tool output", "no other file or repository")
    + CORRECTION
)


def _example(example_root: Path, example_id: str) -> tuple[str, dict[str, Any]]:
    doc = read_document(example_root, example_id)
    if (
        doc.metadata is None
        or doc.metadata.get("split") not in EXAMPLE_SPLITS
        or (doc.annotation or {}).get("provenance", {}).get("kind") != "gold"
    ):
        raise UsageError(f"--example {example_id}: the worked example must be a gold document of a train or "
                         "validation split")  # fmt: skip
    return str(doc.text), dict(doc.annotation or {})


def _prediction(root: Path, doc_id: str) -> dict[str, Any]:
    """The pre-annotation a correction kit starts from: the root's annotation of a train/validation document,
    a prediction (gold is no pre-annotation; a test document is not corrected but annotated from scratch)."""
    doc = read_document(root, doc_id)
    file = f"annotations/{doc_id}.json"
    if (doc.metadata or {}).get("split") not in CORRECTION_SPLITS:
        raise UsageError(f"--correct {doc_id}: only train and validation documents are corrected; test documents "
                         "are annotated twice from scratch")  # fmt: skip
    if doc.issues or not isinstance(doc.annotation, dict):
        raise CorpusError(doc.issues or [Issue(code="annotation-missing", file=file, path="$", ann_id=doc_id,
                                               message="a correction kit needs the pre-annotation")])  # fmt: skip
    if doc.annotation.get("provenance", {}).get("kind") != "prediction":
        raise UsageError(f"--correct {doc_id}: {file} is not a prediction; a correction starts from the pre-annotation")
    return dict(doc.annotation)


def build_kit(
    root: Path,
    doc_ids: list[str],
    out: Path,
    prefix: str,
    example_root: Path,
    example_id: str,
    correct: bool = False,
) -> dict[str, Any]:
    """Write the kit for `doc_ids` of `root` into the new folder `out`; return its manifest. With `correct`, a
    correction kit (see the module)."""
    if not PREFIX.fullmatch(prefix):
        raise UsageError(f"--prefix {prefix!r}: a letter, then letters, digits or '-' (every id starts with it)")
    if os.path.lexists(out) and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"--out {out} exists and is not an empty folder; a kit starts from nothing")
    texts = {}
    for doc_id in doc_ids:
        doc = read_document(root, doc_id)
        if doc.metadata is None:
            raise CorpusError([Issue(code="document-missing", file=f"corpus/{doc_id}.json", path="$", ann_id=None,
                                     message="no such document in the corpus")])  # fmt: skip
        if doc.text is None:
            raise CorpusError([Issue(code="text-missing", file=f"corpus/{doc_id}.txt", path="$", ann_id=None,
                                     message="a kit needs the text of every document it holds")])  # fmt: skip
        texts[doc_id] = str(doc.text)
    example_text, example_ann = _example(example_root, example_id)
    files: dict[str, bytes] = {f"documents/{d}.txt": t.encode("utf-8") for d, t in texts.items()}
    if correct:
        files |= {f"annotations/{d}.json": dump_json(prefixed(_prediction(root, d), prefix)) for d in doc_ids}
    files[f"example/{example_id}.txt"] = example_text.encode("utf-8")
    files[f"example/{example_id}.json"] = dump_json(example_ann)
    files["GUIDELINES.md"] = (locate_root() / GUIDELINES_FILE).read_bytes()  # the guidelines in force, as the version
    files.update({f"schema/{name}": (locate_schema_dir() / name).read_bytes() for name in SCHEMAS})
    files["check.py"] = resources.files("conflict_news.grow").joinpath("kit_check.py").read_bytes()
    files["kit.json"] = dump_json({"prefix": prefix, "documents": doc_ids})
    files["README.md"] = (
        (CORRECTION_INSTRUCTIONS if correct else INSTRUCTIONS)
        .format(prefix=prefix, guidelines=guidelines_version(), documents=", ".join(doc_ids))
        .encode("utf-8")
    )
    for rel, data in sorted(files.items()):
        write_atomic(out / rel, data)
    (out / "annotations").mkdir(exist_ok=True)
    return {
        "prefix": prefix,
        "documents": doc_ids,
        **({"start": "pre-annotation"} if correct else {}),
        "guidelines": guidelines_version(),
        "example": example_id,
        # the bytes just written, hashed as they were given rather than read back
        "files": {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(files.items())},
    }


def manifest_json(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
