"""The network picture of a round: people as dots, the groups of every round so far as lines.

Lines are coloured by outcome (met, did not meet in red, not confirmed dashed, awaiting answer
dotted, in a colour no sector uses); the round being shown is drawn on top, wider and opaque,
over a history that fades as it grows, so that at thousands of people the round still reads.
Dots are sized from the layout's nearest-neighbour spacing (the layout keeps people apart), so a
line is never hidden under its two dots, and grow with a person's number of distinct partners.
The drawing is a square on the left; the legend a column on the right sized to the figure.
Everything is drawn as one `LineCollection`
per (round, outcome) and one `scatter` per category, so 10,000 people and their links are a few
dozen artists rather than tens of thousands of draw calls.

The SVG has a structure the service and the tests can rely on, without any person data in it:
each collection is a `<g id="edges-r{round}-{outcome}">` holding one `<path>` per link, the dots are
in `<g id="nodes-{i}-{s}">` (i: the category's place in the legend, s: the dot size's step),
the legend in `<g id="legend">`.
Within a group, lines and dots are ordered by position, not by key, so not even the order of
elements tells anything about who is who.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from viz.canvas import Format, render
from viz.data import OUTCOMES, Link, LinkArrays, Outcome, Person, as_link_arrays, present_keys
from viz.layout import compute_layouts, layout_frame, nearest_distances, square_frame
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
FADE_FROM_LINKS = 300
CURRENT_FADE_FROM = 400
PT_PER_PX = 72 / 100  # matplotlib sizes lines and markers in points; the figures are at 100 dpi
SIZE = (1200, 960)
TITLE_BAND_PX = 78  # title and subtitle above the drawing
MARGIN_PX = 8
#: Dot diameter as a share of the closest spacing between people (the 10th percentile).
DOT_SHARE = 0.42
#: The most-connected person's dot is at most this many times the least-connected one's.
DOT_GROWTH = 2.0
SIZE_SPREAD = 8


def axes_box(size: tuple[int, int]) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) of the square drawing, in figure units, for a figure size."""
    width, height = size
    side = min(height - TITLE_BAND_PX - MARGIN_PX, 0.78 * width)
    return (MARGIN_PX / width, MARGIN_PX / height, side / width, side / height)


AXES_BOX = axes_box(SIZE)  # the default figure's drawing


def render_network(
    people: Iterable[Person],
    links: Iterable[Link] | LinkArrays,
    upto_round: int,
    *,
    public: bool,
    fmt: Format = "svg",
    layout: Mapping[int, Sequence[float]] | None = None,
    frame: tuple[float, float, float, float] | None = None,
    present: Collection[int] = (),
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    labels: Mapping[int, str] | None = None,
    size: tuple[int, int] = SIZE,
    seed: int = 0,
    min_category: int = PUBLIC_MIN_CATEGORY,
    subtitle: str | None = None,
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
        groups = neighbourhoods(people, public=public, min_category=min_category)
        layout = compute_layouts(table, upto_round, present=extra, seed=seed, groups=groups)[
            upto_round
        ]
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
    partners = _distinct_partners(table, keys)
    in_round = np.isin(
        keys, np.concatenate([table.a, table.b])[np.tile(table.round_number == upto_round, 2)]
    )
    box_in_figure = axes_box(size)
    box = frame or square_frame(xy)
    now = table.round_number == upto_round
    ends_a = xy[np.searchsorted(keys, table.a[now])]
    ends_b = xy[np.searchsorted(keys, table.b[now])]
    unit, base = dot_scale(xy, box, size, np.hypot(*(ends_a - ends_b).T))

    def draw(fig: Figure) -> None:
        ax = fig.add_axes(box_in_figure)
        ax.set_axis_off()
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal", adjustable="box")
        outcomes_drawn = _draw_links(ax, table, keys, xy, upto_round, unit, base)
        categories_drawn = _draw_people(
            ax, keys, xy, category_of, palette, _diameters(partners, base), in_round
        )
        if labels:
            for key, (x, y) in zip(keys.tolist(), xy.tolist(), strict=True):
                if key in labels:
                    ax.annotate(
                        labels[key], (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points"
                    )
        height = fig.get_figheight() * fig.dpi
        fig.text(
            MARGIN_PX / (height * size[0] / size[1]),
            1 - 26 / height,
            title,
            fontsize=18,
            fontweight="bold",
            va="center",
        )
        note = subtitle or ""
        if upto_round > 1 and len(table):
            lines = f"Bold lines: round {upto_round}; faint lines: earlier rounds"
            note = f"{note} · {lines}" if note else lines
        if note:
            fig.text(
                MARGIN_PX / size[0],
                1 - 56 / height,
                note,
                fontsize=11,
                va="center",
                color="#444444",
            )
        legend_left = box_in_figure[0] + box_in_figure[2] + 12 / size[0]
        _draw_legend(
            fig,
            categories_drawn,
            outcomes_drawn,
            legend_title,
            left=legend_left,
            top=1 - TITLE_BAND_PX / height,
            sizes=_size_key(partners, base),
        )

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
    size: tuple[int, int] = SIZE,
    seed: int = 0,
) -> dict[int, bytes]:
    """Images of every round, one stable layout sequence in one shared frame: a growth gallery."""
    people = list(people)
    table = as_link_arrays(links)
    groups = neighbourhoods(people, public=public, min_category=PUBLIC_MIN_CATEGORY)
    layouts = compute_layouts(table, present=present, seed=seed, groups=groups)
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


def neighbourhoods(
    people: Iterable[Person], *, public: bool, min_category: int = PUBLIC_MIN_CATEGORY
) -> dict[int, str]:
    """Key -> the label a person is coloured by: what the layout groups people by.

    The folded label ("Other") rather than the sector itself, so that in public a neighbourhood
    never sets apart the few people of a rare sector that the colours do not show.
    """
    people = list(people)
    minimum = max(PUBLIC_MIN_CATEGORY, min_category) if public else 1
    palette = category_colours(people, min_size=minimum)
    return {person.key: palette[person.category][0] for person in people}


def dot_scale(
    xy: np.ndarray,
    box: tuple[float, float, float, float],
    size: tuple[int, int],
    lengths: np.ndarray | None = None,
) -> tuple[float, float]:
    """(pixels per layout unit, diameter in pixels of the dot of someone with one partner).

    The dot is DOT_SHARE of the closest spacing between people or of the shortest lines (the
    10th percentile of each, `lengths` in layout units), so a line always shows between its
    two dots, at any scale.
    """
    _, _, width, height = axes_box(size)
    unit = min(width * size[0] / (box[1] - box[0]), height * size[1] / (box[3] - box[2]))
    spacing = nearest_distances(xy)
    closest = float(np.percentile(spacing, 10)) if len(spacing) > 1 else 1.0
    if lengths is not None and len(lengths):
        closest = min(closest, float(np.percentile(lengths, 10)))
    return unit, float(np.clip(DOT_SHARE * closest * unit, 2.0, 10.0))


def _distinct_partners(table: LinkArrays, keys: np.ndarray) -> np.ndarray:
    """Each key's number of distinct people it has been grouped with, in `keys` order."""
    if len(table) == 0:
        return np.zeros(len(keys), dtype=np.int64)
    pairs = np.unique(np.sort(np.stack([table.a, table.b], axis=1), axis=1), axis=0)
    ends = np.searchsorted(keys, pairs.ravel())
    return np.bincount(ends, minlength=len(keys))


def _diameters(partners: np.ndarray, base: float) -> np.ndarray:
    """Dot diameters in pixels: `base` for one partner, growing with the root of the count."""
    # Against at least SIZE_SPREAD partners: two partners must not look like a crowd.
    top = max(int(partners.max(initial=1)), SIZE_SPREAD + 1)
    growth = np.sqrt((np.clip(partners, 1, top) - 1) / (top - 1))
    return base * (1 + (DOT_GROWTH - 1) * growth)


def _size_key(partners: np.ndarray, base: float) -> list[tuple[str, float]]:
    """Legend samples of the dot sizes: the fewest, a middle and the most partners."""
    top = int(partners.max(initial=0))
    if top <= 1:
        return []
    counts = sorted({1, max(1, round(top / 3)), top})
    sizes = _diameters(np.array(counts), base)
    return [
        (f"{c} partner{'s' if c != 1 else ''}", float(d))
        for c, d in zip(counts, sizes.tolist(), strict=True)
    ]


def _draw_links(
    ax,
    table: LinkArrays,
    keys: np.ndarray,
    xy: np.ndarray,
    current: int,
    unit: float,
    dot: float,
) -> list[Outcome]:
    """One LineCollection per (round, outcome), current round last and widest; outcomes drawn."""
    if len(table) == 0:
        return []
    ends = np.stack(
        [xy[np.searchsorted(keys, table.a)], xy[np.searchsorted(keys, table.b)]], axis=1
    )
    # Widths follow the dots (which follow the spacing): firm lines for 50 people, fine ones
    # for 10,000, the current round always CURRENT_WIDTH_FACTOR times the history's.
    current_width = float(np.clip(0.32 * dot, 0.7, 2.6)) * PT_PER_PX
    earlier_width = current_width / CURRENT_WIDTH_FACTOR
    earlier = int((table.round_number != current).sum())
    # Thousands of overlapping earlier lines saturate into a solid mat: they fade with their
    # number so that this round's lines stand out over a faint history.
    fade = float(np.clip(np.sqrt(FADE_FROM_LINKS / max(earlier, 1)), 0.12, 1.0))
    # A round of thousands of conversations is still a crowd: it fades too, but far less.
    now = len(table) - earlier
    current_alpha = CURRENT_ALPHA * float(np.clip(np.sqrt(CURRENT_FADE_FROM / max(now, 1)), 0.4, 1))
    drawn: set[Outcome] = set()
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
                linewidths=current_width if is_current else earlier_width,
                alpha=current_alpha if is_current else style.alpha * fade,
                zorder=3 if is_current else 1,
                capstyle="butt",
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
    diameters: np.ndarray,
    in_round: np.ndarray,
) -> list[tuple[str, str]]:
    """One scatter per legend entry; the (label, colour) entries drawn, in legend order.

    People not in the round shown are paler, so the round's people stand out in a crowd.
    """
    fallback = palette.get(None) or (NOT_GIVEN, NOT_GIVEN_GREY)
    entries = [palette.get(category_of.get(k), fallback) for k in keys.tolist()]
    legend: list[tuple[str, str]] = []
    for entry in entries:
        if entry not in legend:
            legend.append(entry)
    order = {entry: i for i, entry in enumerate(dict.fromkeys(palette.values()))}
    order.setdefault(fallback, len(order))
    legend.sort(key=order.__getitem__)
    index_of = {entry: i for i, entry in enumerate(legend)}
    which = np.array([index_of[e] for e in entries], dtype=np.int64)
    # Diameters in half-pixel steps, one scatter per step: a scatter of one size is written to
    # SVG as one marker and a <use> per dot, a tenth of the bytes of a path per dot.
    steps = np.round(diameters * 2) / 2
    for i, (_label, colour) in enumerate(legend):
        for level, step in enumerate(np.unique(steps[which == i]).tolist()):
            mine = (which == i) & (steps == step)
            points, now = xy[mine], in_round[mine]
            sort = np.lexsort(points.T[::-1])
            points, now = points[sort], now[sort]
            faces = np.tile(to_rgba(colour), (len(points), 1))
            faces[~now, 3] = 0.55
            dots = ax.scatter(
                points[:, 0],
                points[:, 1],
                s=(step * PT_PER_PX) ** 2,
                c=faces,
                edgecolors="white",
                # A white rim on a dot of two pixels would be all rim.
                linewidths=0.0 if step < 4 else 0.5,
                zorder=4,
                clip_on=False,
            )
            dots.set_gid(f"nodes-{i}-{level}")
    return legend


def _header(text: str) -> tuple[Line2D, str]:
    return Line2D([], [], linestyle="none", marker="none"), text


def _draw_legend(
    fig: Figure,
    categories: list[tuple[str, str]],
    outcomes: list[Outcome],
    legend_title: str | None,
    *,
    left: float,
    top: float,
    sizes: list[tuple[str, float]],
) -> None:
    """One legend in the column right of the drawing: who (colours), what (lines), how many."""
    fontsize = float(np.clip(fig.get_figwidth() * fig.dpi / 100, 8, 13))
    rows: list[tuple[Line2D, str]] = []
    headers: set[int] = set()
    if categories:
        if legend_title:
            headers.add(len(rows))
            rows.append(_header(legend_title))
        for label, colour in categories:
            dot = Line2D([], [], linestyle="none", marker="o", markersize=fontsize * 0.8,
                         markeredgecolor="white", markerfacecolor=colour)  # fmt: skip
            rows.append((dot, label))
    if outcomes:
        headers.add(len(rows))
        rows.append(_header("Conversations"))
        for outcome in outcomes:
            style = EDGE_STYLES[outcome]
            line = Line2D([], [], color=style.colour, linestyle=style.dashes, linewidth=2.5)
            rows.append((line, style.label))
    if sizes:
        headers.add(len(rows))
        # Dots of a 10,000-person picture are too small to read in a legend: shown enlarged.
        enlarge = max(1.0, 10.0 / sizes[-1][1])
        rows.append(_header("Dot size" + (" (enlarged)" if enlarge > 1 else "")))
        for label, diameter in sizes:
            size = diameter * enlarge * PT_PER_PX
            dot = Line2D([], [], linestyle="none", marker="o", markersize=size,
                         markeredgecolor="white", markerfacecolor="#777777")  # fmt: skip
            rows.append((dot, label))
    if not rows:
        return
    legend = fig.legend(
        handles=[h for h, _ in rows],
        labels=[t for _, t in rows],
        loc="upper left",
        bbox_to_anchor=(left, top),
        frameon=False,
        alignment="left",
        fontsize=fontsize,
        handlelength=2.2,
        labelspacing=0.45,
    )
    for i, text in enumerate(legend.get_texts()):
        if i in headers:
            text.set_fontweight("bold")
    legend.set_gid("legend")
