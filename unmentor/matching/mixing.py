"""Random swaps that make the grouping a uniform draw, not an artefact of the first pairing.

The first matching is structured (organisation blocks, then repairs), and a greedy shuffle is
measurably biased over whole pairings at small sizes. Each sweep couples the pairs at random
and proposes, for each couple {a, b}, {c, d}, one of the two other ways to pair those four
people, kept only if both new pairs are valid. The proposal is symmetric, so the chain's
stationary distribution is uniform over the valid pairings of the same people. A second move
swaps someone sitting out with a placed person of equal priority, so who sits out is random too
without ever trading priority away.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.compat import Compatibility


def sweeps_for(n: int) -> int:
    """Enough sweeps to forget the start (measured: small sizes need more), cheap at scale."""
    if n <= 2_000:
        return 40
    if n <= 100_000:
        return 12
    return 5


def mix(
    compat: Compatibility,
    mate: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
    *,
    sweeps: int,
) -> None:
    """Run `sweeps` sweeps of random valid swaps, in place; the pair count never changes."""
    for _ in range(sweeps):
        _swap_partners(compat, mate, rng)
        _swap_sitting_out(compat, mate, priority, eligible, rng)


def _swap_partners(compat: Compatibility, mate: np.ndarray, rng: np.random.Generator) -> None:
    a = np.flatnonzero(mate > np.arange(mate.size))
    if a.size < 2:
        return
    order = rng.permutation(a.size)
    k = a.size // 2
    first, second = a[order[:k]], a[order[k : 2 * k]]
    b1, b2 = mate[first], mate[second]
    crossed = rng.random(k) < 0.5
    # {a1,b1},{a2,b2} -> {a1,a2},{b1,b2} or {a1,b2},{b1,a2}: both alternatives, equally likely.
    p, q = first, np.where(crossed, second, b2)
    r, s = b1, np.where(crossed, b2, second)
    ok = compat.valid(p, q) & compat.valid(r, s)
    p, q, r, s = p[ok], q[ok], r[ok], s[ok]
    mate[p], mate[q] = q, p
    mate[r], mate[s] = s, r


def _swap_sitting_out(
    compat: Compatibility,
    mate: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
) -> None:
    free = np.flatnonzero((mate < 0) & eligible)
    if free.size == 0:
        return
    pairs = np.flatnonzero(mate > np.arange(mate.size))
    k = min(free.size, pairs.size)
    if k == 0:
        return
    # A random one-to-one coupling of free people with pairs keeps the move symmetric.
    u = rng.permutation(free)[:k]
    x = rng.permutation(pairs)[:k]
    x = np.where(rng.random(k) < 0.5, x, mate[x])
    y = mate[x]
    ok = (priority[u] == priority[x]) & compat.valid(u, y)
    u, x, y = u[ok], x[ok], y[ok]
    mate[u], mate[y] = y, u
    mate[x] = -1
