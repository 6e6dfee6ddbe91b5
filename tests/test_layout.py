"""The package layout holds its layering: data flows one way, core <- standoff, records <- grow, labelstudio <- hf <- release <- cli.

Every import of one of our subpackages, at module level or inside a function, is read from the
source with `ast`, so a lazy import cannot hide a dependency that points the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "loaders" / "conflict_news"

# What each subpackage may import of ours; `__about__` (the version) is open to all.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "standoff": frozenset({"core"}),
    "records": frozenset({"core"}),
    "grow": frozenset({"core", "records"}),
    "labelstudio": frozenset({"core"}),
    "hf": frozenset({"core", "standoff", "records"}),
    "silver": frozenset({"core", "standoff", "records", "grow", "hf"}),
    "release": frozenset({"core", "standoff", "hf"}),
    "cli": frozenset({"core", "standoff", "records", "grow", "labelstudio", "hf", "silver", "release"}),
}
# Top-level modules: the public API facade, the version, and `python -m conflict_news`.
TOP_LEVEL: dict[str, frozenset[str]] = {
    "__init__": frozenset({"core", "hf"}),
    "__about__": frozenset(),
    "__main__": frozenset({"cli"}),
}


def imported_units(path: Path, package: Path) -> set[str]:
    """The subpackages (or top-level modules) of ours that the module at `path` imports."""
    here = list(path.relative_to(package).parts[:-1])  # the (sub)package the module belongs to
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level - 1 > len(here):
                raise AssertionError(f"{path}: a relative import beyond the package")
            parts = here[: len(here) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            found |= {parts[0]} if parts else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package.name:
            parts = node.module.split(".")[1:]
            found |= {parts[0]} if parts else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith(package.name + ".")}
    return found


def unit_of(path: Path, package: Path) -> str:
    rel = path.relative_to(package)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def violations(package: Path) -> list[str]:
    """Every import that points up or sideways, and every module outside a known unit."""
    table = {**ALLOWED, **TOP_LEVEL}
    found = []
    for path in sorted(package.rglob("*.py")):
        unit = unit_of(path, package)
        if unit not in table:
            found.append(f"{path.relative_to(package)}: {unit!r} is not placed in the layering")
            continue
        for target in sorted(imported_units(path, package) - {unit, "__about__"}):
            if target not in table[unit]:
                found.append(f"{path.relative_to(package)}: {unit} imports {target}")
    return found


def test_no_subpackage_imports_one_above_it() -> None:
    assert violations(PACKAGE) == []


def test_the_cli_is_imported_by_nothing_but_the_entry_points() -> None:
    importers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if unit_of(path, PACKAGE) != "cli" and "cli" in imported_units(path, PACKAGE)
    ]
    assert importers == ["__main__.py"]


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(ALLOWED)
    for name in subpackages:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and ("May import" in doc or "may import" in doc), name


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    # A miniature package where core reaches up into hf, lazily, and grow reaches sideways into labelstudio.
    fake = tmp_path / "conflict_news"
    for folder in ALLOWED:
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text('"""May import core."""\n', encoding="utf-8")
    (fake / "core" / "model.py").write_text("def f():\n    from ..hf.build import build_data\n", encoding="utf-8")
    (fake / "grow" / "x.py").write_text("from conflict_news.labelstudio import config\n", encoding="utf-8")
    (fake / "hf" / "build.py").write_text("from ..core import model\nfrom . import card\n", encoding="utf-8")
    (fake / "stray.py").write_text("", encoding="utf-8")
    assert violations(fake) == [
        "core/model.py: core imports hf",
        "grow/x.py: grow imports labelstudio",
        "stray.py: 'stray' is not placed in the layering",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .errors import Issue", set()),
        ("from ..core.errors import Issue", {"core"}),
        ("from ..hf import build", {"hf"}),
        ("import conflict_news.release.cut", {"release"}),
        ("from conflict_news.standoff.flavor import standoff_rows", {"standoff"}),
    ],
)
def test_imports_are_resolved_to_subpackages(tmp_path: Path, source: str, expected: set[str]) -> None:
    module = tmp_path / "conflict_news" / "grow" / "m.py"
    module.parent.mkdir(parents=True)
    module.write_text(source + "\n", encoding="utf-8")
    assert imported_units(module, tmp_path / "conflict_news") - {"grow"} == expected
