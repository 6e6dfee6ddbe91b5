"""The gold annotation of the shipped corpus and of the fictional dev set (dev/) follows the deterministic rules of
annotations/GUIDELINES.md.

The rules a file and its text show broken are the validator's (core/rules.py, each with its code); the gold is
checked against them here, file by file. The tests below are the rules that stay tests: each rests on a
judgement the validator cannot make from the file, so each is written for the texts of this corpus (what is a
time expression, an identifier or a name in quotation marks; whether a time in a quote counts from the speaker's
words or from another event; whether a time span's first word is a preposition; which state a body is named after).
"""

from __future__ import annotations

import json
import re

import pytest

from conflict_news import Document, Span, iter_errors, load_corpus
from conftest import REPO

CORPUS = load_corpus()
# The rules hold for gold; predictions of the pre-annotator are what they are, and scored by evaluate.
DOCS = [d for d in (*CORPUS, *load_corpus(REPO / "dev")) if d.annotations.provenance.kind == "gold"]
# Guidelines FIG-1: numbers inside time expressions are not figures (dates, years, clock times, durations), nor
# are ordinals; a day may be written as an ordinal ("October 1st") or as day/month ("9/11"), a decade as "the 1970s".
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
TIME_EXPRESSION = re.compile(
    rf"{MONTHS} \d{{1,2}}(?:st|nd|rd|th)?(?:[\u2013-]\d{{1,2}})?\b|\b\d{{1,2}} {MONTHS}|\b(?:19|20)\d\d(?:'?s)?\b|\b\d{{1,2}}(?:[:.]\d\d)? ?(?:[ap]\.m\.|[AaPp][Mm]\b)"
    r"|\b\d[\d,]*(?:-| )(?:[a-z]+ )?(?:second|minute|hour|day|week|month|year|yr|hr)s?\b|\b\d{1,2}/\d{1,2}\b"
    # a clock time written with a space inside its suffix ("1 p. m."), and in a German quotation ("19.15 Uhr")
    r"|\b\d{1,2} ?[ap]\. m\.|\b\d{1,2}[.:]\d\d Uhr\b"
    # an earlier century's year after a preposition ("the Civil War in 1861", "dating back to 1382"; 19xx and 20xx
    # are years anywhere)
    r"|(?:(?<=\bin )|(?<=\bof )|(?<=\bsince )|(?<=\buntil )|(?<=\bfrom )|(?<=\bback to ))1[0-8]\d\d\b"
    # a range of durations or ages whose unit is written once ("between 12 and 18 years old")
    r"|\b\d{1,3}-? (?:and|to|or) (?=\d{1,3}(?:-| )(?:year|month|week|day|hour)s?\b)"
    # a decade written without its century, of years or of a life ("the '70s", "in her late 40s")
    r"|\b\d0s\b"
    # a year written without its century after an apostrophe ("Charter '08")
    r"|(?<=\s['\u2019])\d\d\b"
    # an age given with "age" or "aged": a duration, as "a 20-year-old" is ("Fields, age 20, was denied bail")
    r"|\b(?:age|aged) \d{1,3}\b"
    # the day labels of a chronology, one a line under its month's heading ("2004 - December" then "13: ...")
    r"|(?m:^)\d{1,2}(?=: [A-Z])"
    # clock times in 24-hour or military form and time zones ("14:30", "0000GMT", "1511 BST", "UTC+4:30")
    r"|\b\d{1,2}:\d\d\b|\b\d{4} ?(?:GMT|UTC|[A-Z]{2,3}T)\b|\b(?:GMT|UTC) ?[+\u2212-] ?\d{1,2}(?::\d\d)?"
    # "19.00 IRST", "4 o'clock", and "from 0900 to 2100 local time"
    r"|\b\d{1,2}[.:]\d\d ?[A-Z]{2,4}T\b|\b\d{1,2} o['\u2019]clock\b|\b\d{1,2}[.:]\d\d (?:[A-Za-z]+ )?time\b|\b\d{1,2}[.:]\d\d ?(?:UTC|GMT)\b|\b(?:GMT|UTC) \d{1,2}[.:]\d\d\b|\b[0-2]\d[0-5]\d(?= (?:to|until|-) [0-2]\d[0-5]\d\b)|\b[0-2]\d[0-5]\d(?= local time\b)"
    # the first of two clock times that share a zone ("at 04.30 and 05.00 GMT")
    r"|\b\d{1,2}[.:]\d\d(?= and \d{1,2}[.:]\d\d ?(?:[A-Z]{2,4}T|UTC)\b)"
)
ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
# FIG-1's identifiers beyond "Article 5" (also lower case or misspelt on a placard, "arrrticle 50"; a resolution's
# number, "resolution 2334", a flight's, "Flight 714", a section's, "Section 12", a bus line's, "bus 40", a gate's,
# "gate number 5"), the markers of a numbered list, reference
# markers ("[1]"), telephone numbers ("020 7008 0000"), the emergency number ("called 911"), and digits glued to
# capitals in a name or model ("WW2", "G8", "F-16", "M825E1"), and to a lower-case name ("8chan"; not a unit such as "10km").
# A number that ends a proper name mid-sentence ("journalists from France 3, ...") is one too; a count after a
# name is followed by what it counts ("in Iraq 12 people died").
IDENTIFIER = re.compile(
    # a maker's name and a model number of two three-digit parts ("the Boeing 737-800 jet"), before the name-and-number form
    r"(?<=[a-z] )[A-Z][a-z]+ \d{3}-\d{3}\b|"
    r"(?i:\b(?:ar+ticle|resolution|flight|section|bus|route|gate number)) \d+\b|\b[A-Z]+-?\d+(?:-\d+|[A-Z]+\d*)?\b|\b\d+[a-z]{3,}\b|\[\d+\]|\b0\d{2,4} \d{3,4} \d{4}\b|\b(?:call|called|calling|dialled|dialed) 911\b|(?<=[a-z,] )[A-Z][\w'\u2019-]* \d+\b(?! [a-z])"
    # a numbered unit's name in quotation marks ("1 Para", a battalion of the Parachute Regiment)
    r"|(?<=[\"\u201c])\d+ [A-Z][a-z]+(?=[\"\u201d])"
    # a day's number with a month's initial as an event's name ("11-M", as Spain calls the Madrid bombings)
    r"|\b\d{1,2}-[A-Z]\b"
    # the markers of a numbered list ("1. No Coup, 2. Liberty, 3. Democracy")
    r"|\b\d\.(?= [A-Z][^,]{0,30}, \d\. [A-Z])|(?<=, )\d\.(?= [A-Z])"
)


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def test_the_rules_are_checked_on_the_gold_of_the_corpus_and_the_dev_set() -> None:
    assert {d.id for d in DOCS} >= {"cnc-000001", "dev-001"}


@pytest.fixture(params=DOCS, ids=lambda d: d.id)
def doc(request: pytest.FixtureRequest) -> Document:
    document: Document = request.param
    return document


def _recorded_kinds() -> dict[str, str]:
    """Document -> the kind of gold its record in adjudication/wikinews/ makes: a batch of independent double
    annotation (tests/test_batches.py) makes `adjudicated` gold, a review of a correction `reviewed` gold."""
    kinds = {}
    for record in sorted((REPO / "adjudication" / "wikinews").glob("*/batch.json")):
        entry = json.loads(record.read_text(encoding="utf-8"))
        kinds |= dict.fromkeys(entry["documents"], entry.get("kind", "adjudicated"))
    return kinds


RECORDED_KINDS = _recorded_kinds()


def test_every_gold_file_says_how_it_was_made(doc: Document) -> None:
    """Seed and dev set: made before guidelines 2.0, second versions not independent (legacy); a Wikinews
    document's gold is of the kind its record makes, and a `test` document's is always adjudicated."""
    legacy = doc.id == "cnc-000001" or doc.id.startswith("dev-")
    assert doc.annotations.provenance.gold_kind == ("legacy" if legacy else RECORDED_KINDS.get(doc.id))
    if doc.metadata.split == "test" and not legacy:
        assert doc.annotations.provenance.gold_kind == "adjudicated"


def test_the_gold_breaks_none_of_the_rules_the_validator_checks(doc: Document) -> None:
    root = REPO / "dev" if doc.id.startswith("dev-") else REPO
    assert [str(i) for i in iter_errors([root / "annotations" / f"{doc.id}.json"])] == []


def test_every_quoted_passage_is_a_quote_or_a_name(doc: Document) -> None:
    mentions = [m for e in doc.entities for m in e.mentions]
    contents = [c for q in doc.quotes for c in q.contents]
    # up to the closing mark (a curly one, or the straight one some texts close a curly quotation with), or to the
    # end of the paragraph when the quotation runs on (guidelines 6.10)
    for match in re.finditer(r"“([^”“\"\r\n]*)(?:[”\"]|(?=\r?\n))", doc.text):
        inner = Span(start=match.start(1), end=match.end(1), text=match.group(1))
        whole = Span(start=match.start(), end=match.end(), text=match.group())
        covered = any(_inside(inner, c) for c in contents) or any(_inside(whole, c) for c in contents)
        named = any((m.start, m.end) == (inner.start, inner.end) for m in mentions)
        assert covered or named, match.group()


def test_every_number_in_digits_is_a_figure_except_identifiers(doc: Document) -> None:
    """Guidelines FIG-1: identifiers such as "Article 5" and numbers in time expressions are not figures."""
    spans = [f.span for f in doc.figures]
    timed = [m.span() for pattern in (TIME_EXPRESSION, ORDINAL, IDENTIFIER) for m in pattern.finditer(doc.text)]
    # a number inside a name ("Jorge 40"): in an entity mention that starts with a word, not with the number
    named = [(m.start, m.end) for e in doc.entities for m in e.mentions if not m.text[:1].isdigit()]
    for match in re.finditer(r"\d[\d,.]*\d|\d", doc.text):
        if doc.text[max(0, match.start() - 8) : match.start()] == "Article ":
            continue
        if any(s <= match.start() and match.end() <= e for s, e in (*timed, *named)):
            continue
        assert any(s.start <= match.start() and match.end() <= s.end for s in spans), match.group()


def test_a_time_inside_a_quote_counts_from_when_it_was_said(doc: Document) -> None:
    """Guidelines 3.5: a relative time expression among a direct quote's words has the anchor `utterance`."""
    contents = [c for q in doc.quotes if q.type == "direct" for c in q.contents]
    for ev in doc.events:
        span = ev.time.span if ev.time else None
        if span is not None and any(c.start <= span.start and span.end <= c.end for c in contents):
            # TIM-3: a time given by another event is anchored to it, inside a quote as anywhere
            assert ev.time is not None and ev.time.anchor in ("utterance", "absolute", "event"), (ev.id, span.text)


def test_a_figure_in_a_time_expression_would_be_caught() -> None:
    """The exemption is narrow: counts next to time words stay figures."""
    assert TIME_EXPRESSION.search("on May 12") and TIME_EXPRESSION.search("a 72-hour truce")
    assert TIME_EXPRESSION.search("after 30 long years") and not TIME_EXPRESSION.search("30 long knives")
    assert TIME_EXPRESSION.search("on March 3\u20134 in").group() == "March 3\u20134"
    assert TIME_EXPRESSION.search("from 10 p.m.") and TIME_EXPRESSION.search("since 2019")
    assert TIME_EXPRESSION.search("in the 1970s") and TIME_EXPRESSION.search("in the 1980's")
    assert TIME_EXPRESSION.search("alarms at 04.30 and 05.00 GMT").group() == "04.30"
    assert not TIME_EXPRESSION.search("04.30 and 05.00 percent")
    assert TIME_EXPRESSION.search("on October 1st") and TIME_EXPRESSION.search("after 9/11")
    assert TIME_EXPRESSION.search("at 0000GMT") and TIME_EXPRESSION.search("UTC+4:30")
    assert TIME_EXPRESSION.search("at about 21.30 CEST") and not TIME_EXPRESSION.search("21.30 metres")
    assert TIME_EXPRESSION.search("at 4 o'clock") and TIME_EXPRESSION.search("by 11 o\u2019clock")
    assert TIME_EXPRESSION.search("at 09.15 Paris time") and TIME_EXPRESSION.search("or GMT 07.15")
    assert TIME_EXPRESSION.search("from 0800 to 1900 local time").group() == "0800"
    assert TIME_EXPRESSION.search("until 1900 local time") and not TIME_EXPRESSION.search("0800 soldiers")
    assert TIME_EXPRESSION.search("at 10AM") and TIME_EXPRESSION.search("by 5 pm")
    assert TIME_EXPRESSION.search("at 3.40 pm") and not TIME_EXPRESSION.search("3.40 metres")
    assert ORDINAL.search("the 3rd battalion") and not ORDINAL.search("3 rd")
    assert (
        IDENTIFIER.search("said.[1]")
        and IDENTIFIER.search("call 020 7008 0000")
        and not IDENTIFIER.search("20 killed")
        and IDENTIFIER.search("the board 4forum")
        and not IDENTIFIER.search("walked 10km")
        and IDENTIFIER.search("under UN resolution 2334")
        and IDENTIFIER.search("on Flight 714 to")
        and IDENTIFIER.search("under Section 12 of the act")
        and IDENTIFIER.search("article K31-2 says").group() == "K31-2"
        and IDENTIFIER.search("the number 12 bus 40 ran").group() == "bus 40"
    )
    assert IDENTIFIER.search("Revoke arrrticle 50") and IDENTIFIER.search("since WW2") and IDENTIFIER.search("an F-16")
    assert IDENTIFIER.search("the M825E1 shell").group() == "M825E1"
    assert IDENTIFIER.search('of which "1 Para" was').group() == "1 Para" and not IDENTIFIER.search("killed 1 Para")
    assert IDENTIFIER.search("known as 11-M) consisted").group() == "11-M" and not IDENTIFIER.search("won 11-9")
    assert not IDENTIFIER.search("F 16 killed") and not IDENTIFIER.search("art 16")
    assert IDENTIFIER.search("she called 911") and not IDENTIFIER.search("911 people called")
    assert IDENTIFIER.search("crews from France 3, and") and not IDENTIFIER.search("in Iraq 12 people died")
    assert IDENTIFIER.search("the Boeing 737-800 jet").group() == "Boeing 737-800"
    assert not TIME_EXPRESSION.search("killed 12 people") and not TIME_EXPRESSION.search("210 000 displaced")
    assert TIME_EXPRESSION.search("3 yr sentences") and TIME_EXPRESSION.search("at 1 p. m., and")
    assert TIME_EXPRESSION.search("Um 19.15 Uhr ist") and not TIME_EXPRESSION.search("19.15 Euro")
    assert TIME_EXPRESSION.search("in flames at 1511 BST.") and not TIME_EXPRESSION.search("1511 soldiers")
    assert TIME_EXPRESSION.search("Fields, age 20, was") and TIME_EXPRESSION.search("a man aged 37")
    assert TIME_EXPRESSION.search("between 12 and 18 years old").group() == "12 and "
    assert not TIME_EXPRESSION.search("between 12 and 18 soldiers")
    assert TIME_EXPRESSION.search("a 12- to 18-month campaign").group() == "12- to "
    assert TIME_EXPRESSION.search("at 10.30 local time") and TIME_EXPRESSION.search("(07.30 UTC)")
    assert not TIME_EXPRESSION.search("10.30 local people") and not TIME_EXPRESSION.search("07.30 units")
    assert TIME_EXPRESSION.search("in her late 40s") and not TIME_EXPRESSION.search("killed 40 soldiers")
    assert TIME_EXPRESSION.search("signed Charter '08 in") and not TIME_EXPRESSION.search("the rebels' 08 unit")
    assert not TIME_EXPRESSION.search("an average 20 people")
    assert TIME_EXPRESSION.search("the Civil War in 1861.") and not TIME_EXPRESSION.search("killed 1861 people")
    assert TIME_EXPRESSION.search("dating back to 1382.") and not TIME_EXPRESSION.search("rose to 1382 deaths")
    assert TIME_EXPRESSION.search("sentences of 42,924 years").group() == "42,924 years"
    assert TIME_EXPRESSION.search("2004 - December\n13: FARC-EP member").group() == "2004"
    assert TIME_EXPRESSION.search("December\n13: FARC-EP member").group() == "13"
    assert not TIME_EXPRESSION.search("they said 13: FARC") and not TIME_EXPRESSION.search("\n13 FARC members")
    assert IDENTIFIER.search("outside gate number 5 of").group() == "gate number 5"
    assert [m.group() for m in IDENTIFIER.finditer('"1. No Coup, 2. Liberty, 3. Democracy"')] == ["1.", "2.", "3."]
    assert not IDENTIFIER.search("they killed 5. The army")


def test_seed_metadata_invents_nothing() -> None:
    meta = CORPUS["cnc-000001"].metadata
    assert (meta.title, meta.source.publisher, meta.source.url, meta.retrieved) == (None, None, None, None)
    assert (meta.published.date, meta.published.precision, meta.published.inferred) == (None, "unknown", False)
    assert meta.license.text == "unknown"


def test_a_time_span_leaves_out_a_preposition_that_only_places_the_event_in_it(doc: Document) -> None:
    """Guidelines 3.5: `began in February` → `February`; bounds (`since 2019`, `until Monday`) keep theirs."""
    for ev in doc.events:
        # TIM-3: a time given by another event keeps its preposition ("during the talks")
        if ev.time is not None and ev.time.span is not None and ev.time.anchor != "event":
            assert not re.match(r"(?:in|on|at) ", ev.time.span.text, flags=re.I), (ev.id, ev.time.span.text)


# Guidelines 2: a body of a state is named after the state and affiliated to it (`Verish army` → Verish Republic).
STATE_BODY = re.compile(r"\b(?:army|military|forces|police|ministry|government|broadcaster)\b", flags=re.I)


def _named_as_a_body(name: str) -> bool:
    """`Verish army`, `Tarvian defence ministry`: a state's name, then lower-case words up to the body's; not a
    proper name that only starts with one (`Syrian Democratic Forces`, a non-state group)."""
    body = STATE_BODY.search(name)
    return body is not None and not any(w[:1].isupper() for w in name[: body.start()].split()[1:])


def test_the_body_heuristic_tells_a_body_from_a_proper_name() -> None:
    assert _named_as_a_body("Verish army") and _named_as_a_body("Tarvian defence ministry")
    assert not _named_as_a_body("Free Tarvian Forces") and not _named_as_a_body("Tarvian Democratic Forces")


def test_a_states_body_is_affiliated_to_the_state_it_is_named_after(doc: Document) -> None:
    states = {e.id: e.name.split()[0][:-1] for e in doc.entities if e.type == "state" and len(e.name) > 3}
    for e in doc.entities:
        if e.type != "state" and _named_as_a_body(e.name):
            owners = [sid for sid, stem in states.items() if e.name.split()[0].startswith(stem)]
            if owners:
                assert e.affiliation in owners, (e.id, e.name, e.affiliation)
