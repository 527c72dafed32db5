"""What each audience may see of the network: organisers everything, the public only big rounds.

A round with fewer than `public_min_people` taking part is cut out of the public view before
anything is drawn or counted, so no public output can show it: its links are gone from every
network picture (including later rounds' cumulative ones), its people are gone unless a
published round has them, and it has no point on the growth chart, no bar on the outcomes
chart and no alt text. Its figures (how many groups met) come from unmentor.rounds.figures,
like every other page's. Sectors shared by fewer than that many of the people shown are drawn
as "Other" (viz folds them, given `min_category`).

Organisations are named in public only when the deployment says so (`show_organisations`) and
only those with at least `min_people` of the people shown; everyone else's organisation is
"Other organisations", decided here so that no public job ever sees a name it may not draw.

The public view is keyed by a fingerprint of its own content rather than by the data version:
sign-ups, status changes and activity in unpublished rounds bump the version without changing
anything public, and should not make every public picture be drawn again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from unmentor.network.data import NetworkData
from unmentor.rounds.figures import RoundFigures
from viz import GrowthPoint, LinkArrays, Person, RoundMark, RoundOutcomes
from viz.organisations import OTHER_ORGANISATIONS

# Organisers see names on the picture while it stays readable.
MAX_LABELLED_PEOPLE = 150


@dataclass(frozen=True)
class View:
    """The network as one audience sees it, in the shape the picture jobs take."""

    generation: Hashable  # what its cached pictures are filed under
    public: bool
    people: list[Person]
    links: LinkArrays
    rounds: list[int]  # round numbers with a picture, ascending
    points: list[GrowthPoint]
    marks: list[RoundMark]
    outcomes: list[RoundOutcomes]  # what the outcomes chart draws, one per round shown
    figures: Mapping[int, RoundFigures]  # round number -> its figures (alt texts)
    labels: Mapping[int, str] | None = None
    min_category: int = 1
    # Counted, never shown: an opaque number per organisation, for "organisations met".
    organisation_of: Mapping[int, int] = field(default_factory=dict)
    starts_on: Mapping[int, date] = field(default_factory=dict)  # of the view's rounds
    closed_at: Mapping[int, datetime] = field(default_factory=dict)  # of its closed rounds

    def published(self) -> list[int]:
        """The view's rounds that are closed: their pictures and figures will not change."""
        return [n for n in self.rounds if n in self.closed_at]

    # key -> organisation node of the organisations picture; None: one node per sector.
    organisation_nodes: Mapping[int, str] | None = None

    def month_of(self, round_number: int) -> str | None:
        """The month a round was formed in, as a title says it ("March 2027")."""
        day = next((m.day for m in self.marks if m.number == round_number), None)
        return None if day is None else f"{day:%B %Y}"


def organiser_view(data: NetworkData, *, version: int) -> View:
    """Every round, every person, names while the picture stays readable."""
    points, marks = data.growth()
    labels = data.name_of if len(data.people) <= MAX_LABELLED_PEOPLE else None
    return View(
        generation=("organiser", version),
        public=False,
        people=data.people,
        links=LinkArrays.of(data.links),
        rounds=data.round_numbers(),
        points=points,
        marks=marks,
        outcomes=data.outcomes(),
        figures=data.figures,
        labels=labels,
        **_round_facts(data, set(data.round_numbers())),
    )


def public_view(data: NetworkData, *, min_people: int, show_organisations: bool = False) -> View:
    """Only rounds with at least `min_people` taking part, and only the people in them."""
    shown = data.published_rounds(min_people)
    keep = set(shown)
    links = [link for link in data.links if link.round_number in keep]
    linked = {link.a for link in links} | {link.b for link in links}
    people = [person for person in data.people if person.key in linked]
    points, marks = data.growth()
    pairs = [(p, m) for p, m in zip(points, marks, strict=True) if m.number in keep]
    table = LinkArrays.of(links)
    view = View(
        generation=None,
        public=True,
        people=people,
        links=table,
        rounds=shown,
        points=[p for p, _ in pairs],
        marks=[m for _, m in pairs],
        outcomes=[o for o in data.outcomes() if o.number in keep],
        figures={n: f for n, f in data.figures.items() if n in keep},
        min_category=min_people,
        **_round_facts(data, keep, linked),
        organisation_nodes=_named_organisations(data, people, min_people)
        if show_organisations
        else None,
    )
    return replace(view, generation=("public", _fingerprint(view)))


def _round_facts(data: NetworkData, rounds: set[int], people: set[int] | None = None) -> dict:
    """When the view's rounds started and closed, and who is in which organisation (as numbers)."""
    number_of = {name: i for i, name in enumerate(sorted(set(data.organisation_of.values())))}
    return {
        "organisation_of": {
            pid: number_of[name]
            for pid, name in data.organisation_of.items()
            if people is None or pid in people
        },
        "starts_on": {r.number: r.starts_on for r in data.rounds if r.number in rounds},
        "closed_at": {
            r.number: r.closed_at
            for r in data.rounds
            if r.number in rounds and r.closed_at is not None
        },
    }


def _named_organisations(
    data: NetworkData, people: list[Person], min_people: int
) -> dict[int, str]:
    """Key -> organisation name if at least `min_people` of `people` belong to it, else Other."""
    shown = [p.key for p in people]
    counts: dict[str, int] = {}
    for key in shown:
        org = data.organisation_of.get(key)
        if org is not None:
            counts[org] = counts.get(org, 0) + 1
    nodes = {}
    for key in shown:
        org = data.organisation_of.get(key)
        named = org is not None and counts[org] >= min_people
        nodes[key] = org if named else OTHER_ORGANISATIONS
    return nodes


def _fingerprint(view: View) -> str:
    """Changes whenever anything a public output shows changes."""
    digest = hashlib.sha256()
    for column in (view.links.a, view.links.b, view.links.round_number, view.links.outcome):
        digest.update(column.tobytes())
    digest.update(repr([(p.key, p.category) for p in view.people]).encode())
    shown = (view.rounds, view.points, view.marks, view.outcomes, view.min_category)
    digest.update(repr(shown).encode())
    facts = (sorted(view.organisation_of.items()), view.starts_on, view.closed_at)
    digest.update(repr(facts).encode())
    nodes = view.organisation_nodes
    digest.update(repr(None if nodes is None else sorted(nodes.items())).encode())
    return digest.hexdigest()
