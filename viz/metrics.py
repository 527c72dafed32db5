"""Numbers about the network after a round, as a plain JSON-serialisable record.

Definitions (the service shows them to organisers, so they are fixed here once):

- "people" are those in the cumulative network by the round: in a group of that round or an earlier
  one, or passed as present. Counts of outcomes are of links: a triad is three links.
- Rates are shares of the round's *answered or closed* links (met + not met + unconfirmed);
  "pending" links are left out because their answer is still to come. None when nothing is decided.
- Connectedness is measured twice, on the cumulative graph of all links (who was introduced to whom)
  and on that of met links only (who actually talked); in both, everyone in the network is a node,
  so someone whose meetings all fell through is a component of their own in the met graph.
- Organisations: how many distinct organisations the network spans, and how many distinct pairs of
  organisations a met link has joined so far (the cross-organisation ties the scheme exists for).
- Cross-sector share: of this round's links between two people whose sector is known, the share
  joining different sectors. Sectors default to each person's colouring category.
- Few fresh partners: given the matcher's count of people each person could still be paired with,
  how many of them have fewer than the threshold left (they will soon sit out through no fault).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np

from viz.data import OUTCOMES, Link, LinkArrays, Person, as_link_arrays, present_keys

MET, NOT_MET, UNCONFIRMED, PENDING = (
    OUTCOMES.index(o) for o in ("met", "not_met", "unconfirmed", "pending")
)


@dataclass(frozen=True)
class NetworkMetrics:
    """What the network looks like after one round; every field is an int, a float or None."""

    round_number: int
    people: int
    people_this_round: int
    groups: int
    links: int
    met: int
    not_met: int
    unconfirmed: int
    pending: int
    met_rate: float | None
    not_met_rate: float | None
    unconfirmed_rate: float | None
    cumulative_links: int
    cumulative_met: int
    cumulative_met_rate: float | None
    components: int
    largest_component_share: float
    met_components: int
    largest_met_component_share: float
    mean_distinct_partners: float
    mean_partners_met: float
    organisations: int | None
    organisation_pairs_met: int | None
    cross_sector_share: float | None
    few_fresh_partners: int | None
    few_fresh_below: int | None

    def as_dict(self) -> dict[str, int | float | None]:
        """The fields as a plain dict, ready for `json.dumps`."""
        return asdict(self)


def network_metrics(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    upto_round: int,
    *,
    present: Collection[int] = (),
    organisation_of: Mapping[int, str] | None = None,
    sector_of: Mapping[int, str | None] | None = None,
    fresh_partners: Mapping[int, int] | None = None,
    few_fresh_below: int = 3,
) -> NetworkMetrics:
    """The metrics of the cumulative network after `upto_round` (see the module for definitions)."""
    table = as_link_arrays(links).upto(upto_round)
    keys = present_keys(table, upto_round, present)
    now = table.round_number == upto_round
    counts = np.bincount(table.outcome[now], minlength=len(OUTCOMES))
    decided = int(counts[MET] + counts[NOT_MET] + counts[UNCONFIRMED])
    all_decided = int((table.outcome != PENDING).sum())
    all_met = int((table.outcome == MET).sum())

    everyone = _graph(keys, table.a, table.b)
    met = table.outcome == MET
    met_graph = _graph(keys, table.a[met], table.b[met])
    this_round = _graph(np.empty(0, dtype=np.int64), table.a[now], table.b[now])

    if sector_of is None:
        sector_of = {person.key: person.category for person in people}
    return NetworkMetrics(
        round_number=upto_round,
        people=len(keys),
        people_this_round=this_round.number_of_nodes(),
        groups=nx.number_connected_components(this_round),
        links=int(now.sum()),
        met=int(counts[MET]),
        not_met=int(counts[NOT_MET]),
        unconfirmed=int(counts[UNCONFIRMED]),
        pending=int(counts[PENDING]),
        met_rate=_share(counts[MET], decided),
        not_met_rate=_share(counts[NOT_MET], decided),
        unconfirmed_rate=_share(counts[UNCONFIRMED], decided),
        cumulative_links=len(table),
        cumulative_met=all_met,
        cumulative_met_rate=_share(all_met, all_decided),
        components=nx.number_connected_components(everyone),
        largest_component_share=_largest_share(everyone),
        met_components=nx.number_connected_components(met_graph),
        largest_met_component_share=_largest_share(met_graph),
        mean_distinct_partners=_mean_degree(everyone),
        mean_partners_met=_mean_degree(met_graph),
        organisations=_organisations(keys, organisation_of),
        organisation_pairs_met=_organisation_pairs(met_graph, organisation_of),
        cross_sector_share=_cross_share(table.a[now], table.b[now], sector_of),
        few_fresh_partners=None
        if fresh_partners is None
        else sum(1 for count in fresh_partners.values() if count < few_fresh_below),
        few_fresh_below=None if fresh_partners is None else few_fresh_below,
    )


def metrics_by_round(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    *,
    organisation_of: Mapping[int, str] | None = None,
    sector_of: Mapping[int, str | None] | None = None,
) -> list[NetworkMetrics]:
    """`network_metrics` for every round from 1 to the last one in `links`."""
    people = list(people)
    table = as_link_arrays(links)
    last = int(table.round_number.max(initial=0))
    return [
        network_metrics(people, table, number, organisation_of=organisation_of, sector_of=sector_of)
        for number in range(1, last + 1)
    ]


def describe(metrics: NetworkMetrics) -> str:
    """A sentence of counts only, fit for alt text beside a public network image."""
    parts = [
        f"Round {metrics.round_number}: {metrics.people} people in the network, "
        f"{metrics.groups} groups this round"
    ]
    if metrics.met_rate is not None:
        parts.append(
            f"{_percent(metrics.met_rate)} met, {_percent(metrics.not_met_rate)} did not meet, "
            f"{_percent(metrics.unconfirmed_rate)} not confirmed"
        )
    if metrics.pending:
        parts.append(f"{metrics.pending} pairs awaiting an answer")
    return "; ".join(parts) + "."


def _graph(keys: np.ndarray, a: np.ndarray, b: np.ndarray) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(keys.tolist())
    graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    return graph


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else float(part) / whole


def _largest_share(graph: nx.Graph) -> float:
    if graph.number_of_nodes() == 0:
        return 0.0
    largest = max(len(component) for component in nx.connected_components(graph))
    return largest / graph.number_of_nodes()


def _mean_degree(graph: nx.Graph) -> float:
    n = graph.number_of_nodes()
    return 0.0 if n == 0 else 2 * graph.number_of_edges() / n


def _organisations(keys: np.ndarray, organisation_of: Mapping[int, str] | None) -> int | None:
    if organisation_of is None:
        return None
    return len({organisation_of[k] for k in keys.tolist() if k in organisation_of})


def _organisation_pairs(graph: nx.Graph, organisation_of: Mapping[int, str] | None) -> int | None:
    if organisation_of is None:
        return None
    pairs = set()
    for u, v in graph.edges():
        first, second = organisation_of.get(u), organisation_of.get(v)
        if first is not None and second is not None and first != second:
            pairs.add((min(first, second), max(first, second)))
    return len(pairs)


def _cross_share(a: np.ndarray, b: np.ndarray, sector_of: Mapping[int, str | None]) -> float | None:
    known = different = 0
    for u, v in zip(a.tolist(), b.tolist(), strict=True):
        first, second = sector_of.get(u), sector_of.get(v)
        if first is not None and second is not None:
            known += 1
            different += first != second
    return _share(different, known)


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{round(100 * share)}%"
