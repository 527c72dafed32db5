"""Who may meet whom: someone from another organisation whom they have never met nor are blocked
from meeting (`blocked`, kept apart from history so that counts and reasons can tell them apart).

The compatibility graph is nearly complete (a million people, a dozen past partners each), so it
is never built. Validity is checked in bulk against organisation codes and the history set, and
one person's neighbours are a boolean mask, built only by the exact (small or rare) steps.
"""

from __future__ import annotations

import numpy as np

from unmentor.matching.pairset import PairSet

# Up to this many people the whole graph is a boolean matrix (4 MB at 2,048).
DENSE_LIMIT = 2_048


class Compatibility:
    """The implicit graph: positions 0..n-1, an organisation code each, pairs already met."""

    def __init__(self, org: np.ndarray, met: PairSet, blocked: PairSet | None = None) -> None:
        self.n = int(org.size)
        self.org = org
        self.met = met
        # Blocked pairs not also met (either set rules a pair out; they never overlap).
        self.blocked = blocked if blocked is not None and len(blocked) else None
        self._adjacency: tuple[np.ndarray, np.ndarray] | None = None
        self._matrix: np.ndarray | None = None
        # Validity gathers organisation codes for half a million pairs at a time: small codes
        # move a quarter of the bytes.
        self._codes = org.astype(np.int16) if self.n and org.max() < 2**15 else org
        if self.n <= DENSE_LIMIT:
            # Small rounds check validity thousands of times (mixing): one lookup beats hashing.
            matrix = org[:, None] != org[None, :]
            lo, hi = self.ruled_out()
            matrix[lo, hi] = matrix[hi, lo] = False
            self._matrix = matrix

    def matrix(self) -> np.ndarray:
        """The whole graph as a boolean matrix (built here above DENSE_LIMIT: small pools only)."""
        if self._matrix is None:
            matrix = self.org[:, None] != self.org[None, :]
            lo, hi = self.ruled_out()
            matrix[lo, hi] = matrix[hi, lo] = False
            return matrix
        return self._matrix

    def dense(self) -> np.ndarray | None:
        """The whole graph as a boolean matrix, when small enough to hold one (else None)."""
        return self._matrix

    def ruled_out(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair that may not meet beyond organisations: history and blocked pairs."""
        lo, hi = self.met.pairs()
        if self.blocked is not None:
            blo, bhi = self.blocked.pairs()
            lo, hi = np.concatenate([lo, blo]), np.concatenate([hi, bhi])
        return lo, hi

    def valid(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each a[i] may meet b[i] (different organisations, never met, not blocked)."""
        if self._matrix is not None:
            return self._matrix[a, b]
        codes = self._codes
        ok = codes[a] != codes[b]
        # Checking every pair is cheaper than copying out the few of one organisation.
        if len(self.met):
            ok &= ~self.met.contains(a, b)
        if self.blocked is not None:
            ok &= ~self.blocked.contains(a, b)
        return ok

    def met_by(self, v: int) -> np.ndarray:
        """Positions `v` has met before or is blocked from (from other organisations)."""
        if self._adjacency is None:
            # Built on first use only: the fast path never needs per-person lists.
            lo, hi = self.ruled_out()
            ends = np.concatenate([lo, hi])
            other = np.concatenate([hi, lo])
            order = np.argsort(ends, kind="stable")
            start = np.searchsorted(ends[order], np.arange(self.n + 1))
            self._adjacency = (other[order], start)
        other, start = self._adjacency
        return other[start[v] : start[v + 1]]

    def neighbours(self, v: int) -> np.ndarray:
        """A fresh mask of everyone `v` may meet."""
        if self._matrix is not None:
            return self._matrix[v].copy()
        mask = self.org != self.org[v]
        mask[self.met_by(v)] = False
        return mask
