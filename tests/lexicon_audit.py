"""The pre-annotator's lexicon against the documents it may be tuned on (issue 26): who added each entry, where it matches.

Owns the list of every lexicon entry of the rule-based pre-annotator: the taxonomy's trigger lexicon
(`event_types.*.triggers`) and vague numerals, and the word lists (public upper-case constants) of
grow/lexicon.py, quotes.py, figures.py and preannotate.py. For each entry it counts the documents of
each group in which the entry matches, with the pre-annotator's own matcher (lexicon.compile_entry and
Entry.matches on lexicon.tokenize: a dictionary form matches its inflections, an inflected form only
itself), and finds in the git history the commit that added it.

It lives under tests/ and not in the package: it reads the dev set's held-out texts, the real
corpus's test split and the repository's history, none of which a wheel carries, and it is a
maintainers' check, not a user's tool. It never prints or returns a text: counts per entry only.

    PYTHONPATH=loaders python tests/lexicon_audit.py [--json OUT]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from conflict_news.grow.lexicon import Entry, Token, american, compile_entry, lemma, tokenize

REPO = Path(__file__).resolve().parents[1]
TAXONOMY = "schema/taxonomy.json"
MODULES = {name: f"loaders/conflict_news/grow/{name}.py" for name in ("lexicon", "quotes", "figures", "preannotate")}
# For the history: where the word lists lived before the pre-annotator was split into modules, and the
# names two of them had there.
CODE_FILES = ("loaders/conflict_news/preannotate.py", *MODULES.values())
RENAMED = {"REPORTING_CUES": "REPORTING", "PROPERTY_VERBS": "PROPERTY_CUES"}
HELD_OUT_GOLD = tuple(f"dev/annotations/dev-{n:03d}.json" for n in range(6, 11))
SEED = "cnc-000001"
# Groups of documents: rules may come from the tuning ones, never from the held-out ones.
GROUPS = ("seed", "dev_tuning", "dev_held_out", "real_tuning", "real_held_out")
TUNING = ("seed", "dev_tuning", "real_tuning")
# The tuning documents there were when the rules were written (the real corpus came later).
FIRST_TUNING = ("seed", "dev_tuning")


@dataclass(frozen=True, slots=True, order=True)
class LexEntry:
    """One entry: `where` names its list (`trigger:violent.war`, `quotes.REPORTING`, `preannotate.PROPERTY_CUES.killed`)."""

    where: str
    entry: str

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        """Its list (without the module, under its current name) and its key: what stays the same when a
        list moves to another module or an entry is re-bracketed or written in another inflection."""
        where = self.where
        if not where.startswith(("trigger:", "vague_numerals")):
            name, _, rest = where.split(".", 1)[1].partition(".")
            where = RENAMED.get(name, name) + (f".{rest}" if rest else "")
        return where, key(self.entry)


# entries -----------------------------------------------------------------------------------------


def _strings(value: Any) -> list[str] | None:
    """The words of a list, set or tuple of strings (a tuple of words is one phrase); None for anything else."""
    if not isinstance(value, set | frozenset | list | tuple) or not value:
        return None
    words = [" ".join(v) if isinstance(v, tuple) and all(isinstance(w, str) for w in v) else v for v in value]
    return sorted(words) if all(isinstance(w, str) for w in words) else None


def word_lists(module: str, namespace: Mapping[str, Any], type_names: Iterable[str]) -> dict[str, list[str]]:
    """The word lists among a module's public upper-case constants.

    A collection of strings is one list; a dict of collections is a list per key (`PROPERTY_CUES.killed`);
    a dict of strings is a list of its keys (`APPROX_CUES`: the cue words, mapped to bound names).
    Collections of event type names (GENERIC, ATTACKS) name types, not words, and are left out.
    """
    types = set(type_names)
    found: dict[str, list[str]] = {}
    for name, value in namespace.items():
        if name.startswith("_") or name.upper() != name:
            continue
        if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
            found[f"{module}.{name}"] = sorted(value)
        elif isinstance(value, dict):
            for label, inner in value.items():
                words = _strings(inner)
                if words is not None:
                    found[f"{module}.{name}.{label}"] = words
        else:
            words = _strings(value)
            if words is not None and not set(words) <= types:
                found[f"{module}.{name}"] = words
    return found


def entries_of(taxonomy: Mapping[str, Any], namespaces: Mapping[str, Mapping[str, Any]]) -> list[LexEntry]:
    """Every entry of a taxonomy (as parsed from taxonomy.json) and of modules' constants (by module name)."""
    lists = {f"trigger:{name}": list(t.get("triggers", [])) for name, t in taxonomy["event_types"].items()}
    lists["vague_numerals"] = sorted(taxonomy.get("vague_numerals", {}))
    for module, namespace in namespaces.items():
        lists.update(word_lists(module, namespace, taxonomy["event_types"]))
    return sorted(LexEntry(where, entry) for where, listed in lists.items() for entry in listed)


def constants(source: str) -> dict[str, Any]:
    """The literal constants a module's source assigns: its own, not what it imports; old versions too."""
    found: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                with contextlib.suppress(ValueError):  # an expression (a compiled pattern): no word list
                    found[target.id] = _literal(value)
    return found


def _literal(node: ast.expr) -> Any:
    """A literal, or a literal string's words (`"two three four".split()`, as NUMBER_WORDS was once written)."""
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
        and not node.args and not node.keywords
    ):  # fmt: skip
        return str(ast.literal_eval(node.func.value)).split()
    return ast.literal_eval(node)


def current_entries(root: Path = REPO) -> list[LexEntry]:
    """Every entry of the pre-annotator as the files of this work tree have it."""
    taxonomy = json.loads((root / TAXONOMY).read_text(encoding="utf-8"))
    sources = {name: (root / path).read_text(encoding="utf-8") for name, path in MODULES.items()}
    return entries_of(taxonomy, {name: constants(source) for name, source in sources.items()})


_IDENTIFIER = re.compile(r"[a-z]+(?:[._][a-z]+)+")  # event type names and labels (violent.chemical_weapon)
_REGEX_SPACE = re.compile(r"\[\\s[^\]]*\][+*]?|\\s[+*]?")  # `\s+`, `[\s\u00a0]+`: the space between two words
_PHRASE = re.compile(r"[A-Za-z][A-Za-z' ]*[A-Za-z]|[A-Za-z]")


def inline_phrases(source: str) -> set[str]:
    """Words and phrases the code compares text with outside the word lists: in regular expressions
    (`(?:but|while)`), comparisons (`" stopped short of " in joined`, `tok.lower == "aid"`) and sets
    inside functions. No lexicon the rules name, so the test does not hold them; the audit lists the
    new ones for a reader to judge (docstrings and messages are left out)."""
    tree = ast.parse(source)
    places: list[ast.AST] = [n for n in tree.body if isinstance(n, ast.Assign)]  # module patterns (MONTHS)
    for node in ast.walk(tree):
        call = node.func if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        pattern = call is not None and (
            (isinstance(call.value, ast.Name) and call.value.id == "re") or call.attr in ("startswith", "endswith")
        )
        if isinstance(node, ast.Compare | ast.Set) or pattern:
            places.append(node)
    found = set()
    for place in places:
        for node in ast.walk(place):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = _REGEX_SPACE.sub(" ", _IDENTIFIER.sub("|", node.value))
                text = re.sub(r"\\[A-Za-z]", "|", text)  # \b, \d, \w, \u2019: no letters of a word
                found |= {" ".join(m.split()).lower() for m in _PHRASE.findall(text)}
    return found


# matching ----------------------------------------------------------------------------------------


@cache
def compiled(entry: str) -> Entry:
    """An entry as the trigger lexicon compiles it (brackets mark the trigger; they do not change what matches)."""
    return compile_entry(entry, "")


def form(entry: str) -> tuple[tuple[str, bool], ...]:
    """What an entry matches, word by word (a lemma, or an exact form): the entry with its brackets aside."""
    return compiled(entry).words


@cache
def key(entry: str) -> tuple[str, ...]:
    """What an entry matches, brought to lemmas: `drones` and `drone`, `[fired] on` and `[fire] on` are one key."""
    return tuple(lemma(form) for form, _ in compiled(entry).words)


class Document:
    """One text's tokens, indexed the way find_triggers looks an entry up: by lemma and by spelling."""

    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id, self.text = doc_id, text
        self.tokens: list[Token] = tokenize(text)
        self.at: dict[str, list[int]] = {}
        for i, tok in enumerate(self.tokens):
            for form in {tok.lemma, american(tok.lower)}:
                self.at.setdefault(form, []).append(i)

    def matches(self, entry: str) -> bool:
        found = compiled(entry)
        return any(found.matches(self.tokens, i, self.text) for i in self.at.get(found.words[0][0], ()))


def documents(repo: Path = REPO) -> dict[str, list[Document]]:
    """The documents of each group, by their metadata's split. Texts and metadata only: no annotation is opened."""
    groups: dict[str, list[Document]] = {name: [] for name in GROUPS}
    for root, prefix in ((repo / "dev", "dev"), (repo, "real")):
        for meta in sorted((root / "corpus").glob("*.json")):
            doc_id = meta.stem
            held_out = json.loads(meta.read_text(encoding="utf-8")).get("split") == "test"
            group = "seed" if doc_id == SEED else f"{prefix}_held_out" if held_out else f"{prefix}_tuning"
            groups[group].append(Document(doc_id, (root / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8")))
    return groups


def counts(entry: str, groups: Mapping[str, list[Document]]) -> dict[str, int]:
    """In how many documents of each group the entry matches."""
    return {name: sum(doc.matches(entry) for doc in docs) for name, docs in groups.items()}


def matched_in(entry: str, docs: Iterable[Document]) -> list[str]:
    return [doc.doc_id for doc in docs if doc.matches(entry)]


# history -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str
    subject: str


# An entry of the work tree that no commit holds yet: added after the held-out gold, whatever it is.
UNCOMMITTED = Commit("", "", "not committed")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def held_out_gold_commit(repo: Path = REPO) -> Commit:
    """The commit that first added the held-out part's gold (dev/annotations/dev-006..010)."""
    line = _git(repo, "log", "--diff-filter=A", "--reverse", "--format=%H%x09%as%x09%s", "--", *HELD_OUT_GOLD)
    return Commit(*line.splitlines()[0].split("\t", 2))


class History:
    """Which entries (by identity) the lexicon held at each commit, read from the files as they were then."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.by_blobs: dict[tuple[tuple[str, str], ...], frozenset[tuple[str, tuple[str, ...]]]] = {}

    def held(self, sha: str) -> frozenset[tuple[str, tuple[str, ...]]]:
        listing = _git(self.repo, "ls-tree", sha, "--", TAXONOMY, *CODE_FILES)
        blobs = {line.split("\t")[1]: line.split()[2] for line in listing.splitlines()}
        cache_key = tuple(sorted(blobs.items()))
        if cache_key not in self.by_blobs:
            text = {path: _git(self.repo, "cat-file", "blob", blob) for path, blob in blobs.items()}
            taxonomy = json.loads(text.pop(TAXONOMY)) if TAXONOMY in text else {"event_types": {}}
            namespaces = {Path(path).stem: constants(source) for path, source in text.items()}
            self.by_blobs[cache_key] = frozenset(e.identity for e in entries_of(taxonomy, namespaces))
        return self.by_blobs[cache_key]

    def added_by(self, entries: list[LexEntry]) -> dict[LexEntry, Commit]:
        """The commit that last brought each entry into its list: present there, absent from every parent.

        The `git log -S` question asked of the parsed files rather than of their bytes, so that moving a
        list to another module, re-bracketing an entry or writing `drone` for `drones` adds nothing, and
        moving a word to another list (a trigger to another event type) does.
        """
        log = _git(self.repo, "log", "--full-history", "--topo-order", "--format=%H%x09%P%x09%as%x09%s",
                   "--", TAXONOMY, *CODE_FILES)  # fmt: skip
        wanted = {e.identity for e in entries}
        latest: dict[tuple[str, tuple[str, ...]], Commit] = {}
        for line in log.splitlines():  # newest first: the first commit found to add an entry is its last addition
            sha, parents, date, subject = line.split("\t", 3)
            before: frozenset[tuple[str, tuple[str, ...]]] = frozenset().union(*(self.held(p) for p in parents.split()))
            for identity in (self.held(sha) - before) & (wanted - latest.keys()):
                latest[identity] = Commit(sha, date, subject)
        return {e: latest.get(e.identity, UNCOMMITTED) for e in entries}


def is_after(repo: Path, earlier: Commit, later: Commit) -> bool:
    """Whether `later` has `earlier` in its history (the same commit counts)."""
    done = subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", earlier.sha, later.sha])
    return done.returncode == 0


# the audit ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    entry: LexEntry
    commit: Commit
    after_gold: bool
    counts: dict[str, int]
    tuning_sources: list[str]  # the first tuning documents (seed, dev validation) it matches in

    @property
    def flagged(self) -> bool:
        """Added once the held-out gold existed, matching held-out dev text and no tuning document of the time."""
        return self.after_gold and self.counts["dev_held_out"] > 0 and not self.tuning_sources


def audit(repo: Path = REPO) -> tuple[Commit, list[Row]]:
    entries = current_entries(repo)
    groups = documents(repo)
    gold = held_out_gold_commit(repo)
    commits = History(repo).added_by(entries)
    after = {c: c == UNCOMMITTED or is_after(repo, gold, c) for c in set(commits.values())}
    first_tuning = [doc for name in FIRST_TUNING for doc in groups[name]]
    return gold, [
        Row(e, commits[e], after[commits[e]], counts(e.entry, groups), matched_in(e.entry, first_tuning))
        for e in entries
    ]


def inline_candidates(repo: Path, gold: Commit) -> list[tuple[str, dict[str, int]]]:
    """Inline words and phrases (inline_phrases) new since the held-out gold, that match held-out dev text
    and no tuning document of the time: the same test as for list entries, for a reader to judge."""
    listed = {e.entry.lower() for e in current_entries(repo)}
    now = set().union(*(inline_phrases((repo / path).read_text(encoding="utf-8")) for path in MODULES.values()))
    then = set().union(*(inline_phrases(_git(repo, "show", f"{gold.sha}:{path}")) for path in _files_at(repo, gold)))
    known = {key(p) for p in then} | {i[1] for i in History(repo).held(gold.sha)}
    groups = documents(repo)
    first_tuning = [doc for name in FIRST_TUNING for doc in groups[name]]
    return [
        (phrase, counts(phrase, groups))
        for phrase in sorted(now - listed)
        if key(phrase) not in known
        and not matched_in(phrase, first_tuning)
        and matched_in(phrase, groups["dev_held_out"])
    ]


def _files_at(repo: Path, commit: Commit) -> list[str]:
    listing = _git(repo, "ls-tree", "--name-only", commit.sha, "--", *CODE_FILES)
    return listing.split()


def _commit(commit: Commit) -> dict[str, str]:
    return {"sha": commit.sha, "date": commit.date, "subject": commit.subject}


def report(gold: Commit, rows: list[Row]) -> dict[str, Any]:
    return {
        "held_out_gold": _commit(gold),
        "entries": [
            {"list": r.entry.where, "entry": r.entry.entry, "added": _commit(r.commit), "after_held_out_gold": r.after_gold,
             "documents_matched": r.counts, "tuning_sources": r.tuning_sources, "flagged": r.flagged}
            for r in rows
        ],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Audit the pre-annotator's lexicon (counts only).")
    parser.add_argument("--json", type=Path, help="write every entry's row here")
    args = parser.parse_args(argv)
    gold, rows = audit()
    print(f"held-out gold first added by {gold.sha[:10]} {gold.date}")
    print(f"flag | list | entry | added by | date | documents matched: {' '.join(GROUPS)}")
    for r in rows:
        if r.after_gold and not r.tuning_sources:
            cells = " ".join(str(r.counts[g]) for g in GROUPS)
            mark = "FLAG" if r.flagged else "-"
            print(f"{mark} | {r.entry.where} | {r.entry.entry} | {r.commit.sha[:10]} | {r.commit.date} | {cells}")
    for phrase, found in inline_candidates(REPO, gold):
        print(f"INLINE | {phrase} | {' '.join(str(found[g]) for g in GROUPS)}")
    after = sum(r.after_gold for r in rows)
    print(f"{len(rows)} entries, {after} added after the held-out gold, {sum(r.flagged for r in rows)} flagged")
    if args.json:
        args.json.write_text(json.dumps(report(gold, rows), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
