"""Helpers for the Label Studio tests: exports built from a corpus root, their damaged variants, and
copies of the toy corpus whose text is full of the characters that break offsets elsewhere.

A damaged-export case (tests/cases/labelstudio/<code>.json) edits the export of the toy corpus (one
task, one annotation made from the prediction): `set`/`delete` a JSON pointer, or `copy` one
pointer's value to another. Importing it must give exactly the issue <code> and write nothing.
"""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from conflict_news.core.store import annotation_path, dump_json, metadata_path, read_document, text_path
from conflict_news.core.textnorm import hash_text
from conflict_news.labelstudio.adjudicate import SIDE
from conflict_news.labelstudio.config import region_id
from conflict_news.labelstudio.tasks import build_result, build_task
from conftest import _delete, _set, _walk
from labelstudio_server import Server

# The annotator of offline exports, expanded as an export with `annotations__completed_by` has it.
ANN1 = {"id": 1, "email": "ann1@example.org", "first_name": "", "last_name": ""}
LS_CASES_DIR = Path(__file__).parent / "cases" / "labelstudio"
LS_CASES = sorted(p.stem for p in LS_CASES_DIR.glob("*.json"))

# Separators a space of the toy text may become: each starts and ends with whitespace, so no span
# gains edge whitespace, and none is digits, so figure values still read the same.
NOISE = (" ", "  ", "\t", "\r\n", "\r\n\r\n", " \U0001f1e6\U0001f1f6 ", " \U0001f680 ", " \u0642\u0627\u0644\u062a ",
         " \u05e9\u05dc\u05d5\u05dd ", " q\u0301 ", " \u00a0 ", "\n\t ", " \u041a\u0438\u0457\u0432 ")  # fmt: skip


def offline_export(root: Path, doc_id: str) -> list[dict[str, Any]]:
    """What Label Studio's full export holds after one annotator (ANN1) accepted the gold pre-annotation."""
    raw = read_document(root, doc_id)
    assert raw.text is not None
    task = build_task(doc_id, raw.text, raw.annotation)
    result = copy.deepcopy(task["predictions"][0]["result"])
    # As in the full export: the parent prediction rides along, whole, with the annotation made from it.
    prediction = {"id": 1, **copy.deepcopy(task["predictions"][0])}
    annotation = {"id": 1, "completed_by": ANN1, "was_cancelled": False, "ground_truth": False, "result": result,
                  "parent_prediction": 1, "prediction": prediction}  # fmt: skip
    return [{"id": 1, **task, "annotations": [annotation], "drafts": []}]


def apply_case(export: list[dict[str, Any]], case: dict[str, Any]) -> list[dict[str, Any]]:
    for source, dest in case.get("copy", {}).items():
        parent, key = _walk(export, source)
        _set(export, dest, copy.deepcopy(parent[key]))
    for pointer, value in case.get("set", {}).items():
        _set(export, pointer, value)
    for pointer in case.get("delete", []):
        _delete(export, pointer)
    return export


def load_ls_case(code: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((LS_CASES_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return case


def noisy_copy(root: Path, doc_id: str, choices: list[int]) -> None:
    """Rewrite a document in place: the k-th space of its text becomes NOISE[choices[k]] (cycling),
    offsets of every span shift with it, and metadata and annotation hashes follow."""
    raw = read_document(root, doc_id)
    assert raw.text is not None and raw.annotation is not None
    new_at, pieces, k = [], [], 0
    for ch in raw.text:
        new_at.append(sum(len(p) for p in pieces))
        if ch == " " and choices:
            ch = NOISE[choices[k % len(choices)]]
            k += 1
        pieces.append(ch)
    text = "".join(pieces)
    new_at.append(len(text))

    def move(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"start", "end", "text"}:
                start, end = new_at[value["start"]], new_at[value["end"]]
                return {"start": start, "end": end, "text": text[start:end]}
            return {key: move(v) for key, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        return value

    ann = move(raw.annotation)
    ann["text_sha256"] = hash_text(text)
    meta = dict(raw.metadata, text_sha256=hash_text(text), text_length=len(text))
    text_path(root, doc_id).write_bytes(text.encode("utf-8"))
    metadata_path(root, doc_id).write_bytes(dump_json(meta))
    annotation_path(root, doc_id).write_bytes(dump_json(ann))


def conflicting_versions(root: Path, doc_id: str = "toy-0001") -> tuple[dict[str, Any], dict[str, Any]]:
    """Two annotators' versions of the toy document that differ in entities, links and figures, each
    with an addition of its own: a adds an entity (the reporters); b adds a target to ev1, changes
    fig1's property, drops q1's speaker and deletes Ilka Varn's mention "We", which in the editor takes
    ev2's link to her along."""
    a = copy.deepcopy(read_document(root, doc_id).annotation)
    b = copy.deepcopy(a)
    a["entities"].append({"id": "ent-reporters", "name": "reporters", "type": "group", "wikidata": None,
                          "affiliation": None, "mentions": [{"start": 137, "end": 146, "text": "reporters"}]})  # fmt: skip
    b["events"][0]["arguments"].append(
        {"role": "target", "span": {"start": 37, "end": 47, "text": "Port Meren"}, "entity": None}
    )
    b["figures"][0]["property"] = "intercepted"
    b["quotes"][0]["speaker"] = None
    b["entities"][2]["mentions"].pop()
    b["events"][1]["arguments"][0]["entity"] = None
    return a, b


def export_of(root: Path, doc_id: str, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An export of one task annotated by users 1, 2, ... with `versions`."""
    export = offline_export(root, doc_id)
    export[0]["annotations"] = [
        {"id": n, "completed_by": n, "was_cancelled": False, "ground_truth": False, "result": build_result(v)}
        for n, v in enumerate(versions, 1)
    ]
    return export


def delete_sides(result: list[dict[str, Any]], items: set[str], side: int) -> list[dict[str, Any]]:
    """What the editor leaves of a merged review result when the reviewer deletes side `side` of the
    items `items` (every region of theirs, and with them every link from or to one)."""

    def gone(raw: Any) -> bool:
        base, mark, n = str(raw).rpartition(SIDE)
        return bool(mark) and n == str(side) and region_id(base).split(":")[0] in items

    return [r for r in result if not any(gone(r.get(k)) for k in ("id", "from_id", "to_id"))]


def assert_review_outcome(gold: dict[str, Any]) -> None:
    """Gold after the reviewer of conflicting_versions kept b's ev1 and fig1, a's q1, ev2 and Ilka Varn,
    and a's reporters (a's alone): every addition either annotator made that the reviewer kept is there."""
    entities = {e["id"]: e for e in gold["entities"]}
    assert entities["ent-reporters"]["mentions"] == [{"start": 137, "end": 146, "text": "reporters"}]
    assert len(entities["ent-varn"]["mentions"]) == 2
    events = {e["id"]: e for e in gold["events"]}
    assert sorted(a["role"] for a in events["ev1"]["arguments"]) == ["attacker", "instrument", "target"]
    assert events["ev1"]["relations"] == [{"type": "causes", "target": "ev2"}]
    assert events["ev2"]["arguments"][0]["entity"] == "ent-varn"
    assert {q["id"]: q["speaker"] for q in gold["quotes"]} == {"q1": "ent-ministry", "q2": "ent-varn"}
    (fig,) = gold["figures"]
    assert (fig["property"], fig["event"], fig["quote"], fig["claimant"]) == (
        "intercepted",
        "ev1",
        "q1",
        "ent-ministry",
    )


def next_in_stream(label_studio: Server, project: int) -> dict[str, Any] | None:
    """The task *Label All Tasks* opens next for the lead, as the editor gets it (GET /api/projects/ID/next:
    its predictions are the ones the stream shows); None when the queue is empty."""
    ask = urllib.request.Request(f"{label_studio.url}/api/projects/{project}/next",
                                 headers={"Authorization": f"Token {label_studio.token}"})  # fmt: skip
    try:
        with urllib.request.urlopen(ask, timeout=60) as response:
            task: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:  # the queue is done
            return None
        raise
    return task
