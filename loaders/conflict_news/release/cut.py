"""`conflict-news release X.Y.Z`: refuse anything invalid, stale or unversioned, then write the release files.

SemVer for data, checked against the previous release (the last one in releases.json):
MAJOR when a schema's or the taxonomy's major version changed (readers break; before 1.0.0 the minor
step), MINOR when documents or annotations were added or a schema/taxonomy minor version changed, PATCH
for corrections only.
Released ids never disappear silently: each removal needs a tombstone (tombstones.json), and a
released document never changes split unless split-moves.json records that one move and its reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from ..core.citation import CITATION
from ..core.clock import today
from ..core.errors import CorpusError, Issue, UsageError
from ..core.load import load_corpus
from ..core.model import LAYERS
from ..core.schemas import SCHEMA_FILES, iter_schema_errors
from ..core.stats import compute_stats
from ..core.store import list_doc_ids, read_document, read_regular
from ..core.txn import Transaction, locked
from ..core.validate import iter_errors
from ..hf.build import release_dir, stale_data
from ..hf.card import render_card, render_card_text
from .cite import replace_citation_block
from .croissant import CROISSANT, build_croissant, dump_croissant
from .diff import extract_revision
from .history import RELEASES, Release, head_commit, manifest_digest, read_releases, record_release
from .manifest import MANIFEST, SHIPPED_DIRS, SHIPPED_FILES, compute_manifest, format_manifest, hash_bytes

VERSION_FILE = Path("loaders") / "conflict_news" / "__about__.py"
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
SHIPPED_SOURCES = ("corpus", "annotations", "schema", "data", "standoff", "tombstones.json", "split-moves.json")


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    version: str
    previous: str | None
    level: str
    files: dict[Path, bytes]


def parse_version(text: str) -> tuple[int, int, int]:
    match = _SEMVER.match(text)
    if match is None:
        raise UsageError(f"not a version X.Y.Z: {text!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def bump(version: str, level: str) -> str:
    """The next version for changes of `level`. Before 1.0.0 (SemVer's initial development, item 4), changes that
    break readers take the minor step, as Cargo reads 0.y.z: 0.2.0 with a new taxonomy major is followed by 0.3.0."""
    major, minor, patch = parse_version(version)
    if major == 0 and level == "major":
        level = "minor"
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        level
    ]


def _schema_versions(root: Path) -> dict[str, tuple[int, int]]:
    versions = {}
    for name in SCHEMA_FILES:
        if not (root / "schema" / f"{name}.schema.json").is_file():
            continue  # added since that release
        schema_id = json.loads((root / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))["$id"]
        major, minor = schema_id.rsplit(":", 1)[1].split(".")
        versions[name] = (int(major), int(minor))
    major, minor = json.loads((root / "schema" / "taxonomy.json").read_text(encoding="utf-8"))["version"].split(".")
    versions["taxonomy.json"] = (int(major), int(minor))
    return versions


Ids = dict[tuple[str, str], set[str]]


def _ids(root: Path) -> Ids:
    """(doc id, layer) -> annotation ids, plus ("", "documents") -> document ids."""
    ids: dict[tuple[str, str], set[str]] = {("", "documents"): set(list_doc_ids(root))}
    for doc_id in ids[("", "documents")]:
        ann = read_document(root, doc_id).annotation or {}
        for layer in LAYERS:
            ids[(doc_id, layer)] = {item["id"] for item in ann.get(layer, [])}
    return ids


def required_level(old: Path, new: Path, old_ids: Ids, new_ids: Ids) -> str:
    old_versions, new_versions = _schema_versions(old), _schema_versions(new)
    # A schema the previous release did not have yet is an addition (minor), not a break.
    if any(k in old_versions and old_versions[k][0] != v[0] for k, v in new_versions.items()):
        return "major"
    added = any(new_ids[key] - old_ids.get(key, set()) for key in new_ids)
    return "minor" if added or old_versions != new_versions else "patch"


def iter_identity_errors(
    old: Path, new: Path, old_ids: Ids, new_ids: Ids, tombstones: list[dict[str, Any]], moves: list[dict[str, Any]]
) -> Iterator[Issue]:
    """Removed ids without a tombstone, and released documents that changed split without a recorded move."""
    moved = {(m["doc_id"], m["from"], m["to"]) for m in moves}
    buried = {("" if t["layer"] == "documents" else t["doc_id"], t["layer"], t["id"]) for t in tombstones}
    for (doc_id, layer), ids in sorted(old_ids.items()):
        for gone in sorted(ids - new_ids.get((doc_id, layer), set())):
            if (doc_id, layer, gone) in buried or ("", "documents", doc_id) in buried:
                continue  # tombstoned itself, or its whole document is
            yield Issue(
                code="release-id-removed", file="tombstones.json", path="$", ann_id=gone,
                message=f"released {layer} id {gone!r} of {doc_id or 'the corpus'} was removed without a tombstone",
            )  # fmt: skip
    for doc_id in sorted(old_ids[("", "documents")] & new_ids[("", "documents")]):
        before = (read_document(old, doc_id).metadata or {}).get("split")
        after = (read_document(new, doc_id).metadata or {}).get("split")
        if before != after and (doc_id, before, after) not in moved:
            yield Issue(
                code="release-split-moved", file=f"corpus/{doc_id}.json", path="$.split", ann_id=doc_id,
                message=f"released in split {before!r}, now {after!r}; splits are frozen",
            )  # fmt: skip


def read_record(repo: Path, name: str) -> tuple[list[dict[str, Any]], list[Issue]]:
    """A release record kept at the top of the repository (`name`.json, checked by schema `name`), or its issues."""
    file = f"{name}.json"
    try:
        record: Any = orjson.loads(read_regular(repo / file, file))
    except orjson.JSONDecodeError as exc:
        return [], [Issue(code="json-invalid", file=file, line=exc.lineno, column=exc.colno, message=exc.msg)]
    except FileNotFoundError as exc:
        return [], [Issue(code="file-unreadable", file=file, path="$", message=str(exc))]
    except CorpusError as exc:
        return [], list(exc.issues)
    found = [Issue(code="schema-violation", file=file, path=p, message=m) for p, m in iter_schema_errors(name, record)]
    return ([] if found else record), found


def _dirty(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all", "--", *SHIPPED_SOURCES],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line[3:] for line in out.splitlines()]


def _changelog(text: str, version: str, date: str, stats: dict[str, Any]) -> str:
    """The open section (## [Unreleased] ...) becomes ## [version] - date, with the release's counts."""
    counts = (
        f"Counts: {stats['documents']} document(s), {stats['events']} events, {stats['quotes']} quotes, "
        f"{stats['figures']} figures, {stats['entities']} entities ({stats['entity_mentions']} mentions)."
    )
    section = f"## [{version}] - {date}\n\n{counts}"
    unreleased = re.compile(r"^## \[Unreleased\].*$", re.M)
    if unreleased.search(text):
        return unreleased.sub(section, text, count=1)
    first = re.search(r"^## \[", text, re.M)  # no notes written: open a section above the last release
    at = first.start() if first else len(text)
    return f"{text[:at]}{section}\n\n{text[at:]}"


def _citation(text: str, version: str, date: str) -> str:
    text = re.sub(r"^version: .*$", f'version: "{version}"', text, count=1, flags=re.M)
    if re.search(r"^date-released: ", text, re.M):
        return re.sub(r"^date-released: .*$", f'date-released: "{date}"', text, count=1, flags=re.M)
    return text.replace(f'version: "{version}"\n', f'version: "{version}"\ndate-released: "{date}"\n', 1)


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def plan_release(repo: Path, version: str, date: str) -> tuple[list[Issue], Plan | None]:
    """Every reason to refuse the release, or the files it writes."""
    if not _is_date(date):
        return [
            Issue(code="option-invalid", file="--date", path="$", message=f"{date!r} is not a day YYYY-MM-DD")
        ], None
    if subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True).returncode:
        raise UsageError(f"{repo} is not a git work tree; a release is cut from a commit")
    issues = list(iter_errors([repo]))
    issues += [
        Issue(code="release-dirty", file=f, path="$", message="uncommitted change to a shipped file")
        for f in _dirty(repo)
    ]
    tombstones, found = read_record(repo, "tombstones")
    moves, moved = read_record(repo, "split-moves")
    issues += found + moved
    if found or moved:
        return issues, None
    issues += [
        Issue(code="release-stale-data", file=f, path="$", message="differs from a fresh `conflict-news build`")
        for f in stale_data(repo)
    ]
    releases = read_releases(repo)
    last = releases[-1] if releases else None
    previous, level = (last.version if last else None), "initial"
    try:
        parse_version(version)
    except ValueError as exc:
        issues.append(Issue(code="release-version", file=str(VERSION_FILE), path="$", message=str(exc)))
        return issues, None
    if last is not None:
        with tempfile.TemporaryDirectory() as scratch:
            old = extract_revision(repo, last.commit, Path(scratch), ("corpus", "annotations", "schema"))
            old_ids, new_ids = _ids(old), _ids(repo)  # every annotation file read once per side
            level = required_level(old, repo, old_ids, new_ids)
            if not issues:
                issues += iter_identity_errors(old, repo, old_ids, new_ids, tombstones, moves)
        if version != bump(last.version, level):
            issues.append(Issue(code="release-version", file=str(VERSION_FILE), path="$",
                                message=f"after {last.version} with {level}-level changes the next version is {bump(last.version, level)}, not {version}"))  # fmt: skip
    if issues:
        return issues, None
    stats = compute_stats(load_corpus(repo))
    files = {
        repo / VERSION_FILE: f'__version__ = "{version}"\n'.encode(),
        repo / "CITATION.cff": _citation((repo / "CITATION.cff").read_text(encoding="utf-8"), version, date).encode(),
        repo / "CHANGELOG.md": _changelog(
            (repo / "CHANGELOG.md").read_text(encoding="utf-8"), version, date, stats
        ).encode(),
    }
    cff = yaml.safe_load(files[repo / "CITATION.cff"])
    card = re.sub(r"### Counts \(release [^)]*\)", f"### Counts (release {version})", render_card(repo))
    files[repo / "README.md"] = replace_citation_block(card, cff).encode()
    files[repo / "standoff" / "README.md"] = render_card_text(
        release_dir(repo, "standoff"), "standoff", files[repo / "README.md"].decode(), repo / CITATION
    ).encode()
    files[repo / CROISSANT] = dump_croissant(build_croissant(repo, cff, version))
    planned = {path.relative_to(repo).as_posix(): data for path, data in files.items()}
    entries = {e.path: e for e in compute_manifest(repo)}
    entries |= {
        rel: hash_bytes(rel, data)
        for rel, data in planned.items()
        if rel in SHIPPED_FILES or rel.split("/")[0] in SHIPPED_DIRS
    }
    files[repo / MANIFEST] = format_manifest([entries[k] for k in sorted(entries)], version).encode("utf-8")
    cut_from = Release(version=version, date=date, commit=head_commit(repo),
                       manifest_sha256=manifest_digest(files[repo / MANIFEST]))  # fmt: skip
    files[repo / RELEASES] = record_release(releases, cut_from)
    return [], Plan(version=version, previous=previous, level=level, files=files)


def cut_release(repo: Path, version: str, date: str | None = None) -> tuple[list[Issue], Plan | None]:
    """Check, then write every release file at once (or none); the caller tags the commit."""
    with locked(repo):
        issues, plan = plan_release(repo, version, date or today())
        if plan is not None:
            with Transaction(repo) as txn:
                for path, data in plan.files.items():
                    txn.add_file(path, data, replace=True)
                txn.commit()
    return issues, plan
