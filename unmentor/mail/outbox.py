"""Putting email in the outbox, inside the caller's transaction.

Nothing is sent here: if the transaction rolls back, the email never existed; if it commits,
the relay will send it even if this process dies a moment later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from unmentor.mail.compose import Email
from unmentor.mail.models import OutboxMention, OutboxMessage


def _adding(insert):
    return (
        insert(OutboxMessage)
        .values(
            idempotency_key=bindparam("message_key"),
            participant_id=bindparam("message_participant"),
            to_address=bindparam("message_to"),
            subject=bindparam("message_subject"),
            body=bindparam("message_body"),
            parts=bindparam("message_parts"),
            created_at=bindparam("message_now"),
            send_after=bindparam("message_now"),
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )


# Built once per dialect and run as plain SQL: every sign-up, answer reminder and introduction
# comes through here, and the ORM's unit of work would cost more than the insert itself.
_ADD = {"postgresql": _adding(postgresql.insert), "sqlite": _adding(sqlite.insert)}


def enqueue(
    *,
    session: Session,
    idempotency_key: str,
    to_address: str,
    email: Email,
    participant_id: int | None,
    now: datetime,
    mentions: Iterable[int] = (),
) -> int | None:
    """Add an email to the outbox unless one with the same key is already there.

    Returns the new message's id, or None when the key was taken (a retried request, say).
    `mentions` are the participants the email names besides its recipient, so that erasing
    one of them finds this email too.
    """
    connection = session.connection()
    message_id = connection.execute(
        _ADD[connection.dialect.name],
        {
            "message_key": idempotency_key,
            "message_participant": participant_id,
            "message_to": to_address,
            "message_subject": email.subject,
            "message_body": email.body,
            "message_parts": email.parts(),
            "message_now": now,
        },
    ).scalar_one_or_none()
    if message_id is not None:
        record_mentions(session=session, mentions={message_id: mentions})
    return message_id


def record_mentions(*, session: Session, mentions: dict[int, Iterable[int]]) -> None:
    """Note who each message (by id) names besides its recipient."""
    rows = [
        {"message_id": message_id, "participant_id": participant_id}
        for message_id, named in mentions.items()
        for participant_id in set(named)
    ]
    if rows:
        session.exec(insert(OutboxMention), params=rows)
