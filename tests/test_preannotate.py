"""The baseline pre-annotator: its rules on a fictional text, and its output validating on real corpora."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors, load_taxonomy
from conflict_news.cli.main import main
from conflict_news.grow.lexicon import compile_lexicon
from conflict_news.grow.preannotate import preannotate
from conftest import BASE, REPO, materialize_case

TEXT = (
    "Valdorian forces launched dozens of drones and more than 30 rockets at Port Meren on Tuesday, "
    "the third attack in 2024. Between 5 and 8 missiles and 10-20 shells hit the port; about two hundred "
    "soldiers were wounded, Article 5 was invoked and three days passed.\n"
    "General Tomas Brell accused Ostria of shelling the port, while the mayor stayed silent. "
    "\u201cWe will answer,\u201d Brell told reporters. The so-called \u201cIron Shield Alliance\u201d refused any talks."
)


@pytest.fixture(scope="module")
def predicted() -> dict[str, Any]:
    return preannotate("toy-0001", TEXT, load_taxonomy())


def test_figures_values_bounds_and_counted_nouns(predicted: dict[str, Any]) -> None:
    got = [
        (f["span"]["text"], f["value"], f["lower"], f["upper"], f["bound"], f["counted"], f["property"])
        for f in predicted["figures"]
    ]
    # not figures: the year 2024, the identifier "Article 5", the time expression "three days", "third"
    assert got == [
        ("dozens", None, 24, None, "at_least", "drones", "launched"),
        ("more than 30", 30, 30, None, "more_than", "rockets", "launched"),
        ("Between 5 and 8", None, 5, 8, "range", "missiles", "launched"),
        ("10-20", None, 10, 20, "range", "shells", "launched"),
        ("about two hundred", 200, None, None, "approximate", "soldiers", "wounded"),
    ]
    cues = [f["approx_cue"]["text"] if f["approx_cue"] else None for f in predicted["figures"]]
    assert cues == ["dozens", "more than", None, None, "about"]


def test_quotes_cues_sources_and_contents(predicted: dict[str, Any]) -> None:
    got = [
        (q["type"], q["cue"]["text"], q["source"]["text"], [c["text"] for c in q["contents"]])
        for q in predicted["quotes"]
    ]
    # "Iron Shield Alliance" only names something: no quote
    assert got == [
        ("indirect", "accused", "General Tomas Brell", ["Ostria of shelling the port"]),
        ("direct", "told", "Brell", ["We will answer,"]),
    ]
    (brell,) = predicted["entities"]
    assert [q["speaker"] for q in predicted["quotes"]] == [brell["id"], brell["id"]]
    assert [m["text"] for m in brell["mentions"]] == ["Tomas Brell", "Brell"]
    shelling = next(ev for ev in predicted["events"] if ev["trigger"]["text"] == "shelling")
    assert predicted["quotes"][0]["events"] == [shelling["id"]]


def test_event_triggers_types_and_modality(predicted: dict[str, Any]) -> None:
    got = [(ev["trigger"]["text"], ev["type"], ev["modality"]) for ev in predicted["events"]]
    assert got == [
        ("attack", "violent.attack", "actual"),  # its clause names no weapon
        ("wounded", "casualty.injury", "actual"),  # casualties are events too (guidelines 6.1)
        ("accused", "diplomatic.accusation", "actual"),
        ("shelling", "violent.shelling_missile_attack", "actual"),
        ("refused", "diplomatic.rejection", "actual"),
        ("talks", "diplomatic.talks", "hypothetical"),  # "any talks"
    ]


def test_bracketed_lexicon_entries_annotate_only_the_head() -> None:
    text = "A prisoner swap and land swaps were discussed; no ceasefire was agreed."
    events = preannotate("x", text, load_taxonomy())["events"]
    assert [(e["trigger"]["text"], e["type"], e["modality"], e["polarity"]) for e in events] == [
        ("swap", "exchange.prisoner_exchange", "actual", "positive"),
        ("swaps", "diplomatic.territorial_exchange", "actual", "positive"),
        ("ceasefire", "diplomatic.ceasefire", "negated", "negative"),
        ("agreed", "diplomatic.agreement", "negated", "negative"),  # "no" within four words: no agreement either
    ]
    assert all(e.trigger[0] < e.trigger[1] for es in compile_lexicon(load_taxonomy()).values() for e in es)


def test_output_on_a_fictional_text_validates(tmp_path: Path, predicted: dict[str, Any]) -> None:
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    root = materialize_case(
        {
            "write": {"corpus/toy-0001.txt": TEXT},
            "set": {"corpus/toy-0001.json#/text_sha256": digest, "corpus/toy-0001.json#/text_length": len(TEXT)},
        },
        tmp_path,
    )
    (root / "annotations" / "toy-0001.json").write_text(json.dumps(predicted), encoding="utf-8")
    assert list(iter_errors([root])) == []
    assert predicted["provenance"]["kind"] == "prediction"


@pytest.mark.parametrize("root", [REPO, BASE])
def test_cli_writes_validating_predictions(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "pred"
    assert main(["preannotate", "--root", str(root), "--out", str(out)]) == 0
    files = sorted(out.glob("*.json"))
    assert [f.stem for f in files] == sorted(p.stem for p in (root / "annotations").glob("*.json"))
    assert main(["evaluate", str(out), str(root), "--json"]) == 0


def test_cli_one_file_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "one.json"
    assert main(["preannotate", "cnc-000001", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["doc_id"] == "cnc-000001"
    capsys.readouterr()
    assert main(["preannotate", "cnc-000001", "--out", str(target)]) == 1
    assert "refusing to replace" in capsys.readouterr().err
    assert main(["preannotate", "--root", str(BASE), "cnc-000001", "--out", str(tmp_path / "x")]) == 1
    assert "[document-missing]" in capsys.readouterr().err
    two_docs = materialize_case({}, tmp_path)
    (two_docs / "corpus" / "toy-0002.txt").write_bytes((two_docs / "corpus" / "toy-0001.txt").read_bytes())
    assert main(["preannotate", "--root", str(two_docs), "--out", str(tmp_path / "two.json")]) == 1
    assert "give a folder" in capsys.readouterr().err


def test_quote_before_a_titled_speaker_is_found() -> None:
    """`“…,” mayor Tira Oss said`: the cue is the fourth word after the closing mark."""
    from conflict_news.core.taxonomy import load_taxonomy
    from conflict_news.grow.preannotate import preannotate

    text = "Drones struck Veln on Sunday. “We will rebuild every street,” mayor Tira Oss said."
    quotes = preannotate("toy-0009", text, load_taxonomy())["quotes"]
    assert [(q["type"], q["cue"]["text"], q["contents"][0]["text"]) for q in quotes] == [
        ("direct", "said", "We will rebuild every street,")
    ]


def test_a_user_extractor_runs_like_the_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--extractor module:function`: same validation, same files, Label Studio tasks and scoring from them."""
    out = tmp_path / "pred"
    spec = "example_extractors:keyword_events"
    assert main(["preannotate", "--root", str(BASE), "--extractor", spec, "--out", str(out)]) == 0
    ann = json.loads((out / "toy-0001.json").read_text(encoding="utf-8"))
    assert ann["provenance"]["kind"] == "prediction" and spec in ann["provenance"]["annotators"][0]
    assert [e["trigger"]["text"] for e in ann["events"]] == ["fired"]
    assert main(["evaluate", str(out), str(BASE), "--json"]) == 0
    capsys.readouterr()
    assert main(["labelstudio", "tasks", "--root", str(BASE), "--predictions", str(out)]) == 0
    (task,) = json.loads(capsys.readouterr().out)
    assert any(r["value"].get("text") == "fired" for r in task["predictions"][0]["result"] if "value" in r)


@pytest.mark.parametrize("code", sorted(p.stem for p in (BASE.parent / "preannotate").glob("*.json")))
def test_extractor_cases(code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = json.loads((BASE.parent / "preannotate" / f"{code}.json").read_text(encoding="utf-8"))
    out = tmp_path / "pred"
    assert main(["preannotate", "--root", str(BASE), "--extractor", case["extractor"], "--out", str(out)]) == 1
    assert case["expect"] in capsys.readouterr().err
    assert not out.exists()


def test_an_extractor_whose_output_does_not_validate_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = "example_extractors:wrong_offsets"
    assert main(["preannotate", "--root", str(BASE), "--extractor", spec, "--out", str(tmp_path / "p")]) == 1
    assert "[span-text-mismatch]" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("no_colon", "is not module:function"),
        ("a:b:c", "is not module:function"),
        ("1module:f", "is not module:function"),
        ("module:", "is not module:function"),
        ("conflict_news_no_such_module:extract", "cannot import"),
        ("example_extractors:nope", "has no callable"),
        ("example_extractors:NOT_CALLABLE", "has no callable"),
    ],
)
def test_malformed_extractor_specs_are_usage_errors(
    spec: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preannotate", "--root", str(BASE), "--extractor", spec, "--out", str(tmp_path / "p")]) == 1
    assert says in capsys.readouterr().err


def test_rules_output_validates_on_unicode_stress_text(tmp_path: Path) -> None:
    """The synthetic corpus puts combining marks, joiners and emoji next to names: no rule may cut them apart."""
    from conflict_news.grow.preannotate import preannotate_corpus
    from conflict_news.grow.synthetic import write_synthetic

    root = tmp_path / "synth"
    write_synthetic(root, 30, seed=0)
    results = preannotate_corpus(root, None, tmp_path / "pred")  # raises CorpusError on any invalid span
    assert len(results) == 30
    assert sum(len(ann["quotes"]) for ann in results.values()) > 100


def test_into_root_replaces_pending_and_leaves_gold_alone(toy_root: Path, tmp_path: Path, capsys: Any) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT + "\n", encoding="utf-8")
    assert main(["add", str(article), "--root", str(toy_root), "--id", "toy-0002"]) == 0
    gold = (toy_root / "annotations" / "toy-0001.json").read_bytes()
    capsys.readouterr()
    assert main(["preannotate", "--into-root", "--root", str(toy_root)]) == 0
    assert "1 prediction(s) stored" in capsys.readouterr().err
    stored = json.loads((toy_root / "annotations" / "toy-0002.json").read_text(encoding="utf-8"))
    assert stored["provenance"]["kind"] == "prediction" and stored["events"]
    assert (toy_root / "annotations" / "toy-0001.json").read_bytes() == gold
    assert main(["validate", str(toy_root)]) == 0
    # naming a gold document is refused, and nothing is written, not even the prediction beside it
    reformatted = json.dumps(stored, indent=3).encode("utf-8")  # the same prediction in other bytes
    (toy_root / "annotations" / "toy-0002.json").write_bytes(reformatted)
    assert main(["preannotate", "--into-root", "--root", str(toy_root), "toy-0002", "toy-0001"]) == 1
    err = capsys.readouterr().err
    assert "[ls-gold-protected]" in err and "toy-0001" in err
    assert (toy_root / "annotations" / "toy-0001.json").read_bytes() == gold
    assert (toy_root / "annotations" / "toy-0002.json").read_bytes() == reformatted


# Rules 2.0.1 (annotations/GUIDELINES.md §8): what the event records need. Sentences invented for the test.
RECORD_TEXT = (
    "A bomb exploded at the market in Verin, killing at least six people. The explosion wounded 20 others. "
    "Police arrested a local man and detained Arno Belk on Sunday. He was later released. "
    "At least one suspect was held at 16:05, and no one else was hurt."
)


def _by_trigger(ann: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ev["trigger"]["text"]: ev for ev in ann["events"]}


def test_deaths_are_caused_by_the_attack_and_definite_mentions_take_it_up() -> None:
    ann = preannotate("toy-0010", RECORD_TEXT, load_taxonomy())
    events = _by_trigger(ann)
    bomb, explosion = events["bomb"], events["explosion"]
    assert bomb["type"] == explosion["type"] == "violent.remote_explosive"
    assert {"type": "causes", "target": events["killing"]["id"]} in bomb["relations"]
    assert {"type": "same_as", "target": bomb["id"]} in explosion["relations"]
    assert {"type": "causes", "target": events["wounded"]["id"]} in explosion["relations"]


def test_singular_victims_of_arrests_are_arguments() -> None:
    ann = preannotate("toy-0010", RECORD_TEXT, load_taxonomy())
    events = _by_trigger(ann)
    victims = {ev["trigger"]["text"]: [a["span"]["text"] for a in ev["arguments"]] for ev in ann["events"]}
    assert victims["arrested"] == ["a local man"]
    assert victims["detained"] == ["Arno Belk"]
    (named,) = [e for e in ann["entities"] if e["name"] == "Arno Belk"]
    assert named["type"] == "person" and events["detained"]["arguments"][0]["entity"] == named["id"]


def test_one_counts_unless_it_is_a_pronoun_and_clock_times_are_no_figures() -> None:
    ann = preannotate("toy-0010", RECORD_TEXT, load_taxonomy())
    spans = [f["span"]["text"] for f in ann["figures"]]
    assert "At least one" in spans
    assert "05" not in spans and "16" not in spans and "one" not in spans  # `no one`


# Rules 2.0.2 (annotations/GUIDELINES.md §8): counts of the event records. Sentences invented for the test.
def _figures(text: str) -> dict[str, dict[str, Any]]:
    return {f["span"]["text"]: f for f in preannotate("toy-0011", text, load_taxonomy())["figures"]}


def _victims(text: str) -> dict[str, list[str]]:
    ann = preannotate("toy-0011", text, load_taxonomy())
    return {ev["trigger"]["text"]: [a["span"]["text"] for a in ev["arguments"]] for ev in ann["events"]}


def test_the_governing_verb_gives_the_figure_its_property() -> None:
    text = (
        "Soldiers wounded two armed insurgents near Verin, and three men were taken into custody. "
        "Police detained one suspected smuggler. Four other villagers, reported to be farmers, were kidnapped. "
        "Last week, 57 people in an aid convoy were massacred."
    )
    figures = _figures(text)
    assert figures["two"]["property"] == "wounded"
    assert figures["three"]["property"] == "arrested"  # `taken into custody`
    assert figures["one"]["property"] == "arrested"
    assert figures["Four"]["property"] == "abducted"  # past the apposition
    massacre = figures["57"]
    assert massacre["property"] == "killed"  # the verb, not the nearer `convoy`
    ann = preannotate("toy-0011", text, load_taxonomy())
    (event,) = [ev for ev in ann["events"] if ev["id"] == massacre["event"]]
    assert event["trigger"]["text"] == "massacred"


def test_a_figure_is_not_the_subject_of_a_verb_past_another_figure_or_another_verb() -> None:
    figures = _figures(
        "Five gunmen attacked the post and killed 3 guards. "
        "Rebels searched several houses and said that at least one guard was killed."
    )
    assert figures["Five"]["property"] != "killed"
    assert figures["3"]["property"] == "killed"
    assert figures["several"]["property"] != "killed"
    assert figures["at least one"]["property"] == "killed"


def test_tolls_named_by_nouns_count_the_dead_and_times_count_nothing() -> None:
    figures = _figures(
        "Officials reported 80 deaths and 120 injuries. Marten Oyl was detained five times before the trial."
    )
    assert figures["80"]["property"] == "killed" and figures["120"]["property"] == "wounded"
    assert figures["five"]["property"] == "other"


def test_a_year_after_an_apostrophe_is_no_figure() -> None:
    assert "08" not in _figures("He signed the petition 'Charter '08' last year.")


def test_passive_subjects_after_a_clause_and_coordinated_names_are_victims() -> None:
    victims = _victims(
        "Two weeks before the attack, Oskarrin was arrested in Verin. Maldek and Tovaric were detained on Monday. "
        "The ministry said that a 17-year-old student was killed. She has been under house arrest since 2005."
    )
    assert victims["arrested"] == ["Oskarrin"]  # a word no dictionary knows: a name, alone
    assert victims["detained"] == ["Maldek", "Tovaric"]
    assert victims["killed"] == ["a 17-year-old student"]
    assert _victims("Yesterday, a man from Verin was arrested.")["arrested"] == []  # `Yesterday` is a word
    assert victims["arrest"] == ["She"]


def test_a_subject_a_figure_counts_is_no_victim_of_its_own() -> None:
    assert _victims("One suspect, Oskar Verlaine, was arrested on Monday.")["arrested"] == []


def test_names_with_letters_beyond_ascii_are_whole_words() -> None:
    assert _victims("Íngrid Martínez was kidnapped in June.")["kidnapped"] == ["Íngrid Martínez"]


def test_a_death_is_caused_by_the_event_it_names() -> None:
    ann = preannotate(
        "toy-0011", "After the shelling ended, 8 people were killed in a grenade attack.", load_taxonomy()
    )
    events = _by_trigger(ann)
    assert {"type": "causes", "target": events["killed"]["id"]} in events["attack"]["relations"]
    assert not any(r["type"] == "causes" for r in events["shelling"]["relations"])


# Rules 2.0.3 (annotations/GUIDELINES.md §8): counts of the event records. Sentences invented for the test.
def test_may_the_month_leaves_an_event_actual_and_a_bomb_in_its_clause_types_an_attack() -> None:
    text = "More than 80 people were killed in another attack in May when a truck bomb exploded."
    events = _by_trigger(preannotate("toy-0012", text, load_taxonomy()))
    assert events["killed"]["modality"] == events["attack"]["modality"] == "actual"
    assert events["attack"]["type"] == "violent.remote_explosive"


def test_the_whole_of_a_partitive_and_the_doer_of_an_active_verb_count_no_victims() -> None:
    figures = _figures(
        "Two of the five sailors were killed in the battle. Of the 40 passengers, 12 were killed. "
        "Arno Belk, 22, killed two guards. About fifteen gunmen from the hills abducted some villagers."
    )
    assert figures["Two"]["property"] == "killed" and figures["five"]["property"] == "other"
    assert figures["12"]["property"] == "killed" and figures["40"]["property"] == "other"
    assert figures["two"]["property"] == "killed" and figures["22"]["property"] == "other"
    assert figures["About fifteen"]["property"] == "other"


def test_a_hundred_is_a_number_and_from_one_number_to_another_is_an_update() -> None:
    figures = _figures("At least a hundred people were arrested. The toll was revised from seven to eight.")
    hundred = figures["At least a hundred"]
    assert (hundred["value"], hundred["lower"], hundred["bound"]) == (100, 100, "at_least")
    assert hundred["property"] == "arrested"
    assert (figures["seven"]["value"], figures["eight"]["value"]) == (7, 8)
    assert figures["eight"]["bound"] == "exact" and "seven to eight" not in figures


def test_held_captive_says_the_people_were_abducted() -> None:
    assert _figures("Nineteen people were held captive near Verin.")["Nineteen"]["property"] == "abducted"


def test_a_name_taken_up_by_one_word_and_a_name_after_its_description_are_victims() -> None:
    assert _victims("Liam Cross spoke on Monday. Cross was arrested on Tuesday.")["arrested"] == ["Cross"]
    assert _victims("Police arrested 30-year-old bus driver Tomas Brell.")["arrested"] == ["Tomas Brell"]
    assert _victims("Soldiers killed the Verin Front commander Arno Belk.")["killed"] == ["Arno Belk"]
    assert _victims("On May 8, The Daily Verin editor Arno Belk was arrested.")["arrested"] == ["Arno Belk"]
    # a place after a preposition is no apposition, nor is a name past a comma
    assert _victims("A former aide in the Valdorian Foreign Office was kidnapped.")["kidnapped"] == []
    assert _victims("Gunmen kidnapped yesterday, Tomas Brell said.")["kidnapped"] == []


def test_a_relative_clause_names_no_cause_before_the_subject_that_does() -> None:
    events = _by_trigger(
        preannotate(
            "toy-0013", "The attacks, which involved shelling of two villages, left 40 people dead.", load_taxonomy()
        )
    )
    assert {"type": "causes", "target": events["dead"]["id"]} in events["attacks"]["relations"]
    assert not any(r["type"] == "causes" for r in events["shelling"]["relations"])
    # with no event outside it, the relative clause's own event is the cause
    events = _by_trigger(
        preannotate("toy-0013", "In Verin, which was attacked twice, 26 civilians were killed.", load_taxonomy())
    )
    assert {"type": "causes", "target": events["killed"]["id"]} in events["attacked"]["relations"]


def test_a_toll_stated_as_a_figure_counts_the_dead_and_an_airlift_evacuates() -> None:
    figures = _figures(
        "Officials put the death toll at 78 with over 200 injured. "
        "Nine aid workers were arrested after trying to airlift 40 children out of the country."
    )
    assert figures["78"]["property"] == "killed" and figures["200"]["property"] == "wounded"
    assert figures["40"]["property"] == "evacuated"


def test_a_capitalised_reporting_word_inside_a_sentence_is_no_cue_and_companions_share_the_verb() -> None:
    text = (
        "Former Secretary of State Arno Belk was abducted in Verin, along with his wife and three guards. "
        "A driver was kidnapped along with his colleague, by six gunmen. The United States denies that it paid."
    )
    ann = preannotate("toy-0014", text, load_taxonomy())
    assert [ann_text(text, q["cue"]) for q in ann["quotes"]] == ["denies"]
    figures = {f["span"]["text"]: f for f in ann["figures"]}
    assert figures["three"]["property"] == "abducted"
    assert figures["six"]["property"] != "abducted"


def ann_text(text: str, span: dict[str, Any]) -> str:
    return text[span["start"] : span["end"]]


def test_a_figure_that_says_that_counts_a_speaker() -> None:
    figures = _figures("Three men were arrested in Verin, and one official said that the army had killed a man.")
    assert figures["Three"]["property"] == "arrested"
    assert figures["one"]["property"] == "other"


def test_the_whole_of_a_partitive_that_takes_up_an_earlier_figure_keeps_its_reading() -> None:
    figures = _figures(
        "A bomb exploded in Verin, injuring about forty-six people. "
        "Officials said that four of the forty-six people were critically injured."
    )
    assert figures["about forty-six"]["property"] == figures["forty-six"]["property"] == "wounded"
    assert figures["four"]["property"] == "wounded"
