"""Input checking and conversion to compact arrays, shared by the object and the array API.

Everything downstream works on positions 0..n-1. Bad input fails here, with a message naming
the offending value, rather than deep inside numpy; history (or blocked pairs) naming people who
are not candidates this round is normal (they left, or are paused) and is ignored.

Someone without an organisation gets an organisation code of their own, so every later step
(validity, the simple bound, reasons) treats them as a one-person organisation: they may meet
anyone. In the object API that is `org=None` or ""; in the array API a negative integer label,
or None or "" among labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from unmentor.matching.compat import Compatibility
from unmentor.matching.pairset import PairSet
from unmentor.matching.types import Candidate

_INT64_MAX = np.iinfo(np.int64).max
# Up to this many pairs met, blocked pairs join them in one set for validity checks (a second
# sort of the history is cheap there; above it, a second set costs less than the re-sort).
UNION_LIMIT = 200_000


@dataclass
class Problem:
    """Candidates by position, with organisation codes and the history among them."""

    ids: np.ndarray  # int64 ids, as given
    org: np.ndarray  # int64 organisation codes 0..k-1
    priority: np.ndarray  # int64
    compat: Compatibility
    met_count: np.ndarray  # int64: distinct people here from other organisations already met
    # int64: distinct people here from other organisations blocked and not already met
    blocked_count: np.ndarray
    # Every blocked pair of candidates from different organisations, met or not (positions).
    blocked_pairs: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    # History alone (compat may hold history and blocked pairs in one set).
    met: PairSet | None = None

    @property
    def n(self) -> int:
        return int(self.ids.size)

    def fresh_partners(self) -> np.ndarray:
        """Per position: people here from another organisation never met nor blocked."""
        org_size = np.bincount(self.org)[self.org] if self.n else self.org
        return self.n - org_size - self.met_count - self.blocked_count


def from_candidates(
    candidates: Iterable[Candidate], history: object, blocked: object = ()
) -> Problem:
    """The array form of Candidate objects and iterables of id pairs (met, blocked)."""
    if isinstance(candidates, str | bytes) or not isinstance(candidates, Iterable):
        raise TypeError(f"candidates must be a sequence of Candidate, got {candidates!r}")
    candidates = list(candidates)
    columns = _columns_quickly(candidates)
    if columns is None:
        columns = _columns_slowly(candidates)
    ids, org, priority = columns
    _reject_duplicates(ids)
    return _problem(ids, org, priority, _history_array(history), _history_array(blocked, "blocked"))


def _columns_quickly(candidates: list) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Ids, organisation codes and priorities in whole-list passes (a million in ~0.3 s), or
    None when anything is unusual, for _columns_slowly to name it."""
    if set(map(type, candidates)) - {Candidate}:
        return None
    ids = list(map(attrgetter("id"), candidates))
    priority = list(map(attrgetter("priority"), candidates))
    labels = list(map(attrgetter("org"), candidates))
    if set(map(type, ids)) - {int} or set(map(type, priority)) - {int}:
        return None  # bools, floats, numpy integers...: checked one by one
    if set(map(type, labels)) - {str, int, type(None)}:
        return None
    try:
        id_array = np.array(ids, dtype=np.int64)
        priority_array = np.array(priority, dtype=np.int64)
    except OverflowError:
        return None
    if id_array.size and id_array.min() < 0:
        return None
    return id_array, _label_codes(labels), priority_array


def _label_codes(labels: list) -> np.ndarray:
    """Codes 0..k-1 for str/int labels; None or "" (no organisation) a code of their own each."""
    # dict.fromkeys and map run in C: distinct labels in first-seen order, then their codes.
    codes = {label: code for code, label in enumerate(dict.fromkeys(labels))}
    org = np.fromiter(map(codes.__getitem__, labels), dtype=np.int64, count=len(labels))
    spare = len(codes)
    for blank in (None, ""):
        if blank in codes:
            alone = np.flatnonzero(org == codes[blank])
            org[alone] = np.arange(spare, spare + alone.size)
            spare += alone.size
    return org


def _columns_slowly(candidates: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(candidates)
    ids = np.empty(n, dtype=np.int64)
    priority = np.empty(n, dtype=np.int64)
    labels = []
    for i, c in enumerate(candidates):
        if not isinstance(c, Candidate):
            raise TypeError(f"expected Candidate objects, got {c!r}")
        ids[i] = _checked_int(c.id, "candidate id", minimum=0)
        priority[i] = _checked_int(c.priority, "priority", f" (candidate {c.id})")
        if c.org is not None and (not isinstance(c.org, str | int) or isinstance(c.org, bool)):
            raise TypeError(f"organisation of candidate {c.id} must be a str, got {c.org!r}")
        labels.append(c.org)
    return ids, _label_codes(labels), priority


def from_arrays(ids, orgs, history=None, priority=None, blocked=None) -> Problem:
    """The array form of id, organisation and priority arrays and (k, 2) id arrays."""
    ids = _int_vector(ids, "ids")
    if ids.size and ids.min() < 0:
        raise ValueError(f"candidate ids must be non-negative, got {int(ids.min())}")
    orgs = np.asarray(orgs)
    if orgs.shape != ids.shape:
        raise ValueError(f"orgs must have one entry per id: {orgs.shape} != {ids.shape}")
    if priority is None:
        priority = np.zeros(ids.size, dtype=np.int64)
    else:
        priority = _int_vector(priority, "priority")
        if priority.shape != ids.shape:
            raise ValueError("priority must have one entry per id")
    _reject_duplicates(ids)
    return _problem(
        ids,
        _org_codes(orgs),
        priority,
        _history_array(history),
        _history_array(blocked, "blocked"),
    )


def _problem(ids, org, priority, history: np.ndarray, blocked: np.ndarray) -> Problem:
    n = ids.size
    # Gathers over millions of pairs move a quarter of the bytes with small codes.
    small = org.astype(np.int16 if org.size == 0 or org.max() < 2**15 else np.int64)
    a, b, clean = _cross_positions(ids, small, history)
    met = PairSet(a, b, n, counted=_end_counts(ids, history) if clean else None)
    met_count = met.degrees()
    ruled_out, blocked_set = met, None
    blocked_count = np.zeros(n, dtype=np.int64)
    blocked_pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if blocked.size:
        c, d, _ = _cross_positions(ids, small, blocked)
        blocked_pairs = (c, d)
        # Blocked people already met are counted once, as met: blocking changes nothing there.
        fresh = ~met.contains(c, d)
        c, d = c[fresh], d[fresh]
        if len(met) <= UNION_LIMIT:
            # One set to ask halves the lookups' fixed costs, which dominate at these sizes.
            ruled_out = PairSet(np.concatenate([a, c]), np.concatenate([b, d]), n)
            keys = np.unique(np.minimum(c, d).astype(np.int64) * n + np.maximum(c, d))
            blocked_count = np.bincount(np.concatenate(np.divmod(keys, n)), minlength=n)
        else:
            blocked_set = PairSet(c, d, n)
            blocked_count = blocked_set.degrees()
    return Problem(
        ids=ids,
        org=org,
        priority=priority,
        compat=Compatibility(org, ruled_out, blocked_set),
        met_count=met_count,
        blocked_count=blocked_count,
        blocked_pairs=blocked_pairs,
        met=met,
    )


def _cross_positions(ids, org, pairs: np.ndarray):
    """Positions (a, b) of the pairs naming two candidates of different organisations, and
    whether that is every pair given."""
    pos = _positions(ids, pairs.reshape(-1))
    clean = True
    if pos.size and pos.min() < 0:
        pairs = pos.reshape(-1, 2)
        pos = pairs[(pairs >= 0).all(axis=1)].reshape(-1)
        clean = False
    # Same-organisation pairs never matter: such people cannot meet anyway.
    codes = org[pos]  # one gather over contiguous positions, not two strided ones
    cross = codes[0::2] != codes[1::2]
    a, b = pos[0::2], pos[1::2]
    if not cross.all():
        a, b, clean = a[cross], b[cross], False
    return a, b, clean


def _end_counts(ids: np.ndarray, pairs: np.ndarray) -> np.ndarray | None:
    """Per position: how many of `pairs` (all naming candidates) name it, counted by id.

    Counting positions would need them as int64 (bincount's input); ids already are.
    """
    top = int(ids.max()) if ids.size else 0
    if ids.size == 0 or top > 8 * ids.size + 1024:
        return None
    return np.bincount(pairs.reshape(-1), minlength=top + 1)[ids]


def _checked_int(value, what: str, where: str = "", *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{what} must be an integer, got {value!r}{where}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value}")
    if abs(value) > _INT64_MAX:
        raise ValueError(f"{what} is out of range: {value}")
    return value


def _int_vector(values, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {array.shape}")
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integers, got dtype {array.dtype}")
    if array.dtype.kind == "u" and array.size and array.max() > _INT64_MAX:
        raise ValueError(f"{what} out of range")
    return array.astype(np.int64, copy=False)


def _reject_duplicates(ids: np.ndarray) -> None:
    if ids.size < 2:
        return
    ordered = np.sort(ids)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    if twice.size:
        shown = sorted({int(x) for x in twice[:1000]})
        more = " ..." if len(shown) > 10 else ""
        raise ValueError(f"duplicate candidate ids: {', '.join(map(str, shown[:10]))}{more}")


def _org_codes(orgs: np.ndarray) -> np.ndarray:
    """Organisation labels as codes 0..k-1 (np.unique is avoided: slow for large arrays).

    No organisation (a negative integer, None or "") becomes a code of its own per person.
    """
    if orgs.size == 0:
        return np.zeros(0, dtype=np.int64)
    if orgs.dtype.kind == "b":
        raise TypeError("orgs must be labels or integer codes, not booleans")
    if orgs.dtype.kind in "iu":
        none = orgs < 0
        if none.any():
            codes = np.empty(orgs.size, dtype=np.int64)
            some = ~none
            codes[some] = _org_codes(orgs[some]) if some.any() else 0
            first = int(codes[some].max()) + 1 if some.any() else 0
            codes[none] = np.arange(first, first + int(np.count_nonzero(none)))
            return codes
        low, high = int(orgs.min()), int(orgs.max())
        if high - low <= 4 * orgs.size + 1024:
            shifted = orgs.astype(np.int64) - low
            present = np.bincount(shifted) > 0
            return (np.cumsum(present) - 1)[shifted]
    if orgs.dtype.kind not in "iuUSO":
        raise TypeError(f"orgs must be labels or integer codes, got dtype {orgs.dtype}")
    code_of: dict[object, int] = {}
    return np.array(
        [
            code_of.setdefault((None, i) if o is None or o == "" else o, len(code_of))
            for i, o in enumerate(orgs.tolist())
        ],
        dtype=np.int64,
    )


def _history_array(history, what: str = "history") -> np.ndarray:
    """Id pairs as a (k, 2) int64 array; pairs naming ids out of range are dropped."""
    if history is None:
        return np.zeros((0, 2), dtype=np.int64)
    if isinstance(history, np.ndarray):
        if history.size == 0:
            return np.zeros((0, 2), dtype=np.int64)
        if history.ndim != 2 or history.shape[1] != 2:
            raise ValueError(f"{what} must have shape (k, 2), got {history.shape}")
        if history.dtype.kind not in "iu":
            raise TypeError(f"{what} must hold integer ids, got dtype {history.dtype}")
        if history.dtype.kind == "u":
            history = np.where(history > _INT64_MAX, -1, history)
        return history.astype(np.int64, copy=False)
    if isinstance(history, str | bytes) or not isinstance(history, Iterable):
        raise TypeError(f"{what} must be an iterable of id pairs, got {history!r}")
    pairs = list(history)
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    try:
        array = np.array(pairs)
    except (ValueError, TypeError, OverflowError):
        array = None
    if array is not None and array.ndim == 2 and array.shape[1] == 2 and array.dtype.kind in "iu":
        return _history_array(array, what)
    return _history_slowly(pairs, what)


def _history_slowly(pairs: list, what: str) -> np.ndarray:
    """Pair by pair, to name the entry that is wrong (sets of two ids are fine too)."""
    rows = []
    for pair in pairs:
        if isinstance(pair, str | bytes) or not isinstance(pair, Iterable):
            raise TypeError(f"{what} entries must be pairs of ids, got {pair!r}")
        items = list(pair)
        if len(items) == 1 and isinstance(pair, set | frozenset):
            continue  # {a, a}: someone paired with themselves, meaningless
        if len(items) != 2:
            raise ValueError(f"{what} entries must be pairs of ids, got {pair!r}")
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int | np.integer):
                raise TypeError(f"{what} entries must be pairs of int ids, got {pair!r}")
        a, b = (int(x) for x in items)
        if 0 <= a <= _INT64_MAX and 0 <= b <= _INT64_MAX:
            rows.append((a, b))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def _positions(ids: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Position of each queried id among `ids`, or -1 when it is not a candidate."""
    n = ids.size
    if n == 0 or query.size == 0:
        return np.full(query.shape, -1, dtype=np.int64)
    top = int(ids.max())
    # int32 halves the memory traffic over millions of history entries.
    kind = np.int32 if n < 2**31 else np.int64
    if top <= 8 * n + 1024:
        # Ids are usually database keys, dense enough for a direct lookup table.
        table = np.full(top + 2, -1, dtype=kind)
        table[ids] = np.arange(n, dtype=kind)
        if int(query.min()) >= 0 and int(query.max()) <= top:
            return np.take(table, query)  # np.take: a little faster than indexing
        # Anything outside 0..top reads the -1 kept in the last slot.
        return table[np.where((query >= 0) & (query <= top), query, top + 1)]
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    slot = np.minimum(np.searchsorted(ordered, query), n - 1)
    return np.where(ordered[slot] == query, order[slot], -1)
