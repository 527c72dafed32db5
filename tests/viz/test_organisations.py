"""The organisations picture: nodes, lines as wide as the conversations held, names only given."""

from __future__ import annotations

from collections import Counter

import numpy as np

from viz.data import Link, Person
from viz.organisations import OTHER_ORGANISATIONS, organisation_graph, render_organisations
from viz.synthetic import synthetic_community

PEOPLE = [Person(i, ["Arts", "Health", "Charity"][i % 3]) for i in range(12)]
LINKS = [
    Link(0, 1, 1, "met"),  # Arts - Health
    Link(3, 4, 1, "met"),  # Arts - Health
    Link(6, 7, 1, "not_met"),  # Arts - Health, not held
    Link(2, 5, 2, "met"),  # Charity - Charity
    Link(9, 11, 2, "met"),  # Arts - Charity
]


def test_sector_nodes_and_conversations_held():
    nodes, ties = organisation_graph(PEOPLE, LINKS, public=False)
    assert {n: people for n, (people, _) in nodes.items()} == {"Arts": 4, "Health": 3, "Charity": 3}
    assert ties == {("Arts", "Health"): 2, ("Charity", "Charity"): 1, ("Arts", "Charity"): 1}


def test_public_sectors_below_the_threshold_are_other():
    people = [*PEOPLE, Person(12, "Arts")]  # five in Arts, four in each other sector
    nodes, _ = organisation_graph(people, LINKS, public=True, min_category=5)
    assert set(nodes) == {"Arts", "Other"}


def test_organisation_nodes_come_only_from_group_of(read_svg):
    group_of = {k: ("Big Org" if k < 6 else OTHER_ORGANISATIONS) for k in range(12)}
    svg = render_organisations(PEOPLE, LINKS, group_of=group_of, node_name="Organisation")
    text = svg.decode()
    assert "Big Org" in text and OTHER_ORGANISATIONS in text
    # Sector mode never names anything but sectors.
    sectors = read_svg(render_organisations(PEOPLE, LINKS, public=False))
    assert "Big Org" not in sectors.text
    assert {"Arts", "Health", "Charity"} <= {t.split("\n")[0] for t, _ in sectors.texts()}


def test_line_width_follows_conversations(read_svg):
    svg = read_svg(render_organisations(PEOPLE, LINKS, public=False))
    widths = sorted(float(s["stroke-width"]) for s in svg.styles("ties"))
    assert len(widths) == 2  # Arts-Health (2) and Arts-Charity (1); within Charity not drawn
    assert widths[1] > widths[0]


def test_readable_at_500_organisations(read_svg):
    community = synthetic_community(4000, 6, seed=2, organisations=500)
    group_of = {k: f"Organisation {o[4:]}" for k, o in community.organisation.items()}
    svg = read_svg(
        render_organisations(
            community.people, community.links, group_of=group_of, node_name="Organisation"
        )
    )
    labels = [t for t, inside in svg.texts() if t.startswith("Organisation ") and not inside]
    # Not every name fits around the circle: those shown do not collide, the largest first.
    assert 60 < len(labels) < 500
    members = Counter(group_of.values())
    shown = [members[t] for t in labels]
    hidden = [n for name, n in members.items() if name not in labels]
    assert np.mean(shown) >= np.mean(hidden)
