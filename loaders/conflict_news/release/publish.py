"""`conflict-news publish`: a release to a Hugging Face dataset repository, through huggingface_hub's upload API.

What goes up is listed before anything is sent (the dry run prints exactly that list): the full
flavour sends the card, the data of every config, the corpus sources, schemas, manuals and release
metadata; the standoff flavour sends the standoff release's card and data with the schemas. Before
any upload the card is parsed by huggingface_hub's own DatasetCard class and checked (a licence the
Hub knows, task categories, every config's data files among the files sent), and the full flavour
is refused for a public repository while it holds a text whose distribution policy is `standoff`:
those texts may only go to a private repository, or out as the standoff flavour.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.distribution import withheld_ids
from ..core.errors import Issue
from ..core.extras import require_extra
from ..core.options import FLAVORS, Flavor, check_choice

# Licence ids of the Hub's list that this corpus can carry; `other` needs license_name and license_link.
HUB_LICENSES = frozenset({"cc-by-4.0", "cc0-1.0", "cc-by-sa-4.0", "odc-by", "mit", "other"})
HUB_TASK_CATEGORIES = frozenset({"token-classification", "text-classification", "question-answering", "other"})
FULL_FILES: tuple[str, ...] = (
    ".gitattributes", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "CHANGELOG.md", "MANIFEST",
    "croissant.json", "tombstones.json", "split-moves.json", "releases.json",
)  # fmt: skip
FULL_DIRS: tuple[str, ...] = ("corpus", "annotations", "schema", "data", "docs", "dev", "adjudication", "sources")
STANDOFF_FILES: tuple[str, ...] = (".gitattributes", "CITATION.cff")
STANDOFF_DIRS: tuple[str, ...] = ("schema",)


@dataclass(frozen=True, slots=True)
class Upload:
    path_in_repo: str
    local: Path


def plan_upload(root: Path, flavor: Flavor) -> list[Upload]:
    """Every file that publishing `flavor` of the corpus at `root` sends, in path order."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    if flavor == "standoff":
        release = root / "standoff"
        files = [Upload("README.md", release / "README.md")]
        files += [
            Upload(p.relative_to(release).as_posix(), p) for p in sorted((release / "data").rglob("*")) if p.is_file()
        ]
        names, dirs = STANDOFF_FILES, STANDOFF_DIRS
    else:
        files, names, dirs = [], FULL_FILES, FULL_DIRS
    files += [Upload(name, root / name) for name in names if (root / name).is_file()]
    # A withheld document's text, metadata and annotation files (every version, adjudication's too:
    # their spans quote the text) are never sent; data/ has its standoff rows.
    hidden = withheld_ids(root)
    files += [
        Upload(p.relative_to(root).as_posix(), p)
        for d in dirs
        for p in sorted((root / d).rglob("*"))
        if p.is_file() and p.name.split(".", 1)[0] not in hidden
    ]
    return sorted(files, key=lambda upload: upload.path_in_repo)


def check_card(text: str, sent: list[str], file: str = "README.md") -> list[Issue]:
    """Problems huggingface_hub's DatasetCard finds in the card, and the Hub's conventions it breaks."""
    with require_extra("hf"):
        from huggingface_hub import DatasetCard

    def refuse(path: str, message: str) -> Issue:
        return Issue(code="publish-card-invalid", file=file, path=path, message=message)

    try:
        card = DatasetCard(text, ignore_metadata_errors=False)
    except ValueError as exc:  # huggingface_hub's own refusal of the front matter
        return [refuse("$", f"huggingface_hub cannot read the card: {exc}")]
    data: dict[str, Any] = card.data.to_dict()  # type: ignore[no-untyped-call]
    issues = []
    licence = data.get("license")
    if licence not in HUB_LICENSES:
        issues.append(refuse("$.license", f"licence {licence!r} is not one the Hub lists here: {sorted(HUB_LICENSES)}"))
    if licence == "other" and not (data.get("license_name") and data.get("license_link")):
        issues.append(refuse("$.license", "license: other needs license_name and license_link"))
    for i, task in enumerate(data.get("task_categories") or []):
        if task not in HUB_TASK_CATEGORIES:
            issues.append(refuse(f"$.task_categories[{i}]", f"task category {task!r} is not the Hub's"))
    for i, config in enumerate(data.get("configs") or []):
        for j, entry in enumerate(config.get("data_files") or []):
            if not any(fnmatch.fnmatchcase(path, entry["path"]) for path in sent):
                issues.append(refuse(f"$.configs[{i}].data_files[{j}].path", f"no file sent matches {entry['path']!r}"))
    return issues


def withheld_texts(root: Path, files: list[Upload]) -> list[Issue]:
    """Texts of documents whose policy is `standoff` that the files to send would still carry: a file of
    the document (plan_upload leaves them out), or a row of data/ built before the policy said so."""
    hidden = withheld_ids(root)
    issues = [
        Issue(code="publish-text-withheld", file=u.path_in_repo, path="$", ann_id=u.path_in_repo.rsplit("/", 1)[-1].split(".")[0],
              message="is a file of a document whose distribution policy is standoff")
        for u in files
        if u.path_in_repo.rsplit("/", 1)[-1].split(".")[0] in hidden
    ]  # fmt: skip
    with require_extra("hf"):
        import pyarrow.parquet as pq
    for upload in files:
        if not fnmatch.fnmatchcase(upload.path_in_repo, "data/documents/*.parquet"):
            continue
        table = pq.read_table(upload.local, columns=["doc_id", "text_status"])
        for doc_id, status in zip(table["doc_id"].to_pylist(), table["text_status"].to_pylist(), strict=True):
            if doc_id in hidden and status != "withheld":
                issues.append(
                    Issue(code="publish-text-withheld", file=upload.path_in_repo, path="$", ann_id=doc_id,
                          message="its distribution policy is standoff but its text is in this shard: conflict-news build")
                )  # fmt: skip
    return issues


@dataclass(frozen=True, slots=True, kw_only=True)
class Publication:
    repo_id: str
    flavor: Flavor
    files: list[Upload]
    issues: list[Issue]
    url: str | None = None  # the commit's URL once uploaded


def publish(
    root: Path,
    repo_id: str,
    flavor: Flavor = "full",
    *,
    private: bool = False,
    dry_run: bool = False,
) -> Publication:
    """Check, then (unless `dry_run` or any issue) upload everything in one commit."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    files = plan_upload(root, flavor)
    card = next((u.local for u in files if u.path_in_repo == "README.md"), None)
    if card is None or not card.is_file():
        where = "standoff/README.md" if flavor == "standoff" else "README.md"
        missing = Issue(code="publish-card-invalid", file=where, path="$",
                        message=f"there is no card: build the release first (conflict-news build --flavor {flavor})")  # fmt: skip
        return Publication(repo_id=repo_id, flavor=flavor, files=files, issues=[missing])
    issues = check_card(
        card.read_text(encoding="utf-8"), [u.path_in_repo for u in files], card.relative_to(root).as_posix()
    )
    if flavor == "full" and not private:
        issues += withheld_texts(root, files)
    if issues or dry_run:
        return Publication(repo_id=repo_id, flavor=flavor, files=files, issues=issues)
    url = hub_upload(repo_id, files, private)
    return Publication(repo_id=repo_id, flavor=flavor, files=files, issues=[], url=url)


def hub_upload(repo_id: str, files: list[Upload], private: bool) -> str:
    """One commit with every file, to the dataset repository `repo_id` (created if missing)."""
    with require_extra("hf"):
        from huggingface_hub import CommitOperationAdd, HfApi

    api = HfApi()
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    operations = [CommitOperationAdd(path_in_repo=u.path_in_repo, path_or_fileobj=str(u.local)) for u in files]
    info = api.create_commit(
        repo_id, operations, commit_message="Publish the Conflict News Corpus", repo_type="dataset"
    )
    return str(getattr(info, "commit_url", info))
