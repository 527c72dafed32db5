"""match_round and match_arrays: one round's groups, random, cross-organisation, maximum.

The steps, and why each is there:
1. a vectorised first matching (pairing.py) reaches the simple bound (explain.py) in one or
   two passes whenever history allows, which proves it maximum;
2. below the bound, Edmonds' search from each free person (exact.py) adds pairs until every
   search fails, which proves the matching maximum (always below EXACT_LIMIT people; above it,
   within a work budget, and the result says whether the proof completed);
3. higher priority first: free people take the place of lower-priority placed people, by direct
   swaps for everyone at once and then by alternating paths;
4. random swaps between pairs (mixing.py) make the grouping a uniform draw;
5. at most one triad places an odd one out (triads.py).

Around that core (group_size=2): group_size 3..4 is its own construction (groups.py), and the
repeat fallback (repeats.py) runs after either, only on the people still sitting out.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from unmentor.matching.arrays import Problem, from_arrays, from_candidates
from unmentor.matching.exact import Blossom, OutOfBudget, complete, prefer_priority
from unmentor.matching.explain import sentence, simple_bound, sit_out_reasons
from unmentor.matching.groups import GROUP_SIZES, solve_groups
from unmentor.matching.lasting import lasting_round
from unmentor.matching.mixing import mix, sweeps_for
from unmentor.matching.pairing import initial_matching, pair_count, priority_swaps
from unmentor.matching.repeats import Repeatable, add_repeats
from unmentor.matching.triads import find_triad
from unmentor.matching.types import ArrayMatch, Candidate, MatchResult, Reason, SitOut

# Up to this many people every exact step runs to completion, so results are always proven.
EXACT_LIMIT = 20_000
# Above it, exact steps stop after about this many element operations (a second or two).
WORK_BUDGET = 3e9


@dataclass
class _Solution:
    pairs: np.ndarray  # (k, 2) positions
    triad: tuple[int, int, int] | None
    unmatched: np.ndarray  # positions
    reasons: np.ndarray  # SitOut codes
    fresh: np.ndarray
    upper_bound: int
    proven: bool
    seed: int
    # Every group as one (k, size) position array per size (pairs and triad included).
    groups: list[np.ndarray] | None = None
    # Pairs met before and placed again (repeats.py): (k, 2) positions and the round last met.
    repeated: np.ndarray | None = None
    repeated_rounds: np.ndarray | None = None
    group_size: int = 2

    def blocks(self) -> list[np.ndarray]:
        if self.groups is not None:
            return self.groups
        blocks = [self.pairs] if len(self.pairs) else []
        if self.triad is not None:
            blocks.append(np.array([self.triad], dtype=np.int64))
        return blocks


def match_round(
    candidates: Iterable[Candidate],
    history: Iterable = (),
    *,
    blocked: Iterable = (),
    seed: int | None = None,
    triads: bool = True,
    group_size: int = 2,
    repeatable: Repeatable | None = None,
) -> MatchResult:
    """Group `candidates` for one round: valid, maximum, priority first, random by `seed`.

    `history` pairs never meet again, nor do `blocked` pairs (never-match lists), which count
    apart from history in reasons. `group_size` 3 or 4 forms groups of that size (leftovers one
    larger or smaller; `triads` only concerns pairs). `repeatable` maps pairs of `history` to
    the round they last met: people who would otherwise sit out may meet one of them again,
    longest ago first.
    """
    problem = from_candidates(candidates, history, blocked)
    solution = _run(problem, seed, triads, group_size, repeatable)
    ids = problem.ids.tolist()
    groups: list[tuple[int, ...]] = []
    for block in solution.blocks():
        # zip builds the tuples in C: a quarter of the time of tuple(row) per row at 500k rows.
        groups += zip(*problem.ids[block].T.tolist(), strict=True)
    unmatched = [ids[p] for p in solution.unmatched.tolist()]
    org_size = np.bincount(problem.org)[problem.org[solution.unmatched]].tolist()
    # The sentences count pairs (group_size 2) or groups (larger sizes).
    count = len(solution.pairs) if solution.group_size == 2 else len(groups)
    reasons = {
        person: Reason(
            sentence(
                SitOut(code),
                org_size=size,
                n=problem.n,
                pairs=count,
                group_size=solution.group_size,
            ),
            SitOut(code),
        )
        for person, code, size in zip(unmatched, solution.reasons.tolist(), org_size, strict=True)
    }
    repeated = {}
    if solution.repeated is not None and solution.repeated_rounds is not None:
        for (a, b), when in zip(
            solution.repeated.tolist(), solution.repeated_rounds.tolist(), strict=True
        ):
            repeated[(min(ids[a], ids[b]), max(ids[a], ids[b]))] = when
    return MatchResult(
        groups=groups,
        unmatched=unmatched,
        reasons=reasons,
        fresh_partners=dict(zip(ids, solution.fresh.tolist(), strict=True)),
        upper_bound=solution.upper_bound,
        is_proven_maximum=solution.proven,
        seed=solution.seed,
        repeated=repeated,
    )


def match_arrays(
    ids,
    orgs,
    history=None,
    *,
    blocked=None,
    priority=None,
    seed: int | None = None,
    triads: bool = True,
    group_size: int = 2,
    repeatable: Repeatable | None = None,
) -> ArrayMatch:
    """The same engine for numpy arrays: ids, organisation labels, (k, 2) arrays of ids.

    A negative organisation label (or None or "" among labels) means no organisation.
    `repeatable` may also be a tuple of a (k, 2) id array and a (k,) array of rounds.
    """
    problem = from_arrays(ids, orgs, history, priority, blocked)
    solution = _run(problem, seed, triads, group_size, repeatable)
    ids = problem.ids
    triad = None
    if solution.triad is not None:
        x, y, z = solution.triad
        triad = (int(ids[x]), int(ids[y]), int(ids[z]))
    repeated = np.zeros((0, 2), dtype=np.int64)
    rounds = np.zeros(0, dtype=np.int64)
    if solution.repeated is not None and solution.repeated_rounds is not None:
        repeated = np.sort(ids[solution.repeated], axis=1)
        rounds = solution.repeated_rounds
    blocks = [ids[block] for block in solution.blocks()]
    pairs = next((block for block in blocks if block.shape[1] == 2), np.zeros((0, 2), np.int64))
    return ArrayMatch(
        pairs=pairs,
        triad=triad,
        unmatched=ids[solution.unmatched],
        reasons=solution.reasons,
        fresh_partners=solution.fresh,
        upper_bound=solution.upper_bound,
        is_proven_maximum=solution.proven,
        seed=solution.seed,
        groups=blocks,
        repeated=repeated,
        repeated_rounds=rounds,
    )


def fresh_partner_counts(
    candidates: Iterable[Candidate], history: Iterable = (), *, blocked: Iterable = ()
) -> dict[int, int]:
    """Per id: people here from another organisation never met nor blocked, without grouping."""
    problem = from_candidates(candidates, history, blocked)
    return dict(zip(problem.ids.tolist(), problem.fresh_partners().tolist(), strict=True))


def _checked_seed(seed) -> int:
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return int(seed)


def _run(problem: Problem, seed, triads, group_size, repeatable) -> _Solution:
    """Pairs (_solve) or larger groups, then the repeat fallback for whoever still sits out."""
    if isinstance(group_size, bool) or not isinstance(group_size, int | np.integer):
        raise TypeError(f"group_size must be an integer, got {group_size!r}")
    if group_size not in GROUP_SIZES:
        raise ValueError(f"group_size must be 2, 3 or 4, got {group_size}")
    seed = _checked_seed(seed)
    if not isinstance(triads, bool):
        raise TypeError(f"triads must be a bool, got {triads!r}")
    if group_size == 2:
        solution = _solve(problem, seed=seed, triads=triads)
    else:
        grouped = solve_groups(problem, size=int(group_size), rng=np.random.default_rng(seed))
        solution = _Solution(
            pairs=np.zeros((0, 2), dtype=np.int64),
            triad=None,
            unmatched=grouped.unmatched,
            reasons=grouped.reasons,
            fresh=grouped.fresh,
            upper_bound=grouped.upper_bound,
            proven=grouped.proven,
            seed=seed,
            groups=grouped.groups,
            group_size=int(group_size),
        )
    if repeatable is not None:
        add_repeats(problem, solution, repeatable, triads=triads)
    return solution


def _solve(problem: Problem, *, seed: int, triads: bool) -> _Solution:
    # --- fair turns and rounds that last (lasting.py) ---------------------------------------
    # When fresh partners get scarce in a small pool, draw this round with the next ones in mind;
    # otherwise (almost always) this is one plain draw.
    chosen = lasting_round(
        problem,
        seed,
        lambda p, s, sweeps=None: _solve_round(p, seed=s, triads=triads, sweeps=sweeps),
    )
    chosen.seed = seed
    return chosen
    # ------------------------------------------------------------------------------------------


def _solve_round(problem: Problem, *, seed: int, triads: bool, sweeps=None) -> _Solution:
    """One draw of this round alone: maximum, priority first, uniform among the rest."""
    n = problem.n
    rng = np.random.default_rng(seed)
    fresh = problem.fresh_partners()
    eligible = fresh > 0
    bound = simple_bound(problem.org, eligible)
    compat, priority = problem.compat, problem.priority
    mate = initial_matching(compat, priority, eligible, rng, target=bound.pairs)
    exhaustive = n <= EXACT_LIMIT
    blossom = Blossom(
        compat, mate, eligible.copy(), budget=float("inf") if exhaustive else WORK_BUDGET
    )
    proven = pair_count(mate) >= bound.pairs
    try:
        if not proven:
            proven = complete(blossom, eligible, rng, target=bound.pairs)
        priority_swaps(compat, mate, priority, eligible, rng)
        prefer_priority(blossom, priority, eligible, rng)
    except OutOfBudget:
        pass
    mix(compat, mate, priority, eligible, rng, sweeps=sweeps_for(n) if sweeps is None else sweeps)
    pairs = pair_count(mate)
    triad, triad_proven = None, True
    if triads and not bound.dominated(pairs):
        try:
            triad, triad_proven = find_triad(
                blossom, priority, eligible, fresh, rng, exhaustive=exhaustive and proven
            )
        except OutOfBudget:
            triad_proven = False
    proven = proven and triad_proven
    ends = np.flatnonzero(mate > np.arange(n))
    placed_pairs = np.stack([ends, mate[ends]], axis=1) if ends.size else np.zeros((0, 2), int)
    in_triad = np.zeros(n, dtype=bool)
    if triad is not None:
        in_triad[list(triad)] = True
    unmatched = np.flatnonzero((mate < 0) & ~in_triad)
    placed = 2 * len(placed_pairs) + (3 if triad is not None else 0)
    if proven:
        upper = placed
    else:
        spare = bound.eligible - 2 * bound.pairs
        upper = 2 * bound.pairs + (1 if triads and spare and bound.majority_org < 0 else 0)
    return _Solution(
        pairs=placed_pairs.astype(np.int64),
        triad=triad,
        unmatched=unmatched,
        reasons=sit_out_reasons(
            unmatched, problem.org, fresh, bound, pairs=pairs, n=n, blocked=problem.blocked_count
        ),
        fresh=fresh,
        upper_bound=upper,
        proven=proven,
        seed=seed,
    )
