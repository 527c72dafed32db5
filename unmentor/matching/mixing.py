"""Making the grouping random over all valid groupings, not just one greedy shape.

A greedy shuffle is biased over whole pairings at small sizes. Random partner swaps between
valid pairs form a symmetric Markov chain over valid pairings, whose stationary distribution
is uniform; a few sweeps made it indistinguishable from uniform against exact enumeration.
Swaps between a left-out person and a placed one of equal priority randomise who sits out.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.compat import Compatibility


def sweeps_for(n: int) -> int:
    """Enough sweeps to mix at the sizes where bias shows; fewer where n makes it invisible."""
    if n <= 2_000:
        return 40
    if n <= 50_000:
        return 12
    return 3


def mix(
    compat: Compatibility,
    mate: np.ndarray,
    priority: np.ndarray,
    rng: np.random.Generator,
    *,
    sweeps: int,
) -> None:
    """Random valid swaps, in place; the number of pairs and who is placed by priority stay."""
    n = mate.size
    positions = np.arange(n)
    for _ in range(sweeps):
        ends = np.flatnonzero(mate > positions)
        if ends.size >= 2:
            order = rng.permutation(ends.size)
            k = ends.size // 2
            x1, x2 = ends[order[:k]], ends[order[k : 2 * k]]
            y1, y2 = mate[x1], mate[x2]
            cross = rng.random(k) < 0.5
            c = np.where(cross, x2, y2)
            d = np.where(cross, y2, x2)
            ok = compat.valid(x1, c) & compat.valid(y1, d)
            x1, y1, c, d = x1[ok], y1[ok], c[ok], d[ok]
            mate[x1], mate[c] = c, x1
            mate[y1], mate[d] = d, y1
        _swap_sitters(compat, mate, priority, rng)


def _swap_sitters(compat, mate, priority, rng) -> None:
    out = np.flatnonzero(mate < 0)
    placed = np.flatnonzero(mate >= 0)
    if out.size == 0 or placed.size == 0:
        return
    out = rng.permutation(out)[: placed.size]
    x = placed[rng.integers(0, placed.size, size=out.size)]
    partner = mate[x]
    ok = (priority[out] == priority[x]) & compat.valid(out, partner)
    # One swap per placed pair and per person in this step.
    _, first = np.unique(x, return_index=True)
    once = np.zeros(out.size, dtype=bool)
    once[first] = True
    ok &= once
    _, first_partner = np.unique(partner, return_index=True)
    once_partner = np.zeros(out.size, dtype=bool)
    once_partner[first_partner] = True
    ok &= once_partner
    both = np.concatenate([x[ok], partner[ok]])
    if np.unique(both).size != both.size:  # x of one swap is the partner of another
        ok[ok] = np.isin(x[ok], partner[ok], invert=True)
    u, x, partner = out[ok], x[ok], partner[ok]
    mate[x] = -1
    mate[u], mate[partner] = partner, u
