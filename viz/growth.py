"""Growth over time and outcomes per round: the two charts beside the network picture.

`render_growth` draws sign-ups and active participants per day with each round marked by a dotted
vertical line (and its met rate on a right-hand axis when known). `render_outcomes` draws one
stacked bar per round with the shares of its conversations that met, did not meet, were never
confirmed or still await an answer, as counted by the caller. Both contain counts only; each bar
is an SVG `<g id="bars-{outcome}-r{n}">` so the service and the tests can find it.

A round still open is provisional: its met rate is a hollow point off the line of final rates
(`met_rate-provisional-r{n}`), its bar hatched and labelled "so far" (`provisional-r{n}`), so a
half-answered round never reads as a spike or a final share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

from viz.canvas import Format, render
from viz.data import OUTCOMES, GrowthPoint, RoundMark, RoundOutcomes
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
            final = [m for m in rated if not m.provisional]
            (line,) = rate_ax.plot(
                [m.day for m in final],
                [m.met_rate for m in final],
                color=RATE_COLOUR,
                marker="o",
                markersize=4,
                linewidth=1,
                linestyle="--",
                label="Met rate",
                gid="line-met_rate",
            )
            handles.append(line)
            labels.append("Met rate")
            open_rounds = [m for m in rated if m.provisional]
            for mark in open_rounds:
                (point,) = rate_ax.plot(
                    [mark.day],
                    [mark.met_rate],
                    linestyle="none",
                    marker="o",
                    markersize=6,
                    markerfacecolor="white",
                    markeredgecolor=RATE_COLOUR,
                    gid=f"met_rate-provisional-r{mark.number}",
                )
            if open_rounds:
                handles.append(point)
                labels.append("Met rate so far (round open)")
            rate_ax.set_ylim(0, 1.05)
            rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            rate_ax.set_ylabel("Met rate")
        if handles:
            ax.legend(handles, labels, loc="upper left", frameon=False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")

    return render(draw, size=size, fmt=fmt, title=title)


def render_outcomes(
    rounds: Sequence[RoundOutcomes],
    *,
    fmt: Format = "svg",
    title: str | None = "Outcomes per round",
    size: tuple[int, int] = (900, 420),
) -> bytes:
    """One stacked bar per round: shares of its conversations met, not met, unconfirmed, pending."""
    rounds = sorted(rounds, key=lambda r: r.number)
    numbers = np.array([r.number for r in rounds], dtype=np.int64)
    counts = np.array([r.counts() for r in rounds], dtype=np.int64).reshape(-1, len(OUTCOMES))
    provisional = [r.provisional for r in rounds]
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
            for number, bar, open_ in zip(numbers.tolist(), bars, provisional, strict=True):
                bar.set_gid(f"bars-{outcome}-r{number}")
                if open_:
                    bar.set_hatch("//")
                    bar.set_alpha(0.6)
            bottom += shares[:, code]
        labels = zip(numbers.tolist(), totals[:, 0].tolist(), provisional, strict=True)
        for x, total, open_ in labels:
            ax.annotate(
                f"{total} so far" if open_ else f"{total}",
                (x, 1.0),
                gid=f"provisional-r{x}" if open_ else None,
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
        ax.set_xlabel("Round (conversations above each bar; hatched: still open)")
        if len(numbers):
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
        fig.subplots_adjust(right=0.76)

    return render(draw, size=size, fmt=fmt, title=title)
