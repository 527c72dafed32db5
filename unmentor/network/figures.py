"""A round's headline figures, as the public round page, the feed and the share card show them.

The one place public outputs get their round figures from: when the counting of rounds changes
(unmentor.rounds.figures), `round_figures` is what to point at it. Counts only; computed from the
view's people and links in a worker process (jobs.figures_job), like every other public output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from viz import LinkArrays, Person, metrics_by_round


@dataclass(frozen=True)
class RoundFigures:
    """How many took part in a round, in how many groups, and how the conversations went."""

    round_number: int
    people: int  # in the network by this round
    people_this_round: int
    groups: int
    met_rate: float | None  # of the round's answered or closed links
    not_met_rate: float | None
    unconfirmed_rate: float | None
    pending: int  # links still awaiting an answer

    def lines(self) -> list[str]:
        """The figures as short sentences, for a page, a feed entry or a card."""
        lines = [
            f"{self.people_this_round} people took part",
            f"{self.groups} conversations arranged",
        ]
        if self.met_rate is not None:
            lines += [
                f"{_percent(self.met_rate)} met",
                f"{_percent(self.not_met_rate)} did not meet",
                f"{_percent(self.unconfirmed_rate)} not confirmed",
            ]
        if self.pending:
            lines.append(f"{self.pending} pairs still to answer")
        lines.append(f"{self.people} people in the network so far")
        return lines


def round_figures(people: Sequence[Person], links: LinkArrays) -> dict[int, RoundFigures]:
    """Every round's figures, by round number (rounds without a link have none)."""
    return {
        m.round_number: RoundFigures(
            round_number=m.round_number,
            people=m.people,
            people_this_round=m.people_this_round,
            groups=m.groups,
            met_rate=m.met_rate,
            not_met_rate=m.not_met_rate,
            unconfirmed_rate=m.unconfirmed_rate,
            pending=m.pending,
        )
        for m in metrics_by_round(people, links)
        if m.links
    }


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{round(100 * share)}%"
