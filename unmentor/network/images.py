"""Pictures, alt texts and statistics of the network, cached until the data they show changes.

Each request first reads the data version (one primary-key read; database triggers bump it on
every write to the tables the network is drawn from) and reloads the network only when it
moved. Pictures are then filed under their view's generation (views.py): the organiser view's
is the version, the public view's a fingerprint of what it shows. Building anything goes
through a single-flight cache, so a crowd on a cold cache costs one load and one render per
picture; the drawing itself runs in a worker process (workers.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from unmentor.dataversion import current_version
from unmentor.db import Database
from unmentor.network.data import NetworkData, load_network
from unmentor.network.figures import figure_lines
from unmentor.network.flight import FlightCache
from unmentor.network.jobs import (
    Layouts,
    Picture,
    alt_texts_job,
    animation_job,
    card_job,
    connectivity_chart_job,
    connectivity_job,
    growth_job,
    layouts_job,
    network_job,
    organisations_job,
    outcomes_job,
)
from unmentor.network.stats import network_stats
from unmentor.network.views import View, organiser_view, public_view
from unmentor.network.workers import Workers
from unmentor.rounds.experiments import Experiments, experiments
from viz.connectivity import Connectivity
from viz.network import neighbourhoods

Format = Literal["svg", "png"]
T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """The network at one data version, and what organisers and the public may see of it."""

    version: int
    data: NetworkData
    organiser: View
    public: View


class NetworkImages:
    """Cached pictures and numbers of one database's network.

    Callers take one `snapshot()` per request and pass its views on, so a page showing many
    pictures reads the version once and every picture on it shows the same moment.
    """

    def __init__(
        self,
        database: Database,
        *,
        min_people: int,
        workers: Workers | None = None,
        max_bytes: int = 256 * 2**20,
        scheme_name: str = "UnMentor",
        show_organisations: bool = False,
    ) -> None:
        self.database = database
        self.min_people = min_people
        self.scheme_name = scheme_name
        self.show_organisations = show_organisations
        self.workers = workers or Workers(0)
        self.cache = FlightCache(max_bytes)
        self._loads = FlightCache(0)  # single flight only: snapshots are kept in _snapshot
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self.loads = 0

    def snapshot(self) -> Snapshot:
        """The network now: the cached one while the data version stands, else reloaded once."""
        with self.database.read_session() as session:
            version = current_version(session=session)
        current = self._snapshot
        if current is not None and current.version == version:
            return current
        return self._loads.get((version,), self._load)

    def _load(self) -> Snapshot:
        with self.database.read_session() as session:
            # The version first: data read after it is at least as new, so a snapshot is never
            # filed under a version newer than its data (it may be older: then it reloads).
            version = current_version(session=session)
            data = load_network(session=session)
        snapshot = Snapshot(
            version=version,
            data=data,
            organiser=organiser_view(data, version=version),
            public=public_view(
                data, min_people=self.min_people, show_organisations=self.show_organisations
            ),
        )
        with self._lock:
            self.loads += 1
            if self._snapshot is None or version >= self._snapshot.version:
                self._snapshot = snapshot
                self.cache.retain(
                    {
                        snapshot.organiser.generation,
                        snapshot.public.generation,
                        ("stats", version),
                        ("experiments", version),
                    }
                )
        return snapshot

    def _layouts(self, view: View) -> Layouts:
        def build() -> Layouts:
            # Neighbourhoods by the labels the picture colours by (folded in public): see
            # viz.layout. Worked out only on a miss: a cached picture costs no pass over people.
            groups = neighbourhoods(view.people, public=view.public, min_category=view.min_category)
            return self.workers.run(layouts_job, view.links, groups)

        return self.cache.get((view.generation, "layouts"), build)

    def _title(self, view: View, what: str, round_number: int) -> str:
        month = view.month_of(round_number)
        return f"{self.scheme_name}: {what}" + (f", {month}" if month else "")

    def network(self, view: View, round_number: int, *, fmt: Format = "svg") -> Picture:
        """The cumulative network after `round_number`, that round's links emphasised."""

        def build() -> Picture:
            layouts = self._layouts(view)
            return self.workers.run(
                network_job,
                view.people,
                view.links,
                round_number,
                layouts.positions(round_number),
                layouts.frame,
                public=view.public,
                fmt=fmt,
                labels=view.labels,
                min_category=view.min_category,
                title=self._title(view, f"the network after round {round_number}", round_number),
            )

        return self.cache.get((view.generation, "network", round_number, fmt), build)

    def organisations(self, view: View, *, fmt: Format = "svg") -> Picture:
        """Sectors (or named organisations) and the conversations held between them."""
        last = view.rounds[-1] if view.rounds else 0
        what = "sectors" if view.organisation_nodes is None else "organisations"
        title = self._title(view, f"conversations between {what}, rounds 1-{last}", last)
        return self.cache.get(
            (view.generation, "organisations", fmt),
            lambda: self.workers.run(
                organisations_job,
                view.people,
                view.links,
                view.organisation_nodes,
                public=view.public,
                min_category=view.min_category,
                fmt=fmt,
                title=title,
            ),
        )

    def alt_texts(self, view: View) -> dict[int, str]:
        """Counts-only descriptions of the view's round pictures, by round number."""

        def build() -> dict[int, str]:
            texts = self.workers.run(alt_texts_job, view.people, view.links, view.figures)
            return {n: texts.get(n, f"Round {n}: no groups.") for n in view.rounds}

        return self.cache.get((view.generation, "alt"), build)

    def growth(self, view: View, *, fmt: Format = "svg") -> Picture:
        """Sign-ups and people taking part at each of the view's rounds."""
        return self.cache.get(
            (view.generation, "growth", fmt),
            lambda: self.workers.run(growth_job, view.points, view.marks, fmt),
        )

    def outcomes(self, view: View, *, fmt: Format = "svg") -> Picture:
        """Met, not met and unconfirmed shares of groups per round of the view."""
        return self.cache.get(
            (view.generation, "outcomes", fmt),
            lambda: self.workers.run(outcomes_job, view.outcomes, fmt),
        )

    def figure_lines(self, view: View) -> dict[int, list[str]]:
        """Each of the view's rounds' figures in words (unmentor.network.figures)."""
        return {n: figure_lines(view.figures.get(n)) for n in view.rounds}

    def animation(self, view: View) -> Picture:
        """A GIF of the network growing over the view's rounds, in their stable layout."""

        def build() -> Picture:
            layouts = self._layouts(view)
            return self.workers.run(
                animation_job,
                view.people,
                view.links,
                view.rounds,
                layouts,
                public=view.public,
                min_category=view.min_category,
            )

        return self.cache.get((view.generation, "animation"), build)

    def card(self, view: View, round_number: int) -> Picture:
        """The 1200x630 share card of a round: its picture beside its figures."""

        def build() -> Picture:
            layouts = self._layouts(view)
            return self.workers.run(
                card_job,
                view.people,
                view.links,
                round_number,
                layouts.positions(round_number),
                layouts.frame,
                figure_lines(view.figures.get(round_number)),
                public=view.public,
                min_category=view.min_category,
            )

        return self.cache.get((view.generation, "card", round_number), build)

    def connectivity(self, view: View) -> list[Connectivity]:
        """Largest group, organisations met, cross-sector share: after each of the view's rounds."""
        sector_of = {person.key: person.category for person in view.people}
        return self.cache.get(
            (view.generation, "connectivity"),
            lambda: self.workers.run(
                connectivity_job, view.links, view.rounds, view.organisation_of, sector_of
            ),
        )

    def connectivity_chart(self, view: View, *, fmt: Format = "svg") -> Picture:
        """The connectivity numbers, round by round, as a chart."""
        return self.cache.get(
            (view.generation, "connectivity", fmt),
            lambda: self.workers.run(connectivity_chart_job, self.connectivity(view), fmt),
        )

    def memo(self, view: View, kind: str, build: Callable[[], T]) -> T:
        """Anything else drawn from the view (a feed), built once per generation like pictures."""
        return self.cache.get((view.generation, kind), build)

    def stats(self) -> dict[str, Any]:
        """The organisers' statistics (network_stats) at the current data version."""
        snapshot = self.snapshot()

        def build() -> dict[str, Any]:
            with self.database.read_session() as session:
                return network_stats(session=session, data=snapshot.data, run=self.workers.run)

        return self.cache.get((("stats", snapshot.version), "stats"), build)

    def experiments(self) -> Experiments:
        """The organisers' experiments at the current data version.

        Every answer, rhythm and picked time they compare is a row the data version follows, so
        the comparisons stand until it moves (computing them takes seconds at 100,000 people).
        """
        snapshot = self.snapshot()

        def build() -> Experiments:
            with self.database.read_session() as session:
                return experiments(session=session)

        return self.cache.get((("experiments", snapshot.version), "experiments"), build)

    def close(self) -> None:
        """Stop the worker processes."""
        self.workers.close()
