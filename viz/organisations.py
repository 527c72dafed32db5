"""Organisations (or sectors) and the conversations held between them: one node per group.

The person-level picture answers "who met whom"; this one answers "which parts of the community
talk to each other", and stays readable however many people there are. Nodes sit on a circle,
grouped by sector colour and then by size, so neighbouring arcs are related; a line between two
nodes is drawn as a curve bowed towards the centre and is as wide as the conversations held
(met links) between their people. Conversations inside one node are told in its label when the
labels have room (sector mode) and are not drawn.

With many organisations the lines are bundled (Holten's hierarchical edge bundling, one level):
a line from an organisation to another bends through its sector's anchor and the other's, so the
thousands of lines between two sectors' organisations run together as one cable whose thickness
is the sectors' traffic, while each still ends at its own organisation.

Why a circle rather than a force layout: with hundreds of organisations and lines between almost
every pair, a force layout is a ball; on a circle every node has its own place and label slot,
and a wide line between two arcs reads at once. At 500 nodes not every label fits: the largest
nodes are labelled first and a label is left out where it would collide with one already placed.

The caller decides what a node is (`group_of`: key -> node label); without it the nodes are the
people's categories, folded as in the network picture (a category with fewer than `min_category`
people in public is "Other"). The SVG has `<g id="ties">` (one path per pair of nodes, thickest
last), `<g id="nodes">` and `<g id="legend">`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path

from viz.canvas import Format, render
from viz.data import OUTCOMES, Link, LinkArrays, Person, as_link_arrays
from viz.network import PUBLIC_MIN_CATEGORY, neighbourhoods
from viz.style import EDGE_STYLES, OTHER_GREY, category_colours

OTHER_ORGANISATIONS = "Other organisations"
SIZE = (1200, 960)
LABEL_SLOT_PX = 12  # the least distance along the circle between two labels
MET = OUTCOMES.index("met")


def organisation_graph(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    *,
    group_of: Mapping[int, str] | None = None,
    public: bool = True,
    min_category: int = PUBLIC_MIN_CATEGORY,
) -> tuple[dict[str, tuple[int, str]], dict[tuple[str, str], int]]:
    """Nodes (label -> (people, colour)) and ties ((a, b) -> conversations held, a < b; a == b
    for conversations within one node), from the people in `links`."""
    people = list(people)
    table = as_link_arrays(links)
    sector = neighbourhoods(people, public=public, min_category=min_category)
    minimum = max(PUBLIC_MIN_CATEGORY, min_category) if public else 1
    colour_of = {
        label: colour for label, colour in category_colours(people, min_size=minimum).values()
    }
    linked = set(table.keys().tolist())
    node_of = {
        p.key: (sector[p.key] if group_of is None else group_of.get(p.key, OTHER_ORGANISATIONS))
        for p in people
        if p.key in linked
    }
    members: dict[str, Counter[str]] = defaultdict(Counter)
    for key, node in node_of.items():
        members[node][sector[key]] += 1
    nodes = {}
    for node, sectors in members.items():
        # An organisation takes the colour of the sector most of its people give.
        top = min(sectors.items(), key=lambda item: (-item[1], item[0]))[0]
        colour = OTHER_GREY if node == OTHER_ORGANISATIONS else colour_of.get(top, OTHER_GREY)
        nodes[node] = (sum(sectors.values()), colour)
    ties: Counter[tuple[str, str]] = Counter()
    met = table.outcome == MET
    for a, b in zip(table.a[met].tolist(), table.b[met].tolist(), strict=True):
        first, second = node_of.get(a), node_of.get(b)
        if first is not None and second is not None:
            ties[(min(first, second), max(first, second))] += 1
    return nodes, dict(ties)


def render_organisations(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    *,
    group_of: Mapping[int, str] | None = None,
    public: bool = True,
    min_category: int = PUBLIC_MIN_CATEGORY,
    fmt: Format = "svg",
    title: str | None = "Who talks to whom",
    subtitle: str | None = None,
    node_name: str = "Sector",
    size: tuple[int, int] = SIZE,
) -> bytes:
    """One node per organisation or sector on a circle, lines as wide as the conversations held."""
    people = list(people)
    nodes, ties = organisation_graph(
        people, links, group_of=group_of, public=public, min_category=min_category
    )
    minimum = max(PUBLIC_MIN_CATEGORY, min_category) if public else 1
    sectors = dict(category_colours(people, min_size=minimum).values())  # label -> colour
    colour_rank = {c: i for i, c in enumerate(dict.fromkeys(c for _, c in sorted(
        nodes.values(), key=lambda v: -v[0])))}  # fmt: skip
    order = sorted(
        nodes,
        key=lambda n: (n == OTHER_ORGANISATIONS, colour_rank[nodes[n][1]], -nodes[n][0], n),
    )
    count = len(order)
    angle = np.pi / 2 - 2 * np.pi * np.arange(count) / max(count, 1)
    where = {
        node: (float(np.cos(a)), float(np.sin(a))) for node, a in zip(order, angle, strict=True)
    }
    between = {pair: n for pair, n in ties.items() if pair[0] != pair[1]}
    within = {pair[0]: n for pair, n in ties.items() if pair[0] == pair[1]}
    held = sum(ties.values())
    if subtitle is None:
        kind = "organisations" if group_of is not None else "sectors"
        subtitle = (
            f"{held} conversations held; {count} {kind}; "
            "line width: conversations between them; dot size: people"
        )

    def draw(fig: Figure) -> None:
        width, height = size
        side = min(height - 90, 0.76 * width)
        ax = fig.add_axes((8 / width, 8 / height, side / width, side / height))
        ax.set_axis_off()
        reach = 1.45 if count > 16 else 2.0  # room for the labels outside the circle
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
        ax.set_aspect("equal")
        px_per_unit = side / (2 * reach)
        heaviest = max(between.values(), default=1)
        widest = _widest(len(between))
        line_pt = _widths(np.array(list(between.values()), dtype=float), heaviest, widest)
        anchor = _anchors(order, where, nodes) if group_of is not None else None
        paths = [_curve(where[a], where[b], anchor, a, b) for a, b in between]
        rank = np.argsort(line_pt, kind="stable")  # thickest last, on top
        ties_drawn = PathCollection(
            [paths[i] for i in rank],
            facecolors="none",
            edgecolors=EDGE_STYLES["met"].colour,
            linewidths=line_pt[rank],
            alpha=float(np.clip(np.sqrt(60 / max(len(paths), 1)), 0.04, 0.7)),
            zorder=1,
        )
        ties_drawn.set_gid("ties")
        ax.add_collection(ties_drawn, autolim=False)
        biggest = max((n for n, _ in nodes.values()), default=1)
        slot_px = 2 * np.pi * px_per_unit / max(count, 1)
        largest_px = float(np.clip(0.85 * slot_px, 5, 46))
        diameters = np.array([max(4.0, largest_px * np.sqrt(nodes[n][0] / biggest)) for n in order])
        xy = np.array([where[n] for n in order]).reshape(-1, 2)
        dots = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(diameters * 0.72) ** 2,
            c=[nodes[n][1] for n in order],
            edgecolors="white",
            linewidths=0.8,
            zorder=3,
        )
        dots.set_gid("nodes")
        _labels(ax, order, where, nodes, within, px_per_unit, diameters, sectors=group_of is None)
        fig.text(8 / width, 1 - 26 / height, title or "", fontsize=18, fontweight="bold",
                 va="center")  # fmt: skip
        fig.text(8 / width, 1 - 56 / height, subtitle, fontsize=11, va="center", color="#444444")
        used = {colour for _, colour in nodes.values()}
        # Organisations are coloured by their sector: the legend names the sectors shown.
        keys = [(label, c) for label, c in sectors.items() if c in used] if group_of else []
        _legend(
            fig, keys, heaviest, widest, biggest, largest_px, node_name, left=(side + 24) / width
        )

    return render(draw, size=size, fmt=fmt, title=title)


def _widest(ties: int) -> float:
    """The widest line, in points: thinner as lines multiply, so they never merge into a mat."""
    return float(np.clip(9.0 * np.sqrt(60 / max(ties, 1)), 1.2, 9.0))


def _widths(counts: np.ndarray, heaviest: float, widest: float) -> np.ndarray:
    """Line widths in points, a square-root scale from a hairline (one conversation) to `widest`."""
    return 0.2 + (widest - 0.2) * np.sqrt(counts / max(heaviest, 1.0))


def _anchors(order, where, nodes) -> dict[str, tuple[float, float]]:
    """Each node's bundling point: its colour group's mean direction, half-way to the centre."""
    groups: dict[str, list[str]] = defaultdict(list)
    for node in order:
        groups[nodes[node][1]].append(node)
    anchor = {}
    for members in groups.values():
        x = float(np.mean([where[n][0] for n in members]))
        y = float(np.mean([where[n][1] for n in members]))
        length = max(float(np.hypot(x, y)), 1e-9)
        point = (0.5 * x / length, 0.5 * y / length)
        anchor.update({n: point for n in members})
    return anchor


def _curve(a, b, anchor, first: str, second: str) -> Path:
    """From a to b bowed towards the centre, through the two nodes' anchors when bundling."""
    if anchor is None:
        control = ((a[0] + b[0]) * 0.25, (a[1] + b[1]) * 0.25)
        return Path([a, control, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4]
    return Path([a, anchor[first], anchor[second], b], codes)


def _labels(ax, order, where, nodes, within, px_per_unit, diameters, *, sectors: bool) -> None:
    """Labels outside the circle, largest nodes first, none closer than LABEL_SLOT_PX."""
    count = len(order)
    slot = LABEL_SLOT_PX / px_per_unit  # in units along the unit circle
    fontsize = 11 if count <= 16 else float(np.clip(LABEL_SLOT_PX * 0.72, 6, 9))
    placed: list[float] = []
    angle_of = {n: float(np.arctan2(where[n][1], where[n][0])) for n in order}
    for index in sorted(range(count), key=lambda i: (-nodes[order[i]][0], order[i])):
        node = order[index]
        theta = angle_of[node]
        if count > 16 and any(abs(np.angle(np.exp(1j * (theta - t)))) < slot for t in placed):
            continue
        placed.append(theta)
        gap = 1.0 + (diameters[index] / 2 + 6) / px_per_unit
        x, y = gap * np.cos(theta), gap * np.sin(theta)
        text = node
        if sectors:
            text = f"{node}\n{nodes[node][0]} people, {within.get(node, 0)} within"
        if count <= 16:
            ax.text(x, y, text, fontsize=fontsize, ha="left" if x >= -1e-9 else "right",
                    va="center", zorder=4)  # fmt: skip
        else:
            degrees = np.degrees(theta)
            flip = abs(degrees) > 90
            ax.text(x, y, text, fontsize=fontsize, rotation=degrees + (180 if flip else 0),
                    rotation_mode="anchor", ha="right" if flip else "left", va="center",
                    zorder=4)  # fmt: skip


def _legend(fig, keys, heaviest, widest, biggest, largest_px, node_name, *, left: float) -> None:
    rows: list[tuple[Line2D, str]] = []
    for label, colour in keys:
        rows.append((Line2D([], [], linestyle="none", marker="o", markersize=9,
                            markerfacecolor=colour, markeredgecolor="white"), label))  # fmt: skip
    samples = sorted({1, max(1, round(heaviest / 4)), int(heaviest)})
    for n in samples:
        width = float(_widths(np.array([n], dtype=float), heaviest, widest)[0])
        label = f"{n} conversation{'s' if n != 1 else ''}"
        rows.append((Line2D([], [], color=EDGE_STYLES["met"].colour, linewidth=width), label))
    people = sorted({max(1, round(biggest / 4)), biggest})
    for n in people:
        diameter = max(4.0, largest_px * np.sqrt(n / biggest)) * 0.72
        rows.append((Line2D([], [], linestyle="none", marker="o", markersize=diameter,
                            markerfacecolor="#999999", markeredgecolor="white"),
                     f"{n} people"))  # fmt: skip
    legend = fig.legend(
        handles=[h for h, _ in rows],
        labels=[t for _, t in rows],
        loc="upper left",
        bbox_to_anchor=(left, 1 - 90 / (fig.get_figheight() * fig.dpi)),
        frameon=False,
        fontsize=12,
        title=f"{node_name}s" if keys else "Key",
        title_fontproperties={"weight": "bold", "size": 12},
        alignment="left",
        labelspacing=0.9,
        handlelength=3,
    )
    legend.set_gid("legend")
