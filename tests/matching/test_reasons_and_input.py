"""Reasons for sitting out, partners left, and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest

from unmentor.matching import Candidate, match_arrays, match_round


def test_one_organisation_holding_more_than_half_is_named() -> None:
    candidates = [Candidate(i, "Big Council" if i < 7 else f"small{i}") for i in range(10)]
    result = match_round(candidates, [], seed=1, triads=False)
    assert len(result.groups) == 3 and len(result.unmatched) == 4
    for person in result.unmatched:
        assert "7 of the 10 people" in result.reasons[person]
        assert "more than half" in result.reasons[person]


def test_someone_who_has_met_everyone_eligible_is_told_so() -> None:
    candidates = [Candidate(1, "a"), Candidate(2, "b"), Candidate(3, "c"), Candidate(4, "d")]
    result = match_round(candidates, [(1, 2), (1, 3), (1, 4)], seed=3)
    assert 1 in result.unmatched
    assert result.fresh_partners[1] == 0
    assert "already met everyone" in result.reasons[1]
    assert result.fresh_partners[2] == 2


def test_priority_decides_who_sits_out() -> None:
    candidates = [Candidate(i, "a" if i < 4 else "b", priority=int(i in (1, 3))) for i in range(6)]
    for seed in range(20):
        result = match_round(candidates, [], seed=seed, triads=False)
        assert set(result.unmatched) <= {0, 2}


def test_nobody_sits_out_twice_before_everyone_has_once() -> None:
    candidates = {i: "a" if i < 3 else "b" for i in range(5)}
    sat_out = {i: 0 for i in candidates}
    history: list[tuple[int, int]] = []
    for round_no in range(3):
        people = [Candidate(i, org, priority=sat_out[i]) for i, org in candidates.items()]
        result = match_round(people, history, seed=round_no, triads=False)
        for person in result.unmatched:
            sat_out[person] += 1
        history += [tuple(g) for g in result.groups]
    assert sorted(sat_out.values()) == [0, 0, 1, 1, 1]


@pytest.mark.parametrize(
    ("candidates", "history", "error", "message"),
    [
        ([Candidate(1, "a"), Candidate(1, "b")], [], ValueError, "duplicate candidate ids: 1"),
        ([Candidate("x", "a")], [], TypeError, "candidate id must be an integer"),
        ([Candidate(1, "a", priority=1.5)], [], TypeError, "priority must be an integer"),
        (["not a candidate"], [], TypeError, "expected Candidate objects"),
        ([Candidate(1, "a"), Candidate(2, "b")], [(1, 2, 3)], ValueError, "pairs of ids"),
    ],
)
def test_bad_input_gives_a_clear_error(candidates, history, error, message) -> None:
    with pytest.raises(error, match=message):
        match_round(candidates, history, seed=1)


def test_empty_and_single_inputs() -> None:
    empty = match_round([], [], seed=1)
    assert (empty.groups, empty.unmatched) == ([], [])
    alone = match_round([Candidate(7, "a")], [], seed=1)
    assert alone.unmatched == [7] and "nobody else" in alone.reasons[7]


def test_history_naming_unknown_people_is_ignored() -> None:
    result = match_round([Candidate(1, "a"), Candidate(2, "b")], [(1, 99), (98, 97)], seed=1)
    assert result.groups == [(1, 2)] or result.groups == [(2, 1)]


def test_array_input_for_large_communities() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    ids = rng.permutation(n).astype(np.int64) * 5 + 3
    orgs = rng.integers(0, 50, size=n)
    history = np.concatenate([rng.permutation(ids)[: n - n % 2].reshape(-1, 2) for _ in range(6)])
    result = match_arrays(ids, orgs, history, seed=4)
    pairs = result.pairs
    assert len(pairs) == n // 2 and result.is_proven_maximum
    org_of = dict(zip(ids.tolist(), orgs.tolist(), strict=True))
    assert all(org_of[a] != org_of[b] for a, b in pairs.tolist())
    met = {frozenset(p) for p in history.tolist()}
    assert not any(frozenset(p) in met for p in pairs.tolist())
    assert len(np.unique(pairs)) == 2 * len(pairs)
