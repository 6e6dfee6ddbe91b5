"""Citations rendered from CITATION.cff (read by core.citation), in BibTeX, APA or as the file itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.citation import locate_citation, read_citation
from ..core.options import CITATION_FORMATS, CitationFormat, check_choice


def _authors(cff: dict[str, Any]) -> list[str]:
    names = []
    for author in cff["authors"]:
        if "family-names" in author:
            names.append(f"{author['family-names']}, {author.get('given-names', '')}".strip(", "))
        else:
            names.append(author["name"])
    return names


def _year(cff: dict[str, Any]) -> str:
    released = cff.get("date-released")
    return str(released)[:4] if released else "n.d."


def format_bibtex(cff: dict[str, Any]) -> str:
    key = "conflict_news_corpus_" + str(cff["version"]).replace(".", "_")
    authors = " and ".join("{" + a + "}" if "," not in a else a for a in _authors(cff))
    fields = {
        "title": "{" + cff["title"] + "}",
        "author": "{" + authors + "}",
        "year": "{" + _year(cff) + "}",
        "version": "{" + str(cff["version"]) + "}",
        "note": "{Dataset, licence " + cff["license"] + "}",
    }
    if cff.get("doi"):
        fields["doi"] = "{" + cff["doi"] + "}"
    if cff.get("url"):
        fields["url"] = "{" + cff["url"] + "}"
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@misc{{{key},\n{body}\n}}\n"


def format_apa(cff: dict[str, Any]) -> str:
    authors = _authors(cff)
    who = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + ", & " + authors[-1]
    where = f" https://doi.org/{cff['doi']}" if cff.get("doi") else (f" {cff['url']}" if cff.get("url") else "")
    return f"{who}. ({_year(cff)}). {cff['title']} (Version {cff['version']}) [Data set].{where}\n"


def format_citation(fmt: CitationFormat, path: Path | None = None) -> str:
    """The citation of CITATION.cff (`path`, default the shipped one) as BibTeX, APA, or the file itself (cff)."""
    fmt = check_choice("format", fmt, CITATION_FORMATS)
    if fmt == "cff":
        return (path or locate_citation()).read_text(encoding="utf-8")
    cff = read_citation(path)
    return format_bibtex(cff) if fmt == "bibtex" else format_apa(cff)


CITATION_BLOCK = re.compile(r"(<!-- citation:start -->\n```bibtex\n).*?(```\n<!-- citation:end -->)", re.S)


def replace_citation_block(card: str, cff: dict[str, Any]) -> str:
    """The card with the BibTeX block between its citation markers rendered from `cff`."""
    return CITATION_BLOCK.sub(lambda m: m.group(1) + format_bibtex(cff) + m.group(2), card, count=1)
