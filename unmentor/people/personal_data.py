"""Everything held about one participant, for "download my data"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Organisation, Participant
from unmentor.people.service import get_participant
from unmentor.rounds.models import Round, RoundMember


def export_data(*, session: Session, participant_id: int) -> dict[str, Any]:
    """Everything we hold about the participant, as JSON-ready data."""
    participant = get_participant(session=session, participant_id=participant_id)
    organisation = session.get(Organisation, participant.organisation_id)
    emails = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.participant_id == participant_id)
        .order_by(OutboxMessage.created_at)
    ).all()
    return {
        "rounds": _rounds_of(session, participant_id),
        "participant": {
            "name": participant.name,
            "email": participant.email,
            "organisation": organisation.name,
            "sector": participant.sector,
            "status": participant.status.value,
            "paused_until": _iso(participant.paused_until),
            "joined_on": _iso(participant.joined_on),
            "signed_up_at": _iso(participant.created_at),
        },
        "emails": [
            {
                # Every key starts with the template's name: "login", "introduction" ...
                "kind": message.idempotency_key.partition(":")[0],
                # The relay forgets subject and body once the email is sent.
                "subject": message.subject or None,
                "queued_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in emails
        ],
    }


def _rounds_of(session: Session, participant_id: int) -> list[dict[str, Any]]:
    mine = session.exec(
        select(Round, RoundMember)
        .join(RoundMember, RoundMember.round_id == Round.id)
        .where(RoundMember.participant_id == participant_id)
        .order_by(Round.number)
    ).all()
    rounds = []
    for round_, member in mine:
        partners = session.exec(
            select(Participant.name)
            .join(RoundMember, RoundMember.participant_id == Participant.id)
            .where(
                RoundMember.round_id == round_.id,
                RoundMember.group_no == member.group_no,
                RoundMember.participant_id != participant_id,
            )
        ).all()
        rounds.append(
            {
                "round": round_.number,
                "period": round_.period,
                "met_with": sorted(partners),
                "your_answer": member.outcome.value if member.outcome else None,
                "reason": member.reason.value if member.reason else None,
            }
        )
    return rounds


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
