"""Coreference scores between a key and a response partition of mentions: MUC, B³, CEAF-e, LEA, CoNLL.

A partition is a list of clusters (entities), each a set of mentions; mentions are compared by
identity (here: exact character offsets), nothing is matched loosely. Definitions follow the
reference scorer's (Pradhan et al. 2014, "Scoring coreference partitions of predicted mentions: a
reference implementation", ACL), which applies the original measures to twinless mentions (a
mention in one partition only) without modifying them: a key mention the response lacks counts
against recall, a response mention the key lacks against precision, and for MUC a mention missing
from the other partition is a part of its own when a cluster is partitioned. LEA follows Moosavi
and Strube 2016 ("Which coreference evaluation metric do you trust? A proposal for a link-based
entity aware metric", ACL), with its reference implementation's reading of singletons: a singleton
cluster has one (self-)link, resolved when the other partition has the same mention as a singleton.

Every measure is returned as numerators and denominators rather than ratios, so that documents are
pooled the way the reference scorer pools them (sums of numerators over sums of denominators) and a
bootstrap resample only adds counts (core.bootstrap).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

Cluster = frozenset[Hashable]
METRICS = ("muc", "b3", "ceafe", "lea")
# Per metric: the counts keys of recall's and precision's numerator and denominator.
PARTS = ("recall_num", "recall_den", "precision_num", "precision_den")


def partition(clusters: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    """Clusters as a partition: a mention in two clusters stays in the first only, empty clusters go."""
    seen: set[Hashable] = set()
    out = []
    for cluster in clusters:
        kept = frozenset(m for m in cluster if m not in seen)
        seen |= kept
        if kept:
            out.append(kept)
    return out


def _owner(clusters: Sequence[Cluster]) -> dict[Hashable, int]:
    return {m: i for i, cluster in enumerate(clusters) for m in cluster}


def muc(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float]:
    """MUC recall as (numerator, denominator): per key cluster, its size less the number of parts the
    response cuts it into (a mention the response lacks being a part of its own), over its size less one
    (Vilain et al. 1995). Precision is muc(response, key)."""
    owner = _owner(response)
    num = den = 0
    for cluster in key:
        parts = {owner.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def b_cubed(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float]:
    """B³ recall as (numerator, denominator): per key mention, the share of its key cluster found in its
    response cluster (0 when the response lacks it), summed, over the number of key mentions (Bagga and
    Baldwin 1998). Precision is b_cubed(response, key)."""
    num = 0.0
    for k in key:
        for r in response:
            shared = len(k & r)
            num += shared * shared / len(k)
    return num, sum(len(k) for k in key)


def _max_assignment(weights: list[list[float]]) -> float:
    """The largest total weight of a one-to-one assignment of rows to columns (Kuhn-Munkres with
    potentials, O(n²m)); rows must not outnumber columns."""
    n, m = len(weights), len(weights[0]) if weights else 0
    if not n:
        return 0.0
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    way, match = [0] * (m + 1), [0] * (m + 1)  # match[j]: the row (1-based) assigned to column j
    for row in range(1, n + 1):
        match[0], j0 = row, 0
        least, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cost = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cost < least[j]:
                        least[j], way[j] = cost, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    return sum(weights[match[j] - 1][j - 1] for j in range(1, m + 1) if match[j])


def ceaf_e(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, int, int]:
    """Entity-based CEAF (Luo 2005, φ4): the total similarity 2|K∩R| / (|K|+|R|) of the best one-to-one
    alignment of key and response clusters, the number of key clusters (recall's denominator) and of
    response clusters (precision's)."""
    rows, columns = (key, response) if len(key) <= len(response) else (response, key)
    similarity = [[2 * len(a & b) / (len(a) + len(b)) for b in columns] for a in rows]
    return _max_assignment(similarity), len(key), len(response)


def lea(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float]:
    """LEA recall as (numerator, denominator): per key cluster k, |k| * the share of its links (pairs of
    mentions; a singleton's one self-link) that the response also links, summed, over the key mentions
    (Moosavi and Strube 2016). Precision is lea(response, key)."""
    owner = _owner(response)
    num = 0.0
    for k in key:
        if len(k) == 1:
            (mention,) = k
            found = mention in owner and len(response[owner[mention]]) == 1
            num += float(found)
            continue
        links = len(k) * (len(k) - 1) / 2
        shared = 0
        for r in response:
            n = len(k & r)
            shared += n * (n - 1) // 2
        num += len(k) * shared / links
    return num, sum(len(k) for k in key)


def coref_counts(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> dict[str, float]:
    """Every metric's numerators and denominators for one document, keyed `metric:part` (PARTS)."""
    k, r = partition(key), partition(response)
    out: dict[str, float] = {}
    for name, measure in (("muc", muc), ("b3", b_cubed), ("lea", lea)):
        (rn, rd), (pn, pd) = measure(k, r), measure(r, k)
        out |= {f"{name}:recall_num": rn, f"{name}:recall_den": rd, f"{name}:precision_num": pn,
                f"{name}:precision_den": pd}  # fmt: skip
    similarity, keys, responses = ceaf_e(k, r)
    out |= {"ceafe:recall_num": similarity, "ceafe:recall_den": keys, "ceafe:precision_num": similarity,
            "ceafe:precision_den": responses}  # fmt: skip
    return out


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def prf(counts: Mapping[Hashable, float], metric: str, prefix: Hashable = "") -> dict[str, float | None]:
    """Recall, precision and F1 of one metric from (pooled) counts; a ratio over zero is undefined (None),
    and so is an F1 with an undefined side. `prefix` is what the counts keys were prefixed with."""

    def get(part: str) -> float:
        return counts.get((prefix, f"{metric}:{part}") if prefix else f"{metric}:{part}", 0)

    recall = _ratio(get("recall_num"), get("recall_den"))
    precision = _ratio(get("precision_num"), get("precision_den"))
    f1 = None
    if recall is not None and precision is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"recall": recall, "precision": precision, "f1": f1}


def conll(counts: Mapping[Hashable, float], prefix: Hashable = "") -> float | None:
    """The CoNLL score: the mean of MUC, B³ and CEAF-e F1 (undefined when one of them is)."""
    scores = [prf(counts, metric, prefix)["f1"] for metric in ("muc", "b3", "ceafe")]
    return None if any(s is None for s in scores) else sum(s for s in scores if s is not None) / 3
