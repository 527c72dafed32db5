"""A fast, random, nearly maximum first matching, all in numpy.

Sorting people by organisation (organisations in random order, people shuffled within) and
pairing position i with position i + shift puts two people of one organisation together only
if that organisation holds more than half of them. With the largest organisation first and
shift = max(⌊m/2⌋, its size), the pairs reach min(⌊m/2⌋, m - largest) before history is
considered; pairs that met before go back into the pool, and 3-edge swaps repair the rest.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.compat import Compatibility


def shifted_pairs(
    nodes: np.ndarray, org: np.ndarray, rng: np.random.Generator, priority: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of `nodes` from different organisations wherever the sizes allow.

    Within an organisation higher priority comes first, so when the largest organisation
    cannot all be placed, its highest-priority members are the ones who are.
    """
    m = nodes.size
    if m < 2:
        return nodes[:0], nodes[:0]
    codes, local = np.unique(org[nodes], return_inverse=True)
    sizes = np.bincount(local)
    rank = rng.permutation(codes.size)
    rank[np.argmax(sizes)] = -1  # the largest organisation first
    shuffled = rng.permutation(m)
    ordered = nodes[np.lexsort((shuffled, -priority[nodes], rank[local]))]
    shift = max(m // 2, int(sizes.max()))
    count = min(shift, m - shift)
    return ordered[:count], ordered[shift : shift + count]


def initial_matching(
    compat: Compatibility,
    rng: np.random.Generator,
    *,
    priority: np.ndarray,
    bound: int,
    passes: int = 6,
) -> np.ndarray:
    """A `mate` array (partner position, or -1) of valid pairs."""
    n = compat.n
    mate = np.full(n, -1, dtype=np.int64)
    pool = np.arange(n, dtype=np.int64)
    for _ in range(passes):
        if pool.size < 2:
            break
        a, b = shifted_pairs(pool, compat.org, rng, priority)
        ok = compat.valid(a, b)
        mate[a[ok]] = b[ok]
        mate[b[ok]] = a[ok]
        pool = np.flatnonzero(mate < 0)
        if ok.all() or (mate >= 0).sum() // 2 >= bound:
            break
    if (mate >= 0).sum() // 2 < bound:
        repair_by_swaps(compat, mate, rng, bound=bound)
    return mate


def repair_by_swaps(
    compat: Compatibility,
    mate: np.ndarray,
    rng: np.random.Generator,
    *,
    bound: int,
    rounds: int = 30,
) -> None:
    """Place unmatched pairs (u, w) by trading with a placed pair: (u,x),(w,y) for (x,y)."""
    for _ in range(rounds):
        if (mate >= 0).sum() // 2 >= bound:
            return
        free = np.flatnonzero(mate < 0)
        if free.size < 2:
            return
        placed = np.flatnonzero(mate > np.arange(mate.size))  # each pair once, by its smaller end
        if placed.size == 0:
            return
        free = rng.permutation(free)
        k = free.size // 2
        u, w = free[:k], free[k : 2 * k]
        pick = rng.integers(0, placed.size, size=k)
        x = placed[pick]
        y = mate[x]
        straight = compat.valid(u, x) & compat.valid(w, y)
        crossed = ~straight & compat.valid(u, y) & compat.valid(w, x)
        ok = straight | crossed
        # One trade per placed pair per round, or two trades would break the same pair.
        _, first = np.unique(pick, return_index=True)
        once = np.zeros(k, dtype=bool)
        once[first] = True
        ok &= once
        if not ok.any():
            continue
        x, y = np.where(crossed, y, x)[ok], np.where(crossed, x, y)[ok]
        u, w = u[ok], w[ok]
        mate[u], mate[x] = x, u
        mate[w], mate[y] = y, w
