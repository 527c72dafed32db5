"""Network metrics against numbers worked out by hand for the small network (see conftest)."""

from __future__ import annotations

import itertools
import json

import pytest

from viz.metrics import describe, metrics_by_round, network_metrics


def test_round_two_by_hand(network):
    m = network_metrics(network.people, network.links, 2, organisation_of=network.organisation)
    assert (m.people, m.people_this_round, m.groups, m.links) == (7, 7, 3, 5)
    assert (m.met, m.not_met, m.unconfirmed, m.pending) == (3, 2, 0, 0)
    assert (m.met_rate, m.not_met_rate, m.unconfirmed_rate) == (0.6, 0.4, 0.0)
    assert (m.cumulative_links, m.cumulative_met, m.cumulative_met_rate) == (8, 4, 0.5)
    # All links: one component. Met links only: {1,2,3}, {4,6,7} and 5 alone.
    assert (m.components, m.largest_component_share) == (1, 1.0)
    assert (m.met_components, m.largest_met_component_share) == (3, pytest.approx(3 / 7))
    assert m.mean_distinct_partners == pytest.approx(16 / 7)
    assert m.mean_partners_met == pytest.approx(8 / 7)
    # Organisations A, B, C, D; met links join A-B (twice), A-C and A-D.
    assert (m.organisations, m.organisation_pairs_met) == (4, 3)
    # Round 2 pairs with both sectors known: Health-Arts, Charity-Charity, Arts-Arts.
    assert m.cross_sector_share == pytest.approx(1 / 3)
    assert m.few_fresh_partners is None


def test_open_round_leaves_pending_out_of_rates(network):
    m = network_metrics(network.people, network.links, 3)
    assert (m.people, m.groups, m.links) == (8, 4, 4)
    assert (m.met, m.not_met, m.pending) == (1, 1, 2)
    assert (m.met_rate, m.not_met_rate) == (0.5, 0.5)
    assert m.organisations is None and m.organisation_pairs_met is None


def test_all_pending_has_no_rate():
    from viz.data import Link, Person

    m = network_metrics([Person(1), Person(2)], [Link(1, 2, 1, "pending")], 1)
    assert m.met_rate is None and m.cumulative_met_rate is None and m.cross_sector_share is None


def test_few_fresh_partners_counts_below_the_threshold(network):
    fresh = {network.keys[0]: 0, network.keys[1]: 5, network.keys[2]: 2, network.keys[3]: 3}
    m = network_metrics(network.people, network.links, 3, fresh_partners=fresh, few_fresh_below=3)
    assert (m.few_fresh_partners, m.few_fresh_below) == (2, 3)


def test_sector_mapping_overrides_categories(network):
    same = dict.fromkeys(network.keys, "One sector")
    assert network_metrics(network.people, network.links, 2, sector_of=same).cross_sector_share == 0


def test_present_people_count_and_stand_alone(network):
    m = network_metrics(network.people, network.links, 1, present={4242})
    assert m.people == 7 and m.components == 4


def test_every_round_is_json_serialisable(community):
    rows = metrics_by_round(
        community.people, community.links, organisation_of=community.organisation
    )
    assert [m.round_number for m in rows] == list(range(1, 9))
    text = json.dumps([m.as_dict() for m in rows])
    assert json.loads(text)[0]["round_number"] == 1
    # The network only grows; by the last round nearly everyone is connected.
    assert all(a.people <= b.people for a, b in itertools.pairwise(rows))
    assert rows[-1].largest_component_share > 0.9


def test_description_is_counts_only(network):
    text = describe(network_metrics(network.people, network.links, 3))
    assert text.startswith("Round 3: 8 people")
    assert "50% met" in text and "2 pairs awaiting" in text
    assert not any(str(key) in text for key in network.keys)
