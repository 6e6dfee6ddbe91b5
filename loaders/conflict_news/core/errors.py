"""Validation issues and the exception that carries them.

Every issue has a stable code (the keys of CODES), the file it was found in (relative to the corpus
root), a location inside that file (a JSONPath such as $.events[3].trigger, and a line and column
where the file is read as lines or does not parse as JSON), where one applies the id of the
annotation concerned, and the other places it points to (Related: where a duplicate id was first
used, where a dangling reference looked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

_CODES: dict[str, str] = {
    "file-unreadable": "A file could not be read.",
    "file-symlink": "A file or folder inside a corpus root, or found in an input folder, is a symbolic link; links are not followed.",
    "file-not-regular": "A path that must be a regular file is a folder, FIFO, device or socket.",
    "limit-exceeded": "An input is over a documented limit (file size, nesting depth, id length, articles in a batch).",
    "json-invalid": "A JSON file does not parse.",
    "schema-violation": "A record does not follow its JSON Schema.",
    "text-decode-error": "A text file is not valid UTF-8.",
    "text-not-normalized": "A stored text differs from its normalised form (rule cnc-norm-1).",
    "text-hash-mismatch": "A document's text_sha256 or text_length does not describe its stored text.",
    "metadata-missing": "A text in corpus/ has no metadata record.",
    "text-missing": "A metadata record in corpus/ has no text.",
    "annotation-missing": "A document has no annotation file.",
    "document-missing": "An annotation file names a document that is not in the corpus.",
    "id-mismatch": "A record's id differs from the id its file name gives.",
    "annotation-stale": "An annotation was made against another version of the text.",
    "duplicate-id": "An id is used twice within one annotation file.",
    "duplicate-annotation": "Two annotations of one layer have the same type and span.",
    "offset-not-integer": "A span offset or text length is written as a number with a fraction or exponent (1022.0); offsets are integers.",
    "span-out-of-range": "A span ends past the end of the text.",
    "span-inverted": "A span's end is not after its start.",
    "span-text-mismatch": "A span's text differs from the text it covers.",
    "span-splits-character": "A span boundary falls inside a user-perceived character (before a combining mark or joiner).",
    "span-edge-whitespace": "A span starts or ends with whitespace.",
    "dangling-reference": "A reference names no annotation of the expected layer.",
    "unknown-label": "A type, role, property or other label is not in schema/taxonomy.json.",
    "role-not-allowed": "An argument's role is not allowed for its event type.",
    "relation-to-self": "An event relation points at its own event.",
    "factuality-conflict": "An event's modality and polarity contradict each other.",
    "trigger-overlap": "Two event triggers overlap (guidelines TRG-1; gold only).",
    "relation-pair-not-allowed": "An event relation links types that taxonomy.relation_pairs does not allow for it, such as same_as across categories (gold only).",
    "relation-target-not-earlier": "A relation whose target must be an earlier mention (same_as) points to an event whose trigger does not start before its own (gold only).",
    "relation-cycle": "A chain of one event relation leads back to the event it started from (gold only).",
    "anchor-event-missing": "A time anchored to an event (anchor `event`) names no other event as its anchor_event (gold only).",
    "mention-not-unique": "A span is a mention of two entities, or twice of one (guidelines ENT-2; gold only).",
    "entity-not-in-span": "An argument or quote source carries an entity id, but its span contains no mention of that entity (gold only).",
    "quote-marks-mismatch": "A quote content breaks its type's quotation marks: a direct one is not exactly the text between marks, a mixed one holds no quoted fragment, an indirect one holds a mark (gold only).",
    "quote-events-mismatch": "A quote's events list is not exactly the events whose triggers lie inside its contents (gold only).",
    "figure-quote-mismatch": "A figure inside a quote's content does not name that quote and its speaker as quote and claimant, or one outside every content names a quote (gold only).",
    "figure-event-mismatch": "A figure quantifies an event of a type its property cannot count (taxonomy.figure_events; gold only).",
    "counted-span-mismatch": "A figure's counted_span does not spell its counted noun (gold only).",
    "figure-value-mismatch": "A figure's value does not match the number its text states.",
    "figure-bounds-inconsistent": "A figure's value, lower and upper bounds disagree with its bound type.",
    "distribution-mismatch": "A document's distribution policy differs from what its licence gives, and no maintainer decision is recorded.",
    "rehydrate-unrelated": "A source article given to rehydrate is no copy of any withheld document (neither its hash nor enough of its sentences match).",
    "rehydrate-source-missing": "A withheld document of a standoff release has no copy among the sources given to rehydrate.",
    "rehydrate-span-unplaced": "A span of a withheld document cannot be placed exactly in the user's copy of its text.",
    "input-binary": "An article to add is binary (NUL or control characters), not text.",
    "input-empty": "An article to add has no text after extraction and normalisation.",
    "duplicate-document": "An article to add has the same text as a document already in the corpus or batch.",
    "id-taken": "An id given to a new document is already used in the corpus.",
    "extractor-failed": "A pre-annotation extractor raised an error or returned no annotation mapping for a document.",
    "extractor-error": "The extractor raised an error on a record of a silver run; the record is left out and the run goes on.",
    "release-dirty": "A shipped source has uncommitted changes; a release is cut from a clean commit.",
    "release-stale-data": "data/ or the card differs from what a fresh build writes.",
    "release-version": "The release version is not X.Y.Z or not the SemVer step the changes since the last release require.",
    "release-id-removed": "An id of the previous release is gone without a tombstone in tombstones.json.",
    "release-split-moved": "A released document changed split; splits are frozen.",
    "publish-card-invalid": "The dataset card breaks huggingface_hub's card format or the Hub's conventions (licence, task categories, data files).",
    "publish-text-withheld": "Publishing the full flavour to a public repository would send a text whose distribution policy is standoff.",
    "manifest-file-missing": "A file listed in MANIFEST (or MANIFEST itself) is not present.",
    "manifest-file-unlisted": "A shipped file is not listed in MANIFEST.",
    "manifest-hash-mismatch": "A shipped file's SHA-256 or size differs from MANIFEST.",
    "manifest-line-invalid": "A MANIFEST line is not 'SHA256  BYTES  PATH'.",
    "manifest-version-mismatch": "MANIFEST was written for another version than the package's.",
    "ls-export-invalid": "A Label Studio export does not parse or is not a list of tasks.",
    "ls-task-mismatch": "A Label Studio task names no corpus document, or its text differs from the stored text.",
    "ls-unknown-label": "A Label Studio result uses a label, control, choice or relation label not in the labeling config.",
    "ls-span-inverted": "A Label Studio region's start is not before its end.",
    "ls-span-out-of-range": "A Label Studio region lies outside its task's text.",
    "ls-span-text-mismatch": "A Label Studio region's text, normalised, differs from the text its offsets cover.",
    "ls-orphan-attribute": "A Label Studio per-region attribute belongs to no span region, or to one of a label it does not apply to.",
    "ls-relation-dangling": "A Label Studio relation names a region that does not exist.",
    "ls-relation-role": "A Label Studio relation is bidirectional, repeated, or links regions of kinds no link joins or its label does not join.",
    "ls-relation-unlabelled": "A Label Studio relation from an EVENT to an ARGUMENT or EVENT has no label (the argument role or event relation it needs).",
    "ls-self-link": "A Label Studio relation links a region to itself.",
    "ls-region-unlinked": "A Label Studio part region (argument, source, content, ...) has no owner link, or several.",
    "ls-attribute-missing": "A Label Studio region lacks an attribute its annotation requires.",
    "ls-attribute-conflict": "Label Studio mentions of one entity give it different names, types or Wikidata ids.",
    "ls-no-adjudication": "A Label Studio task has several annotations and not exactly one marked ground truth.",
    "ls-gold-protected": "Importing would change a gold annotation file and --overwrite-gold was not given.",
    "ls-review-both-sides": "A Label Studio review keeps more than one annotator's side of one conflicting item of the merged version.",
    "ls-review-anchor-lost": "A time in a Label Studio review counts from a conflicting event of which the reviewer kept no side.",
    "ls-annotator-unknown": "A Label Studio annotation names its annotator by a user id that neither the export nor the user list (the server's, or --users) gives an e-mail for.",
    "root-locked": "Another command was writing the corpus root and still held its lock when the wait ran out.",
    "write-interrupted": "A write into the root was interrupted (the process was killed); the next writing command, or `conflict-news recover`, completes or removes it.",
    "option-invalid": "A command or call asks for what cannot be done as given: an option out of its range, form or choices (a count, a date, an output path, a flavour), arguments that contradict each other or the root, or a verb whose extra is not installed.",
    "card-invalid": "README.md cannot be read as a dataset card (not UTF-8, a front matter without its closing '---', or not a YAML mapping).",
    "revision-invalid": "A version given to diff is neither a folder nor a git revision of the repository.",
    "rehydrate-release-invalid": "A standoff release given to rehydrate has a shard that cannot be read or does not describe its features.",
    "not-a-root": "A folder given as a corpus root is not one: it does not exist, is a file, or holds no corpus/ folder.",
    "input-missing": "A file or folder named as an input does not exist.",
    "journal-invalid": "The journal of an interrupted write (.cnc-txn/journal.json) is malformed or names a path outside the root; nothing of it was applied.",
    "path-outside-root": "A path a command would write lies outside the corpus root: an id with '..' or '/', or a folder on the way that is a symbolic link.",
    "write-failed": "A file or the output could not be written (disk full, no permission, read-only filesystem, closed output); nothing was changed, or a committed write is completed by the next writer or `conflict-news recover`.",
    "source-missing": "A source file an import needs (or its source list or candidates file) is not where the import looks.",
    "source-mismatch": "A source file's SHA-256 differs from the source list's, or it does not read as its source's format.",
    "selection-invalid": "The source list or the candidates file of an import breaks its schema, gives one document id twice or names an article no source holds.",
    "import-differs": "A document in the root differs from what the import makes of its source article (or, checking, is missing); an import never overwrites a document.",
}
# Read-only: the codes are a stable, documented list, not something a caller extends or edits.
CODES: Mapping[str, str] = MappingProxyType(_CODES)

# Codes no longer reported, with what they meant and why they went. A code is never reused: a retired
# one stays here, out of CODES, so that an issue cannot be made with it and docs/validation.md lists it.
_RETIRED: dict[str, str] = {
    "trigger-type-mismatch": "Retired with guidelines 2.0, where a type follows from the trigger's meaning in context, never from the word forms the pre-annotator's lexicon lists. It meant: an event's trigger, as written, is listed in the taxonomy only under other types; no coreferent mention gives it its type, nor is it a sub-type of a listed type's open ACLED event type.",
}
RETIRED: Mapping[str, str] = MappingProxyType(_RETIRED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Related:
    """Another place an issue points to, such as where a duplicated id was first used.

    `note` says what is there ("first used at", "looked for among"); `path` is a JSONPath, or empty;
    `line` is set for a record of a file read as lines (JSONL).
    """

    note: str
    file: str
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        parts = [self.file] + ([str(self.line)] if self.line is not None else []) + ([self.path] if self.path else [])
        return f"{self.note} {':'.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        return {"note": self.note, "file": self.file, "line": self.line, "path": self.path}


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One problem found in the corpus or in an input: a stable code, where it is, and what is wrong.

    `file` is relative to the corpus root (or as given, for an input outside it); `path` is always a
    JSONPath ($.events[3].trigger) or empty; `line` and `column` (1-based) place it in a file read as
    lines or in JSON that does not parse; `ann_id` names the annotation concerned; `related` lists the
    other places it points to. `str()` gives the one-line form the CLI prints, `to_dict()` the JSON one.
    """

    code: str
    file: str
    path: str = ""
    message: str
    ann_id: str | None = None
    line: int | None = None
    column: int | None = None
    related: tuple[Related, ...] = ()

    def __post_init__(self) -> None:
        # Programming errors in this package, not problems of the data: hence not CorpusError.
        if self.code not in CODES:
            raise ValueError(f"unregistered issue code {self.code!r}")
        if self.path and not self.path.startswith("$"):
            raise ValueError(f"issue path {self.path!r} is not a JSONPath")

    @property
    def location(self) -> str:
        """FILE[:LINE[:COLUMN]][:PATH], as compilers and linters print it."""
        parts = [self.file] + [str(n) for n in (self.line, self.column) if n is not None]
        return ":".join(parts + ([self.path] if self.path else []))

    def __str__(self) -> str:
        subject = f"{self.ann_id}: " if self.ann_id else ""
        # A place in the same file is named by its path alone.
        related = "".join(
            f" ({r.note} {r.path})" if (r.file, r.line) == (self.file, None) else f" ({r})" for r in self.related
        )
        return f"{self.location}: [{self.code}] {subject}{self.message}{related}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "file": self.file, "path": self.path, "line": self.line, "column": self.column,
            "ann_id": self.ann_id, "message": self.message, "related": [r.to_dict() for r in self.related],
        }  # fmt: skip


def line_column(data: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `data` (a column counts bytes in bytes, characters in a str)."""
    if isinstance(data, bytes):
        return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)
    return data.count("\n", 0, offset) + 1, offset - data.rfind("\n", 0, offset)


class CorpusError(ValueError):
    """Raised when a corpus (or an input to add or score) does not validate; carries every issue."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = tuple(issues)
        shown = "\n".join(str(i) for i in self.issues[:20])
        more = f"\n... and {len(self.issues) - 20} more" if len(self.issues) > 20 else ""
        super().__init__(f"{len(self.issues)} validation issue(s):\n{shown}{more}")


class UsageError(ValueError):
    """A request that cannot be carried out as asked (options that contradict each other, a wrong root).

    `code` is the key of CODES the CLI prints with it: `option-invalid` unless a more precise one
    applies (`not-a-root`, `input-missing`).
    """

    def __init__(self, message: str, code: str = "option-invalid") -> None:
        if code not in CODES:
            raise ValueError(f"unregistered issue code {code!r}")
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[UsageError], tuple[str, str]]:
        # From a worker process, with its code (the default pickling would pass the message alone).
        return type(self), (str(self), self.code)
