"""Issue 13's reproductions, each now a coded refusal or a correct result with nothing lost.

The CLI cases (tests/cases/cli/<code>.json) run a command line against a copy of the toy corpus:
`setup` edits it as an invalid case does, `files` are written next to it ({tmp}), `env` is set,
`hold_lock` has another process hold the root's write lock, `stdout` names the file standard
output is written to (/dev/full: a full disk). The command must exit 1 with exactly the issue
<code> and leave the folder holding the root byte-identical.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError, iter_errors
from conflict_news.cli.main import main
from conflict_news.core.articles import read_inputs
from conflict_news.core.store import annotation_path, dump_json
from conflict_news.grow import ingest
from conflict_news.grow.ingest import add_documents
from conflict_news.labelstudio.importer import import_export
from conftest import BASE, REPO, TESTS, load_case, lock_held, materialize_case, package_env, tree
from ls_helpers import offline_export

CLI = TESTS / "cases" / "cli"


def _codes(text: str) -> set[str]:
    return set(re.findall(r"\[([a-z]+(?:-[a-z]+)+)\]", text))


@pytest.mark.parametrize("code", sorted(p.stem for p in CLI.glob("*.json")))
def test_cli_case_refuses_with_exactly_its_code(
    code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(code, CLI)
    root = materialize_case(case.get("setup", {}), tmp_path)
    for name, text in case.get("files", {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for key, value in case.get("env", {}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # not a git repository

    def fill(text: str) -> str:
        return text.replace("{root}", str(root)).replace("{tmp}", str(tmp_path))

    before = tree(tmp_path)
    argv = [fill(arg) for arg in case["argv"]]
    with contextlib.ExitStack() as stack:
        if case.get("hold_lock"):
            stack.enter_context(lock_held(root))
        if "stdout" in case:
            out = stack.enter_context(open(case["stdout"], "w", encoding="utf-8"))
            stack.callback(_drop_buffer, out)
            monkeypatch.setattr(sys, "stdout", out)
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            status = exc.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert status == 1
    assert _codes(err) == {code}, err
    assert fill(case["expect"]) in err
    assert tree(tmp_path) == before


def _drop_buffer(out: Any) -> None:
    """Whatever /dev/full kept in the file's buffer fails again at close: the case is about the command."""
    with contextlib.suppress(OSError):
        out.close()


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# Lost or half-written data


def test_a_stated_id_is_never_given_to_another_article_of_the_batch(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    batch = _jsonl(
        tmp_path / "b.jsonl", [{"text": "First.", "id": "cnc-000002"}, {"text": "Second."}, {"text": "Third."}]
    )
    assert add_documents(root, batch) == ["cnc-000002", "cnc-000003", "cnc-000004"]
    assert [(root / "corpus" / f"cnc-00000{n}.txt").read_text(encoding="utf-8") for n in (2, 3, 4)] == [
        "First.",
        "Second.",
        "Third.",
    ]
    assert list(iter_errors([root])) == []


def test_a_generated_id_skips_one_stated_later_in_the_batch(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    batch = _jsonl(tmp_path / "b.jsonl", [{"text": "First."}, {"text": "Second.", "id": "cnc-000001"}])
    assert add_documents(root, batch) == ["cnc-000002", "cnc-000001"]


def test_one_id_stated_twice_in_a_batch_is_refused(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    before = tree(root)
    batch = _jsonl(tmp_path / "b.jsonl", [{"text": "First.", "id": "x-1"}, {"text": "Second.", "id": "x-1"}])
    with pytest.raises(CorpusError) as info:
        add_documents(root, batch)
    got = [(i.code, i.file, i.line, [str(r) for r in i.related]) for i in info.value.issues]
    assert got == [("id-taken", str(batch), 2, [f"taken by {batch}:1:$"])]  # where the id was first stated
    assert tree(root) == before


def test_concurrent_adds_each_get_their_own_id_and_nothing_is_lost(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    env = package_env(CNC_LOCK_WAIT="120")
    procs = []
    for n in range(4):
        article = tmp_path / f"a{n}.txt"
        article.write_text(f"Ostrian engineers repaired bridge number {n}.", encoding="utf-8")
        argv = [sys.executable, "-m", "conflict_news", "add", str(article), "--root", str(root)]
        procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [proc.communicate() for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, [err for _, err in outs]
    ids = sorted(out.strip() for out, _ in outs)
    assert ids == ["cnc-000001", "cnc-000002", "cnc-000003", "cnc-000004"]
    texts = sorted((root / "corpus" / f"{i}.txt").read_text(encoding="utf-8") for i in ids)
    assert texts == sorted(f"Ostrian engineers repaired bridge number {n}." for n in range(4))
    assert list(iter_errors([root])) == []


@pytest.mark.parametrize("result", [None, {}, "none", 0])
def test_a_null_or_object_result_is_not_an_empty_annotation(result: Any, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    before = annotation_path(root, "toy-0001").read_bytes()
    export = offline_export(root, "toy-0001")
    export[0]["annotations"][0]["result"] = result
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    out = import_export(path, root, overwrite_gold=True)
    assert [(i.code, i.path) for i in out.issues] == [("ls-export-invalid", "$[0].annotations[0].result")]
    assert annotation_path(root, "toy-0001").read_bytes() == before


def test_an_empty_result_list_is_an_empty_annotation_and_replaces_gold_only_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    export = offline_export(root, "toy-0001")
    export[0]["annotations"][0]["result"] = []
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    assert [i.code for i in import_export(path, root).issues] == ["ls-gold-protected"]
    assert import_export(path, root, overwrite_gold=True).written == ["toy-0001"]
    assert json.loads(annotation_path(root, "toy-0001").read_text(encoding="utf-8"))["events"] == []


def test_a_damaged_current_file_counts_as_gold(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    export = offline_export(root, "toy-0001")
    annotation_path(root, "toy-0001").write_text("[]", encoding="utf-8")
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    assert [i.code for i in import_export(path, root).issues] == ["ls-gold-protected"]
    assert annotation_path(root, "toy-0001").read_text(encoding="utf-8") == "[]"


def test_two_tasks_that_change_one_document_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    one = offline_export(root, "toy-0001")[0]
    one["annotations"][0]["result"] = []
    path = tmp_path / "export.json"
    path.write_bytes(dump_json([one, json.loads(json.dumps(one))]))
    out = import_export(path, root, overwrite_gold=True)
    assert [(i.code, i.path) for i in out.issues] == [("ls-export-invalid", "$")]
    assert "toy-0001" in out.issues[0].message


# Outside the root


def test_a_revision_that_looks_like_an_option_never_reaches_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    monkeypatch.chdir(REPO)
    assert main(["diff", "HEAD", "--", f"--output={victim}"]) == 1
    assert "[revision-invalid]" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "precious"


def test_a_corpus_folder_that_is_a_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    shutil.move(root / "corpus", tmp_path / "elsewhere")
    (root / "corpus").symlink_to(tmp_path / "elsewhere")
    assert main(["validate", str(root)]) == 1
    assert "corpus:$: [file-symlink]" in capsys.readouterr().err


def test_add_reads_no_link_and_enters_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A real article.", encoding="utf-8")
    (folder / "x.txt").symlink_to("/etc/hostname")
    (folder / "sub.txt").mkdir()
    (folder / "sub.txt" / "inner.txt").write_text("Not read.", encoding="utf-8")
    articles, issues = read_inputs(folder)
    assert [a.origin for a in articles] == [str(folder / "a.txt")]
    assert sorted((i.code, Path(i.file).name) for i in issues) == [
        ("file-not-regular", "sub.txt"),
        ("file-symlink", "x.txt"),
    ]
    link = tmp_path / "named.txt"
    link.symlink_to(folder / "a.txt")
    assert [a.raw for a in read_inputs(link)[0]] == [b"A real article."]  # a path the user names may be a link


# Tracebacks instead of coded errors


def test_an_overlong_id_is_refused_with_a_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    before = tree(root)
    assert main(["add", str(article), "--root", str(root), "--id", "a-" + "b" * 300]) == 1
    assert _codes(capsys.readouterr().err) == {"limit-exceeded"}
    assert tree(root) == before


FLOAT_START = {"set": {"annotations/toy-0001.json#/events/0/trigger/start": 12.0}}
NULL_ANNOTATION = {"write": {"annotations/toy-0001.json": "null"}}
NULL_METADATA = {"write": {"corpus/toy-0001.json": "null"}}


@pytest.mark.parametrize(
    ("case", "code"),
    [(FLOAT_START, "offset-not-integer"), (NULL_ANNOTATION, "schema-violation"), (NULL_METADATA, "schema-violation")],
)
@pytest.mark.parametrize("verb", ["validate", "build", "show", "evaluate", "stats"])
def test_every_reader_refuses_a_float_offset_or_a_null_file_with_a_code(
    verb: str, case: dict[str, Any], code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case(case, tmp_path)
    argv = {
        "validate": ["validate", str(root)],
        "build": ["build", "--root", str(root)],
        "show": ["show", "--root", str(root)],
        "evaluate": ["evaluate", str(root), str(root)],
        "stats": ["stats", "--root", str(root)],
    }[verb]
    before = tree(root)
    assert main(argv) == 1
    assert _codes(capsys.readouterr().err) == {code}
    assert tree(root) == before


def test_diff_refuses_a_null_file_instead_of_calling_it_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = materialize_case({}, tmp_path / "old")
    new = materialize_case(NULL_ANNOTATION, tmp_path / "new")
    assert main(["diff", str(old), str(new)]) == 1
    assert _codes(capsys.readouterr().err) == {"schema-violation"}


@pytest.mark.parametrize(
    ("pointer", "value", "path"),
    [
        ("/0/annotations/0/result/3", "a string", "$[0].annotations[0].result[3]"),
        ("/0/annotations/0/result/3/value", ["a", "list"], "$[0].annotations[0].result[3].value"),
        ("/0/annotations/0", 7, "$[0].annotations[0]"),
        ("/0/annotations", {"0": {}}, "$[0].annotations"),
        ("/0/annotations/0/ground_truth", "yes", "$[0].annotations[0].ground_truth"),
        ("/0/annotations/0/result/3/value/start", True, "$[0].annotations[0].result[3].value.start"),
        ("/0/annotations/0/result/3/value/labels", "EVENT", "$[0].annotations[0].result[3].value.labels"),
    ],
)
def test_an_export_of_the_wrong_shape_is_reported_not_raised(
    pointer: str, value: Any, path: str, tmp_path: Path
) -> None:
    from ls_helpers import apply_case

    export = apply_case(offline_export(BASE, "toy-0001"), {"set": {pointer: value}})
    file = tmp_path / "export.json"
    file.write_bytes(dump_json(export))
    out = import_export(file, BASE)
    assert (out.issues[0].code, out.issues[0].path) == ("ls-export-invalid", path), [str(i) for i in out.issues]
    assert {i.code for i in out.issues} <= {"ls-export-invalid", "ls-attribute-missing", "ls-region-unlinked"}


def test_a_card_that_is_not_utf8_is_refused_before_data_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case({}, tmp_path)
    (root / "README.md").write_bytes(b"---\nlicense: mit\n---\n\xff\n")
    before = tree(root)
    assert main(["build", "--root", str(root)]) == 1
    assert "README.md:$: [card-invalid]" in capsys.readouterr().err
    assert tree(root) == before


@pytest.mark.parametrize("verb", ["build", "rehydrate"])
def test_an_output_that_is_a_file_is_refused(verb: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    out = root / "README.md"
    out.write_text("# kept\n", encoding="utf-8")
    argv = {
        "build": ["build", "--root", str(root), "--out", str(out)],
        "rehydrate": ["rehydrate", str(REPO / "standoff"), str(tmp_path), "--out", str(out)],
    }[verb]
    assert main(argv) == 1
    assert "--out:$: [option-invalid]" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# kept\n"


def test_a_manifest_that_is_not_utf8_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    assert main(["manifest", "--root", str(root)]) == 0
    manifest = (root / "MANIFEST").read_bytes().split(b"\n")
    manifest[1] = manifest[1][:-3] + b"\xff\xfe"
    (root / "MANIFEST").write_bytes(b"\n".join(manifest))
    assert main(["verify", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "MANIFEST:2: [manifest-line-invalid]" in err


def test_a_release_date_that_is_no_day_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "9.9.9", "--date", "2026-02-30", "--root", str(REPO)]) == 1
    assert "--date:$: [option-invalid]" in capsys.readouterr().err


# Endless or unbounded


def test_a_device_or_fifo_among_the_inputs_is_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case({}, tmp_path)
    assert main(["add", "/dev/zero", "--root", str(root)]) == 1
    assert "/dev/zero:$: [file-not-regular]" in capsys.readouterr().err
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "x.txt")
    assert main(["add", str(folder), "--root", str(root)]) == 1
    assert "x.txt:$: [file-not-regular]" in capsys.readouterr().err
    export = tmp_path / "export.json"
    os.mkfifo(export)
    assert [i.code for i in import_export(export, root).issues] == ["file-not-regular"]


def test_an_annotation_file_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    root = materialize_case({"remove": ["annotations/toy-0001.json"]}, tmp_path)
    os.mkfifo(root / "annotations" / "toy-0001.json")
    assert [(i.code, i.file) for i in iter_errors([root])] == [("file-not-regular", "annotations/toy-0001.json")]


@pytest.mark.parametrize("levels", [65, 20_000, 100_000])
def test_a_deeply_nested_export_is_refused_before_it_is_built(levels: int, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(b'[{"data": ' + b'{"a": ' * levels + b"1" + b"}" * levels + b"}]")
    out = import_export(export, BASE)
    assert [(i.code, i.path) for i in out.issues] == [("limit-exceeded", "$")]


def test_nesting_inside_strings_does_not_count(tmp_path: Path) -> None:
    export = offline_export(BASE, "toy-0001")
    export[0]["drafts"] = [{"note": "[" * 500 + '\\"{' * 300}]
    file = tmp_path / "export.json"
    file.write_bytes(dump_json(export))
    assert import_export(file, BASE).issues == []


def test_a_bad_jsonl_line_refuses_the_batch_before_any_article_is_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = materialize_case({}, tmp_path)
    lines = [json.dumps({"text": f"Article {n}."}) for n in range(5000)]
    lines[2500] = '{"text": '
    batch = tmp_path / "big.jsonl"
    batch.write_text("\n".join(lines), encoding="utf-8")

    def never(*args: object) -> None:
        raise AssertionError("planned although the input was already refused")

    monkeypatch.setattr(ingest, "plan_additions", never)
    with pytest.raises(CorpusError) as info:
        add_documents(root, batch)
    assert [(i.code, i.line, i.column, i.path) for i in info.value.issues] == [("json-invalid", 2501, 10, "")]
    articles, issues = read_inputs(batch)
    assert (articles, len(issues)) == ([], 1)  # nothing held once the batch is refused


def test_numeric_options_are_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["validate", "--workers", "-1"],
        ["build", "--max-shard-bytes", "0"],
        ["synth", "100000000000", str(tmp_path / "s")],
        ["labelstudio", "import", "x.json", "--workers", "many"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 1
        assert "[option-invalid]" in capsys.readouterr().err


# Permissions


def test_what_build_writes_follows_the_umask_throughout(tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    umask = os.umask(0o027)
    try:
        assert main(["build", "--root", str(root), "--workers", "1"]) == 0
    finally:
        os.umask(umask)
    modes = {
        p.relative_to(root).as_posix(): p.stat().st_mode & 0o777 for p in [root / "data", *(root / "data").rglob("*")]
    }
    assert modes["data"] == 0o750
    assert {mode for rel, mode in modes.items() if (root / rel).is_dir()} == {0o750}
    assert {mode for rel, mode in modes.items() if (root / rel).is_file()} == {0o640}
    assert (root / "README.md").stat().st_mode & 0o777 == 0o640


# Limits and typed metadata, at their edges


@pytest.mark.parametrize(("published", "ok"), [("2024-02-29", True), ("2026-02-29", False), ("2026-02-30", False),
                                                ("2026-12", True), ("2026-13", False), ("2026", True)])  # fmt: skip
def test_a_stated_date_must_be_in_the_calendar(published: str, ok: bool, tmp_path: Path) -> None:
    root = materialize_case({}, tmp_path)
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    if ok:
        assert add_documents(root, article, {"published": published}) == ["cnc-000001"]
        return
    with pytest.raises(CorpusError) as info:
        add_documents(root, article, {"published": published})
    assert [(i.code, i.path) for i in info.value.issues] == [("schema-violation", "$.published")]


def test_batch_and_line_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conflict_news.core import articles

    monkeypatch.setattr(articles, "MAX_BATCH_ARTICLES", 2)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Article {n}.", encoding="utf-8")
    assert [i.code for i in read_inputs(folder)[1]] == ["limit-exceeded"]
    batch = _jsonl(tmp_path / "b.jsonl", [{"text": f"Article {n}."} for n in range(3)])
    assert [(i.code, i.path) for i in read_inputs(batch)[1]] == [("limit-exceeded", "$")]
    monkeypatch.setattr(articles, "MAX_BATCH_ARTICLES", 100)
    monkeypatch.setattr(articles, "MAX_FILE_BYTES", 40)
    long = tmp_path / "long.jsonl"
    long.write_text(json.dumps({"text": "x" * 100}) + "\n" + json.dumps({"text": "short"}) + "\n", encoding="utf-8")
    found, issues = read_inputs(long)
    assert ([(i.code, i.line, i.path) for i in issues], found) == ([("limit-exceeded", 1, "$")], [])


def test_recover_finishes_an_interrupted_write_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conflict_news.core.txn import TXN

    root = materialize_case({}, tmp_path)
    (root / "standoff" / TXN).mkdir(parents=True)
    (root / TXN).mkdir()
    before = {i.code for i in iter_errors([root])}
    assert before == {"write-interrupted"}
    assert main(["verify", "--root", str(root)]) == 1
    assert "[write-interrupted]" in capsys.readouterr().err
    assert main(["recover", "--root", str(root)]) == 0
    assert f"{root}, {root / 'standoff'}" in capsys.readouterr().err
    assert list(iter_errors([root])) == []
    assert main(["recover", "--root", str(root)]) == 0
    assert "nothing to do" in capsys.readouterr().err


def test_manifest_and_verify_refuse_links_and_special_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case({}, tmp_path)
    (root / "data").mkdir()
    (root / "data" / "link.parquet").symlink_to("/etc/hostname")
    os.mkfifo(root / "data" / "pipe.parquet")
    (root / "croissant.json").symlink_to("/etc/hostname")
    assert main(["manifest", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert _codes(err) == {"file-symlink", "file-not-regular"}
    assert "data/link.parquet:$: [file-symlink]" in err and "croissant.json:$: [file-symlink]" in err
    assert not (root / "MANIFEST").exists()
    (root / "MANIFEST").write_text("# Conflict News Corpus 0.1.0: x\n", encoding="utf-8")
    assert main(["verify", "--root", str(root)]) == 1
    assert {"file-symlink", "file-not-regular"} <= _codes(capsys.readouterr().err)
    (root / "MANIFEST").unlink()
    (root / "MANIFEST").symlink_to("/etc/hostname")
    assert main(["verify", "--root", str(root)]) == 1
    assert "MANIFEST:$: [file-symlink]" in capsys.readouterr().err


def test_a_release_refuses_tombstones_that_do_not_parse(tmp_path: Path) -> None:
    from conflict_news.release.cut import plan_release

    root = tmp_path / "repo"
    for name in ("corpus", "annotations", "schema"):
        shutil.copytree(REPO / name, root / name)
    assert main(["release", "0.1.0", "--root", str(root)]) == 1  # not a git work tree: refused, with a code
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "tombstones.json").write_text("[{", encoding="utf-8")
    issues, plan = plan_release(root, "0.1.0", "2026-01-01")
    assert plan is None and ("json-invalid", "tombstones.json") in [(i.code, i.file) for i in issues]
    (root / "tombstones.json").unlink()
    issues, plan = plan_release(root, "0.1.0", "2026-01-01")
    assert plan is None and ("file-unreadable", "tombstones.json") in [(i.code, i.file) for i in issues]


def test_read_regular_reads_past_the_size_fstat_gave(tmp_path: Path) -> None:
    """read_regular asks for the size fstat gives, not the limit: a file that reports no size (/proc) or
    grows is still read whole, and one past the limit is still refused."""
    from conflict_news.core.store import read_regular

    status = Path("/proc/self/status")
    if status.exists():  # a regular file whose st_size is 0
        assert os.stat(status).st_size == 0 and b"Name:" in read_regular(status, "status", follow=True)
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"x" * 40)
    assert read_regular(exact, "exact.txt", limit=40) == b"x" * 40
    with pytest.raises(CorpusError) as info:
        read_regular(exact, "exact.txt", limit=39)
    assert [i.code for i in info.value.issues] == ["limit-exceeded"]
