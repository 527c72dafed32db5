"""Time budgets from the brief, on this machine's size (2 cores): all layouts of 12 rounds plus
the last round's SVG and PNG under 2 s for 500 people and under 15 s for 10,000."""

from __future__ import annotations

import time

import pytest

from viz import compute_layouts, layout_frame, render_network
from viz.synthetic import synthetic_community


def _layouts_and_images(size: int) -> tuple[float, bytes, bytes]:
    community = synthetic_community(size, 12, seed=3)
    start = time.perf_counter()
    layouts = compute_layouts(community.links)
    frame = layout_frame(layouts[12])
    svg = render_network(
        community.people, community.links, 12, public=True, layout=layouts[12], frame=frame
    )
    png = render_network(
        community.people,
        community.links,
        12,
        public=True,
        fmt="png",
        layout=layouts[12],
        frame=frame,
    )
    return time.perf_counter() - start, svg, png


def test_a_community_of_500_renders_in_under_two_seconds(read_svg):
    seconds, svg, png = _layouts_and_images(500)
    assert seconds < 2.0
    assert read_svg(svg).node_count() > 400 and png.startswith(b"\x89PNG")


@pytest.mark.slow
def test_ten_thousand_people_render_in_under_fifteen_seconds(read_svg):
    seconds, svg, _ = _layouts_and_images(10_000)
    assert seconds < 15.0
    assert read_svg(svg).node_count() > 9000
