"""Push tasks to, and pull the full JSON export from, a running Label Studio through label-studio-sdk.

The SDK reads the API key from LABEL_STUDIO_API_KEY (a legacy token or a personal access token).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.store import dump_json, write_atomic
from ..core.taxonomy import load_taxonomy
from .config import build_config


def connect(url: str) -> Any:
    try:
        from label_studio_sdk import LabelStudio
    except ImportError as exc:  # pragma: no cover - depends on how the package was installed
        raise SystemExit("label-studio-sdk is missing: pip install 'conflict-news-corpus[labelstudio]'") from exc
    key = os.environ.get("LABEL_STUDIO_API_KEY")
    if not key:
        raise SystemExit("set LABEL_STUDIO_API_KEY to a Label Studio access token")
    # The SDK resolves its token refresh URL relative to base_url, so sub-paths need the slash.
    return LabelStudio(base_url=url.rstrip("/") + "/", api_key=key)  # type: ignore[no-untyped-call]


def push_tasks(url: str, tasks: list[dict[str, Any]], project: int | None, title: str) -> tuple[int, int]:
    """Create the project (or update its config) and import the tasks it lacks; returns (project id, tasks added)."""
    ls = connect(url)
    config = build_config(load_taxonomy())
    if project is None:
        # maximum_annotations=2: two annotators per task, so that agreement can be measured.
        project = int(
            ls.projects.create(title=title, label_config=config, maximum_annotations=2, show_skip_button=True).id
        )
        present: set[str] = set()
    else:
        ls.projects.update(id=project, label_config=config)
        present = {str(t.data.get("doc_id")) for t in ls.tasks.list(project=project)}
    missing = [t for t in tasks if t["data"]["doc_id"] not in present]
    if missing:
        ls.projects.import_tasks(id=project, request=missing, return_task_ids=True)
    return project, len(missing)


def pull_export(url: str, project: int, dest: Path) -> dict[int, str]:
    """Save the project's full JSON export to dest; returns the user ids -> emails that name annotators.

    exports.as_json keeps every task and every annotation (cancelled and ground-truth ones too), which
    the filtered export routes do not.
    """
    ls = connect(url)
    export = ls.projects.exports.as_json(project)
    write_atomic(dest, dump_json(export))
    return {int(u.id): str(u.email or u.username) for u in ls.users.list()}
