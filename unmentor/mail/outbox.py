"""Putting email in the outbox, inside the caller's transaction.

Nothing is sent here: if the transaction rolls back, the email never existed; if it commits,
the relay will send it even if this process dies a moment later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from unmentor.mail.compose import Email
from unmentor.mail.models import OutboxMention, OutboxMessage


def enqueue(
    *,
    session: Session,
    idempotency_key: str,
    to_address: str,
    email: Email,
    participant_id: int | None,
    now: datetime,
    mentions: Iterable[int] = (),
) -> OutboxMessage:
    """Add an email to the outbox unless one with the same key is already there.

    `mentions` are the participants the email names besides its recipient, so that erasing
    one of them finds this email too.
    """
    existing = session.exec(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    ).first()
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        participant_id=participant_id,
        to_address=to_address,
        subject=email.subject,
        body=email.body,
        created_at=now,
        send_after=now,
    )
    session.add(message)
    session.flush()
    record_mentions(session=session, mentions={message.id: mentions})
    return message


def record_mentions(*, session: Session, mentions: dict[int, Iterable[int]]) -> None:
    """Note who each message (by id) names besides its recipient."""
    rows = [
        {"message_id": message_id, "participant_id": participant_id}
        for message_id, named in mentions.items()
        for participant_id in set(named)
    ]
    if rows:
        session.exec(insert(OutboxMention), params=rows)
