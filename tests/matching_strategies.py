"""Hypothesis strategies: communities with organisations, priorities and rounds of history."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from unmentor.matching import Candidate


@st.composite
def communities(draw, max_people: int = 60, max_orgs: int = 8):
    """(candidates, history, seed): history is several earlier rounds of random pairings."""
    n = draw(st.integers(min_value=0, max_value=max_people))
    orgs = draw(st.integers(min_value=1, max_value=max_orgs))
    skew = draw(st.sampled_from([0.0, 0.5, 1.5]))
    weights = [1 / (i + 1) ** skew for i in range(orgs)]
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    ids = rng.sample(range(1, 10 * max_people + 10), n)
    priorities = draw(st.sampled_from([[0], [0, 1], [0, 1, 2, 3]]))
    candidates = [
        Candidate(
            id=i, org=f"org{rng.choices(range(orgs), weights)[0]}", priority=rng.choice(priorities)
        )
        for i in ids
    ]
    history = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        shuffled = rng.sample(ids, len(ids))
        history += [(shuffled[i], shuffled[i + 1]) for i in range(0, len(shuffled) - 1, 2)]
    if draw(st.booleans()):  # history may name people who are not taking part: ignored
        history.append((10**9, ids[0] if ids else 1))
    seed = draw(st.integers(min_value=0, max_value=2**31 - 1))
    return candidates, history, seed
