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
    """Images and alt texts of one database's network, cached by content."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._cache: dict[tuple, bytes | str] = {}
        self._data: NetworkData | None = None
        self._layouts: dict | None = None

    def data(self) -> NetworkData:
        """The current network; resets the cache when it differs from the cached one."""
        with self.database.read_session() as session:
            data = load_network(session=session)
        fingerprint = data.fingerprint()
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint, self._cache, self._data = fingerprint, {}, data
                self._layouts = None
            return self._data

    def _cached(self, key: tuple, build: Callable[[NetworkData], bytes | str]):
        data = self.data()
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = build(data)
        with self._lock:
            if self._data is data:
                self._cache[key] = value
        return value

    def _layout(self, data: NetworkData):
        with self._lock:
            if self._layouts is None or self._data is not data:
                layouts = compute_layouts(data.links) if data.links else {}
                frame = layout_frame(*layouts.values()) if layouts else None
                self._layouts = (layouts, frame)
            return self._layouts

    def network(self, round_number: int, *, public: bool, fmt: Format = "svg") -> bytes:
        """The cumulative network after `round_number`, that round's links emphasised."""

        def build(data: NetworkData) -> bytes:
            layouts, frame = self._layout(data)
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

        return self._cached(("network", round_number, public, fmt), build)

    def alt_text(self, round_number: int) -> str:
        """Counts-only description of a round's picture."""

        def build(data: NetworkData) -> str:
            for metrics in metrics_by_round(data.people, data.links):
                if metrics.round_number == round_number:
                    return describe(metrics)
            return f"Round {round_number}: no groups."

        return self._cached(("alt", round_number), build)

    def growth(self, *, fmt: Format = "svg") -> bytes:
        """Sign-ups and people taking part, with rounds marked."""

        def build(data: NetworkData) -> bytes:
            points, marks = data.growth()
            return render_growth(points, marks, fmt=fmt, title="Growth of the network")

        return self._cached(("growth", fmt), build)

    def outcomes(self, *, fmt: Format = "svg") -> bytes:
        """Met, not met and unconfirmed shares per round."""
        return self._cached(
            ("outcomes", fmt),
            lambda data: render_outcomes(data.links, fmt=fmt, title="Did they meet?"),
        )
