"""Fair turns and rounds that last: choosing this round with the next ones in mind.

Each round on its own is maximum, priority first and random; but once fresh partners thin out,
which of the equally good groupings is drawn decides the rounds after it. Six people in six
organisations can meet someone new for five rounds (a round-robin), yet a random third round
that leaves two triangles of unmet pairs ends it after three. Five people (no triads) can each
sit out once in five rounds, yet a random third round can leave the two who have not sat out
with each other as their only fresh partner, so someone who has sat out must sit out again
while they are placed. Priority could not prevent that: within a round it is already
lexicographic (for every count, as many people who sat out that often or more are placed as
any grouping allows: exact.prefer_priority); what went wrong was an earlier round. So this
module chooses earlier rounds for the later ones, in two ways, only in small pools:

- Keep to a regular part (up to FACTOR_LIMIT people, even pools without a majority
  organisation, people not all equally short): if T more full rounds are possible, the fresh
  graph holds a T-regular part (T = the fewest fresh partners anyone has). In skewed
  communities some fresh pairs lie in no such part - two people from small organisations
  meeting while the large organisation needs them both - and spending them strands someone
  later. A maximum flow finds a part (`factor_support`); the round is drawn among groupings
  inside it whenever that places as many people, at the same priorities, as the whole graph.
- Look ahead (someone has SPARSE_DEGREE fresh partners or fewer): several draws of this round
  are each played forward a few rounds as the service plays them (groups become history,
  sit-outs add to priority) and compared round by round on people placed, then on unfair
  sit-outs (someone left out while someone placed has sat out fewer times). The first draw
  that keeps every later round as full as this one, and nobody unfairly out, is taken; else
  the best seen. Ties are broken by the order of random draws: at random.

Every candidate is a draw of the engine itself, so each round is still maximum and priority
first; only which such grouping comes out changes. Above LOOKAHEAD_LIMIT people, in a regular
graph (everyone equally short), or while nobody is short, the draw is the plain uniform one.
Nothing is remembered between rounds: each is planned afresh from the history it is given, so
the rest of a good plan is still there to be found and newcomers simply change the plan.
Measured in bench/exhaustion.py; tests/matching/test_lasting.py checks small communities
against an exhaustive search over whole sequences of rounds (tests/matching/turns.py).
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import numpy as np

from unmentor.matching.arrays import Problem
from unmentor.matching.compat import Compatibility
from unmentor.matching.explain import simple_bound, sit_out_reasons
from unmentor.matching.pairset import PairSet

# Above this many people there is no lookahead: each roll-out round costs a whole match.
LOOKAHEAD_LIMIT = 400
# Lookahead starts when someone placeable has at most this many fresh partners left; before
# that, random rounds lose nothing measurable (bench/exhaustion.py) and stay uniform draws.
SPARSE_DEGREE = 3
# Up to this many people each draw keeps to a factor of the fresh graph (see factor_support).
FACTOR_LIMIT = 200
FACTOR_ODD = False
TRIAD_DRAWS = 6
# Roll-outs look at most this many rounds ahead.
MAX_HORIZON = 3
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


S = TypeVar("S", bound=Solution)
S_co = TypeVar("S_co", bound=Solution, covariant=True)


class Solve(Protocol[S_co]):
    def __call__(self, problem: Problem, seed: int, sweeps: int | None = None) -> S_co: ...


def lasting_round(problem: Problem, seed: int, solve: Solve[S]) -> S:
    """This round, drawn with the next ones in mind when fresh partners are getting scarce."""
    if problem.n > LOOKAHEAD_LIMIT or problem.n < 4:
        return solve(problem, seed)
    fresh = problem.fresh_partners()
    placeable = fresh > 0
    if np.count_nonzero(placeable) < 4:
        return solve(problem, seed)
    sizes = np.bincount(problem.org[placeable])
    if 2 * sizes.max() > np.count_nonzero(placeable):
        # A majority organisation: every outsider meets one of its members each round, and its
        # members take turns by priority; a plain draw already lasts as long as anything can.
        return solve(problem, seed)
    fewest = int(fresh[placeable].min())
    uneven = fresh[placeable].max() > fewest
    odd = np.count_nonzero(placeable) % 2 == 1
    # With everyone equally short (a regular graph), the graph is its own factor; with an odd
    # number someone sits out or three meet, and a regular part says little (not measured
    # to help: bench/exhaustion.py).
    factor = uneven and (FACTOR_ODD or not odd) and problem.n <= FACTOR_LIMIT
    draw = _within_factor(solve) if factor else solve
    if odd and uneven and problem.n <= FACTOR_LIMIT and TRIAD_DRAWS > 1:
        draw = _roomy_triad(draw, fresh)
    # Someone with d fresh partners, placed in every round, is placed in at most d - 1 later
    # rounds: beyond that no later round can be full, whatever is chosen now. With an odd
    # number someone sits out each round, so they may last one round longer.
    horizon = min(fewest - (0 if odd else 1), MAX_HORIZON)
    if fewest > SPARSE_DEGREE or horizon < 1:
        return draw(problem, seed)
    return choose_lasting(problem, seed, draw, solve, horizon)


def _within_factor(solve: Solve[S]) -> Solve[S]:
    """Draws among the groupings that use only pairs of a fractional factor, when as good.

    The factor is found once per problem (the lookahead draws many times from one problem).
    """
    cache: dict[int, tuple] = {}

    def draw(problem: Problem, seed: int, sweeps: int | None = None) -> S:
        if id(problem) not in cache:
            inside = _factor_problem(problem, seed)
            # What the whole graph allows (how many placed, at which priorities), unmixed.
            whole = None if inside is None else solve(problem, seed, 0)
            cache[id(problem)] = (problem, inside, whole)
        _, inside, whole = cache[id(problem)]
        if inside is not None:
            restricted = solve(inside, seed, sweeps)
            if _profile(problem, restricted) == _profile(problem, whole):
                return _as_if_whole(problem, restricted, whole)
        return solve(problem, seed, sweeps)

    return draw


def _roomy_triad(solve: Solve[S], fresh: np.ndarray) -> Solve[S]:
    """Of a few draws, the one whose triad's members have the most fresh partners to spare.

    Three people who meet as a triad each spend two fresh partners in one round; someone
    who does that often runs dry before the others.
    """

    def draw(problem: Problem, seed: int, sweeps: int | None = None) -> S:
        rng = np.random.default_rng([seed, 0x7A1D])
        best, room = None, None
        for attempt in range(TRIAD_DRAWS):
            candidate = solve(
                problem, seed if attempt == 0 else int(rng.integers(2**63 - 1)), sweeps
            )
            if candidate.triad is None:
                return candidate
            spare = sorted(fresh[list(candidate.triad)].tolist())
            if room is None or spare > room:
                best, room = candidate, spare
        assert best is not None  # the first draw with a triad is always kept
        return best

    return draw


def _as_if_whole(problem: Problem, restricted, whole):
    """The restricted draw, with counts and reasons told about the real fresh graph."""
    restricted.fresh = whole.fresh
    restricted.upper_bound = whole.upper_bound
    restricted.proven = whole.proven
    restricted.reasons = sit_out_reasons(
        restricted.unmatched,
        problem.org,
        whole.fresh,
        simple_bound(problem.org, whole.fresh > 0),
        # As the engine counts them: before a triad takes one pair's two people.
        pairs=len(restricted.pairs) + (restricted.triad is not None),
        n=problem.n,
        blocked=problem.blocked_count,
    )
    return restricted


def _factor_problem(problem: Problem, seed: int) -> Problem | None:
    left = problem.fresh_partners()
    people = np.flatnonzero(left > 0)
    if people.size < 4:
        return None
    sizes = np.bincount(problem.org[people])
    if 2 * sizes.max() > people.size:
        return None  # a majority organisation: its members take turns, no regular part
    rng = np.random.default_rng([seed, 0xFAC7])
    support = factor_support(problem.compat.matrix(), people, int(left[people].min()), rng)
    return None if support is None else _restricted(problem, support)


def _restricted(problem: Problem, support: np.ndarray) -> Problem:
    """The same people, as if every fresh pair outside `support` had already met."""
    matrix = problem.compat.matrix()
    outside = np.triu(matrix & ~support, 1)
    lo, hi = problem.compat.ruled_out()
    extra_lo, extra_hi = np.nonzero(outside)
    return _ruling_out(problem, np.concatenate([lo, extra_lo]), np.concatenate([hi, extra_hi]))


def _ruling_out(
    problem: Problem, lo: np.ndarray, hi: np.ndarray, priority: np.ndarray | None = None
) -> Problem:
    """The same people with only these pairs ruled out, all counted as met.

    Blocked pairs join history here: a look ahead needs only who may still meet, and the
    chosen draw's reasons are told about the real problem again (`_as_if_whole`).
    """
    met = PairSet(lo, hi, problem.n)
    lo, hi = met.pairs()
    met_count = np.bincount(lo, minlength=problem.n) + np.bincount(hi, minlength=problem.n)
    return Problem(
        ids=problem.ids,
        org=problem.org,
        priority=problem.priority if priority is None else priority,
        compat=Compatibility(problem.org, met),
        met_count=met_count.astype(np.int64),
        blocked_count=np.zeros(problem.n, dtype=np.int64),
    )


def _profile(problem: Problem, solution: Solution) -> list[int]:
    return sorted(problem.priority[_placed_positions(solution)].tolist())


def choose_lasting(problem: Problem, seed: int, draw: Solve[S], solve: Solve[S], horizon: int) -> S:
    """The draw of this round whose roll-out keeps later rounds fullest and fairest.

    Candidates come from `draw` (within the factor, when there is one), then, if none of those
    keeps the next rounds full and fair, from plain draws: the factor knows nothing of turns.
    `solve`, with few mixing sweeps, plays the later rounds out.
    """
    rng = np.random.default_rng([seed, 0x1A57])
    best, best_score = None, None
    seen: set[bytes] = set()
    for source in (draw,) if draw is solve else (draw, solve):
        since_better, repeats = 0, 0
        for attempt in range(DRAWS):
            # The first candidate is what `draw` alone would return for `seed`.
            first = attempt == 0 and best is None
            candidate = source(problem, seed if first else int(rng.integers(2**63 - 1)))
            key = _key(candidate)
            if key in seen:
                repeats += 1
                if repeats >= PATIENCE:
                    break  # probably every grouping there is has been seen
                continue
            seen.add(key)
            repeats = 0
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
    assert best is not None  # the first candidate always scores better than none
    return best


def unfair_sit_outs(priority: np.ndarray, placed: np.ndarray, out: np.ndarray) -> int:
    """People left out while someone placed has sat out fewer times (priority = sit-outs)."""
    if placed.size == 0 or out.size == 0:
        return 0
    return int(np.count_nonzero(priority[out] > priority[placed].min()))


def _roll_out(
    problem: Problem, first: S, solve: Solve[S], horizon: int, rng: np.random.Generator
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
    met_lo, met_hi = problem.compat.ruled_out()
    new_a, new_b = [met_lo, solution.pairs[:, 0]], [met_hi, solution.pairs[:, 1]]
    if solution.triad is not None:
        x, y, z = solution.triad
        new_a.append(np.array([x, x, y]))
        new_b.append(np.array([y, z, z]))
    priority = problem.priority.copy()
    priority[solution.unmatched] += 1
    return _ruling_out(problem, np.concatenate(new_a), np.concatenate(new_b), priority)


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


def factor_support(
    matrix: np.ndarray, people: np.ndarray, rounds: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Pairs of a fractional `rounds`-factor of the fresh graph among `people`, or None.

    Full rounds from here on give each of them `rounds` partners in all, so a graph that can
    still give that many full rounds holds a `rounds`-regular part. Where organisations are
    skewed, some fresh pairs belong to no such part: spending one of them strands someone later
    (two people from small organisations meeting each other, while the large organisation's
    members need them). A maximum flow on the bipartite double cover (each person a source of
    `rounds`, each fresh pair an arc of capacity 1) finds such a part if one exists.
    """
    import networkx as nx  # only small pools get here: no import cost for the rest

    # Integer nodes only: networkx keeps some nodes in sets, and tuples of strings hash
    # differently in every process, which would make the same seed give another round.
    n = matrix.shape[0]
    source, sink = 2 * n, 2 * n + 1  # person u is u on the left and n + u on the right
    order = rng.permutation(people)
    flow = nx.DiGraph()
    for u in order.tolist():
        flow.add_edge(source, u, capacity=rounds)
        flow.add_edge(n + u, sink, capacity=rounds)
    lo, hi = np.nonzero(np.triu(matrix[np.ix_(order, order)], 1))
    for a, b in zip(order[lo].tolist(), order[hi].tolist(), strict=True):
        flow.add_edge(a, n + b, capacity=1)
        flow.add_edge(b, n + a, capacity=1)
    value, paths = nx.maximum_flow(flow, source, sink)
    if value < rounds * people.size:
        return None
    support = np.zeros_like(matrix)
    for u in order.tolist():
        for right, f in paths[u].items():
            if f > 0:
                v = right - n
                support[u, v] = support[v, u] = True
    return support
