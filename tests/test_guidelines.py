"""annotations/GUIDELINES.md 2.0: rules with ids an adjudicator can cite, examples for the rules a shared
task needs, and nothing written from a held-out document."""

from __future__ import annotations

import re

import pytest

from conflict_news.core.errors import CODES
from conftest import REPO
from heldout import heldout_texts, shared_runs

GUIDELINES = (REPO / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
RULE = re.compile(r"^\*\*([A-Z]{3}-[0-9]+) ", re.M)
CITED = re.compile(r"`([A-Z]{3}-[0-9]+)`")
# The rules guidelines 2.0 added or settled (issue "Guidelines 2.0"): each shows a case that follows it
# and one that does not.
WITH_EXAMPLES = [
    "ENT-4",
    "ENT-8",
    "TRG-4",
    "TYP-1",
    "TYP-3",
    "TYP-5",
    "TYP-6",
    "TYP-7",
    "TYP-9",
    "TYP-10",
    "TYP-11",
    "LOC-2",
    "LOC-3",
    "TIM-4",
    "FAC-2",
    "FAC-3",
    "REL-2",
    "REL-3",
    "QUO-5",
    "QUO-6",
    "FIG-5",
    "FIG-6",
    "CNT-1",
    "CNT-2",
]


def rule_text(doc: str, rule: str) -> str:
    """The paragraph of a rule and its example lines, up to the next rule or heading."""
    match = re.search(rf"^\*\*{rule} .*?(?=^\*\*[A-Z]{{3}}-[0-9]+ |^#)", doc, flags=re.M | re.S)
    assert match, f"no rule {rule}"
    return match.group(0)


def test_rule_ids_are_defined_once_and_every_cited_id_exists() -> None:
    defined = RULE.findall(GUIDELINES)
    assert len(defined) == len(set(defined)) > 60
    assert set(CITED.findall(GUIDELINES)) <= set(defined)


@pytest.mark.parametrize("rule", WITH_EXAMPLES)
def test_rule_has_a_positive_and_a_negative_example(rule: str) -> None:
    text = rule_text(GUIDELINES, rule)
    assert re.search(r"^- Yes: ", text, flags=re.M), rule
    assert re.search(r"^- No: ", text, flags=re.M), rule


def test_the_example_check_fails_on_a_rule_without_a_negative_example() -> None:
    doc = "**TYP-1 A rule.** Text.\n- Yes: `x`.\n\n**TYP-2 Next.** Text.\n"
    assert "- No:" not in rule_text(doc, "TYP-1")
    with pytest.raises(AssertionError):
        rule_text(doc, "TYP-3")


def test_validator_codes_named_are_current_codes() -> None:
    named = set(re.findall(r"\[validated: ([^\]]+)\]", GUIDELINES))
    codes = {c for group in named for c in re.findall(r"`([a-z]+-[a-z-]+)`", group)}
    assert codes and codes <= set(CODES)


def test_no_word_run_of_a_heldout_document_is_in_the_guidelines() -> None:
    """Six words in a row shared with a `test` document would be a sentence of it (or of a paraphrase)."""
    held = heldout_texts()
    assert {"dev-006", "dev-010"} <= set(held) and len(held) > 70
    assert list(shared_runs(GUIDELINES, held, 6)) == []


def test_the_heldout_search_finds_a_sentence_of_a_test_document() -> None:
    held = heldout_texts()
    doc_id, text = next(iter(held.items()))
    sentence = " ".join(text.split()[10:18])
    assert any(source == doc_id for source, _ in shared_runs(f"An example: {sentence}.", held, 6))
