"""The write lock of a corpus root and multi-file transactions: all or nothing, finished or undone at the next start."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from conflict_news.core.errors import CorpusError, UsageError
from conflict_news.core.txn import TXN, Transaction, locked, pending, recover
from conftest import lock_held


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_transaction_writes_all_its_files_or_none(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "new" / "b.txt", b"b")
        with pytest.raises(FileExistsError):
            txn.add_file(tmp_path / "a.txt", b"new")  # gold-like: not replaced unless asked
    assert _tree(tmp_path) == {"a.txt": b"old"}
    assert not pending(tmp_path)
    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "new" / "b.txt", b"b")
        txn.add_file(tmp_path / "a.txt", b"new", replace=True)
        txn.commit()
    assert _tree(tmp_path) == {"a.txt": b"new", "new/b.txt": b"b"}


def test_a_target_is_written_once_and_only_inside_the_base(tmp_path: Path) -> None:
    base = tmp_path / "root"
    base.mkdir()
    with Transaction(base) as txn:
        txn.add_file(base / "a.txt", b"1")
        with pytest.raises(ValueError, match="twice"):
            txn.add_file(base / "a.txt", b"2")
        for outside in (tmp_path / "outside.txt", base / ".." / "outside.txt", base / TXN / "x"):
            with pytest.raises(CorpusError) as info:
                txn.add_file(outside, b"x")
            assert [i.code for i in info.value.issues] == ["path-outside-root"]
    assert _tree(tmp_path) == {}


def test_a_failed_rename_after_the_commit_point_is_finished_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the second rename fails (disk full, say); the journal is kept and recovery completes it."""
    real_replace, calls = os.replace, []

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the journal, then a.txt, then b.txt
            raise OSError("injected")
        real_replace(src, dst)

    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "a.txt", b"a")
        txn.add_file(tmp_path / "b.txt", b"b")
        monkeypatch.setattr(os, "replace", failing_replace)
        with pytest.raises(CorpusError) as info:
            txn.commit()
    assert [i.code for i in info.value.issues] == ["write-failed"]
    assert "committed" in info.value.issues[0].message
    monkeypatch.setattr(os, "replace", real_replace)
    assert pending(tmp_path)
    assert recover(tmp_path)
    assert _tree(tmp_path) == {"a.txt": b"a", "b.txt": b"b"}


def test_an_uncommitted_staging_folder_is_removed_at_the_next_start(tmp_path: Path) -> None:
    (tmp_path / TXN).mkdir()
    (tmp_path / TXN / "0000000").write_bytes(b"half")
    (tmp_path / ".MANIFEST.ab_c1234.tmp").write_bytes(b"a killed write_atomic")
    (tmp_path / ".data.x1y2z3w4").mkdir()  # an older version's build staging
    (tmp_path / ".data.x1y2z3w4.old").mkdir()
    (tmp_path / "kept.txt").write_bytes(b"kept")
    (tmp_path / ".data.mine").mkdir()  # a user's own hidden folder and file are not leftovers
    (tmp_path / ".notes.tmp").write_bytes(b"mine")
    with locked(tmp_path):
        pass
    assert sorted(os.listdir(tmp_path)) == [".data.mine", ".notes.tmp", "kept.txt"]
    assert not recover(tmp_path)


def test_a_folder_replaces_a_folder(tmp_path: Path) -> None:
    (tmp_path / "data" / "old").mkdir(parents=True)
    (tmp_path / "data" / "old" / "x").write_bytes(b"old")
    with Transaction(tmp_path) as txn:
        staged = txn.add_folder(tmp_path / "data")
        (staged / "y").write_bytes(b"new")
        txn.commit()
    assert _tree(tmp_path) == {"data/y": b"new"}


def test_a_staged_file_gets_the_mode_of_the_file_it_replaces_or_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        (tmp_path / "kept").write_bytes(b"")
        (tmp_path / "kept").chmod(0o604)
        with Transaction(tmp_path) as txn:
            txn.add_file(tmp_path / "kept", b"1", replace=True)
            txn.add_file(tmp_path / "new", b"2")
            staged = txn.add_folder(tmp_path / "folder")
            (staged / "inner").write_bytes(b"3")
            txn.commit()
    finally:
        os.umask(umask)
    modes = {name: (tmp_path / name).stat().st_mode & 0o777 for name in ("kept", "new", "folder")}
    assert modes == {"kept": 0o604, "new": 0o640, "folder": 0o750}


def test_a_second_writer_waits_for_the_lock_and_then_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNC_LOCK_WAIT", "30")
    with lock_held(tmp_path, 1.0) as holder, locked(tmp_path):
        assert holder.stdout is not None
        # The holder said so before it let go: had this process not waited, nothing would be there to read yet.
        os.set_blocking(holder.stdout.fileno(), False)
        assert os.read(holder.stdout.fileno(), 100) == b"releasing\n"


def test_a_second_writer_refuses_with_a_code_when_the_wait_runs_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CNC_LOCK_WAIT", "0")
    with lock_held(tmp_path), pytest.raises(CorpusError) as info, locked(tmp_path):
        pass
    assert [i.code for i in info.value.issues] == ["root-locked"]
    with locked(tmp_path):  # a killed holder's lock goes with it
        pass


def test_the_lock_is_reentrant_within_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNC_LOCK_WAIT", "0")
    with locked(tmp_path), locked(tmp_path):
        pass


@pytest.mark.parametrize("value", ["-1", "soon", "1e9"])
def test_the_lock_wait_is_a_bounded_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CNC_LOCK_WAIT", value)
    with pytest.raises(UsageError, match="CNC_LOCK_WAIT"), locked(tmp_path):
        pass


def test_a_root_that_is_no_folder_cannot_be_locked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="can be locked"), locked(tmp_path / "missing"):
        pass


def test_everything_reaches_the_disk_before_the_commit_point_and_the_renames_before_the_journal_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order of the real fsync, rename and unlink calls (recorded, each still done) of one commit."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_unlink = os.fsync, os.replace, Path.unlink

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        events.append(("unlink", str(self)))
        real_unlink(self, missing_ok)

    (tmp_path / "sub").mkdir()
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "sub" / "a.txt", b"a")
        staged = txn.add_folder(tmp_path / "data")
        (staged / "shard").write_bytes(b"s")
        txn.commit()
    folder, base = str(tmp_path / TXN), str(tmp_path)
    commit = events.index(("rename", f"{folder}/journal.json"))
    before = {path for kind, path in events[:commit] if kind == "fsync"}
    assert {f"{folder}/0000000", f"{folder}/0000001/shard", f"{folder}/0000001", f"{folder}/journal.json.partial",
            folder, base} <= before  # fmt: skip
    gone = events.index(("unlink", f"{folder}/journal.json"))
    renamed = {path for kind, path in events[commit + 1 : gone] if kind == "rename"}
    assert renamed == {f"{base}/sub/a.txt", f"{base}/data"}
    assert {f"{base}/sub", base} <= {path for kind, path in events[commit + 1 : gone] if kind == "fsync"}
    assert _tree(tmp_path) == {"sub/a.txt": b"a", "data/shard": b"s"}


def test_a_target_through_a_link_is_refused_before_anything_is_staged(tmp_path: Path) -> None:
    base, away = tmp_path / "root", tmp_path / "away"
    base.mkdir()
    away.mkdir()
    (base / "annotations").symlink_to(away)
    (base / "kept").symlink_to(away)  # a target that is itself a link is replaced, never followed
    with Transaction(base) as txn:
        with pytest.raises(CorpusError) as info:
            txn.add_file(base / "annotations" / "x.json", b"x")
        assert [(i.code, i.file) for i in info.value.issues] == [("path-outside-root", "annotations/x.json")]
        txn.add_file(base / "kept", b"a file now", replace=True)
        txn.commit()
    assert list(away.iterdir()) == [] and (base / "kept").read_bytes() == b"a file now"


def test_a_folder_that_cannot_be_written_into_is_found_before_the_commit_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unit test of the check (tests/test_hardening_two.py runs a real read-only folder): access(2) says no."""
    (tmp_path / "annotations").mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: not str(path).endswith("annotations") and real_access(path, mode)
    )
    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "annotations" / "a.json", b"{}")
        with pytest.raises(CorpusError) as info:
            txn.commit()
    assert [(i.code, i.file) for i in info.value.issues] == [("write-failed", "annotations")]
    assert not pending(tmp_path) and list((tmp_path / "annotations").iterdir()) == []


def test_a_full_disk_while_staging_changes_nothing(tmp_path: Path) -> None:
    """A file size limit of 2 bytes: the kernel refuses the third byte as it refuses a write to a full disk."""
    (tmp_path / "a.txt").write_bytes(b"old")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    with Transaction(tmp_path) as txn:
        txn.add_file(tmp_path / "b.txt", b"b")
        resource.setrlimit(resource.RLIMIT_FSIZE, (2, hard))
        try:
            with pytest.raises(CorpusError) as info:
                txn.add_file(tmp_path / "a.txt", b"new", replace=True)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert [(i.code, i.file) for i in info.value.issues] == [("write-failed", "a.txt")]
    assert "File too large" in info.value.issues[0].message
    assert _tree(tmp_path) == {"a.txt": b"old"} and not pending(tmp_path)
