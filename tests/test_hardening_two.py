"""Issue 24's reproductions, each now a coded refusal or a correct result, with nothing written outside a root.

Commands that must meet a real failure run in a child process: a full disk is the file size limit
(RLIMIT_FSIZE, which makes a write past it fail as a full disk does, EFBIG), a full standard
output is /dev/full (ENOSPC), a closed one is file descriptor 1 closed; a folder that cannot be
written into is a read-only folder, for root too (run without the capability that lets root
ignore permissions: setpriv).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conflict_news import (
    CODES,
    CorpusError,
    UsageError,
    iter_errors,
    load_corpus,
    load_dataset,
    load_document,
    validate,
)
from conflict_news.cli.main import main
from conflict_news.core.numbers import read_numbers
from conflict_news.core.store import annotation_path, dump_json, read_document
from conflict_news.core.txn import JOURNAL, TXN
from conftest import BASE, REPO, materialize_case, package_env, tree
from ls_helpers import offline_export

ARTICLE = "Ostrian engineers repaired the bridge at Port Meren on Sunday, officials said.\n"
# Root ignores permission bits unless it lacks CAP_DAC_OVERRIDE: setpriv takes it away for one command.
NO_BYPASS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def cli(
    argv: list[str], *, fsize: int | None = None, stdout: Any = subprocess.PIPE, close_stdout: bool = False,
    prefix: list[str] | None = None, timeout: float = 300,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`conflict-news ARGV` in a child process, with a file size limit, a standard output or a prefix."""

    def setup() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if close_stdout:
            os.close(1)

    command = [*(prefix or []), sys.executable, "-m", "conflict_news", *argv]
    return subprocess.run(
        command, env=package_env(), stdout=stdout, stderr=subprocess.PIPE, text=True, preexec_fn=setup,
        timeout=timeout,
    )  # fmt: skip


def _codes(err: str) -> set[str]:
    import re

    return set(re.findall(r"\[([a-z]+(?:-[a-z]+)+)\]", err))


def _refused(done: subprocess.CompletedProcess[str], code: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert _codes(done.stderr) == {code}, done.stderr


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """A toy root, and beside it a folder `outside` holding a file that nothing may touch."""
    root = materialize_case({}, tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("precious\n", encoding="utf-8")
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return root, outside


def _export(root: Path, path: Path, doc_id: str = "toy-0001", result: Any = None) -> Path:
    export = offline_export(root, "toy-0001")
    export[0]["data"]["doc_id"] = doc_id
    if result is not None:
        export[0]["annotations"][0]["result"] = result
    path.write_bytes(dump_json(export))
    return path


# S1: a crafted journal


JOURNALS = {
    "does not parse": b"{",
    "a list of numbers": b"[1,2]",
    "null": b"null",
    "a target above the root": b'[["0000000", "../outside/victim.txt"]]',
    "an absolute target": b'[["0000000", "{absolute}"]]',  # a path beside the root, which must stay absent
    "a staged path above the staging folder": b'[["../../outside/victim.txt", "corpus/stolen.txt"]]',
    "a target in the staging folder": b'[["0000000", ".cnc-txn/journal.json"]]',
    "a target named twice": b'[["0000000", "a.txt"], ["0000001", "a.txt"]]',
    "a target through a folder that is a link": b'[["0000000", "linked/victim.txt"]]',
}


@pytest.mark.parametrize("journal", sorted(JOURNALS))
@pytest.mark.parametrize("verb", ["add", "recover", "build", "import"])
def test_a_crafted_journal_is_refused_by_every_writer_and_applied_nowhere(
    verb: str, journal: str, world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, outside = world
    (root / "linked").symlink_to(outside)
    folder = root / TXN
    folder.mkdir()
    for staged in ("0000000", "0000001"):
        (folder / staged).write_text("written by an attacker\n", encoding="utf-8")
    absolute = root.parent / "never-written.txt"
    (folder / JOURNAL).write_bytes(JOURNALS[journal].replace(b"{absolute}", str(absolute).encode()))
    export = _export(root, root.parent / "export.json", result=[])
    before = tree(root.parent)
    argv = {
        "add": ["add", str(root.parent / "article.txt"), "--root", str(root)],
        "recover": ["recover", "--root", str(root)],
        "build": ["build", "--root", str(root), "--workers", "1"],
        "import": ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"],
    }[verb]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"journal-invalid"}, err
    assert f"{TXN}/{JOURNAL}:$: [journal-invalid]" in err
    assert tree(root.parent) == before and not absolute.exists()


def test_a_staging_folder_that_is_a_link_is_refused(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, outside = world
    (root / TXN).symlink_to(outside)
    before = tree(root.parent)
    assert main(["recover", "--root", str(root)]) == 1
    assert "[journal-invalid]" in capsys.readouterr().err
    assert tree(root.parent) == before


def test_a_staged_link_is_refused(world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, outside = world
    (root / TXN).mkdir()
    (root / TXN / "0000000").symlink_to(outside / "victim.txt")
    (root / TXN / JOURNAL).write_bytes(b'[["0000000", "annotations/toy-0001.json"]]')
    before = tree(root.parent)
    assert main(["recover", "--root", str(root)]) == 1
    assert "a symbolic link" in capsys.readouterr().err
    assert tree(root.parent) == before


def test_a_journal_this_package_writes_is_still_applied(tmp_path: Path) -> None:
    """The checks refuse what no writer writes, not a real interrupted write (test_kill.py kills them all)."""
    root = materialize_case({}, tmp_path)
    (root / TXN).mkdir()
    (root / TXN / "0000000").write_text("new text\n", encoding="utf-8")
    (root / TXN / JOURNAL).write_bytes(b'[["0000000", "notes/new.txt"]]')
    assert main(["recover", "--root", str(root)]) == 0
    assert (root / "notes" / "new.txt").read_text(encoding="utf-8") == "new text\n"
    assert not (root / TXN).exists()


# S2: ids that are paths


@pytest.mark.parametrize("doc_id", ["../../outside/victim", "../outside/victim", "toy-0001\x00", "/tmp/x", ""])
def test_an_export_id_that_is_a_path_names_no_document(
    doc_id: str, world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, outside = world
    # The text the import compares with is there, outside the root, where the id points.
    shutil.copy(root / "corpus" / "toy-0001.txt", outside / "victim.txt")
    (outside / "victim.json").write_text("{}", encoding="utf-8")
    export = _export(root, root.parent / "export.json", doc_id=doc_id, result=[])
    before = tree(root.parent)
    argv = ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"ls-task-mismatch"}, err
    assert tree(root.parent) == before


def test_the_annotation_schema_checks_doc_id(tmp_path: Path) -> None:
    root = materialize_case({"set": {"annotations/toy-0001.json#/doc_id": "../toy-0001"}}, tmp_path)
    assert [(i.code, i.path) for i in iter_errors([root])] == [("schema-violation", "$.doc_id")]


def test_an_added_id_is_used_as_given_or_refused(world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = world
    before = tree(root)
    for doc_id in ("", "../x", "a/b", "Upper-1", "x" * 129):
        assert main(["add", str(root.parent / "article.txt"), "--root", str(root), "--id", doc_id]) == 1
        assert _codes(capsys.readouterr().err) <= {"schema-violation", "limit-exceeded"}
    assert tree(root) == before


# S3: folders that are links out of the root


def _link_out(root: Path, folder: str) -> Path:
    away = root.parent / f"away-{folder}"
    shutil.move(root / folder, away)
    (root / folder).symlink_to(away)
    return away


def test_an_import_does_not_write_through_a_linked_annotations_folder(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    export = _export(root, root.parent / "export.json", result=[])
    _link_out(root, "annotations")
    before = tree(root.parent)
    argv = ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"path-outside-root"}, err
    assert tree(root.parent) == before


def _two_agreeing_annotators(root: Path) -> None:
    """ann-a/ and ann-b/ beside the root: both versions agree and differ from the gold, which adjudication would replace."""
    for name in ("ann-a", "ann-b"):
        (root.parent / name).mkdir()
        ann = json.loads(annotation_path(root, "toy-0001").read_text(encoding="utf-8"))
        ann["figures"] = []
        (root.parent / name / "toy-0001.json").write_bytes(dump_json(ann))


def test_adjudication_does_not_write_through_a_linked_annotations_folder(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    _two_agreeing_annotators(root)
    _link_out(root, "annotations")
    before = tree(root.parent)
    argv = ["adjudicate", "--files", f"a={root.parent / 'ann-a'}", "--files", f"b={root.parent / 'ann-b'}",
            "--root", str(root), "--overwrite-gold"]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"path-outside-root"}, err
    assert tree(root.parent) == before


def test_add_refuses_a_linked_corpus_folder(world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = world
    _link_out(root, "corpus")
    before = tree(root.parent)
    assert main(["add", str(root.parent / "article.txt"), "--root", str(root)]) == 1
    assert _codes(capsys.readouterr().err) == {"file-symlink"}
    assert tree(root.parent) == before


# Lost or half-written


def test_silver_never_writes_its_card_over_a_corpus_root(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    (root / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# The hand-written card\n", encoding="utf-8")
    before = tree(root)
    assert main(["silver", str(root / "corpus"), "--out", str(root), "--workers", "1"]) == 1
    assert "[option-invalid]" in capsys.readouterr().err
    assert tree(root) == before


def test_a_read_only_annotations_folder_refuses_before_the_commit_point(world: tuple[Path, Path]) -> None:
    if shutil.which("setpriv") is None and os.geteuid() == 0:
        pytest.skip("root ignores permissions without setpriv")
    root, _ = world
    export = _export(root, root.parent / "export.json", result=[])
    _two_agreeing_annotators(root)
    (root / "annotations").chmod(0o555)
    try:
        before = tree(root)
        for argv in (
            ["add", str(root.parent / "article.txt"), "--root", str(root)],
            ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"],
            ["adjudicate", "--files", f"a={root.parent / 'ann-a'}", "--files", f"b={root.parent / 'ann-b'}",
             "--root", str(root), "--overwrite-gold"],
        ):  # fmt: skip
            done = cli(argv, prefix=NO_BYPASS)
            _refused(done, "write-failed")
            assert "annotations:$: [write-failed]" in done.stderr and "nothing was changed" in done.stderr
            assert tree(root) == before
    finally:
        (root / "annotations").chmod(0o755)
    assert cli(["add", str(root.parent / "article.txt"), "--root", str(root)]).returncode == 0


@pytest.mark.parametrize("output", ["full", "closed"])
def test_add_whose_ids_cannot_be_printed_adds_nothing(output: str, world: tuple[Path, Path]) -> None:
    root, _ = world
    before = tree(root)
    argv = ["add", str(root.parent / "article.txt"), "--root", str(root)]
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = cli(argv, stdout=full) if output == "full" else cli(argv, close_stdout=True)
    _refused(done, "write-failed")
    assert tree(root) == before
    rerun = cli(argv)  # not duplicate-document: nothing was added
    assert rerun.returncode == 0 and rerun.stdout == "cnc-000001\n", rerun.stderr


# Silent wrong results: wrong roots


def test_what_is_no_root_is_refused_by_every_reader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for folder in ("/etc", str(tmp_path / "empty"), str(tmp_path / "file"), str(tmp_path / "nonexistent"),
                   str(tmp_path / "loop")):  # fmt: skip
        for argv in (["validate", folder], ["stats", "--root", folder], ["show", "--root", folder],
                     ["verify", "--root", folder], ["labelstudio", "tasks", "--root", folder],
                     ["evaluate", str(BASE), str(BASE), "--root", folder]):  # fmt: skip
            assert main(argv) == 1, argv
            err = capsys.readouterr().err
            # A path validate is given may be a file: one that is not there is named as missing.
            expected = "input-missing" if argv[0] == "validate" and folder.endswith("nonexistent") else "not-a-root"
            assert _codes(err) == {expected}, (argv, err)
        with pytest.raises(UsageError, match="is not a corpus root") as info:
            load_corpus(folder)
        assert info.value.code == "not-a-root"


def test_a_missing_file_is_named_as_missing(capsys: pytest.CaptureFixture[str]) -> None:
    missing = BASE / "annotations" / "toy-0009.json"
    assert main(["validate", str(missing)]) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"input-missing"} and f"{missing}: no such file or folder" in err
    with pytest.raises(UsageError) as info:
        validate([missing])
    assert info.value.code == "input-missing"


def test_a_file_outside_any_root_is_no_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/etc/hostname" if os.path.exists("/etc/hostname") else "/etc/passwd"]) == 1
    assert _codes(capsys.readouterr().err) == {"not-a-root"}


def test_writers_refuse_a_root_without_corpus(world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = world
    shutil.rmtree(root / "corpus")
    before = tree(root.parent)
    for argv in (["add", str(root.parent / "article.txt"), "--root", str(root)], ["build", "--root", str(root)],
                 ["manifest", "--root", str(root)], ["card", "--root", str(root)]):  # fmt: skip
        assert main(argv) == 1
        assert _codes(capsys.readouterr().err) == {"not-a-root"}
    assert tree(root.parent) == before


# One text rule


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"])
def test_a_text_add_refuses_validate_refuses(
    character: str, world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    text = f"Ostrian engineers{character} repaired the bridge."
    source = root.parent / "binary.txt"
    source.write_text(text, encoding="utf-8")
    assert main(["add", str(source), "--root", str(root)]) == 1
    assert _codes(capsys.readouterr().err) == {"input-binary"}
    # The same text stored with a record that describes it exactly: validate refuses it for the same reason.
    stored = materialize_case({}, root.parent / "stored")
    raw = read_document(stored, "toy-0001")
    assert raw.text is not None and raw.metadata is not None and raw.annotation is not None
    changed = raw.text.replace("Ostrian", f"Ostrian{character}", 1)
    (stored / "corpus" / "toy-0001.txt").write_text(changed, encoding="utf-8")
    codes = {i.code for i in iter_errors([stored])}
    assert "input-binary" in codes


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\x0c"])
def test_a_text_add_accepts_validate_accepts(
    character: str, world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    source = root.parent / "text.txt"
    source.write_text(f"Ostrian engineers{character}repaired the bridge.", encoding="utf-8")
    assert main(["add", str(source), "--root", str(root)]) == 0
    assert main(["validate", str(root)]) == 0


# Small wrong results


def test_several_hundred_states_no_number() -> None:
    assert read_numbers("several hundred") == []
    assert read_numbers("a few thousand") == []
    assert read_numbers("several hundred thousand") == []
    assert read_numbers("two hundred") == [200]
    assert read_numbers("a hundred") == [100]


def test_new_documents_record_the_guidelines_in_force(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    title = (REPO / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8").splitlines()[0]
    version = title.rsplit("version ", 1)[1]
    assert main(["add", str(root.parent / "article.txt"), "--root", str(root)]) == 0
    new_id = capsys.readouterr().out.strip()
    ann = json.loads(annotation_path(root, new_id).read_text(encoding="utf-8"))
    assert ann["provenance"]["guidelines"] == version != "1.0"
    assert main(["preannotate", new_id, "--root", str(root), "--out", str(root.parent / "pred")]) == 0
    pred = json.loads((root.parent / "pred" / f"{new_id}.json").read_text(encoding="utf-8"))
    assert pred["provenance"]["guidelines"] == version


# Tracebacks


def test_symlink_loops_are_coded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for argv, codes in (
        (["validate", str(loop)], {"not-a-root"}),
        (["stats", "--root", str(loop)], {"not-a-root"}),
        (["add", str(loop), "--root", str(loop)], {"not-a-root"}),
        # No gold files there, so nothing to score the prediction against.
        (["evaluate", str(BASE), str(loop), "--root", str(BASE)], {"file-unreadable", "document-missing"}),
        (["synth", "1", str(loop)], {"option-invalid"}),
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert _codes(err) == codes, (argv, err)


@pytest.mark.parametrize("verb", ["silver", "preannotate", "synth", "build"])
def test_an_output_that_is_a_file_or_a_dangling_link_is_refused(
    verb: str, world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    for out in (root.parent / "a-file", root.parent / "dangling"):
        if not os.path.lexists(root.parent / "a-file"):
            (root.parent / "a-file").write_text("mine\n", encoding="utf-8")
            (root.parent / "dangling").symlink_to(root.parent / "nowhere")
        before = tree(root.parent)
        argv = {
            "silver": ["silver", str(root / "corpus"), "--out", str(out), "--workers", "1"],
            "preannotate": ["preannotate", "--root", str(root), "--out", str(out)],
            "synth": ["synth", "1", str(out)],
            "build": ["build", "--root", str(root), "--out", str(out), "--workers", "1"],
        }[verb]
        assert main(argv) == 1
        assert _codes(capsys.readouterr().err) == {"option-invalid"}
        assert tree(root.parent) == before


def test_a_manifest_size_of_thousands_of_digits_is_a_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case({}, tmp_path)
    assert main(["manifest", "--root", str(root)]) == 0
    lines = (root / "MANIFEST").read_text(encoding="utf-8").splitlines()
    digest, _, path = lines[1].split("  ")
    lines[1] = f"{digest}  {'9' * 4301}  {path}"
    (root / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["verify", "--root", str(root)]) == 1
    assert _codes(capsys.readouterr().err) == {"manifest-line-invalid", "manifest-file-unlisted"}


@pytest.mark.parametrize("content", [b"[{", b"\xff\xfe", b"[" * 100_000])
def test_diff_refuses_a_corrupt_release_history(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialize_case({}, tmp_path)
    (repo / "releases.json").write_bytes(content)
    monkeypatch.chdir(repo)
    assert main(["diff", "0.1.0", str(repo)]) == 1
    assert _codes(capsys.readouterr().err) == {"json-invalid"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)  # fmt: skip


def test_diff_of_a_revision_with_a_link_out_of_its_tree_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialize_case({}, tmp_path)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "toy")
    (repo / "corpus" / "evil.txt").symlink_to("../../../../../../../../etc/passwd")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a link out")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "HEAD"]) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"file-symlink"} and "HEAD:corpus/evil.txt" in err


def test_text_options_that_are_not_utf8_are_refused(
    world: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = world
    before = tree(root)
    for option in ("--license", "--title", "--publisher", "--id"):
        # What Python makes of the byte 0xff in a command line (os.fsdecode: surrogateescape).
        assert main(["add", str(root.parent / "article.txt"), "--root", str(root), option, "\udcff"]) == 1
        assert _codes(capsys.readouterr().err) == {"schema-violation"}
    assert tree(root) == before


def test_silver_on_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "a.txt")
    os.mkfifo(tmp_path / "b.jsonl")
    for source in (tmp_path / "in", tmp_path / "b.jsonl"):
        # The timeout guards against the hang that was; the command answers at once.
        done = cli(["silver", str(source), "--out", str(tmp_path / "out"), "--workers", "1"], timeout=120)
        _refused(done, "file-not-regular")
    assert not (tmp_path / "out").exists()


# Full disks (the file size limit) and full or closed standard output


def _standoff_release(folder: Path) -> Path:
    root = materialize_case(
        {"set": {"corpus/toy-0001.json#/license/text": "LicenseRef-Fictional",
                 "corpus/toy-0001.json#/distribution/policy": "standoff"}},
        folder,
    )  # fmt: skip
    assert main(["build", "--root", str(root), "--flavor", "standoff", "--workers", "1"]) == 0
    return root / "standoff"


def test_a_full_disk_is_a_coded_refusal_with_nothing_changed(world: tuple[Path, Path]) -> None:
    root, _ = world
    (root / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# Toy\n", encoding="utf-8")
    export = _export(root, root.parent / "export.json", result=[])
    release = _standoff_release(root.parent / "release")
    sources = root.parent / "sources"
    sources.mkdir()
    shutil.copy(root / "corpus" / "toy-0001.txt", sources / "toy-0001.txt")
    commands = [
        ["add", str(root.parent / "article.txt"), "--root", str(root)],
        ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"],
        ["build", "--root", str(root), "--workers", "1"],
        ["preannotate", "--root", str(root), "--out", str(root.parent / "pred")],
        ["rehydrate", str(release), str(sources), "--out", str(root.parent / "rehydrated")],
        ["manifest", "--root", str(root)],
    ]
    for argv in commands:
        before = tree(root.parent)
        done = cli(argv, fsize=100)  # no file written may grow past 100 bytes
        _refused(done, "write-failed")
        assert tree(root.parent) == before, argv
        assert cli(argv).returncode == 0, argv  # the same command, with room, succeeds


OUTPUT_VERBS = {
    "show": ["show", "--root", "{root}"],
    "stats": ["stats", "--root", "{root}"],
    "validate": ["validate", "{root}", "--json"],
    "cite": ["cite"],
    "config": ["labelstudio", "config"],
    "tasks": ["labelstudio", "tasks", "--root", "{root}"],
    "evaluate": ["evaluate", "{root}", "{root}"],
    "agreement": ["agreement", "{root}", "{root}"],
    "diff": ["diff", "{root}", "{root}", "--json"],
}


@pytest.mark.parametrize("verb", sorted(OUTPUT_VERBS))
@pytest.mark.parametrize("output", ["full", "closed"])
def test_an_output_that_cannot_be_written_is_a_coded_refusal(verb: str, output: str, tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    argv = [arg.replace("{root}", str(root)) for arg in OUTPUT_VERBS[verb]]
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = cli(argv, stdout=full) if output == "full" else cli(argv, close_stdout=True)
    _refused(done, "write-failed")
    assert "standard output" in done.stderr


def test_files_nested_past_the_schema_checkers_limit_are_schema_violations(tmp_path: Path) -> None:
    # jsonschema-rs explains no error inside a value nested ~300 deep (ValueError: Recursion limit reached).
    deep = json.loads("[" * 300 + "]" * 300)
    meta = json.loads((BASE / "corpus" / "toy-0001.json").read_text(encoding="utf-8")) | {"extra": deep}
    ann = read_document(BASE, "toy-0001").annotation | {"extra": {"a": deep}}
    root = materialize_case({"write": {"corpus/toy-0001.json": json.dumps(meta),
                                       "annotations/toy-0001.json": json.dumps(ann)}}, tmp_path)  # fmt: skip
    found = [(i.code, i.file, i.path) for i in iter_errors([root])]
    assert found == [
        ("schema-violation", "corpus/toy-0001.json", "$.extra" + "[0]" * 64),
        ("schema-violation", "annotations/toy-0001.json", "$.extra.a" + "[0]" * 63),
    ]
    _refused(cli(["validate", str(root)]), "schema-violation")


def test_tasks_report_a_corpus_with_issues_even_to_a_closed_output(tmp_path: Path) -> None:
    # tasks checks every document before its first write: stdout is not needed to say what is wrong.
    root = materialize_case({"remove": ["corpus/toy-0001.txt"]}, tmp_path)
    done = cli(["labelstudio", "tasks", "--root", str(root)], close_stdout=True)
    _refused(done, "text-missing")
    assert "nothing written" in done.stderr


def test_a_closed_pipe_stays_quiet(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    with reader.stdin:
        done = cli(["show", "--root", str(root)] + ["toy-0001"] * 200, stdout=reader.stdin)
    reader.wait()
    assert done.returncode == 141 and done.stderr == ""


# Tampered standoff rows


def _tamper(release: Path, edit: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    shard = next((release / "data" / "documents").glob("*.parquet"))
    table = pq.read_table(shard)
    rows = table.to_pylist()
    edit(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), shard)


TAMPERED = {
    "null fingerprint": lambda rows: rows[0].update(fingerprint=None),
    "null metadata": lambda rows: rows[0].update(metadata=None),
    "null provenance": lambda rows: rows[0].update(provenance=None),
    "null events": lambda rows: rows[0].update(events=None),
    "duplicate doc_id": lambda rows: rows.append(dict(rows[0])),
    "unknown text_status": lambda rows: rows[0].update(text_status="hidden"),
    "a doc_id that is a path": lambda rows: rows[0].update(doc_id="../../outside/x"),
    "a null event": lambda rows: rows[0]["events"].__setitem__(0, None),
}


@pytest.mark.parametrize("damage", sorted(TAMPERED))
def test_tampered_standoff_rows_are_refused(damage: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = _standoff_release(tmp_path / "release")
    _tamper(release, TAMPERED[damage])
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(BASE / "corpus" / "toy-0001.txt", sources / "toy-0001.txt")
    out = tmp_path / "out"
    assert main(["rehydrate", str(release), str(sources), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"rehydrate-release-invalid"}, err
    assert not out.exists() and not (tmp_path / "outside").exists()


# Permissions


def test_folders_and_files_that_cannot_be_read_are_coded(world: tuple[Path, Path]) -> None:
    if shutil.which("setpriv") is None and os.geteuid() == 0:
        pytest.skip("root ignores permissions without setpriv")
    root, _ = world
    export = _export(root, root.parent / "export.json", result=[])
    (root.parent / "pred").mkdir()
    targets = [root / "annotations", root / "annotations" / "toy-0001.json", export, root.parent / "pred"]
    commands = [
        ["validate", str(root)], ["stats", "--root", str(root)], ["manifest", "--root", str(root)],
        ["add", str(root.parent / "article.txt"), "--root", str(root)], ["build", "--root", str(root)],
        ["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--workers", "1"],
        ["preannotate", "--root", str(root), "--out", str(root.parent / "pred")],
    ]  # fmt: skip
    for target in targets:
        mode = target.stat().st_mode
        target.chmod(0)
        try:
            for argv in commands:
                before = tree(root)
                done = cli(argv, prefix=NO_BYPASS)
                assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (target, argv, done.stderr)
                if done.returncode == 1:
                    assert _codes(done.stderr) and _codes(done.stderr) <= set(CODES), done.stderr
                    assert tree(root) == before
        finally:
            target.chmod(mode)


# The Python API


API_CALLS = {
    "validate(a path with NUL)": lambda: validate("corpus\x00root"),
    "iter_errors(scheduler='')": lambda: list(iter_errors(BASE, scheduler="")),
    "validate(workers=10**100)": lambda: validate(BASE, workers=10**100),
    "iter_errors(workers=-1)": lambda: list(iter_errors(BASE, workers=-1)),
    "iter_errors(workers=nan)": lambda: list(iter_errors(BASE, workers=float("nan"))),  # type: ignore[arg-type]
    "iter_errors(workers=True)": lambda: list(iter_errors(BASE, workers=True)),
    "validate(paths=0)": lambda: validate(paths=0),  # type: ignore[arg-type]
    "validate(paths=[])": lambda: validate(paths=[]),
    "iter_errors(progress=5)": lambda: list(iter_errors(BASE, progress=5)),  # type: ignore[arg-type]
    "load_dataset(release='~')": lambda: load_dataset(release="~"),
    "load_dataset(release='')": lambda: load_dataset(release=""),
    "load_corpus('/nonexistent')": lambda: load_corpus("/nonexistent"),
    "load_corpus(0)": lambda: load_corpus(0),  # type: ignore[arg-type]
    "load_document(root, '../x')": lambda: load_document(BASE, "../x"),
    "load_document(root, None)": lambda: load_document(BASE, None),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("call", sorted(API_CALLS))
def test_the_api_raises_only_its_own_errors(call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # release='' must not read the current folder
    with pytest.raises((UsageError, CorpusError)):
        API_CALLS[call]()
