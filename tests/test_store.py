"""Atomic writes and the canonical JSON form of the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflict_news.core.store import dump_json, write_atomic
from conftest import BASE, REPO


def test_write_atomic_replaces_whole_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"gold")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"gold"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.parametrize("folder", ["corpus", "annotations"])
def test_shipped_json_is_in_canonical_form(folder: str) -> None:
    import json

    for root in (REPO, BASE):
        for path in (root / folder).glob("*.json"):
            assert path.read_bytes() == dump_json(json.loads(path.read_bytes())), path


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    """Not mkstemp's 0600: a new file follows the umask, a replaced one keeps its mode."""
    import os

    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", b"{}")
        assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
        (tmp_path / "kept.json").write_bytes(b"{}")
        (tmp_path / "kept.json").chmod(0o640)
        write_atomic(tmp_path / "kept.json", b"[]")
        assert (tmp_path / "kept.json").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)
