"""The animation, the share card and the connectivity numbers and chart, by content."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from viz import compute_layouts, layout_frame
from viz.animation import render_animation
from viz.card import render_card
from viz.connectivity import connectivity_by_round, render_connectivity


def _connectivity(network, rounds=(1, 2, 3)):
    sectors = {p.key: p.category for p in network.people}
    return connectivity_by_round(
        network.links, list(rounds), organisation_of=network.organisation, sector_of=sectors
    )


def test_connectivity_of_the_hand_made_network(network) -> None:
    one, two, three = _connectivity(network)
    # Round 1: only 1-2 met among six people; 1-2 and 5-6 cross sectors, 3-4 (Arts) does not.
    assert (one.people, one.largest_group_share) == (6, pytest.approx(2 / 6))
    assert one.organisations_met == pytest.approx(2 / 6)
    assert one.cross_sector_share == pytest.approx(2 / 3)
    # Round 2: met groups {1,2,3} and {4,6,7}, 5 alone; 7 has no sector, so two links are skipped.
    assert (two.people, two.largest_group_share) == (7, pytest.approx(3 / 7))
    assert two.organisations_met == pytest.approx(8 / 7)
    assert two.cross_sector_share == pytest.approx(1 / 3)
    # Round 3 (open): 5-8 met; pending and not-met links join no one.
    assert (three.people, three.largest_group_share) == (8, pytest.approx(3 / 8))
    assert three.organisations_met == pytest.approx(10 / 8)
    assert three.cross_sector_share == pytest.approx(1.0)


def test_connectivity_of_chosen_rounds_matches_all_rounds(network) -> None:
    every = _connectivity(network)
    chosen = _connectivity(network, rounds=(1, 3))
    assert chosen == [every[0], every[2]]


def test_connectivity_chart_has_a_point_per_round_and_no_keys(network, read_svg) -> None:
    svg = render_connectivity(_connectivity(network))
    doc = read_svg(svg)
    for line in ("largest_group", "cross_sector", "organisations_met"):
        assert doc.group(f"line-{line}") is not None
    for key in network.keys:
        assert str(key).encode() not in svg
    assert render_connectivity(_connectivity(network)) == svg, "same input, same bytes"


@pytest.fixture
def laid_out(network):
    layouts = compute_layouts(network.links)
    return layouts, layout_frame(*layouts.values())


def test_animation_is_a_frame_per_round_in_one_frame(network, laid_out, png_tools) -> None:
    layouts, frame = laid_out
    gif = render_animation(network.people, network.links, [1, 2, 3], layouts, frame, public=True)
    assert gif.startswith(b"GIF89a")
    with Image.open(BytesIO(gif)) as image:
        assert image.n_frames == 3 and image.size == (900, 720)
        assert image.info["loop"] == 0
        frames = []
        for i in range(3):
            image.seek(i)
            frames.append(np.asarray(image.convert("RGB"), dtype=float) / 255)
    _, red_mask = png_tools
    assert all(red_mask(f).sum() > 50 for f in frames), "red (did not meet) survives the palette"
    # People and lines only ever appear: every frame has more ink than the one before.
    ink = [int((f.min(axis=2) < 0.9).sum()) for f in frames]
    assert ink == sorted(ink) and ink[0] < ink[-1]
    again = render_animation(network.people, network.links, [1, 2, 3], layouts, frame, public=True)
    assert again == gif, "same input, same bytes"


def test_animation_needs_a_round(network, laid_out) -> None:
    layouts, frame = laid_out
    with pytest.raises(ValueError):
        render_animation(network.people, network.links, [], layouts, frame, public=True)


def test_card_is_1200_by_630_with_the_round_in_it(network, laid_out, png_tools) -> None:
    layouts, frame = laid_out

    def card():
        return render_card(
            network.people,
            network.links,
            2,
            layout=layouts[2],
            frame=frame,
            headline="Round 2",
            lines=["7 people took part"],
            public=True,
        )

    png = card()
    read_png, red_mask = png_tools
    pixels = read_png(png)
    assert pixels.shape[:2] == (630, 1200)
    assert red_mask(pixels[:, :800]).sum() > 50, "the round's picture, not-met lines and all"
    assert card() == png, "same input, same bytes"
