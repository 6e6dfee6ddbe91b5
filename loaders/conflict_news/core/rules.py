"""The guidelines' rules that one annotation file and its text show broken, each a small function.

They bind gold (annotations/GUIDELINES.md is what annotators follow): an extractor's predictions may
break them, and are scored for what that gets wrong. Each rule reads a `Gold` view of one file and
yields `Finding`s, which AnnotationChecker reports as issues. The checker runs them only on a file
that passes its other checks (ids unique, spans fitting the text, labels known, references resolved,
no relation to itself, no span annotated twice): every rule relies on these, and on a broken file
would only echo the break. What a rule cannot see (a type or a span edge that only meaning settles)
the guidelines list as not checked.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from .taxonomy import Taxonomy

# Quotation marks a direct quote's content sits between (guidelines QUO-3); a content running over a
# paragraph break ends at the break (QUO-4).
QUOTE_MARKS = '“”"«»'


class Finding(NamedTuple):
    """One broken rule: code, JSONPath, annotation id, message, and (note, JSONPath) of a related place."""

    code: str
    path: str
    ann_id: str
    message: str
    related: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class Gold:
    """One sound annotation file with its text and taxonomy, and each event's position by id."""

    ann: dict[str, Any]
    text: str
    tax: Taxonomy
    event_at: dict[str, int]

    @classmethod
    def of(cls, ann: dict[str, Any], text: str, tax: Taxonomy) -> Gold:
        return cls(ann, text, tax, {ev["id"]: i for i, ev in enumerate(ann["events"])})

    def event(self, event_id: str) -> tuple[int, dict[str, Any]]:
        """The position and the event of an id (in a sound file every event id resolves)."""
        i = self.event_at[event_id]
        return i, self.ann["events"][i]


Rule = Callable[[Gold], Iterator[Finding]]


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    return bool(outer["start"] <= inner["start"] and inner["end"] <= outer["end"])


def figure_event(g: Gold) -> Iterator[Finding]:
    """FIG-6: a figure quantifies an event of a type its property can count (taxonomy.figure_events)."""
    for i, fig in enumerate(g.ann["figures"]):
        if fig["event"] is None:
            continue
        (k, ev), prop = g.event(fig["event"]), fig["property"]
        if not g.tax.figure_takes(prop, ev["type"]):
            yield Finding(
                "figure-event-mismatch", f"$.figures[{i}].event", fig["id"],
                f"a {prop!r} figure cannot quantify {ev['id']}, a {ev['type']} (taxonomy.figure_events)",
                ("the event at", f"$.events[{k}]"),
            )  # fmt: skip


def _relations(g: Gold) -> Iterator[tuple[int, dict[str, Any], int, dict[str, Any], int, dict[str, Any]]]:
    """(i, event, j, relation, k, target) for every event relation: where it is stored, and its target."""
    for i, ev in enumerate(g.ann["events"]):
        for j, rel in enumerate(ev["relations"]):
            yield i, ev, j, rel, *g.event(rel["target"])


def relation_pair(g: Gold) -> Iterator[Finding]:
    """REL-5: a relation links the types taxonomy.relation_pairs allows (same_as within a category)."""
    for i, ev, j, rel, k, target in _relations(g):
        if not g.tax.relation_pairs[rel["type"]].allows(ev["type"], target["type"]):
            yield Finding(
                "relation-pair-not-allowed", f"$.events[{i}].relations[{j}]", ev["id"],
                f"{rel['type']} cannot link a {ev['type']} to {target['id']}, a {target['type']} (taxonomy.relation_pairs)",
                ("the target at", f"$.events[{k}]"),
            )  # fmt: skip


def relation_order(g: Gold) -> Iterator[Finding]:
    """REL-2: a relation whose target is an earlier mention (same_as) is stored on the later one."""
    for i, ev, j, rel, k, target in _relations(g):
        if (
            g.tax.relation_pairs[rel["type"]].target == "earlier"
            and target["trigger"]["start"] >= ev["trigger"]["start"]
        ):
            yield Finding(
                "relation-target-not-earlier", f"$.events[{i}].relations[{j}].target", ev["id"],
                f"{rel['type']} points to {target['id']}, whose trigger does not start before this one's; "
                "store it on the later mention, pointing back",
                ("the target at", f"$.events[{k}]"),
            )  # fmt: skip


def relation_cycle(g: Gold) -> Iterator[Finding]:
    """REL-5: a chain of one relation never comes back to where it started (A subevent_of B subevent_of A)."""
    for name in g.tax.relation_pairs:
        edges: dict[int, list[tuple[int, int]]] = {}
        for i, _, j, rel, k, _ in _relations(g):
            if rel["type"] == name:
                edges.setdefault(i, []).append((j, k))
        for i, j, path in _back_edges(edges):
            ids = " -> ".join(g.ann["events"][n]["id"] for n in path)
            yield Finding(
                "relation-cycle", f"$.events[{i}].relations[{j}]", g.ann["events"][i]["id"],
                f"{name} leads back to where it started: {ids}",
            )  # fmt: skip


def _back_edges(edges: dict[int, list[tuple[int, int]]]) -> Iterator[tuple[int, int, list[int]]]:
    """(event, relation index, the cycle it closes) for each edge that closes a cycle, by depth-first search
    from each event in file order; a cycle is reported once, at the relation that closes it."""
    done: set[int] = set()
    for root in sorted(edges):
        if root in done:
            continue
        stack: list[tuple[int, Iterator[tuple[int, int]]]] = [(root, iter(edges.get(root, [])))]
        on_path = [root]
        while stack:
            node, todo = stack[-1]
            step = next(todo, None)
            if step is None:
                stack.pop()
                on_path.pop()
                done.add(node)
                continue
            j, nxt = step
            if nxt in on_path:
                yield node, j, [*on_path[on_path.index(nxt) :], nxt]
            elif nxt not in done:
                stack.append((nxt, iter(edges.get(nxt, []))))
                on_path.append(nxt)


def trigger_overlap(g: Gold) -> Iterator[Finding]:
    """TRG-1: two triggers never overlap (two events of one type on one span are duplicate-annotation's)."""
    order = sorted(range(len(g.ann["events"])), key=lambda i: (g.ann["events"][i]["trigger"]["start"], i))
    reach: int | None = None  # the earlier trigger that reaches furthest
    for i in order:
        ev = g.ann["events"][i]
        if reach is not None:
            other = g.ann["events"][reach]
            same = (other["type"], other["trigger"]["start"], other["trigger"]["end"]) == (
                ev["type"], ev["trigger"]["start"], ev["trigger"]["end"],
            )  # fmt: skip
            if other["trigger"]["end"] > ev["trigger"]["start"] and not same:
                yield Finding(
                    "trigger-overlap", f"$.events[{i}].trigger", ev["id"],
                    f"trigger {ev['trigger']['start']}-{ev['trigger']['end']} overlaps {other['id']}'s "
                    f"{other['trigger']['start']}-{other['trigger']['end']}",
                    ("the other trigger at", f"$.events[{reach}].trigger"),
                )  # fmt: skip
        if reach is None or ev["trigger"]["end"] > g.ann["events"][reach]["trigger"]["end"]:
            reach = i


def mention_unique(g: Gold) -> Iterator[Finding]:
    """ENT-2: a span belongs to one entity only, as one mention."""
    seen: dict[tuple[int, int], tuple[str, str]] = {}
    for i, ent in enumerate(g.ann["entities"]):
        for j, m in enumerate(ent["mentions"]):
            key, at = (m["start"], m["end"]), f"$.entities[{i}].mentions[{j}]"
            if key in seen:
                owner, first = seen[key]
                yield Finding(
                    "mention-not-unique", at, ent["id"],
                    f"span {key[0]}-{key[1]} is already a mention of {owner}", ("first at", first),
                )  # fmt: skip
            seen.setdefault(key, (ent["id"], at))


def entity_in_span(g: Gold) -> Iterator[Finding]:
    """ARG-2: an argument or a quote source that carries an entity id contains a mention of that entity."""
    mentions = {ent["id"]: (i, ent["mentions"]) for i, ent in enumerate(g.ann["entities"])}
    sites = [
        (f"$.events[{i}].arguments[{j}].entity", ev["id"], arg["entity"], arg["span"])
        for i, ev in enumerate(g.ann["events"])
        for j, arg in enumerate(ev["arguments"])
    ]
    sites += [(f"$.quotes[{i}].speaker", q["id"], q["speaker"], q["source"]) for i, q in enumerate(g.ann["quotes"])]
    for at, owner, entity, span in sites:
        if entity is not None and span is not None and not any(_inside(m, span) for m in mentions[entity][1]):
            yield Finding(
                "entity-not-in-span", at, owner,
                f"span {span['start']}-{span['end']} contains no mention of {entity}",
                ("its mentions at", f"$.entities[{mentions[entity][0]}].mentions"),
            )  # fmt: skip


# Spaces that may stand between a quotation mark and the words it encloses (not line breaks).
INNER_SPACE = " \t\u00a0"
# Single quotation marks, as British usage writes a quotation ('We need more witnesses'). The straight one is
# also the apostrophe, so a single mark counts only where it opens or closes words, never inside one.
SINGLE_OPEN, SINGLE_CLOSE = "'\u2018", "'\u2019"
SINGLE_FRAGMENT = re.compile(r"(?<!\w)['\u2018][^'\u2018\u2019\n]+['\u2019](?!\w)")


def _single_opened(text: str, start: int) -> bool:
    """A single mark just before `start` that opens: nothing of a word before it (not `rebels' leader`)."""
    return start > 0 and text[start - 1] in SINGLE_OPEN and (start < 2 or not text[start - 2].isalnum())


def _single_closed(text: str, end: int) -> bool:
    """A single mark at `end` that closes: nothing of a word after it (not the `'` of `don't`)."""
    return end < len(text) and text[end] in SINGLE_CLOSE and (end + 1 == len(text) or not text[end + 1].isalnum())


def _marks_fit(g: Gold, qtype: str, content: dict[str, Any]) -> str:
    """What is wrong with a content's quotation marks for its quote type, or ''."""
    marked = any(m in content["text"] for m in QUOTE_MARKS)
    if qtype == "direct":
        # QUO-3 with GEN-2: exactly what the marks enclose, less the spaces a text may leave inside them ('" The')
        start, end = content["start"], content["end"]
        while start > 0 and g.text[start - 1] in INNER_SPACE:
            start -= 1
        while end < len(g.text) and g.text[end] in INNER_SPACE:
            end += 1
        # a text may close with another mark than it opened with: an inner quotation ending where the outer one
        # does ('"... 'Let's finish this first."') or a typo ('"... »')
        opened = (start > 0 and g.text[start - 1] in QUOTE_MARKS) or _single_opened(g.text, start)
        closed = end == len(g.text) or g.text[end] in QUOTE_MARKS + "\r\n" or _single_closed(g.text, end)
        # a quotation inside the quotation (QUO-3: what the marks enclose, inner marks and all) is in pairs
        inner = content["text"]
        paired = inner.count('"') % 2 == 0 and inner.count("“") == inner.count("”")
        fits = opened and closed and (not marked or paired)
        return "" if fits else "is not exactly the text between quotation marks"
    if qtype == "mixed":
        text = content["text"]  # curly marks, or straight ones as most Wikinews texts write them, or single ones
        quoted = ("“" in text and "”" in text) or text.count('"') >= 2 or SINGLE_FRAGMENT.search(text) is not None
        return "" if quoted else "holds no fragment in quotation marks"
    return "contains a quotation mark" if marked else ""  # indirect


def quote_marks(g: Gold) -> Iterator[Finding]:
    """QUO-3, QUO-4: a direct content is exactly the text between quotation marks, a mixed quote holds a
    quoted fragment (in one of its contents, when the quotation is cut in pieces), an indirect one no mark."""
    for i, q in enumerate(g.ann["quotes"]):
        pieces = [_marks_fit(g, q["type"], content) for content in q["contents"]]
        if q["type"] == "mixed" and "" in pieces:
            continue
        for j, wrong in enumerate(pieces):
            if wrong:
                yield Finding(
                    "quote-marks-mismatch", f"$.quotes[{i}].contents[{j}]", q["id"], f"a {q['type']} content {wrong}"
                )


def quote_events(g: Gold) -> Iterator[Finding]:
    """QUO-7: a quote's `events` lists exactly the events whose triggers lie inside its contents."""
    # Triggers by start, so that a content's triggers are a slice, not a pass over every event per quote.
    events = g.ann["events"]
    by_start = sorted(range(len(events)), key=lambda k: events[k]["trigger"]["start"])
    starts = [events[k]["trigger"]["start"] for k in by_start]
    for i, q in enumerate(g.ann["quotes"]):
        found = {
            k
            for c in q["contents"]
            for k in by_start[bisect_left(starts, c["start"]) : bisect_right(starts, c["end"])]
            if events[k]["trigger"]["end"] <= c["end"]
        }
        inside = [events[k]["id"] for k in sorted(found)]
        for k, event_id in enumerate(q["events"]):
            if event_id not in inside:
                yield Finding(
                    "quote-events-mismatch", f"$.quotes[{i}].events[{k}]", q["id"],
                    f"lists {event_id}, whose trigger is outside the quote's contents",
                )  # fmt: skip
        for event_id in inside:
            if event_id not in q["events"]:
                yield Finding(
                    "quote-events-mismatch", f"$.quotes[{i}].events", q["id"],
                    f"does not list {event_id}, whose trigger is inside the quote's contents",
                    ("the event at", f"$.events[{g.event_at[event_id]}]"),
                )  # fmt: skip


def figure_quote(g: Gold) -> Iterator[Finding]:
    """FIG-7: a figure inside a quote's content names that quote and its speaker; one outside every content
    names none."""
    quotes = {q["id"]: q for q in g.ann["quotes"]}
    for i, fig in enumerate(g.ann["figures"]):
        holders = [q["id"] for q in g.ann["quotes"] if any(_inside(fig["span"], c) for c in q["contents"])]
        named = fig["quote"]
        if named is None and holders:
            yield Finding(
                "figure-quote-mismatch", f"$.figures[{i}].quote", fig["id"],
                f"lies inside the content of {' and '.join(holders)} but names no quote",
            )  # fmt: skip
        elif named is not None and named not in holders:
            yield Finding(
                "figure-quote-mismatch", f"$.figures[{i}].quote", fig["id"],
                f"names {named} but lies outside its contents",
            )  # fmt: skip
        elif named is not None and fig["claimant"] != quotes[named]["speaker"]:
            yield Finding(
                "figure-quote-mismatch", f"$.figures[{i}].claimant", fig["id"],
                f"claimant {fig['claimant']} is not the speaker of {named}, {quotes[named]['speaker']}",
            )  # fmt: skip


def counted_span(g: Gold) -> Iterator[Finding]:
    """FIG-4: a figure's counted_span spells its `counted`."""
    for i, fig in enumerate(g.ann["figures"]):
        span = fig["counted_span"]
        if span is not None and span["text"] != fig["counted"]:
            yield Finding(
                "counted-span-mismatch", f"$.figures[{i}].counted", fig["id"],
                f"counted {fig['counted']!r} but counted_span reads {span['text']!r}",
            )  # fmt: skip


def anchor_event(g: Gold) -> Iterator[Finding]:
    """TIM-1: a time anchored to an event names, as anchor_event, another event it counts from."""
    for i, ev in enumerate(g.ann["events"]):
        time = ev["time"]
        if time is not None and time["anchor"] == "event" and time.get("anchor_event") in (None, ev["id"]):
            yield Finding(
                "anchor-event-missing", f"$.events[{i}].time.anchor", ev["id"],
                "a time anchored to an event names no other event as its anchor_event",
            )  # fmt: skip


# In the order of the guidelines' layers: events and relations, entities, quotes, figures.
GOLD_RULES: tuple[Rule, ...] = (
    trigger_overlap,
    relation_pair,
    relation_order,
    relation_cycle,
    anchor_event,
    mention_unique,
    entity_in_span,
    quote_marks,
    quote_events,
    figure_quote,
    figure_event,
    counted_span,
)
