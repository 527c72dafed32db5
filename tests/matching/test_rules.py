"""Blocked pairs, people without an organisation, and the repeat fallback, against references.

Blocked pairs rule a pair out like history, yet count apart: fresh partners exclude both, and
someone stranded partly by a block is told so. People without an organisation meet anyone.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matching.reference import best_groupings, check_groups, compat_graph, max_pairs
from tests.matching.strategies import with_rules
from unmentor.matching import Candidate, SitOut, fresh_partner_counts, match_arrays, match_round

RULES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RULES
@given(with_rules(max_n=40), st.integers(0, 2**31), st.booleans())
def test_blocked_and_organisation_less_against_networkx(population, seed, triads):
    candidates, history, blocked = population
    result = match_round(candidates, history, blocked=blocked, seed=seed, triads=triads)
    check_groups(result, candidates, history, triads=triads, blocked=blocked)
    graph = compat_graph(candidates, history, blocked)
    best = 2 * max_pairs(graph)
    if triads and len(candidates) > best:
        assert result.placed in (best, best + 1)
    else:
        assert result.placed == best
    assert result.is_proven_maximum and result.upper_bound == result.placed
    assert result.fresh_partners == {c.id: graph.degree(c.id) for c in candidates}
    assert fresh_partner_counts(candidates, history, blocked=blocked) == result.fresh_partners
    # Stranded with someone blocked among those ruled out: the reason says so, else it does not.
    met_graph = compat_graph(candidates, history)
    for person in result.unmatched:
        kind = result.reasons[person].kind
        if graph.degree(person) == 0 and len(candidates) > 1 and met_graph.degree(person) > 0:
            assert kind is SitOut.NO_PARTNER_MET_OR_BLOCKED
            assert "asked not to meet" in result.reasons[person]
        else:
            assert kind is not SitOut.NO_PARTNER_MET_OR_BLOCKED


@settings(max_examples=150, deadline=None)
@given(with_rules(max_n=9, max_rounds=9), st.integers(0, 2**31), st.booleans())
def test_blocked_best_grouping_against_exhaustive_search(population, seed, triads):
    candidates, history, blocked = population
    result = match_round(candidates, history, blocked=blocked, seed=seed, triads=triads)
    graph = compat_graph(candidates, history, blocked)
    priority = {c.id: c.priority for c in candidates}
    placed = [p for group in result.groups for p in group]
    profile = tuple(sorted((priority[p] for p in placed), reverse=True))
    assert (len(placed), profile) == best_groupings(graph, priority, triads=triads)


def test_blocked_is_not_met():
    candidates = [Candidate(i, f"o{i}") for i in range(4)]
    result = match_round(candidates, [(0, 1), (0, 2)], blocked=[(0, 3), (3, 0)], seed=2)
    assert result.unmatched == [0] and sorted(result.groups[0]) == [1, 2, 3]
    assert result.reasons[0].kind is SitOut.NO_PARTNER_MET_OR_BLOCKED
    assert "everyone left is someone they have met or asked not to meet" in result.reasons[0]
    assert result.fresh_partners == {0: 0, 1: 2, 2: 2, 3: 2}
    # Met and blocked: counted once, as met, and the plain reason stays.
    both = match_round(candidates, [(0, 1), (0, 2), (0, 3)], blocked=[(0, 3)], seed=2)
    assert both.reasons[0].kind is SitOut.NO_FRESH_PARTNER
    assert both.fresh_partners[3] == 2


def test_blocked_pairs_never_share_any_group():
    candidates = [Candidate(i, f"o{i % 6}") for i in range(30)]
    blocked = [(i, j) for i in range(30) for j in range(i + 1, 30) if (i * j) % 7 == 1]
    for size in (2, 3, 4):
        for seed in range(5):
            result = match_round(candidates, [], blocked=blocked, seed=seed, group_size=size)
            check_groups(result, candidates, [], triads=True, blocked=blocked, group_size=size)


def test_people_without_an_organisation_meet_anyone_and_each_other():
    loners = [Candidate(i, None if i % 2 else "") for i in range(4)]
    result = match_round(loners, [], seed=1, triads=False)
    assert result.placed == 4
    # Each counts as an organisation of one in the bound: min(n // 2, n - largest).
    crowd = [Candidate(10 + i, "big") for i in range(6)] + loners[:3]
    result = match_round(crowd, [], seed=1, triads=False)
    assert result.placed == 6 and result.upper_bound == 6
    assert all(any(p < 10 for p in group) for group in result.groups)
    assert result.fresh_partners[0] == 8 and result.fresh_partners[10] == 3


def test_arrays_take_negative_or_blank_labels_as_no_organisation():
    ids = np.arange(6)
    result = match_arrays(ids, np.array([-1, -1, -1, 4, 4, 4]), seed=3, triads=False)
    assert result.placed == 6
    labels = np.array([None, "", "x", "x", "x", "x"], dtype=object)
    labelled = match_arrays(ids, labels, seed=3, triads=False)
    assert labelled.placed == 4 and labelled.upper_bound == 4
    assert labelled.fresh_partners.tolist() == [5, 5, 2, 2, 2, 2]


def round_robin(n: int) -> list[list[tuple[int, int]]]:
    """The circle method: n - 1 rounds in which everyone meets everyone once."""
    rounds = []
    for r in range(n - 1):
        circle = [0] + [(i + r) % (n - 1) + 1 for i in range(n - 1)]
        rounds.append([(circle[i], circle[n - 1 - i]) for i in range(n // 2)])
    return rounds


def test_eight_people_run_dry_and_repeat_their_oldest_partners():
    candidates = [Candidate(i, f"org-{i}") for i in range(8)]
    rounds = round_robin(8)
    history = [pair for pairs in rounds for pair in pairs]
    assert len({frozenset(p) for p in history}) == 28  # everyone has met everyone
    dry = match_round(candidates, history, seed=1)
    assert dry.placed == 0
    last_met = {tuple(sorted(p)): number for number, pairs in enumerate(rounds, 1) for p in pairs}
    for seed in range(10):
        result = match_round(candidates, history, seed=seed, repeatable=last_met)
        check_groups(result, candidates, history, triads=True, repeatable=last_met)
        assert result.placed == 8
        assert result.repeated == {tuple(sorted(p)): 1 for p in rounds[0]}
    arrays = match_arrays(
        np.arange(8), np.arange(8), np.array(history), seed=4, repeatable=last_met
    )
    assert arrays.placed == 8 and set(arrays.repeated_rounds.tolist()) == {1}


def test_repeats_only_for_those_left_out():
    # Six people: 0 has met everyone; the others still have fresh partners among themselves.
    candidates = [Candidate(i, f"o{i}") for i in range(6)]
    history = [(0, j) for j in range(1, 6)]
    last_met = {(0, j): j for j in range(1, 6)}
    for seed in range(10):
        for triads in (False, True):
            result = match_round(candidates, history, seed=seed, repeatable=last_met, triads=triads)
            check_groups(result, candidates, history, triads=triads, repeatable=last_met)
            # The other five stay in two fresh pairs; 0 repeats with whoever is left over.
            assert result.placed == 6 and len(result.repeated) == 1
            ((low, high),) = result.repeated
            assert low == 0 and result.repeated[(low, high)] == high
    # Nobody is left out: no repeat, whatever `repeatable` allows.
    full = match_round(candidates[1:], history, seed=5, repeatable=last_met)
    assert full.placed == 5 and full.repeated == {}
    # A blocked pair is never repeated, even when it also met.
    blocked = match_round(
        candidates[:2], history, blocked=[(0, 1)], seed=5, repeatable=last_met, triads=False
    )
    assert blocked.placed == 0 and blocked.repeated == {}


def test_repeats_in_larger_groups():
    candidates = [Candidate(i, f"org-{i}") for i in range(8)]
    rounds = round_robin(8)
    history = [pair for pairs in rounds for pair in pairs]
    last_met = {tuple(sorted(p)): number for number, pairs in enumerate(rounds, 1) for p in pairs}
    for size in (3, 4):
        result = match_round(candidates, history, seed=2, group_size=size, repeatable=last_met)
        check_groups(result, candidates, history, triads=True, group_size=size, repeatable=last_met)
        assert result.placed == 8


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"group_size": 5}, ValueError),
        ({"group_size": 1}, ValueError),
        ({"group_size": "3"}, TypeError),
        ({"group_size": True}, TypeError),
        ({"blocked": [(1, 2, 3)]}, ValueError),
        ({"blocked": 7}, TypeError),
        ({"repeatable": [(1, 2)]}, TypeError),
        ({"repeatable": {(1, 2): "last"}}, TypeError),
    ],
)
def test_bad_rules_fail_clearly(kwargs, error):
    candidates = [Candidate(1, "a"), Candidate(2, "b")]
    with pytest.raises(error):
        match_round(candidates, [(1, 2)], seed=1, **kwargs)


def test_unusual_candidates_take_the_careful_path_to_the_same_result():
    plain = [Candidate(i, [None, "", "a", "b", "a"][i % 5], priority=i % 3) for i in range(40)]
    unusual = [Candidate(np.int64(c.id), c.org, np.int32(c.priority)) for c in plain]
    history = [(0, 2), (3, 7), (8, 13)]
    assert match_round(plain, history, seed=9) == match_round(unusual, history, seed=9)
