"""When someone is erased mid-round, the rest of their group hears about it, and mail that
named them is rewritten for the group as it is now.

The notice itself does not name who left: it is sent as part of erasing that person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from unmentor.mail.compose import compose
from unmentor.mail.models import OutboxMention, OutboxMessage
from unmentor.mail.outbox import enqueue, record_mentions
from unmentor.people.models import Participant
from unmentor.rounds.emails import footer, group_email_kind, group_email_rows, rematch_link
from unmentor.rounds.history import first_meetings
from unmentor.rounds.members import groups_with_people, meetings_of
from unmentor.rounds.models import FIRST_CHANCE, Round, RoundMember
from unmentor.rounds.rematch_rules import rematch_open
from unmentor.settings import Settings


def tell_groupmates(
    *, session: Session, settings: Settings, participant: Participant, now: datetime
) -> int:
    """Email the others in each open round's group of `participant`; returns how many."""
    memberships = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, RoundMember.chance)
        .join(Round, col(Round.id) == RoundMember.round_id)
        .where(col(RoundMember.participant_id) == participant.id, col(Round.closed_at).is_(None))
    ).all()
    chances = {(round_id, group_no): chance for round_id, group_no, chance in memberships}
    told = 0
    for round_id, group_no in chances:
        group = groups_with_people(session=session, round_id=round_id, group_nos={group_no})
        people = [person for _, person in group.get(group_no, [])]
        others = [p for p in people if p.id != participant.id]
        for person in others:
            still_there = [p for p in others if p.id != person.id]
            enqueue(
                session=session,
                idempotency_key=f"partner_left:{round_id}:{person.id}:{participant.id}",
                to_address=person.email,
                email=compose(
                    "partner_left",
                    name=person.name,
                    others=[p.name for p in still_there],
                    rematch_link=(
                        rematch_link(settings, round_id, person.id)
                        if not still_there
                        and chances[round_id, group_no] == FIRST_CHANCE
                        and rematch_open(
                            session.get_one(Round, round_id), settings=settings, today=now.date()
                        )
                        else None
                    ),
                    footer=footer(settings),
                ),
                participant_id=person.id,
                now=now,
                mentions=[p.id for p in still_there],
            )
            told += 1
    return told


def rewrite_for_group_as_it_is(
    *, session: Session, settings: Settings, message: OutboxMessage, now: datetime
) -> bool:
    """Recompose an unsent introduction or reminder for its group as it is now.

    Returns False when the recipient no longer needs the email (it is not a round email, the
    round is closed, or nobody is left in their group), so the caller drops it instead.
    """
    kind = group_email_kind(message.idempotency_key)
    if kind is None or message.participant_id is None or message.sent_at is not None:
        return False
    template, round_id, chance = kind
    round_ = session.get(Round, round_id)
    if round_ is None or round_.closed_at is not None:
        return False
    member = session.exec(
        select(RoundMember).where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == message.participant_id,
            RoundMember.chance == chance,
        )
    ).first()
    if member is None:
        return False
    group_no = member.group_no
    group = groups_with_people(session=session, round_id=round_id, group_nos={group_no})
    people = [person for _, person in group.get(group_no, [])]
    if len(people) < 2:
        return False
    (row,) = group_email_rows(
        template=template,
        key_prefix="rewritten",
        round_id=round_id,
        period_key=round_.period,
        closes_on=round_.closes_on,
        groups=[people],
        settings=settings,
        now=now,
        recipients={message.participant_id},
        group_nos=[group_no],
        formed_at=member.group_formed_at(round_),
        meetings=meetings_of(group),
        chances={group_no: chance},
        offer_rematch=template == "reminder"
        and rematch_open(round_, settings=settings, today=now.date()),
        first_met=first_meetings(
            session=session, groups=[[p.id for p in people]], round_number=round_.number
        ),
    )
    message.subject = row["subject"]
    message.body = row["body"]
    message.parts = row["parts"]
    session.add(message)
    session.exec(delete(OutboxMention).where(col(OutboxMention.message_id) == message.id))
    session.flush()
    record_mentions(session=session, mentions={message.id: row["mentions"]})
    return True
