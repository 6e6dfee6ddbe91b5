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

Every target must lie inside the root, reached through no symbolic link (path-outside-root), and
the journal is checked entry by entry before any of it is applied (journal-invalid): a journal
committed into a repository by someone else must not move files out of, or into, the root. Staged
files, their folders and the journal are fsync'ed before the commit point and the targets' folders
before the journal is removed, so that a power loss, like a kill, leaves the old state or the new.
Failing writes (a full disk, no permission, a read-only filesystem) are refused as write-failed:
before the commit point with nothing changed, after it with the journal kept for `recover`.
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
from .limits import MAX_FILE_BYTES

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
        raise UsageError(
            f"{root} is not a folder that can be locked for writing: {exc.strerror}", "not-a-root"
        ) from None
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


COMMITTED = (
    "the write is committed and is completed by `conflict-news recover` (or the next writing command) "
    "once the cause is fixed"
)


@contextmanager
def writing(file: str, then: str = "nothing was changed") -> Iterator[None]:
    """Turn an OSError of the block (a full disk, no permission, a read-only filesystem) into write-failed about
    `file`; `then` says what state that leaves (COMMITTED: after the commit point, the journal is kept)."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise CorpusError([Issue(code="write-failed", file=file, path="$", message=f"{reason}; {then}")]) from None


def _outside(file: str, message: str) -> CorpusError:
    return CorpusError([Issue(code="path-outside-root", file=file, path="$", message=message)])


def check_target(base: Path, target: Path) -> Path:
    """`target` (a path under `base`, as `base / ...` builds it) checked to lie inside `base`; else
    CorpusError path-outside-root.

    Lexically inside (no '..', not the staging folder) and reached through no symbolic link: every
    existing folder between `base` and the target is a real folder. The target itself may be a
    link: a rename replaces the link, never what it points to.
    """
    try:
        relative = target.relative_to(base)
    except ValueError:
        raise _outside(str(target), f"is not inside the root {base}") from None
    parts = relative.parts
    if not parts or ".." in parts or parts[0] == TXN or any("\0" in part for part in parts):
        raise _outside(str(target), f"is not a path inside the root {base}")
    folder = base
    for part in parts[:-1]:
        folder = folder / part
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            break  # created by the write, as a real folder
        except OSError as exc:
            raise _outside(relative.as_posix(), f"cannot be checked: {exc.strerror}") from None
        if stat.S_ISLNK(mode):
            raise _outside(relative.as_posix(), f"passes through {folder.relative_to(base).as_posix()}, a symbolic "
                                                 "link; nothing is written through a link")  # fmt: skip
    return base / relative


_STAGED = re.compile(r"[0-9]{7}")


def _invalid(message: str) -> CorpusError:
    return CorpusError(
        [Issue(code="journal-invalid", file=f"{TXN}/{JOURNAL}", path="$",
               message=f"{message}; nothing of it was applied: look at {TXN}/ and remove it")]
    )  # fmt: skip


def read_journal(base: Path) -> list[tuple[Path, Path]]:
    """The (staged, target) pairs of the journal in `base`, each checked; CorpusError journal-invalid otherwise.

    A journal is a JSON list of [STAGED, TARGET]: STAGED a name of seven digits in the staging folder
    (a real file or folder, not a link), TARGET a path relative to the root that check_target
    accepts, each target named once.
    """
    folder = base / TXN
    journal = folder / JOURNAL
    try:
        fd = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise _invalid(f"cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _invalid("is not a regular file")
        raw = f.read(MAX_FILE_BYTES + 1)
    try:
        entries = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _invalid(f"does not parse ({exc.msg})") from None
    if not isinstance(entries, list):
        raise _invalid("is not a list of [staged, target] pairs")
    moves: list[tuple[Path, Path]] = []
    for i, entry in enumerate(entries):
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
            raise _invalid(f"entry {i} is not a [staged, target] pair of strings")
        staged, target = entry
        if not _STAGED.fullmatch(staged):
            raise _invalid(f"entry {i} stages {staged!r}, not a name of the staging folder")
        if os.path.islink(folder / staged):
            raise _invalid(f"entry {i} stages {staged!r}, a symbolic link")
        if target.startswith("/") or "\0" in target or Path(target).as_posix() != target:
            raise _invalid(f"entry {i} names {target!r}, which is not a plain relative path")
        try:
            moves.append((folder / staged, check_target(base, base / target)))
        except CorpusError:
            raise _invalid(f"entry {i} names {target!r}, which is not a path inside the root") from None
    if len({target for _, target in moves}) < len(moves):
        raise _invalid("a target is named twice")
    return moves


def recover(base: Path) -> bool:
    """Finish a committed write interrupted in `base`, or remove one that never committed; True if there was one.

    Also removes what single-file writes (store.write_atomic) and older versions' builds leave when
    killed: hidden `.NAME.*.tmp` files and `.data.*` folders directly in `base`. A journal that is
    not one this package writes is refused (journal-invalid) and left as it is.
    """
    found = False
    folder = base / TXN
    if os.path.lexists(folder):
        found = True
        if os.path.islink(folder) or not folder.is_dir():
            raise _invalid(f"{TXN} is a symbolic link or a file, not the staging folder")
        committed = os.path.lexists(folder / JOURNAL)
        if committed:
            _apply(folder, read_journal(base))
        # Applied (or never committed): what is left is only the staging folder, for the next writer to remove.
        with writing(TXN, "the root holds the new state; the next writing command removes the staging folder"
                     if committed else "nothing was changed; the next writing command removes it"):  # fmt: skip
            shutil.rmtree(folder)
    with writing(base.name or str(base)), os.scandir(base) as entries:
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


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that the names created, renamed or removed in it survive a power loss."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder under `folder` (a staged folder that a caller filled), and it."""
    for parent, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(parent, name), os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        sync_folder(Path(parent))


def _apply(folder: Path, moves: list[tuple[Path, Path]]) -> None:
    """Rename every staged path that is still there onto its target; repeatable after a kill.

    The targets' folders are fsync'ed before the journal goes, so the renames outlive a power loss.
    """
    base = folder.parent
    with writing(TXN, COMMITTED):
        parents: set[Path] = set()
        for number, (staged, target) in enumerate(moves):
            if not os.path.lexists(staged):
                continue  # renamed before the kill
            target = check_target(base, target)  # nothing on the way became a link since
            target.parent.mkdir(parents=True, exist_ok=True)
            if staged.is_dir() and os.path.lexists(target):
                os.replace(target, folder / f"old-{number}")  # a folder cannot be renamed onto a full one
                step()
            os.replace(staged, target)
            parents.add(target.parent)
            step()
        for parent in sorted(parents):
            sync_folder(parent)
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
    Targets must lie inside `base` (check_target); each may be written once.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        recover(base)
        self.folder = base / TXN
        with writing(TXN):
            self.folder.mkdir()
        self.moves: list[tuple[Path, Path]] = []
        self.targets: set[Path] = set()
        self.committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.committed and os.path.lexists(self.folder):
            # What cannot be removed now (a read-only filesystem) the next writer removes.
            shutil.rmtree(self.folder, ignore_errors=True)

    def _claim(self, target: Path) -> Path:
        target = check_target(self.base, target)
        relative = target.relative_to(self.base).as_posix()
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
        relative = check_target(self.base, target).relative_to(self.base).as_posix()
        if os.path.isdir(target) and not os.path.islink(target):
            raise CorpusError([Issue(code="file-not-regular", file=relative, path="$",
                                     message="is a folder; a file was to be written there")])  # fmt: skip
        mode = file_mode(target)
        staged = self._claim(target)
        with writing(relative):
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                os.fchmod(f.fileno(), mode)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        step()

    def add_folder(self, target: Path) -> Path:
        """A new, empty staging folder to fill; commit() puts it in the place of `target` (replacing it)."""
        staged = self._claim(target)
        with writing(target.relative_to(self.base).as_posix()):
            staged.mkdir()  # the umask decides its mode, as for any folder a user creates
        step()
        return staged

    def _check_writable(self) -> None:
        """Refuse (write-failed) before the commit point what the renames after it could not do.

        access(2) answers for permission bits, ACLs, a read-only filesystem and an immutable
        folder, for root too: a read-only annotations/ is found here, with nothing changed yet.
        """
        for _, target in self.moves:
            folder = target.parent
            while not os.path.lexists(folder) and folder != self.base:
                folder = folder.parent
            blocked = [f for f in (folder, target) if os.path.isdir(f) and not os.access(f, os.W_OK | os.X_OK)]
            if blocked:
                where = blocked[0].relative_to(self.base).as_posix() if blocked[0] != self.base else "."
                raise CorpusError(
                    [Issue(code="write-failed", file=where, path="$",
                           message="cannot be written into (permission, read-only filesystem or immutable "
                                   "folder); nothing was changed")]
                )  # fmt: skip

    def commit(self) -> None:
        """Write the journal (the commit point), then apply it and remove the staging folder."""
        self._check_writable()
        journal = orjson.dumps([[s.name, t.relative_to(self.base).as_posix()] for s, t in self.moves])
        with writing(f"{TXN}/{JOURNAL}"):
            for staged, _ in self.moves:
                if staged.is_dir():
                    _sync_tree(staged)
            partial = self.folder / (JOURNAL + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(journal)
                f.flush()
                os.fsync(f.fileno())
            sync_folder(self.folder)  # the staged names, before the journal that lists them
            sync_folder(self.base)  # the staging folder's own name
            os.replace(partial, self.folder / JOURNAL)
            sync_folder(self.folder)
        self.committed = True
        step()
        _apply(self.folder, self.moves)
        # Complete now: a staging folder that cannot be removed is only what the next writer removes.
        shutil.rmtree(self.folder, ignore_errors=True)
        step()
