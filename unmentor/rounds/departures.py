"""When someone is erased mid-round, the rest of their group hears about it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.people.models import Participant
from unmentor.rounds.emails import footer
from unmentor.rounds.members import groups_with_people
from unmentor.rounds.models import Round, RoundMember
from unmentor.settings import Settings


def tell_groupmates(
    *, session: Session, settings: Settings, participant: Participant, now: datetime
) -> int:
    """Email the others in each open round's group of `participant`; returns how many."""
    memberships = session.exec(
        select(RoundMember.round_id, RoundMember.group_no)
        .join(Round, Round.id == RoundMember.round_id)
        .where(RoundMember.participant_id == participant.id, Round.closed_at.is_(None))
    ).all()
    told = 0
    for round_id, group_no in memberships:
        group = groups_with_people(session=session, round_id=round_id, group_nos={group_no})
        people = [person for _, person in group.get(group_no, [])]
        others = [p for p in people if p.id != participant.id]
        for person in others:
            enqueue(
                session=session,
                idempotency_key=f"partner_left:{round_id}:{person.id}:{participant.id}",
                to_address=person.email,
                email=compose(
                    "partner_left",
                    name=person.name,
                    partner_name=participant.name,
                    others=[p.name for p in others if p.id != person.id],
                    footer=footer(settings),
                ),
                participant_id=person.id,
                now=now,
            )
            told += 1
    return told
