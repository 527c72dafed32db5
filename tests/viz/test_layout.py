"""The layout: deterministic, stable from round to round, newcomers beside their partners, and
the grid approximation of repulsion close to the exact sum."""

from __future__ import annotations

import numpy as np
import pytest

from viz import compute_layouts, grow_layout, layout_frame, layout_stability
from viz.data import LinkArrays
from viz.layout import (
    MIN_GAP,
    NEXT_ITERATIONS,
    OLD_STEP,
    _exact_repulsion,
    _MeshRepulsion,
)


@pytest.fixture(scope="module")
def layouts(community):
    return compute_layouts(community.links)


def test_same_input_same_positions(community, layouts):
    again = compute_layouts(community.links)
    assert again == layouts
    other = compute_layouts(community.links, seed=1)
    assert other[8] != layouts[8]


def test_each_round_holds_exactly_the_people_linked_by_then(community, layouts):
    table = LinkArrays.of(community.links)
    for number, layout in layouts.items():
        assert sorted(layout) == table.upto(number).keys().tolist()


def test_present_people_are_placed(network):
    extra = 123
    layouts = compute_layouts(network.links, present={2: [extra]})
    assert extra not in layouts[1] and extra in layouts[2] and extra in layouts[3]


def test_consecutive_rounds_move_little_compared_with_fresh_layouts(community, layouts):
    for number in range(2, 9):
        before = layouts[number - 1]
        grown = layout_stability(before, layouts[number])
        fresh = layout_stability(before, grow_layout(None, community.links, number, seed=99))
        assert grown < 0.035, (number, grown)
        assert fresh > 8 * grown, (number, grown, fresh)


def test_old_people_drift_by_a_bounded_step(layouts):
    for number in range(2, 9):
        shared = sorted(set(layouts[number - 1]) & set(layouts[number]))
        old = np.array([layouts[number - 1][k] for k in shared])
        new = np.array([layouts[number][k] for k in shared])
        # The forces move them by OLD_STEP per iteration; collisions by half MIN_GAP in all.
        bound = OLD_STEP * NEXT_ITERATIONS + MIN_GAP / 2
        assert np.linalg.norm(new - old, axis=1).max() <= bound + 1e-9


def test_grow_layout_continues_a_cached_round(community, layouts):
    assert grow_layout(layouts[4], community.links, 5) == layouts[5]


def test_newcomers_start_beside_their_partners(community, layouts):
    table = LinkArrays.of(community.links)
    final = layouts[8]
    rng = np.random.default_rng(0)
    keys = np.array(sorted(final))
    random_pairs = rng.choice(keys, (2000, 2))
    typical = np.median([np.hypot(*np.subtract(final[a], final[b])) for a, b in random_pairs])
    distances = []
    for number in range(2, 9):
        now = table.round_number == number
        for a, b in zip(table.a[now].tolist(), table.b[now].tolist(), strict=True):
            if (a in layouts[number - 1]) != (b in layouts[number - 1]):
                layout = layouts[number]
                distances.append(np.hypot(*np.subtract(layout[a], layout[b])))
    assert len(distances) > 50
    assert np.median(distances) < 0.25 * typical


def test_partners_are_closer_than_strangers(community, layouts):
    final = layouts[8]
    table = LinkArrays.of(community.links)
    linked = np.median(
        [np.hypot(*np.subtract(final[a], final[b])) for a, b in zip(table.a, table.b, strict=True)]
    )
    keys = np.array(sorted(final))
    pairs = np.random.default_rng(1).choice(keys, (2000, 2))
    strangers = np.median([np.hypot(*np.subtract(final[a], final[b])) for a, b in pairs])
    assert linked < 0.8 * strangers


def test_a_lone_pair_settles_about_one_unit_apart():
    from viz.data import Link

    layout = compute_layouts([Link(1, 2, 1, "met")])[1]
    assert 0.5 < np.hypot(*np.subtract(layout[1], layout[2])) < 2.0


@pytest.mark.parametrize("n", [400, 3000])
def test_grid_repulsion_approximates_the_exact_sum(n):
    rng = np.random.default_rng(n)
    # Roughly the density the layout settles at: two square units per person.
    xy = rng.uniform(-1, 1, (n, 2)) * np.sqrt(n * 2) / 2
    exact = _exact_repulsion(xy)
    grid = _MeshRepulsion()(xy)
    error = np.linalg.norm(grid - exact, axis=1).mean() / np.linalg.norm(exact, axis=1).mean()
    assert error < 0.12


def test_stability_metric():
    before = {1: (0.0, 0.0), 2: (3.0, 4.0), 3: (1.0, 1.0)}
    assert layout_stability(before, before) == 0.0
    shifted = {k: (x + 0.5, y) for k, (x, y) in before.items()}
    assert layout_stability(before, shifted) == pytest.approx(0.5 / 5.0)
    assert layout_stability(before, {9: (0.0, 0.0)}) == 0.0


def test_frame_is_square_and_holds_every_layout(layouts):
    xmin, xmax, ymin, ymax = layout_frame(layouts[3], layouts[8])
    assert xmax - xmin == pytest.approx(ymax - ymin)
    for layout in (layouts[3], layouts[8]):
        xy = np.array(list(layout.values()))
        assert xy[:, 0].min() >= xmin and xy[:, 0].max() <= xmax
        assert xy[:, 1].min() >= ymin and xy[:, 1].max() <= ymax


def test_newcomers_are_placed_by_their_placed_partners_or_on_the_rim():
    from viz.layout import _place_newcomers

    rng = np.random.default_rng(0)
    # 0..3 are placed; 4 is linked to 0 and 1, 5 to 4 only (placed in a second pass), 6-7 only
    # to each other (nobody placed to start from: the rim).
    xy = np.zeros((8, 2))
    xy[:4] = [(10, 0), (10, 2), (-10, 0), (-10, 2)]
    old = np.array([True] * 4 + [False] * 4)
    edges = np.array([(0, 4), (1, 4), (4, 5), (6, 7)])
    _place_newcomers(xy, old, edges, rng)
    assert np.hypot(*(xy[4] - (10, 1))) < 2.5
    assert np.hypot(*(xy[5] - xy[4])) < 2.5
    radius = np.hypot(xy[6:, 0], xy[6:, 1])
    assert (radius > 1.0).all()
    assert (xy[:4] == [(10, 0), (10, 2), (-10, 0), (-10, 2)]).all()


def test_row_order_of_links_does_not_matter(community, layouts):
    shuffled = list(community.links)
    np.random.default_rng(5).shuffle(shuffled)
    assert compute_layouts(shuffled) == layouts
