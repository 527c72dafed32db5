"""Exact answers from networkx, for checking the engine on small instances."""

from __future__ import annotations

import itertools

import networkx as nx

from unmentor.matching import Candidate


def compatibility_graph(candidates: list[Candidate], history) -> nx.Graph:
    met = {frozenset(pair) for pair in history}
    graph = nx.Graph()
    graph.add_nodes_from(c.id for c in candidates)
    graph.add_edges_from(
        (a.id, b.id)
        for a, b in itertools.combinations(candidates, 2)
        if a.org != b.org and frozenset((a.id, b.id)) not in met
    )
    return graph


def maximum_pairs(candidates, history) -> int:
    return len(
        nx.max_weight_matching(compatibility_graph(candidates, history), maxcardinality=True)
    )


def best_priority_total(candidates, history) -> int:
    """The largest total priority of people placed by any maximum set of pairs."""
    priority = {c.id: c.priority for c in candidates}
    graph = compatibility_graph(candidates, history)
    big = 1 + 2 * max((abs(p) for p in priority.values()), default=0) * len(candidates)
    for a, b in graph.edges:
        graph[a][b]["weight"] = big + priority[a] + priority[b]
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(priority[a] + priority[b] for a, b in matching)


def most_people_placed(candidates, history) -> int:
    """Pairs plus at most one triad: the most people any valid grouping places."""
    graph = compatibility_graph(candidates, history)
    best = 2 * len(nx.max_weight_matching(graph, maxcardinality=True))
    for triad in itertools.combinations(graph.nodes, 3):
        if all(graph.has_edge(a, b) for a, b in itertools.combinations(triad, 2)):
            rest = graph.copy()
            rest.remove_nodes_from(triad)
            best = max(best, 3 + 2 * len(nx.max_weight_matching(rest, maxcardinality=True)))
    return best
