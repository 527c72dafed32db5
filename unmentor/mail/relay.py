"""Sends what the outbox holds: at least once, never twice for one key, with backoff on failure.

A message is claimed with a guarded UPDATE before it is sent, so two relays (two workers, the
scheduler and a request) never send the same row at the same time. A relay that dies between
sending and recording sends it again after the claim lapses: at-least-once. The Message-ID is
derived from the idempotency key, so a receiving server can drop such a repeat.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, update
from sqlmodel import select

from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.models import OutboxMessage
from unmentor.mail.transports import Transport

log = logging.getLogger("unmentor.mail")

CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)


@dataclass
class RelayReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 ... minutes, capped at six hours."""
    return min(FIRST_RETRY_AFTER * (2 ** max(attempts - 1, 0)), timedelta(hours=6))


def build_message(row: OutboxMessage, *, sender: str) -> EmailMessage:
    """The email for an outbox row."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["X-Unmentor-Key"] = row.idempotency_key
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "unmentor.local"
    key_hash = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{key_hash}@{domain}>"
    message.set_content(row.body)
    return message


def _claim(database: Database, *, now: datetime, batch: int) -> list[OutboxMessage]:
    with database.session() as session:
        due = session.exec(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.send_after <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(batch)
        ).all()
        claimed = []
        for message_id in due:
            result = session.exec(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.sent_at.is_(None),
                    or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                )
                .values(claimed_until=now + CLAIM_FOR, attempts=OutboxMessage.attempts + 1)
            )
            if result.rowcount == 1:
                claimed.append(message_id)
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))).all())


def _record(database: Database, message_id: int, values: dict) -> None:
    with database.session() as session:
        session.exec(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


def deliver_pending(
    *,
    database: Database,
    transport: Transport,
    sender: str,
    now: datetime | None = None,
    batch: int = 200,
) -> RelayReport:
    """Send every due message once; failures are retried later with backoff, then given up."""
    report = RelayReport()
    now = now or utcnow()
    for row in _claim(database, now=now, batch=batch):
        try:
            transport.send(build_message(row, sender=sender))
        except Exception as error:  # any failure of one email must not stop the others
            gave_up = row.attempts >= MAX_ATTEMPTS
            log.warning(
                "sending %s failed (attempt %d): %s", row.idempotency_key, row.attempts, error
            )
            _record(
                database,
                row.id,
                {
                    "claimed_until": None,
                    "last_error": f"{type(error).__name__}: {error}"[:1000],
                    "send_after": now + retry_delay(row.attempts),
                    "failed_at": now if gave_up else None,
                },
            )
            if gave_up:
                report.failed += 1
            else:
                report.retrying += 1
            continue
        _record(database, row.id, {"sent_at": utcnow(), "claimed_until": None, "last_error": None})
        report.sent += 1
    return report
