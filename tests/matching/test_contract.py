"""The matching API by example: results, reasons, fresh partners, and input errors."""

from __future__ import annotations

import numpy as np
import pytest

from tests.matching.reference import check_groups
from unmentor.matching import Candidate, fresh_partner_counts, match_arrays, match_round


def people(*orgs: str, priority: int = 0) -> list[Candidate]:
    return [Candidate(id=100 + i, org=org, priority=priority) for i, org in enumerate(orgs)]


def test_empty_input_gives_an_empty_result():
    result = match_round([], [], seed=1)
    assert (result.groups, result.unmatched, result.reasons) == ([], [], {})
    assert result.is_proven_maximum and result.upper_bound == 0


def test_one_person_sits_out_and_is_told_why():
    result = match_round([Candidate(id=5, org="a")], [], seed=1)
    assert result.groups == [] and result.unmatched == [5]
    assert "only person" in str(result.reasons[5])


def test_pairs_cross_organisations_and_never_repeat():
    candidates = people("a", "a", "b", "b", "c", "c")
    history = [(100, 102), (103, 101)]
    result = match_round(candidates, history, seed=3)
    check_groups(result, candidates, history, triads=True)
    assert result.placed == 6 and result.unmatched == []


def test_an_odd_one_out_joins_a_triad_only_when_allowed():
    candidates = people("a", "b", "c", "d", "e")
    with_triad = match_round(candidates, [], seed=4, triads=True)
    assert sorted(len(g) for g in with_triad.groups) == [2, 3] and with_triad.unmatched == []
    without = match_round(candidates, [], seed=4, triads=False)
    assert [len(g) for g in without.groups] == [2, 2] and len(without.unmatched) == 1
    assert "odd number" in str(without.reasons[without.unmatched[0]])


def test_a_majority_organisation_sits_out_its_surplus_and_says_so():
    candidates = people("big", "big", "big", "big", "big", "big", "big", "x", "y", "z")
    result = match_round(candidates, [], seed=5)
    assert result.placed == 6 and len(result.unmatched) == 4
    for person in result.unmatched:
        assert "organisation" in str(result.reasons[person])
    assert "organisation" in str(match_round(people("a", "a"), [], seed=1).reasons[100])


def test_someone_who_met_everyone_sits_out_and_says_so():
    candidates = people("a", "b", "c", "d", "e", "f")
    history = [(100, other) for other in range(101, 106)]
    result = match_round(candidates, history, seed=6)
    assert result.unmatched == [100]
    assert "met everyone" in str(result.reasons[100])
    assert result.fresh_partners[100] == 0
    assert result.fresh_partners[101] == 4  # c, d, e, f: not 100 (met), not itself


def test_fresh_partners_count_other_organisations_never_met():
    candidates = people("a", "a", "b", "c")
    history = [(100, 102), (100, 101), (999, 100)]  # same-org and unknown people cost nothing
    result = match_round(candidates, history, seed=1)
    assert result.fresh_partners == {100: 1, 101: 2, 102: 2, 103: 3}
    assert fresh_partner_counts(candidates, history) == result.fresh_partners


def test_higher_priority_is_placed_first():
    candidates = [Candidate(id=i, org="big", priority=[0, 0, 0, 5, 5, 5][i]) for i in range(6)]
    candidates += [Candidate(id=10 + i, org=f"o{i}") for i in range(3)]
    for seed in range(20):
        result = match_round(candidates, [], seed=seed)
        assert sorted(result.unmatched) == [0, 1, 2]


def test_the_pool_running_dry_still_gives_a_maximum():
    """Long histories: greedy pairing leaves people out whom a maximum matching places."""
    # Path 1-2-3-4 in compatibility: 2-3 first would strand 1 and 4.
    candidates = people("a", "b", "c", "d")
    history = [(100, 102), (100, 103), (101, 103)]
    for seed in range(20):
        result = match_round(candidates, history, seed=seed)
        assert sorted(tuple(sorted(g)) for g in result.groups) == [(100, 101), (102, 103)]


def test_history_is_unordered_and_may_name_people_not_here():
    candidates = people("a", "b")
    assert match_round(candidates, [(101, 100)], seed=1).groups == []
    assert match_round(candidates, [{100, 101}], seed=1).groups == []
    assert match_round(candidates, np.array([[100, 101]]), seed=1).groups == []
    assert match_round(candidates, [(7, 8), (100, 7)], seed=1).placed == 2
    assert match_round(candidates, None, seed=1).placed == 2


def test_duplicate_ids_are_named():
    with pytest.raises(ValueError, match=r"duplicate.*101"):
        match_round([*people("a", "b"), Candidate(id=101, org="c")], [], seed=1)


def test_no_organisation_may_meet_anyone():
    """org None or "": no organisation (issue 10); two such people may meet each other."""
    result = match_round([Candidate(id=1, org=None), Candidate(id=2, org="")], [], seed=1)
    assert result.groups == [(1, 2)] or result.groups == [(2, 1)]


@pytest.mark.parametrize(
    ("candidates", "error"),
    [
        ([Candidate(id=-1, org="a")], ValueError),
        ([Candidate(id="7", org="a")], TypeError),
        ([Candidate(id=1.0, org="a")], TypeError),
        ([Candidate(id=True, org="a")], TypeError),
        ([Candidate(id=1, org=1.5)], TypeError),
        ([Candidate(id=1, org=b"a")], TypeError),
        ([Candidate(id=1, org="a", priority="high")], TypeError),
        ([(1, "a")], TypeError),
        ("ab", TypeError),
        (None, TypeError),
    ],
)
def test_bad_candidates_fail_clearly(candidates, error):
    with pytest.raises(error):
        match_round(candidates, [], seed=1)


@pytest.mark.parametrize(
    ("history", "error"),
    [
        ([(1, 2, 3)], ValueError),
        ([("a", "b")], TypeError),
        ([(1.5, 2)], TypeError),
        ([1, 2], TypeError),
        (42, TypeError),
        (np.array([[1.0, 2.0]]), TypeError),
        (np.array([1, 2, 3]), ValueError),
    ],
)
def test_bad_history_fails_clearly(history, error):
    with pytest.raises(error):
        match_round(people("a", "b"), history, seed=1)


@pytest.mark.parametrize(("seed", "error"), [("x", TypeError), (1.5, TypeError), (-1, ValueError)])
def test_bad_seed_fails_clearly(seed, error):
    with pytest.raises(error):
        match_round(people("a", "b"), [], seed=seed)


def test_no_seed_draws_one_and_reports_it():
    candidates = people(*"abcdefgh")
    result = match_round(candidates, [])
    assert isinstance(result.seed, int)
    assert match_round(candidates, [], seed=result.seed) == result


def test_array_input_gives_the_same_kind_of_result():
    rng = np.random.default_rng(0)
    ids = rng.choice(10**9, size=501, replace=False)
    orgs = rng.integers(0, 7, size=501)
    history = np.stack([rng.choice(ids, 300), rng.choice(ids, 300)], axis=1)
    result = match_arrays(ids, orgs, history, seed=3)
    candidates = [Candidate(int(i), str(o)) for i, o in zip(ids, orgs, strict=True)]
    objects = match_round(candidates, history.tolist(), seed=3)
    assert result.placed == objects.placed == 501
    assert result.is_proven_maximum and result.triad is not None
    grouped = np.concatenate([result.pairs.ravel(), result.triad, result.unmatched])
    assert np.array_equal(np.sort(grouped), np.sort(ids))
    fresh = dict(zip(ids.tolist(), result.fresh_partners.tolist(), strict=True))
    assert fresh == objects.fresh_partners


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ids": np.array([1, 1]), "orgs": np.array([0, 1])}, ValueError),
        ({"ids": np.array([1.0, 2.0]), "orgs": np.array([0, 1])}, TypeError),
        ({"ids": np.array([-3, 2]), "orgs": np.array([0, 1])}, ValueError),
        ({"ids": np.array([1, 2]), "orgs": np.array([0])}, ValueError),
        ({"ids": np.array([[1, 2]]), "orgs": np.array([[0, 1]])}, ValueError),
        ({"ids": np.array([1, 2]), "orgs": np.array([0, 1]), "priority": [0.5, 1]}, TypeError),
        (
            {"ids": np.array([1, 2]), "orgs": np.array([0, 1]), "history": np.ones((2, 3))},
            ValueError,
        ),
    ],
)
def test_bad_arrays_fail_clearly(kwargs, error):
    with pytest.raises(error):
        match_arrays(**kwargs, seed=1)


def test_array_organisations_may_be_labels():
    result = match_arrays(np.arange(4), np.array(["x", "x", "y", "y"]), seed=2)
    assert result.placed == 4
    assert all(len({p // 2 for p in pair}) == 2 for pair in result.pairs.tolist())
