"""Fair turns and rounds that last: choosing this round with the next ones in mind.

Each round on its own is maximum, priority first and random; but when a small pool's fresh
partners are nearly used up, which of the equally good groupings is drawn decides the future.
Six people in six organisations can meet someone new for five rounds, yet a random third round
leaving two triangles of unmet pairs ends it after three; five people can each sit out once in
five rounds, yet a random third round can leave two of them whose only fresh pair is each
other, so someone who has sat out must sit out again while they are placed.

So when someone placeable has few fresh partners left (the pool is nearly exhausted), this
round is chosen among several draws of the engine (each maximum, priority first), by rolling
each forward: the next rounds are played out as the service would play them (groups become
history, sit-outs become priority) and compared round by round, first on people placed, then
on unfair sit-outs (someone who has sat out more often left out while someone who has sat out
less often is placed). A draw whose roll-out keeps every round as full as this one and nobody
unfairly out is taken at once; otherwise the best one seen. The draws are the engine's own, so
every promise about one round still holds; only which maximum grouping is drawn changes. When
nobody is short of fresh partners, or the pool is large, nothing here runs and draws stay
uniform.

Each round is re-planned from the history it is given: the remainder of a good plan is still
there to be found, and people joining or leaving simply change the next plan.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from unmentor.matching.arrays import Problem
from unmentor.matching.compat import Compatibility
from unmentor.matching.pairset import PairSet

# Above this many people there is no lookahead: each roll-out round costs a whole match.
LOOKAHEAD_LIMIT = 400
# Lookahead starts when someone placeable has at most this many fresh partners left; before
# that, random rounds lose nothing measurable (bench/exhaustion.py) and stay uniform draws.
SPARSE_DEGREE = 6
# At most this many draws of this round are made; each grouping not seen before is rolled out
# up to ROLLOUTS times, and the comparison stops once PATIENCE new groupings in a row found
# nothing better (a repeated draw proves nothing, so it does not count).
DRAWS = 24
ROLLOUTS = 3
PATIENCE = 4
# Roll-outs only need a plausible future, not a uniform one: few mixing sweeps (cheap).
ROLLOUT_SWEEPS = 2


class Solution(Protocol):
    pairs: np.ndarray
    triad: tuple[int, int, int] | None
    unmatched: np.ndarray


class Solve(Protocol):
    def __call__(self, problem: Problem, seed: int, sweeps: int | None = None) -> Solution: ...


def lookahead_horizon(problem: Problem) -> int:
    """How many later rounds to play out; 0 when the pool is large or nobody is short."""
    if problem.n > LOOKAHEAD_LIMIT or problem.n < 3:
        return 0
    fresh = problem.fresh_partners()
    placeable = fresh[fresh > 0]
    if placeable.size < 3:
        return 0
    fewest = int(placeable.min())
    # Someone with d fresh partners can be in at most d more groups: no round beyond that
    # can be told apart by them, and the horizon bounds the cost.
    return fewest if fewest <= SPARSE_DEGREE else 0


def choose_lasting(problem: Problem, seed: int, solve: Solve, horizon: int) -> Solution:
    """The draw of this round whose roll-out keeps later rounds fullest and fairest."""
    rng = np.random.default_rng([seed, 0x1A57])
    best, best_score, since_better = None, None, 0
    seen: set[bytes] = set()
    for draw in range(DRAWS):
        # The first draw is exactly what the engine alone would return for `seed`.
        candidate = solve(problem, seed if draw == 0 else int(rng.integers(2**63 - 1)))
        key = _key(candidate)
        if key in seen:
            continue
        seen.add(key)
        ideal = (_placed_count(candidate), 0) * horizon
        since_better += 1
        for _ in range(ROLLOUTS):
            score = _roll_out(problem, candidate, solve, horizon, rng)
            if score == ideal:
                return candidate
            if best_score is None or score > best_score:
                best, best_score, since_better = candidate, score, 0
        if since_better >= PATIENCE:
            break
    return best


def unfair_sit_outs(priority: np.ndarray, placed: np.ndarray, out: np.ndarray) -> int:
    """People left out while someone placed has sat out fewer times (priority = sit-outs)."""
    if placed.size == 0 or out.size == 0:
        return 0
    return int(np.count_nonzero(priority[out] > priority[placed].min()))


def _roll_out(
    problem: Problem, first: Solution, solve: Solve, horizon: int, rng: np.random.Generator
) -> tuple[int, ...]:
    score: list[int] = []
    current, solution = problem, first
    for _ in range(horizon):
        current = _after(current, solution)
        solution = solve(current, int(rng.integers(2**63 - 1)), ROLLOUT_SWEEPS)
        placed = _placed_positions(solution)
        score += [placed.size, -unfair_sit_outs(current.priority, placed, solution.unmatched)]
    return tuple(score)


def _after(problem: Problem, solution: Solution) -> Problem:
    """The next round's problem: this round's groups have met, its sit-outs gain priority."""
    met_lo, met_hi = problem.compat.met.pairs()
    new_a, new_b = [met_lo, solution.pairs[:, 0]], [met_hi, solution.pairs[:, 1]]
    if solution.triad is not None:
        x, y, z = solution.triad
        new_a.append(np.array([x, x, y]))
        new_b.append(np.array([y, z, z]))
    a, b = np.concatenate(new_a), np.concatenate(new_b)
    met = PairSet(a, b, problem.n)
    lo, hi = met.pairs()
    met_count = np.bincount(lo, minlength=problem.n) + np.bincount(hi, minlength=problem.n)
    priority = problem.priority.copy()
    priority[solution.unmatched] += 1
    return Problem(
        ids=problem.ids,
        org=problem.org,
        priority=priority,
        compat=Compatibility(problem.org, met),
        met_count=met_count.astype(np.int64),
    )


def _placed_positions(solution: Solution) -> np.ndarray:
    parts = [solution.pairs.reshape(-1)]
    if solution.triad is not None:
        parts.append(np.array(solution.triad, dtype=np.int64))
    return np.concatenate(parts)


def _placed_count(solution: Solution) -> int:
    return int(solution.pairs.size) + (3 if solution.triad is not None else 0)


def _key(solution: Solution) -> bytes:
    """The grouping itself, whatever order its pairs were listed in."""
    pairs = np.sort(solution.pairs, axis=1)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    triad = sorted(solution.triad) if solution.triad is not None else []
    return pairs.tobytes() + np.array(triad, dtype=np.int64).tobytes()
