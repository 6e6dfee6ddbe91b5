"""MANIFEST: SHA-256 and byte size of every shipped file, written at release and checked by `verify`.

Paths are relative to the corpus root, which has the same layout in a source checkout and inside
the installed package, so one MANIFEST verifies both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..__about__ import __version__
from ..core.errors import Issue
from ..core.store import write_atomic

MANIFEST = "MANIFEST"
SHIPPED_DIRS = ("corpus", "annotations", "schema", "data", "standoff")
SHIPPED_FILES = ("CITATION.cff", "croissant.json", "tombstones.json")
_HEADER = re.compile(r"^# Conflict News Corpus (\S+?):")
_LINE = re.compile(r"^([0-9a-f]{64})  (\d+)  (.+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    path: str
    sha256: str
    size: int


def list_shipped(root: Path) -> list[str]:
    paths = [p for d in SHIPPED_DIRS if (root / d).is_dir() for p in (root / d).rglob("*") if p.is_file()]
    paths += [root / f for f in SHIPPED_FILES if (root / f).is_file()]
    return sorted(p.relative_to(root).as_posix() for p in paths)


def hash_bytes(rel: str, data: bytes) -> Entry:
    return Entry(path=rel, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def hash_file(root: Path, rel: str) -> Entry:
    digest = hashlib.sha256()
    size = 0
    with (root / rel).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return Entry(path=rel, sha256=digest.hexdigest(), size=size)


def compute_manifest(root: Path) -> list[Entry]:
    return [hash_file(root, rel) for rel in list_shipped(root)]


def format_manifest(entries: list[Entry], version: str = __version__) -> str:
    lines = [f"# Conflict News Corpus {version}: SHA-256, bytes and path of every shipped file"]
    lines += [f"{e.sha256}  {e.size}  {e.path}" for e in entries]
    return "\n".join(lines) + "\n"


def write_manifest(root: Path) -> Path:
    target = root / MANIFEST
    write_atomic(target, format_manifest(compute_manifest(root)).encode("utf-8"))
    return target


def iter_manifest_errors(root: Path) -> Iterator[Issue]:
    """Every difference between the files under `root` and its MANIFEST."""
    path = root / MANIFEST
    if not path.is_file():
        yield Issue(code="manifest-file-missing", file=MANIFEST, path="$", message=f"no {MANIFEST} in {root}")
        return
    listed: dict[str, Entry] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    header = _HEADER.match(lines[0]) if lines else None
    if header is None or header.group(1) != __version__:
        found = header.group(1) if header else "none"
        yield Issue(
            code="manifest-version-mismatch",
            file=MANIFEST,
            path="1",
            message=f"manifest version {found}, package {__version__}",
        )
    for number, line in enumerate(lines[1:], start=2):
        match = _LINE.match(line)
        if match is None:
            yield Issue(
                code="manifest-line-invalid",
                file=MANIFEST,
                path=str(number),
                message=f"not 'SHA256  BYTES  PATH': {line!r}",
            )
            continue
        listed[match.group(3)] = Entry(path=match.group(3), sha256=match.group(1), size=int(match.group(2)))
    present = set(list_shipped(root))
    for rel, entry in sorted(listed.items()):
        if rel not in present:
            yield Issue(
                code="manifest-file-missing", file=rel, path="$", message=f"listed in {MANIFEST} but not present"
            )
            continue
        actual = hash_file(root, rel)
        if (actual.sha256, actual.size) != (entry.sha256, entry.size):
            yield Issue(
                code="manifest-hash-mismatch",
                file=rel,
                path="$",
                message=f"{actual.size} bytes sha256 {actual.sha256[:12]}…, {MANIFEST} says {entry.size} bytes {entry.sha256[:12]}…",
            )
    for rel in sorted(present - set(listed)):
        yield Issue(code="manifest-file-unlisted", file=rel, path="$", message=f"shipped but not listed in {MANIFEST}")
