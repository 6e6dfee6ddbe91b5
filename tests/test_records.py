"""The `records` config and verb: which events become records, the counting rule, dates, places, scoring.

Expected values are worked out by hand from the texts and the rules of docs/records.md (each case
says how), never taken from the code's output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cardblocks import published
from conflict_news.cli.main import main
from conflict_news.core.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from conflict_news.core.store import dump_json, write_atomic
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.grow.evaluate import evaluate_records, format_records_markdown
from conflict_news.grow.preannotate import preannotate_corpus
from conflict_news.hf.build import build_data
from conflict_news.hf.card import write_card
from conflict_news.records.clusters import plan_records, qualifies
from conflict_news.records.counts import count, is_subset
from conflict_news.records.dates import date_of, relative_day
from conflict_news.records.derive import records_of
from conflict_news.records.places import NOWHERE, resolve
from conflict_news.records.score import document_counts, hand_row, match_records, score_records
from conftest import REPO

DEV = REPO / "dev"
TAX = load_taxonomy()
# The commit of docs/records.md the hand coders were given (adjudication/records-hand/manifest.json).
RULES_COMMIT = "7611c0b57132b71ea4d4ac48867567f285529cc9"


def _doc(root: Path, doc_id: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    ann = json.loads((root / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))
    meta = json.loads((root / "corpus" / f"{doc_id}.json").read_text(encoding="utf-8"))
    return ann, meta, (root / "corpus" / f"{doc_id}.txt").read_bytes().decode("utf-8")


def _records(root: Path, doc_id: str) -> dict[str, dict[str, Any]]:
    return {row["event_id"]: row for row in records_of(*_doc(root, doc_id), TAX)}


def _counts(row: dict[str, Any], field: str) -> tuple[float | None, float | None, float | None]:
    return row[f"{field}_best"], row[f"{field}_low"], row[f"{field}_high"]


# --- whole documents, worked by hand -------------------------------------------------------------


def test_competing_tolls_give_the_median_and_the_range() -> None:
    """dev-001: "at least nine civilians" (the governor), "No more than four people" (the rebels), "14 people"
    (the hospital), no toll in the narration: best 9 (median of 9, 4, 14), low 4, high 14. Wounded: "23 others"
    and "about 30": best 23 (the lower of two), low 23, high 30. The clash "since 2019" is a second record; the
    threatened response and attacks are hypothetical, the accusation no ACLED event: no records."""
    records = _records(DEV, "dev-001")
    assert list(records) == ["ev1", "ev6"]
    shelling = records["ev1"]
    assert shelling["mentions"] == ["ev1", "ev4", "ev7", "ev8"]
    assert (shelling["acled_event_type"], shelling["acled_sub_event_type"]) == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack",
    )  # fmt: skip
    assert _counts(shelling, "fatalities") == (9, 4, 14)
    assert _counts(shelling, "injured") == (23, 23, 30)
    assert _counts(shelling, "arrested") == (None, None, None)
    assert shelling["claimants"][:1] == ["Olena Koval"]
    assert {s["text"] for s in shelling["evidence"]["fatalities"]} == {"at least nine", "No more than four", "14"}
    assert (records["ev6"]["date"], records["ev6"]["date_precision"]) == ("2019", "year")


def test_a_subset_is_evidence_not_a_count_and_a_recalled_attack_is_its_own_record() -> None:
    """cnc-000171 (Wikinews): "killing at least six and injuring more than 40"; the official's "several of those
    that were hospitalised" is a part of the 40. The recalled Moscow Metro bombings ("at least 40 people and
    wounded over 100") are a record of their own, a part of the "violence" of rebel groups."""
    records = _records(REPO, "cnc-000171")
    assert list(records) == ["c-ev3", "c-ev8", "c-ev9"]
    stavropol = records["c-ev3"]
    assert _counts(stavropol, "fatalities") == (6, 6, 6)
    assert _counts(stavropol, "injured") == (40, 40, 40)
    assert "several" in {s["text"] for s in stavropol["evidence"]["injured"]}
    assert stavropol["location"]["geonames_id"] == 487846  # Stavropol, RU: GeoNames' id
    metro = records["c-ev9"]
    assert (_counts(metro, "fatalities"), _counts(metro, "injured")) == ((40, 40, 40), (100, 100, 100))
    assert metro["part_of"] == "c-ev8"
    assert metro["date"] is None  # "March 29", and the article's date is unknown: never invented


# --- the counting rule on small cases ------------------------------------------------------------


def _span(text: str, words: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return {"start": start, "end": start + len(words), "text": words}


def _event(eid: str, etype: str, trigger: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": eid, "type": etype, "trigger": trigger, "arguments": [], "location": None, "time": None,
        "modality": "actual", "polarity": "positive", "relations": [], **extra,
    }  # fmt: skip


def _figure(fid: str, span: dict[str, Any], value: float | None, prop: str, event: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": fid, "span": span, "value": value, "lower": value, "upper": value, "bound": "exact", "approx_cue": None,
        "counted": "people", "counted_span": None, "property": prop, "claimant": None, "quote": None, "event": event,
        **extra,
    }  # fmt: skip


def test_a_singular_victim_and_a_figure_of_one_add_up() -> None:
    """ "arrested a Taliban leader ... also detained one suspected insurgent": 1 + 1 = 2."""
    text = "Troops arrested a Taliban leader in Kandahar and also detained one suspected insurgent."
    events = [
        _event("e1", "coercion.arrest", _span(text, "arrested"),
               arguments=[{"role": "victim", "span": _span(text, "a Taliban leader"), "entity": None}]),
        _event("e2", "coercion.arrest", _span(text, "detained"),
               arguments=[{"role": "victim", "span": _span(text, "one suspected insurgent"), "entity": None}]),
    ]  # fmt: skip
    figures = [_figure("f1", _span(text, "one"), 1, "arrested", "e2", counted="insurgent")]
    found = count("arrested", events, figures, {}, text)
    assert (found.best, found.low, found.high) == (2, 2, 2)
    ann = {"entities": [], "events": events, "quotes": [], "figures": figures}
    meta = {"published": {"date": None, "precision": "unknown"}}
    (record,) = records_of(ann, meta, text, TAX)
    assert record["mentions"] == ["e1", "e2"] and record["arrested_best"] == 2


def test_acts_of_one_kind_in_other_sentences_or_places_stay_apart() -> None:
    text = "Police arrested a man in Kabul and detained a woman in Herat. Later they detained a boy."
    located = [("arrested", "Kabul"), ("detained", "Herat")]
    events = [
        _event(f"e{i}", "coercion.arrest", _span(text, word),
               location={"span": _span(text, place), "name": place, "country": "AF", "wikidata": None,
                         "precision": "point"})
        for i, (word, place) in enumerate(located, 1)
    ] + [_event("e3", "coercion.arrest", _span(text, "detained", 1))]  # fmt: skip
    plan = plan_records(events, text, TAX)
    assert [c.key for c, _ in plan.records] == ["e1", "e2", "e3"]


def test_groups_of_one_claim_add_up_and_a_subset_does_not() -> None:
    """ "killing three soldiers and five civilians, including two children": 3 + 5 = 8, the children are a part."""
    text = "The blast killed three soldiers and five civilians, including two children."
    events = [_event("e1", "casualty.death", _span(text, "killed"))]
    figures = [
        _figure("f1", _span(text, "three"), 3, "killed", "e1", counted="soldiers"),
        _figure("f2", _span(text, "five"), 5, "killed", "e1", counted="civilians"),
        _figure("f3", _span(text, "two"), 2, "killed", "e1", counted="children"),
    ]
    found = count("fatalities", events, figures, {}, text)
    assert (found.best, found.low, found.high) == (8, 8, 8)
    assert len(found.evidence) == 3


def test_vague_numerals_are_bounds_and_a_claim_with_a_value_gives_the_best() -> None:
    """The narration says "Dozens" (at least 24, no value: CNT-2), the ministry "40": the narration states no best,
    so the ministry's 40 is; low 24 (the narration's bound), high 40."""
    text = "Dozens were killed, and the ministry said 40 died."
    events = [_event("e1", "casualty.death", _span(text, "killed"))]
    vague = _figure("f1", _span(text, "Dozens"), None, "killed", "e1", lower=24, upper=None, bound="at_least",
                    approx_cue=_span(text, "Dozens"))  # fmt: skip
    claimed = _figure("f2", _span(text, "40"), 40, "killed", "e1", claimant="ent-ministry")
    found = count("fatalities", events, [vague, claimed], {}, text)
    assert (found.best, found.low, found.high) == (40, 24, 40)
    narrated = _figure("f3", _span(text, "40"), 40, "killed", "e1")
    found = count("fatalities", events, [vague, narrated], {}, text)
    assert (found.best, found.low, found.high) == (40, 24, 40)  # one counted group: the value is the best
    alone = count("fatalities", events, [vague], {}, text)
    assert (alone.best, alone.low, alone.high) == (None, 24, None)


def test_nothing_stated_is_unknown_not_zero_and_equipment_is_not_people() -> None:
    text = "Rebels captured two tanks and many fighters were killed."
    events = [_event("e1", "violent.armed_clash", _span(text, "captured"))]
    tanks = _figure("f1", _span(text, "two"), 2, "captured", "e1", counted="tanks")
    assert count("arrested", events, [tanks], {}, text).best is None
    assert count("fatalities", events, [], {}, text).best is None


def test_subset_cues() -> None:
    text = "12 died, among them 3 children; several of those hurt are critical; 4 others fled."
    assert is_subset(text, _span(text, "3"))
    assert is_subset(text, _span(text, "several"))
    assert not is_subset(text, _span(text, "12"))
    assert not is_subset(text, _span(text, "4"))


# --- which events are records ---------------------------------------------------------------------


def test_record_types_follow_the_crosswalk() -> None:
    assert qualifies("violent.attack", TAX)  # no ACLED type, but violence UCDP codes
    assert qualifies("coercion.arrest", TAX) and qualifies("protest.peaceful", TAX)
    assert not qualifies("violent.war", TAX)
    assert not qualifies("diplomatic.accusation", TAX) and not qualifies("casualty.death", TAX)


def test_deaths_feed_their_attack_and_are_never_records_themselves() -> None:
    text = "A bomb killed two. The war has killed thousands. Three died elsewhere. A raid was planned."
    bomb = _event("b", "violent.remote_explosive", _span(text, "bomb"), relations=[{"type": "causes", "target": "d1"}])
    death = _event("d1", "casualty.death", _span(text, "killed"))
    war = _event("w", "violent.war", _span(text, "war"), relations=[{"type": "causes", "target": "d2"}])
    toll = _event("d2", "casualty.death", _span(text, "killed", 1))
    alone = _event("d3", "casualty.death", _span(text, "died"))
    planned = _event("r", "violent.attack", _span(text, "raid"), modality="planned")
    plan = plan_records([bomb, death, war, toll, alone, planned], text, TAX)
    assert [(c.key, [f.key for f in fed]) for c, fed in plan.records] == [("b", ["d1"])]


# --- dates and places -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("today", date(2010, 4, 1)),  # a Thursday
        ("Last night", date(2010, 3, 31)),
        ("on Tuesday", date(2010, 3, 30)),
        ("Thursday", date(2010, 4, 1)),
        ("March 29", date(2010, 3, 29)),
        ("29 December", date(2009, 12, 29)),  # after the report in 2010: the year before
        ("February 30", None),
        ("recently", None),
    ],
)
def test_relative_days_count_back_from_the_report(words: str, expected: date | None) -> None:
    assert relative_day(words, date(2010, 4, 1)) == expected


def test_a_date_comes_from_the_time_else_the_document_date_else_nothing() -> None:
    known = {"published": {"date": "2010-04-01", "precision": "day"}}
    unknown = {"published": {"date": None, "precision": "unknown"}}
    today = {"span": {"start": 0, "end": 5, "text": "today"}, "start": None, "end": None, "precision": "day",
             "anchor": "publication"}  # fmt: skip
    dated = {**today, "start": "2010-03", "precision": "month", "anchor": "absolute"}
    text = "today"
    assert date_of(({"time": today},), known, text).date == "2010-04-01"
    assert date_of(({"time": today},), unknown, text).date is None
    assert date_of(({"time": today}, {"time": dated}), known, text).date == "2010-03"
    assert date_of(({"time": None},), known, text).precision == "unknown"


def test_places_resolve_only_when_unambiguous() -> None:
    place = resolve({"name": "Stavropol", "country": "RU", "precision": "point"})
    assert place.geonames_id == 487846 and place.latitude == pytest.approx(45.03, abs=0.01)
    assert resolve({"name": "Russia", "country": "RU", "precision": "country"}).geonames_id == 2017370
    assert resolve({"name": "Brask", "country": None, "precision": "point"}) == NOWHERE  # fictional, no country
    assert resolve({"name": "the village", "country": "RU", "precision": "unknown"}) == NOWHERE
    # Two cities of one name in one country: GeoNames has several San Pedro in Mexico.
    assert resolve({"name": "San Pedro", "country": "MX", "precision": "point"}) == NOWHERE


# --- scoring ----------------------------------------------------------------------------------------


def _row(start: int, end: int, sub: str | None, fatalities: float | None = None) -> dict[str, Any]:
    return {
        "acled_event_type": "Battles", "acled_sub_event_type": sub,
        "evidence": {"triggers": [{"start": start, "end": end, "text": "x" * (end - start)}]},
        "fatalities_best": fatalities, "injured_best": None, "arrested_best": None, "displaced_best": None,
    }  # fmt: skip


def test_records_match_one_to_one_by_overlap_and_type() -> None:
    gold = [_row(0, 5, "Armed clash", 3), _row(10, 15, "Armed clash")]
    pred = [_row(0, 5, "Armed clash", 3), _row(3, 8, "Armed clash"), _row(10, 15, "Government regains territory")]
    assert match_records(pred, gold) == [(0, 0)]  # the larger overlap wins; another sub-event type never matches
    counts = document_counts(pred, gold)
    assert (counts["pred"], counts["gold"], counts["tp"]) == (3, 2, 1)
    assert (counts[("fatalities", "n")], counts[("fatalities", "exact")]) == (1, 1)


# --- the config, the verb, the queries ------------------------------------------------------------


@pytest.fixture(scope="module")
def built_dev(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("records") / "dev"
    shutil.copytree(DEV, root, ignore=shutil.ignore_patterns("data"))
    build_data(root)
    write_card(root)
    return root


def test_the_config_loads_with_datasets_and_every_span_matches_the_text(built_dev: Path) -> None:
    import datasets

    loaded = datasets.load_dataset(str(built_dev), "records", split="validation")
    names = loaded.features["type"].names
    rows = list(loaded)
    assert sum(names[row["type"]] == "violent.shelling_missile_attack" for row in rows) >= 1
    for row in rows:
        text = (built_dev / "corpus" / f"{row['doc_id']}.txt").read_bytes().decode("utf-8")  # CRLF kept
        spans = [
            s
            for part in row["evidence"].values()
            for s in (part if isinstance(part, list) else [part])
            if s and s["start"] is not None
        ]
        assert spans and all(text[s["start"] : s["end"]] == s["text"] for s in spans)


def _blocks(section: str) -> list[str]:
    page = (REPO / "docs" / "records.md").read_text(encoding="utf-8").split(f"## {section}", 1)[1]
    return re.findall(r"```python\n(.*?)```", page, re.S)


def test_the_queries_of_the_docs_run_on_a_build(built_dev: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The DuckDB and Polars queries of docs/records.md, as printed there, on a build of the dev set."""
    monkeypatch.chdir(built_dev)
    duckdb_block, polars_block = _blocks("Queries")
    scope: dict[str, Any] = {}
    exec(duckdb_block.replace("duckdb.sql(", "found = duckdb.sql(").replace(").show()", ")"), scope)
    exec(polars_block.replace("pl.scan_parquet(", "grouped = pl.scan_parquet("), scope)
    assert scope["found"].columns == ["month", "acled_sub_event_type", "fatalities"]
    assert scope["grouped"].columns == ["month", "acled_sub_event_type", "fatalities_best"]


def test_the_card_sends_readers_to_the_queries_of_the_docs() -> None:
    """The card names the records page and its query; the query itself is run above, from the page."""
    card = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`records` ([docs/records.md](docs/records.md), with a DuckDB query of fatalities by month)" in card
    assert "Fatalities by month and sub-event type, in DuckDB:" in (REPO / "docs" / "records.md").read_text("utf-8")


def test_the_verb_prints_json_lines_and_csv_and_reads_a_build(
    built_dev: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["records", str(built_dev), "--split", "validation"]) == 0
    derived = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {row["doc_id"] for row in derived} == {f"dev-00{n}" for n in range(1, 6)}
    assert main(["records", str(built_dev / "annotations" / "dev-001.json"), "--root", str(built_dev), "--csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["event_id"] for row in table] == ["ev1", "ev6"]
    assert table[0]["fatalities_best"] == "9.0" and table[0]["actor1.name"] == "Free Orun Army"
    # A build alone (a release, a silver run): its Parquet rows, with label names, as derived.
    release = tmp_path / "release"
    release.mkdir()
    shutil.copytree(built_dev / "data", release / "data")
    shutil.copy(built_dev / "README.md", release / "README.md")
    assert main(["records", str(release)]) == 0
    read = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ours = {(r["doc_id"], r["event_id"]): r for r in read if r["doc_id"] in {"dev-001", "dev-002"}}
    assert ours[("dev-001", "ev1")]["type"] == "violent.shelling_missile_attack"
    assert ours[("dev-001", "ev1")]["evidence"] == next(r for r in derived if r["event_id"] == "ev1" and
                                                        r["doc_id"] == "dev-001")["evidence"]  # fmt: skip


def test_scoring_the_gold_against_itself_is_perfect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", str(DEV), "--against", str(DEV), "--json", "--bootstrap", "20"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["splits"]) == {"test", "validation"}
    assert result["all"]["scores"]["f1"]["value"] == 1.0
    assert result["all"]["scores"]["fatalities exact"]["value"] == 1.0


def test_the_splits_tuned_on_and_all_are_labelled_in_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", str(DEV), "--against", str(DEV), "--bootstrap", "20", "--in-sample", "validation"]) == 0
    labels = [line.split("|")[1].strip() for line in capsys.readouterr().out.splitlines()[2:]]
    assert labels == ["test", "validation, in-sample", "all, in-sample"]
    assert main(["records", str(DEV), "--against", str(DEV), "--bootstrap", "20"]) == 0
    assert [line.split("|")[1].strip() for line in capsys.readouterr().out.splitlines()[2:]] == [
        "test",
        "validation",
        "all",
    ]
    # Scored on test alone, the all row holds no tuned document: nothing is in-sample.
    argv = ["records", str(DEV), "--against", str(DEV), "--bootstrap", "20", "--split", "test"]
    assert main([*argv, "--in-sample", "validation"]) == 0
    assert [line.split("|")[1].strip() for line in capsys.readouterr().out.splitlines()[2:]] == ["test", "all"]


def test_a_missing_path_is_refused_with_a_code(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["records", str(tmp_path / "nothing"), "--root", str(DEV)]) == 1
    err = capsys.readouterr().err
    assert "[input-missing]" in err and "Traceback" not in err


# --- the published results ---------------------------------------------------------------------------

HAND = REPO / "adjudication" / "records-hand"


def hand_sample_table() -> str:
    """The gold's records against the hand-coded ones of the sample (docs/records.md, Results)."""
    coded = [json.loads(line) for line in (HAND / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    manifest = json.loads((HAND / "manifest.json").read_text(encoding="utf-8"))
    documents = {}
    for coder in manifest["coders"].values():
        for doc_id in coder["documents"]:
            reference = [hand_row(row, TAX) for row in coded if row["doc_id"] == doc_id]
            documents[doc_id] = (records_of(*_doc(REPO, doc_id), TAX), reference)
    return format_records_markdown({f"`test`, hand sample ({len(documents)} documents)": score_records(
        documents, DEFAULT_RESAMPLES, DEFAULT_SEED)})  # fmt: skip


def test_the_hand_sample_is_twelve_test_documents_whose_inputs_are_recorded() -> None:
    manifest = json.loads((HAND / "manifest.json").read_text(encoding="utf-8"))
    for coder in manifest["coders"].values():
        for doc_id in coder["documents"]:
            assert json.loads((REPO / "corpus" / f"{doc_id}.json").read_text(encoding="utf-8"))["split"] == "test"
            text = (REPO / "corpus" / f"{doc_id}.txt").read_bytes()
            assert coder["inputs"][f"texts/{doc_id}.txt"] == hashlib.sha256(text).hexdigest()
        rules = subprocess.run(
            ["git", "show", f"{RULES_COMMIT}:docs/records.md"], cwd=REPO, capture_output=True, check=True
        ).stdout
        assert coder["inputs"]["records.md"] == hashlib.sha256(rules).hexdigest()
    for row in (json.loads(line) for line in (HAND / "records.jsonl").read_text(encoding="utf-8").splitlines()):
        text = (REPO / "corpus" / f"{row['doc_id']}.txt").read_bytes().decode("utf-8")
        assert all(text[t["start"] : t["end"]] == t["text"] for t in row["triggers"])


def test_the_hand_sample_table_is_current() -> None:
    assert published("records-hand") == hand_sample_table()


def test_the_rules_table_is_current(tmp_path: Path) -> None:
    predictions = tmp_path / "pred"
    for path, ann in preannotate_corpus(REPO, None, predictions).items():
        write_atomic(path, dump_json(ann))
    result = evaluate_records(predictions, REPO, REPO)
    parts = {**result["splits"], "all": result["all"]}
    # The rules were tuned on train and validation (docs/records.md): those rows, and all, are in-sample.
    assert published("records-rules") == format_records_markdown(parts, {"train", "validation", "all"})


# --- cases a review found (each worked out by hand) --------------------------------------------------


def test_figures_of_acts_merged_from_one_sentence_add_up() -> None:
    """ "arrested three suspects and detained two suspects": two acts (CNT-1), one record, 3 + 2."""
    text = "Police arrested three suspects and detained two suspects."
    events = [_event("e1", "coercion.arrest", _span(text, "arrested")), _event("e2", "coercion.arrest",
                                                                             _span(text, "detained"))]  # fmt: skip
    figures = [_figure("f1", _span(text, "three"), 3, "arrested", "e1", counted="suspects"),
               _figure("f2", _span(text, "two"), 2, "arrested", "e2", counted="suspects")]  # fmt: skip
    meta = {"published": {"date": None, "precision": "unknown"}}
    (record,) = records_of({"entities": [], "events": events, "quotes": [], "figures": figures}, meta, text, TAX)
    assert (record["arrested_best"], record["arrested_low"], record["arrested_high"]) == (5, 5, 5)


def test_two_unnamed_victims_alike_are_two_and_a_dozen_is_not_one() -> None:
    text = "Police arrested a man and detained a man. Gunmen killed a dozen people."
    events = [
        _event("e1", "coercion.arrest", _span(text, "arrested"),
               arguments=[{"role": "victim", "span": _span(text, "a man"), "entity": None}]),
        _event("e2", "coercion.arrest", _span(text, "detained"),
               arguments=[{"role": "victim", "span": _span(text, "a man", 1), "entity": None}]),
        _event("e3", "casualty.death", _span(text, "killed"),
               arguments=[{"role": "victim", "span": _span(text, "a dozen people"), "entity": None}]),
    ]  # fmt: skip
    assert count("arrested", events, [], {}, text).best == 2
    assert count("fatalities", events, [], {}, text).best is None


def test_a_part_is_a_subset_but_five_of_the_attackers_are_counted() -> None:
    text = "Five of the attackers were killed."
    assert not is_subset(text, _span(text, "Five"))
    events = [_event("d", "casualty.death", _span(text, "killed"))]
    figure = _figure("f", _span(text, "Five"), 5, "killed", "d", counted="attackers")
    assert count("fatalities", events, [figure], {}, text).best == 5


def test_spans_without_their_words_are_read_from_the_text() -> None:
    """A standoff row keeps offsets and drops words; rebuilt from it, an annotation still counts."""
    text = "Police arrested a man."
    events = [_event("e1", "coercion.arrest", {"start": 7, "end": 15, "text": None},
                     arguments=[{"role": "victim", "span": {"start": 16, "end": 21, "text": None}, "entity": None}])]  # fmt: skip
    assert count("arrested", events, [], {}, text).best == 1


@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        ("February 29", date(2025, 3, 10), date(2024, 2, 29)),  # the last February 29 before the report
        ("last Tuesday", date(2010, 3, 30), date(2010, 3, 23)),  # the report is a Tuesday
        ("Tuesday", date(2010, 3, 30), date(2010, 3, 30)),
    ],
)
def test_leap_days_and_last_weekdays(words: str, published: date, expected: date) -> None:
    assert relative_day(words, published) == expected


def test_a_subevent_keeps_its_first_parent() -> None:
    text = "A raid and a strike and a bombing."
    raid = _event("a", "violent.attack", _span(text, "raid"),
                  relations=[{"type": "subevent_of", "target": "b"}, {"type": "subevent_of", "target": "c"}])  # fmt: skip
    plan = plan_records([raid, _event("b", "violent.remote_explosive", _span(text, "strike")),
                         _event("c", "violent.armed_clash", _span(text, "bombing"))], text, TAX)  # fmt: skip
    assert plan.parent == {"a": "b"}


def test_rows_of_a_withheld_text_copy_none_of_its_words() -> None:
    """The seed's text is withheld: its records keep offsets, and name only entities (annotation, not text)."""
    from conflict_news.hf.records import read_records

    ann = json.loads((REPO / "annotations" / "cnc-000001.json").read_text(encoding="utf-8"))
    names = {e["name"] for e in ann["entities"]}
    rows = [row for row in read_records(REPO, ["train"]) if row["doc_id"] == "cnc-000001"]
    assert rows and {row["text_status"] for row in rows} == {"withheld"}
    for row in rows:
        spans = [s for part in row["evidence"].values() for s in (part if isinstance(part, list) else [part]) if s]
        assert spans and all(s["text"] is None and s["start"] is not None for s in spans)
        actors = [row[key]["name"] for key in ("actor1", "actor2") if row[key] and row[key]["name"]]
        assert set(actors) <= names and set(row["claimants"]) <= names


def test_the_split_option_reads_only_that_splits_shards(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", str(REPO / "standoff"), "--split", "validation"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    splits = {json.loads((REPO / "corpus" / f"{row['doc_id']}.json").read_text(encoding="utf-8"))["split"]
              for row in rows}  # fmt: skip
    assert rows and splits == {"validation"}
