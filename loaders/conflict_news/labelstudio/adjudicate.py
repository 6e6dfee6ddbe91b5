"""Adjudication of a double-annotated Label Studio project (the rules are core.adjudication's).

Per task annotated by two or more annotators (cancelled annotations and drafts do not count): every
item on which all their versions agree is accepted; when every item agrees, that is the gold. When
some differ, the task goes to a review project as a review task: the same text, a line per
conflicting item, and predictions. Label Studio cannot copy a region from one prediction to another,
so the reviewer starts from one merged prediction (model_version MERGED, the review project's, so
that *Label All Tasks* opens it): every agreed item once, and every conflicting item once per
annotator who has it, each of its regions marked with that annotator (region id `<id>‖<n>`, n the
annotator's place in the task's `annotators`, which the review config underlines by, and the
annotator's name in the region's meta). Reviewing is deleting the wrong sides. A link to a
conflicting item goes to every side of it, so that whichever side stays keeps the link. Each
annotator's own version is there too, as a prediction named by the annotator, to compare.

The reviewer's result is read back with the marks taken off (unmark), each side's items known by the
keys the review task was made with (its data's `sides`), not by the versions as the export has them
later, which an annotator may have edited since. Both sides of one item left in it are refused
(`ls-review-both-sides`): after the marks are gone they would be one item twice (an entity with
every mention doubled, two events on one trigger), which is a side left by mistake far more often
than a wanted duplicate; to keep a second item on one anchor the reviewer draws it. Two kept sides
that are different items which happen to carry one id (an id is only unique within one annotator's
version) are both kept, the side of the higher number renamed `<id>-<n>`; two kept sides that
overlap are kept with a warning (often one item drawn two ways). A time's anchor event is a text,
not a link: the merged prediction names an agreed event by the first version's id and a conflicting
one by the side's mark (`ev2‖1`), and unmark names the side of that event the reviewer kept, or
refuses an anchor whose event has no side left (`ls-review-anchor-lost`).

Provenance per item: an agreed item names every annotator and no adjudicator; an item the reviewer
settled names the annotators whose version of it the reviewer kept (or the reviewer, when none did)
and the reviewer as adjudicator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.adjudication import Versions, aligned, gold_file, settle, settled_provenance, split_items
from ..core.conflicts import describe_conflict
from ..core.errors import Issue
from ..core.guidelines import guidelines_version
from ..core.items import Key, item_keys
from ..core.store import RawDocument, read_document
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.validate import check_document
from .config import SEP, SIDE_MARK, region_id, wire_id
from .importer import convert_annotation
from .tasks import build_result
from .users import annotator_email

Results = dict[str, list[dict[str, Any]]]  # annotator -> their Label Studio result

# The model_version of a review task's merged prediction, and the review project's.
MERGED = "conflict-news review: every version"
# Between a region's id and the number of the annotator whose side of a conflicting item it is: a
# character that is not ASCII, as Label Studio's CSS class from the region id needs (config.wire_id);
# the review config underlines each side by it.
SIDE = SIDE_MARK
# A time's anchor event: an event's id in a text field, which the merge and unmark rename as a link.
ANCHOR_EVENT = "time_anchor_event"


@dataclass(slots=True, kw_only=True)
class Adjudication:
    gold: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> annotation file to write
    review: list[dict[str, Any]] = field(default_factory=list)  # review tasks to push
    agreed: dict[str, int] = field(default_factory=dict)  # doc_id -> items accepted as agreed
    conflicts: dict[str, int] = field(default_factory=dict)  # doc_id -> items left to the reviewer
    waiting: list[str] = field(default_factory=list)  # documents with fewer annotators than required
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what a review kept that may be a mistake; not refused


def _versions(
    task: dict[str, Any], users: dict[int, str], tax: Taxonomy, at: str, issues: list[Issue]
) -> tuple[Versions, Results]:
    text = task["data"]["text"]
    versions: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for j, annotation in enumerate(task.get("annotations") or []):
        if annotation.get("was_cancelled"):
            continue
        result = annotation.get("result") or []
        layers, found = convert_annotation(result, text, tax, "export", f"{at}.annotations[{j}]")
        who = annotator_email(annotation, users)
        if who is None:
            found.append(_unknown(annotation, f"{at}.annotations[{j}]", "export"))
        issues += found
        # One version per annotator: the latest they submitted.
        versions[str(who)] = (layers, result)
    ordered = sorted(versions.items())
    return aligned({who: layers for who, (layers, _) in ordered}), {who: result for who, (_, result) in ordered}


def _unknown(annotation: dict[str, Any], at: str, file: str) -> Issue:
    return Issue(code="ls-annotator-unknown", file=file, path=f"{at}.completed_by",
                 message=f"annotator {annotation.get('completed_by')!r} is not a user of the server")  # fmt: skip


def _gold(doc: RawDocument, layers: dict[str, Any], items: list[dict[str, Any]], fallback: str) -> dict[str, Any]:
    guidelines = ((doc.annotation or {}).get("provenance") or {}).get("guidelines") or guidelines_version()
    return gold_file(doc.doc_id, str(doc.text), layers, items, guidelines, fallback)


def adjudicate(
    root: Path,
    export: list[dict[str, Any]],
    reviews: list[dict[str, Any]],
    users: dict[int, str],
    min_annotators: int = 2,
    tax: Taxonomy | None = None,
) -> Adjudication:
    """Gold for every document whose annotators agree or whose review is done; review tasks for the rest
    (those already in `reviews`, the review project's export, are not sent again)."""
    tax = tax or load_taxonomy()
    out = Adjudication()
    reviewed: dict[str, tuple[dict[str, Any], str]] = {}  # doc_id -> its final review annotation and where it is
    pending_review: set[str] = set()
    for i, task in enumerate(reviews):
        doc_id = str(task["data"].get("doc_id"))
        pending_review.add(doc_id)
        done = [j for j, a in enumerate(task.get("annotations") or []) if not a.get("was_cancelled")]
        if done:
            reviewed[doc_id] = (
                task["annotations"][done[-1]] | {"data": task["data"]},
                f"$[{i}].annotations[{done[-1]}]",
            )
    unused = dict.fromkeys(reviewed, "its document is not in the export")  # doc_id -> why its review is not read
    for i, task in enumerate(export):
        doc_id = str(task["data"].get("doc_id"))
        unused.pop(doc_id, None)
        issues: list[Issue] = []
        versions, results = _versions(task, users, tax, f"$[{i}]", issues)
        if issues:
            out.issues += issues
            continue
        if len(versions) < min_annotators:
            out.waiting.append(doc_id)
            continue
        doc = read_document(root, doc_id)
        agreed, conflicts = split_items(versions)
        out.agreed[doc_id], out.conflicts[doc_id] = len(agreed), len(conflicts)
        if not conflicts:
            if doc_id in reviewed:
                unused[doc_id] = "its annotators agree now (an annotation changed after the review task was made)"
            layers = next(iter(versions.values()))
            items = settled_provenance(layers, versions, agreed, None)
            out.gold[doc_id] = _gold(doc, layers, items, next(iter(versions)))
        elif doc_id in reviewed:
            settled = _review(*reviewed[doc_id], versions, tax, users, out)
            if settled is not None:
                layers, items = settle(versions, *settled)
                out.gold[doc_id] = _gold(doc, layers, items, settled[1])
        elif doc_id not in pending_review:
            out.review.append(review_task(task, versions, results, conflicts))
    # Not read, so not checked either: said, lest a damaged or a needed review go unnoticed.
    out.warnings += [f"review export:{reviewed[doc_id][1]}: {doc_id}: the review is not used: {why}"
                     for doc_id, why in sorted(unused.items())]  # fmt: skip
    for doc_id, ann in out.gold.items():
        doc = read_document(root, doc_id)
        candidate = RawDocument(doc_id=doc_id, text=doc.text, metadata=doc.metadata, annotation=ann)
        out.issues += check_document(root, candidate, tax)
    return out


def _review(
    final: dict[str, Any], at: str, versions: Versions, tax: Taxonomy, users: dict[int, str], out: Adjudication
) -> tuple[dict[str, Any], str] | None:
    """The reviewer's settled layers and name, from the final annotation of a review task (at `at`, with
    the task's data), or None with the issues (added to `out`'s) that stop it."""
    # "1 ann1@example.org, 2 ann2@example.org"; a review task of an earlier release names no numbers.
    names = [part.split(" ")[-1] for part in str(final["data"].get("annotators", "")).split(", ")]
    sides = _sides(final["data"], versions, names)
    result, found, warnings = unmark(
        final.get("result") or [], sides, names, str(final["data"]["doc_id"]), f"{at}.result"
    )
    out.warnings += warnings
    layers: dict[str, Any] = {}
    if not found:
        layers, found = convert_annotation(result, final["data"]["text"], tax, "review export", at)
    reviewer = annotator_email(final, users)
    if reviewer is None:
        found.append(_unknown(final, at, "review export"))
    out.issues += found
    return None if found else (layers, str(reviewer))


def _owner(rid: str) -> tuple[str, str]:
    """A region id's item id and the rest: `ev1:arg0` -> (`ev1`, `:arg0`), `ev1` -> (`ev1`, ``)."""
    item, sep, part = rid.partition(SEP)
    return item, sep + part


def merged_result(versions: Versions, conflicts: set[Key]) -> list[dict[str, Any]]:
    """The review's merged prediction (see the module): agreed items as the first version has them,
    every side of each conflicting item marked with its annotator's number."""
    names = list(versions)
    keys = {who: item_keys(layers) for who, layers in versions.items()}
    ids = {who: {key: item for item, key in keys[who].items()} for who in names}

    def sides(who: str, rid: str, only: int | None) -> list[str]:
        """Where region `rid` of `who`'s version is in the merged one: the agreed region, or the sides of
        its item (side `only`, or every side that has it)."""
        item, part = _owner(rid)
        key = keys[who][item]
        if key not in conflicts:
            return [wire_id(ids[names[0]][key] + part)]
        return [f"{wire_id(ids[w][key] + part)}{SIDE}{n}" for n, w in enumerate(names, 1)
                if key in ids[w] and only in (None, n)]  # fmt: skip

    def anchor(who: str, n: int, r: dict[str, Any]) -> dict[str, Any]:
        """Result `r` of side n (`who`'s), with a time's anchor event (a text, not a link) named as in the
        merged version: an agreed event by the first version's id, a conflicting one by side n's mark,
        which unmark resolves to whichever side of it the reviewer keeps."""
        if r.get("from_name") != ANCHOR_EVENT:
            return r
        target = str(r["value"]["text"][0])
        key = keys[who].get(target)
        if key is None:  # names no event of its version: the import of it reports that
            return r
        named = ids[names[0]][key] if key not in conflicts else f"{target}{SIDE}{n}"
        return {**r, "value": {**r["value"], "text": [named]}}

    regions: list[dict[str, Any]] = []
    links: dict[tuple[str, str], list[str]] = {}
    for n, who in enumerate(names, 1):
        for r in build_result(versions[who]):
            if r["type"] == "relation":
                source, target = region_id(r["from_id"]), region_id(r["to_id"])
                owner = keys[who][_owner(source)[0]]
                if owner not in conflicts and n > 1:
                    continue  # an agreed item's links, as the first version has them
                # A link to a part stays within its side; a link to another item goes to every side of
                # it, so that it stays whichever side the reviewer keeps.
                inside = n if keys[who][_owner(target)[0]] == owner else None
                pairs = [(a, b) for a in sides(who, source, n) for b in sides(who, target, inside)]
                for pair in pairs:
                    links.setdefault(pair, []).extend(lb for lb in r["labels"] if lb not in links.get(pair, []))
                continue
            rid, r = region_id(r["id"]), anchor(who, n, r)
            if keys[who][_owner(rid)[0]] not in conflicts:
                if n == 1:
                    regions.append(r)
                continue
            marked = {**r, "id": sides(who, rid, n)[0]}
            if r["type"] == "labels":
                marked["meta"] = {"text": [who]}  # shown in the region's details
            regions.append(marked)
    relations = [{"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": labels}
                 for (a, b), labels in links.items()]  # fmt: skip
    return regions + relations


def _sides(data: dict[str, Any], versions: Versions, names: list[str]) -> dict[tuple[int, str], Key]:
    """(side, item id in its version) -> the item's key, as the review task was made with them (its
    `sides`): an annotation edited since then moves no side out of the both-sides check."""
    made = data.get("sides")
    if isinstance(made, dict):
        return {(int(n), item): tuple(key) for side, key in made.items() for n, _, item in [side.partition(" ")]}
    # A review task of an earlier release: the versions as the export has them now.
    return {(n, item): key for n, who in enumerate(names, 1) for item, key in item_keys(versions.get(who, {})).items()}


def unmark(
    result: list[dict[str, Any]], sides: dict[tuple[int, str], Key], names: list[str], doc_id: str, at: str
) -> tuple[list[dict[str, Any]], list[Issue], list[str]]:
    """The reviewer's result with the side marks taken off its region ids and anchor events (see the
    module), or the issues of conflicting items left with more than one side and of anchors left on no
    side; and warnings of kept sides that overlap. Side n is names[n - 1]'s (the review task's
    `annotators`, as they were when it was made), `sides` the key of each side's items (_sides)."""

    def split(raw: Any) -> tuple[str, int | None]:
        base, mark, n = str(raw).rpartition(SIDE)
        return (region_id(base), int(n)) if mark and n.isdigit() and 0 < int(n) <= len(names) else (str(raw), None)

    # Which sides of each item the reviewer kept, by the regions they kept.
    kept: dict[Key, dict[int, list[str]]] = {}
    marked: set[tuple[int, str]] = set()  # (side, item id in its version) of every kept region
    for r in result:
        rid, n = split(r.get("id"))
        if n is None or r.get("type") != "labels":
            continue
        item = _owner(rid)[0]
        marked.add((n, item))
        key = sides.get((n, item))
        if key is not None:
            kept.setdefault(key, {}).setdefault(n, []).append(str(r["id"]))
    issues = [
        Issue(code="ls-review-both-sides", file="review export", path=at, ann_id=doc_id,
              message=f"{_owner(region_id(next(iter(by_side.values()))[0].rpartition(SIDE)[0]))[0]} is kept "
                      f"as {' and as '.join(names[n - 1] for n in by_side)} has it (regions "
                      f"{', '.join(r for rs in by_side.values() for r in rs)}): delete every side of it but one")
        for by_side in kept.values() if len(by_side) > 1
    ]  # fmt: skip
    if issues:
        return result, issues, []
    # By side, then id, not in the export's order: the lower side keeps a shared id, the higher is renamed.
    owners: dict[tuple[int, str], str] = {}  # (side, item id in its version) -> the item id it gets
    taken = {_owner(region_id(r["id"]))[0] for r in result if "id" in r and split(r["id"])[1] is None}
    for n, item in sorted(marked):
        new, k = item, 1
        while new in taken:  # another item of that id kept: an id is unique only within one version
            new, k = f"{item}-{n}" + (f"-{k}" if k > 1 else ""), k + 1
        owners[n, item] = new
        taken.add(new)
    side_of = {key: (n, _owner(split(rids[0])[0])[0]) for key, by_side in kept.items() for n, rids in by_side.items()}

    def plain(raw: Any) -> Any:
        rid, n = split(raw)
        if n is None:
            return raw
        item, part = _owner(rid)
        return wire_id(owners.get((n, item), item) + part)

    def anchor(i: int, r: dict[str, Any]) -> dict[str, Any]:
        """Result i with its anchor event's mark resolved to the side of that event the reviewer kept."""
        value = r.get("value")
        if r.get("from_name") != ANCHOR_EVENT or not isinstance(value, dict):
            return r
        texts = value.get("text")
        if not isinstance(texts, list) or not texts:
            return r  # not an anchor as the editor writes it: the import reads and reports it
        target, n = split(texts[0])
        if n is None:
            return r  # an agreed event's id, or one the reviewer typed
        key = sides.get((n, target))
        if key not in side_of:
            issues.append(Issue(code="ls-review-anchor-lost", file="review export", path=f"{at}[{i}].value.text",
                                ann_id=doc_id, message=f"the time of {r.get('id')} is anchored to {texts[0]}, of "
                                f"which no side is kept: keep one, or type the kept event's id as its region shows it"))  # fmt: skip
            return r
        return {**r, "value": {**value, "text": [owners[side_of[key]], *texts[1:]]}}

    # The meta naming a side stays: the import reads no meta.
    plain_result = [
        anchor(i, r) | {name: plain(r[name]) for name in ("id", "from_id", "to_id") if name in r}
        for i, r in enumerate(result)
    ]
    if issues:
        return result, issues, []
    return plain_result, [], _overlaps(result, plain_result, split, names, doc_id, at)


# The regions that stand for a quote and a figure: two sides of these that overlap are two items to the
# import, and often one item whose boundaries the annotators drew differently (two events whose
# triggers overlap the validator refuses: trigger-overlap).
_ANCHORS = {"CUE", "FIGURE"}


def _overlaps(
    marked: list[dict[str, Any]],
    plain: list[dict[str, Any]],
    split: Callable[[Any], tuple[str, int | None]],
    names: list[str],
    doc_id: str,
    at: str,
) -> list[str]:
    """A warning per two kept sides of different annotators whose anchors overlap."""
    spans = []  # (label, start, end, side, index)
    for i, r in enumerate(marked):
        rid, n = split(r.get("id"))
        value = r.get("value")
        if n is None or r.get("type") != "labels" or _owner(rid)[1] or not isinstance(value, dict):
            continue
        labels, start, end = value.get("labels"), value.get("start"), value.get("end")
        if isinstance(labels, list) and labels and labels[0] in _ANCHORS and type(start) is type(end) is int:
            spans.append((labels[0], start, end, n, i))
    return [
        f"review export:{at}[{j}]: {doc_id}: {region_id(plain[i]['id'])} ({names[n - 1]}, [{s}, {e})) and "
        f"{region_id(plain[j]['id'])} ({names[m - 1]}, [{s2}, {e2})) are both kept and overlap: two items, "
        f"or one drawn two ways of which one side is left by mistake"
        for k, (label, s, e, n, i) in enumerate(spans)
        for label2, s2, e2, m, j in spans[k + 1 :]
        if label == label2 and n != m and s < e2 and s2 < e
    ]


def review_task(task: dict[str, Any], versions: Versions, results: Results, conflicts: set[Key]) -> dict[str, Any]:
    text = task["data"]["text"]
    described = [describe_conflict(k, versions, text) for k in sorted(conflicts, key=str)]
    data = {k: task["data"][k] for k in ("doc_id", "text", "text_sha256", "guidelines") if k in task["data"]}
    # One line per item: the review config shows them as lines, in a box of a few lines that scrolls.
    data["conflicts"] = f"{len(conflicts)} item(s) to decide:\n" + "\n".join(f"• {line}" for line in described)
    data["annotators"] = ", ".join(f"{n} {who}" for n, who in enumerate(versions, 1))
    # Each side's conflicting items by key ("2 fig1": ["figures", 23, 25, 0]), for unmark (see _sides).
    data["sides"] = {f"{n} {item}": list(key) for n, who in enumerate(versions, 1)
                     for item, key in item_keys(versions[who]).items() if key in conflicts}  # fmt: skip
    predictions = [{"model_version": MERGED, "score": 1.0, "result": merged_result(versions, conflicts)}]
    predictions += [
        {"model_version": who, "score": 1.0, "result": [{k: v for k, v in r.items() if k != "origin"} for r in result]}
        for who, result in results.items()
    ]
    return {"data": data, "predictions": predictions}
