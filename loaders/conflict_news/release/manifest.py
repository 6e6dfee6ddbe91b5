"""MANIFEST: SHA-256 and byte size of every shipped file, written at release and checked by `verify`.

Paths are relative to the corpus root, which has the same layout in a source checkout and inside
the installed package, so one MANIFEST verifies both.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..__about__ import __version__
from ..core.distribution import withheld_ids
from ..core.errors import CorpusError, Issue
from ..core.store import open_regular, read_regular, relative, write_atomic
from ..core.txn import TXN, locked, pending

MANIFEST = "MANIFEST"
SHIPPED_DIRS = ("corpus", "annotations", "schema", "data", "standoff")
SHIPPED_FILES = ("CITATION.cff", "croissant.json", "tombstones.json", "split-moves.json")
_HEADER = re.compile(r"^# Conflict News Corpus (\S+?):")
# A size of more than 20 digits is no file size (and int() refuses 4 300 digits and more).
_LINE = re.compile(r"^([0-9a-f]{64})  ([0-9]{1,20})  (.+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    path: str
    sha256: str
    size: int


def list_shipped(root: Path) -> list[str]:
    """Every shipped file under `root`; CorpusError (file-symlink, file-not-regular) for what is neither file nor folder.

    Links are not followed: a release ships files, and a link could point out of the root. The files
    of a withheld document (its text, metadata and annotation, whose spans quote the text) are not
    shipped: the document is in data/ and standoff/ as standoff rows (hatch_build.py leaves the same
    files out of the wheel).
    """
    found: list[str] = []
    issues: list[Issue] = []
    hidden = withheld_ids(root)

    def take(path: Path) -> None:
        rel = path.relative_to(root).as_posix()
        top = rel.split("/", 1)[0]
        if top in ("corpus", "annotations") and rel.count("/") == 1 and path.name.rsplit(".", 1)[0] in hidden:
            return
        if path.is_symlink():
            issues.append(
                Issue(code="file-symlink", file=rel, path="$", message="is a symbolic link; links are not followed")
            )
        elif path.is_file():
            found.append(rel)
        elif not path.is_dir():
            issues.append(Issue(code="file-not-regular", file=rel, path="$", message="is a FIFO, device or socket"))

    for name in SHIPPED_DIRS:
        if (root / name).is_symlink() or not (root / name).is_dir():
            if os.path.lexists(root / name):
                take(root / name)
            continue
        # A folder that cannot be listed (no permission) is an issue, not a folder without files.
        for folder, dirs, files in os.walk(root / name, onerror=lambda exc: issues.append(_unlisted(root, exc))):
            for entry in sorted(dirs + files):
                take(Path(folder) / entry)
    for name in SHIPPED_FILES:
        if os.path.lexists(root / name):
            take(root / name)
    if issues:
        raise CorpusError(issues)
    return sorted(found)


def _unlisted(root: Path, exc: OSError) -> Issue:
    rel = Path(exc.filename).relative_to(root).as_posix() if exc.filename else "."
    return Issue(code="file-unreadable", file=rel, path="$", message=f"cannot be listed: {exc.strerror or exc}")


def hash_bytes(rel: str, data: bytes) -> Entry:
    return Entry(path=rel, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def hash_file(root: Path, rel: str) -> Entry:
    digest = hashlib.sha256()
    size = 0
    with open_regular(root / rel, rel) as f:
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
    """Rewrite MANIFEST from the shipped files, under the root's write lock."""
    target = root / MANIFEST
    with locked(root):
        write_atomic(target, format_manifest(compute_manifest(root)).encode("utf-8"))
    return target


def iter_manifest_errors(root: Path) -> Iterator[Issue]:
    """Every difference between the files under `root` and its MANIFEST."""
    for base in (root, root / "standoff"):
        if pending(base):
            yield Issue(code="write-interrupted", file=relative(root, base / TXN), path="$",
                        message="a write was killed half-way; run `conflict-news recover` (or any writing command) first")  # fmt: skip
            return
    try:
        raw = read_regular(root / MANIFEST, MANIFEST)
    except FileNotFoundError:
        yield Issue(code="manifest-file-missing", file=MANIFEST, path="$", message=f"no {MANIFEST} in {root}")
        return
    except CorpusError as exc:
        yield from exc.issues
        return
    listed: dict[str, Entry] = {}
    # Line by line, so that a line that is not UTF-8 is reported as that line.
    lines = [line.decode("utf-8", errors="replace") for line in raw.split(b"\n")]
    lines = lines[:-1] if lines and not lines[-1] else lines
    header = _HEADER.match(lines[0]) if lines else None
    if header is None or header.group(1) != __version__:
        found = header.group(1) if header else "none"
        yield Issue(
            code="manifest-version-mismatch",
            file=MANIFEST,
            line=1,
            message=f"manifest version {found}, package {__version__}",
        )
    for number, line in enumerate(lines[1:], start=2):
        match = _LINE.match(line) if "\ufffd" not in line else None  # U+FFFD: bytes that are not UTF-8
        if match is None:
            yield Issue(
                code="manifest-line-invalid",
                file=MANIFEST,
                line=number,
                message=f"not 'SHA256  BYTES  PATH': {line!r}",
            )
            continue
        listed[match.group(3)] = Entry(path=match.group(3), sha256=match.group(1), size=int(match.group(2)))
    try:
        present = set(list_shipped(root))
    except CorpusError as exc:
        yield from exc.issues
        return
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
