"""Shared fixtures: the shipped corpus root and the invalid-case harness.

An invalid case (tests/cases/invalid/<code>.json) is a list of edits to the valid toy corpus in
tests/cases/base: `set`/`delete` a JSON pointer inside a file, `write` text, `write_hex` bytes,
`remove` a file, `mkdir` a folder, `move` a file or folder (to a path relative to the root, which
may lead out of it), make a `symlink` or `truncate` a file to a size (sparse when larger). Applying them must produce exactly the issue <code>.
An add case (tests/cases/add/<code>.json) is an article file that `conflict-news add` must refuse
with exactly the issue <code> when adding it to the toy corpus.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Before anything imports datasets or huggingface_hub (they read these once): no network, and a
# cache of this session only, so no load can be answered from a stale cache of an earlier run.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="cnc-hf-home-")
atexit.register(shutil.rmtree, os.environ["HF_HOME"], ignore_errors=True)
# One date for every command of the session (core.clock): runs compared with each other write the
# same `added` whenever they run, also on either side of midnight (a kill test once failed there).
os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01

TESTS = Path(__file__).parent
REPO = TESTS.parent


def package_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that must import the same conflict_news as the tests do
    (this work tree's, or a mutation run's copy)."""
    import conflict_news

    return {**os.environ, "PYTHONPATH": str(Path(conflict_news.__file__).resolve().parents[1]), **extra}


BASE = TESTS / "cases" / "base"
INVALID = TESTS / "cases" / "invalid"
ADD = TESTS / "cases" / "add"


def _walk(doc: Any, pointer: str) -> tuple[Any, str | int]:
    parts = pointer.lstrip("/").split("/")
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    last = parts[-1]
    return doc, int(last) if isinstance(doc, list) else last


def _edit_json(root: Path, target: str, edit: Any) -> None:
    file, pointer = target.split("#", 1)
    path = root / file
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc, pointer)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def _set(doc: Any, pointer: str, value: Any) -> None:
    parent, key = _walk(doc, pointer)
    if isinstance(parent, list) and key == len(parent):
        parent.append(value)
    else:
        parent[key] = value


def _delete(doc: Any, pointer: str) -> None:
    parent, key = _walk(doc, pointer)
    del parent[key]


def materialize_case(case: dict[str, Any], dest: Path) -> Path:
    root = dest / "corpus-root"
    shutil.copytree(BASE, root)
    for file in case.get("remove", []):
        (root / file).unlink()
    for folder in case.get("mkdir", []):
        (root / folder).mkdir()
    for file, text in case.get("write", {}).items():
        (root / file).write_bytes(text.encode("utf-8"))
    for file, hexdata in case.get("write_hex", {}).items():
        (root / file).write_bytes(bytes.fromhex(hexdata))
    for file, dest in case.get("move", {}).items():
        shutil.move(root / file, root / dest)
    for file, target in case.get("symlink", {}).items():
        (root / file).symlink_to(target)
    for file, size in case.get("truncate", {}).items():
        os.truncate(root / file, size)  # sparse: a large file that costs no disk
    for target, value in case.get("set", {}).items():
        _edit_json(root, target, lambda doc, ptr, v=value: _set(doc, ptr, v))
    for target in case.get("delete", []):
        _edit_json(root, target, _delete)
    return root


def load_case(code: str, folder: Path = INVALID) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((folder / f"{code}.json").read_text(encoding="utf-8"))
    return case


def write_add_input(case: dict[str, Any], dest: Path) -> Path:
    """The article file of an `add` case (tests/cases/add/<code>.json): `text`, or `hex` bytes; none if `absent`."""
    path = dest / "input" / case["input"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.get("absent"):
        return path
    path.write_bytes(bytes.fromhex(case["hex"]) if "hex" in case else case["text"].encode("utf-8"))
    return path


_HOLD = """
import sys, time
from pathlib import Path
from conflict_news.core.txn import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    print("releasing", flush=True)
"""


@contextmanager
def lock_held(root: Path, seconds: float = 60.0) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the write lock of `root` (for `seconds`, or until the block ends)."""
    argv = [sys.executable, "-c", _HOLD, str(root), str(seconds)]
    holder = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=package_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (links as their target's name) with its bytes: what "byte-identical" compares."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = os.readlink(path).encode()
        elif path.is_file():
            found[rel] = path.read_bytes()
        elif path.is_dir():
            found[rel + "/"] = b""
    return found


@pytest.fixture
def toy_root(tmp_path: Path) -> Path:
    """A writable copy of the valid toy corpus."""
    return materialize_case({}, tmp_path)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real Label Studio server for the whole session (see labelstudio_server.py)."""
    from labelstudio_server import start_server

    server = start_server(tmp_path_factory.mktemp("label-studio-data"))
    yield server
    server.stop()


@pytest.fixture
def ls(label_studio: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The SDK client of that server, with the key in the environment as the CLI reads it."""
    from conflict_news.labelstudio.sync import connect

    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.token)
    return connect(label_studio.url)


# The property tests' budget: a fixed number of examples per property, derived from a fixed seed
# (derandomize), so that a run fails or passes the same way every time. --fuzz-examples N (or
# CNC_FUZZ_EXAMPLES) changes the number: CI runs 200, the fast path 20. CNC_FUZZ_RANDOM=1 draws fresh
# examples each run, for hunting.
EXAMPLES = 200


def examples(share: float) -> int:
    """A share of the budget, for a property whose every example costs a whole command or more."""
    return max(1, round(EXAMPLES * share))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-examples", type=int, default=int(os.environ.get("CNC_FUZZ_EXAMPLES", EXAMPLES)),
                     help="examples per hypothesis property (default 200, or CNC_FUZZ_EXAMPLES)")  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    global EXAMPLES
    EXAMPLES = config.getoption("fuzz_examples")
    settings.register_profile(
        "cnc", max_examples=EXAMPLES, derandomize=os.environ.get("CNC_FUZZ_RANDOM") != "1", database=None,
        deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )  # fmt: skip
    settings.load_profile("cnc")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that starts or uses the real Label Studio server is marked `labelstudio`."""
    for item in items:
        if "label_studio" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.labelstudio)
