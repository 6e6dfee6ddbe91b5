"""Closed-set options (flavour, config, split, citation format, pre-annotation source): a near miss is a UsageError.

Each option is checked once where it enters the library, a public function or a CLI verb, before
anything is read or written; a value that is almost right (wrong case, a trailing space) is refused
with the allowed values named, never taken for another value.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import conflict_news
from conflict_news import UsageError
from conflict_news.cli.main import main
from conflict_news.core.options import CITATION_FORMATS, CONFIGS, FLAVORS, PREDICTION_SOURCES, SPLITS, check_choice
from conflict_news.grow.evaluate import evaluate
from conflict_news.hf.build import build_data, release_dir
from conflict_news.hf.features import build_features, flavor_features
from conflict_news.hf.load import load_dataset
from conflict_news.labelstudio.tasks import collect_tasks, write_tasks
from conflict_news.release.cite import format_citation
from conftest import REPO, materialize_case, tree


def near_misses(value: str) -> list[str]:
    return [value.capitalize() if value != value.capitalize() else value.upper(), value + " ", " " + value]


def test_check_choice_returns_the_member_and_names_every_choice() -> None:
    assert check_choice("flavor", "standoff", FLAVORS) == "standoff"
    with pytest.raises(UsageError, match=r"flavor 'Standoff' is not one of 'full', 'standoff'$"):
        check_choice("flavor", "Standoff", FLAVORS)
    with pytest.raises(UsageError, match="is not one of"):  # equal but of another type: not a member either
        check_choice("flavor", b"full", FLAVORS)


@pytest.mark.parametrize("value", [m for f in FLAVORS for m in near_misses(f)])
def test_build_data_refuses_a_near_miss_flavour_and_writes_nothing(value: str, tmp_path: Path) -> None:
    """The issue's case: `flavor="Standoff"` once wrote a standoff shard that kept a withheld text."""
    root = materialize_case({}, tmp_path / "root")
    before = tree(root)
    with pytest.raises(UsageError, match=r"flavor '.*' is not one of 'full', 'standoff'"):
        build_data(root, flavor=value)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        build_data(root, flavor=value, out=tmp_path / "out")  # type: ignore[arg-type]
    assert tree(root) == before
    assert not (tmp_path / "out").exists()


def _public_functions_with(parameter: str) -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for info in pkgutil.walk_packages(conflict_news.__path__, "conflict_news."):
        if info.name.startswith("conflict_news.cli") or info.name.endswith("__main__"):
            continue  # the CLI's options are argparse choices, tested below
        module = importlib.import_module(info.name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != info.name:
                continue
            if parameter in inspect.signature(function).parameters:
                found.append((f"{info.name}.{name}", function))
    return found


FLAVOR_FUNCTIONS = _public_functions_with("flavor")


def test_the_flavour_functions_are_found() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in FLAVOR_FUNCTIONS}
    assert {"build_data", "release_dir", "render_card", "write_card", "load_dataset", "publish", "plan_upload"} <= names


@pytest.mark.parametrize(("name", "function"), FLAVOR_FUNCTIONS, ids=[name for name, _ in FLAVOR_FUNCTIONS])
def test_no_public_function_accepts_an_unknown_flavour(name: str, function: Any, tmp_path: Path) -> None:
    """Every other required argument is a path to nothing: the flavour must be refused before it is used."""
    placeholder = tmp_path / "nothing"
    arguments = {
        p.name: placeholder
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name != "flavor"
    }
    with pytest.raises(UsageError, match="flavor 'Standoff' is not one of 'full', 'standoff'"):
        function(**arguments, flavor="Standoff")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", [m for c in ("documents", "spans_bio") for m in near_misses(c)])
def test_a_near_miss_config_is_refused(value: str, tmp_path: Path) -> None:
    for call in (
        lambda: build_features(value),  # type: ignore[arg-type]
        lambda: flavor_features(value),  # type: ignore[arg-type]
        lambda: load_dataset(value, cache_dir=str(tmp_path)),  # type: ignore[arg-type]
    ):
        with pytest.raises(UsageError, match=r"config '.*' is not one of 'documents', 'events'"):
            call()
    assert CONFIGS[0] == "documents"  # the default config is the first of the list


@pytest.mark.parametrize("value", [m for s in SPLITS for m in near_misses(s)] + ["test[:1]+Train"])
def test_a_near_miss_split_is_refused_by_load_dataset(value: str, tmp_path: Path) -> None:
    """Checked against the splits the release's card lists (the shipped one may not have all three)."""
    with pytest.raises(UsageError, match=r"split '.*' is not one of '(train|validation|test)'.* in this release"):
        load_dataset("documents", split=value, cache_dir=str(tmp_path / "cache"))
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("value", [m for s in SPLITS for m in near_misses(s)])
def test_a_near_miss_split_is_refused_by_evaluate(value: str) -> None:
    gold = REPO / "annotations"
    with pytest.raises(UsageError, match=r"split '.*' is not one of 'train', 'validation', 'test'"):
        evaluate(gold, gold, splits=[value])  # type: ignore[list-item]
    with pytest.raises(UsageError):
        evaluate(gold, gold, splits=value)  # type: ignore[arg-type]
    assert evaluate(gold, gold, splits="test")["documents"] >= 0  # one split, given as a string


@pytest.mark.parametrize("value", [m for f in CITATION_FORMATS for m in near_misses(f)])
def test_a_near_miss_citation_format_is_refused(value: str) -> None:
    with pytest.raises(UsageError, match=r"format '.*' is not one of 'cff', 'bibtex', 'apa'"):
        format_citation(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [m for s in PREDICTION_SOURCES for m in near_misses(s)])
def test_a_near_miss_prediction_source_is_refused(value: str) -> None:
    """A string is a source's name; annotation files are given as a pathlib.Path."""
    with pytest.raises(UsageError, match=r"predictions '.*' is not one of 'stored', 'gold', 'none', or a pathlib"):
        collect_tasks(REPO, value)  # type: ignore[arg-type]
    out = io.BytesIO()
    with pytest.raises(UsageError):
        write_tasks(REPO, value, out)  # type: ignore[arg-type]
    assert out.getvalue() == b""


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["build", "--flavor", "Standoff"], "--flavor"),
        (["build", "--flavor", "full "], "--flavor"),
        (["publish", "user/name", "--flavor", "FULL", "--dry-run"], "--flavor"),
        (["cite", "--format", "BibTeX"], "--format"),
        (["cite", "--format", "apa "], "--format"),
        (["evaluate", "annotations", "annotations", "--split", "Test"], "--split"),
        (["evaluate", "annotations", "annotations", "--split", "train "], "--split"),
        (["labelstudio", "tasks", "--predictions", "Stored"], "--predictions"),
        (["labelstudio", "tasks", "--predictions", "none "], "--predictions"),
    ],
)
def test_the_cli_refuses_a_near_miss(
    argv: list[str], option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # so that no file is named like the near miss
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert f"argument {option}" in err
    assert repr(argv[argv.index(option) + 1]) in err
    assert list(tmp_path.iterdir()) == []


def test_release_dir_places_each_flavour() -> None:
    assert release_dir("r", "full") == Path("r")
    assert release_dir("r", "standoff") == Path("r") / "standoff"
