"""Quotes: who (source) says (cue) what (contents), found with the reporting language of news.

- direct: text in quotation marks with a cue before it (`said: “…”`) or after it (`,” Koval said`); a
  quotation that runs over a paragraph break, or continues after its attribution without a cue of its
  own, is one quote with a content per piece (annotations/GUIDELINES.md §6.10);
- mixed: a paraphrase after a cue that holds a verbatim fragment in quotation marks;
- indirect: a reporting verb (matched by lemma) with its complement clause after it (`told reporters
  that …`), or after the content (`…, the ministry said.`, `…, said Mira Tann.`), `according to X`,
  and `quoted X as saying …`.
The source is the noun phrase naming the speaker, found past titles, datelines and appositions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .lexicon import Token, within

REPORTING = {
    "say", "tell", "add", "state", "announce", "claim", "accuse", "maintain", "emphasize", "stress", "hint",
    "believe", "warn", "insist", "argue", "note", "express", "promise", "deny", "urge", "confirm",
    "report", "explain", "allege", "acknowledge", "admit", "predict", "write", "quote", "describe",
}  # fmt: skip
# Cues whose object comes before the complement: "told reporters that …"
OBJECT_FIRST = {"tell", "warn", "assure", "inform"}
# A reporting word after these is a noun ("a claim", "the report"), not a cue.
NOUN_MARKERS = {"a", "an", "the", "this", "that", "his", "her", "their", "its", "whose", "no"}
AUXILIARIES = {"has", "have", "had", "also", "is", "was", "will", "would", "then", "later", "again", "reportedly"}
LEADING = {"and", "but", "meanwhile", "however", "while", "as", "with"}
OPENING, CLOSING = '“"', '”"'
_SENTENCE_END = re.compile(r"[.!?…][”\"\u2019]?(?=\s|$)|\r?\n")
# A dateline ends a wire report's first "sentence": "BRASK, Karvia (Northline Wire) — ".
_DATELINE = re.compile(r"^[A-Z][A-Z .'\u2019-]+,[^\n—\u2013]{0,60}?\s[—\u2013-]\s", re.M)
_CLAUSE_BREAK = re.compile(
    r",?\s+(?:but|while|whereas|although)\s|,\s+(?:saying|adding|according\s+to|a\s+claim)\b|[.;!?…](?=[\s”\"]|$)|\r?\n"
)
_TIME_TAIL = re.compile(
    r"\s+(?:on|in|at|by|after|before|during|late|early)\b.*$|\s+(?:today|yesterday|tonight|overnight)\b.*$"
)
_CLOSE = re.compile(r"[”\"]|\r?\n")


@dataclass(slots=True)
class Found:
    type: str
    cue: tuple[int, int]
    source: tuple[int, int] | None
    contents: list[tuple[int, int]] = field(default_factory=list)


class Sentences:
    """Sentence boundaries of one text (datelines and line breaks end one too), looked up by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = [m.span() for m in _SENTENCE_END.finditer(text)]
        breaks += [(m.end() - 1, m.end()) for m in _DATELINE.finditer(text)]
        breaks.sort()
        self.starts, self.ends = [b[0] for b in breaks], [b[1] for b in breaks]

    def bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding `offset`; the start skips whitespace, the end is its last mark."""
        before = bisect.bisect_right(self.ends, offset)
        start = self.ends[before - 1] if before else 0
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        bullet = re.match(r"[-*•\u2013]\s+", self.text[start:])
        start += bullet.end() if bullet else 0
        after = bisect.bisect_left(self.starts, offset)
        return start, self.starts[after] if after < len(self.starts) else len(self.text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,:;\u00a0\t":
        start += 1
    while end > start and text[end - 1] in " ,:;\u00a0\t\r\n":
        end -= 1
    return start, end


class QuoteFinder:
    """Finds the quotes of one text; construct, then call run()."""

    def __init__(self, text: str, tokens: list[Token], starts: list[int], sentences: Sentences) -> None:
        self.text, self.tokens, self.starts, self.sentences = text, tokens, starts, sentences
        self.quotes: list[Found] = []
        self.used: list[tuple[int, int]] = []  # cue and content spans already part of a quote

    def run(self) -> list[Found]:
        self.find_direct()
        self.find_indirect()
        return sorted(self.quotes, key=lambda q: q.cue[0])

    def is_used(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.used)

    def add(self, found: Found) -> None:
        self.quotes.append(found)
        self.used += [found.cue, *found.contents]

    # direct and mixed ---------------------------------------------------------------------------

    def pieces(self) -> list[tuple[int, int, int, bool]]:
        """(mark, content start, content end, closed) of every quotation, cut at paragraph ends."""
        found: list[tuple[int, int, int, bool]] = []
        for m in re.finditer(r"[“\"]", self.text):
            i = m.start()
            if (
                self.text[i] == '"'
                and i
                and not self.text[i - 1].isspace()
                and self.text[i - 1] not in "(\u2014\u2013-"
            ):
                continue  # a straight closing mark
            if any(s <= i < e for _, s, e, _ in found):
                continue
            close = _CLOSE.search(self.text, i + 1)
            end = close.start() if close else len(self.text)
            closed = close is not None and close.group() in CLOSING
            start, stop = i + 1, end
            # real reporting opens quotations with a space now and then (`" The rebels…`): a span never has one at an edge
            while start < stop and self.text[start].isspace():
                start += 1
            while stop > start and self.text[stop - 1].isspace():
                stop -= 1
            found.append((i, start, stop, closed))
        return found

    def find_direct(self) -> None:
        last: Found | None = None
        last_end = -1
        for mark, start, end, closed in self.pieces():
            after = end + 1 if closed else end
            words = len(re.findall(r"\w+", self.text[start:end]))
            cue_after = self.cue_after(after) if closed else None
            cue_before = self.cue_before(mark)
            if cue_before is not None and self.text[cue_before[0][1] : mark].strip(" ,:"):
                self.add_mixed(cue_before, mark, after)
                last, last_end = None, after
                continue
            if cue_before is None and cue_after is None:
                # no cue of its own: a continuation of the quotation just before (same or next paragraph)
                between = self.text[last_end:mark]
                opens_sentence = not self.text[self.sentences.bounds(mark)[0] : mark].strip()
                near = len(re.findall(r"\w+", between)) <= 12 and between.count("\n") <= 2
                if last is not None and words >= 2 and opens_sentence and near:
                    last.contents.append((start, end))
                    self.used.append((start, end))
                    last_end = after
                continue
            if words < 3 and cue_after is None and cue_before is None:
                continue
            cue, source = cue_before or cue_after  # type: ignore[misc]
            last = Found("direct", cue, source, [(start, end)])
            self.add(last)
            last_end = after if cue_before else self.sentences.bounds(after)[1]

    def cue_after(self, offset: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        """`,” Koval said`, `,” said Mira Tann`: a reporting verb among the eight words after the closing mark."""
        sentence_end = self.sentences.bounds(offset)[1] if offset < len(self.text) else offset
        tail = within(self.tokens, self.starts, offset, sentence_end)[:8]
        if not tail or self.text[offset : tail[0].start].strip(" ,.\u00a0") not in ("", "—", "\u2013"):
            return None
        for k, tok in enumerate(tail):
            if tok.lemma in REPORTING and tok.lower not in ("claims", "report", "reports"):
                if k == 0:
                    return (tok.start, tok.end), self.noun_phrase_after(tok.end)
                return (tok.start, tok.end), _trim(self.text, offset, tail[k - 1].end)
        return None

    def cue_before(self, mark: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        """`Koval said, “…`, or a cue whose complement holds the quotation (mixed)."""
        start = self.sentences.bounds(mark)[0]
        lead = within(self.tokens, self.starts, start, mark)
        for k in range(len(lead) - 1, -1, -1):
            tok = lead[k]
            if any(c in self.text[tok.end : mark] for c in OPENING + CLOSING):
                return None
            if tok.lemma in REPORTING and not self.is_used(tok.start, tok.end):
                return (tok.start, tok.end), self.source_before(tok.start)
        return None

    def add_mixed(self, cue: tuple[tuple[int, int], tuple[int, int] | None], mark: int, after: int) -> None:
        (cue_span, source) = cue
        start = self.complement_start(cue_span)
        end = after
        rest = self.text[after:]
        # the paraphrase may go on after the fragment ("bore “all the signs” of the Army, which …")
        if re.match(r"\s+(?:of|to|for|in|on|at|from|with|against|about|over)\b", rest):
            brk = _CLAUSE_BREAK.search(self.text, after)
            comma = self.text.find(",", after)
            stops = [p for p in (brk.start() if brk else None, comma) if p is not None and p >= after]
            end = min(stops) if stops else len(self.text)
        self.add(Found("mixed", cue_span, source, [_trim(self.text, start, end)]))

    # indirect -----------------------------------------------------------------------------------

    def find_indirect(self) -> None:
        toks = self.tokens
        for k, tok in enumerate(toks):
            if self.is_used(tok.start, tok.end):
                continue
            if tok.lower == "according" and k + 1 < len(toks) and toks[k + 1].lower == "to":
                self.according_to(tok.start, toks[k + 1].end)
            elif tok.lower == "quoted" and tok.lemma == "quote":
                self.quoted_as_saying(k)
            elif (
                tok.lemma in REPORTING
                and not (k and toks[k - 1].lower in NOUN_MARKERS)
                # capitalised inside a sentence, a name's word: `Secretary of State` (rules 2.0.3)
                and not (tok.text[0].isupper() and self.sentences.bounds(tok.start)[0] != tok.start)
                and not (
                    k + 1 < len(toks) and toks[k + 1].lower == "of"  # "reports of attacks": a noun
                )
            ):
                self.reporting_verb(k)

    def according_to(self, start: int, end: int) -> None:
        s_start, s_end = self.sentences.bounds(start)
        source = self.noun_phrase_after(end)
        if source is None:
            return
        before = self.text[s_start:start]
        if before.strip(" ,"):  # "CONTENT, according to X." (the last clause, after ", but")
            breaks = [m.end() for m in re.finditer(r",\s+(?:but|while|and)\s+|;\s+", before)]
            content = _trim(self.text, s_start + (breaks[-1] if breaks else 0), start)
        else:  # "According to X, CONTENT."
            comma = self.text.find(",", source[1], s_end)
            if comma < 0:
                return
            content = _trim(self.text, comma + 1, s_end)
        if content[1] - content[0] > 3 and not any(c in self.text[content[0] : content[1]] for c in OPENING + CLOSING):
            self.add(Found("indirect", (start, end), source, [content]))

    def quoted_as_saying(self, k: int) -> None:
        toks = self.tokens
        for j in range(k + 1, min(k + 10, len(toks) - 1)):
            if toks[j].lower == "as" and toks[j + 1].lower == "saying":
                source = _trim(self.text, toks[k].end, toks[j].start)
                cue = (toks[k].start, toks[k].end)
                content_start = self.complement_start((toks[j + 1].start, toks[j + 1].end))
                self.add_complement(cue, source, content_start)
                return

    def reporting_verb(self, k: int) -> None:
        tok = self.tokens[k]
        cue = (tok.start, tok.end)
        s_start, s_end = self.sentences.bounds(tok.start)
        after = self.text[tok.end : s_end]
        if re.match(r"\s*[,:]?\s*[“\"]", after):
            return  # a direct quotation follows: found as direct, or a name in marks
        short_tail = len(after.split()) <= 6 and _TIME_TAIL.fullmatch(after.rstrip("."))
        if re.fullmatch(r"[\s,.]*", self.text[tok.end : s_end + 1]) or short_tail:
            self.content_before(cue, s_start, None)  # "…, the ministry said."
            return
        np_after = self.noun_phrase_after(tok.end)
        if np_after and self.text[tok.start - 2 : tok.start] == ", ":  # "…, said Mira Tann."
            rest = self.text[np_after[1] : s_end]
            if re.fullmatch(r"[\s,]*(?:(?:a|an|the)\s[^,.]*)?[\s,.]*", rest) or not rest.strip(" ,."):
                self.content_before(cue, s_start, np_after)
                return
        source = self.source_before(tok.start)
        self.add_complement(cue, source, self.complement_start(cue))

    def content_before(self, cue: tuple[int, int], s_start: int, source: tuple[int, int] | None) -> None:
        """`CONTENT, SOURCE said` or `CONTENT, said SOURCE`: the content runs from the sentence start to the comma."""
        comma = self.text.rfind(",", s_start, cue[0])
        if comma < 0:
            return
        if source is None:
            source = _trim(self.text, comma + 1, cue[0])
            source = self.strip_auxiliaries(source)
        content = _trim(self.text, s_start, comma)
        piece = self.text[content[0] : content[1]]
        if len(re.findall(r"\w+", piece)) < 3 or any(c in piece for c in OPENING + CLOSING):
            return
        self.add(Found("indirect", cue, source if source[1] > source[0] else None, [content]))

    def complement_start(self, cue: tuple[int, int]) -> int:
        """Where a cue's complement starts: after `that`, `to`, `at`, `of`-less objects of `told`."""
        end = cue[1]
        word = self.text[cue[0] : cue[1]].lower()
        rest = self.text[end:]
        told = re.match(r"\s+(?:[\w\u2019'-]+\s+){0,4}?that\s+", rest)
        if told and (word.startswith(("told", "tell", "warn")) or re.match(r"\s+(?:in|on|at|after)\b", rest)):
            return end + told.end()
        skipped = re.match(r"\s+(?:that|at|to)\s+", rest)
        return end + skipped.end() if skipped else end + len(rest) - len(rest.lstrip())

    def add_complement(self, cue: tuple[int, int], source: tuple[int, int] | None, start: int) -> None:
        brk = _CLAUSE_BREAK.search(self.text, start)
        end = brk.start() if brk else len(self.text)
        start, end = _trim(self.text, start, end)
        piece = self.text[start:end]
        if len(re.findall(r"\w+", piece)) < 2 or self.is_used(start, end):
            return
        qtype = "mixed" if any(c in piece for c in OPENING) and any(c in piece for c in CLOSING) else "indirect"
        if qtype == "indirect" and any(c in piece for c in OPENING + CLOSING):
            return
        self.add(Found(qtype, cue, source, [(start, end)]))

    # sources ------------------------------------------------------------------------------------

    def strip_auxiliaries(self, span: tuple[int, int]) -> tuple[int, int]:
        """Without auxiliaries before the cue (`has also said`) and connectives before the subject (`and`, `but`)."""
        start, end = span
        words = [(start + m.start(), start + m.end()) for m in re.finditer(r"[\w\u2019'-]+", self.text[start:end])]
        while words and self.text[words[-1][0] : words[-1][1]].lower() in AUXILIARIES:
            words.pop()
        while words and self.text[words[0][0] : words[0][1]].lower() in LEADING:
            words.pop(0)
        if not words:
            return start, start
        last = words[-1][1]
        closes = self.text.startswith(")", last) and "(" in self.text[words[0][0] : last]
        return words[0][0], last + 1 if closes else last

    def source_before(self, cue_start: int) -> tuple[int, int] | None:
        """The noun phrase before a cue: back to the clause start; past an apposition to the name.

        A participle after a comma (`, adding that`) shares its source with the quote before it in the
        sentence; `quoted X as saying` has X; a verb coordinated with an earlier one (`blamed …, and
        warned`) has the sentence's subject.
        """
        s_start = self.sentences.bounds(cue_start)[0]
        lead = self.text[s_start:cue_start]
        quoted = re.search(r"\bquoted\s+(.+?)\s+as\s*$", lead)
        if quoted:
            return _trim(self.text, s_start + quoted.start(1), s_start + quoted.end(1))
        participle = re.search(r",\s*$", lead) and re.match(r"\w+ing\b", self.text[cue_start:])
        if participle:
            earlier = [q for q in self.quotes if s_start <= q.cue[0] < cue_start and q.source]
            if earlier:
                return earlier[-1].source
        if participle or re.search(r"(?:,\s*|\s)and\s*$", lead):
            # the sentence's subject: its first name, past a leading adverb ("Meanwhile, Trump …")
            subject = re.match(r"(?:[A-Z]\w+,\s+)?((?:[A-Z][\w\u2019'.-]*\s+)*[A-Z][\w\u2019'.-]*)", lead)
            if subject and subject.group(1).split()[0].lower() not in NOUN_MARKERS | {"in", "on", "at", "after"}:
                return s_start + subject.start(1), s_start + subject.end(1)
        stops = [m.end() for m in re.finditer(r",|;|\s(?:and|but|while)\s|[”\"]", self.text[s_start:cue_start])]
        begin = s_start + (stops[-1] if stops else 0)
        span = self.strip_auxiliaries((begin, cue_start))
        if span[1] <= span[0] and len(stops) >= 2:
            # "Ostmark's deputy foreign minister, Ivo Rask, said": the apposed name
            span = self.strip_auxiliaries((s_start + stops[-2], s_start + stops[-1] - 1))
            if span[1] > span[0] and self.text[span[0]].islower():
                # "Anna Matveeva, a research fellow, believes": the name before the description
                begin = s_start + stops[-3] if len(stops) >= 3 else s_start
                span = self.strip_auxiliaries((begin, s_start + stops[-2] - 1))
        words = re.findall(r"[\w\u2019'-]+", self.text[span[0] : span[1]])
        if not words or len(words) > 9:
            return None
        return span

    def noun_phrase_after(self, offset: int) -> tuple[int, int] | None:
        """The noun phrase after `said` or `according to`, up to a comma, a relative pronoun or a time adjunct."""
        m = re.match(r"\s+([^,.;:\n“”\"]+)", self.text[offset:])
        if m is None:
            return None
        phrase = re.split(r"\s+(?:who|which|that|whose|as|in|on|at|by|after|to)\b", m.group(1))[0]
        start = offset + m.start(1)
        span = _trim(self.text, start, start + len(phrase))
        words = re.findall(r"[\w\u2019'-]+", self.text[span[0] : span[1]])
        return span if words and len(words) <= 9 else None
