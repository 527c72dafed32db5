"""Growth over time and outcomes per round: the two charts beside the network picture.

`render_growth` draws sign-ups and active participants per day with each round marked by a dotted
vertical line, and each round's met rate, when known, in a panel of its own below.
`render_outcomes` draws one stacked bar per round with the shares of its conversations that met,
did not meet, were never confirmed or still await an answer, as counted by the caller. Both
contain counts only; each bar is an SVG `<g id="bars-{outcome}-r{n}">` so the service and the
tests can find it.

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
    size: tuple[int, int] = (1200, 640),
) -> bytes:
    """Sign-ups and active participants over time, rounds marked; met rate in a panel below.

    One measure per axis: people above, the met rate (a share) in its own panel on the same
    dates, rather than a second y-axis that invites comparing two unrelated scales. The last
    value of each line and each round's rate are written on the chart, so its top value is read,
    not guessed from the ticks.
    """
    points = sorted(points, key=lambda p: p.day)
    rounds = sorted(rounds, key=lambda r: r.number)
    rated = [m for m in rounds if m.met_rate is not None]

    def draw(fig: Figure) -> None:
        if rated:
            ax, rate_ax = fig.subplots(
                2, 1, sharex=True, gridspec_kw={"height_ratios": (2.2, 1), "hspace": 0.12}
            )
        else:
            ax, rate_ax = fig.add_subplot(), None
        fig.subplots_adjust(left=0.07, right=0.86, top=0.86, bottom=0.09)
        ax.spines[["top", "right"]].set_visible(False)
        if points:
            days = [p.day for p in points]
            for name, label, colour, values in (
                ("signed_up", "Signed up", SIGNED_UP_COLOUR, [p.signed_up for p in points]),
                ("active", "Active", ACTIVE_COLOUR, [p.active for p in points]),
            ):
                ax.plot(days, values, color=colour, linewidth=2, label=label, gid=f"line-{name}")
                ax.annotate(
                    f"{values[-1]:,} {label.lower()}",
                    (days[-1], values[-1]),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=10,
                    color=colour,
                    fontweight="bold",
                )
            top = max(max(p.signed_up, p.active) for p in points)
            ax.set_ylim(0, max(top * 1.1, 1))
        for mark in rounds:
            for axis in (ax, rate_ax):
                if axis is not None:
                    axis.axvline(mark.day, color=ROUND_COLOUR, linestyle=":", linewidth=1,
                                 gid=f"round-{mark.number}" if axis is ax else None)  # fmt: skip
            ax.annotate(
                f"R{mark.number}",
                (mark.day, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=10,
                color=ROUND_COLOUR,
            )
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("People")
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        if points:
            ax.legend(loc="upper left", frameon=False)
        if rate_ax is not None:
            rate_ax.spines[["top", "right"]].set_visible(False)
            final = [m for m in rated if not m.provisional]
            days = [m.day for m in final]
            rates = [m.met_rate for m in final]
            rate_ax.plot(days, rates, color=RATE_COLOUR, marker="o", markersize=4, linewidth=1.5,
                         label="Met rate", gid="line-met_rate")  # fmt: skip
            # Every rate written while they fit; beyond that the last and the highest.
            shown = range(len(final)) if len(final) <= 16 else {len(final) - 1}
            if rates and len(final) > 16:
                shown.add(rates.index(max(rates)))
            for i in sorted(shown):
                rate_ax.annotate(f"{round(100 * rates[i])}%", (days[i], rates[i]), xytext=(0, 6),
                                 textcoords="offset points", ha="center", fontsize=10,
                                 color=RATE_COLOUR)  # fmt: skip
            open_rounds = [m for m in rated if m.provisional]
            for mark in open_rounds:
                # Off the line and hollow: a rate still moving is never read as a final one.
                rate_ax.plot([mark.day], [mark.met_rate], linestyle="none", marker="o",
                             markersize=6, markerfacecolor="white", markeredgecolor=RATE_COLOUR,
                             label="Met rate so far (round open)",
                             gid=f"met_rate-provisional-r{mark.number}")  # fmt: skip
                rate_ax.annotate(f"{round(100 * mark.met_rate)}% so far", (mark.day, mark.met_rate),
                                 xytext=(0, 7), textcoords="offset points", ha="center",
                                 fontsize=10, color=RATE_COLOUR)  # fmt: skip
            handles, labels = rate_ax.get_legend_handles_labels()
            keep = dict(zip(labels, handles, strict=True))  # one entry per label
            rate_ax.legend(keep.values(), keep.keys(), loc="lower left", frameon=False, fontsize=11)
            rate_ax.set_ylim(0, 1.15)
            rate_ax.yaxis.set_major_locator(MultipleLocator(0.5))
            rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            rate_ax.set_ylabel("Met rate")
            rate_ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=15)

    return render(draw, size=size, fmt=fmt, title=title)


def render_outcomes(
    rounds: Sequence[RoundOutcomes],
    *,
    fmt: Format = "svg",
    title: str | None = "Outcomes per round",
    size: tuple[int, int] = (1200, 520),
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
                fontsize=10,
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
