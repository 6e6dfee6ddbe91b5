"""The dataset card: README.md's YAML front matter `configs:` and `dataset_info:` (split sizes).

Only the front matter is rewritten; its other keys (licence, language, task categories...) and the
Markdown body stay as they are. Split sizes are read from the Parquet shards under data/.

Each config's Features are in the card too (`dataset_info.features`), as the Hub reads them there:
they come from hf.features, the same source as the shards' schema metadata. They cost every
load_dataset a fixed ~0.09 s, as `datasets` parses the card with pure-Python PyYAML (issue 29 over
issue 6's earlier choice of leaving them out).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..core.citation import CITATION, read_citation
from ..core.crosswalk import render_crosswalk
from ..core.errors import CorpusError, Issue
from ..core.extras import require_extra
from ..core.options import CONFIGS, FLAVORS, SPLITS, Flavor, check_choice
from ..core.store import read_regular, write_atomic
from ..core.txn import locked
from .attribution import ATTRIBUTION, render_attribution
from .features import DEFAULT_CONFIG, flavor_features

with require_extra("hf"):
    import pyarrow.parquet as pq
    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict

FENCE = "---\n"
# Parquet footer key of a shard's in-memory Arrow size (the card's num_bytes), so the card reads no rows.
ARROW_BYTES = "conflict_news:arrow_bytes"


def split_front_matter(readme: str, file: str = "README.md") -> tuple[dict[str, Any], str]:
    """(front matter as a dict, body) of a card; an absent front matter is empty.

    Raises CorpusError (card-invalid, naming `file`) for a front matter without its closing '---',
    or one that is not a YAML mapping.
    """
    if not readme.startswith(FENCE):
        return {}, readme
    head, sep, body = readme[len(FENCE) :].partition("\n" + FENCE)

    def invalid(message: str) -> CorpusError:
        return CorpusError([Issue(code="card-invalid", file=file, path="$", message=message)])

    if not sep:
        raise invalid("the front matter has no closing '---' line")
    try:
        front = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise invalid(f"the front matter is not YAML: {exc}") from None
    if not isinstance(front, dict):
        raise invalid("the front matter is not a YAML mapping")
    return front, body


def _split_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """split -> (rows, in-memory Arrow bytes) over the config's shards, from their footers.

    The build records each shard's Arrow size in its footer (hf.build.ARROW_BYTES); a shard written
    otherwise is read whole to measure it.
    """
    sizes: dict[str, tuple[int, int]] = {}
    for shard in sorted(folder.glob("*.parquet")):
        split = shard.name.split("-", 1)[0]
        footer = pq.read_metadata(shard)
        recorded = (footer.metadata or {}).get(ARROW_BYTES.encode())
        nbytes = int(recorded) if recorded is not None else pq.read_table(shard).nbytes
        rows, total = sizes.get(split, (0, 0))
        sizes[split] = (rows + footer.num_rows, total + nbytes)
    return dict(sorted(sizes.items(), key=lambda item: SPLITS.index(item[0])))


def read_card(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of the card at `path` (empty when there is none); CorpusError (card-invalid) if unreadable."""
    try:
        raw = read_regular(path, path.name)
    except FileNotFoundError:
        return {}, ""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        issue = Issue(code="card-invalid", file=path.name, path="$", message=f"not UTF-8 at byte {exc.start}")
        raise CorpusError([issue]) from None
    return split_front_matter(text, path.name)


def render_card_metadata(data: Path, flavor: Flavor = "full") -> dict[str, Any]:
    """`configs` and `dataset_info` (features and split sizes) for the shards of `flavor` in the folder `data`."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    return card_metadata({config: _split_sizes(data / config) for config in CONFIGS}, flavor)


def card_metadata(split_sizes: dict[str, dict[str, tuple[int, int]]], flavor: Flavor = "full") -> dict[str, Any]:
    """`configs` and `dataset_info` from config -> split -> (rows, in-memory Arrow bytes), in CONFIGS order,
    with the Features of the flavour's shards.

    A config missing from `split_sizes` is left out (a silver run whose configs have no rows at all); with
    none left (a silver run that refused every record) there is no `dataset_info` either.
    """
    flavor = check_choice("flavor", flavor, FLAVORS)
    configs: list[dict[str, Any]] = []
    infos = DatasetInfosDict()
    for config in (config for config in CONFIGS if config in split_sizes):
        sizes = split_sizes[config]
        entry: dict[str, Any] = {"config_name": config}
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entry["data_files"] = [{"split": s, "path": f"data/{config}/{s}-*.parquet"} for s in sizes]
        configs.append(entry)
        splits = SplitDict()
        for name, (rows, nbytes) in sizes.items():
            splits.add(SplitInfo(name=name, num_examples=rows, num_bytes=nbytes))
        infos[config] = DatasetInfo(
            features=flavor_features(config, flavor=flavor),
            splits=splits,
            dataset_size=sum(nbytes for _, nbytes in sizes.values()),
        )
    holder: dict[str, Any] = {}
    infos.to_dataset_card_data(holder)  # any mapping will do; it stays empty without configs
    return {"configs": configs, **holder}


STANDOFF_INTRO = """
# Conflict News Corpus (standoff release)

The annotations of the Conflict News Corpus with the text of every document whose licence does
not allow redistribution left out (`text_status` `withheld`). Such a document keeps its metadata
(URL, text length, SHA-256), a fingerprint of its sentence boundaries and, in every span, the
offsets without the text. To get the full corpus, restore the texts from your own copies of the
articles: `conflict-news rehydrate . ARTICLES --out ROOT` (see [docs/standoff.md](docs/standoff.md)).
The sections below are the main card's, except *Dataset Structure* and *Licensing Information*.

"""
STANDOFF_STRUCTURE = """## Dataset Structure

The same six configs, columns and splits as the full release (its card's *Dataset Structure*), and
the same label table `data/labels.parquet`, with these differences:

- every row has `text_status`: `included` (the text's licence allows redistribution, so the row is
  as in the full release) or `withheld`;
- a withheld document's `text` is null, and so are the `text` of each of its spans, its `spans_bio`
  tokens and its metadata's `published.evidence` when that quotes the text; offsets stay;
- every span also has `cstart` and `cend`, its offsets in the canonical form of the text (quotes,
  dashes and white space folded), and the `documents` config has a `fingerprint` per withheld text:
  its canonical length and, per sentence, the canonical start, end and a 48-bit hash, which is how
  rehydration re-places spans in a copy that differs from the original.

"""
STANDOFF_LICENSING = """## Licensing Information

CC-BY-4.0 for the annotations, schemas and metadata. This release ships no text whose licence is
not open: a withheld text stays with its owner, and an included one keeps its own licence, recorded
in its metadata (`license.text`).

"""
# The main card's sections that a standoff card keeps as they are, in this order; the others are
# about the repository (Quick start, files) or differ for the standoff release (STANDOFF_* above).
SHARED_SECTIONS = (
    "Dataset Summary",
    "Supported Tasks and Baseline",
    "Languages",
    "Dataset Structure",
    "Dataset Creation",
    "Personal and Sensitive Information",
    "Considerations for Using the Data",
    "Dataset Curators",
    "Licensing Information",
    "Citation Information",
    "Contributions",
    "Contact",
)
_RELATIVE_LINK = re.compile(r"\]\((?!https?://|#|mailto:|<)([^)\s]+)\)")


def _sections(body: str) -> dict[str, str]:
    """The level-2 sections of a card body by heading, each with its heading and subsections."""
    parts = re.split(r"(?m)^(?=## )", body)
    return {part.split("\n", 1)[0][3:].strip(): part for part in parts if part.startswith("## ")}


def standoff_body(full_body: str, hub_url: str | None) -> str:
    """A standoff release's card body: its own intro, structure and licensing, the main card's other sections.

    Relative links point at the main repository on the Hub (`hub_url`), since a standoff release is
    published as a repository of its own.
    """
    sections = _sections(full_body)
    own = {"Dataset Structure": STANDOFF_STRUCTURE, "Licensing Information": STANDOFF_LICENSING}
    # The summary without its repository subsections (counts of the full release, its files).
    sections["Dataset Summary"] = sections.get("Dataset Summary", "").split("\n### ", 1)[0].rstrip() + "\n\n"
    body = STANDOFF_INTRO + "".join(own.get(name) or sections.get(name, "") for name in SHARED_SECTIONS)
    if hub_url is None:
        return body
    return _RELATIVE_LINK.sub(lambda m: f"]({hub_url.rstrip('/')}/blob/main/{m.group(1)})", body)


def render_card(root: Path, flavor: Flavor = "full", template: Path | None = None, data: Path | None = None) -> str:
    """README.md of release `root` with its front matter's configs and dataset_info regenerated.

    A standoff release takes its front matter and shared sections from `template` (the corpus's
    README.md); it is CC-BY-4.0, since it ships no text whose licence is not open. The split sizes
    are read from `data` (default ROOT/data; a build passes the folder it has staged).
    """
    flavor = check_choice("flavor", flavor, FLAVORS)
    readme = template or root / "README.md"
    front, body = read_card(readme)
    return _render(front, body, flavor, readme.parent / CITATION, data or root / "data")


def render_card_text(root: Path, flavor: Flavor, template: str, citation: Path) -> str:
    """render_card from the template's text (a card being written, e.g. by a release) and its CITATION.cff."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    front, body = split_front_matter(template)
    return _render(front, body, flavor, citation, root / "data")


def _render(front: dict[str, Any], body: str, flavor: Flavor, citation: Path, data: Path) -> str:
    front.update(render_card_metadata(data, flavor))
    if flavor == "standoff":
        for key in ("license_name", "license_link"):
            front.pop(key, None)
        front["license"] = "cc-by-4.0"
        if "pretty_name" in front:
            front["pretty_name"] = f"{front['pretty_name']} (standoff release)"
        body = standoff_body(body, read_citation(citation).get("url") if citation.is_file() else None)
    return join_front_matter(front, body)


def join_front_matter(front: dict[str, Any], body: str) -> str:
    """A card's text: the front matter as YAML between fences, then the Markdown body."""
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=120)
    return f"{FENCE}{head}{FENCE}{body}"


def write_card(root: Path, flavor: Flavor = "full", template: Path | None = None) -> bool:
    """Rewrite README.md's front matter, and for the full flavour docs/attribution.md and the crosswalk
    (docs/crosswalk.md, .csv), where out of date (under the root's write lock); True when any changed."""
    flavor = check_choice("flavor", flavor, FLAVORS)
    pages = {root / "README.md": render_card(root, flavor, template)}
    if flavor == "full":
        pages[root / ATTRIBUTION] = render_attribution(root)
        pages |= {root / path: text for path, text in render_crosswalk().items()}
    changed = False
    with locked(root):
        for path, text in pages.items():
            new = text.encode("utf-8")
            if path.exists() and read_regular(path, path.relative_to(root).as_posix()) == new:
                continue
            path.parent.mkdir(exist_ok=True)
            write_atomic(path, new)
            changed = True
    return changed
