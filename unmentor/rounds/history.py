"""What earlier rounds mean for the next one: who has met whom, and who has sat out."""

from __future__ import annotations

import itertools

from sqlalchemy import func
from sqlmodel import Session, select

from unmentor.rounds.models import RoundMember, RoundSitOut


def earlier_pairs(*, session: Session) -> list[tuple[int, int]]:
    """Every pair of people who were ever in one group (so never to be paired again).

    Members are read in group order and paired here: a SQL self-join on the members table
    can make SQLite probe a whole round per member (quadratic), and this is one linear scan.
    """
    rows = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, RoundMember.participant_id).order_by(
            RoundMember.round_id, RoundMember.group_no
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

    Counting all sit-outs, not just the last, means nobody sits out twice before everyone
    who could be placed has sat out once.
    """
    rows = session.exec(
        select(RoundSitOut.participant_id, func.count()).group_by(RoundSitOut.participant_id)
    ).all()
    return dict(rows)
