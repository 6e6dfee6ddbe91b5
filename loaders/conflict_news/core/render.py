"""Human-readable views of documents: the text with its annotations marked, and a listing of them."""

from __future__ import annotations

from collections.abc import Iterator

from .model import Document, Event, Figure, Quote, Span


def _marks(doc: Document) -> list[tuple[Span, str, str]]:
    """(span, opening mark, closing mark) for what `show` marks inline: triggers, cues, quote contents, figures."""
    marks: list[tuple[Span, str, str]] = []
    for ev in doc.events:
        marks.append((ev.trigger, "[", f"|{ev.id}]"))
    for q in doc.quotes:
        marks.append((q.cue, "<", f"|{q.id}>"))
        marks.extend((content, "«", f"»{q.id}") for content in q.contents)
    for fig in doc.figures:
        marks.append((fig.span, "{", f"|{fig.id}}}"))
    return marks


def mark_text(doc: Document) -> str:
    """The text with marks inserted; outer spans open before and close after the spans inside them."""
    inserts: list[tuple[int, int, int, str]] = []
    for span, opening, closing in _marks(doc):
        length = span.end - span.start
        inserts.append((span.start, 1, -length, opening))
        inserts.append((span.end, 0, length, closing))
    inserts.sort()
    out, pos = [], 0
    for offset, _, _, mark in inserts:
        out.append(doc.text[pos:offset])
        out.append(mark)
        pos = offset
    out.append(doc.text[pos:])
    return "".join(out)


def _quoted(span: Span | None) -> str:
    return f'"{span.text}" [{span.start}:{span.end}]' if span else "-"


def _describe_event(doc: Document, ev: Event) -> Iterator[str]:
    yield f"  {ev.id:<6} {ev.type:<32} {_quoted(ev.trigger)}  {ev.modality}/{ev.polarity}"
    for arg in ev.arguments:
        yield f"         {arg.role}: {_quoted(arg.span)}" + (f" -> {arg.entity}" if arg.entity else "")
    if ev.location:
        loc = ev.location
        yield f"         location: {_quoted(loc.span)} = {loc.name or '?'} ({loc.country or '?'}, {loc.precision})"
    if ev.time:
        yield f"         time: {_quoted(ev.time.span)} ({ev.time.precision}, relative to {ev.time.anchor})"
    for rel in ev.relations:
        yield f"         {rel.type} {rel.target}"
    figures, quotes = doc.figures_of(ev.id), doc.quotes_reporting(ev.id)
    if figures:
        yield f"         figures: {', '.join(f.id for f in figures)}"
    if quotes:
        yield f"         asserted in: {', '.join(q.id for q in quotes)}"


def _describe_quote(q: Quote) -> Iterator[str]:
    yield f"  {q.id:<6} {q.type:<9} cue {_quoted(q.cue)}  source {_quoted(q.source)}" + (
        f" -> {q.speaker}" if q.speaker else ""
    )
    for content in q.contents:
        yield f"         content: {_quoted(content)}"
    if q.events:
        yield f"         asserts: {', '.join(q.events)}"


def _describe_figure(fig: Figure) -> str:
    bounds = f"[{fig.lower if fig.lower is not None else '-inf'}, {fig.upper if fig.upper is not None else 'inf'}]"
    links = ", ".join(
        f"{k} {v}" for k, v in (("event", fig.event), ("quote", fig.quote), ("claimant", fig.claimant)) if v
    )
    return f"  {fig.id:<6} {_quoted(fig.span)} value={fig.value} {fig.bound} {bounds} {fig.counted or '?'} {fig.property}  {links}"


def render_document(doc: Document) -> str:
    meta = doc.metadata
    lines = [
        f"== {doc.id}  ({meta.language}, {len(doc.text)} code points, sha256 {meta.text_sha256[:12]}…)",
        f"   title: {meta.title or 'unknown'}; publisher: {meta.source.publisher or 'unknown'}; "
        f"published: {meta.published.date or 'unknown'}; text licence: {meta.license.text}",
        "   marks: [event trigger|id]  <quote cue|id>  «quote content»id  {figure|id}",
        "",
        mark_text(doc),
        "",
        f"EVENTS ({len(doc.events)})",
    ]
    for ev in doc.events:
        lines.extend(_describe_event(doc, ev))
    lines.append(f"QUOTES ({len(doc.quotes)})")
    for q in doc.quotes:
        lines.extend(_describe_quote(q))
    lines.append(f"FIGURES ({len(doc.figures)})")
    lines.extend(_describe_figure(fig) for fig in doc.figures)
    lines.append(f"ENTITIES ({len(doc.entities)})")
    for ent in doc.entities:
        qid = f" {ent.wikidata}" if ent.wikidata else ""
        lines.append(f"  {ent.id:<20} {ent.type:<12} {ent.name}{qid}  ({len(ent.mentions)} mentions)")
    return "\n".join(lines) + "\n"
