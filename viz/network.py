"""The network picture of a round: people as dots, the groups of every round so far as lines.

Lines are coloured by outcome (met, did not meet in red, not confirmed dashed, awaiting answer
dotted); the round being shown is drawn on top, wider. Everything is drawn as one `LineCollection`
per (round, outcome) and one `scatter` per category, so 10,000 people and their links are a few
dozen artists rather than tens of thousands of draw calls.

The SVG has a structure the service and the tests can rely on, without any person data in it:
each collection is a `<g id="edges-r{round}-{outcome}">` holding one `<path>` per link, the dots are
in `<g id="nodes-{i}">` (i: the category's place in the legend), the legend in `<g id="legend">`.
Within a group, lines and dots are ordered by position, not by key, so not even the order of
elements tells anything about who is who.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from viz.canvas import Format, render
from viz.data import OUTCOMES, Link, LinkArrays, Person, as_link_arrays, present_keys
from viz.layout import compute_layouts, layout_frame, square_frame
from viz.style import (
    CURRENT_ALPHA,
    CURRENT_WIDTH_FACTOR,
    EDGE_STYLES,
    NOT_GIVEN,
    NOT_GIVEN_GREY,
    category_colours,
    with_overrides,
)

#: In public images a category with fewer people than this is shown as "Other".
PUBLIC_MIN_CATEGORY = 3
FADE_FROM_LINKS = 2000
AXES_BOX = (0.01, 0.01, 0.72, 0.90)  # left, bottom, width, height of the drawing, in figure units


def render_network(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    upto_round: int,
    *,
    public: bool,
    fmt: Format = "svg",
    layout: Mapping[int, tuple[float, float]] | None = None,
    frame: tuple[float, float, float, float] | None = None,
    present: Collection[int] = (),
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    labels: Mapping[int, str] | None = None,
    size: tuple[int, int] = (900, 720),
    seed: int = 0,
    min_category: int = PUBLIC_MIN_CATEGORY,
) -> bytes:
    """SVG or PNG of the cumulative network after `upto_round`, that round's links emphasised.

    In a public image a category shared by fewer than `min_category` of `people` (never fewer
    than PUBLIC_MIN_CATEGORY) is shown as "Other": a rare free-text sector can name someone.
    """
    if public and labels:
        raise ValueError("public images carry no labels for people")
    people = list(people)
    table = as_link_arrays(links).upto(upto_round)
    keys = present_keys(table, upto_round, present)
    if layout is None:
        extra = {upto_round: present} if present else None
        layout = compute_layouts(table, upto_round, present=extra, seed=seed)[upto_round]
    missing = [int(k) for k in keys if int(k) not in layout]
    if missing:
        raise ValueError(f"the layout lacks {len(missing)} of the people in round {upto_round}")
    xy = np.array([layout[int(k)] for k in keys], dtype=float).reshape(-1, 2)
    category_of = {person.key: person.category for person in people}
    # Someone drawn but missing from `people` counts as having no category, folding included.
    people += [Person(k, None) for k in keys.tolist() if k not in category_of]
    palette = with_overrides(
        category_colours(people, min_size=max(PUBLIC_MIN_CATEGORY, min_category) if public else 1),
        colours,
    )
    if title is None:
        title = f"Round {upto_round}"

    def draw(fig: Figure) -> None:
        ax = fig.add_axes(AXES_BOX)
        ax.set_axis_off()
        box = frame or square_frame(xy)
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal", adjustable="box")
        unit = _pixels_per_unit(fig, box)
        outcomes_drawn = _draw_links(ax, table, keys, xy, upto_round, unit)
        categories_drawn = _draw_people(ax, keys, xy, category_of, palette, unit)
        if labels:
            for key, (x, y) in zip(keys.tolist(), xy.tolist(), strict=True):
                if key in labels:
                    ax.annotate(
                        labels[key], (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points"
                    )
        fig.text(0.01, 0.965, title, fontsize=15, fontweight="bold", va="center")
        if upto_round > 1 and len(table):
            fig.text(
                0.01,
                0.925,
                f"Thick lines: round {upto_round}; thin lines: earlier rounds",
                fontsize=9,
                va="center",
                color="#555555",
            )
        _draw_legend(fig, categories_drawn, outcomes_drawn, legend_title)

    return render(draw, size=size, fmt=fmt, title=title)


def render_rounds(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    *,
    public: bool,
    fmt: Format = "svg",
    present: Mapping[int, Collection[int]] | None = None,
    colours: Mapping[str, str] | None = None,
    legend_title: str | None = None,
    size: tuple[int, int] = (900, 720),
    seed: int = 0,
) -> dict[int, bytes]:
    """Images of every round, one stable layout sequence in one shared frame: a growth gallery."""
    people = list(people)
    table = as_link_arrays(links)
    layouts = compute_layouts(table, present=present, seed=seed)
    # The last round's frame for all: early rounds sit small in the middle and the network visibly
    # spreads, instead of every image being zoomed to fit.
    frame = layout_frame(*layouts.values())
    joined: set[int] = set()
    images = {}
    for number, layout in layouts.items():
        joined.update((present or {}).get(number, ()))
        images[number] = render_network(
            people,
            table,
            number,
            public=public,
            fmt=fmt,
            layout=layout,
            frame=frame,
            present=joined,
            colours=colours,
            legend_title=legend_title,
            size=size,
        )
    return images


def _pixels_per_unit(fig: Figure, box: tuple[float, float, float, float]) -> float:
    width_px = fig.get_figwidth() * fig.dpi * AXES_BOX[2]
    height_px = fig.get_figheight() * fig.dpi * AXES_BOX[3]
    return min(width_px / (box[1] - box[0]), height_px / (box[3] - box[2]))


def _draw_links(
    ax, table: LinkArrays, keys: np.ndarray, xy: np.ndarray, current: int, unit: float
) -> list[str]:
    """One LineCollection per (round, outcome), current round last and widest; outcomes drawn."""
    if len(table) == 0:
        return []
    ends = np.stack(
        [xy[np.searchsorted(keys, table.a)], xy[np.searchsorted(keys, table.b)]], axis=1
    )
    # A link's width follows the picture's scale: hairlines for 10,000 people, firm lines for 50.
    width = float(np.clip(0.08 * unit, 0.2, 1.2))
    # Thousands of overlapping lines saturate into a solid mat; fading them with the number of
    # links keeps the density readable. Small networks (UnMentoring's size) are not faded.
    fade = float(np.clip(np.sqrt(FADE_FROM_LINKS / max(len(table), 1)), 0.3, 1.0))
    drawn: set[str] = set()
    for number in np.unique(table.round_number).tolist():
        is_current = number == current
        for code, outcome in enumerate(OUTCOMES):
            chosen = (table.round_number == number) & (table.outcome == code)
            if not chosen.any():
                continue
            drawn.add(outcome)
            style = EDGE_STYLES[outcome]
            segments = ends[chosen]
            # Each segment's own endpoints in a canonical order, then segments sorted by position.
            (x0, y0), (x1, y1) = segments[:, 0].T, segments[:, 1].T
            flip = (x0 > x1) | ((x0 == x1) & (y0 > y1))
            segments[flip] = segments[flip][:, ::-1]
            order = np.lexsort(segments.reshape(len(segments), 4).T[::-1])
            lines = LineCollection(
                segments[order],
                colors=style.colour,
                linestyles=style.dashes,
                linewidths=width * (1 + (CURRENT_WIDTH_FACTOR - 1) * fade if is_current else 1),
                alpha=CURRENT_ALPHA * np.sqrt(fade) if is_current else style.alpha * fade,
                zorder=3 if is_current else 1,
                capstyle="round",
            )
            lines.set_gid(f"edges-r{number}-{outcome}")
            lines.set_clip_on(False)  # the frame holds every point; no clip-path on each line
            ax.add_collection(lines, autolim=False)
    return [outcome for outcome in OUTCOMES if outcome in drawn]


def _draw_people(
    ax,
    keys: np.ndarray,
    xy: np.ndarray,
    category_of: Mapping[int, str | None],
    palette: Mapping[str | None, tuple[str, str]],
    unit: float,
) -> list[tuple[str, str]]:
    """One scatter per legend entry; the (label, colour) entries drawn, in legend order."""
    fallback = palette.get(None) or (NOT_GIVEN, NOT_GIVEN_GREY)
    entries = [palette.get(category_of.get(k), fallback) for k in keys.tolist()]
    legend: list[tuple[str, str]] = []
    for entry in entries:
        if entry not in legend:
            legend.append(entry)
    order = {entry: i for i, entry in enumerate(dict.fromkeys(palette.values()))}
    order.setdefault(fallback, len(order))
    legend.sort(key=order.__getitem__)
    diameter_pt = float(np.clip(0.55 * unit, 2.2, 13.0)) * 72 / 100
    index_of = {entry: i for i, entry in enumerate(legend)}
    which = np.array([index_of[e] for e in entries], dtype=np.int64)
    for i, (_label, colour) in enumerate(legend):
        points = xy[which == i]
        points = points[np.lexsort(points.T[::-1])]
        dots = ax.scatter(
            points[:, 0],
            points[:, 1],
            s=diameter_pt**2,
            c=colour,
            edgecolors="white",
            linewidths=0.25 if diameter_pt < 3 else 0.5,
            zorder=4,
            clip_on=False,
        )
        dots.set_gid(f"nodes-{i}")
    return legend


def _draw_legend(
    fig: Figure,
    categories: list[tuple[str, str]],
    outcomes: list[str],
    legend_title: str | None,
) -> None:
    handles: list[Line2D] = []
    for label, colour in categories:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=8,
                markerfacecolor=colour,
                markeredgecolor="white",
                label=label,
            )
        )
    for outcome in outcomes:
        style = EDGE_STYLES[outcome]
        handles.append(
            Line2D(
                [], [], color=style.colour, linestyle=style.dashes, linewidth=2, label=style.label
            )
        )
    if not handles:
        return
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.74, 0.92),
        frameon=False,
        title=legend_title,
        alignment="left",
        fontsize=10,
    )
    legend.set_gid("legend")
