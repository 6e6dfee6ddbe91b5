"""releases.json: the release history, kept in the repository so that every clone knows the last release.

Git tags do not reach every clone (a fork, a download, a CI checkout without tags), so the SemVer
check and `diff` against a release read the version, date, source commit and MANIFEST hash of each
release from this file; `release` appends to it. Tags are still made, for people browsing the
history.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from ..core.errors import CorpusError, Issue
from ..core.schemas import iter_schema_errors
from ..core.store import read_regular

RELEASES = "releases.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    version: str
    date: str
    commit: str  # the commit the release was cut from; the release commit (version files) is its child
    manifest_sha256: str


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def read_releases(repo: Path) -> list[Release]:
    """The recorded releases, oldest first; CorpusError when the file breaks its schema or its order."""
    path = repo / RELEASES
    if not os.path.lexists(path):
        return []
    try:
        data = orjson.loads(read_regular(path, RELEASES))
    except orjson.JSONDecodeError as exc:  # also what is not UTF-8, and nesting past orjson's 1 024 levels
        raise CorpusError([Issue(code="json-invalid", file=RELEASES, line=exc.lineno, column=exc.colno,
                                 message=exc.msg)]) from None  # fmt: skip
    issues = [
        Issue(code="schema-violation", file=RELEASES, path=where, message=message)
        for where, message in iter_schema_errors("releases", data)
    ]
    if issues:
        raise CorpusError(issues)
    releases = [Release(**item) for item in data]
    for i, (before, after) in enumerate(itertools.pairwise(releases), start=1):
        if _key(after.version) <= _key(before.version):
            issues.append(
                Issue(code="release-version", file=RELEASES, path=f"$[{i}].version",
                      message=f"{after.version} does not come after {before.version}; releases are recorded in order")
            )  # fmt: skip
    if issues:
        raise CorpusError(issues)
    return releases


def find_release(releases: list[Release], spec: str) -> Release | None:
    """The release `spec` names: a version, with or without a leading `v`."""
    wanted = spec.removeprefix("v")
    return next((r for r in releases if r.version == wanted), None)


def head_commit(repo: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "HEAD^{commit}"], capture_output=True, text=True, check=True
    ).stdout.strip()


def record_release(releases: list[Release], release: Release) -> bytes:
    """releases.json with `release` appended, in its canonical form."""
    items = [asdict(r) for r in [*releases, release]]
    return (json.dumps(items, indent=2) + "\n").encode("utf-8")


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
