"""A set of unordered pairs of positions, for membership tests on a million pairs at once.

History is millions of pairs at the largest sizes, and every validity check asks about half a
million candidate pairs. Each pair's key (low * n + high) is multiplied by an odd constant
(Fibonacci hashing: a bijection on 64 bits that spreads consecutive keys), and the products are
sorted (a vectorised sort, ~60 ms for 6 million): duplicates become neighbours, and the top
bits of a product pick its bucket, so an index of bucket starts finds any pair in about one
step. Nothing is scattered: an open-addressing table built key by key wrote millions of
random slots of a 128 MB array, memory-latency bound, and its fresh pages alone cost as much
as this whole construction on a busy machine.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_INVERSE = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))  # undoes it, for pairs()


class PairSet:
    """Unordered pairs (a, b) of positions 0..n-1 with a != b, stored once each."""

    def __init__(self, a: np.ndarray, b: np.ndarray, n: int, *, counted=None) -> None:
        """`counted`, if given, is how many of the given pairs name each position."""
        self.n = int(n)
        hashed = self._hash(np.asarray(a), np.asarray(b))
        hashed.sort()
        # A pair given twice stays twice (lookups do not mind); degrees() and pairs() count it once.
        self._repeats = hashed[:0]
        if hashed.size > 1:
            same = np.equal(hashed[1:], hashed[:-1])
            if same.any():
                self._repeats = hashed[1:][same]
        self._sorted = hashed
        # One or two pairs per bucket: a lookup reads a bucket start, then a pair or two.
        bits = max(1, int(np.log2(max(hashed.size, 2))))
        self._shift = np.uint64(64 - bits)
        kind = np.int32 if hashed.size < 2**31 else np.int64
        start = np.zeros((1 << bits) + 1, dtype=kind)
        buckets = (hashed >> self._shift).view(np.int64)  # a view: bincount copies no uint64
        counts = np.bincount(buckets, minlength=1 << bits)
        np.cumsum(counts, out=start[1:])
        self._start = start
        self._widest = int(counts.max()) if counts.size else 0
        # A bitmap of 8 bits per pair (4 MB at 6 million) answers most "never met" from cache:
        # only about one query in eight (and every pair met) reads the buckets.
        self._filter_shift = np.uint64(64 - bits - 3)
        flags = np.zeros(1 << (bits + 3), dtype=bool)
        flags[(hashed >> self._filter_shift).view(np.int64)] = True
        self._filter = np.packbits(flags, bitorder="little")
        # Kept only until degrees() is asked: the inputs count it, less the pairs given twice.
        self._given = (a, b) if counted is None else counted

    def __len__(self) -> int:
        return int(self._sorted.size - self._repeats.size)

    def degrees(self) -> np.ndarray:
        """Per position: how many stored pairs include it (int64)."""
        given, self._given = self._given, ()
        if isinstance(given, np.ndarray):
            count = given.astype(np.int64, copy=False)
        else:
            count = np.zeros(self.n, dtype=np.int64)
            for part in given:
                count += np.bincount(part, minlength=self.n)
        if self._repeats.size:
            # Each extra copy of a pair (some pairs appear three times) counts once less.
            lo, hi = self._decode(self._repeats)
            count -= np.bincount(lo, minlength=self.n)
            count -= np.bincount(hi, minlength=self.n)
        return count

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every stored pair once, as (smaller, larger) position arrays."""
        hashed = self._sorted
        if self._repeats.size:
            keep = np.ones(hashed.size, dtype=bool)
            np.not_equal(hashed[1:], hashed[:-1], out=keep[1:])
            hashed = hashed[keep]
        return self._decode(hashed)

    def contains(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each (a[i], b[i]) is in the set."""
        a = np.asarray(a)
        b = np.asarray(b)
        found = np.zeros(a.shape, dtype=bool)
        if a.size == 0 or self._sorted.size == 0:
            return found
        hashed = self._hash(a.ravel(), b.ravel())
        flat = found.reshape(-1)
        bit = (hashed >> self._filter_shift).view(np.int64)
        maybe = self._filter[bit >> 3] >> (bit & 7).astype(np.uint8)
        index = np.flatnonzero(maybe & 1)
        hashed = hashed[index]
        if index.size == 0:
            return found
        bucket = (hashed >> self._shift).view(np.int64)
        at = self._start[bucket].astype(np.intp)
        end = self._start[bucket + 1]
        # Every slot of each bucket at once (a bucket holds at most `_widest` pairs, about ten
        # at six million): one gather, not a Python loop of shrinking steps.
        slots = at[:, None] + np.arange(self._widest)
        inside = np.less(slots, end[:, None])
        seen = self._sorted[np.minimum(slots, self._sorted.size - 1)]
        flat[index] = ((seen == hashed[:, None]) & inside).any(axis=1)
        return found

    def _decode(self, hashed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = (hashed * _INVERSE).view(np.int64)
        return np.divmod(keys, max(self.n, 1))

    def _hash(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Each pair's key low * n + high, times the Fibonacci constant (uint64)."""
        # low * n + high == low * (n - 1) + a + b: no temporary array for `high`.
        low = np.minimum(a, b, dtype=np.int64)
        low *= self.n - 1
        low += a
        low += b
        hashed = low.view(np.uint64)
        hashed *= _GOLDEN
        return hashed
