"""Pictures of the network, cached until the network they show changes.

Layouts of every round are computed together (each round grows from the last, so a sequence
reads as growth), and every image is kept under the data's fingerprint: a new answer, a
closed round or an erased person changes the fingerprint and the next request redraws.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal

from unmentor.db import Database
from unmentor.network.data import NetworkData, load_network
from viz import (
    compute_layouts,
    describe,
    layout_frame,
    metrics_by_round,
    render_growth,
    render_network,
    render_outcomes,
)

Format = Literal["svg", "png"]
# Organisers see names on the picture while it stays readable.
MAX_LABELLED_PEOPLE = 150


class NetworkImages:
    """Images and alt texts of one database's network, cached by content.

    Callers load the network once per request with `data()` and pass that snapshot to each
    method, so a page showing many pictures reads the database once and every picture on it
    shows the same moment.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._cache: dict[tuple, object] = {}
        self._data: NetworkData | None = None

    def data(self) -> NetworkData:
        """The current network; resets the cache when it differs from the cached one."""
        with self.database.read_session() as session:
            data = load_network(session=session)
        fingerprint = data.fingerprint()
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint, self._cache, self._data = fingerprint, {}, data
            return self._data

    def _cached(self, data: NetworkData, key: tuple, build: Callable[[], object]):
        with self._lock:
            if self._data is data and key in self._cache:
                return self._cache[key]
        value = build()
        with self._lock:
            # A snapshot replaced meanwhile is not cached: its pictures are already stale.
            if self._data is data:
                self._cache[key] = value
        return value

    def _layouts(self, data: NetworkData):
        def build():
            layouts = compute_layouts(data.links) if data.links else {}
            return layouts, (layout_frame(*layouts.values()) if layouts else None)

        return self._cached(data, ("layouts",), build)

    def network(
        self, data: NetworkData, round_number: int, *, public: bool, fmt: Format = "svg"
    ) -> bytes:
        """The cumulative network after `round_number`, that round's links emphasised."""

        def build() -> bytes:
            layouts, frame = self._layouts(data)
            labels = None
            if not public and len(data.people) <= MAX_LABELLED_PEOPLE:
                labels = data.name_of
            return render_network(
                data.people,
                data.links,
                round_number,
                public=public,
                fmt=fmt,
                layout=layouts.get(round_number),
                frame=frame,
                legend_title="Sector",
                labels=labels,
                title=f"After round {round_number}",
            )

        return self._cached(data, ("network", round_number, public, fmt), build)

    def alt_texts(self, data: NetworkData) -> dict[int, str]:
        """Counts-only descriptions of every round's picture, by round number."""
        return self._cached(
            data,
            ("alt",),
            lambda: {
                m.round_number: describe(m) for m in metrics_by_round(data.people, data.links)
            },
        )

    def growth(self, data: NetworkData, *, fmt: Format = "svg") -> bytes:
        """Sign-ups and people taking part, with rounds marked."""

        def build() -> bytes:
            points, marks = data.growth()
            return render_growth(points, marks, fmt=fmt, title="Growth of the network")

        return self._cached(data, ("growth", fmt), build)

    def outcomes(self, data: NetworkData, *, fmt: Format = "svg") -> bytes:
        """Met, not met and unconfirmed shares per round."""
        return self._cached(
            data,
            ("outcomes", fmt),
            lambda: render_outcomes(data.links, fmt=fmt, title="Did they meet?"),
        )
