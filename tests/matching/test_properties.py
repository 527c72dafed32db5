"""Promises 1-5 of the matching engine against networkx and exhaustive search.

Small populations (up to 60 people, up to 20 earlier rounds, skewed organisations) are where
history bites: people run out of fresh partners, and greedy pairing falls short of the maximum.
"""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matching.reference import (
    best_groupings,
    check_groups,
    compat_graph,
    coverable,
    has_triad_gain,
    max_pairs,
)
from tests.matching.strategies import any_graph, populations
from unmentor.matching import match_round

FAST = settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(populations(max_n=60), any_graph(max_n=30)), st.integers(0, 2**31), st.booleans())
def test_valid_and_maximum_against_networkx(population, seed, triads):
    candidates, history = population
    result = match_round(candidates, history, seed=seed, triads=triads)
    check_groups(result, candidates, history, triads=triads)
    graph = compat_graph(candidates, history)
    best_pairs = max_pairs(graph)
    placed = result.placed
    if triads and len(candidates) > 2 * best_pairs:
        assert placed in (2 * best_pairs, 2 * best_pairs + 1)
        if placed == 2 * best_pairs:
            # Not even the engine's own pairs may take in someone left out.
            for u in result.unmatched:
                for a, b in (g for g in result.groups if len(g) == 2):
                    assert not (graph.has_edge(u, a) and graph.has_edge(u, b)), (u, a, b)
    else:
        assert placed == 2 * best_pairs
    assert result.is_proven_maximum
    assert result.upper_bound == placed


@settings(max_examples=400, deadline=None)
@given(st.one_of(populations(max_n=14, max_rounds=14), any_graph(max_n=14)), st.integers(0, 2**31))
def test_triad_exactly_when_it_places_one_more(population, seed):
    candidates, history = population
    result = match_round(candidates, history, seed=seed, triads=True)
    graph = compat_graph(candidates, history)
    best_pairs = max_pairs(graph)
    gain = len(candidates) > 2 * best_pairs and has_triad_gain(graph, best_pairs)
    assert result.placed == 2 * best_pairs + (1 if gain else 0)


@FAST
@given(populations(max_n=40, max_priority=5), st.integers(0, 2**31), st.booleans())
def test_priority_placed_first(population, seed, triads):
    """For every priority p, as many people of priority >= p are placed as any matching can."""
    candidates, history = population
    result = match_round(candidates, history, seed=seed, triads=triads)
    graph = compat_graph(candidates, history)
    placed = {p for group in result.groups for p in group}
    for level in sorted({c.priority for c in candidates}):
        top = {c.id for c in candidates if c.priority >= level}
        assert len(placed & top) >= coverable(graph, top), level


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(populations(max_n=9, max_rounds=9), any_graph(max_n=9)),
    st.integers(0, 2**31),
    st.booleans(),
)
def test_best_grouping_against_exhaustive_search(population, seed, triads):
    """Most people placed, and among those groupings the best priorities (exhaustively)."""
    candidates, history = population
    result = match_round(candidates, history, seed=seed, triads=triads)
    check_groups(result, candidates, history, triads=triads)
    graph = compat_graph(candidates, history)
    priority = {c.id: c.priority for c in candidates}
    placed = [p for group in result.groups for p in group]
    profile = tuple(sorted((priority[p] for p in placed), reverse=True))
    assert (len(placed), profile) == best_groupings(graph, priority, triads=triads)


@settings(max_examples=300, deadline=None)
@given(populations(max_n=60), st.integers(0, 2**31))
def test_same_seed_same_result(population, seed):
    candidates, history = population
    first = match_round(candidates, history, seed=seed)
    again = match_round(list(reversed(candidates)), list(reversed(history)), seed=seed)
    assert match_round(candidates, history, seed=seed) == first
    # Input order is not part of the seed's meaning, but the result must be as good.
    assert again.placed == first.placed


@settings(max_examples=300, deadline=None)
@given(populations(max_n=60))
def test_explains_who_sits_out_and_counts_fresh_partners(population):
    candidates, history = population
    result = match_round(candidates, history, seed=7)
    graph = compat_graph(candidates, history)
    org = {c.id: c.org for c in candidates}
    assert result.fresh_partners == {c.id: graph.degree(c.id) for c in candidates}
    assert set(result.reasons) == set(result.unmatched)
    for person in result.unmatched:
        assert str(result.reasons[person]).strip()
        colleagues = sum(c.org == org[person] for c in candidates)
        if len(candidates) == 1:
            assert "only person" in str(result.reasons[person])
        elif colleagues == len(candidates):
            assert "organisation" in str(result.reasons[person])
        elif graph.degree(person) == 0:
            assert "met everyone" in str(result.reasons[person])


def test_reference_sanity():
    """The references themselves: a 5-cycle has 2 pairs and no triad; a triangle has one."""
    cycle = nx.cycle_graph(5)
    assert max_pairs(cycle) == 2 and not has_triad_gain(cycle, 2)
    triangle = nx.complete_graph(3)
    assert has_triad_gain(triangle, 1)
    pairs = list(itertools.combinations(range(3), 2))
    assert len(pairs) == 3
