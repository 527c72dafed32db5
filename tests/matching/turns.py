"""Exact references for fair turns and rounds that last: every sequence of rounds, searched.

A round here is what the engine promises for one round (independently enumerated): the most
people placed (pairs and, with triads, at most one group of three), and among those groupings
only the ones placing the best priority profile. Over several rounds each round's groups become
history and sit-outs add to priority, exactly as the service plays them.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np


def rounds_of(orgs: list[int], met: frozenset, priority: tuple[int, ...], triads: bool):
    """Every grouping one round may have: maximum, then best priority profile."""
    n = len(orgs)

    def ok(a: int, b: int) -> bool:
        return orgs[a] != orgs[b] and frozenset((a, b)) not in met

    found: list[tuple[tuple[int, ...], ...]] = []

    def visit(rest: list[int], groups: list[tuple[int, ...]], triad_used: bool) -> None:
        if not rest:
            found.append(tuple(groups))
            return
        first, others = rest[0], rest[1:]
        visit(others, groups, triad_used)
        for i, b in enumerate(others):
            if not ok(first, b):
                continue
            remaining = others[:i] + others[i + 1 :]
            visit(remaining, [*groups, (first, b)], triad_used)
            if triads and not triad_used:
                for j, c in enumerate(remaining):
                    if ok(first, c) and ok(b, c):
                        rest2 = remaining[:j] + remaining[j + 1 :]
                        visit(rest2, [*groups, (first, b, c)], True)

    visit(list(range(n)), [], False)

    def key(groups):
        placed = [p for g in groups for p in g]
        return (len(placed), sorted((priority[p] for p in placed), reverse=True))

    best = max(key(g) for g in found)
    return [g for g in found if key(g) == best]


def unfair(groups, priority) -> int:
    """People left out while someone placed that round has sat out fewer times."""
    placed = {p for g in groups for p in g}
    if not placed:
        return 0
    low = min(priority[p] for p in placed)
    return sum(1 for p in range(len(priority)) if p not in placed and priority[p] > low)


def best_sequences(orgs: list[int], rounds: int, *, triads: bool) -> tuple[int, int]:
    """(most full rounds, fewest unfair sit-outs) any sequence of `rounds` rounds can have.

    Full rounds count from the first, while each places as many as the first round did. The
    two figures are each the best over all sequences (one sequence need not give both).
    """
    n = len(orgs)
    start = (0,) * n
    target = sum(len(g) for g in rounds_of(orgs, frozenset(), start, triads)[0])

    @cache
    def search(met: frozenset, priority: tuple[int, ...], left: int) -> tuple[int, int]:
        if left == 0:
            return 0, 0
        most_full, fewest_unfair = 0, None
        for groups in rounds_of(orgs, met, priority, triads):
            placed = {p for g in groups for p in g}
            after_met = met | {frozenset(e) for g in groups for e in itertools.combinations(g, 2)}
            after = tuple(priority[p] + (p not in placed) for p in range(n))
            full, bad = search(after_met, after, left - 1)
            if len(placed) == target and target:
                most_full = max(most_full, 1 + full)
            total = bad + unfair(groups, priority)
            fewest_unfair = total if fewest_unfair is None else min(fewest_unfair, total)
        return most_full, fewest_unfair

    return search(frozenset(), start, rounds)


def play(orgs: list[int], rounds: int, seed: int, *, triads: bool) -> tuple[int, int]:
    """(full rounds, unfair sit-outs) of the engine over `rounds` rounds, as the service plays."""
    from unmentor.matching import Candidate, match_round

    n = len(orgs)
    history: list[tuple[int, int]] = []
    sat_out = [0] * n
    rng = np.random.default_rng(seed)
    target, full, broken, bad = None, 0, False, 0
    for _ in range(rounds):
        candidates = [Candidate(id=i, org=f"o{orgs[i]}", priority=sat_out[i]) for i in range(n)]
        result = match_round(candidates, history, seed=int(rng.integers(2**62)), triads=triads)
        target = result.placed if target is None else target
        if result.placed == target and target and not broken:
            full += 1
        else:
            broken = True
        bad += unfair(result.groups, sat_out)
        for group in result.groups:
            history.extend(itertools.combinations(group, 2))
        for person in result.unmatched:
            sat_out[person] += 1
    return full, bad
