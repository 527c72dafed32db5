"""The large path: a big community in seconds, checked in bulk; the exact path on sparse graphs;
and an honest "not proven" when the exact steps run out of budget."""

from __future__ import annotations

import copy
import pickle

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from tests.matching.reference import check_groups, compat_graph, max_pairs
from tests.matching.strategies import any_graph
from unmentor.matching import Candidate, Reason, SitOut, engine, match_arrays, match_round


def community(n: int, *, orgs: int = 200, rounds: int = 12, seed: int = 0):
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, orgs + 1)
    org = rng.choice(orgs, size=n, p=weights / weights.sum())
    ids = rng.choice(10 * n, size=n, replace=False)
    history = []
    for _ in range(rounds):
        order = rng.permutation(n)
        a, b = order[0 : n - 1 : 2], order[1::2]
        keep = org[a] != org[b]
        history.append(np.stack([ids[a[keep]], ids[b[keep]]], axis=1))
    return ids, org, np.concatenate(history)


def test_two_hundred_thousand_people_all_placed_validly():
    """Correctness at scale; its speed is bench/matching.py's job, not a timed unit test."""
    ids, org, history = community(200_001)
    result = match_arrays(ids, org, history, seed=11)
    assert result.is_proven_maximum and result.placed == 200_001 == result.upper_bound
    where = {int(i): p for p, i in enumerate(ids.tolist())}
    pairs = np.vectorize(where.__getitem__)(result.pairs)
    triad = [where[i] for i in result.triad]
    people = np.concatenate([pairs.ravel(), triad])
    assert np.unique(people).size == people.size == 200_001
    links = np.concatenate([pairs, [triad[:2], triad[1:], triad[::2]]])
    assert (org[links[:, 0]] != org[links[:, 1]]).all()
    met = {(min(a, b), max(a, b)) for a, b in history.tolist()}
    chosen = ids[links]
    assert not any((min(a, b), max(a, b)) in met for a, b in chosen.tolist())


def test_fresh_partner_counts_at_scale_match_a_direct_count():
    ids, org, history = community(3_000, orgs=20, rounds=30)
    result = match_arrays(ids, org, history, seed=1)
    met = {(min(a, b), max(a, b)) for a, b in history.tolist()}
    organisation = dict(zip(ids.tolist(), org.tolist(), strict=True))
    for person in ids[:50].tolist():
        expected = sum(
            1
            for other in ids.tolist()
            if organisation[other] != organisation[person]
            and (min(person, other), max(person, other)) not in met
        )
        assert result.fresh_partners[ids.tolist().index(person)] == expected


@settings(max_examples=40, deadline=None)
@given(any_graph(max_n=300))
def test_exact_path_on_sparse_graphs_against_networkx(population):
    """Sparse graphs defeat the fast pairing: blossoms and alternating paths must finish it."""
    candidates, history = population
    result = match_round(candidates, history, seed=5, triads=False)
    check_groups(result, candidates, history, triads=False)
    assert len(result.groups) == max_pairs(compat_graph(candidates, history))
    assert result.is_proven_maximum


def test_running_out_of_budget_is_reported_not_hidden(monkeypatch):
    """Above EXACT_LIMIT exact work is budgeted; when it runs out the result says so."""
    graph = nx.random_regular_graph(3, 400, seed=2)
    ids = np.arange(400)
    history = [(a, b) for a in range(400) for b in range(a + 1, 400) if not graph.has_edge(a, b)]
    orgs = np.arange(400)
    monkeypatch.setattr(engine, "EXACT_LIMIT", 10)
    monkeypatch.setattr(engine, "WORK_BUDGET", 1.0)
    starved = match_arrays(ids, orgs, np.array(history), seed=3)
    monkeypatch.setattr(engine, "WORK_BUDGET", float("inf"))
    full = match_arrays(ids, orgs, np.array(history), seed=3)
    assert full.is_proven_maximum and full.placed == 2 * len(nx.max_weight_matching(graph, True))
    # A sparse 3-regular graph: the fast pairing alone falls far short, and must say so.
    assert starved.placed < full.placed and not starved.is_proven_maximum
    assert starved.upper_bound >= full.placed >= starved.placed


def test_reasons_are_sentences_with_a_kind_and_codes_in_arrays():
    result = match_arrays(np.arange(5), np.array([0, 0, 0, 0, 1]), seed=1)
    assert [SitOut(c) for c in result.reasons] == [SitOut.ORGANISATION_MAJORITY] * 3
    objects = match_round([Candidate(i, "ab"[i == 4]) for i in range(5)], [], seed=1)
    reason = objects.reasons[objects.unmatched[0]]
    assert isinstance(reason, str) and reason.kind is SitOut.ORGANISATION_MAJORITY
    assert "4 of the 5 people" in reason and "more than half" in reason
    assert copy.deepcopy(reason).kind is reason.kind
    assert pickle.loads(pickle.dumps(objects)) == objects
    assert isinstance(Reason("x", SitOut.ALONE), str)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_tiny_rounds_in_one_organisation_place_nobody(n):
    result = match_arrays(np.arange(n), np.zeros(n, dtype=int), seed=1)
    assert result.placed == 0 and result.is_proven_maximum
