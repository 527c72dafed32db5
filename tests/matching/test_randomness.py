"""Random over valid groupings: checked against exact enumeration with fixed seeds (not flaky)."""

from __future__ import annotations

import itertools
import math
from collections import Counter

from unmentor.matching import Candidate, match_round


def _perfect_matchings(people: list[int], ok) -> list[frozenset]:
    if not people:
        return [frozenset()]
    first, rest = people[0], people[1:]
    found = []
    for partner in rest:
        if ok(first, partner):
            remaining = [p for p in rest if p != partner]
            for tail in _perfect_matchings(remaining, ok):
                found.append(tail | {frozenset((first, partner))})
    return found


def _chi_square_p(observed: list[int], expected: float) -> float:
    """Upper tail of the chi-square statistic (Wilson-Hilferty normal approximation)."""
    stat = sum((o - expected) ** 2 / expected for o in observed)
    k = len(observed) - 1
    z = ((stat / k) ** (1 / 3) - (1 - 2 / (9 * k))) / math.sqrt(2 / (9 * k))
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_whole_groupings_are_uniform_against_exact_enumeration() -> None:
    """8 people, 4 organisations of 2, some history: every valid grouping equally likely."""
    candidates = [Candidate(i, f"org{i // 2}") for i in range(8)]
    history = [(0, 2), (1, 4), (3, 6), (5, 7)]
    met = {frozenset(p) for p in history}

    def ok(a, b):
        return a // 2 != b // 2 and frozenset((a, b)) not in met

    everything = _perfect_matchings(list(range(8)), ok)
    assert len(everything) > 10
    runs = 200 * len(everything)
    seen = Counter(
        frozenset(frozenset(g) for g in match_round(candidates, history, seed=s).groups)
        for s in range(runs)
    )
    assert set(seen) == set(everything), "every valid grouping turns up, and nothing else"
    p = _chi_square_p([seen[m] for m in everything], runs / len(everything))
    assert p > 0.001, f"not uniform: p = {p:.2g}"


def test_every_valid_partner_is_equally_likely() -> None:
    """12 people, 6 organisations of 2: by symmetry each of 10 partners has chance 1/10."""
    candidates = [Candidate(i, f"org{i // 2}") for i in range(12)]
    partners = Counter()
    runs = 3000
    for seed in range(runs):
        for group in match_round(candidates, [], seed=seed).groups:
            if 0 in group:
                partners.update(p for p in group if p != 0)
    assert set(partners) == set(range(2, 12))
    p = _chi_square_p([partners[x] for x in range(2, 12)], runs / 10)
    assert p > 0.001, f"partners of person 0 are not equally likely: p = {p:.2g}"


def test_different_seeds_give_different_groupings() -> None:
    candidates = [Candidate(i, f"org{i % 7}") for i in range(40)]
    groupings = {
        frozenset(frozenset(g) for g in match_round(candidates, [], seed=s).groups)
        for s in range(20)
    }
    assert len(groupings) == 20


def test_who_sits_out_is_random_among_equals() -> None:
    candidates = [Candidate(i, f"org{i}") for i in range(5)]
    left_out = Counter(
        person
        for seed in range(2000)
        for person in match_round(candidates, [], seed=seed, triads=False).unmatched
    )
    assert set(left_out) == set(range(5))
    assert _chi_square_p([left_out[i] for i in range(5)], 400) > 0.001


def test_same_seed_same_grouping() -> None:
    candidates = [Candidate(i, f"org{i % 3}") for i in range(30)]
    history = list(itertools.combinations(range(0, 30, 4), 2))
    assert match_round(candidates, history, seed=5) == match_round(candidates, history, seed=5)
