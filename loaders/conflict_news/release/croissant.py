"""croissant.json: Croissant 1.1 metadata generated from the same Features as the Parquet shards.

Unlike the Hub's automatic Croissant, label names survive: every ClassLabel column references an
enumeration record set that lists its names. Each Parquet shard is a FileObject with its SHA-256;
a FileSet per config gathers its shards, and a `split` field is read from the shard's file name.
The flat configs are described in full; `documents` nests whole layers, which mlcroissant 1.1
cannot read at that depth, so its record set describes the document fields and points to the flat
record sets (joined on doc_id) for the layers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..core.citation import read_citation
from ..core.extras import require_extra
from ..core.options import CONFIGS
from ..core.store import write_atomic
from ..core.txn import locked
from ..hf.features import build_features
from .cite import format_bibtex
from .manifest import hash_file
from .rai import RAI

with require_extra("hf"):
    from datasets import ClassLabel, Features, Value
with require_extra("release"):
    import mlcroissant as mlc

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
NESTED_LAYERS = ("entities", "events", "quotes", "figures")
_TYPES = {
    "string": mlc.DataType.TEXT,
    "int32": mlc.DataType.INTEGER,
    "int64": mlc.DataType.INTEGER,
    "float32": mlc.DataType.FLOAT,
    "float64": mlc.DataType.FLOAT,
    "bool": mlc.DataType.BOOL,
}


class _Builder:
    """Collects the record sets of one croissant.json; enumerations are shared by their label lists."""

    def __init__(self) -> None:
        self.enumerations: dict[tuple[str, ...], mlc.RecordSet] = {}

    def enumeration(self, names: tuple[str, ...], first_user: str) -> str:
        """The key field of the enumeration listing `names`, named after the first field that uses it."""
        if names not in self.enumerations:
            rid = "labels-" + first_user.replace("/", "-")
            self.enumerations[names] = mlc.RecordSet(
                id=rid,
                name=rid,
                description=f"Label names of {first_user} (and every field with the same labels), by the integer stored in the data.",
                key=[f"{rid}/index"],
                fields=[
                    mlc.Field(id=f"{rid}/index", name="index", data_types=[mlc.DataType.INTEGER]),
                    mlc.Field(id=f"{rid}/name", name="name", data_types=[mlc.DataType.TEXT]),
                ],
                data=[{f"{rid}/index": i, f"{rid}/name": n} for i, n in enumerate(names)],
            )
        return f"{self.enumerations[names].id}/index"

    def field(self, fid: str, name: str, feature: Any, fileset: str, column: str, path: list[str]) -> mlc.Field | None:
        """The Field for `feature`, read from `column` through the dotted `path` inside it."""
        source = mlc.Source(
            file_set=fileset,
            extract=mlc.Extract(column=column),
            transforms=[mlc.Transform(json_path=".".join(path))] if path else [],
        )
        if isinstance(feature, ClassLabel):
            ref = self.enumeration(tuple(feature.names), fid)
            return mlc.Field(
                id=fid, name=name, data_types=[mlc.DataType.INTEGER], source=source, references=mlc.Source(field=ref)
            )
        if isinstance(feature, Value):
            return mlc.Field(id=fid, name=name, data_types=[_TYPES[feature.dtype]], source=source)
        if isinstance(feature, dict):
            subs = [s for k, v in feature.items() if (s := self.field(f"{fid}/{k}", k, v, fileset, column, [*path, k]))]
            return mlc.Field(id=fid, name=name, sub_fields=subs) if subs else None
        inner = feature.feature
        if isinstance(inner, dict):
            if path:
                return None  # a list of records inside a record: see the module docstring
            subs = [s for k, v in inner.items() if (s := self.field(f"{fid}/{k}", k, v, fileset, column, [k]))]
            return mlc.Field(id=fid, name=name, is_array=True, array_shape="-1", sub_fields=subs)
        element = self.field(fid, name, inner, fileset, column, path)
        assert element is not None  # a list of scalars or labels
        return mlc.Field(
            id=fid, name=name, is_array=True, array_shape="-1",
            data_types=element.data_types, source=element.source,
        )  # fmt: skip

    def record_set(self, config: str, features: Features) -> mlc.RecordSet:
        fileset = f"files-{config}"
        fields = [
            mlc.Field(
                id=f"{config}/split",
                name="split",
                data_types=[mlc.DataType.TEXT],
                source=mlc.Source(
                    file_set=fileset,
                    extract=mlc.Extract(file_property="filename"),
                    transforms=[mlc.Transform(regex=r"^(\w+)-\d{5}-of-\d{5}\.parquet$")],
                ),
            )
        ]
        for name, feature in features.items():
            if config == "documents" and name in NESTED_LAYERS:
                continue
            made = self.field(f"{config}/{name}", name, feature, fileset, name, [])
            if made is not None:
                fields.append(made)
        described = (
            ""
            if config != "documents"
            else " The layers nested in this config are the flat record sets events, quotes, figures and entities, joined on doc_id."
        )
        return mlc.RecordSet(id=config, name=config, description=f"The {config} config.{described}", fields=fields)


def build_croissant(root: Path, cff: dict[str, Any] | None = None, version: str = __version__) -> dict[str, Any]:
    """The Croissant document of the corpus at `root`; `cff`/`version` describe a release being cut."""
    cff = cff or read_citation(root / "CITATION.cff")
    distribution: list[mlc.FileObject | mlc.FileSet] = []
    builder = _Builder()
    record_sets = []
    for config in CONFIGS:
        shards = sorted((root / "data" / config).glob("*.parquet"))
        for shard in shards:
            rel = shard.relative_to(root).as_posix()
            distribution.append(
                mlc.FileObject(
                    id=rel, name=rel, content_url=rel, encoding_formats=[PARQUET], sha256=hash_file(root, rel).sha256
                )
            )
        distribution.append(
            mlc.FileSet(
                id=f"files-{config}", name=f"files-{config}", encoding_formats=[PARQUET],
                includes=[f"data/{config}/*.parquet"], contained_in=[s.relative_to(root).as_posix() for s in shards],
            )
        )  # fmt: skip
        record_sets.append(builder.record_set(config, build_features(config)))
    url = str(cff.get("url") or cff.get("repository-code") or "https://huggingface.co/datasets")
    metadata = mlc.Metadata(
        name=cff["title"],
        description=cff["abstract"].strip(),
        url=url,
        # Mixed, as the card's `license: other` says: the annotations' licence, and the file that
        # gives each document text's rights to its owner.
        license=["https://creativecommons.org/licenses/by/4.0/", f"{url}/blob/main/LICENSE-DATA"],
        version=version,
        conforms_to=[CONFORMS_TO],
        cite_as=format_bibtex(cff),
        keywords=list(cff.get("keywords", [])),
        in_language=["en"],
        date_published=dt.datetime.fromisoformat(str(cff["date-released"])) if cff.get("date-released") else None,
        creators=[mlc.Organization(name=str(author["name"])) for author in cff.get("authors", []) if "name" in author],
        distribution=distribution,
        record_sets=[*builder.enumerations.values(), *record_sets],
        **RAI,
    )
    document: dict[str, Any] = json.loads(json.dumps(metadata.to_json(), default=str))
    return document


def dump_croissant(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_croissant(root: Path) -> Path:
    """Rewrite croissant.json from the Features and data/, under the root's write lock."""
    target = root / CROISSANT
    with locked(root):
        write_atomic(target, dump_croissant(build_croissant(root)))
    return target
