"""How connected the network is, round by round: three numbers and a chart of them.

Definitions (shown to blog readers beside the chart, so fixed here once):

- largest group: the share of the people in the network by a round who are joined, through
  conversations that happened ("met"), to the biggest group of people so joined. An introduction
  that did not happen joins no one; a round still open counts its answers as they come in.
- organisations met: for each person in the network by a round, the number of distinct
  organisations of the people they have met so far, averaged over everyone in the network
  (someone who met nobody counts as 0).
- across sectors: of a round's conversations between two people whose sector is known, the share
  joining two different sectors (arranged conversations, whatever their outcome: this measures
  the matching's mixing, not the answers).

Computed incrementally (one union-find over the rounds' met links, numpy for the rest), so 10,000
people over 12 rounds take well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

from viz.canvas import Format, render
from viz.data import OUTCOMES, Link, LinkArrays, as_link_arrays

MET = OUTCOMES.index("met")
GROUP_COLOUR = "#0072b2"
SECTOR_COLOUR = "#e69f00"
ORGANISATIONS_COLOUR = "#009e73"


@dataclass(frozen=True)
class Connectivity:
    """The three numbers after one round; shares are 0..1, None when there is nothing to count."""

    round_number: int
    people: int
    largest_group_share: float | None
    organisations_met: float | None
    cross_sector_share: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        return asdict(self)


def connectivity_by_round(
    links: Iterable[Link] | LinkArrays,
    rounds: Sequence[int],
    *,
    organisation_of: Mapping[int, object],
    sector_of: Mapping[int, str | None],
) -> list[Connectivity]:
    """The numbers after each round in `rounds` (ascending), over the links of rounds up to it."""
    table = as_link_arrays(links)
    parent: dict[int, int] = {}

    def find(key: int) -> int:
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    result = []
    done = 0
    for number in sorted(rounds):
        upto = table.upto(number)
        keys = upto.keys()
        for key in keys.tolist():
            parent.setdefault(key, key)
        met = (upto.outcome == MET) & (upto.round_number > done)
        for a, b in zip(upto.a[met].tolist(), upto.b[met].tolist(), strict=True):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
        done = number
        people = len(keys)
        if people:
            roots = np.fromiter((find(k) for k in keys.tolist()), dtype=np.int64, count=people)
            largest = float(np.unique(roots, return_counts=True)[1].max()) / people
        else:
            largest = None
        result.append(
            Connectivity(
                round_number=number,
                people=people,
                largest_group_share=largest,
                organisations_met=_organisations_met(upto, people, organisation_of),
                cross_sector_share=_cross_sector(upto, number, sector_of),
            )
        )
    return result


def render_connectivity(
    points: Sequence[Connectivity],
    *,
    fmt: Format = "svg",
    title: str | None = "Connectivity, round by round",
    size: tuple[int, int] = (900, 560),
) -> bytes:
    """Two panels: the two shares above (largest group, across sectors), organisations below.

    Lines differ by marker and dash as well as colour, so they read without colour vision. Each
    line is an SVG `<g id="line-{largest_group|cross_sector|organisations_met}">`.
    """
    rounds = [p.round_number for p in points]

    def series(name: str) -> tuple[list[int], list[float]]:
        pairs = [(p.round_number, getattr(p, name)) for p in points]
        kept = [(n, v) for n, v in pairs if v is not None]
        return [n for n, _ in kept], [v for _, v in kept]

    def draw(fig: Figure) -> None:
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        for ax in (top, bottom):
            ax.spines[["top", "right"]].set_visible(False)
        x, y = series("largest_group_share")
        top.plot(
            x,
            y,
            color=GROUP_COLOUR,
            marker="o",
            linewidth=2,
            gid="line-largest_group",
            label="People in the largest group",
        )
        x, y = series("cross_sector_share")
        top.plot(
            x,
            y,
            color=SECTOR_COLOUR,
            marker="s",
            linewidth=2,
            linestyle="--",
            gid="line-cross_sector",
            label="Conversations across sectors",
        )
        top.set_ylim(0, 1.05)
        top.yaxis.set_major_formatter(PercentFormatter(1.0))
        top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        x, y = series("organisations_met")
        bottom.plot(
            x,
            y,
            color=ORGANISATIONS_COLOUR,
            marker="^",
            linewidth=2,
            linestyle="-.",
            gid="line-organisations_met",
            label="Organisations met per person",
        )
        # Whole organisations on the axis, and room above the line even when nobody met anyone.
        bottom.set_ylim(0, max([1.0, *y]) * 1.15)
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        many = len(rounds) > 24
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True) if many else MultipleLocator(1))
        bottom.set_xlabel("Round")
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
        fig.subplots_adjust(left=0.08, right=0.7)

    return render(draw, size=size, fmt=fmt, title=title)


def _organisations_met(
    table: LinkArrays, people: int, organisation_of: Mapping[int, object]
) -> float | None:
    if not people:
        return None
    met = table.outcome == MET
    a, b = table.a[met].tolist(), table.b[met].tolist()
    seen = set()
    for person, partner in (*zip(a, b, strict=True), *zip(b, a, strict=True)):
        organisation = organisation_of.get(partner)
        if organisation is not None:
            seen.add((person, organisation))
    return len(seen) / people


def _cross_sector(
    table: LinkArrays, number: int, sector_of: Mapping[int, str | None]
) -> float | None:
    now = table.round_number == number
    known = different = 0
    for a, b in zip(table.a[now].tolist(), table.b[now].tolist(), strict=True):
        first, second = sector_of.get(a), sector_of.get(b)
        if first is not None and second is not None:
            known += 1
            different += first != second
    return None if known == 0 else different / known
