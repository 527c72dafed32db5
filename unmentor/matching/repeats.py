"""The repeat fallback: someone who would sit out for want of a fresh partner meets again.

Runs after the round is formed, on the people still sitting out only: whoever a fresh grouping
can place is placed freshly, and a repeat never takes anyone's place. Among those left, pairs
(or, for larger groups, seats) are chosen from `repeatable` longest ago first: a greedy pass in
order of the round last met (ties at random), then augmenting paths so that as many as
possible are placed. A blocked pair is never repeated, even when it also met.

`repeatable` maps (id, id) to the round the pair last met; the array API may pass a tuple of
a (k, 2) id array and a (k,) round array instead. Only pairs touching someone left out are
looked at, so a long mapping costs little when nobody is left out.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from unmentor.matching.arrays import Problem, _history_array, _positions
from unmentor.matching.exact import Blossom, complete
from unmentor.matching.pairset import PairSet

if TYPE_CHECKING:
    from unmentor.matching.engine import _Solution

Repeatable = Mapping[tuple[int, int], int] | tuple[np.ndarray, np.ndarray]
# Above this many people left out, pairs are the greedy choice only (no augmenting paths).
EXACT_REPEATS = 2_000


def add_repeats(problem: Problem, solution: _Solution, repeatable, *, triads: bool) -> None:
    """Place people of `solution.unmatched` with partners met before, oldest meeting first."""
    solution.repeated = np.zeros((0, 2), dtype=np.int64)
    solution.repeated_rounds = np.zeros(0, dtype=np.int64)
    pairs, rounds = _as_arrays(repeatable)
    if solution.unmatched.size == 0 or pairs.size == 0:
        return
    if solution.group_size == 2 and triads and solution.triad is not None:
        # The triad's third may do better in a repeat pair, freeing the triad for someone else.
        split = copy.copy(solution)
        r, x, y = solution.triad
        split.triad = None
        split.pairs = np.concatenate([solution.pairs, [[x, y]]]).astype(np.int64)
        split.unmatched = np.concatenate([solution.unmatched, [r]])
        split.reasons = np.concatenate([solution.reasons, [0]]).astype(solution.reasons.dtype)
        _add(problem, split, pairs, rounds, triads=triads)
        _add(problem, solution, pairs, rounds, triads=triads)
        if split.unmatched.size < solution.unmatched.size:
            for name in ("pairs", "triad", "unmatched", "reasons", "upper_bound"):
                setattr(solution, name, getattr(split, name))
            solution.repeated, solution.repeated_rounds = split.repeated, split.repeated_rounds
        return
    _add(problem, solution, pairs, rounds, triads=triads)


def _add(problem: Problem, solution: _Solution, pairs, rounds, *, triads: bool) -> None:
    out = solution.unmatched
    rng = np.random.default_rng([solution.seed, 1])
    edges = _edges(problem, pairs, rounds, out)
    if edges is None:
        return
    a, b, when = edges
    if solution.group_size == 2:
        new_pairs, joined = _pair_up(problem, solution, a, b, when, rng, triads=triads)
    else:
        new_pairs, joined = _seat_in_groups(problem, solution, a, b, when, rng)
    placed = np.zeros(problem.n, dtype=bool)
    for block in new_pairs:
        placed[block.ravel()] = True
    keep = ~placed[out]
    solution.unmatched = out[keep]
    solution.reasons = solution.reasons[keep]
    solution.upper_bound += int(np.count_nonzero(placed[out]))
    solution.repeated, solution.repeated_rounds = joined


def _as_arrays(repeatable) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(repeatable, tuple) and len(repeatable) == 2:
        pairs = _history_array(repeatable[0], "repeatable")
        rounds = np.asarray(repeatable[1])
    elif isinstance(repeatable, Mapping):
        pairs = _history_array(list(repeatable.keys()), "repeatable")
        rounds = np.asarray(list(repeatable.values()))
    else:
        raise TypeError(
            f"repeatable must map (id, id) pairs to the round last met, got {repeatable!r}"
        )
    if rounds.size and rounds.dtype.kind not in "iu":
        raise TypeError(f"repeatable rounds must be integers, got {rounds.dtype}")
    if rounds.shape != (len(pairs),):
        raise ValueError("repeatable needs one round per pair")
    return pairs, rounds.astype(np.int64, copy=False)


def _edges(problem: Problem, pairs, rounds, out):
    """Repeatable pairs with someone left out in them: met, other organisations, not blocked."""
    n = problem.n
    lookup = np.zeros(n, dtype=bool)
    lookup[out] = True
    pos = _positions(problem.ids, pairs.reshape(-1))
    a, b = pos[0::2], pos[1::2]
    ok = (a >= 0) & (b >= 0)
    ok[ok] = lookup[a[ok]] | lookup[b[ok]]
    a, b, when = a[ok], b[ok], rounds[ok]
    ok = problem.org[a] != problem.org[b]
    if ok.any() and len(problem.compat.met):
        ok[ok] = problem.compat.met.contains(a[ok], b[ok])  # not met: fresh, nothing to repeat
    blocked_a, blocked_b = problem.blocked_pairs
    if ok.any() and blocked_a.size:
        ok[ok] = ~PairSet(blocked_a, blocked_b, n).contains(a[ok], b[ok])
    if not ok.any():
        return None
    a, b, when = a[ok].astype(np.int64), b[ok].astype(np.int64), when[ok]
    # The same pair given twice: its latest meeting counts.
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((-when, hi, lo))
    lo, hi, when = lo[order], hi[order], when[order]
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
    return lo[first], hi[first], when[first]


class _Dense:
    """The repeat graph among the people left out, for Edmonds' search (exact.py)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.n = matrix.shape[0]
        self.matrix = matrix

    def neighbours(self, v: int) -> np.ndarray:
        return self.matrix[v].copy()


def _pair_up(problem, solution, a, b, when, rng, *, triads):
    """Pairs among those left out, oldest first; then maybe one joins a group as a third."""
    out = solution.unmatched
    index = np.full(problem.n, -1, dtype=np.int64)
    index[out] = np.arange(out.size)
    inside = (index[a] >= 0) & (index[b] >= 0)
    ia, ib, iw = index[a[inside]], index[b[inside]], when[inside]
    mate = np.full(out.size, -1, dtype=np.int64)
    for e in np.lexsort((rng.random(iw.size), iw)).tolist():
        x, y = ia[e], ib[e]
        if mate[x] < 0 and mate[y] < 0:
            mate[x], mate[y] = y, x
    if out.size <= EXACT_REPEATS and ia.size:
        matrix = np.zeros((out.size, out.size), dtype=bool)
        matrix[ia, ib] = matrix[ib, ia] = True
        graph = _Dense(matrix)
        everyone = np.ones(out.size, dtype=bool)
        complete(Blossom(graph, mate, everyone, budget=float("inf")), everyone, rng, target=10**18)
    ends = np.flatnonzero(mate > np.arange(out.size))
    new = np.stack([out[ends], out[mate[ends]]], axis=1) if ends.size else np.zeros((0, 2), int)
    changed = [new]
    if triads and solution.triad is None:
        triad = _third(problem, solution, new, out[mate < 0], a, b, when, rng)
        if triad is not None:
            x = triad[1]
            solution.pairs = solution.pairs[(solution.pairs != x).all(axis=1)]
            new = new[(new != x).all(axis=1)]
            solution.triad = triad
            changed.append(np.array([triad], dtype=np.int64))
    solution.pairs = np.concatenate([solution.pairs, new]).astype(np.int64)
    return changed, _repeated_in(changed, a, b, when)


def _repeated_in(groups: list[np.ndarray], a, b, when) -> tuple[np.ndarray, np.ndarray]:
    """Every pair met before inside `groups`, low position first, with its round."""
    round_of = {(int(x), int(y)): int(w) for x, y, w in zip(a, b, when, strict=True)}
    found = set()
    for block in groups:
        for group in block.tolist():
            for i, x in enumerate(group):
                for y in group[i + 1 :]:
                    key = (min(x, y), max(x, y))
                    if key in round_of:
                        found.add(key)
    joined = sorted(found)
    rounds = np.array([round_of[j] for j in joined], dtype=np.int64)
    return np.array(joined, dtype=np.int64).reshape(-1, 2), rounds


def _third(problem, solution, new_pairs, left, a, b, when, rng):
    """Someone left over joins a pair they have not met or may repeat, oldest meeting first."""
    pairs = np.concatenate([solution.pairs, new_pairs])
    if pairs.size == 0:
        return None
    compat = problem.compat
    latest = np.full(problem.n, -1, dtype=np.int64)
    for r in rng.permutation(left).tolist():
        mine = (a == r) | (b == r)
        partners = np.where(a[mine] == r, b[mine], a[mine])
        latest[:] = -1
        latest[partners] = when[mine]
        x, y = pairs[:, 0], pairs[:, 1]
        rx = np.where(compat.valid(np.full(x.size, r), x), np.iinfo(np.int64).min, latest[x])
        ry = np.where(compat.valid(np.full(y.size, r), y), np.iinfo(np.int64).min, latest[y])
        ok = np.flatnonzero((rx != -1) & (ry != -1))
        if ok.size:
            newest = np.maximum(rx[ok], ry[ok])
            best = ok[newest == newest.min()]
            i = int(rng.choice(best))
            return int(r), int(x[i]), int(y[i])
    return None


def _seat_in_groups(problem, solution, a, b, when, rng):
    """Each one left out joins a group with room, or starts one, oldest meetings first."""
    compat = problem.compat
    high = solution.group_size + 1
    low = solution.group_size - 1
    rows = [list(map(int, row)) for block in solution.groups for row in block.tolist()]
    latest = np.full(problem.n, -1, dtype=np.int64)
    fresh_mark = np.iinfo(np.int64).min

    def score(r: int, members: list[int]) -> int | None:
        """The newest repeated meeting if `r` joins `members` (None: not allowed)."""
        if not members:
            return fresh_mark
        m = np.array(members)
        rounds = np.where(compat.valid(np.full(m.size, r), m), fresh_mark, latest[m])
        if (rounds == -1).any() or (problem.org[m] == problem.org[r]).any():
            return None
        return int(rounds.max())

    changed: list[list[int]] = []
    starting: list[list[int]] = []
    for r in rng.permutation(solution.unmatched).tolist():
        mine = (a == r) | (b == r)
        latest[:] = -1
        latest[np.where(a[mine] == r, b[mine], a[mine])] = when[mine]
        best, where = None, None
        for group in rows + starting:
            if len(group) >= high:
                continue
            s = score(r, group)
            if s is not None and (best is None or s < best):
                best, where = s, group
        if where is None:
            starting.append([r])
        else:
            where.append(r)
            changed.append(where)
    # Groups started here need `low` members; the rest of them sit out after all.
    rows += [group for group in starting if len(group) >= low]
    by_size: dict[int, list[list[int]]] = {}
    for group in rows:
        by_size.setdefault(len(group), []).append(group)
    solution.groups = [np.array(by_size[s], dtype=np.int64) for s in sorted(by_size)]
    placed = [np.array([g]) for g in changed if len(g) >= low]
    return placed, _repeated_in(placed, a, b, when)
