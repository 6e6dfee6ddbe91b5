"""Fuzzing every command that reads files: mutated and random input gives exit 0 or 1, never a traceback,
a coded issue with every exit 1, and after exit 1 the tree as it was.

Each test derives its examples from a fixed seed (hypothesis' derandomize, the profile of
conftest.py) and runs its share of CNC_FUZZ_EXAMPLES of them (default 200, what CI runs; the fast
path runs 20). More, with fresh randomness each time:

    CNC_FUZZ_EXAMPLES=2000 CNC_FUZZ_RANDOM=1 pytest tests/test_fuzz.py --no-cov
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflict_news import CODES
from conflict_news.cli.main import main
from conftest import BASE, REPO, materialize_case, tree
from ls_helpers import offline_export

FUZZ = settings()  # the budget of conftest.py's profile

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path (keys and indices) into a JSON value, the root included."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _places(item, (*path, i))


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one place replaced by random JSON, deleted, or given a copy of another place."""
    value = json.loads(json.dumps(value))
    places = list(_places(value))
    path = draw(st.sampled_from(places))
    if not path:
        return draw(JSON)
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    action = draw(st.sampled_from(["replace", "delete", "copy"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "copy":
        source = value
        for key in draw(st.sampled_from(places)):
            source = source[key]
        parent[path[-1]] = json.loads(json.dumps(source))
    else:
        parent[path[-1]] = draw(JSON)
    return value


@st.composite
def damaged_json(draw: st.DrawFn, value: Any) -> bytes:
    """A JSON file as a writer might leave it: mutated, or its bytes cut or flipped, or random bytes."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "cut", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    text = json.dumps(draw(mutated(value)) if kind == "mutated" else value, ensure_ascii=False)  # NaN stays NaN
    data = text.encode("utf-8")
    return data[: draw(st.integers(0, len(data)))] if kind == "cut" else data


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    out = io.TextIOWrapper(io.BytesIO())  # with a .buffer, which `labelstudio tasks` writes to
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse
            status = int(exc.code or 0)
    return status, err.getvalue()


def _check(status: int, err: str) -> None:
    assert status in (0, 1), err
    assert "Traceback" not in err
    if status == 1:
        codes = re.findall(r": \[([a-z]+(?:-[a-z]+)+)\] ", err)
        assert codes and set(codes) <= set(CODES), err


def _toy_files() -> dict[str, Any]:
    return {
        "corpus/toy-0001.json": json.loads((BASE / "corpus" / "toy-0001.json").read_text(encoding="utf-8")),
        "annotations/toy-0001.json": json.loads((BASE / "annotations" / "toy-0001.json").read_text(encoding="utf-8")),
    }


TOY = _toy_files()


@st.composite
def damaged_root(draw: st.DrawFn) -> dict[str, bytes]:
    """The files of a toy root of which one is damaged: a record, or the text."""
    name = draw(st.sampled_from([*TOY, "corpus/toy-0001.txt"]))
    if name.endswith(".txt"):
        text = (BASE / name).read_bytes()
        data = draw(st.binary(max_size=200) | st.just(text[: draw(st.integers(0, len(text)))]) | st.just(text + b" "))
    else:
        data = draw(damaged_json(TOY[name]))
    return {name: data}


@contextlib.contextmanager
def _root(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        root = materialize_case({}, Path(scratch))
        for name, data in files.items():
            (root / name).write_bytes(data)
        yield root


@pytest.mark.parametrize(
    "verb", ["validate", "show", "stats", "build", "evaluate", "diff", "tasks", "preannotate", "manifest", "verify"]
)
@FUZZ
@given(files=damaged_root())
def test_a_damaged_root_gives_a_coded_refusal_or_a_result(verb: str, files: dict[str, bytes]) -> None:
    with _root(files) as root:
        argv = {
            "validate": ["validate", str(root)],
            "show": ["show", "--root", str(root)],
            "stats": ["stats", "--root", str(root)],
            "build": ["build", "--root", str(root), "--workers", "1"],
            "evaluate": ["evaluate", str(root / "annotations" / "toy-0001.json"), str(BASE)],
            "diff": ["diff", str(BASE), str(root)],
            "tasks": ["labelstudio", "tasks", "--root", str(root), "--predictions", str(root / "annotations")],
            "preannotate": ["preannotate", "--root", str(root), "--out", str(root.parent / "pred")],
            "manifest": ["manifest", "--root", str(root)],
            "verify": ["verify", "--root", str(root)],
        }[verb]
        before = tree(root)
        status, err = _run(argv)
        _check(status, err)
        if status == 1 or verb not in ("build", "manifest"):
            assert tree(root) == before


@st.composite
def article_input(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file to add: text or HTML bytes, or a JSONL file of random and nearly right records."""
    kind = draw(st.sampled_from(["txt", "html", "jsonl"]))
    if kind != "jsonl":
        return f"a.{kind}", draw(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
    record = {"text": "Ostrian engineers repaired the bridge.", "id": "cnc-000009", "published": "2026-01-31"}
    lines = draw(st.lists(mutated(record).map(json.dumps) | st.text(max_size=40), min_size=1, max_size=4))
    return "a.jsonl", "\n".join(lines).encode("utf-8")


OPTIONS = st.lists(
    st.tuples(
        st.sampled_from(["--id", "--published", "--language", "--distribution", "--url", "--license"]),
        st.text(max_size=12),
    ),
    max_size=2,
)


@FUZZ
@given(article=article_input(), options=OPTIONS)
def test_add_gives_a_coded_refusal_or_a_valid_corpus(
    article: tuple[str, bytes], options: list[tuple[str, str]]
) -> None:
    name, data = article
    with _root({}) as root:
        source = root.parent / name
        source.write_bytes(data)
        before = tree(root)
        status, err = _run(["add", str(source), "--root", str(root), *[f"{k}={v}" for k, v in options]])
        _check(status, err)
        if status == 1:
            assert tree(root) == before
        else:
            assert _run(["validate", str(root)]) == (0, "conflict-news validate: valid\n")


EXPORT = offline_export(BASE, "toy-0001")


@pytest.mark.parametrize("verb", ["import", "agreement"])
@FUZZ
@given(export=damaged_json(EXPORT))
def test_a_damaged_export_gives_a_coded_refusal_or_an_import(verb: str, export: bytes) -> None:
    with _root({}) as root:
        path = root.parent / "export.json"
        path.write_bytes(export)
        before = tree(root)
        argv = {
            "import": ["labelstudio", "import", str(path), "--root", str(root), "--overwrite-gold", "--workers", "1"],
            "agreement": ["agreement", str(path)],
        }[verb]
        status, err = _run(argv)
        _check(status, err)
        if status == 1:
            assert tree(root) == before
        else:
            assert _run(["validate", str(root)]) == (0, "conflict-news validate: valid\n")


@FUZZ
@given(data=st.data())
def test_a_damaged_manifest_gives_coded_issues(data: st.DataObject) -> None:
    manifest = (REPO / "MANIFEST").read_bytes()
    lines = manifest.split(b"\n")
    choice = data.draw(st.sampled_from(["bytes", "line", "cut"]))
    if choice == "bytes":
        damaged = data.draw(st.binary(max_size=300))
    elif choice == "cut":
        damaged = manifest[: data.draw(st.integers(0, len(manifest)))]
    else:
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = data.draw(st.binary(max_size=80))
        damaged = b"\n".join(lines)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "corpus").mkdir()  # a corpus root, or verify refuses it before reading MANIFEST
        (root / "MANIFEST").write_bytes(damaged)
        _check(*_run(["verify", "--root", str(root)]))


@pytest.fixture(scope="module")
def standoff_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The standoff release of the toy corpus with its text withheld."""
    root = materialize_case(
        {
            "set": {
                "corpus/toy-0001.json#/license/text": "LicenseRef-Fictional",
                "corpus/toy-0001.json#/distribution/policy": "standoff",
            }
        },
        tmp_path_factory.mktemp("standoff"),
    )
    assert main(["build", "--root", str(root), "--flavor", "standoff", "--workers", "1"]) == 0
    return root / "standoff"


@FUZZ
@given(data=st.data())
def test_rehydrate_of_random_sources_or_a_damaged_release_is_a_coded_refusal_or_a_corpus(
    standoff_release: Path, data: st.DataObject
) -> None:
    text = (BASE / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        release = Path(scratch) / "release"
        shutil.copytree(standoff_release, release)
        if data.draw(st.booleans()):
            shard = next((release / "data" / "documents").glob("*.parquet"))
            raw = shard.read_bytes()
            cut = data.draw(st.integers(0, len(raw)))
            shard.write_bytes(raw[:cut] + data.draw(st.binary(max_size=50)))
        sources = Path(scratch) / "sources"
        sources.mkdir()
        edited = data.draw(
            st.sampled_from([text, text.replace("12", "twelve"), text[: len(text) // 2]]) | st.text(max_size=80)
        )
        (sources / "toy-0001.txt").write_text(edited, encoding="utf-8", errors="surrogatepass")
        out = Path(scratch) / "out"
        status, err = _run(["rehydrate", str(release), str(sources), "--out", str(out)])
        _check(status, err)
        if status == 1:
            assert not out.exists()
        else:
            assert _run(["validate", str(out)]) == (0, "conflict-news validate: valid\n")
