"""The network picture stays readable: people apart, lines longer than their dots, sectors as
neighbourhoods, a legend sized to the picture and an "awaiting" colour no sector uses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

from viz import compute_layouts, layout_frame, render_network
from viz.data import Link, Person
from viz.layout import MIN_GAP, nearest_distances
from viz.network import DOT_GROWTH, SIZE, SIZE_SPREAD, dot_scale, neighbourhoods
from viz.style import CATEGORY_PALETTE, EDGE_STYLES
from viz.synthetic import synthetic_community


def _nearest(xy: np.ndarray) -> np.ndarray:
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return d.min(axis=1)


@pytest.fixture(scope="module")
def grouped(community):
    groups = neighbourhoods(community.people, public=True)
    return groups, compute_layouts(community.links, groups=groups)


def test_nobody_is_drawn_on_top_of_anyone(community, grouped):
    _, layouts = grouped
    for number, layout in layouts.items():
        xy = np.array(list(layout.values()))
        # The forces and the collision passes keep people at least most of MIN_GAP apart.
        assert _nearest(xy).min() > 0.75 * MIN_GAP, number


def test_sectors_form_neighbourhoods(community, grouped):
    groups, layouts = grouped
    keys = list(layouts[8])
    xy = np.array([layouts[8][k] for k in keys])
    label = np.array([groups[k] for k in keys])
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    near = np.argsort(d, axis=1)[:, :5]
    same = (label[near] == label[:, None]).mean()
    by_chance = sum((label == g).mean() ** 2 for g in set(label.tolist()))
    assert same > 3 * by_chance, (same, by_chance)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=2, max_size=60))
def test_nearest_distances_match_brute_force_below_the_cap(points):
    xy = np.array(points, dtype=float)
    found = nearest_distances(xy)
    exact = _nearest(xy)
    assert (found <= exact + 1e-9).all()
    # Exact wherever the true nearest is within the cap (the mean spacing) that it reports.
    below = exact < found.max() - 1e-9
    assert np.allclose(found[below], exact[below])


def test_lines_stay_longer_than_their_dots_in_the_first_round():
    """Round one drawn in the last round's frame (the gallery's case): every line shows."""
    community = synthetic_community(200, 6, seed=3)
    layouts = compute_layouts(community.links, groups=neighbourhoods(community.people, public=True))
    frame = layout_frame(*layouts.values())
    first = layouts[1]
    xy = np.array(list(first.values()))
    units = np.array(
        [np.hypot(*np.subtract(first[link.a], first[link.b])) for link in community.links
         if link.round_number == 1]
    )  # fmt: skip
    unit, base = dot_scale(xy, frame, SIZE, units)
    lengths = units * unit
    # Round one's people have one or two partners (a triad): dots of at most 1.4 times base
    # (the size grows with the root of the partners beyond one, against SIZE_SPREAD of them).
    assert 1 + (DOT_GROWTH - 1) * np.sqrt(1 / SIZE_SPREAD) < 1.4
    shown = lengths - 1.4 * base
    assert (shown > 0.4 * lengths).all(), (lengths.min(), base)
    assert lengths.min() > 12  # and the line is long enough to see its colour and dashes


def test_awaiting_answer_has_a_colour_no_sector_uses():
    pending = np.array(to_rgb(EDGE_STYLES["pending"].colour))
    for colour in CATEGORY_PALETTE:
        assert np.abs(np.array(to_rgb(colour)) - pending).sum() > 0.6, colour
    assert EDGE_STYLES["pending"].dashes != EDGE_STYLES["met"].dashes
    assert EDGE_STYLES["unconfirmed"].dashes not in ("solid", EDGE_STYLES["pending"].dashes)


def test_picture_is_1200_wide_and_the_legend_a_narrow_column(network):
    import xml.etree.ElementTree as ET

    svg = render_network(network.people, network.links, 3, public=True)
    root = ET.fromstring(svg)
    assert root.get("width").startswith("864pt")  # 1200 px at 100 dpi
    png = render_network(network.people, network.links, 3, public=True, fmt="png")
    assert png[16:24] == (SIZE[0]).to_bytes(4, "big") + (SIZE[1]).to_bytes(4, "big")


def test_title_and_size_key(network, read_svg):
    svg = read_svg(
        render_network(
            network.people,
            network.links,
            3,
            public=False,
            title="Scheme X: the network after round 3, March 2027",
        )
    )
    texts = {t for t, _ in svg.texts()}
    assert "Scheme X: the network after round 3, March 2027" in texts
    assert any(t.endswith("partners") for t, inside in svg.texts() if inside)


def test_a_person_with_more_partners_gets_a_bigger_dot(read_svg):
    people = [Person(i, "Arts" if i % 2 else "Health") for i in range(12)]
    links = [Link(0, i, n, "met") for n, i in enumerate(range(1, 9), start=1)]
    links += [Link(9, 10, 1, "met"), Link(10, 11, 2, "met")]
    svg = read_svg(render_network(people, links, 8, public=False))
    groups = {g.get("id") for g in svg.root.iter("{http://www.w3.org/2000/svg}g")}
    # Several size steps are drawn; the hub's is the largest.
    assert len({g for g in groups if g and g.startswith("nodes-")}) >= 3
