"""Groups of three or four: every member from a different organisation, no two having met.

Exact maximum grouping is NP-hard above pairs, so this is a construction plus repairs, checked
against an upper bound (`group_bound`) that it reaches in almost every real round:
1. the bound: only people with enough partners left can be placed (a k-core), and with K
   groups an organisation places at most K members (one per group), so at most
   max over K of min(K * (g + 1), sum over organisations of min(size, K)) people;
2. the layout reaching it when history allows: everyone in organisation blocks (random block
   order, random order inside), person i of that order into group i mod K; no block is longer
   than K, so no group holds two people of one organisation;
3. repairs for history: members of a group who met swap with members of other groups, else
   leave; groups left too small dissolve; everyone free joins a group with room that they
   fit, or the free form new groups among themselves the same way;
4. higher priority first (free people replace lower-priority members they can stand in for),
   then random swaps between groups, so the grouping is a random one, not the layout's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unmentor.matching.arrays import Problem
from unmentor.matching.compat import Compatibility
from unmentor.matching.mixing import sweeps_for
from unmentor.matching.pairing import first_occurrences, lowest_first
from unmentor.matching.types import SitOut

GROUP_SIZES = (2, 3, 4)
# Up to this many free people x groups, free people try every group rather than random ones.
EXHAUSTIVE_TRIES = 4_000_000
# Small rounds (a dense graph) short of the bound try this many more constructions.
RETRIES = 8
# Up to this many people the bound also leaves out people in no triangle (a matrix product).
TRIANGLE_LIMIT = 600


@dataclass
class Grouped:
    groups: list[np.ndarray]  # one (k, size) position array per size, ascending
    unmatched: np.ndarray
    reasons: np.ndarray
    fresh: np.ndarray
    upper_bound: int
    proven: bool


def solve_groups(problem: Problem, *, size: int, rng: np.random.Generator) -> Grouped:
    """Groups of `size` (leftovers in groups of size - 1 or size + 1), as many placed as found."""
    compat, org = problem.compat, problem.org
    fresh = problem.fresh_partners()
    low, high = size - 1, size + 1
    alive = _core(compat, fresh >= low - 1, low - 1)
    upper, k = group_bound(org, alive, low=low, high=high, size=size)
    table = _attempt(problem, alive, k, upper, low=low, size=size, high=high, rng=rng)
    if compat.dense() is not None:
        # Small rounds: a few more random constructions, keeping the first that places most.
        for _ in range(RETRIES):
            if table.placed() >= upper:
                break
            other = _attempt(problem, alive, k, upper, low=low, size=size, high=high, rng=rng)
            if other.placed() > table.placed():
                table = other
    groups = table.blocks()
    placed = sum(int(g.size) for g in groups)
    seated = np.zeros(compat.n, dtype=bool)
    for g in groups:
        seated[g.ravel()] = True
    unmatched = np.flatnonzero(~seated)
    return Grouped(
        groups=groups,
        unmatched=unmatched,
        reasons=_reasons(problem, unmatched, fresh, alive, k=sum(len(g) for g in groups)),
        fresh=fresh,
        upper_bound=max(upper, placed),
        proven=placed >= upper,
    )


def _attempt(problem: Problem, alive, k, upper, *, low, size, high, rng) -> _Table:
    """One construction: layout, repairs, the free grouped among themselves, priority, mixing."""
    compat, priority, org = problem.compat, problem.priority, problem.org
    table = _Table(compat, high)
    if not upper:
        return table
    free = table.lay_out(np.flatnonzero(alive), k, org, priority, rng)
    free = _settle(table, free, low=low, size=size, high=high, rng=rng)
    for _ in range(4):
        # The free form groups of their own (the same layout), and everything settles again.
        if free.size < low:
            break
        before = table.placed()
        k_free = group_bound(org, _mask(free, compat.n), low=low, high=high, size=size)[1]
        if k_free == 0:
            break
        free = table.lay_out(free, k_free, org, priority, rng)
        free = _settle(table, free, low=low, size=size, high=high, rng=rng)
        if table.placed() == before:
            break
    free = _prefer_priority(table, free, priority, rng)
    _mix(table, free, priority, rng, sweeps=sweeps_for(compat.n))
    return table


def group_bound(
    org: np.ndarray, alive: np.ndarray, *, low: int, high: int, size: int
) -> tuple[int, int]:
    """(most people K groups of low..high members can place, that K) over the `alive`."""
    m = int(np.count_nonzero(alive))
    if m < low:
        return 0, 0
    counts = np.sort(np.bincount(org[alive]))
    counts = counts[counts > 0]
    prefix = np.concatenate([[0], np.cumsum(counts)])
    k = np.arange(1, m // low + 1)
    small = np.searchsorted(counts, k, side="right")  # organisations with at most k people
    fill = prefix[small] + k * (counts.size - small)
    placed = np.minimum(k * high, fill)
    placed[fill < k * low] = 0
    best = int(placed.max())
    if best == 0:
        return 0, 0
    # Of the K placing that many, the one whose groups are closest to `size`.
    ties = np.flatnonzero(placed == best)
    chosen = ties[np.argmin(np.abs(best - k[ties] * size))]
    return best, int(k[chosen])


def _mask(people: np.ndarray, n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[people] = True
    return mask


def _core(compat: Compatibility, alive: np.ndarray, need: int) -> np.ndarray:
    """Who has at least `need` partners among the others who do (exact when the graph is dense)."""
    matrix = compat.dense()
    if matrix is None or need <= 0:
        return alive
    alive = alive.copy()
    while True:
        degree = matrix[:, alive].sum(axis=1)
        drop = alive & (degree < need)
        if need >= 2 and compat.n <= TRIANGLE_LIMIT:
            # Groups of three or more: someone in no triangle can be in no group.
            inner = matrix & alive[None, :] & alive[:, None]
            dense = inner.astype(np.float32)
            drop |= alive & ~((dense @ dense) * dense).any(axis=1)
        if not drop.any():
            return alive
        alive &= ~drop


class _Table:
    """Groups as rows of a (rows, high) position table, -1 for an empty seat."""

    def __init__(self, compat: Compatibility, high: int) -> None:
        self.compat = compat
        self.high = high
        self.rows = np.full((0, high), -1, dtype=np.int64)

    def sizes(self) -> np.ndarray:
        return np.count_nonzero(self.rows >= 0, axis=1)

    def placed(self) -> int:
        return int(np.count_nonzero(self.rows >= 0))

    def lay_out(self, people, k, org, priority, rng) -> np.ndarray:
        """Add `k` groups of `people` in organisation blocks; returns who was left out."""
        codes = org[people]
        # At most k of one organisation (one per group): the lowest priority sit out.
        order = lowest_first(people, -priority, rng)
        rank_in_org = np.zeros(order.size, dtype=np.int64)
        by_org = np.argsort(org[order], kind="stable")
        sorted_codes = org[order][by_org]
        starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        lengths = np.diff(np.r_[starts, sorted_codes.size])
        rank_in_org[by_org] = np.arange(order.size) - np.repeat(starts, lengths)
        keep = order[rank_in_org < k]
        left = order[rank_in_org >= k]
        if keep.size > k * self.high:
            keep = lowest_first(keep, -priority, rng)
            left = np.concatenate([left, keep[k * self.high :]])
            keep = keep[: k * self.high]
        del codes
        shuffled = rng.permutation(keep)
        rank = rng.permutation(int(org.max()) + 1)[org[shuffled]]
        ordered = shuffled[np.argsort(rank, kind="stable")]
        grid = np.full(k * self.high, -1, dtype=np.int64)
        grid[: ordered.size] = ordered
        # Person i of the order sits in group i mod k: a block of at most k never shares one.
        new = grid.reshape(self.high, k).T
        self.rows = np.concatenate([self.rows, new])
        return left

    def conflicts(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Per seat of `rows` (default all): how many others in its group it may not meet."""
        table = self.rows if rows is None else self.rows[rows]
        count = np.zeros(table.shape, dtype=np.int64)
        for i in range(self.high):
            for j in range(i + 1, self.high):
                a, b = table[:, i], table[:, j]
                both = np.flatnonzero((a >= 0) & (b >= 0))
                bad = both[~self.compat.valid(a[both], b[both])]
                count[bad, i] += 1
                count[bad, j] += 1
        return count

    def fits(self, people: np.ndarray, rows: np.ndarray, skip: np.ndarray | None = None):
        """Whether each person may meet every member of the matching row (but seat `skip`)."""
        ok = np.ones(people.size, dtype=bool)
        for c in range(self.high):
            member = self.rows[rows, c]
            check = member >= 0
            if skip is not None:
                check &= skip != c
            check &= ok
            idx = np.flatnonzero(check)
            if idx.size:
                ok[idx] = self.compat.valid(people[idx], member[idx])
        return ok

    def blocks(self) -> list[np.ndarray]:
        """Rows as compact (k, size) arrays, one per size."""
        sizes = self.sizes()
        out = []
        for s in range(2, self.high + 1):
            rows = self.rows[sizes == s]
            if rows.size:
                packed = np.sort(rows, axis=1)[:, ::-1][:, :s]  # members first (ids are >= 0)
                out.append(np.ascontiguousarray(packed))
        return out


def _unique_rows(*rows: np.ndarray) -> np.ndarray:
    """Proposals (aligned across `rows`) touching no row another earlier proposal touches."""
    k = rows[0].size
    everything = np.concatenate(rows)
    owner = np.tile(np.arange(k), len(rows))
    first = np.zeros(everything.size, dtype=bool)
    first[first_occurrences(everything)] = True
    ok = np.ones(k, dtype=bool)
    for part in range(len(rows)):
        ok &= first[part * k : (part + 1) * k]
    # A proposal naming one row twice (a swap within a row) is meaningless.
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            ok &= rows[i] != rows[j]
    del owner
    return np.flatnonzero(ok)


def _settle(table: _Table, free, *, low, size, high, rng, passes: int = 8) -> np.ndarray:
    """Repair history conflicts, drop groups below `low`, seat the free; returns the free."""
    for _ in range(passes):
        count = table.conflicts()
        row, col = np.nonzero(count)
        if row.size == 0:
            break
        _swap(table, row, col, rng)
        free = _stand_in(table, free, rng)
    # Whoever still conflicts leaves, most-conflicted first, until every group is valid.
    free = [free]
    while True:
        count = table.conflicts()
        bad = np.flatnonzero(count.max(axis=1) > 0)
        if bad.size == 0:
            break
        noise = rng.random(count[bad].shape)
        col = np.argmax(count[bad] + noise, axis=1)
        free.append(table.rows[bad, col])
        table.rows[bad, col] = -1
    free = np.concatenate(free)
    # Groups short of members take in whoever fits first; those still too small dissolve.
    free = _seat(table, free, low, rng)
    small = table.sizes() < low
    if small.any():
        gone = table.rows[small]
        free = np.concatenate([free, gone[gone >= 0]])
        table.rows = table.rows[~small]
    for limit in (size, high):
        free = _seat(table, free, limit, rng)
    return free


def _stand_in(table: _Table, free: np.ndarray, rng) -> np.ndarray:
    """A free person who fits takes the seat of someone in conflict there."""
    if free.size == 0:
        return free
    count = table.conflicts()
    row, col = np.nonzero(count)
    if row.size == 0:
        return free
    keep = _unique_rows(row)
    row, col = row[keep], col[keep]
    u = free[rng.integers(0, free.size, size=row.size)]
    keep = first_occurrences(u)
    row, col, u = row[keep], col[keep], u[keep]
    ok = table.fits(u, row, col)
    row, col, u = row[ok], col[ok], u[ok]
    out = table.rows[row, col]
    table.rows[row, col] = u
    taken = np.zeros(table.compat.n, dtype=bool)
    taken[u] = True
    return np.concatenate([free[~taken[free]], out])


def _swap(table: _Table, row: np.ndarray, col: np.ndarray, rng) -> None:
    """Each conflicted seat trades its person with a random seat of a random other group."""
    n_rows = table.rows.shape[0]
    if n_rows < 2:
        return
    other = rng.integers(0, n_rows, size=row.size)
    other_col = rng.integers(0, table.high, size=row.size)
    keep = _unique_rows(row, other)
    row, col, other, other_col = row[keep], col[keep], other[keep], other_col[keep]
    p = table.rows[row, col]
    q = table.rows[other, other_col]
    ok = q >= 0
    ok[ok] = table.fits(p[ok], other[ok], other_col[ok]) & table.fits(q[ok], row[ok], col[ok])
    row, col, other, other_col = row[ok], col[ok], other[ok], other_col[ok]
    table.rows[row, col], table.rows[other, other_col] = q[ok], p[ok]


def _seat(table: _Table, free: np.ndarray, limit: int, rng, passes: int = 6) -> np.ndarray:
    """Free people join groups below `limit` members that they fit."""
    for _ in range(passes):
        if free.size == 0:
            return free
        sizes = table.sizes()
        room = np.flatnonzero(sizes < limit)
        if room.size == 0:
            return free
        free = rng.permutation(free)
        if free.size * room.size <= EXHAUSTIVE_TRIES:
            return _seat_everywhere(table, free, room, limit, rng)
        rows = room[rng.integers(0, room.size, size=free.size)]
        keep = _unique_rows(rows)
        person, rows = free[keep], rows[keep]
        ok = table.fits(person, rows)
        person, rows = person[ok], rows[ok]
        seat = np.argmax(table.rows[rows] < 0, axis=1)
        table.rows[rows, seat] = person
        seated = np.zeros(table.compat.n, dtype=bool)
        seated[person] = True
        free = free[~seated[free]]
        if not ok.any():
            break
    return free


def _seat_everywhere(table: _Table, free, room, limit, rng) -> np.ndarray:
    """Each free person (in the given order) tries every group with room, emptiest first."""
    left = []
    for u in free.tolist():
        sizes = table.sizes()[room]
        open_rows = room[sizes < limit]
        if open_rows.size == 0:
            left.append(u)
            continue
        fit = table.fits(np.full(open_rows.size, u), open_rows)
        if not fit.any():
            left.append(u)
            continue
        choices = open_rows[fit]
        fewest = choices[table.sizes()[choices] == table.sizes()[choices].min()]
        r = int(rng.choice(fewest))
        table.rows[r, int(np.argmax(table.rows[r] < 0))] = u
    return np.array(left, dtype=np.int64)


def _prefer_priority(table: _Table, free, priority, rng, rounds: int = 4) -> np.ndarray:
    """A free person of higher priority takes the seat of a lower-priority member they fit."""
    for _ in range(rounds):
        if free.size == 0 or table.rows.size == 0:
            return free
        seated = np.argwhere(table.rows >= 0)
        people = table.rows[seated[:, 0], seated[:, 1]]
        high = free[priority[free] > priority[people].min()]
        if high.size == 0:
            return free
        high = lowest_first(high, -priority, rng)
        pick = rng.integers(0, people.size, size=high.size)
        row, col = seated[pick, 0], seated[pick, 1]
        ok = priority[people[pick]] < priority[high]
        ok[ok] = table.fits(high[ok], row[ok], col[ok])
        idx = np.flatnonzero(ok)
        idx = idx[_unique_rows(row[idx])]
        if idx.size == 0:
            continue
        out = table.rows[row[idx], col[idx]]
        table.rows[row[idx], col[idx]] = high[idx]
        gone = np.zeros(table.compat.n, dtype=bool)
        gone[high[idx]] = True
        free = np.concatenate([free[~gone[free]], out])
    return free


def _mix(table: _Table, free, priority, rng, *, sweeps: int) -> None:
    """Random valid trades of members between groups, and with equal-priority free people."""
    n_rows = table.rows.shape[0]
    for _ in range(sweeps):
        if n_rows >= 2:
            order = rng.permutation(n_rows)
            half = n_rows // 2
            r1, r2 = order[:half], order[half : 2 * half]
            c1 = rng.integers(0, table.high, size=half)
            c2 = rng.integers(0, table.high, size=half)
            p, q = table.rows[r1, c1], table.rows[r2, c2]
            ok = (p >= 0) & (q >= 0)
            ok[ok] = table.fits(p[ok], r2[ok], c2[ok]) & table.fits(q[ok], r1[ok], c1[ok])
            table.rows[r1[ok], c1[ok]], table.rows[r2[ok], c2[ok]] = q[ok], p[ok]
        if free.size and n_rows:
            k = min(free.size, n_rows)
            u = rng.permutation(free)[:k]
            rows = rng.permutation(n_rows)[:k]
            cols = rng.integers(0, table.high, size=k)
            w = table.rows[rows, cols]
            ok = w >= 0
            ok[ok] = priority[w[ok]] == priority[u[ok]]
            ok[ok] = table.fits(u[ok], rows[ok], cols[ok])
            table.rows[rows[ok], cols[ok]] = u[ok]
            free[np.isin(free, u[ok])] = -1
            free = np.concatenate([free[free >= 0], w[ok]])


def _reasons(problem: Problem, unmatched, fresh, alive, *, k: int) -> np.ndarray:
    """One SitOut value per unmatched position, as for pairs."""
    codes = np.full(unmatched.size, SitOut.PARTNERS_NEEDED_ELSEWHERE, dtype=np.int8)
    n = problem.n
    if n == 1:
        codes[:] = SitOut.ALONE
        return codes
    org = problem.org
    counts = np.bincount(org[alive], minlength=int(org.max()) + 1 if n else 0)
    codes[(counts[org[unmatched]] > max(k, 1)) & alive[unmatched]] = SitOut.ORGANISATION_MAJORITY
    zero = fresh[unmatched] == 0
    codes[zero] = SitOut.NO_FRESH_PARTNER
    codes[zero & (problem.blocked_count[unmatched] > 0)] = SitOut.NO_PARTNER_MET_OR_BLOCKED
    outsiders = n - np.bincount(org)[org[unmatched]]
    codes[outsiders == 0] = SitOut.ORGANISATION_MAJORITY
    return codes
