"""README.md and docs/ are executed: the Quick start is what CI runs, Python examples run, tables are current."""

from __future__ import annotations

import doctest
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from datasets import List

import conflict_news
from cardblocks import example_row, published
from conflict_news import CODES, Issue, load_corpus
from conflict_news.core.citation import hub_repo_id, read_citation
from conflict_news.core.errors import RETIRED
from conflict_news.core.options import CONFIGS
from conflict_news.core.stats import compute_stats
from conflict_news.core.store import dump_json, write_atomic
from conflict_news.grow.evaluate import evaluate, format_interval_markdown, format_markdown
from conflict_news.grow.preannotate import preannotate_corpus
from conflict_news.hf.features import build_features
from conflict_news.release.cite import format_citation
from conftest import REPO
from hfcase import decode_labels

DEV = REPO / "dev"

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


CARD_BODY = README.split("\n---\n", 1)[1]


def test_the_card_is_short_and_opens_with_a_hub_example() -> None:
    assert len(CARD_BODY.splitlines()) <= 350
    repo_id = hub_repo_id(read_citation(REPO / "CITATION.cff"))
    first_screen = "\n".join(CARD_BODY.splitlines()[:40])
    assert f'load_dataset("{repo_id}", "events"' in first_screen
    # the Hub template's sections, in its order
    wanted = ["Dataset Summary", "Supported Tasks and Baseline", "Languages", "Dataset Structure", "Data Instances",
              "Data Fields", "Splits", "Dataset Creation", "Curation Rationale", "Source data", "Annotations",
              "Personal and Sensitive Information", "Considerations for Using the Data", "Dataset Curators",
              "Licensing Information", "Citation Information", "Contributions"]  # fmt: skip
    headings = re.findall(r"^#{2,3} (.+)$", CARD_BODY, flags=re.M)
    assert [h for h in headings if h in wanted] == wanted
    assert "<details>" not in CARD_BODY  # the example instance is shown, not folded


def test_splits_table_is_current() -> None:
    table = CARD_BODY.split("### Splits\n", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    published_rows = re.findall(r"^\| `(\w+)` \| (\d+) \| (\d+)", table, flags=re.M)
    corpus = load_corpus()
    counts = {
        split: (
            sum(doc.metadata.split == split for doc in corpus),
            sum(doc.metadata.split == split and doc.annotations.provenance.kind == "gold" for doc in corpus),
        )
        for split in ("train", "validation", "test")
    }
    assert {name: (int(docs), int(gold)) for name, docs, gold in published_rows} == counts


RETIRED_HEADING = "### Retired codes\n"


def _code_rows(text: str) -> list[tuple[str, str]]:
    code = r"[a-z]+(?:-[a-z]+)+"  # codes are hyphenated slugs; field tables use dotted snake_case
    return re.findall(rf"^\| `({code})` \| (.+?) \|$", text, flags=re.M)


def _split_retired(text: str) -> tuple[str, str]:
    """(the page without its section of retired codes, that section)."""
    before, _, rest = text.partition(RETIRED_HEADING)
    section, heading, after = rest.partition("\n#")
    return before + heading + after, section


def test_error_code_table_lists_every_code_with_its_meaning() -> None:
    rows = [row for text in PAGES.values() for row in _code_rows(_split_retired(text)[0])]
    assert dict(rows) == CODES
    assert len(rows) == len(CODES)  # each code has one row, in one page


def test_retired_codes_are_listed_apart_with_their_meaning_and_never_reported() -> None:
    rows = [row for text in PAGES.values() for row in _code_rows(_split_retired(text)[1])]
    assert dict(rows) == RETIRED and len(rows) == len(RETIRED)
    assert "trigger-type-mismatch" in RETIRED
    assert not set(RETIRED) & set(CODES)
    for code in RETIRED:
        with pytest.raises(ValueError, match="unregistered"):
            Issue(code=code, file="f", path="$", message="m")


def test_counts_table_is_current() -> None:
    stats = compute_stats(load_corpus())
    row = {
        m[0]: int(m[1]) for m in re.findall(r"^\| (documents|events|quotes|figures|entities) \| (\d+) \|", README, re.M)
    }
    assert row == {k: stats[k] for k in ("documents", "events", "quotes", "figures", "entities")}
    assert f"{stats['event_arguments']} arguments" in README
    assert f"{stats['entity_mentions']} mentions" in README


def _predict(root: Path, out: Path) -> Path:
    for path, ann in preannotate_corpus(root, None, out).items():
        write_atomic(path, dump_json(ann))
    return out


def _summary_row(name: str, result: dict[str, Any]) -> str:
    cells = [
        " / ".join(f"{result[mode]['layers'][layer]['f1']:.3f}" for mode in ("exact", "overlap"))
        for layer in ("events", "quotes", "figures")
    ]
    return f"| {name} | {result['documents']} | {' | '.join(cells)} |\n"


@pytest.fixture(scope="module")
def dev_predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _predict(DEV, tmp_path_factory.mktemp("dev") / "pred")


SEED = "cnc-000001"
WIKINEWS_TEST_ROW = "held-out: Wikinews `test`, adjudicated gold"


@pytest.fixture(scope="module")
def corpus_predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _predict(REPO, tmp_path_factory.mktemp("corpus") / "pred")


def _seed_scores(predictions: Path) -> dict[str, Any]:
    return evaluate(predictions / f"{SEED}.json", REPO / "annotations" / f"{SEED}.json", REPO)


def test_baseline_table_is_current(corpus_predictions: Path) -> None:
    """The README's in-sample table is what `evaluate` prints for `preannotate`'s output on the seed."""
    assert published("baseline") == format_markdown(_seed_scores(corpus_predictions))


def test_wikinews_test_table_is_current(corpus_predictions: Path) -> None:
    """The held-out table of the real corpus: `evaluate --split test` on the shipped corpus, whose gold
    was made after the rules were frozen."""
    result = evaluate(corpus_predictions, REPO, splits={"test"})
    assert result["documents"] >= 6
    assert published("baseline-wikinews") == format_markdown(result)
    assert published("baseline-wikinews-intervals") == format_interval_markdown(result)


def test_dev_set_table_is_current(dev_predictions: Path) -> None:
    """The held-out table: `evaluate --split test` on the dev set, as the README says."""
    result = evaluate(dev_predictions, DEV, splits={"test"})
    assert published("baseline-dev") == format_markdown(result)
    assert published("baseline-dev-intervals") == format_interval_markdown(result)


def test_summary_table_is_current_and_the_targets_hold(dev_predictions: Path, corpus_predictions: Path) -> None:
    held_out = evaluate(dev_predictions, DEV, splits={"test"})
    tuning = evaluate(dev_predictions, DEV, splits={"validation"})
    wikinews = evaluate(corpus_predictions, REPO, splits={"test"})
    seed = _seed_scores(corpus_predictions)
    header = (
        "| part | documents | events F1 (exact / overlap) | quotes F1 (exact / overlap) | figures F1 (exact / overlap) |\n"
        "|---|---|---|---|---|\n"
    )
    rows = [
        _summary_row("held-out: dev `test` (`dev-006` to `dev-010`)", held_out),
        _summary_row("tuning: dev `validation` (`dev-001` to `dev-005`)", tuning),
        _summary_row(WIKINEWS_TEST_ROW, wikinews),
        _summary_row("seed `cnc-000001`, in-sample", seed),
    ]
    assert published("baseline-summary") == header + "".join(rows)
    # the issue's targets, on the held-out part, in the stricter (exact) mode
    exact = held_out["exact"]["layers"]
    assert exact["events"]["f1"] >= 0.75 and exact["quotes"]["f1"] >= 0.80 and exact["figures"]["f1"] >= 0.95


GOLD_KINDS = ("adjudicated", "reviewed")


def by_kind_table(predictions: Path, folder: Path) -> str:
    """The rules' summary row on the train and validation gold of each kind (docs/baseline.md), scored by
    `evaluate` against a folder holding only that kind's gold files."""
    rows = []
    for kind in GOLD_KINDS:
        gold, predicted = folder / kind / "gold", folder / kind / "predicted"
        gold.mkdir(parents=True)
        predicted.mkdir()
        for path in sorted((REPO / "annotations").glob("*.json")):
            ann = json.loads(path.read_text(encoding="utf-8"))
            meta = json.loads((REPO / "corpus" / path.name).read_text(encoding="utf-8"))
            if ann["provenance"].get("gold_kind") == kind and meta["split"] in ("train", "validation"):
                shutil.copy(path, gold)
                shutil.copy(predictions / path.name, predicted)
        rows.append(_summary_row(f"`train`+`validation`, {kind} gold, in-sample", evaluate(predicted, gold, REPO)))
    header = (
        "| part | documents | events F1 (exact / overlap) | quotes F1 (exact / overlap) | figures F1 (exact / overlap) |\n"
        "|---|---|---|---|---|\n"
    )
    return header + "".join(rows)


def test_the_by_kind_table_is_current(corpus_predictions: Path, tmp_path: Path) -> None:
    assert published("baseline-by-kind") == by_kind_table(corpus_predictions, tmp_path)


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


def _paths(feature: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every field of a config: struct members and the members of listed structs."""
    inner = feature.feature if isinstance(feature, List) else feature
    if not isinstance(inner, dict) or inner.keys() == {"start", "end", "text"}:  # a value, or a span
        return [prefix] if prefix else []
    found = [prefix] if prefix else []
    for key, sub in inner.items():
        found += _paths(sub, f"{prefix}.{key}" if prefix else key)
    return found


@pytest.mark.parametrize("config", CONFIGS)
def test_the_fields_page_describes_every_field_of_every_config(config: str) -> None:
    fields = (REPO / "docs" / "fields.md").read_text(encoding="utf-8").split("## Example rows", 1)[0]
    described = set(re.findall(r"`([a-z0-9_.]+)`", fields))
    features = build_features(config)
    nested = {"entities", "events", "quotes", "figures"} if config == "documents" else set()
    wanted = {p for name, f in features.items() if name not in nested for p in _paths(f, name)}
    # A nested struct's own name need not have a row when each of its members has one.
    missing = {p for p in wanted - described if not any(q.startswith(p + ".") for q in described)}
    assert missing == set()


@pytest.mark.parametrize("config", CONFIGS)
def test_the_card_example_row_is_a_real_row(config: str) -> None:
    example = json.loads(example_row(config))
    dataset = conflict_news.load_dataset(config, split="test")
    key = {"spans_bio": "index", "documents": "doc_id", "records": "event_id"}.get(config, "id")
    # ids are unique within a document only (two annotators' prefixes recur across documents)
    row = next(r for r in dataset if (r["doc_id"], r[key]) == (example["doc_id"], example[key]))
    row = decode_labels(row, dataset.features)
    if config == "documents":  # shown abridged: the text's start and the layers' sizes
        assert row["text"].startswith(example.pop("text").removesuffix("..."))
        for layer in ("entities", "events", "quotes", "figures"):
            assert f"... {len(row.pop(layer))} " in example.pop(layer)[0]
        records = example["provenance"].pop("items")[0]
        assert f"... {len(row['provenance'].pop('items'))} item records" in records
        del row["text"]
    assert example == row
