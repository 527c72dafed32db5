"""The network PNG, read back as pixels: its size, and red exactly where links did not happen."""

from __future__ import annotations

from viz import render_network
from viz.data import Link, Person
from viz.network import AXES_BOX

PEOPLE = [
    Person(i, c) for i, c in enumerate(["Arts", "Health", "Arts", "Health", "Arts", "Health"])
]


def drawing_area(image):
    """The pixels of the network drawing, legend excluded (the legend shows a red sample line)."""
    height, width = image.shape[:2]
    left, bottom, w, h = AXES_BOX
    return image[
        int(height * (1 - bottom - h)) : int(height * (1 - bottom)), : int(width * (left + w))
    ]


def test_png_has_the_requested_size(network, png_tools):
    read_png, _ = png_tools
    image = read_png(render_network(network.people, network.links, 3, public=True, fmt="png"))
    assert image.shape[:2] == (960, 1200)  # 1200 wide: a blog's full-width picture
    image = read_png(
        render_network(network.people, network.links, 3, public=True, fmt="png", size=(400, 300))
    )
    assert image.shape[:2] == (300, 400)


def test_red_only_where_a_meeting_did_not_happen(png_tools):
    read_png, red_mask = png_tools
    all_met = [Link(0, 1, 1, "met"), Link(2, 3, 1, "unconfirmed"), Link(4, 5, 1, "pending")]
    image = read_png(render_network(PEOPLE, all_met, 1, public=False, fmt="png"))
    assert red_mask(image).sum() == 0
    one_not_met = [Link(0, 1, 1, "met"), Link(2, 3, 1, "not_met"), Link(4, 5, 1, "pending")]
    image = read_png(render_network(PEOPLE, one_not_met, 1, public=False, fmt="png"))
    assert red_mask(drawing_area(image)).sum() > 50


def test_earlier_not_met_links_stay_red(png_tools):
    read_png, red_mask = png_tools
    links = [Link(0, 1, 1, "not_met"), Link(2, 3, 2, "met"), Link(4, 5, 2, "met")]
    image = read_png(render_network(PEOPLE, links, 2, public=False, fmt="png"))
    assert red_mask(drawing_area(image)).sum() > 10


def test_red_grows_with_the_number_of_not_met_links(network, png_tools):
    read_png, red_mask = png_tools
    red = [
        red_mask(
            drawing_area(
                read_png(
                    render_network(network.people, network.links, upto, public=True, fmt="png")
                )
            )
        ).sum()
        for upto in (1, 2)
    ]
    assert red[1] > red[0] > 0
