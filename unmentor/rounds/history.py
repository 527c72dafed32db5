"""What earlier rounds mean for the next one: who has met whom, and who has sat out."""

from __future__ import annotations

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from unmentor.rounds.models import RoundMember, RoundSitOut


def earlier_pairs(*, session: Session) -> list[tuple[int, int]]:
    """Every pair of people who were ever in one group (so never to be paired again)."""
    a = aliased(RoundMember)
    b = aliased(RoundMember)
    rows = session.exec(
        select(a.participant_id, b.participant_id).join(
            b,
            and_(
                a.round_id == b.round_id,
                a.group_no == b.group_no,
                a.participant_id < b.participant_id,
            ),
        )
    ).all()
    return [(x, y) for x, y in rows]


def sit_out_counts(*, session: Session) -> dict[int, int]:
    """How many rounds each person has sat out: their priority in the next round.

    Counting all sit-outs, not just the last, means nobody sits out twice before everyone
    who could be placed has sat out once.
    """
    rows = session.exec(
        select(RoundSitOut.participant_id, func.count()).group_by(RoundSitOut.participant_id)
    ).all()
    return dict(rows)
