"""The engine's promises, checked with hypothesis against an exact reference (networkx)."""

from __future__ import annotations

import itertools
import os

from hypothesis import given, settings
from hypothesis import strategies as st
from matching_reference import best_priority_total, maximum_pairs, most_people_placed
from matching_strategies import communities

from unmentor.matching import match_round

EXAMPLES = int(os.environ.get("UNMENTOR_MATCHING_EXAMPLES", "1200"))


def check_valid(candidates, history, result) -> None:
    """Promises 1 and 2: disjoint groups of 2 (one of 3 at most), cross-org, never met."""
    org = {c.id: c.org for c in candidates}
    met = {frozenset(pair) for pair in history}
    placed = [person for group in result.groups for person in group]
    assert len(placed) == len(set(placed)), "nobody in two groups"
    assert sorted(placed + result.unmatched) == sorted(org), "everyone placed or left out"
    sizes = sorted(len(group) for group in result.groups)
    assert all(size in (2, 3) for size in sizes) and sizes.count(3) <= 1
    for group in result.groups:
        for a, b in itertools.combinations(group, 2):
            assert org[a] != org[b], f"{a} and {b} share an organisation"
            assert frozenset((a, b)) not in met, f"{a} and {b} met before"


@settings(max_examples=EXAMPLES, deadline=None)
@given(communities())
def test_groups_are_valid_and_maximum(community) -> None:
    candidates, history, seed = community
    result = match_round(candidates, history, seed=seed, triads=False)
    check_valid(candidates, history, result)
    assert len(result.groups) == maximum_pairs(candidates, history)
    assert result.is_proven_maximum


@settings(max_examples=EXAMPLES, deadline=None)
@given(communities())
def test_higher_priority_is_placed_first(community) -> None:
    candidates, history, seed = community
    result = match_round(candidates, history, seed=seed, triads=False)
    priority = {c.id: c.priority for c in candidates}
    placed = sum(priority[p] for group in result.groups for p in group)
    assert placed == best_priority_total(candidates, history)


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(communities(max_people=12, max_orgs=4))
def test_an_odd_one_out_joins_a_triad_whenever_one_fits(community) -> None:
    candidates, history, seed = community
    result = match_round(candidates, history, seed=seed, triads=True)
    check_valid(candidates, history, result)
    placed = sum(len(group) for group in result.groups)
    assert placed == most_people_placed(candidates, history)


@settings(max_examples=EXAMPLES // 4, deadline=None)
@given(communities(), st.integers(min_value=0, max_value=2**31 - 1))
def test_same_seed_same_result(community, other_seed) -> None:
    candidates, history, seed = community
    first = match_round(candidates, history, seed=seed)
    again = match_round(candidates, history, seed=seed)
    assert first.groups == again.groups and first.unmatched == again.unmatched
    check_valid(candidates, history, match_round(candidates, history, seed=other_seed))


@settings(max_examples=EXAMPLES // 4, deadline=None)
@given(communities(max_people=40))
def test_fresh_partner_counts_are_exact(community) -> None:
    candidates, history, seed = community
    result = match_round(candidates, history, seed=seed)
    met = {frozenset(pair) for pair in history}
    for c in candidates:
        expected = sum(
            1
            for other in candidates
            if other.org != c.org and frozenset((c.id, other.id)) not in met
        )
        assert result.fresh_partners[c.id] == expected
    for person in result.unmatched:
        assert result.reasons[person]
