"""README.md and docs/ are executed: the Quick start is what CI runs, Python examples run, tables are current."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest

from conflict_news import CODES, load_corpus
from conflict_news.core.citation import hub_repo_id, read_citation
from conflict_news.core.stats import compute_stats
from conflict_news.core.store import dump_json, write_atomic
from conflict_news.grow.evaluate import evaluate, format_markdown
from conflict_news.grow.preannotate import preannotate_corpus
from conflict_news.release.cite import format_citation
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PAGES = {
    path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
}


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_quick_start_has_two_commands_and_ci_runs_the_test_command() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "conflict-news show" in commands[0]
    assert commands[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", [name for name, text in PAGES.items() if ">>> " in text])
def test_python_examples_run(page: str) -> None:
    test = doctest.DocTestParser().get_doctest(PAGES[page], {}, page, str(REPO / page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0


def test_the_card_has_python_examples() -> None:
    assert ">>> import conflict_news" in README


def test_error_code_table_lists_every_code_with_its_meaning() -> None:
    rows = [row for text in PAGES.values() for row in re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", text, flags=re.M)]
    assert dict(rows) == CODES
    assert len(rows) == len(CODES)  # each code has one row, in one page


def test_counts_table_is_current() -> None:
    stats = compute_stats(load_corpus())
    row = {
        m[0]: int(m[1]) for m in re.findall(r"^\| (documents|events|quotes|figures|entities) \| (\d+) \|", README, re.M)
    }
    assert row == {k: stats[k] for k in ("documents", "events", "quotes", "figures", "entities")}
    assert f"{stats['event_arguments']} arguments" in README
    assert f"{stats['entity_mentions']} mentions" in README


def test_baseline_table_is_current(tmp_path: Path) -> None:
    """The README's baseline table is what `evaluate` prints for `preannotate`'s output on the shipped corpus."""
    for path, ann in preannotate_corpus(REPO, None, tmp_path / "pred").items():
        write_atomic(path, dump_json(ann))
    table = format_markdown(evaluate(tmp_path / "pred", REPO))
    published = README.split("<!-- baseline:start -->\n", 1)[1].split("<!-- baseline:end -->", 1)[0]
    assert published == table


def test_the_card_cites_as_conflict_news_cite_does() -> None:
    block = README.split("<!-- citation:start -->\n```bibtex\n", 1)[1].split("```\n<!-- citation:end -->", 1)[0]
    assert block == format_citation("bibtex")
    assert "year = {2026}" in block  # date-released gives the year


def test_the_card_and_croissant_name_the_hub_repository_of_citation_cff() -> None:
    repo_id = hub_repo_id(read_citation(REPO / "CITATION.cff"))
    assert repo_id == "conflict-news/conflict-news-corpus"
    assert f"https://huggingface.co/datasets/{repo_id}/discussions" in README
    assert (
        json.loads((REPO / "croissant.json").read_text(encoding="utf-8"))["url"]
        == f"https://huggingface.co/datasets/{repo_id}"
    )
