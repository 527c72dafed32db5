"""The network SVG, read by content: how many lines of each outcome, which are emphasised, what
text appears where, and that public images carry no keys and are byte-identical for equal input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from viz import category_colours, compute_layouts, layout_frame, render_network, render_rounds
from viz.data import Link, Person
from viz.layout import MIN_GAP, NEXT_ITERATIONS, OLD_STEP
from viz.network import AXES_BOX, SIZE, neighbourhoods

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("upto", "expected"),
    [
        (1, {"met": 1, "not_met": 1, "unconfirmed": 1, "pending": 0}),
        (2, {"met": 4, "not_met": 3, "unconfirmed": 1, "pending": 0}),
        (3, {"met": 5, "not_met": 4, "unconfirmed": 1, "pending": 2}),
    ],
)
def test_lines_per_outcome_are_the_cumulative_links(network, read_svg, upto, expected):
    svg = read_svg(render_network(network.people, network.links, upto, public=True))
    assert {outcome: svg.edge_count(outcome) for outcome in expected} == expected


def test_red_lines_per_round(network, read_svg):
    svg = read_svg(render_network(network.people, network.links, 3, public=True))
    assert [svg.edge_count("not_met", r) for r in (1, 2, 3)] == [1, 2, 1]
    assert all(s["stroke"] == "#d62728" for s in svg.styles("edges-r2-not_met"))
    assert not any(s["stroke"] == "#d62728" for s in svg.styles("edges-r2-met"))


def test_current_round_is_wider_and_on_top(network, read_svg):
    svg = read_svg(render_network(network.people, network.links, 2, public=True))
    current = {float(s["stroke-width"]) for s in svg.styles("edges-r2-met")}
    earlier = {float(s["stroke-width"]) for s in svg.styles("edges-r1-met")}
    assert min(current) > 2 * max(earlier)
    ids = svg.ids()
    assert max(ids.index(g) for g in ids if g.startswith("edges-r1-")) < min(
        ids.index(g) for g in ids if g.startswith("edges-r2-")
    )
    assert svg.edge_count("met", 2) == 3  # the triad's two met links and one pair


def test_pending_and_unconfirmed_are_dashed(network, read_svg):
    svg = read_svg(render_network(network.people, network.links, 3, public=True))
    assert all("stroke-dasharray" in s for s in svg.styles("edges-r3-pending"))
    assert all("stroke-dasharray" in s for s in svg.styles("edges-r1-unconfirmed"))
    assert not any("stroke-dasharray" in s for s in svg.styles("edges-r1-met"))


def test_only_people_present_by_the_round_are_drawn(network, read_svg):
    assert read_svg(render_network(network.people, network.links, 1, public=True)).node_count() == 6
    assert read_svg(render_network(network.people, network.links, 2, public=True)).node_count() == 7
    assert read_svg(render_network(network.people, network.links, 3, public=True)).node_count() == 8
    # Someone signed up but not yet paired is drawn when the service says they are present.
    extra = network.keys[7]
    svg = read_svg(render_network(network.people, network.links, 2, public=True, present={extra}))
    assert svg.node_count() == 8


def test_public_svg_has_no_keys_anywhere(network, read_svg):
    layouts = compute_layouts(network.links)
    for upto in (1, 2, 3):
        data = render_network(
            network.people, network.links, upto, public=True, layout=layouts[upto]
        )
        for key in network.keys:
            assert str(key).encode() not in data
        for prefix in {str(key)[:6] for key in network.keys}:
            assert prefix.encode() not in data


def test_categories_appear_only_in_the_legend(network, read_svg):
    svg = read_svg(render_network(network.people, network.links, 3, public=False))
    texts = svg.texts()
    labels = {"Health", "Charity", "Arts", "Not given"}
    assert labels <= {text for text, _ in texts}
    assert all(in_legend for text, in_legend in texts if text in labels)
    rest = svg.without_legend()
    assert not any(label in rest for label in labels)


def test_public_folds_small_categories_into_other(network, read_svg):
    # Health and Charity have two people each: a colour of their own would point at them.
    public = {
        t
        for t, _ in read_svg(render_network(network.people, network.links, 3, public=True)).texts()
    }
    assert "Arts" in public and "Other" in public
    assert not {"Health", "Charity"} & public
    organiser = {
        t
        for t, _ in read_svg(render_network(network.people, network.links, 3, public=False)).texts()
    }
    assert {"Health", "Charity", "Arts"} <= organiser


def test_labels_are_for_organisers_only(network):
    labels = {network.keys[0]: "Ada Canary"}
    organiser = render_network(network.people, network.links, 3, public=False, labels=labels)
    assert b"Ada Canary" in organiser
    with pytest.raises(ValueError, match="public"):
        render_network(network.people, network.links, 3, public=True, labels=labels)


def test_no_date_or_version_in_output(network):
    svg = render_network(network.people, network.links, 3, public=True)
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg and b"matplotlib.org" not in svg
    png = render_network(network.people, network.links, 3, public=True, fmt="png")
    assert b"Software" not in png and b"Matplotlib" not in png


def test_svg_is_byte_identical_across_processes(network):
    here = render_network(network.people, network.links, 3, public=True)
    script = (
        "import hashlib\n"
        "from tests.viz.conftest import small\n"
        "from viz import render_network\n"
        "n = small()\n"
        "for fmt in ('svg', 'png'):\n"
        "    data = render_network(n.people, n.links, 3, public=True, fmt=fmt)\n"
        "    print(hashlib.sha256(data).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    png = render_network(network.people, network.links, 3, public=True, fmt="png")
    assert out == [hashlib.sha256(here).hexdigest(), hashlib.sha256(png).hexdigest()]


def test_title_is_the_given_one_or_the_round(network, read_svg):
    svg = read_svg(render_network(network.people, network.links, 2, public=True))
    assert "Round 2" in {t for t, _ in svg.texts()}
    assert "<title>Round 2</title>" in svg.text
    svg = read_svg(render_network(network.people, network.links, 2, public=True, title="Spring"))
    assert "Spring" in {t for t, _ in svg.texts()}


def test_layout_must_cover_everyone(network):
    with pytest.raises(ValueError, match="layout"):
        render_network(
            network.people, network.links, 3, public=True, layout={network.keys[0]: (0, 0)}
        )


def test_empty_round_renders(read_svg):
    svg = read_svg(render_network([Person(1, "A")], [], 1, public=True))
    assert svg.node_count() == 0 and svg.edge_count("met") == 0


def test_unknown_format_is_refused(network):
    with pytest.raises(ValueError, match="fmt"):
        render_network(network.people, network.links, 1, public=True, fmt="gif")  # type: ignore[arg-type]


def test_link_rejects_bad_values():
    with pytest.raises(ValueError):
        Link(1, 1, 1, "met")
    with pytest.raises(ValueError):
        Link(1, 2, 0, "met")
    with pytest.raises(ValueError):
        Link(1, 2, 1, "maybe")  # type: ignore[arg-type]


def test_output_depends_on_keys_only_through_the_picture(network):
    """Renaming everyone (in an order-scrambling way) with the same positions gives the same bytes:
    neither key values nor their order can be read from the file."""
    layout = compute_layouts(network.links)[3]
    rename = {key: 10 + (key * 7919) % 1000 for key in network.keys}
    assert sorted(rename, key=rename.get) != sorted(rename)
    people = [Person(rename[p.key], p.category) for p in network.people]
    # Also in another order, each pair the other way round: the service's row order is not ours.
    links = [Link(rename[x.b], rename[x.a], x.round_number, x.outcome) for x in network.links][::-1]
    moved = {rename[key]: xy for key, xy in layout.items()}
    for fmt in ("svg", "png"):
        original = render_network(
            network.people, network.links, 3, public=True, fmt=fmt, layout=layout
        )
        renamed = render_network(people, links, 3, public=True, fmt=fmt, layout=moved)
        assert original == renamed


def test_gallery_shares_one_frame_so_people_stay_put(community, read_svg):
    images = render_rounds(community.people, community.links, public=True)
    assert sorted(images) == list(range(1, 9))
    # Early rounds, whose own frames would differ most from the shared one.
    before, after = read_svg(images[2]).dots(), read_svg(images[3]).dots()
    # Every dot of round 2 has a dot of round 3 no further than an old person may drift in a
    # round (OLD_STEP per iteration), in the points of this shared frame: nobody jumps.
    groups = neighbourhoods(community.people, public=True)
    xmin, xmax, _, _ = layout_frame(*compute_layouts(community.links, groups=groups).values())
    points_per_unit = AXES_BOX[2] * SIZE[0] * 0.72 / (xmax - xmin)
    drift = (OLD_STEP * NEXT_ITERATIONS + MIN_GAP / 2) * points_per_unit
    nearest = np.sqrt(((before[:, None, :] - after[None, :, :]) ** 2).sum(-1)).min(axis=1)
    assert nearest.max() <= drift + 0.01
    # Drawn with separately fitted frames instead, the same people land elsewhere.
    alone = read_svg(render_network(community.people, community.links, 2, public=True)).dots()
    moved = np.sqrt(((alone[:, None, :] - after[None, :, :]) ** 2).sum(-1)).min(axis=1)
    assert np.median(moved) > 2 * np.median(nearest)


def test_category_colours_are_stable_and_fold_small_groups():
    people = [Person(i, "Big") for i in range(5)] + [Person(10, "Small"), Person(11, None)]
    organiser = category_colours(people)
    public = category_colours(people, min_size=3)
    assert organiser["Big"] == public["Big"]
    assert organiser["Small"][0] == "Small" and organiser[None][0] == "Not given"
    assert public["Small"][0] == "Other" and public[None][0] == "Other"
    assert public["Small"][1] == public[None][1]
    # Adding people to a smaller category does not recolour the bigger ones.
    more = [*people, *(Person(20 + i, "Middle") for i in range(3))]
    assert category_colours(more)["Big"] == organiser["Big"]


def test_renders_are_identical_when_made_in_parallel_threads(network):
    from concurrent.futures import ThreadPoolExecutor

    def one(fmt: str) -> bytes:
        return render_network(network.people, network.links, 3, public=True, fmt=fmt)

    expected = {fmt: one(fmt) for fmt in ("svg", "png")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one, ["svg", "png"] * 6))
    assert all(
        result == expected[fmt] for result, fmt in zip(results, ["svg", "png"] * 6, strict=True)
    )


def test_someone_missing_from_people_is_folded_in_public(network, read_svg):
    stranger = 4242
    svg = read_svg(
        render_network(network.people, network.links, 3, public=True, present={stranger})
    )
    assert "Not given" not in {t for t, _ in svg.texts()} and svg.node_count() == 9
