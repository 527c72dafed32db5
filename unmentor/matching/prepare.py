"""Turning candidates and history into compact arrays, with clear errors for bad input."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from unmentor.matching.types import Candidate


@dataclass
class Problem:
    """Candidates as positions 0..n-1: ids, organisation codes, priorities, history keys."""

    ids: np.ndarray  # int64, the caller's ids by position
    org: np.ndarray  # int64 organisation code by position
    priority: np.ndarray  # int64
    history: np.ndarray  # sorted unique int64 keys lo * n + hi of positions met before
    org_names: list[str] | None = None

    @property
    def n(self) -> int:
        return len(self.ids)


def from_candidates(candidates: Sequence[Candidate], history: Iterable) -> Problem:
    """The array form of a list of Candidate objects."""
    candidates = list(candidates)
    for c in candidates:
        if not isinstance(c, Candidate):
            raise TypeError(f"expected Candidate objects, got {type(c).__name__}: {c!r}")
    ids = _int_array([c.id for c in candidates], "candidate id")
    names = [str(c.org) for c in candidates]
    org_names, org = np.unique(np.array(names, dtype=object), return_inverse=True)
    priority = _int_array([c.priority for c in candidates], "priority")
    return from_arrays(ids, org.astype(np.int64), history, priority=priority,
                       org_names=[str(o) for o in org_names])  # fmt: skip


def from_arrays(
    ids,
    orgs,
    history=None,
    *,
    priority=None,
    org_names: list[str] | None = None,
) -> Problem:
    """The array form of id and organisation arrays (the path for very large inputs)."""
    ids = np.asarray(ids)
    orgs = np.asarray(orgs)
    if ids.ndim != 1 or orgs.shape != ids.shape:
        raise ValueError("ids and orgs must be one-dimensional and of the same length")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError("candidate ids must be integers")
    ids = ids.astype(np.int64, copy=False)
    if orgs.size and not np.issubdtype(orgs.dtype, np.integer):
        _, orgs = np.unique(orgs, return_inverse=True)
    orgs = orgs.astype(np.int64, copy=False)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    duplicated = sorted_ids[1:][sorted_ids[1:] == sorted_ids[:-1]]
    if duplicated.size:
        shown = ", ".join(str(int(x)) for x in np.unique(duplicated)[:10])
        raise ValueError(f"duplicate candidate ids: {shown}")
    if priority is None:
        priority = np.zeros(ids.size, dtype=np.int64)
    priority = np.asarray(priority, dtype=np.int64)
    if priority.shape != ids.shape:
        raise ValueError("priority must have one value per candidate")
    keys = _history_keys(history, sorted_ids, order, ids.size)
    return Problem(ids=ids, org=orgs, priority=priority, history=keys, org_names=org_names)


def _int_array(values: list, what: str) -> np.ndarray:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{what} must be an integer, got {value!r}")
    return np.array(values, dtype=np.int64)


def _positions_of(
    pairs: np.ndarray, sorted_ids: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ids in `pairs`, and which pairs name two known ids."""
    low, high = int(sorted_ids[0]), int(sorted_ids[-1])
    if low >= 0 and high - low <= 8 * sorted_ids.size + 1_000_000:
        # Dense ids (the usual case: database keys): a lookup table beats binary search.
        table = np.full(high - low + 1, -1, dtype=np.int64)
        table[sorted_ids - low] = order
        if pairs.min() >= low and pairs.max() <= high:
            positions = table[pairs - low]
        else:
            inside = (pairs >= low) & (pairs <= high)
            positions = np.where(inside, table[np.clip(pairs - low, 0, high - low)], -1)
        return positions, (positions >= 0).all(axis=1)
    slots = np.minimum(np.searchsorted(sorted_ids, pairs), sorted_ids.size - 1)
    known = (sorted_ids[slots] == pairs).all(axis=1)
    return order[slots], known


def _history_keys(history, sorted_ids: np.ndarray, order: np.ndarray, n: int) -> np.ndarray:
    """History as sorted keys of position pairs; pairs naming unknown ids are ignored."""
    if history is None:
        return np.empty(0, dtype=np.int64)
    if isinstance(history, np.ndarray):
        pairs = history
    else:
        pairs = list(history)
        for pair in pairs:
            if len(pair) != 2:
                raise ValueError(f"history entries must be pairs of ids, got {pair!r}")
        pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2) if pairs else None
    if pairs is None or len(pairs) == 0 or n == 0:
        return np.empty(0, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    positions, known = _positions_of(pairs, sorted_ids, order)
    positions = positions[known]
    lo = positions.min(axis=1)
    hi = positions.max(axis=1)
    distinct = lo != hi
    keys = np.sort(lo[distinct] * n + hi[distinct])
    if keys.size:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys
