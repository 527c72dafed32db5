"""Hypothesis strategies: populations with skewed organisations and rounds of history."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from unmentor.matching import Candidate


@st.composite
def populations(draw, *, max_n: int = 60, max_rounds: int = 20, max_priority: int = 4):
    """(candidates, history): random ids, skewed organisations, random earlier rounds."""
    n = draw(st.integers(0, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(1, 8))
    skew = draw(st.sampled_from([0.0, 1.0, 2.5]))
    weights = (np.arange(k) + 1.0) ** -skew
    orgs = rng.choice(k, size=n, p=weights / weights.sum())
    # Ids far from positions, so any mix-up of the two shows.
    ids = rng.choice(1_000_000, size=n, replace=False)
    priority = rng.integers(0, draw(st.integers(1, max_priority)), size=n)
    history: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, min(n, max_rounds)))):
        order = rng.permutation(n)
        for a, b in zip(order[0::2], order[1::2], strict=False):
            # Mostly cross-organisation, like real rounds; a few odd ones as well.
            if orgs[a] != orgs[b] or rng.random() < 0.1:
                history.append((int(ids[a]), int(ids[b])))
    # People who left since, and repeats in either order: both must be harmless.
    history += [(int(ids[0]), 2_000_000 + j) for j in range(2)] if n else []
    history += [(b, a) for a, b in history[: len(history) // 4]]
    candidates = [
        Candidate(id=int(i), org=f"org-{o}", priority=int(p))
        for i, o, p in zip(ids, orgs, priority, strict=True)
    ]
    return candidates, history


@st.composite
def any_graph(draw, *, max_n: int = 12, max_priority: int = 3):
    """(candidates, history) whose compatibility graph is an arbitrary sparse graph.

    Everyone has their own organisation and history holds every non-edge, so the engine sees
    exactly the drawn graph: odd cycles, blossoms within blossoms, pendant people.
    """
    n = draw(st.integers(1, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    density = draw(st.sampled_from([0.15, 0.3, 0.5]))
    ids = rng.choice(1000, size=n, replace=False)
    history = [
        (int(ids[a]), int(ids[b]))
        for a in range(n)
        for b in range(a + 1, n)
        if rng.random() >= density
    ]
    priority = rng.integers(0, draw(st.integers(1, max_priority)), size=n)
    candidates = [
        Candidate(id=int(i), org=f"solo-{i}", priority=int(p))
        for i, p in zip(ids, priority, strict=True)
    ]
    return candidates, history


@st.composite
def with_rules(draw, *, max_n: int = 40, max_rounds: int = 12):
    """(candidates, history, blocked): `populations` where some people have no organisation
    (None or "") and some pairs are blocked, some of them also met."""
    candidates, history = draw(populations(max_n=max_n, max_rounds=max_rounds))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    share = draw(st.sampled_from([0.0, 0.2, 0.6]))
    candidates = [
        Candidate(c.id, (None, "")[i % 2], c.priority) if rng.random() < share else c
        for i, c in enumerate(candidates)
    ]
    ids = [c.id for c in candidates]
    blocked: list[tuple[int, int]] = []
    if len(ids) >= 2:
        for _ in range(draw(st.integers(0, 2 * len(ids)))):
            a, b = rng.choice(len(ids), size=2, replace=False)
            blocked.append((ids[a], ids[b]))
        blocked += [tuple(p) for p in history[: draw(st.integers(0, 3))]]  # blocked and met
    return candidates, history, blocked
