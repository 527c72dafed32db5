"""Placing an odd one out in a group of three rather than leaving them out."""

from __future__ import annotations

import numpy as np

from unmentor.matching.blossom import BlossomSearch
from unmentor.matching.compat import Compatibility

MAX_EXPOSURE_TRIALS = 2_000
# People of one organisation tried directly; if none of them fits, more of them rarely will.
MAX_DIRECT_TRIES_PER_ORGANISATION = 64
# Re-shuffling who is left out is tried only when few are left out (an odd one, typically).
MAX_LEFT_OUT_FOR_EXPOSURE = 50


def _pairs(mate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ends = np.flatnonzero(mate > np.arange(mate.size))
    return ends, mate[ends]


def _fit(compat: Compatibility, mate: np.ndarray, people: list[int], rng):
    """The first of `people` who may meet both members of some pair, with that pair."""
    ends, partners = _pairs(mate)
    if ends.size == 0:
        return None
    tried: dict[int, int] = {}
    for u in people:
        org = int(compat.org[u])
        if tried.get(org, 0) >= MAX_DIRECT_TRIES_PER_ORGANISATION:
            continue
        tried[org] = tried.get(org, 0) + 1
        # Organisation first (cheap, and it rules out most pairs), then history.
        usable = np.flatnonzero((compat.org[ends] != org) & (compat.org[partners] != org))
        if usable.size == 0:
            tried[org] = MAX_DIRECT_TRIES_PER_ORGANISATION
            continue
        both = np.full(usable.size, u)
        ok = compat.valid(both, ends[usable]) & compat.valid(both, partners[usable])
        hits = usable[ok]
        if hits.size:
            pick = hits[rng.integers(0, hits.size)]
            return u, int(ends[pick]), int(partners[pick])
    return None


def find_triad(
    compat: Compatibility,
    mate: np.ndarray,
    order: list[int],
    rng: np.random.Generator,
    *,
    exhaustive: bool,
) -> tuple[int, int, int] | None:
    """A triad for one left-out person (in `order` of preference), adjusting `mate` if needed.

    Direct: someone left out who may meet both members of a pair. Exhaustive (small inputs,
    few left out): also try leaving out someone else instead, anyone reachable by an even
    alternating path, since the grouping can be re-shuffled without losing a pair.
    """
    found = _fit(compat, mate, order, rng)
    if found is not None or not exhaustive or len(order) > MAX_LEFT_OUT_FOR_EXPOSURE:
        return found
    search = BlossomSearch(compat, mate)
    trials = 0
    for u in order:
        _, outer, parent = search.search(u)
        for w in rng.permutation(np.flatnonzero(outer & (mate >= 0))):
            trials += 1
            if trials > MAX_EXPOSURE_TRIALS:
                return None
            trial = mate.copy()
            BlossomSearch(compat, trial).swap_in(u, int(w), parent)
            fit = _fit(compat, trial, [int(w)], rng)
            if fit is not None:
                mate[:] = trial
                return fit
    return None
