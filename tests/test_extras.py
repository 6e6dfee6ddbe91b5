"""Without an extra, importing or calling what needs it raises the UsageError that names the pip line.

Each case runs in a fresh interpreter whose import system refuses the extra's distributions (a
meta-path finder that answers ModuleNotFoundError, as a Python without them would), then imports
every module of the package and calls the public functions that need the extra.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conflict_news.core.extras import require_extra
from conftest import REPO, package_env

# The top-level modules each extra installs (pyproject.toml); pyyaml and tqdm are base dependencies too.
EXTRA_MODULES = {
    "dask": ("dask", "distributed"),
    "hf": ("datasets", "pyarrow", "fsspec", "huggingface_hub", "duckdb"),
    "labelstudio": ("label_studio_sdk",),
    "release": ("mlcroissant",),
}
# The modules that need an extra as soon as they are imported, per extra; every other module imports without it.
NEEDS = {
    "hf": {
        "conflict_news.hf.build", "conflict_news.hf.card", "conflict_news.hf.features", "conflict_news.hf.labels",
        "conflict_news.hf.records",
        "conflict_news.standoff.flavor", "conflict_news.standoff.rehydrate", "conflict_news.release.croissant",
        "conflict_news.release.cut", "conflict_news.silver.inputs", "conflict_news.silver.run",
        "conflict_news.silver.shard",
    },
    "dask": set(),
    "labelstudio": set(),
    "release": {"conflict_news.release.croissant", "conflict_news.release.cut"},
}  # fmt: skip

PROBE = textwrap.dedent(
    """
    import importlib, importlib.abc, json, os, pkgutil, sys

    BLOCKED = set(sys.argv[1].split(","))

    class Missing(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Missing())

    def outcome(call):
        from conflict_news import UsageError
        try:
            call()
        except UsageError as exc:
            return ["UsageError", str(exc)]
        except BaseException as exc:
            return [type(exc).__name__, str(exc)]
        return ["ok", ""]

    import conflict_news  # the base package needs no extra
    found = {}
    for info in pkgutil.walk_packages(conflict_news.__path__, "conflict_news."):
        if not info.name.endswith("__main__"):
            found[info.name] = outcome(lambda: importlib.import_module(info.name))
    calls = {
        "load_dataset": lambda: conflict_news.load_dataset(),
        "load_dataset(standoff)": lambda: conflict_news.load_dataset("events", flavor="standoff"),
        "connect": lambda: importlib.import_module("conflict_news.labelstudio.sync").connect("http://127.0.0.1:9"),
        "check_card": lambda: importlib.import_module("conflict_news.release.publish").check_card("", []),
        "validate": lambda: conflict_news.validate(sys.argv[2]),
    }
    if "distributed" in BLOCKED:  # else a scheduler address would be tried for real
        calls["iter_errors(scheduler)"] = lambda: list(conflict_news.iter_errors(sys.argv[2], scheduler="tcp://127.0.0.1:9"))
    for name, call in calls.items():
        found[name] = outcome(call)
    print(json.dumps(found))
    """
)


def probe(extra: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(EXTRA_MODULES[extra]), str(REPO)],
        capture_output=True, text=True, check=True, timeout=600,
        env=package_env(LABEL_STUDIO_API_KEY="not-a-key"), cwd=REPO,
    )  # fmt: skip
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("extra", sorted(EXTRA_MODULES))
def test_every_module_and_public_function_without_an_extra(extra: str) -> None:
    found = probe(extra)
    pip = f"pip install '.[{extra}]' in a clone of the repository"
    escaped = {name: kind for name, (kind, _) in found.items() if kind not in ("ok", "UsageError")}
    assert escaped == {}, "only our errors may leave the package"
    refused = {name for name, (kind, _) in found.items() if kind == "UsageError" and name.startswith("conflict_news.")}
    assert refused == NEEDS[extra]
    assert all(pip in found[name][1] for name in refused)
    if extra == "hf":
        for name in ("load_dataset", "load_dataset(standoff)", "check_card"):
            assert found[name][0] == "UsageError" and pip in found[name][1]
    if extra == "dask":
        assert found["iter_errors(scheduler)"][0] == "UsageError" and pip in found["iter_errors(scheduler)"][1]
    if extra == "labelstudio":
        assert found["connect"][0] == "UsageError" and pip in found["connect"][1]
    if extra == "release":
        assert (
            found["conflict_news.release.croissant"][0] == "UsageError"
            and pip in found["conflict_news.release.croissant"][1]
        )
    assert found["validate"] == ["ok", ""]  # validation needs no extra


def test_require_extra_turns_only_an_import_error_into_a_usage_error() -> None:
    from conflict_news import UsageError

    pip = r"the labelstudio extra .*pip install '\.\[labelstudio\]' in a clone of the repository"
    with pytest.raises(UsageError, match=pip), require_extra("labelstudio"):
        import conflict_news_no_such_module  # type: ignore[import-not-found]  # noqa: F401
    with pytest.raises(KeyError), require_extra("hf"):
        raise KeyError("not an import")


def test_connect_without_a_key_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from conflict_news import UsageError
    from conflict_news.labelstudio.sync import connect

    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(UsageError, match="LABEL_STUDIO_API_KEY"):
        connect("http://127.0.0.1:9")
