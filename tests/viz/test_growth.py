"""Growth and outcomes charts: rounds marked, bars present per round and in proportion."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from viz.data import OUTCOMES, GrowthPoint, RoundMark, RoundOutcomes
from viz.growth import render_growth, render_outcomes

START = date(2024, 1, 1)
POINTS = [GrowthPoint(START + timedelta(days=7 * i), 40 + 10 * i, 30 + 6 * i) for i in range(12)]
ROUNDS = [RoundMark(n, START + timedelta(days=14 * n), 0.5 + 0.05 * n) for n in range(1, 6)]


def test_growth_marks_every_round(read_svg):
    svg = read_svg(render_growth(POINTS, ROUNDS))
    ids = set(svg.ids())
    assert {f"round-{n}" for n in range(1, 6)} <= ids
    assert "round-6" not in ids
    assert {"line-signed_up", "line-active", "line-met_rate"} <= ids
    assert {"R1", "R5", "Signed up", "Active", "Met rate"} <= {t for t, _ in svg.texts()}


def test_growth_without_rates_has_no_rate_axis(read_svg):
    marks = [RoundMark(m.number, m.day) for m in ROUNDS]
    svg = read_svg(render_growth(POINTS, marks))
    assert "line-met_rate" not in svg.ids() and "Met rate" not in {t for t, _ in svg.texts()}


def test_an_open_rounds_rate_is_drawn_apart_as_provisional(read_svg):
    marks = [*ROUNDS[:-1], RoundMark(5, ROUNDS[-1].day, 0.95, provisional=True)]
    svg = read_svg(render_growth(POINTS, marks))
    ids = set(svg.ids())
    assert "met_rate-provisional-r5" in ids and "met_rate-provisional-r4" not in ids
    line = svg.group("line-met_rate")
    (path,) = [e for e in line if e.tag.endswith("path")]  # the line, not a marker's <defs>
    # Four final rates on the line; the open round's is a point of its own.
    assert len(re.findall(r"[ML] ", path.get("d"))) == 4
    assert "Met rate so far (round open)" in {t for t, _ in svg.texts()}


def _counted(links) -> list[RoundOutcomes]:
    """The caller's counts (here one per link), as viz is given them."""
    counts = Counter((link.round_number, link.outcome) for link in links)
    numbers = sorted({number for number, _ in counts})
    return [
        RoundOutcomes(number, **{o: counts[(number, o)] for o in OUTCOMES}) for number in numbers
    ]


def test_growth_png_decodes(png_tools):
    read_png, _ = png_tools
    image = read_png(render_growth(POINTS, ROUNDS, fmt="png", size=(600, 300)))
    assert image.shape[:2] == (300, 600)


def test_growth_is_deterministic():
    assert render_growth(POINTS, ROUNDS) == render_growth(list(reversed(POINTS)), ROUNDS)


def test_empty_growth_renders():
    assert render_growth([], []).startswith(b"<?xml")


def _bar_height(svg, gid: str) -> float:
    group = svg.group(gid)
    assert group is not None, gid
    (path,) = [e for e in group.iter() if e.tag.endswith("path")]
    ys = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", path.get("d"))]
    return max(ys) - min(ys)


def test_outcome_bars_per_round_in_proportion(network, read_svg):
    svg = read_svg(render_outcomes(_counted(network.links)))
    ids = set(svg.ids())
    assert {"bars-met-r1", "bars-not_met-r1", "bars-unconfirmed-r1", "bars-pending-r3"} <= ids
    # Round 2: 3 of 5 links met, 2 did not.
    assert _bar_height(svg, "bars-met-r2") / _bar_height(svg, "bars-not_met-r2") == pytest.approx(
        1.5, rel=1e-3
    )
    # Round 3: 2 pending of 4 links, round 1: thirds.
    assert _bar_height(svg, "bars-pending-r3") == pytest.approx(
        2 * _bar_height(svg, "bars-met-r3"), rel=1e-3
    )
    assert _bar_height(svg, "bars-met-r1") == pytest.approx(
        _bar_height(svg, "bars-unconfirmed-r1"), rel=1e-3
    )


def test_outcome_bars_stack_to_the_same_height(network, read_svg):
    svg = read_svg(render_outcomes(_counted(network.links)))
    spans = {}
    for number, outcomes in ((1, ("met", "not_met", "unconfirmed")), (2, ("met", "not_met"))):
        ys = []
        for outcome in outcomes:
            group = svg.group(f"bars-{outcome}-r{number}")
            (path,) = [e for e in group.iter() if e.tag.endswith("path")]
            found = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", path.get("d"))]
            ys.append((min(found), max(found)))
        ys.sort()
        # Each bar starts where the one below it ends: stacked, not overlapping.
        assert all(a[1] == pytest.approx(b[0], abs=1e-3) for a, b in itertools.pairwise(ys))
        spans[number] = (ys[0][0], ys[-1][1])
    assert spans[1] == pytest.approx(spans[2], abs=1e-3)


def test_outcome_bars_red_only_for_not_met(network, png_tools):
    read_png, red_mask = png_tools
    from viz.data import Link

    met_only = [Link(1, 2, 1, "met"), Link(3, 4, 2, "unconfirmed")]
    assert red_mask(read_png(render_outcomes(_counted(met_only), fmt="png"))).sum() == 0
    assert red_mask(read_png(render_outcomes(_counted(network.links), fmt="png"))).sum() > 500


def test_an_open_rounds_bar_is_marked_so_far(read_svg):
    rounds = [
        RoundOutcomes(1, met=3, not_met=1),
        RoundOutcomes(2, met=2, pending=5, provisional=True),
    ]
    svg = read_svg(render_outcomes(rounds))
    ids = set(svg.ids())
    assert "provisional-r2" in ids and "provisional-r1" not in ids
    assert {"4", "7 so far"} <= {t for t, _ in svg.texts()}


def test_growth_keeps_one_measure_per_axis_and_labels_the_top(read_svg):
    svg = read_svg(render_growth(POINTS, ROUNDS))
    texts = {t for t, _ in svg.texts()}
    last = max(POINTS, key=lambda p: p.day)
    # The last (top) values are written on the chart, not left to be read off the ticks.
    assert f"{last.signed_up:,} signed up" in texts and f"{last.active:,} active" in texts
    # The met rate has its own panel: two y-axes labelled, one measure each, no twin axis.
    assert {"People", "Met rate"} <= texts
    axes = [g for g in svg.ids() if g.startswith("axes_")]
    assert len(axes) == 2
