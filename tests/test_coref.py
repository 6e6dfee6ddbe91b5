"""Coreference scores on the worked examples of the papers that defined them, the arithmetic written out."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import permutations

import pytest

from conflict_news.core.coref import _max_assignment, b_cubed, ceaf_e, conll, coref_counts, lea, muc, partition, prf


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


def _clusters(*groups: str) -> list[frozenset[str]]:
    return [frozenset(g) for g in groups]


def test_muc_on_vilain_et_al_1995s_example() -> None:
    # Key {A B C D}; response {A B} {C D}. Recall: the key cluster is cut in two parts: (4 - 2) / (4 - 1).
    # Precision: each response cluster lies inside one key cluster: ((2 - 1) + (2 - 1)) / ((2 - 1) + (2 - 1)).
    key, response = _clusters("ABCD"), _clusters("AB", "CD")
    assert muc(key, response) == (2, 3)
    assert muc(response, key) == (2, 2)
    assert prf(coref_counts(key, response), "muc")["f1"] == pytest.approx(_f(1, 2 / 3))  # 0.8


# Bagga and Baldwin 1998, their figure: key {1-5} {6 7} {8-12}; two responses that MUC cannot tell apart.
KEY = [frozenset(range(1, 6)), frozenset({6, 7}), frozenset(range(8, 13))]
MERGED_SMALL = [frozenset(range(1, 6)), frozenset(range(6, 13))]  # {6 7} wrongly joined to {8-12}
MERGED_LARGE = [frozenset([*range(1, 6), *range(8, 13)]), frozenset({6, 7})]  # {1-5} joined to {8-12}


def test_b_cubed_tells_apart_what_muc_cannot_as_bagga_and_baldwin_show() -> None:
    # MUC recall: every key cluster lies in one response cluster: (4 + 1 + 4) / (4 + 1 + 4).
    assert muc(KEY, MERGED_SMALL) == (9, 9) and muc(KEY, MERGED_LARGE) == (9, 9)
    # MUC precision: the merged cluster is cut in two by the key. Small: (4 + (7 - 2)) / (4 + 6);
    # large: ((10 - 2) + 1) / (9 + 1). Both 9/10.
    assert muc(MERGED_SMALL, KEY) == (9, 10) and muc(MERGED_LARGE, KEY) == (9, 10)
    # B³ recall is 1 for both (every key mention finds its whole cluster); precision, per response mention:
    # small: 5 * 5/5 + 2 * 2/7 + 5 * 5/7 = 5 + 4/7 + 25/7 = 64/7, over 12 mentions = 16/21;
    # large: 10 * 5/10 + 2 * 2/2 = 7, over 12 = 7/12.
    assert b_cubed(KEY, MERGED_SMALL) == pytest.approx((12, 12))
    assert b_cubed(MERGED_SMALL, KEY)[0] / 12 == pytest.approx(16 / 21)
    assert b_cubed(MERGED_LARGE, KEY)[0] / 12 == pytest.approx(7 / 12)


def test_ceaf_e_and_lea_on_the_same_example() -> None:
    # CEAF-e, φ4(K, R) = 2|K∩R| / (|K| + |R|): {1-5}-{1-5} = 1, {8-12}-{6-12} = 10/12, {6 7}-{6-12} = 4/9;
    # the best alignment takes the first two: 1 + 5/6 = 11/6; recall 11/6 over 3 key clusters, precision
    # over 2 response clusters.
    similarity, keys, responses = ceaf_e(KEY, MERGED_SMALL)
    assert similarity == pytest.approx(11 / 6) and (keys, responses) == (3, 2)
    # LEA recall: every key link is kept: (5 * 10/10 + 2 * 1/1 + 5 * 10/10) / 12 = 1. Precision: {1-5}
    # keeps its 10 links; {6-12} has 21 links of which 1 + 10 are key links: (5 * 1 + 7 * 11/21) / 12
    # = (5 + 11/3) / 12 = 13/18.
    assert lea(KEY, MERGED_SMALL) == pytest.approx((12, 12))
    num, den = lea(MERGED_SMALL, KEY)
    assert num / den == pytest.approx(13 / 18)


def test_every_metric_on_moosavi_and_strubes_example_with_twinless_mentions() -> None:
    """Moosavi and Strube 2016, section 4: key {a b c} {d e f g}; response {a b} {c d} {f g h i}; e has no
    twin in the response, h and i none in the key."""
    key, response = _clusters("abc", "defg"), _clusters("ab", "cd", "fghi")
    counts = coref_counts(key, response)
    # LEA, as in the paper: recall (3 * 1/3 + 4 * 1/6) / (3 + 4) = 5/21 ≈ 0.24;
    # precision (2 * 1/1 + 2 * 0/1 + 4 * 1/6) / (2 + 2 + 4) = 1/3 ≈ 0.33.
    lea_scores = prf(counts, "lea")
    assert lea_scores["recall"] == pytest.approx(5 / 21) and lea_scores["precision"] == pytest.approx(1 / 3)
    # MUC recall: {a b c} is cut into {a b} {c}: 3 - 2; {d e f g} into {d} {e} {f g}: 4 - 3; over 2 + 3 = 2/5.
    # Precision: {a b} whole: 1; {c d} cut in two: 0; {f g h i} into {f g} {h} {i}: 1; over 1 + 1 + 3 = 2/5.
    muc_scores = prf(counts, "muc")
    assert (muc_scores["recall"], muc_scores["precision"]) == (pytest.approx(2 / 5), pytest.approx(2 / 5))
    # B³ recall, per key mention: a, b 2/3; c 1/3; d 1/4; e 0; f, g 2/4: 35/12 over 7 = 5/12.
    # Precision, per response mention: a, b 2/2; c, d 1/2; f, g 2/4; h, i 0: 4 over 8 = 1/2.
    b3 = prf(counts, "b3")
    assert (b3["recall"], b3["precision"]) == (pytest.approx(5 / 12), pytest.approx(1 / 2))
    # CEAF-e: φ4 {a b c}-{a b} = 4/5, {a b c}-{c d} = 2/5, {d e f g}-{c d} = 2/6, {d e f g}-{f g h i} = 4/8;
    # best: 4/5 + 1/2 = 13/10; recall over 2 key clusters 13/20, precision over 3 response clusters 13/30.
    ceafe = prf(counts, "ceafe")
    assert (ceafe["recall"], ceafe["precision"]) == (pytest.approx(13 / 20), pytest.approx(13 / 30))
    # CoNLL: the mean of F1: MUC 2/5, B³ 2 * 1/2 * 5/12 / (11/12) = 5/11, CEAF-e 26/50 = 13/25.
    assert conll(counts) == pytest.approx((Fraction(2, 5) + Fraction(5, 11) + Fraction(13, 25)) / 3)


def test_singletons_and_empty_partitions() -> None:
    # A singleton is MUC-invisible (0 links of 0), but LEA gives it one self-link, kept when the response
    # has the same mention alone, lost when the response joins it to another.
    assert muc(_clusters("a"), _clusters("a")) == (0, 0)
    assert lea(_clusters("a"), _clusters("a")) == (1, 1)
    assert lea(_clusters("a"), _clusters("ab")) == (0, 1)
    assert prf(coref_counts([], []), "b3") == {"recall": None, "precision": None, "f1": None}
    assert conll(coref_counts(_clusters("a"), _clusters("a"))) is None  # MUC is 0/0: no CoNLL score
    # Nothing in common: every score defined is 0.
    assert prf(coref_counts(_clusters("ab"), _clusters("cd")), "muc")["f1"] == 0.0


def test_a_mention_in_two_clusters_stays_in_the_first_only() -> None:
    assert partition([["a", "b"], ["b", "c"], ["b"]]) == [frozenset("ab"), frozenset("c")]


def test_the_assignment_is_the_best_of_all_permutations() -> None:
    rng = random.Random(5)
    for rows, columns in ((1, 1), (2, 3), (3, 3), (3, 5), (4, 4), (5, 6)):
        for _ in range(20):
            weights = [[rng.choice([0.0, rng.random()]) for _ in range(columns)] for _ in range(rows)]
            best = max(
                sum(weights[i][j] for i, j in enumerate(chosen)) for chosen in permutations(range(columns), rows)
            )
            assert _max_assignment(weights) == pytest.approx(best)
