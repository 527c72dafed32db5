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
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from unmentor.matching.arrays import Problem, from_arrays, from_candidates
from unmentor.matching.exact import Blossom, OutOfBudget, complete, prefer_priority
from unmentor.matching.explain import sentence, simple_bound, sit_out_reasons
from unmentor.matching.lasting import lasting_round
from unmentor.matching.mixing import mix, sweeps_for
from unmentor.matching.pairing import initial_matching, pair_count, priority_swaps
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


def _own_organisations(candidates: Iterable[Candidate]) -> list[Candidate]:
    # SHIM until engine branch merges: someone without an organisation (None or "") gets an
    # organisation label of their own, so they may meet anyone.
    return [
        Candidate(id=c.id, org=f"\x00no-organisation:{c.id}", priority=c.priority)
        if isinstance(c, Candidate) and c.org in (None, "")
        else c
        for c in candidates
    ]


def match_round(
    candidates: Iterable[Candidate],
    history: Iterable = (),
    *,
    blocked: Iterable = (),
    seed: int | None = None,
    triads: bool = True,
    group_size: int = 2,
    repeatable: Mapping[tuple[int, int], int] | None = None,
) -> MatchResult:
    """Group `candidates` for one round: valid, maximum, priority first, random by `seed`."""
    # SHIM until engine branch merges: blocked pairs are treated as met.
    blocked = [tuple(pair) for pair in blocked]
    if blocked:
        history = [*(tuple(pair) for pair in history), *blocked]
    if group_size != 2:  # SHIM until engine branch merges
        raise NotImplementedError("groups larger than two come with the engine branch")
    candidates = _own_organisations(candidates)
    result = _match_round(candidates, history, seed=seed, triads=triads)
    if repeatable:
        _repeat_oldest(result, candidates, repeatable)
    return result


def _repeat_oldest(
    result: MatchResult, candidates: list[Candidate], repeatable: Mapping[tuple[int, int], int]
) -> None:
    """SHIM until engine branch merges: pair people who sit out for want of a fresh partner
    with someone they met before, longest ago first (greedy, not maximum)."""
    org = {c.id: c.org for c in candidates}
    waiting = {
        pid for pid in result.unmatched if result.reasons[pid].kind == SitOut.NO_FRESH_PARTNER
    }
    for (a, b), last in sorted(repeatable.items(), key=lambda item: item[1]):
        if a in waiting and b in waiting and org[a] != org[b]:
            waiting -= {a, b}
            result.groups.append((a, b))
            result.repeated[(min(a, b), max(a, b))] = last
            result.unmatched.remove(a)
            result.unmatched.remove(b)
            del result.reasons[a], result.reasons[b]


def _match_round(
    candidates: Iterable[Candidate],
    history: Iterable = (),
    *,
    seed: int | None = None,
    triads: bool = True,
) -> MatchResult:
    problem = from_candidates(candidates, history)
    solution = _solve(problem, seed=seed, triads=triads)
    ids = problem.ids.tolist()
    groups = [(ids[a], ids[b]) for a, b in solution.pairs.tolist()]
    if solution.triad is not None:
        groups.append(tuple(ids[p] for p in solution.triad))
    unmatched = [ids[p] for p in solution.unmatched.tolist()]
    org_size = np.bincount(problem.org)[problem.org[solution.unmatched]].tolist()
    reasons = {
        person: Reason(
            sentence(SitOut(code), org_size=size, n=problem.n, pairs=len(solution.pairs)),
            SitOut(code),
        )
        for person, code, size in zip(unmatched, solution.reasons.tolist(), org_size, strict=True)
    }
    return MatchResult(
        groups=groups,
        unmatched=unmatched,
        reasons=reasons,
        fresh_partners=dict(zip(ids, solution.fresh.tolist(), strict=True)),
        upper_bound=solution.upper_bound,
        is_proven_maximum=solution.proven,
        seed=solution.seed,
    )


def match_arrays(
    ids,
    orgs,
    history=None,
    *,
    priority=None,
    seed: int | None = None,
    triads: bool = True,
) -> ArrayMatch:
    """The same engine for numpy arrays: ids, organisation labels, a (k, 2) array of ids met."""
    problem = from_arrays(ids, orgs, history, priority)
    solution = _solve(problem, seed=seed, triads=triads)
    ids = problem.ids
    triad = None if solution.triad is None else tuple(int(ids[p]) for p in solution.triad)
    return ArrayMatch(
        pairs=ids[solution.pairs],
        triad=triad,
        unmatched=ids[solution.unmatched],
        reasons=solution.reasons,
        fresh_partners=solution.fresh,
        upper_bound=solution.upper_bound,
        is_proven_maximum=solution.proven,
        seed=solution.seed,
    )


def fresh_partner_counts(candidates: Iterable[Candidate], history: Iterable = ()) -> dict[int, int]:
    """Per id: people here from another organisation never met, without forming groups."""
    problem = from_candidates(_own_organisations(candidates), history)
    return dict(zip(problem.ids.tolist(), problem.fresh_partners().tolist(), strict=True))


def _checked_seed(seed) -> int:
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return int(seed)


def _solve(problem: Problem, *, seed, triads: bool) -> _Solution:
    seed = _checked_seed(seed)
    if not isinstance(triads, bool):
        raise TypeError(f"triads must be a bool, got {triads!r}")
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
        reasons=sit_out_reasons(unmatched, problem.org, fresh, bound, pairs=pairs, n=n),
        fresh=fresh,
        upper_bound=upper,
        proven=proven,
        seed=seed,
    )
