"""The command-line grammar, fuzzed: any sequence of a verb's own options, values and stray words gives exit 0
or 1, never a traceback, a coded issue with every exit 1, and after exit 1 the corpus root as it was.

Command lines are drawn from the parser itself (every verb, every option, its choices), with values
that are right, nearly right or wrong: the toy root and its files, paths that are missing or are
files, numbers out of range, bytes that are not UTF-8 (as Python hands them over: surrogates), empty
words and words that look like options. Verbs that would reach the network (push, pull, publish,
adjudicate's project, a Dask scheduler) are left out. The budget is conftest.py's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflict_news import CODES
from conflict_news.cli.main import build_parser, main
from conftest import materialize_case, tree

NETWORK = {("labelstudio", "push"), ("labelstudio", "pull"), ("publish",)}
NETWORK_OPTIONS = {"--url", "--scheduler", "--project", "--review-project"}


def _verbs(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    sub = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not sub:
        yield path, parser
        return
    for name, child in sub[0].choices.items():
        yield from _verbs(child, (*path, name))


VERBS = {path: parser for path, parser in _verbs(build_parser()) if path not in NETWORK}

VALUES = [
    "{root}", "{root}/corpus", "{root}/annotations", "{root}/annotations/toy-0001.json", "{root}/corpus/toy-0001.txt",
    "{tmp}/missing", "{tmp}/missing.json", "{tmp}/article.txt", "{tmp}/out", "{tmp}/out.json", "{tmp}/export.json",
    "{tmp}", "/etc", "/dev/null", "toy-0001", "cnc-000001", "0", "1", "2", "-1", "99999999999999999999", "1e3", "nan",
    "", " ", "-", "--", "--help", "-x", "\udcff", "full", "standoff", "train", "test", "2026-02-30", "0.1.0", "HEAD",
    "stored", "none", "a=b", "a={root}", "MODULE:FUNCTION", "conflict_news.grow.preannotate:extract",
]  # fmt: skip


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(sorted(VERBS)))
    parser = VERBS[path]
    options = [a for a in parser._actions if a.option_strings and not set(a.option_strings) & NETWORK_OPTIONS
               and "--help" not in a.option_strings]  # fmt: skip
    value = st.sampled_from(VALUES) | st.text(max_size=10).filter(lambda t: "\x00" not in t)
    argv = list(path)
    # Mostly what the verb expects (each positional, then options), sometimes a word too many or too few.
    for action in (a for a in parser._actions if not a.option_strings):
        count = draw(st.integers(0, 2)) if action.nargs in ("*", "+") else 1
        argv += [draw(value) for _ in range(count if draw(st.integers(0, 9)) else count ^ 1)]
    for _ in range(draw(st.integers(0, 4)) if options else 0):
        action = draw(st.sampled_from(options))
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
            continue
        choices = [str(c) for c in action.choices] if action.choices else []
        given = draw(st.sampled_from(choices) | value) if choices else draw(value)
        argv += [f"{flag}={given}"] if draw(st.booleans()) else [flag, given]
    if not draw(st.integers(0, 9)):
        argv.insert(draw(st.integers(len(path), len(argv))), draw(st.sampled_from(["--no-such-option", "-", "--"])))
    return argv


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    out = io.TextIOWrapper(io.BytesIO())
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: --help, --version
            status = exc.code if isinstance(exc.code, int) else 1
    return status, err.getvalue()


@given(argv=command_lines())
def test_any_command_line_gives_a_coded_refusal_or_a_result(
    argv: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("grammar")
    root = materialize_case({}, tmp)
    (tmp / "article.txt").write_text("Ostrian engineers repaired the bridge at Port Meren.", encoding="utf-8")
    (tmp / "export.json").write_text("[]", encoding="utf-8")
    filled = [arg.replace("{root}", str(root)).replace("{tmp}", str(tmp)) for arg in argv]
    before = tree(root)
    cwd = os.getcwd()
    os.chdir(tmp)  # not a corpus root: readers say they read the shipped corpus, writers refuse
    try:
        status, err = _run(filled)
    finally:
        os.chdir(cwd)
    assert status in (0, 1), (filled, err)
    assert "Traceback" not in err, (filled, err)
    if status == 1:
        codes = re.findall(r"\[([a-z]+(?:-[a-z]+)+)\]", err)
        assert codes and set(codes) <= set(CODES), (filled, err)
        assert tree(root) == before, filled


def test_the_grammar_reaches_every_verb_but_those_of_the_network() -> None:
    names = {" ".join(path) for path in VERBS}
    assert {"add", "build", "validate", "labelstudio import", "silver", "rehydrate", "adjudicate"} <= names
    assert not {"publish", "labelstudio push", "labelstudio pull"} & names
