"""A fast first matching, all whole-array numpy: it reaches the maximum in almost every round.

Who sits out is decided first (lowest priority, from the organisation holding more than half
if there is one). The rest are laid out in organisation blocks, in random order, and position
i meets position i + m/2: no block is longer than m/2, so no pair shares an organisation.
Pairs that met before go back to the pool, which is paired again, and what remains is
repaired with 3-edge swaps (free u, w and a pair (x, y) become (u, x), (w, y)), i.e.
augmenting paths of length three, found for thousands of free people in one numpy pass.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.compat import Compatibility


def pair_count(mate: np.ndarray) -> int:
    return int(np.count_nonzero(mate >= 0)) // 2


def lowest_first(people: np.ndarray, priority: np.ndarray, rng: np.random.Generator):
    """`people` by ascending priority, ties in random order."""
    return people[np.lexsort((rng.random(people.size), priority[people]))]


def balanced_pairs(
    pool: np.ndarray, org: np.ndarray, priority: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """As many cross-organisation pairs of `pool` as organisation sizes allow."""
    m = pool.size
    if m < 2:
        return pool[:0], pool[:0]
    codes = org[pool]
    sizes = np.bincount(codes)
    big = int(np.argmax(sizes))
    largest = int(sizes[big])
    if largest > m - largest:
        # Everyone else meets a member of the big organisation; its lowest priority sit out.
        members = lowest_first(pool[codes == big], priority, rng)
        others = pool[codes != big]
        keep = members[2 * largest - m :]
        return rng.permutation(keep), rng.permutation(others)
    if m % 2:
        pool = np.delete(pool, np.flatnonzero(pool == lowest_first(pool, priority, rng)[0]))
        m -= 1
    shuffled = rng.permutation(pool)
    rank = rng.permutation(sizes.size)[org[shuffled]]
    # A stable sort on small integer ranks is a radix sort: organisation blocks in O(m).
    dtype = np.int16 if sizes.size < 2**15 else np.int64
    ordered = shuffled[np.argsort(rank.astype(dtype), kind="stable")]
    half = m // 2
    return ordered[:half], ordered[half:]


def initial_matching(
    compat: Compatibility,
    priority: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
    *,
    target: int,
    passes: int = 4,
) -> np.ndarray:
    """A `mate` array (partner position, or -1) of valid pairs, usually `target` of them."""
    mate = np.full(compat.n, -1, dtype=np.int64)
    pool = np.flatnonzero(eligible)
    for _ in range(passes):
        a, b = balanced_pairs(pool, compat.org, priority, rng)
        ok = compat.valid(a, b)
        mate[a[ok]] = b[ok]
        mate[b[ok]] = a[ok]
        if ok.all() or pair_count(mate) >= target:
            break
        pool = np.flatnonzero((mate < 0) & eligible)
    repair(compat, mate, eligible, rng, target=target)
    return mate


def repair(
    compat: Compatibility,
    mate: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
    *,
    target: int,
    rounds: int = 12,
) -> None:
    """Add pairs through free people: directly, or by breaking one pair into two."""
    stale = 0
    for _ in range(rounds):
        before = pair_count(mate)
        if before >= target:
            return
        free = rng.permutation(np.flatnonzero((mate < 0) & eligible))
        k = free.size // 2
        if k == 0:
            return
        u, w = free[:k], free[k : 2 * k]
        direct = compat.valid(u, w)
        mate[u[direct]], mate[w[direct]] = w[direct], u[direct]
        u, w = u[~direct], w[~direct]
        placed = np.flatnonzero(mate >= 0)
        if u.size and placed.size:
            x = placed[rng.integers(0, placed.size, size=u.size)]
            y = mate[x]
            straight = compat.valid(u, x) & compat.valid(w, y)
            crossed = ~straight & compat.valid(u, y) & compat.valid(w, x)
            ok = straight | crossed
            # One trade per pair per pass: two trades on one pair would both break it.
            pair_id = np.minimum(x, y)
            first = first_occurrences(pair_id)
            once = np.zeros(u.size, dtype=bool)
            once[first] = True
            ok &= once
            x, y = np.where(crossed, y, x)[ok], np.where(crossed, x, y)[ok]
            u, w = u[ok], w[ok]
            mate[u], mate[x] = x, u
            mate[w], mate[y] = y, w
        stale = stale + 1 if pair_count(mate) == before else 0
        if stale >= 3:
            return


def first_occurrences(values: np.ndarray) -> np.ndarray:
    """Index of the first occurrence of each distinct value (np.unique is slow at scale)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(values.size, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    return order[starts]


def priority_swaps(
    compat: Compatibility,
    mate: np.ndarray,
    priority: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
    *,
    rounds: int = 6,
) -> None:
    """Free u of higher priority takes the place of placed w: (v, w) becomes (u, v).

    The short cases of the exact exchange (exact.prefer_priority), for everyone at once.
    """
    for attempt in range(rounds):
        placed = np.flatnonzero(mate >= 0)
        free = np.flatnonzero((mate < 0) & eligible)
        if placed.size == 0 or free.size == 0:
            return
        high = free[priority[free] > priority[placed].min()]
        if high.size == 0:
            return
        high = lowest_first(high, -priority, rng)
        low = lowest_first(placed[priority[placed] < priority[high[0]]], priority, rng)
        if attempt == 0:
            # Highest priority out against lowest in.
            k = min(high.size, low.size)
            u, w = high[:k], low[:k]
        else:
            # Afterwards, random lower-priority people, for the cases the first pass missed.
            below = np.searchsorted(priority[low], priority[high], side="left")
            u = high[below > 0]
            w = low[(rng.random(u.size) * below[below > 0]).astype(np.int64)]
        v = mate[w]
        ok = np.flatnonzero((priority[w] < priority[u]) & compat.valid(u, v))
        ok = ok[first_occurrences(np.minimum(w, v)[ok])]
        u, v, w = u[ok], v[ok], w[ok]
        mate[w] = -1
        mate[u], mate[v] = v, u
