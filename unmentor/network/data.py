"""Reading the network out of the database as viz's plain data.

Everything is read afresh from the current rows, so an erased person (whose memberships are
deleted with them) is simply absent from every picture and number drawn after the erasure.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from unmentor.people.models import Organisation, Participant
from unmentor.rounds.figures import RoundFigures, group_outcome, tally
from unmentor.rounds.models import Outcome, Round, RoundMember, RoundSitOut
from viz import GrowthPoint, Link, Person, RoundMark, RoundOutcomes


@dataclass
class NetworkData:
    people: list[Person]  # category: the person's sector (safe to name in public)
    links: list[Link]
    rounds: list[Round]
    organisation_of: dict[int, str]
    sector_of: dict[int, str | None]
    name_of: dict[int, str]
    taking_part: dict[int, int] = field(default_factory=dict)  # round number -> people
    signed_up: list[date] = field(default_factory=list)
    figures: dict[int, RoundFigures] = field(default_factory=dict)  # round number -> figures

    def round_numbers(self) -> list[int]:
        return [r.number for r in self.rounds]

    def published_rounds(self, min_people: int) -> list[int]:
        """Rounds large enough to show in public: in a tiny one, a dot can point at someone."""
        return [n for n in self.round_numbers() if self.taking_part.get(n, 0) >= min_people]

    def growth(self) -> tuple[list[GrowthPoint], list[RoundMark]]:
        """Sign-ups over time and, at each round, how many took part."""
        marks, points = [], []
        for round_ in self.rounds:
            figures = self.figures.get(round_.number)
            joined = sum(1 for day in self.signed_up if day <= round_.starts_on)
            points.append(
                GrowthPoint(
                    day=round_.starts_on,
                    signed_up=joined,
                    active=self.taking_part.get(round_.number, 0),
                )
            )
            marks.append(
                RoundMark(
                    number=round_.number,
                    day=round_.starts_on,
                    met_rate=figures.met_rate if figures else None,
                    provisional=figures.open if figures else False,
                )
            )
        return points, marks

    def outcomes(self) -> list[RoundOutcomes]:
        """Each round's groups by outcome, for the outcomes chart (an open round provisional)."""
        return [
            RoundOutcomes(
                number=f.number,
                met=f.met,
                not_met=f.not_met,
                unconfirmed=f.unconfirmed,
                pending=f.pending,
                provisional=f.open,
            )
            for f in (self.figures.get(n) for n in self.round_numbers())
            if f is not None
        ]


def load_network(*, session: Session) -> NetworkData:
    """The whole network as plain data: people in any round, and each group's links."""
    rounds = list(session.exec(select(Round).order_by(col(Round.number))).all())
    number_of = {r.id: r.number for r in rounds}
    closed = {r.id: r.closed_at is not None for r in rounds}
    members = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            RoundMember.round_id,
            RoundMember.group_no,
            RoundMember.participant_id,
            RoundMember.outcome,
            RoundMember.chance,
        )
    ).all()
    groups: dict[tuple[int, int], list[tuple[int, Outcome | None]]] = defaultdict(list)
    for round_id, group_no, pid, outcome, _ in members:
        groups[(round_id, group_no)].append((pid, outcome))
    answers: dict[int, dict[int, list[Outcome | None]]] = defaultdict(dict)
    for (round_id, group_no), group in groups.items():
        answers[round_id][group_no] = [o for _, o in group]
    figures = {
        r.number: tally(r.number, answers.get(r.id, {}), closed=closed[r.id]) for r in rounds
    }
    links = []
    for (round_id, _), group in sorted(groups.items()):
        outcome = group_outcome([o for _, o in group], closed=closed[round_id])
        for (a, _), (b, _) in itertools.combinations(sorted(group), 2):
            links.append(Link(a=a, b=b, round_number=number_of[round_id], outcome=outcome))
    taking_part: dict[int, int] = defaultdict(int)
    for round_id, _, _, _, chance in members:
        # Someone given a second chance is in two groups of the round: counted once.
        taking_part[number_of[round_id]] += chance == 1
    for round_id, _ in session.exec(select(RoundSitOut.round_id, RoundSitOut.participant_id)).all():
        taking_part[number_of[round_id]] += 1
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            Participant.id,
            Participant.name,
            Participant.sector,
            Organisation.name,
            Participant.created_at,
        )
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        # In id order: PostgreSQL returns an updated row elsewhere, and a reordering must not
        # look like a change to what is drawn (public pictures are keyed by their content).
        .order_by(Participant.id)
    ).all()
    in_network = {link.a for link in links} | {link.b for link in links}
    return NetworkData(
        people=[
            Person(key=pid, category=sector) for pid, _, sector, _, _ in rows if pid in in_network
        ],
        links=links,
        rounds=rounds,
        # Someone without an organisation is in none: not counted as one, nor in its pairs.
        organisation_of={pid: org for pid, _, _, org, _ in rows if org is not None},
        sector_of={pid: sector for pid, _, sector, _, _ in rows},
        name_of={pid: name for pid, name, _, _, _ in rows},
        taking_part=dict(taking_part),
        signed_up=sorted(created.date() for *_, created in rows),
        figures=figures,
    )
