"""Push tasks to, and pull the full JSON export from, a running Label Studio through label-studio-sdk.

The SDK reads the API key from LABEL_STUDIO_API_KEY (a legacy token or a personal access token).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..core.errors import UsageError
from ..core.extras import require_extra
from ..core.store import write_atomic
from ..core.taxonomy import Taxonomy, load_taxonomy
from .adjudicate import MERGED
from .config import build_config, build_instructions
from .importer import framed_export
from .tasks import PRE_ANNOTATION


def connect(url: str) -> Any:
    """The SDK's client of the server at `url`; UsageError without the `labelstudio` extra or the key."""
    with require_extra("labelstudio"):
        from label_studio_sdk import LabelStudio
    key = os.environ.get("LABEL_STUDIO_API_KEY")
    if not key:
        raise UsageError("set LABEL_STUDIO_API_KEY to a Label Studio access token")
    # The SDK resolves its token refresh URL relative to base_url, so sub-paths need the slash.
    return LabelStudio(base_url=url.rstrip("/") + "/", api_key=key)  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True, kw_only=True)
class PushReport:
    project: int
    added: int
    updated: int
    unchanged: int


def project_settings(tax: Taxonomy, overlap: int | None, review: bool = False) -> dict[str, Any]:
    """The labeling config, the instructions shown on entering the stream, and the overlap: Label Studio's
    own queue gives each task to `overlap` annotators (all tasks, overlap_cohort_percentage 100).

    """
    settings: dict[str, Any] = {
        "label_config": build_config(tax, review),
        "expert_instruction": build_instructions(tax),
        "show_instruction": True,
    }
    if overlap is not None:
        settings |= {"maximum_annotations": overlap, "overlap_cohort_percentage": 100}
    return settings


# The task data columns people see in the project's task list (the Data Manager) and beside the editor:
# the document's id, which names it, and its text. Hashes, provenance and the review's notes stay in the data.
SHOWN_COLUMNS = ("doc_id", "text")


def hide_columns(ls: Any, project: int, keys: set[str]) -> None:
    """Hide the data columns `keys` but SHOWN_COLUMNS in every view (tab) of the project's Data Manager,
    in the table and in the editor's task list alike, creating the first view when there is none (the
    Data Manager opens on it). Columns a view hides already stay hidden."""
    ours = {f"tasks:data.{k}" for k in keys - set(SHOWN_COLUMNS)}
    views = ls.views.list(project=project) or [None]
    for view in views:
        data: dict[str, Any] = dict(view.data or {}) if view is not None else {"title": "Tasks"}
        hidden: dict[str, Any] = data.get("hiddenColumns") or {}
        data["hiddenColumns"] = {part: sorted(set(hidden.get(part) or []) | ours) for part in ("explore", "labeling")}
        if view is None:
            ls.views.create(project=project, data=data)
        else:
            ls.views.update(id=str(view.id), project=project, data=data)


def push_tasks(
    url: str,
    tasks: list[dict[str, Any]],
    project: int | None,
    title: str,
    overlap: int | None = None,
    review: bool = False,
) -> PushReport:
    """Create the project (or update its settings), import the tasks it lacks and update those whose
    pushed data or pre-annotation changed (matched by doc_id, so pushing again never duplicates)."""
    ls = connect(url)
    for task in tasks:
        # What was pushed, so that a later push can tell a changed task from an unchanged one.
        task["data"].pop("pushed_sha256", None)
        task["data"]["pushed_sha256"] = hashlib.sha256(orjson.dumps(task, option=orjson.OPT_SORT_KEYS)).hexdigest()
    settings = project_settings(load_taxonomy(), overlap, review)
    present: dict[str, Any] = {}
    if project is None:
        settings.setdefault("maximum_annotations", 1)
        project = int(ls.projects.create(title=title, show_skip_button=True, **settings).id)
    else:
        ls.projects.update(id=project, **settings)
        present = {str(t.data.get("doc_id")): t for t in ls.tasks.list(project=project, fields="all")}
    missing = [t for t in tasks if t["data"]["doc_id"] not in present]
    if missing:
        ls.projects.import_tasks(id=project, request=missing, return_task_ids=True)
    updated = 0
    for task in tasks:
        old = present.get(task["data"]["doc_id"])
        if old is None or old.data.get("pushed_sha256") == task["data"]["pushed_sha256"]:
            continue
        if "predictions" not in task and old.data.get("text_sha256") == task["data"]["text_sha256"]:
            continue  # a push without a pre-annotation for it does not take back the one it has
        # Annotations already made stay; the pre-annotation offered for the next ones is the new one.
        ls.tasks.update(id=str(old.id), data=task["data"])
        for prediction in old.predictions or []:
            ls.predictions.delete(id=int(prediction.id))
        for prediction in task.get("predictions", []):
            ls.predictions.create(task=int(old.id), **prediction)
        updated += 1
    hide_columns(ls, project, {k for t in tasks for k in t["data"]} | {k for t in present.values() for k in t.data})
    if any("predictions" in t for t in tasks):
        # The stream (*Label All Tasks*) shows a task's prediction only when its model_version is the
        # project's, which Label Studio otherwise takes from the first prediction imported. Set last: the
        # server refuses a model_version no prediction of the project has yet. A review task starts from
        # its merged prediction; the annotators' own versions are there to compare.
        ls.projects.update(id=project, model_version=MERGED if review else PRE_ANNOTATION)
    return PushReport(project=project, added=len(missing), updated=updated,
                      unchanged=len(tasks) - len(missing) - updated)  # fmt: skip


def fetch_export(url: str, project: int) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The project's full JSON export and the user ids -> emails that name annotators.

    exports.as_json keeps every task and every annotation (cancelled and ground-truth ones too), which
    the filtered export routes do not.
    """
    ls = connect(url)
    export: list[dict[str, Any]] = ls.projects.exports.as_json(project)
    return export, {int(u.id): str(u.email or u.username) for u in ls.users.list()}


def pull_export(url: str, project: int, dest: Path) -> dict[int, str]:
    """Save the project's full JSON export to dest; returns the user ids -> emails that name annotators."""
    export, users = fetch_export(url, project)
    write_atomic(dest, framed_export(export))  # one task per line: import reads it fastest
    return users
