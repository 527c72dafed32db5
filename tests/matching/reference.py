"""Independent references for the matching tests: networkx blossom and exhaustive search.

Nothing here uses the engine's code, so a shared mistake cannot hide.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import networkx as nx
import numpy as np

from unmentor.matching import Candidate


def same_org(a: Candidate, b: Candidate) -> bool:
    """Nobody shares an organisation with someone who has none (None or "")."""
    return a.org not in (None, "") and a.org == b.org


def compat_graph(
    candidates: list[Candidate], history: Iterable, blocked: Iterable = ()
) -> nx.Graph:
    """Everyone, linked when from different organisations, never met and not blocked."""
    met = {frozenset(p) for p in history} | {frozenset(p) for p in blocked}
    graph = nx.Graph()
    graph.add_nodes_from(c.id for c in candidates)
    for a, b in itertools.combinations(candidates, 2):
        if not same_org(a, b) and frozenset((a.id, b.id)) not in met:
            graph.add_edge(a.id, b.id)
    return graph


def most_in_groups(graph: nx.Graph, low: int, high: int) -> int:
    """Exhaustively: the most people groups of low..high mutual neighbours can hold."""
    best = 0

    def visit(rest: list[int], placed: int) -> None:
        nonlocal best
        best = max(best, placed)
        if placed + len(rest) <= best or not rest:
            return
        first, others = rest[0], rest[1:]
        visit(others, placed)  # `first` sits out
        friends = [p for p in others if graph.has_edge(first, p)]

        def grow(group: list[int], start: int) -> None:
            if len(group) >= low:
                visit([p for p in others if p not in group], placed + len(group))
            if len(group) == high:
                return
            for i in range(start, len(friends)):
                p = friends[i]
                if all(graph.has_edge(p, q) for q in group[1:]):
                    grow([*group, p], i + 1)

        grow([first], 0)

    visit(sorted(graph.nodes), 0)
    return best


def max_pairs(graph: nx.Graph) -> int:
    return len(nx.max_weight_matching(graph, maxcardinality=True))


def coverable(graph: nx.Graph, people: set[int]) -> int:
    """The most people of `people` any one matching can place (weights count them)."""
    weighted = nx.Graph()
    for a, b in graph.edges:
        weight = (a in people) + (b in people)
        if weight:
            weighted.add_edge(a, b, weight=weight)
    matching = nx.max_weight_matching(weighted)
    return sum((a in people) + (b in people) for a, b in matching)


def has_triad_gain(graph: nx.Graph, pairs: int) -> bool:
    """Whether some triangle T leaves a matching of pairs - 1 pairs: 2 * pairs + 1 placed."""
    for a, b in graph.edges:
        for c in set(graph[a]) & set(graph[b]):
            if c <= max(a, b):
                continue
            rest = graph.copy()
            rest.remove_nodes_from((a, b, c))
            if max_pairs(rest) == pairs - 1:
                return True
    return False


def best_groupings(graph: nx.Graph, priority: dict[int, int], *, triads: bool):
    """Exhaustively: the most people placed, and the best priority profile at that count.

    A profile is the placed people's priorities, highest first, compared lexicographically.
    """
    people = sorted(graph.nodes)
    best: tuple[int, tuple[int, ...]] = (0, ())

    def visit(rest: list[int], placed: list[int], triad_used: bool) -> None:
        nonlocal best
        profile = tuple(sorted((priority[p] for p in placed), reverse=True))
        best = max(best, (len(placed), profile))
        if not rest:
            return
        first, others = rest[0], rest[1:]
        visit(others, placed, triad_used)  # `first` sits out
        for i, b in enumerate(others):
            if not graph.has_edge(first, b):
                continue
            remaining = others[:i] + others[i + 1 :]
            visit(remaining, [*placed, first, b], triad_used)
            if triads and not triad_used:
                for j, c in enumerate(remaining):
                    if graph.has_edge(first, c) and graph.has_edge(b, c):
                        visit(remaining[:j] + remaining[j + 1 :], [*placed, first, b, c], True)

    visit(people, [], False)
    return best


def perfect_matchings(people: list[int], graph: nx.Graph):
    """Every perfect matching, as a frozenset of frozenset pairs."""
    if not people:
        yield frozenset()
        return
    first, others = people[0], people[1:]
    for i, b in enumerate(others):
        if graph.has_edge(first, b):
            for rest in perfect_matchings(others[:i] + others[i + 1 :], graph):
                yield rest | {frozenset((first, b))}


def chi_square_p_value(observed: np.ndarray, expected: np.ndarray) -> float:
    """Upper tail of the chi-square statistic (no scipy): regularised incomplete gamma."""
    statistic = float(((observed - expected) ** 2 / expected).sum())
    dof = observed.size - 1
    return _gamma_upper(dof / 2, statistic / 2)


def _gamma_upper(a: float, x: float) -> float:
    """Q(a, x) by series for small x and Lentz's continued fraction otherwise."""
    from math import exp, lgamma, log

    if x <= 0:
        return 1.0
    if x < a + 1:
        term = total = 1.0 / a
        k = a
        while abs(term) > 1e-15 * abs(total):
            k += 1
            term *= x / k
            total += term
        return 1.0 - total * exp(-x + a * log(x) - lgamma(a))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return exp(-x + a * log(x) - lgamma(a)) * h


def check_groups(
    result,
    candidates: list[Candidate],
    history: Iterable,
    *,
    triads: bool,
    blocked: Iterable = (),
    group_size: int = 2,
    repeatable: Iterable = (),
):
    """Promises 1 and 2: a partition into valid pairs and at most one valid triad (or groups
    of group_size +- 1); met pairs only where `repeatable` allows, and reported."""
    ids = [c.id for c in candidates]
    by_id = {c.id: c for c in candidates}
    met = {frozenset(p) for p in history}
    never = {frozenset(p) for p in blocked}
    may_repeat = {frozenset(p) for p in repeatable}
    placed = [p for group in result.groups for p in group]
    assert sorted(placed + list(result.unmatched)) == sorted(ids), "not a partition"
    sizes = [len(group) for group in result.groups]
    if group_size == 2:
        assert all(size in (2, 3) for size in sizes), sizes
        assert sizes.count(3) <= (1 if triads else 0), sizes
    else:
        assert all(group_size - 1 <= size <= group_size + 1 for size in sizes), sizes
    repeated = set()
    for group in result.groups:
        for a, b in itertools.combinations(group, 2):
            assert not same_org(by_id[a], by_id[b]), f"{a} and {b} share {by_id[a].org!r}"
            assert frozenset((a, b)) not in never, f"{a} and {b} are blocked"
            if frozenset((a, b)) in met:
                assert frozenset((a, b)) in may_repeat, f"{a} and {b} met before"
                repeated.add((min(a, b), max(a, b)))
    assert set(getattr(result, "repeated", {})) == repeated
