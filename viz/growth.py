"""Growth over time and outcomes per round: the two charts beside the network picture.

`render_growth` draws sign-ups and active participants per day with each round marked by a dotted
vertical line (and its met rate on a right-hand axis when known). `render_outcomes` draws one
stacked bar per round with the shares of its links that met, did not meet, were never confirmed or
still await an answer. Both contain counts only; each bar is an SVG `<g id="bars-{outcome}-r{n}">`
so the service and the tests can find it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

from viz.canvas import Format, render
from viz.data import OUTCOMES, GrowthPoint, Link, LinkArrays, RoundMark, as_link_arrays
from viz.style import BAR_COLOURS, EDGE_STYLES

SIGNED_UP_COLOUR = "#0072b2"
ACTIVE_COLOUR = "#009e73"
ROUND_COLOUR = "#888888"
RATE_COLOUR = "#4f5b66"


def render_growth(
    points: Sequence[GrowthPoint],
    rounds: Sequence[RoundMark] = (),
    *,
    fmt: Format = "svg",
    title: str | None = "Growth",
    size: tuple[int, int] = (900, 450),
) -> bytes:
    """Sign-ups and active participants over time, rounds marked, met rate on a second axis."""
    points = sorted(points, key=lambda p: p.day)
    rounds = sorted(rounds, key=lambda r: r.number)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)
        if points:
            days = [p.day for p in points]
            ax.plot(
                days,
                [p.signed_up for p in points],
                color=SIGNED_UP_COLOUR,
                linewidth=2,
                label="Signed up",
                gid="line-signed_up",
            )
            ax.plot(
                days,
                [p.active for p in points],
                color=ACTIVE_COLOUR,
                linewidth=2,
                label="Active",
                gid="line-active",
            )
        for mark in rounds:
            ax.axvline(
                mark.day, color=ROUND_COLOUR, linestyle=":", linewidth=1, gid=f"round-{mark.number}"
            )
            ax.annotate(
                f"R{mark.number}",
                (mark.day, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=ROUND_COLOUR,
            )
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("People")
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        handles, labels = ax.get_legend_handles_labels()
        rated = [m for m in rounds if m.met_rate is not None]
        if rated:
            rate_ax = ax.twinx()
            rate_ax.spines[["top"]].set_visible(False)
            (line,) = rate_ax.plot(
                [m.day for m in rated],
                [m.met_rate for m in rated],
                color=RATE_COLOUR,
                marker="o",
                markersize=4,
                linewidth=1,
                linestyle="--",
                label="Met rate",
                gid="line-met_rate",
            )
            rate_ax.set_ylim(0, 1.05)
            rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            rate_ax.set_ylabel("Met rate")
            handles.append(line)
            labels.append("Met rate")
        if handles:
            ax.legend(handles, labels, loc="upper left", frameon=False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")

    return render(draw, size=size, fmt=fmt, title=title)


def render_outcomes(
    links: Iterable[Link] | LinkArrays,
    *,
    fmt: Format = "svg",
    title: str | None = "Outcomes per round",
    size: tuple[int, int] = (900, 420),
) -> bytes:
    """One stacked bar per round: shares of its links met, not met, unconfirmed and pending."""
    table = as_link_arrays(links)
    numbers = np.unique(table.round_number)
    counts = np.zeros((len(numbers), len(OUTCOMES)), dtype=np.int64)
    for row, number in enumerate(numbers.tolist()):
        chosen = table.outcome[table.round_number == number]
        counts[row] = np.bincount(chosen, minlength=len(OUTCOMES))
    totals = counts.sum(axis=1, keepdims=True)
    shares = counts / np.maximum(totals, 1)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)
        bottom = np.zeros(len(numbers))
        for code, outcome in enumerate(OUTCOMES):
            if not counts[:, code].any():
                continue
            bars = ax.bar(
                numbers,
                shares[:, code],
                bottom=bottom,
                width=0.7,
                color=BAR_COLOURS[outcome],
                label=EDGE_STYLES[outcome].label,
            )
            for number, bar in zip(numbers.tolist(), bars, strict=True):
                bar.set_gid(f"bars-{outcome}-r{number}")
            bottom += shares[:, code]
        for x, total in zip(numbers.tolist(), totals[:, 0].tolist(), strict=True):
            ax.annotate(
                f"{total}",
                (x, 1.0),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#555555",
            )
        ax.set_ylim(0, 1.08)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        # Every round labelled while that stays legible; beyond that, whole numbers only.
        many = len(numbers) > 24
        ax.xaxis.set_major_locator(MaxNLocator(integer=True) if many else MultipleLocator(1))
        ax.set_xlabel("Round (pairs above each bar)")
        if len(numbers):
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
        fig.subplots_adjust(right=0.76)

    return render(draw, size=size, fmt=fmt, title=title)
