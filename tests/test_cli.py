"""The conflict-news command, in process (for coverage) and as the installed console script."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conflict_news import __version__
from conflict_news.cli.main import EXAMPLES, GROUPS, build_parser, main
from conftest import ADD, INVALID, REPO, load_case, materialize_case, write_add_input


def test_validate_shipped_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "valid" in capsys.readouterr().err


def test_validate_reports_every_issue_to_stderr_and_json_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case(load_case("dangling-reference"), tmp_path)
    assert main(["validate", str(root), "--json"]) == 1
    out, err = capsys.readouterr()
    issues = json.loads(out)
    assert [i["code"] for i in issues] == ["dangling-reference"]
    assert issues[0]["file"] == "annotations/toy-0001.json" and issues[0]["ann_id"] == "fig1"
    assert "annotations/toy-0001.json:$.figures[0].event: [dangling-reference] fig1:" in err


def test_stats_json_counts_the_corpus_by_split_and_annotation_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert {"documents", "events", "quotes", "figures", "entities"} <= set(stats)
    metadata = [json.loads(p.read_text(encoding="utf-8")) for p in (REPO / "corpus").glob("*.json")]
    assert stats["documents"] == len(metadata)
    by = stats["documents_by"]
    assert by["split"] == dict(Counter(m["split"] for m in metadata))
    assert sum(by["annotation_status"].values()) == len(metadata) and by["annotation_status"]["gold"] >= 1
    assert stats["events"] == sum(stats["by_type"]["events"].values())
    assert stats["quotes"] == sum(stats["by_type"]["quotes"].values())


def test_stats_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    assert "violent.remote_strike" in capsys.readouterr().out


def test_show_marks_spans_and_lists_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "cnc-000001"]) == 0
    out = capsys.readouterr().out
    assert "{270|fig2} drones" in out
    assert "<said|q3>, “«today, we [handed over|ev24]" in out
    assert "EVENTS (" in out and "QUOTES (" in out and "FIGURES (" in out and "ENTITIES (" in out


def test_show_nested_marks_close_inner_first(toy_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--root", str(toy_root)]) == 0
    assert "«Valdorian forces [fired|ev1] {12|fig1} rockets at Port Meren on Tuesday»q1" in capsys.readouterr().out


def test_show_unknown_document_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "cnc-999999"]) == 1
    assert "no document cnc-999999" in capsys.readouterr().err


def test_commands_on_an_invalid_corpus_fail_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case(load_case("json-invalid"), tmp_path)
    assert main(["stats", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "[json-invalid]" in err and "Traceback" not in err


@pytest.mark.parametrize("code", sorted(p.stem for p in INVALID.glob("*.json")))
def test_validate_exits_1_for_each_invalid_case(code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize_case(load_case(code), tmp_path)
    assert main(["validate", str(root)]) == 1
    assert f"[{code}]" in capsys.readouterr().err


@pytest.mark.parametrize("code", sorted(p.stem for p in ADD.glob("*.json")))
def test_add_exits_1_for_each_add_case(code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_case(code, ADD)
    root = materialize_case({}, tmp_path)
    id_option = ["--id", case["id"]] if "id" in case else []
    assert main(["add", str(write_add_input(case, tmp_path)), "--root", str(root), *id_option]) == 1
    assert f"[{code}]" in capsys.readouterr().err


def test_installed_console_script(tmp_path: Path) -> None:
    exe = shutil.which("conflict-news", path=str(Path(sys.executable).parent))
    assert exe is not None, "the conflict-news console script is not installed next to this Python"
    ok = subprocess.run([exe, "validate"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    root = materialize_case(load_case("span-out-of-range"), tmp_path)
    bad = subprocess.run([exe, "validate", str(root)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "[span-out-of-range]" in bad.stderr
    version = subprocess.run(
        [sys.executable, "-m", "conflict_news", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("conflict-news ")


def _actions(parser: argparse.ArgumentParser, verb: tuple[str, ...] = ()) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _actions(sub, (*verb, name))
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            found.append((" ".join(verb), action))
    return found


def test_every_option_and_argument_has_help() -> None:
    missing = [(verb, action.dest) for verb, action in _actions(build_parser()) if not action.help]
    assert missing == []
    closed = {(verb, action.dest): action.choices for verb, action in _actions(build_parser())}
    assert closed[("add", "distribution")] == ("full", "standoff")
    assert closed[("build", "flavor")] == closed[("publish", "flavor")] == ("full", "standoff")


def test_help_lists_every_verb_once_by_who_uses_it(capsys: pytest.CaptureFixture[str]) -> None:
    verbs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(verbs)
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.index("reading the corpus:") < out.index("\n  show ") < out.index("annotating:") < out.index("\n  add ")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == f"conflict-news {__version__}\n"


def test_version_is_answered_before_any_verb_module_loads(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 30: `--version` under 0.05 s, so the entry point answers it without the parser (same line)."""
    from conflict_news.cli.entry import main as entry

    assert entry(["--version"]) == 0
    assert capsys.readouterr().out == f"conflict-news {__version__}\n"
    probe = (
        "import sys\nfrom conflict_news.cli.entry import main\nmain(['--version'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('conflict_news.') and m.count('.') > 1 and m != 'conflict_news.cli.entry'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [f"conflict-news {__version__}", "[]"]
    # nor typing (with the re and collections it imports, most of the cost), unless the interpreter's
    # start-up (a .pth file) loads it anyway
    loaded = "import sys\n{}print(sorted({{'typing', 're', 'collections'}} & set(sys.modules)))"
    bare = subprocess.run([sys.executable, "-c", loaded.format("")], capture_output=True, text=True, check=True)
    answered = loaded.format("from conflict_news.cli.entry import main\nmain(['--version'])\n")
    done = subprocess.run([sys.executable, "-c", answered], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == bare.stdout.strip()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["validate", "--help"]])
def test_version_and_help_import_neither_the_loaders_nor_datasets(argv: list[str]) -> None:
    """What the CLI imports before it runs a verb (issue 30: --version cost a whole load of the package)."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['conflict-news', *{argv!r}]\n"
        "try:\n    runpy.run_module('conflict_news', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in sys.modules if m in {'datasets', 'pyarrow', 'jsonschema'}"
        " or m.startswith(('conflict_news.core.load', 'conflict_news.core.validate', 'conflict_news.hf'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("verb", [["show"], ["stats"], ["cite"], ["labelstudio", "config"]])
def test_a_closed_pipe_ends_quietly(verb: list[str]) -> None:
    """`conflict-news show | head -1`: the reader is gone before the output is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "conflict_news", *verb], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) in (0, 141)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def _verb_parsers(parser: argparse.ArgumentParser, verb: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{verb} {name}".strip()
                found |= {path: sub} | _verb_parsers(sub, path)
    return found


def test_every_verb_help_has_a_usage_of_its_own_a_description_and_an_example_that_parses() -> None:
    verbs = _verb_parsers(build_parser())
    assert {"show", "labelstudio push"} <= set(verbs)
    for path, sub in verbs.items():
        help_text = sub.format_help()
        assert help_text.startswith(f"usage: conflict-news {path} [-h]"), help_text.splitlines()[0]
        assert sub.description and "%%" not in help_text
        example = EXAMPLES[path]
        assert help_text.rstrip().endswith(f"example:\n  {example}")
        words = shlex.split(example)
        assert words[: 1 + len(path.split())] == ["conflict-news", *path.split()]
        if path != "labelstudio":  # its example is a nested verb's
            assert build_parser().parse_args(words[1:]).run is not None


def test_a_usage_error_names_the_verb_not_the_top_level_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["synth"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "conflict-news synth: [option-invalid]" in err and "VERB ..." not in err


@pytest.mark.parametrize(
    ("verb", "argv"),
    [
        ("show", ["show", "--nope"]),
        ("labelstudio pull", ["labelstudio", "pull", "--url", "http://127.0.0.1:1", "--project", "1", "--nope"]),
        ("stats", ["stats", "--x", "1"]),
    ],
)
def test_an_unknown_argument_is_refused_by_its_verb(
    verb: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse reports leftovers from the top-level parser; here the verb that was given them does."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usage: conflict-news {verb} [-h]") and "VERB ..." not in err
    assert f"\nconflict-news {verb}: [option-invalid] unrecognized arguments: --" in err
