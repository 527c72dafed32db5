"""Who may meet whom: a different organisation and never met before.

The compatibility graph is nearly complete, so it is never built: validity is checked in bulk
against organisation codes and sorted history keys, and a person's neighbours are a mask.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.prepare import Problem


class Compatibility:
    def __init__(self, problem: Problem) -> None:
        self.n = problem.n
        self.org = problem.org
        self.history = problem.history
        self._met: np.ndarray | None = None
        self._start: np.ndarray | None = None

    def _adjacency(self) -> tuple[np.ndarray, np.ndarray]:
        # History as adjacency lists (CSR), built only when single people's neighbours are
        # needed (the exact search on small inputs), never on the fast path.
        if self._met is None:
            lo, hi = np.divmod(self.history, max(self.n, 1))
            both = np.concatenate([lo, hi])
            order = np.argsort(both, kind="stable")
            self._met = np.concatenate([hi, lo])[order]
            self._start = np.searchsorted(both[order], np.arange(self.n + 1))
        return self._met, self._start

    def met(self, v: int) -> np.ndarray:
        """Positions `v` has met before."""
        met, start = self._adjacency()
        return met[start[v] : start[v + 1]]

    def valid(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each a[i] may meet b[i]."""
        ok = (self.org[a] != self.org[b]) & (a != b)
        if self.history.size and a.size:
            keys = np.minimum(a, b) * self.n + np.maximum(a, b)
            ok &= ~self.met_before(keys)
        return ok

    def met_before(self, keys: np.ndarray) -> np.ndarray:
        """Whether each pair key is in the history."""
        if keys.size > 4096:
            # Sorted queries walk the (large) history array in order: far fewer cache misses
            # than random probes, which more than pays for the sort at this size.
            order = np.argsort(keys, kind="stable")
            found = np.empty(keys.size, dtype=bool)
            found[order] = self._contains(keys[order])
            return found
        return self._contains(keys)

    def _contains(self, keys: np.ndarray) -> np.ndarray:
        slot = np.searchsorted(self.history, keys)
        slot = np.minimum(slot, self.history.size - 1)
        return self.history[slot] == keys

    def neighbours(self, v: int) -> np.ndarray:
        """A mask of everyone `v` may meet."""
        mask = self.org != self.org[v]
        mask[self.met(v)] = False
        return mask

    def fresh_partners(self) -> np.ndarray:
        """For each person, how many present people they may still meet."""
        org_size = np.bincount(self.org)[self.org]
        lo = self.history // max(self.n, 1)
        hi = self.history - lo * self.n
        cross = self.org[lo] != self.org[hi]  # same-organisation history costs nothing extra
        met_cross = np.bincount(np.concatenate([lo[cross], hi[cross]]), minlength=self.n)
        return self.n - org_size - met_cross
