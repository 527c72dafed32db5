"""match_round: groups for one round, random, cross-organisation, never repeating, maximum.

The path, and why each step is there:
1. a vectorised first pairing (greedy.py) reaches the bound min(⌊n/2⌋, n - largest
   organisation) in one or two passes whenever history allows;
2. below the bound, Edmonds' search from each person left out (blossom.py) adds pairs until
   none can be added, which proves the matching maximum;
3. higher priority is placed first: an unplaced person displaces the lowest-priority person
   reachable by an even alternating path, which keeps the number of pairs;
4. random swaps between pairs (mixing.py) make the result uniform over valid groupings;
5. at most one triad takes an odd one out (triads.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np

from unmentor.matching.blossom import BlossomSearch
from unmentor.matching.compat import Compatibility
from unmentor.matching.explain import reasons_for
from unmentor.matching.greedy import initial_matching
from unmentor.matching.mixing import mix, sweeps_for
from unmentor.matching.prepare import Problem, from_arrays, from_candidates
from unmentor.matching.triads import find_triad
from unmentor.matching.types import ArrayResult, Candidate, MatchResult

# Below this many people an exhaustive search (and a proof of maximality) is always run.
EXACT_LIMIT = 20_000
# Above it, exact repair of the last few stops after this long and says it is not proven.
REPAIR_SECONDS = 1.0


def match_round(
    candidates: Sequence[Candidate],
    history: Iterable = (),
    *,
    seed: int | None = None,
    triads: bool = True,
) -> MatchResult:
    """Group `candidates` for one round, never repeating a pair in `history`."""
    problem = from_candidates(candidates, history)
    result = _solve(problem, seed=seed, triads=triads)
    ids = problem.ids
    groups = [(int(ids[a]), int(ids[b])) for a, b in result.pairs]
    if result.triad is not None:
        groups.append(tuple(int(ids[p]) for p in result.triad))
    unmatched = [int(ids[p]) for p in result.unmatched]
    fresh = {int(i): int(f) for i, f in zip(ids, result.fresh_partners, strict=True)}
    return MatchResult(
        groups=groups,
        unmatched=unmatched,
        reasons=reasons_for(
            problem,
            result.unmatched,
            result.fresh_partners,
            pairs_possible=len(result.pairs),
        ),
        fresh_partners=fresh,
        upper_bound=result.upper_bound,
        is_proven_maximum=result.is_proven_maximum,
        seed=seed,
    )


def match_arrays(
    ids,
    orgs,
    history=None,
    *,
    priority=None,
    seed: int | None = None,
    triads: bool = True,
) -> ArrayResult:
    """The same engine for numpy arrays of ids and organisation codes, returning arrays.

    `history` is a (k, 2) array of ids. Results hold ids, not positions.
    """
    problem = from_arrays(ids, orgs, history, priority=priority)
    result = _solve(problem, seed=seed, triads=triads)
    result.pairs = problem.ids[result.pairs] if result.pairs.size else result.pairs
    result.unmatched = problem.ids[result.unmatched]
    if result.triad is not None:
        result.triad = tuple(int(problem.ids[p]) for p in result.triad)
    return result


def fresh_partner_counts(candidates: Sequence[Candidate], history: Iterable = ()) -> dict[int, int]:
    """How many people each candidate may still meet, without forming any groups."""
    problem = from_candidates(candidates, history)
    counts = Compatibility(problem).fresh_partners() if problem.n else []
    return {int(i): int(c) for i, c in zip(problem.ids, counts, strict=True)}


def _solve(problem: Problem, *, seed: int | None, triads: bool) -> ArrayResult:
    n = problem.n
    empty = np.empty((0, 2), dtype=np.int64)
    if n == 0:
        return ArrayResult(empty, None, np.empty(0, np.int64), np.empty(0, np.int64), 0, True)
    rng = np.random.default_rng(seed)
    compat = Compatibility(problem)
    largest = int(np.bincount(problem.org).max())
    bound = min(n // 2, n - largest)
    mate = initial_matching(compat, rng, priority=problem.priority, bound=bound)
    proven = _complete(compat, mate, rng, bound=bound, exhaustive=n <= EXACT_LIMIT)
    if n <= EXACT_LIMIT:
        _prefer_priority(compat, mate, problem.priority, rng)
    mix(compat, mate, problem.priority, rng, sweeps=sweeps_for(n))
    triad = None
    unmatched = np.flatnonzero(mate < 0)
    if triads and unmatched.size:
        shuffled = rng.permutation(unmatched.size)
        order = unmatched[np.lexsort((shuffled, -problem.priority[unmatched]))].tolist()
        triad = find_triad(compat, mate, order, rng, exhaustive=n <= EXACT_LIMIT)
        if triad is not None:
            mate[list(triad)] = -2  # placed in the triad, out of the pairs
    positions = np.arange(n)
    ends = np.flatnonzero(mate > positions)
    pairs = np.stack([ends, mate[ends]], axis=1) if ends.size else empty
    return ArrayResult(
        pairs=pairs,
        triad=triad,
        unmatched=np.flatnonzero(mate == -1),
        fresh_partners=compat.fresh_partners(),
        upper_bound=bound,
        is_proven_maximum=proven,
    )


def _pair_count(mate: np.ndarray) -> int:
    return int((mate >= 0).sum() // 2)


def _complete(compat, mate, rng, *, bound: int, exhaustive: bool) -> bool:
    """Add pairs by augmenting paths until maximum; True when that is proven."""
    if _pair_count(mate) >= bound:
        return True
    search = BlossomSearch(compat, mate)
    deadline = time.monotonic() + REPAIR_SECONDS
    for root in rng.permutation(np.flatnonzero(mate < 0)):
        if mate[root] >= 0:
            continue
        if not exhaustive and time.monotonic() > deadline:
            return _pair_count(mate) >= bound
        search.augment_from(int(root))
        if _pair_count(mate) >= bound:
            return True
    # Every person left out was searched from: by Berge's theorem no pair can be added.
    return True


def _prefer_priority(compat, mate, priority, rng, *, passes: int = 3) -> None:
    """Let higher-priority people displace lower-priority ones, keeping the number of pairs."""
    if priority.min() == priority.max():
        return
    search = BlossomSearch(compat, mate)
    for _ in range(passes):
        changed = False
        out = np.flatnonzero(mate < 0)
        placed_min = priority[mate >= 0].min() if (mate >= 0).any() else None
        for root in sorted(out.tolist(), key=lambda p: (-priority[p], rng.random())):
            if placed_min is None or priority[root] <= placed_min:
                continue
            _, outer, parent = search.search(root)
            lower = np.flatnonzero(outer & (mate >= 0) & (priority < priority[root]))
            if lower.size == 0:
                continue
            lowest = lower[priority[lower] == priority[lower].min()]
            search.swap_in(root, int(rng.choice(lowest)), parent)
            changed = True
            placed_min = priority[mate >= 0].min()
        if not changed:
            return
