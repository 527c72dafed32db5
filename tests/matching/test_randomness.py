"""Promise 4: seeds reproduce, differ, and draw groupings uniformly.

Every test uses fixed seeds, so none is flaky: a failure is a real change in the distribution.
The thresholds (p < 0.001) would let a correct sampler through and shuffle-and-repair not:
a test shows the same check rejecting shuffle-and-repair on the same instance.

Uniform while fresh partners are plentiful (and always for the draw itself); in a small pool
where someone has three fresh partners or fewer, lasting.py prefers the groupings that keep
the next rounds full, so there the draw is random among those, not uniform over all.
"""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx
import numpy as np

from tests.matching.reference import chi_square_p_value, compat_graph, perfect_matchings
from unmentor.matching import Candidate, lasting, match_round

# Eight people, four organisations, some history: 16 perfect matchings, found by searching
# for an instance where shuffle-and-repair is visibly biased.
TINY = [Candidate(id=i, org=org) for i, org in enumerate("adcaabdc")]
TINY_HISTORY = [(0, 2), (0, 4), (1, 2), (2, 3), (3, 4), (4, 6), (4, 7)]
SAMPLES = 3000


def _matching(result) -> frozenset:
    return frozenset(frozenset(group) for group in result.groups)


def _shuffle_and_repair(candidates, history, rng: random.Random) -> frozenset:
    """The naive sampler: shuffle, pair neighbours, shuffle the invalid ones again."""
    graph = compat_graph(candidates, history)
    while True:
        pool, pairs = [c.id for c in candidates], []
        for _ in range(20):
            rng.shuffle(pool)
            rest = []
            for a, b in zip(pool[0::2], pool[1::2], strict=True):
                if graph.has_edge(a, b):
                    pairs.append(frozenset((a, b)))
                else:
                    rest += [a, b]
            pool = rest
            if not pool:
                return frozenset(pairs)


def _uniformity_p_value(draws: list[frozenset]) -> float:
    everything = list(perfect_matchings([c.id for c in TINY], compat_graph(TINY, TINY_HISTORY)))
    counts = Counter(draws)
    assert set(counts) <= set(everything)
    observed = np.array([counts[m] for m in everything], dtype=float)
    return chi_square_p_value(observed, np.full(len(everything), len(draws) / len(everything)))


def test_whole_pairings_are_uniform_against_exact_enumeration(monkeypatch):
    """The draw itself, round by round (lasting.py off: TINY is a sparse pool, see below)."""
    monkeypatch.setattr(lasting, "LOOKAHEAD_LIMIT", -1)
    draws = [_matching(match_round(TINY, TINY_HISTORY, seed=s)) for s in range(SAMPLES)]
    assert len(set(draws)) == len(
        list(perfect_matchings(list(range(8)), compat_graph(TINY, TINY_HISTORY)))
    )
    assert _uniformity_p_value(draws) > 0.001


def test_a_sparse_pool_draws_among_groupings_that_keep_the_next_rounds_full():
    """In TINY everyone has three to seven fresh partners; all 16 pairings leave a pairing of
    all eight for the next round, but six of them none for the round after."""
    graph = compat_graph(TINY, TINY_HISTORY)
    people = list(range(8))

    def without(g, matching):
        rest = g.copy()
        rest.remove_edges_from(tuple(pair) for pair in matching)
        return rest

    lasting_ones = {
        m
        for m in perfect_matchings(people, graph)
        if any(
            len(nx.max_weight_matching(without(without(graph, m), m2), maxcardinality=True)) == 4
            for m2 in perfect_matchings(people, without(graph, m))
        )
    }
    assert len(lasting_ones) == 10
    draws = Counter(_matching(match_round(TINY, TINY_HISTORY, seed=s)) for s in range(200))
    assert set(draws) == lasting_ones


def test_the_uniformity_check_rejects_shuffle_and_repair():
    rng = random.Random(12345)
    draws = [_shuffle_and_repair(TINY, TINY_HISTORY, rng) for _ in range(SAMPLES)]
    assert _uniformity_p_value(draws) < 1e-6


def test_every_valid_partner_turns_up_equally_often():
    """Ten people in five organisations of two, no history: person 0 has 8 equal choices."""
    candidates = [Candidate(id=i, org=str(i // 2)) for i in range(10)]
    partners = Counter()
    for seed in range(2000):
        group = next(g for g in match_round(candidates, [], seed=seed).groups if 0 in g)
        partners.update(p for p in group if p != 0)
    assert set(partners) == set(range(2, 10))
    observed = np.array([partners[p] for p in range(2, 10)], dtype=float)
    assert chi_square_p_value(observed, np.full(8, observed.sum() / 8)) > 0.001


def test_who_joins_the_triad_is_uniform_by_symmetry():
    candidates = [Candidate(id=i, org=str(i % 3)) for i in range(9)]
    counts = Counter()
    for seed in range(1800):
        counts.update(next(g for g in match_round(candidates, [], seed=seed).groups if len(g) == 3))
    observed = np.array([counts[i] for i in range(9)], dtype=float)
    assert chi_square_p_value(observed, np.full(9, observed.sum() / 9)) > 0.001


def test_who_sits_out_of_a_majority_is_uniform_among_equal_priority():
    candidates = [Candidate(id=i, org="big") for i in range(8)]
    candidates += [Candidate(id=100 + i, org=f"o{i}") for i in range(3)]
    counts = Counter()
    for seed in range(2000):
        counts.update(match_round(candidates, [], seed=seed).unmatched)
    observed = np.array([counts[i] for i in range(8)], dtype=float)
    assert observed.sum() == 2000 * 5
    assert chi_square_p_value(observed, np.full(8, observed.sum() / 8)) > 0.001


def test_different_seeds_give_different_groupings():
    rng = np.random.default_rng(3)
    candidates = [Candidate(id=int(i), org=str(rng.integers(0, 5))) for i in range(40)]
    results = {_matching(match_round(candidates, [], seed=s)) for s in range(30)}
    assert len(results) == 30
