"""The heavy, pure part of pictures and statistics, run in a worker process (see workers.py).

Plain data in, plain data out, so that arguments and results cross the process boundary by
pickling: links travel as numpy columns, layouts come back as arrays rather than dicts of
tuples (ten times smaller to keep and to send), pictures as bytes with their ETag.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from unmentor.matching import Candidate, fresh_partner_counts
from unmentor.rounds.figures import RoundFigures, describe
from viz import (
    GrowthPoint,
    LinkArrays,
    Person,
    RoundMark,
    RoundOutcomes,
    compute_layouts,
    layout_frame,
    metrics_by_round,
    render_growth,
    render_network,
    render_outcomes,
)
from viz.animation import render_animation
from viz.card import render_card
from viz.connectivity import Connectivity, connectivity_by_round, render_connectivity
from viz.organisations import render_organisations


@dataclass(frozen=True)
class Picture:
    """An image's bytes, an ETag naming exactly those bytes, and a gzip copy for SVG.

    A 10,000-person SVG is ~5 MB of text that gzip shrinks about tenfold; compressing it once
    here, rather than per request or not at all, is what keeps a cached picture cheap to send.
    PNG and GIF are compressed already.
    """

    content: bytes
    etag: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, content: bytes) -> Picture:
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        compressed = content.startswith((b"\x89PNG", b"GIF8"))
        # mtime=0: the same picture compresses to the same bytes in every process.
        return cls(content, etag, None if compressed else gzip.compress(content, 6, mtime=0))

    @property
    def nbytes(self) -> int:
        return len(self.content) + len(self.gzipped or b"")


@dataclass(frozen=True)
class Layouts:
    """Every round's positions (sorted keys and their x, y) and the frame they share."""

    rounds: dict[int, tuple[np.ndarray, np.ndarray]]
    frame: tuple[float, float, float, float] | None

    @property
    def nbytes(self) -> int:
        return sum(keys.nbytes + xy.nbytes for keys, xy in self.rounds.values()) + 1024

    def positions(self, round_number: int) -> dict[int, list[float]] | None:
        if round_number not in self.rounds:
            return None
        keys, xy = self.rounds[round_number]
        return dict(zip(keys.tolist(), xy.tolist(), strict=True))


def layouts_job(links: LinkArrays, groups: Mapping[int, str | None] | None = None) -> Layouts:
    """Stable layouts of every round in `links` (neighbourhoods by `groups`), the last frame."""
    if not len(links):
        return Layouts({}, None)
    layouts = compute_layouts(links, groups=groups)
    frame = layout_frame(*layouts.values())
    rounds = {}
    for number, positions in layouts.items():
        keys = np.fromiter(positions.keys(), dtype=np.int64, count=len(positions))
        xy = np.array(list(positions.values()), dtype=float).reshape(-1, 2)
        rounds[number] = (keys, xy)
    return Layouts(rounds, frame)


def network_job(
    people: Sequence[Person],
    links: LinkArrays,
    round_number: int,
    layout: Mapping[int, Sequence[float]] | None,
    frame: tuple[float, float, float, float] | None,
    *,
    public: bool,
    fmt: str,
    labels: Mapping[int, str] | None = None,
    min_category: int = 1,
    title: str | None = None,
) -> Picture:
    """The cumulative network after `round_number` (see viz.render_network)."""
    return Picture.of(
        render_network(
            people,
            links,
            round_number,
            public=public,
            fmt=fmt,
            layout=layout,
            frame=frame,
            legend_title="Sector",
            labels=labels,
            title=title or f"After round {round_number}",
            min_category=min_category,
        )
    )


def organisations_job(
    people: Sequence[Person],
    links: LinkArrays,
    nodes: Mapping[int, str] | None,
    *,
    public: bool,
    min_category: int,
    fmt: str,
    title: str,
) -> Picture:
    """Sectors (or the organisations in `nodes`) and the conversations held between them."""
    return Picture.of(
        render_organisations(
            people,
            links,
            group_of=nodes,
            public=public,
            min_category=min_category,
            fmt=fmt,
            title=title,
            node_name="Sector" if nodes is None else "Organisation",
        )
    )


def growth_job(points: Sequence[GrowthPoint], marks: Sequence[RoundMark], fmt: str) -> Picture:
    return Picture.of(render_growth(points, marks, fmt=fmt, title="Growth of the network"))


def outcomes_job(rounds: Sequence[RoundOutcomes], fmt: str) -> Picture:
    return Picture.of(render_outcomes(rounds, fmt=fmt, title="Did they meet?"))


def alt_texts_job(
    people: Sequence[Person], links: LinkArrays, figures: Mapping[int, RoundFigures]
) -> dict[int, str]:
    """Counts-only descriptions of every round's picture, by round number.

    The network's size comes from the picture's links; every figure of the round itself from
    `figures` (per group, as every page shows them).
    """
    size = {m.round_number: m.people for m in metrics_by_round(people, links)}
    return {n: describe(f, people_in_network=size.get(n, 0)) for n, f in figures.items()}


def stats_job(
    people: Sequence[Person],
    links: LinkArrays,
    organisation_of: Mapping[int, str],
    sector_of: Mapping[int, str | None],
    active: Sequence[tuple[int, int | None]],
    pairs: Sequence[tuple[int, int]],
) -> tuple[list[dict], dict[int, int]]:
    """Per-round metrics as dicts, and each active person's count of partners still fresh."""
    by_round = metrics_by_round(people, links, organisation_of=organisation_of, sector_of=sector_of)
    fresh = fresh_partner_counts(
        [Candidate(id=pid, org=None if org is None else str(org)) for pid, org in active], pairs
    )
    return [metrics.as_dict() for metrics in by_round], fresh


def animation_job(
    people: Sequence[Person],
    links: LinkArrays,
    rounds: Sequence[int],
    layouts: Layouts,
    *,
    public: bool,
    min_category: int = 1,
) -> Picture:
    """The network growing over `rounds`, one GIF frame per round (see viz.animation)."""
    positions = {n: layouts.positions(n) for n in rounds}
    return Picture.of(
        render_animation(
            people,
            links,
            rounds,
            positions,
            layouts.frame,
            public=public,
            legend_title="Sector",
            min_category=min_category,
        )
    )


def card_job(
    people: Sequence[Person],
    links: LinkArrays,
    round_number: int,
    layout: Mapping[int, Sequence[float]] | None,
    frame: tuple[float, float, float, float] | None,
    lines: Sequence[str],
    *,
    public: bool,
    min_category: int = 1,
) -> Picture:
    """The round's 1200x630 share card: its picture beside its figures (see viz.card)."""
    return Picture.of(
        render_card(
            people,
            links,
            round_number,
            layout=layout,
            frame=frame,
            headline=f"Round {round_number}",
            lines=lines,
            public=public,
            legend_title="Sector",
            min_category=min_category,
        )
    )


def connectivity_job(
    links: LinkArrays,
    rounds: Sequence[int],
    organisation_of: Mapping[int, int],
    sector_of: Mapping[int, str | None],
) -> list[Connectivity]:
    """The connectivity numbers after each of `rounds` (see viz.connectivity)."""
    return connectivity_by_round(
        links, rounds, organisation_of=organisation_of, sector_of=sector_of
    )


def connectivity_chart_job(points: Sequence[Connectivity], fmt: str) -> Picture:
    return Picture.of(render_connectivity(points, fmt=fmt))
