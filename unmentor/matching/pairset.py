"""A set of unordered pairs of positions, for membership tests on a million pairs at once.

History is millions of pairs at the largest sizes, and every validity check asks about half a
million candidate pairs. Sorting the history once and binary-searching it costs about a second
at 6 million pairs (and np.unique is slower still in numpy 2.4), while an open-addressing hash
table written and probed with whole-array operations takes a small fraction of that.
"""

from __future__ import annotations

import numpy as np

_EMPTY = -1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads consecutive keys


class PairSet:
    """Unordered pairs (a, b) of positions 0..n-1 with a != b, stored once each."""

    def __init__(self, a: np.ndarray, b: np.ndarray, n: int) -> None:
        self.n = int(n)
        keys = self._keys(np.asarray(a), np.asarray(b))
        # At most 40% full, so a probe rarely walks more than a slot or two.
        self._bits = max(4, int(np.ceil(np.log2(max(keys.size, 1) * 2.5))))
        self._table = np.full(1 << self._bits, _EMPTY, dtype=np.int64)
        self._insert(keys)
        self._size = int(np.count_nonzero(self._table != _EMPTY))
        # Kept only until degrees() is asked: without repeats the inputs count it directly.
        self._given = (a, b) if self._size == keys.size else None

    def __len__(self) -> int:
        return self._size

    def degrees(self) -> np.ndarray:
        """Per position: how many stored pairs include it (int64)."""
        if self._given is not None:
            lo, hi = self._given
            self._given = None
        else:
            lo, hi = self.pairs()
        return (np.bincount(lo, minlength=self.n) + np.bincount(hi, minlength=self.n)).astype(
            np.int64, copy=False
        )

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every stored pair once, as (smaller, larger) position arrays."""
        keys = self._table[self._table != _EMPTY]
        return np.divmod(keys, max(self.n, 1))

    def contains(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each (a[i], b[i]) is in the set."""
        a = np.asarray(a)
        b = np.asarray(b)
        found = np.zeros(a.shape, dtype=bool)
        if a.size == 0 or self._table.size == 0:
            return found
        keys = self._keys(a.ravel(), b.ravel())
        flat = found.reshape(-1)
        index = np.arange(keys.size)
        slot = self._slot(keys)
        mask = self._table.size - 1
        while index.size:
            seen = self._table[slot]
            hit = seen == keys
            flat[index[hit]] = True
            # A miss ends at an empty slot; anything else means keep probing.
            more = ~hit & (seen != _EMPTY)
            index, keys, slot = index[more], keys[more], (slot[more] + 1) & mask
        return found

    def _keys(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        low = np.minimum(a, b).astype(np.int64)
        low *= self.n
        low += np.maximum(a, b)
        return low

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.view(np.uint64) * _GOLDEN >> np.uint64(64 - self._bits)
        return hashed.astype(np.int64)

    def _insert(self, keys: np.ndarray) -> None:
        table = self._table
        mask = table.size - 1
        slot = self._slot(keys)
        table[slot] = keys  # the table starts empty: the first pass needs no check
        while keys.size:
            # Several keys may race for one slot; one write wins, the rest probe on.
            later = table[slot] != keys
            keys, slot = keys[later], (slot[later] + 1) & mask
            free = table[slot] == _EMPTY
            table[slot[free]] = keys[free]
