"""Groups of three and four: always valid, never above the bound, and close to it in practice.

The exact maximum is NP-hard above pairs, so the engine reports an upper bound beside what it
placed; exhaustive search checks the bound is one (no grouping places more), and random
communities check that placement reaches at least 99% of it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matching.reference import check_groups, compat_graph, most_in_groups
from tests.matching.strategies import with_rules
from unmentor.matching import Candidate, SitOut, match_arrays, match_round

GROUPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@GROUPS
@given(with_rules(max_n=60), st.integers(0, 2**31), st.sampled_from([3, 4]))
def test_groups_are_valid_and_within_the_bound(population, seed, size):
    candidates, history, blocked = population
    result = match_round(candidates, history, blocked=blocked, seed=seed, group_size=size)
    check_groups(result, candidates, history, triads=True, blocked=blocked, group_size=size)
    assert result.placed <= result.upper_bound
    assert result.is_proven_maximum == (result.placed == result.upper_bound)
    assert set(result.reasons) == set(result.unmatched)


@settings(max_examples=120, deadline=None)
@given(with_rules(max_n=9, max_rounds=6), st.integers(0, 2**31), st.sampled_from([3, 4]))
def test_the_bound_is_an_upper_bound_by_exhaustive_search(population, seed, size):
    candidates, history, blocked = population
    result = match_round(candidates, history, blocked=blocked, seed=seed, group_size=size)
    best = most_in_groups(compat_graph(candidates, history, blocked), size - 1, size + 1)
    assert result.placed <= best <= result.upper_bound


def random_community(rng: np.random.Generator):
    n = int(rng.integers(20, 201))
    k = int(rng.integers(2, 30))
    skew = float(rng.choice([0.0, 1.0, 2.5]))
    weights = (np.arange(k) + 1.0) ** -skew
    orgs = rng.choice(k, size=n, p=weights / weights.sum())
    history = []
    for _ in range(int(rng.integers(0, 13))):
        order = rng.permutation(n)
        a, b = order[0 : n - 1 : 2], order[1::2]
        history += [(x, y) for x, y in zip(a, b, strict=True) if orgs[x] != orgs[y]]
    return np.arange(n), orgs, np.array(history, dtype=np.int64).reshape(-1, 2)


def test_random_communities_reach_99_percent_of_the_bound():
    rng = np.random.default_rng(2026)
    totals = {3: [0, 0], 4: [0, 0]}
    for trial in range(60):
        ids, orgs, history = random_community(rng)
        for size in (3, 4):
            result = match_arrays(ids, orgs, history, seed=trial, group_size=size)
            totals[size][0] += result.placed
            totals[size][1] += result.upper_bound
            assert result.placed >= 0.9 * result.upper_bound
    for placed, bound in totals.values():
        assert placed >= 0.99 * bound


def test_groups_of_the_size_asked_and_leftovers_one_off():
    candidates = [Candidate(i, f"o{i % 7}") for i in range(30)]
    for size, sizes in ((3, {3}), (4, {4, 5})):
        result = match_round(candidates, [], seed=1, group_size=size)
        assert result.placed == 30 and result.is_proven_maximum
        assert {len(g) for g in result.groups} <= sizes | {size - 1}
        assert sum(len(g) == size for g in result.groups) >= len(result.groups) - size
    arrays = match_arrays(np.arange(30), np.arange(30) % 7, seed=1, group_size=4)
    assert [block.shape[1] for block in arrays.groups] == sorted(
        {block.shape[1] for block in arrays.groups}
    )
    assert arrays.placed == 30 and arrays.triad is None


def test_a_big_organisation_places_one_per_group_and_says_so():
    candidates = [Candidate(i, "big") for i in range(10)]
    candidates += [Candidate(100 + i, f"o{i}") for i in range(6)]
    result = match_round(candidates, [], seed=3, group_size=3)
    # Three groups of four (or four of three...) hold at most one of "big" each.
    assert result.upper_bound == result.placed
    placed_big = sum(1 for g in result.groups for p in g if p < 100)
    assert placed_big == len(result.groups)
    for person in result.unmatched:
        assert result.reasons[person].kind is SitOut.ORGANISATION_MAJORITY
        assert "no group holds two people from one organisation" in result.reasons[person]


def test_higher_priority_is_placed_first_in_groups():
    candidates = [Candidate(i, "big", priority=int(i >= 5)) for i in range(10)]
    candidates += [Candidate(100 + i, f"o{i}") for i in range(8)]
    for seed in range(10):
        result = match_round(candidates, [], seed=seed, group_size=3)
        assert set(result.unmatched) <= set(range(5))


def test_group_size_two_is_unchanged():
    candidates = [Candidate(i, f"o{i % 4}") for i in range(21)]
    for seed in range(5):
        assert match_round(candidates, [], seed=seed) == match_round(
            candidates, [], seed=seed, group_size=2
        )


def test_too_few_for_a_group_are_told_why():
    result = match_round([Candidate(1, "a"), Candidate(2, "b")], [], seed=1, group_size=4)
    assert result.placed == 0 and result.upper_bound == 0 and result.is_proven_maximum
    assert "too few were left for a group of 3 or more" in result.reasons[1]
    assert result.reasons[1].kind is SitOut.PARTNERS_NEEDED_ELSEWHERE
