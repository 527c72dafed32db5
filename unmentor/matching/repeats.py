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
from unmentor.matching.pairing import first_occurrences
from unmentor.matching.pairset import PairSet

if TYPE_CHECKING:
    from unmentor.matching.engine import _Solution

Repeatable = Mapping[tuple[int, int], int] | tuple[np.ndarray, np.ndarray]
# Above this many people left out, pairs are the greedy choice only (no augmenting paths).
EXACT_REPEATS = 2_000
# At most this many people left over try to join a pair as its third (each try is O(n)).
THIRD_TRIES = 16
# For groups of three or four, at most this many people left out look for a seat.
SEAT_TRIES = 2_000


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
    pairs, rounds = _touching(problem.ids, problem.ids[out], pairs, rounds)
    pos = _positions(problem.ids, pairs.reshape(-1))
    a, b = pos[0::2], pos[1::2]
    ok = (a >= 0) & (b >= 0)
    ok[ok] = lookup[a[ok]] | lookup[b[ok]]
    a, b, when = a[ok], b[ok], rounds[ok]
    ok = problem.org[a] != problem.org[b]
    if ok.any() and problem.met is not None and len(problem.met):
        ok[ok] = problem.met.contains(a[ok], b[ok])  # not met: fresh, nothing to repeat
    blocked_a, blocked_b = problem.blocked_pairs
    if ok.any() and blocked_a.size:
        ok[ok] = ~PairSet(blocked_a, blocked_b, n).contains(a[ok], b[ok])
    if not ok.any():
        return None
    a, b, when = a[ok].astype(np.int64), b[ok].astype(np.int64), when[ok]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # The same pair given twice: its latest meeting counts.
    key = lo * n + hi
    order = np.lexsort((-when, key))
    key = key[order]
    first = np.r_[True, key[1:] != key[:-1]]
    if first.all():
        return lo, hi, when
    keep = order[first]
    return lo[keep], hi[keep], when[keep]


def _touching(ids: np.ndarray, out_ids: np.ndarray, pairs: np.ndarray, rounds: np.ndarray):
    """The pairs naming someone in `out_ids`, found by id: millions of pairs, few people."""
    top = int(ids.max())
    if top > 8 * ids.size + 1024 or pairs.size == 0:
        return pairs, rounds
    flag = np.zeros(top + 2, dtype=bool)
    flag[out_ids] = True
    ends = np.clip(pairs, -1, top + 1)  # anything out of range reads the False at the end
    keep = flag[ends[:, 0]] | flag[ends[:, 1]]
    return pairs[keep], rounds[keep]


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
    mate = _oldest_first(out.size, ia, ib, iw, rng)
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


def _oldest_first(m: int, ia, ib, when, rng) -> np.ndarray:
    """The greedy matching taking pairs oldest first (ties at random), for all at once.

    A pair that is the best remaining for both its people is in the greedy result whatever
    order the greedy pass would take: accept all such pairs, drop their people, repeat.
    """
    mate = np.full(m, -1, dtype=np.int64)
    order = np.lexsort((rng.random(when.size), when))
    ia, ib = ia[order], ib[order]  # best first
    while ia.size:
        ends = np.stack([ia, ib], axis=1).ravel()  # both people of pair 0, then pair 1...
        first = first_occurrences(ends)  # each person's best pair
        best = np.full(m, -1, dtype=np.int64)
        best[ends[first]] = first // 2
        edge = np.arange(ia.size)
        take = (best[ia] == edge) & (best[ib] == edge)
        mate[ia[take]], mate[ib[take]] = ib[take], ia[take]
        keep = (mate[ia] < 0) & (mate[ib] < 0)
        ia, ib = ia[keep], ib[keep]
    return mate


def _repeated_in(groups: list[np.ndarray], a, b, when) -> tuple[np.ndarray, np.ndarray]:
    """Every pair met before inside `groups`, low position first, with its round."""
    found = []
    for block in groups:
        for i in range(block.shape[1]):
            for j in range(i + 1, block.shape[1]):
                x, y = block[:, i], block[:, j]
                found.append(np.stack([np.minimum(x, y), np.maximum(x, y)], axis=1))
    inside = np.concatenate(found).astype(np.int64) if found else np.zeros((0, 2), np.int64)
    if not inside.size or not a.size:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    inside = np.unique(inside, axis=0)
    scale = int(max(a.max(), b.max(), inside.max())) + 1
    keys = a * scale + b  # a < b already, one entry per pair (see _edges)
    order = np.argsort(keys)
    wanted = inside[:, 0] * scale + inside[:, 1]
    at = np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)
    found = keys[order][at] == wanted
    return inside[found], when[order][at][found]


def _third(problem, solution, new_pairs, left, a, b, when, rng):
    """Someone left over joins a pair they may repeat with, oldest meeting first.

    Fresh triads were already tried when the round was formed, so only pairs holding one of
    their former partners are looked at.
    """
    pairs = np.concatenate([solution.pairs, new_pairs])
    if pairs.size == 0:
        return None
    compat = problem.compat
    pair_of = np.full(problem.n, -1, dtype=np.int64)
    pair_of[pairs[:, 0]] = pair_of[pairs[:, 1]] = np.arange(len(pairs))
    latest = np.full(problem.n, -1, dtype=np.int64)
    fresh = np.iinfo(np.int64).min
    for r in rng.permutation(left)[:THIRD_TRIES].tolist():
        mine = (a == r) | (b == r)
        partners = np.where(a[mine] == r, b[mine], a[mine])
        latest[:] = -1
        latest[partners] = when[mine]
        near = np.unique(pair_of[partners])
        near = near[near >= 0]
        x, y = pairs[near, 0], pairs[near, 1]
        rx = np.where(compat.valid(np.full(x.size, r), x), fresh, latest[x])
        ry = np.where(compat.valid(np.full(y.size, r), y), fresh, latest[y])
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
    rows = [
        np.pad(block, ((0, 0), (0, high - block.shape[1])), constant_values=-1)
        for block in solution.groups
    ]
    table = np.concatenate(rows) if rows else np.full((0, high), -1, dtype=np.int64)
    first_new = used = len(table)
    trying = rng.permutation(solution.unmatched)[:SEAT_TRIES]
    table = np.concatenate([table, np.full((trying.size, high), -1, dtype=np.int64)])
    latest = np.full(problem.n, -1, dtype=np.int64)
    fresh = np.iinfo(np.int64).min
    changed = np.zeros(0, dtype=np.int64)
    row_of = np.full(problem.n, -1, dtype=np.int64)
    seated = table >= 0
    row_of[table[seated]] = np.nonzero(seated)[0]
    for r in trying.tolist():
        mine = (a == r) | (b == r)
        partners = np.where(a[mine] == r, b[mine], a[mine])
        latest[:] = -1
        latest[partners] = when[mine]
        # Only groups holding someone r may repeat with (or started here) can take r in:
        # a group r fits with fresh people only would have taken r already.
        near = np.union1d(row_of[partners], np.arange(first_new, used))
        near = near[near >= 0]
        block = table[near]
        seated = block >= 0
        room = seated.sum(axis=1) < high
        # Per seat: the round r last met its person (fresh: lowest), -1 if they may not meet.
        rounds = np.full(block.shape, fresh, dtype=np.int64)
        people = block[seated]
        ok = compat.valid(np.full(people.size, r), people)
        rounds[seated] = np.where(ok, fresh, latest[people])
        allowed = room & (rounds != -1).all(axis=1)
        if allowed.any():
            newest = rounds.max(axis=1)
            choice = np.flatnonzero(allowed)
            choice = choice[newest[choice] == newest[choice].min()]
            row = int(near[int(rng.choice(choice))])
            table[row, int(np.argmax(table[row] < 0))] = r
        else:
            row, used = used, used + 1
            table[row, 0] = r
        row_of[r] = row
        changed = np.append(changed, row)
    table = table[:used]
    sizes = (table >= 0).sum(axis=1)
    # Groups started here need `low` members; the rest of them sit out after all.
    keep = (np.arange(len(table)) < first_new) | (sizes >= low)
    table, sizes = table[keep], sizes[keep]
    renumber = np.cumsum(keep) - 1
    changed = np.unique(renumber[changed[keep[changed]]])
    solution.groups = [
        np.sort(table[sizes == size], axis=1)[:, ::-1][:, :size].copy()
        for size in range(2, high + 1)
        if (sizes == size).any()
    ]
    placed = [_members(table[row]) for row in changed]
    return placed or [np.zeros((0, 2), np.int64)], _repeated_in(placed, a, b, when)


def _members(row: np.ndarray) -> np.ndarray:
    return row[row >= 0][None, :]
