"""What earlier rounds mean: who has met whom and who has sat out (for the next round), and
each person's own rounds and partners (for their page)."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from unmentor.people.models import NO_ORGANISATION, Organisation, Participant
from unmentor.rounds.figures import group_outcome
from unmentor.rounds.models import Outcome, Round, RoundMember, RoundSitOut
from unmentor.settings import Settings


def earlier_pairs(*, session: Session) -> list[tuple[int, int]]:
    """Every pair of people who were ever in one group (so never to be paired again).

    Members are read in group order and paired here: a SQL self-join on the members table
    can make SQLite probe a whole round per member (quadratic), and this is one linear scan.
    """
    rows = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, RoundMember.participant_id).order_by(
            col(RoundMember.round_id), col(RoundMember.group_no)
        )
    ).all()
    pairs: list[tuple[int, int]] = []
    group: list[int] = []
    current = None
    for round_id, group_no, participant_id in rows:
        if (round_id, group_no) != current:
            pairs.extend(itertools.combinations(group, 2))
            group, current = [], (round_id, group_no)
        group.append(participant_id)
    pairs.extend(itertools.combinations(group, 2))
    return pairs


def sit_out_counts(*, session: Session) -> dict[int, int]:
    """How many rounds each person has sat out: their priority in the next round.

    Counting all sit-outs, not just the last, is what makes turns fair: each round places as
    many people who have sat out most as any grouping can, and the engine chooses rounds so
    that later ones can too (matching/lasting.py, a lookahead of a few rounds; as good as an
    exhaustive search in the tests' small communities). So nobody sits out again while
    someone placed that round has sat out fewer times, unless the earlier rounds could not
    have avoided it (a majority organisation, say, whose members must take turns while
    outsiders never sit out).
    """
    rows = session.exec(
        select(col(RoundSitOut.participant_id), func.count()).group_by(
            col(RoundSitOut.participant_id)
        )
    ).all()
    return dict(rows)


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def pair_rounds(
    *, session: Session, people: Collection[int] | None = None, before_round: int | None = None
) -> dict[tuple[int, int], tuple[int, int]]:
    """Per pair (low id, high id) ever in one group: the first and last round number they met.

    `people` limits it to pairs among those ids, `before_round` to rounds numbered lower.
    """
    query = select(Round.number, RoundMember.group_no, RoundMember.participant_id).join(
        Round, col(Round.id) == RoundMember.round_id
    )
    if people is not None:
        query = query.where(col(RoundMember.participant_id).in_(list(people)))
    if before_round is not None:
        query = query.where(Round.number < before_round)
    rows = session.exec(query.order_by(col(Round.number), col(RoundMember.group_no))).all()
    met: dict[tuple[int, int], tuple[int, int]] = {}
    for (number, _), members in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        for a, b in itertools.combinations([pid for *_, pid in members], 2):
            key = _pair_key(a, b)
            first = met.get(key, (number, number))[0]
            met[key] = (first, number)
    return met


@dataclass
class PastMeetings:
    """Earlier meetings as the repeat policy lets the next round see them."""

    never_again: list[tuple[int, int]]  # the engine's `history`
    # Pairs that may meet again when someone has nobody fresh left, each with the round they
    # last met; None unless `when_no_fresh_partner = "repeat_oldest"`.
    repeatable: dict[tuple[int, int], int] | None = None
    # (low, high) -> (first, last) round met; filled only when a repeat is possible at all.
    rounds: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def first_met(self, groups: Iterable[Iterable[int]]) -> dict[tuple[int, int], int]:
        """For pairs within `groups` who met before: the round they first met."""
        found = {}
        for group in groups:
            for a, b in itertools.combinations(group, 2):
                key = _pair_key(a, b)
                if key in self.rounds:
                    found[key] = self.rounds[key][0]
        return found


def past_meetings(*, session: Session, settings: Settings) -> PastMeetings:
    """History for the next round under `repeat_partners_after_rounds` and
    `when_no_fresh_partner`: with N > 0, pairs who last met more than N rounds before the
    next round may meet again as if new."""
    after = settings.repeat_partners_after_rounds
    repeat_oldest = settings.when_no_fresh_partner == "repeat_oldest"
    if after == 0 and not repeat_oldest:
        # The default: never again, and no per-pair rounds to read.
        return PastMeetings(never_again=earlier_pairs(session=session))
    rounds = pair_rounds(session=session)
    next_round = (session.exec(select(func.max(Round.number))).one() or 0) + 1
    never_again = [
        pair for pair, (_, last) in rounds.items() if after == 0 or next_round - last <= after
    ]
    repeatable = {pair: rounds[pair][1] for pair in never_again} if repeat_oldest else None
    return PastMeetings(never_again=never_again, repeatable=repeatable, rounds=rounds)


def first_meetings(
    *, session: Session, groups: list[list[int]], round_number: int
) -> dict[tuple[int, int], int]:
    """For pairs within `groups` of round `round_number` who met in an earlier round: the
    round they first met (what their introduction tells them)."""
    people = {pid for group in groups for pid in group}
    if not people:
        return {}
    rounds = pair_rounds(session=session, people=people, before_round=round_number)
    return PastMeetings(never_again=[], rounds=rounds).first_met(groups)


@dataclass(frozen=True)
class Partner:
    """Someone a person shared a group with, as their own page shows them."""

    id: int
    name: str
    email: str
    organisation: str  # NO_ORGANISATION for someone without one
    sector: str | None


@dataclass
class MyRound:
    """One round a person was placed in, seen from their side."""

    round_id: int
    number: int
    period: str
    closes_on: date
    is_open: bool
    partners: list[Partner]
    own_answer: Outcome | None
    # How the group's meeting is counted: met / not_met / unconfirmed, or pending while open.
    group_outcome: str
    meeting_at: datetime | None
    # 2 for a second-chance group (someone given one sees both groups of that round).
    chance: int = 1


def rounds_of(*, session: Session, participant_id: int) -> list[MyRound]:
    """Every round the person was placed in, newest first, with the partners who still exist.

    Erasing someone deletes their memberships, so an erased partner is simply absent; a
    closed round left with no partner at all is left out (there is nobody to show), an open
    one is kept so its page can say the partner has gone.
    """
    mine, theirs = aliased(RoundMember), aliased(RoundMember)
    rows = session.exec(
        select(  # type: ignore[call-overload, misc]  # sqlmodel types select() for up to 4 columns
            Round.id,
            Round.number,
            Round.period,
            Round.closes_on,
            Round.closed_at,
            mine.outcome,
            mine.meeting_at,
            theirs.outcome,
            mine.chance,
            Participant.id,
            Participant.name,
            Participant.email,
            Organisation.name,
            Participant.sector,
        )
        .join(mine, mine.round_id == Round.id)
        .outerjoin(
            theirs,
            (theirs.round_id == mine.round_id)
            & (theirs.group_no == mine.group_no)
            & (theirs.participant_id != mine.participant_id),
        )
        .outerjoin(Participant, Participant.id == theirs.participant_id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(mine.participant_id == participant_id)
        .order_by(
            col(Round.number).desc(),
            col(mine.chance).desc(),
            col(Participant.name),
            col(Participant.id),
        )
    ).all()
    found: list[MyRound] = []
    answers: list[list[Outcome | None]] = []
    for row in rows:
        round_id, number, period, closes_on, closed_at, own, meeting_at, their_answer = row[:8]
        chance, partner_id, name, email, organisation, sector = row[8:]
        if not found or (found[-1].round_id, found[-1].chance) != (round_id, chance):
            found.append(
                MyRound(
                    round_id=round_id,
                    number=number,
                    period=period,
                    closes_on=closes_on,
                    is_open=closed_at is None,
                    partners=[],
                    own_answer=own,
                    group_outcome="",
                    meeting_at=meeting_at,
                    chance=chance,
                )
            )
            answers.append([own])
        if partner_id is not None:
            found[-1].partners.append(
                Partner(
                    id=partner_id,
                    name=name,
                    email=email,
                    organisation=organisation or NO_ORGANISATION,
                    sector=sector,
                )
            )
            answers[-1].append(their_answer)
    for my_round, group_answers in zip(found, answers, strict=True):
        my_round.group_outcome = group_outcome(group_answers, closed=not my_round.is_open)
    return [r for r in found if r.partners or r.is_open]
