"""Writers of a corpus root: one lock per root, and multi-file writes that are all or nothing after a kill.

A command that writes into a root holds an exclusive flock(2) on the root folder itself: no lock
file is left behind, and the kernel releases the lock when the process ends, however it ends. A
second writer waits up to LOCK_WAIT seconds (CNC_LOCK_WAIT in the environment) and then refuses
with `root-locked`.

A Transaction stages every new file or folder under BASE/.cnc-txn/, then writes the journal
BASE/.cnc-txn/journal.json listing staged -> target: the rename that puts the journal in place is
the commit point. Applying it is one rename per target. At the next start (every writer takes the
lock through `locked`, which recovers first) a journal found is applied to its end, and a staging
folder without one is removed. So after a SIGKILL at any moment the root holds its old state or,
once recovered, its new one; docs/robustness.md has the details and the kill test.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import orjson

from .errors import CorpusError, Issue, UsageError

TXN = ".cnc-txn"
JOURNAL = "journal.json"
LOCK_WAIT = 60.0
_MAX_WAIT = 24 * 3600.0
# Locks this process holds, by (device, inode) of the root: a nested writer in the same process
# (release writing MANIFEST, say) must not wait for itself.
_held: dict[tuple[int, int], int] = {}
_steps = 0


def step() -> None:
    """A point at which the kill test may end this process (CNC_TEST_KILL_AT=N: SIGKILL at the N-th step).

    Every staged file, the journal, every rename and the cleanup is a step, so a test can kill a
    writer at each of them in turn, deterministically.
    """
    global _steps
    _steps += 1
    if os.environ.get("CNC_TEST_KILL_AT") == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)


def lock_wait() -> float:
    raw = os.environ.get("CNC_LOCK_WAIT")
    if raw is None:
        return LOCK_WAIT
    try:
        wait = float(raw)
    except ValueError:
        wait = -1.0
    if not 0 <= wait <= _MAX_WAIT:
        raise UsageError(f"CNC_LOCK_WAIT must be a number of seconds from 0 to {_MAX_WAIT:.0f}, not {raw!r}")
    return wait


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the write lock of `root` (waiting up to lock_wait() seconds), after recovering any interrupted write."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise UsageError(f"{root} is not a folder that can be locked for writing: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        if key not in _held:
            _acquire(fd, root)
            recover(root)
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
    finally:
        os.close(fd)


def _acquire(fd: int, root: Path) -> None:
    wait = lock_wait()
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise CorpusError(
                    [Issue(code="root-locked", file=str(root), path="$",
                           message=f"another conflict-news command is writing here (waited {wait:g} s); "
                                   "run this one when it has finished")]
                ) from None  # fmt: skip
            time.sleep(0.05)


def pending(base: Path) -> bool:
    """Whether an interrupted write has left its staging folder in `base`."""
    return os.path.lexists(base / TXN)


def recover(base: Path) -> bool:
    """Finish a committed write interrupted in `base`, or remove one that never committed; True if there was one.

    Also removes what single-file writes (store.write_atomic) and older versions' builds leave when
    killed: hidden `.NAME.*.tmp` files and `.data.*` folders directly in `base`.
    """
    found = False
    folder = base / TXN
    if os.path.lexists(folder):
        found = True
        journal = folder / JOURNAL
        if journal.exists():
            moves = [(folder / staged, base / target) for staged, target in orjson.loads(journal.read_bytes())]
            _apply(folder, moves)
        shutil.rmtree(folder)
    with os.scandir(base) as entries:
        for entry in entries:
            if _LEFT_FILE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                found = True
            elif _LEFT_FOLDER.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
                found = True
    return found


# What tempfile.mkstemp/mkdtemp name (8 random characters) in write_atomic and in older builds: only
# these are removed, never a user's own hidden file.
_LEFT_FILE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_LEFT_FOLDER = re.compile(r"\.data\.[a-z0-9_]{8}(\.old)?")


def _apply(folder: Path, moves: list[tuple[Path, Path]]) -> None:
    """Rename every staged path that is still there onto its target; repeatable after a kill."""
    for number, (staged, target) in enumerate(moves):
        if not os.path.lexists(staged):
            continue  # renamed before the kill
        target.parent.mkdir(parents=True, exist_ok=True)
        if staged.is_dir() and os.path.lexists(target):
            os.replace(target, folder / f"old-{number}")  # a folder cannot be renamed onto a full one
            step()
        os.replace(staged, target)
        step()
    (folder / JOURNAL).unlink()
    step()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """The mode a written file gets: the one it had, else what the umask gives a plainly created file."""
    try:
        return stat.S_IMODE(os.lstat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


class Transaction:
    """Files and folders staged under BASE/.cnc-txn/ and moved onto their targets together by commit().

    Use as a context manager: leaving it by an exception before commit() removes what was staged.
    Targets must lie inside `base`; each may be written once.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        recover(base)
        self.folder = base / TXN
        self.folder.mkdir()
        self.moves: list[tuple[Path, Path]] = []
        self.targets: set[Path] = set()
        self.committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.committed and os.path.lexists(self.folder):
            shutil.rmtree(self.folder)

    def _claim(self, target: Path) -> Path:
        relative = target.relative_to(self.base)  # ValueError for a target outside the base
        if target in self.targets:
            raise ValueError(f"{relative} is written twice in one transaction")
        self.targets.add(target)
        staged = self.folder / f"{len(self.moves):07d}"
        self.moves.append((staged, target))
        return staged

    def add_file(self, target: Path, data: bytes, *, replace: bool = False) -> None:
        """Stage `data` for `target`; an existing target is only replaced when `replace`."""
        if not replace and os.path.lexists(target):
            raise FileExistsError(f"refusing to replace {target}")
        mode = file_mode(target)
        staged = self._claim(target)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
        step()

    def add_folder(self, target: Path) -> Path:
        """A new, empty staging folder to fill; commit() puts it in the place of `target` (replacing it)."""
        staged = self._claim(target)
        staged.mkdir()  # the umask decides its mode, as for any folder a user creates
        step()
        return staged

    def commit(self) -> None:
        """Write the journal (the commit point), then apply it and remove the staging folder."""
        journal = orjson.dumps([[s.name, t.relative_to(self.base).as_posix()] for s, t in self.moves])
        partial = self.folder / (JOURNAL + ".partial")
        partial.write_bytes(journal)
        os.replace(partial, self.folder / JOURNAL)
        self.committed = True
        step()
        _apply(self.folder, self.moves)
        shutil.rmtree(self.folder)
        step()
