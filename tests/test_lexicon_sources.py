"""Every entry of the pre-annotator's lexicon was audited, or comes from tuning documents it names (issue 26).

tests/lexicon-sources.json records the audit (docs/preannotator-audit.md):
`audited` holds the entries kept without a source, `sources` every entry added after the held-out
gold existed with the train or validation documents it comes from, `pending_removal` the flagged
triggers that taxonomy.json still has. An entry added from now on goes into `sources`, naming its
documents; it must match in each of them, and none may be held out (dev-006..010, the corpus's test
split), so a word that only held-out documents contain cannot come in. The held-out texts are only
matched against, never printed: a failure names entries, not text.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import pytest

from conftest import REPO, TESTS
from lexicon_audit import (
    MODULES,
    TAXONOMY,
    TUNING,
    Document,
    LexEntry,
    constants,
    current_entries,
    documents,
    entries_of,
    form,
)

RECORD = TESTS / "lexicon-sources.json"


def unsourced(entries: list[LexEntry], record: Mapping[str, Any], groups: Mapping[str, list[Document]]) -> list[str]:
    """What breaks the rule, one line per entry (its list, the entry, why); empty when the lexicon keeps it."""
    tuning = {doc.doc_id: doc for name in TUNING for doc in groups[name]}
    held_out = {doc.doc_id for name, docs in groups.items() if name not in TUNING for doc in docs}
    now = {(e.where, form(e.entry)) for e in entries}
    kept = _forms(record["audited"]) | _forms(record["pending_removal"])
    problems = []
    for e in entries:
        named = record["sources"].get(e.where, {}).get(e.entry)
        if (e.where, form(e.entry)) in kept:
            continue
        if not named:
            problems.append(f"{e.where} {e.entry!r}: no source; name the train/validation documents it comes from")
            continue
        for doc_id in named:
            if doc_id in held_out or doc_id not in tuning:
                problems.append(f"{e.where} {e.entry!r}: {doc_id} is no train/validation document")
            elif not tuning[doc_id].matches(e.entry):
                problems.append(f"{e.where} {e.entry!r}: does not match in {doc_id}")
    for section in ("audited", "pending_removal"):
        for where, listed in record[section].items():
            problems += [
                f"{where} {entry!r}: in {section} but no longer in the lexicon; delete it there"
                for entry in listed
                if (where, form(entry)) not in now
            ]
    return problems


def _forms(section: Mapping[str, list[str]]) -> set[tuple[str, tuple[tuple[str, bool], ...]]]:
    """Entries as they match: re-bracketing one (`[cut off]`, `[cut] off`) keeps it in the record."""
    return {(where, form(entry)) for where, listed in section.items() for entry in listed}


@pytest.fixture(scope="module")
def groups() -> dict[str, list[Document]]:
    return documents(REPO)


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(RECORD.read_text(encoding="utf-8"))
    return loaded


def _lexicon_with(module: str, name: str, word: str) -> list[LexEntry]:
    """The lexicon as it would be with `word` added to the word list `name` of grow/`module`.py."""
    taxonomy = json.loads((REPO / TAXONOMY).read_text(encoding="utf-8"))
    namespaces = {m: constants((REPO / path).read_text(encoding="utf-8")) for m, path in MODULES.items()}
    namespaces[module][name] = {*namespaces[module][name], word}
    return entries_of(taxonomy, namespaces)


def _held_out_only_word(groups: Mapping[str, list[Document]]) -> str:
    """A word of a held-out dev text that no tuning document has: what a contaminated rule would add.
    Chosen by the program and never printed."""
    seen = {tok.lemma for name in TUNING for doc in groups[name] for tok in doc.tokens}
    seen |= {tok.lower for name in TUNING for doc in groups[name] for tok in doc.tokens}
    candidates = sorted(
        {tok.lemma for doc in groups["dev_held_out"] for tok in doc.tokens if tok.lemma.isalpha()} - seen
    )
    return next(
        w for w in candidates if any(d.matches(w) for d in groups["dev_held_out"]) and not any(
            d.matches(w) for name in TUNING for d in groups[name]
        )
    )  # fmt: skip


def test_every_entry_was_audited_or_names_tuning_documents_it_matches_in(
    record: dict[str, Any], groups: dict[str, list[Document]]
) -> None:
    assert unsourced(current_entries(), record, groups) == []


def test_a_word_only_held_out_documents_contain_is_refused(
    record: dict[str, Any], groups: dict[str, list[Document]]
) -> None:
    word = _held_out_only_word(groups)
    problems = unsourced(_lexicon_with("quotes", "REPORTING", word), record, groups)
    refused = problems == [f"quotes.REPORTING {word!r}: no source; name the train/validation documents it comes from"]
    assert refused, "a word only held-out documents contain was let into REPORTING"
    # naming the held-out document it comes from does not help
    held_out_doc = next(d.doc_id for d in groups["dev_held_out"] if d.matches(word))
    named = copy.deepcopy(record)
    named["sources"]["quotes.REPORTING"][word] = [held_out_doc]
    problems = unsourced(_lexicon_with("quotes", "REPORTING", word), named, groups)
    refused = problems == [f"quotes.REPORTING {word!r}: {held_out_doc} is no train/validation document"]
    assert refused, "a held-out document was accepted as a source"


def test_a_new_trigger_names_a_tuning_document_it_matches_in(
    record: dict[str, Any], groups: dict[str, list[Document]]
) -> None:
    entries = [*current_entries(), LexEntry("trigger:violent.attack", "skirmish")]
    assert unsourced(entries, record, groups) == [
        "trigger:violent.attack 'skirmish': no source; name the train/validation documents it comes from"
    ]
    named = copy.deepcopy(record)
    named["sources"].setdefault("trigger:violent.attack", {})["skirmish"] = ["dev-001"]
    assert unsourced(entries, named, groups) == ["trigger:violent.attack 'skirmish': does not match in dev-001"]
    # a real train or validation document counts (the corpus's own news on skirmishes)
    tuning_doc = next(d.doc_id for d in groups["real_tuning"] if d.matches("skirmish"))
    named["sources"]["trigger:violent.attack"]["skirmish"] = [tuning_doc]
    assert unsourced(entries, named, groups) == []


def test_an_entry_left_in_the_record_after_its_removal_is_reported(
    record: dict[str, Any], groups: dict[str, list[Document]]
) -> None:
    """So that a removed word cannot come back through a stale line of the record."""
    entries = [e for e in current_entries() if e != LexEntry("trigger:violent.war", "conflict")]
    assert unsourced(entries, record, groups) == [
        "trigger:violent.war 'conflict': in audited but no longer in the lexicon; delete it there"
    ]


def test_the_record_names_the_audit_and_lists_nothing_twice(record: dict[str, Any]) -> None:
    assert set(record) == {"audit", "held_out_gold", "audited", "sources", "pending_removal"}
    assert (REPO / record["audit"]).is_file()
    sourced = {(where, form(entry)) for where, named in record["sources"].items() for entry in named}
    assert not sourced & _forms(record["audited"]) and not sourced & _forms(record["pending_removal"])
