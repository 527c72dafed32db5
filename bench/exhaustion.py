"""Fair turns and rounds that last: the round-by-round engine beside the new one, in one run.

    .venv/bin/python bench/exhaustion.py [--sequences 200] [--communities 3] [--quick]

Every figure comes from real multi-round runs, as the service plays them: each round's groups
become history, each sit-out adds one to that person's priority, triads on.
- "old" is the engine choosing each round blind to the next (lasting.py switched off);
  "new" is the engine as it is.
- Fair turns: five people in five organisations, five rounds. An unfair sit-out is someone left
  out while someone placed that round has sat out fewer times; shown with and without triads
  (the issue's figure, [1,1,1,2,2] in 10 of 40, was measured without).
- Rounds that last: "full rounds" counts the rounds, from the first, that place as many people
  as the first round did (nobody who could be placed in a fresh pool misses out), stopping at
  the first round that does not. "bound" is what no schedule can beat: with a largest
  organisation of L among n people, someone in it meets at most n - L people (L rounds when it
  holds more than half, since then every outsider meets one of its members each round), and
  a full round of n people spends at least n/2 (even n) or (n + 3)/2 (odd n, a triad) fresh
  pairs, and with odd n the R triads of R full rounds need 3R places, of which someone with d
  fresh partners can take at most d - R. Where "new" reaches the bound it is the best
  possible; for six people in six organisations the bound (5) is a round-robin.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unmentor.matching import lasting, match_arrays

OLD = {"LOOKAHEAD_LIMIT": -1}
SHAPES = [  # people, organisations, Zipf exponent of their sizes
    (20, 5, 1.0),
    (20, 20, 0.0),
    (21, 6, 0.5),
    (40, 8, 1.0),
    (45, 10, 1.0),
    (60, 6, 1.0),
    (100, 10, 1.0),
    (150, 20, 1.2),
    (200, 12, 1.0),
]


class Engine:
    """The engine with lasting.py's settings swapped in for the duration of a `with`."""

    def __init__(self, overrides: dict) -> None:
        self.overrides = overrides

    def __enter__(self) -> None:
        self.saved = {name: getattr(lasting, name) for name in self.overrides}
        for name, value in self.overrides.items():
            setattr(lasting, name, value)

    def __exit__(self, *exc) -> None:
        for name, value in self.saved.items():
            setattr(lasting, name, value)


def play(orgs, rounds: int | None, seed: int, *, triads: bool = True):
    """Rounds as the service plays them; yields (placed count, priority before, result)."""
    n = len(orgs)
    ids = np.arange(n, dtype=np.int64)
    history = np.zeros((0, 2), dtype=np.int64)
    sat_out = np.zeros(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    for _ in itertools.count() if rounds is None else range(rounds):
        result = match_arrays(
            ids, orgs, history, priority=sat_out, seed=int(rng.integers(2**62)), triads=triads
        )
        yield result, sat_out.copy()
        met = [result.pairs]
        if result.triad is not None:
            met.append(np.array(list(itertools.combinations(result.triad, 2))))
        history = np.concatenate([history, *met])
        sat_out[result.unmatched] += 1


def unfair(result, before: np.ndarray) -> int:
    placed = np.concatenate([result.pairs.reshape(-1), np.array(result.triad or (), dtype=int)])
    if placed.size == 0 or result.unmatched.size == 0:
        return 0
    return int(np.count_nonzero(before[result.unmatched] > before[placed].min()))


def full_rounds(orgs, seed: int, limit: int) -> int:
    first = None
    for count, (result, _) in enumerate(play(orgs, None, seed)):
        first = result.placed if first is None else first
        if result.placed < first or first == 0 or count >= limit:
            return count
    return 0  # unreachable


def bound(orgs: np.ndarray) -> int:
    n = orgs.size
    largest = int(np.bincount(orgs).max())
    if 2 * largest > n:
        return largest
    pairs = n * (n - 1) // 2 - int((np.bincount(orgs) * (np.bincount(orgs) - 1) // 2).sum())
    per_round = n // 2 if n % 2 == 0 else (n + 3) // 2
    best = min(n - largest, pairs // per_round)
    if n % 2:
        # Each full round has a triad, whose three members spend two fresh partners: over R
        # rounds someone with d fresh partners can be in at most d - R of the R triads.
        degree = n - np.bincount(orgs)[orgs]
        while best and np.minimum(np.maximum(degree - best, 0), best).sum() < 3 * best:
            best -= 1
    return best


def community(n: int, k: int, skew: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    weights = (np.arange(k) + 1.0) ** -skew
    return rng.choice(k, size=n, p=weights / weights.sum())


def fairness(sequences: int) -> None:
    print(f"Fair turns: five people, five organisations, five rounds, {sequences} sequences")
    print(
        f"{'triads':>7} {'engine':>6} {'unfair sit-outs':>16} {'sequences with any':>19}  "
        "sit-out counts (sorted): sequences"
    )
    for triads in (True, False):
        for name, overrides in (("old", OLD), ("new", {})):
            with Engine(overrides):
                total, spoilt, shapes = 0, 0, Counter()
                for seed in range(sequences):
                    bad = 0
                    last = None
                    for result, before in play(np.arange(5), 5, seed, triads=triads):
                        bad += unfair(result, before)
                        last = before.copy()
                        last[result.unmatched] += 1
                    total += bad
                    spoilt += bad > 0
                    shapes[tuple(sorted(last.tolist()))] += 1
            counts = ", ".join(f"{list(k)}: {v}" for k, v in shapes.most_common())
            print(f"{triads!s:>7} {name:>6} {total:>16} {spoilt:>19}  {counts}")
    print()


def six(sequences: int) -> None:
    print(f"Rounds that last: six people, six organisations, {sequences} sequences (bound 5)")
    for name, overrides in (("old", OLD), ("new", {})):
        with Engine(overrides):
            got = Counter(full_rounds(np.arange(6), seed, 5) for seed in range(sequences))
        shown = ", ".join(f"{k} rounds: {v}" for k, v in sorted(got.items(), reverse=True))
        print(f"  {name}: {shown}")
    print()


def communities(per_shape: int) -> None:
    print(f"Rounds that last: random communities ({per_shape} per shape), full rounds")
    print(
        f"{'people':>6} {'orgs':>4} {'skew':>4} {'largest':>7} | {'bound':>5} {'old':>5} "
        f"{'new':>5} | {'old/bound':>9} {'new/bound':>9} | {'old s':>6} {'new s':>6}"
    )
    ratios = {"old": [], "new": []}
    for n, k, skew in SHAPES:
        for c in range(per_shape):
            orgs = community(n, k, skew, 1000 * n + c)
            best = bound(orgs)
            row, secs = {}, {}
            for name, overrides in (("old", OLD), ("new", {})):
                with Engine(overrides):
                    start = time.process_time()
                    row[name] = full_rounds(orgs, c, best)
                    secs[name] = time.process_time() - start
                ratios[name].append(row[name] / best)
            print(
                f"{n:>6} {k:>4} {skew:>4} {int(np.bincount(orgs).max()):>7} | {best:>5} "
                f"{row['old']:>5} {row['new']:>5} | {row['old'] / best:>9.1%} "
                f"{row['new'] / best:>9.1%} | {secs['old']:>6.1f} {secs['new']:>6.1f}"
            )
    for name, values in ratios.items():
        print(f"  {name}: mean {np.mean(values):.1%} of the bound, worst {min(values):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=200)
    parser.add_argument("--communities", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="40 sequences, 1 community each")
    args = parser.parse_args()
    if args.quick:
        args.sequences, args.communities = 40, 1
    fairness(args.sequences)
    six(args.sequences)
    communities(args.communities)


if __name__ == "__main__":
    main()
