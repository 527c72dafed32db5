"""Sends what the outbox holds: at least once, never twice for one key, with backoff on failure.

One run opens the transport once (one SMTP connection) and sends message after message until
nothing is due or `run_seconds` have passed. Each message is claimed on its own, with a guarded
UPDATE, just before it is sent, and the transaction that records it as sent also claims the
next one (on PostgreSQL a single statement): one short transaction per message, and two relays
(two scheduler processes, or `unmentor mail send` beside the scheduler) never send the same
row at the same time.

A relay killed between handing a message over and recording it sends that one message again
once its claim lapses (after CLAIM_FOR): at-least-once, and at most the message in flight. The
repeat carries the same Message-ID, derived from the idempotency key, so a receiving server or
mail client can recognise it as the same email.

Once sent, a message's subject and body are cleared: the outbox keeps the key (so the email is
never queued again), the recipient and the times, not an archive of what people were sent.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection, Row, bindparam, inspect, or_, select, update
from sqlmodel import col

from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.compose import read_parts
from unmentor.mail.models import OutboxMessage
from unmentor.mail.transports import Transport, TransportUnavailable

log = logging.getLogger("unmentor.mail")

# Longer than one message can take (each SMTP step is bounded by smtp_timeout_seconds).
CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)
# Due ids are read this many at a time; each is still claimed on its own before it is sent.
LOOKAHEAD = 500
# How long the relay queues for SQLite's write lock behind requests before it gives up: longer
# than a request would (the relay is in no hurry), well within its claim on the message.
GATE_WAIT = 60.0

_m = OutboxMessage
_CLAIMED = (
    col(_m.id),
    col(_m.idempotency_key),
    col(_m.to_address),
    col(_m.subject),
    col(_m.body),
    col(_m.parts),
    col(_m.attempts),
)


@dataclass
class RelayReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # The run stopped at its time bound (or was asked to stop) with mail perhaps still due.
    more_due: bool = False
    # Why the transport could not send at all; the run stopped there and should back off.
    unavailable: str | None = None

    def add(self, other: RelayReport) -> None:
        """Fold a later run's report into this one."""
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.more_due = other.more_due
        self.unavailable = other.unavailable


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 ... minutes, capped at six hours."""
    return min(FIRST_RETRY_AFTER * (2 ** max(attempts - 1, 0)), timedelta(hours=6))


def build_message(row: Any, *, sender: str) -> EmailMessage:
    """The email for an outbox row (an OutboxMessage or a row with the same fields)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["X-Unmentor-Key"] = row.idempotency_key
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "unmentor.local"
    key_hash = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{key_hash}@{domain}>"
    html, headers, attachments = read_parts(getattr(row, "parts", None))
    for name, value in headers:
        message[name] = value
    message.set_content(row.body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, rest = item.content_type.partition("/")
        subtype, *params = (piece.strip() for piece in rest.split(";"))
        # A calendar file rides along as an attachment: clients offer "add to calendar".
        message.add_attachment(
            item.content.encode(),
            maintype=maintype,
            subtype=subtype,
            filename=item.filename,
            params=dict(param.split("=", 1) for param in params if "=" in param),
        )
    # Left to itself, the email package draws each MIME boundary from the `random` module's
    # global state while sending: shared with everything else in the process, and a repeat of
    # the same email would differ. A boundary made from the key keeps repeats byte-identical.
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"unmentor-{key_hash}-{number}")
    return message


# The statements are built once: one short transaction per message is the relay's whole
# database cost, and building SQLAlchemy constructs each time would be most of it.
_NOW = bindparam("now", type_=inspect(OutboxMessage).columns["send_after"].type)
_DUE = (
    col(_m.sent_at).is_(None),
    col(_m.failed_at).is_(None),
    _m.send_after <= _NOW,
    or_(col(_m.claimed_until).is_(None), col(_m.claimed_until) < _NOW),
)
_DUE_IDS = select(col(_m.id)).where(*_DUE).order_by(col(_m.send_after), col(_m.id)).limit(LOOKAHEAD)
# Still due: another relay may have claimed or sent it since its id was read ahead. On
# PostgreSQL a row another relay is claiming right now is skipped, not waited for, so two relays
# never wait on each other's rows (no lock waits, no deadlocks); SQLite has one writer anyway.
_CLAIM = (
    update(_m)
    .where(
        col(_m.id)
        == select(col(_m.id))
        .where(col(_m.id) == bindparam("message_id"), *_DUE)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    .values(claimed_until=bindparam("claim_until"), attempts=_m.attempts + 1)
    .returning(*_CLAIMED)
)
# Subject and body go once sent: the outbox is not an archive of what people were sent.
_RECORD_SENT = (
    update(_m)
    .where(col(_m.id) == bindparam("done_id"))
    .values(
        sent_at=bindparam("sent"),
        claimed_until=None,
        last_error=None,
        subject="",
        body="",
        parts=None,
    )
)
_RECORD_FAILURE = (
    update(_m)
    .where(col(_m.id) == bindparam("done_id"))
    .values(
        claimed_until=None,
        last_error=bindparam("error"),
        send_after=bindparam("retry_at"),
        failed_at=bindparam("gave_up_at"),
    )
)
# On PostgreSQL, recording one message and claiming the next is one statement, sent in
# autocommit mode: one round trip per message instead of four (BEGIN, two UPDATEs, COMMIT),
# and still all or nothing.
_THEN_CLAIM = {
    id(record): _CLAIM.add_cte(record.returning(col(_m.id)).cte("done"))
    for record in (_RECORD_SENT, _RECORD_FAILURE)
}


def _due_ids(connection: Connection, now: datetime) -> deque[int]:
    return deque(connection.execute(_DUE_IDS, {"now": now}).scalars())


class _Claimer:
    """Claims due messages one at a time, reading their ids ahead in batches."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.ahead: deque[int] = deque()

    def next(self, connection: Connection, after: _Outcome | None = None) -> Row | None:
        """Record `after` (the message just tried), then claim the next due message, if any.

        Both happen in `connection`'s transaction, or on PostgreSQL in one statement.
        """
        if after is not None and connection.dialect.name != "postgresql":
            connection.execute(after.statement, after.values)
            after = None
        refilled = False
        while True:
            if not self.ahead:
                if not refilled:
                    self.ahead = _due_ids(connection, self.now())
                    refilled = True
                if not self.ahead:
                    if after is not None:  # nothing to claim: record it on its own
                        connection.execute(after.statement, after.values)
                    return None
            now = self.now()
            claim = {
                "message_id": self.ahead.popleft(),
                "now": now,
                "claim_until": now + CLAIM_FOR,
            }
            if after is None:
                claimed = connection.execute(_CLAIM, claim).first()
            else:
                statement = _THEN_CLAIM[id(after.statement)]
                claimed = connection.execute(statement, {**after.values, **claim}).first()
                after = None
            if claimed is not None:
                return claimed


@dataclass
class _Outcome:
    statement: Any
    values: dict
    kind: str  # "sent", "retrying" or "failed"
    unavailable: str | None = None


def deliver_pending(
    *,
    database: Database,
    transport: Transport,
    sender: str,
    run_seconds: float = 60.0,
    now: datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
    stop: threading.Event | None = None,
) -> RelayReport:
    """Send due messages over one opened transport until none is due or `run_seconds` pass.

    A message that fails is retried later with backoff and given up after MAX_ATTEMPTS; when
    the transport is unavailable (server down or hung) the run stops at once. `now` fixes the
    time the outbox is read at (for tests); `clock` measures the run's duration. The run keeps
    one database connection, outside any transaction between messages: give it a `database`
    of its own so that it takes nothing from a pool that requests draw on.
    """
    report = RelayReport()
    with database.read_engine.connect() as connection:
        if not _due_ids(connection, now or utcnow()):
            return report  # the usual idle poll: no write lock, no connection to the server
    try:
        transport.open()
    except TransportUnavailable as error:
        log.warning("mail transport unavailable, the outbox waits: %s", error)
        report.unavailable = str(error)
        return report
    started = clock()
    claimer = _Claimer(lambda: now or utcnow())
    try:
        with database.engine.connect() as connection, _cheap_commits(connection):
            with database.write_gate(GATE_WAIT), connection.begin():
                row = claimer.next(connection)
            while row is not None:
                outcome = _send(transport, row, sender, now or utcnow())
                setattr(report, outcome.kind, getattr(report, outcome.kind) + 1)
                report.unavailable = outcome.unavailable
                out_of_time = clock() - started >= run_seconds or bool(stop and stop.is_set())
                with database.write_gate(GATE_WAIT), connection.begin():
                    if outcome.unavailable or out_of_time:
                        connection.execute(outcome.statement, outcome.values)
                        report.more_due = out_of_time and not outcome.unavailable
                        break
                    row = claimer.next(connection, after=outcome)
    finally:
        transport.close()
    return report


@contextmanager
def _cheap_commits(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, autocommit each statement, without waiting for the WAL to reach the disk.

    Every statement the relay makes is whole on its own (a claim, a record, or both at once),
    and a flush per message would cost more than the message. Commits stay atomic and visible
    at once, so claims still exclude other relays and a killed relay still repeats at most one
    message; only a crash of the database server itself may forget the last moments of
    records, and then those messages go again: at-least-once, as SQLite's synchronous=NORMAL.
    """
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execution_options(isolation_level="AUTOCOMMIT")  # reset when pooled again
        connection.exec_driver_sql("SET synchronous_commit TO OFF")
        connection.commit()  # ends SQLAlchemy's own notion of a transaction, nothing more
    try:
        yield
    finally:
        if postgres:
            try:
                connection.rollback()
                connection.exec_driver_sql("RESET synchronous_commit")
                connection.commit()
            except Exception:  # a broken connection: drop it rather than pool the setting
                connection.invalidate()


def _send(transport: Transport, row: Row, sender: str, now: datetime) -> _Outcome:
    """Try to send `row`; what to record for it, and why the transport failed, if it did."""
    try:
        transport.send(build_message(row, sender=sender))
    except TransportUnavailable as error:
        log.warning("mail transport failed while sending %s: %s", row.idempotency_key, error)
        return _failure(row, error, now, unavailable=str(error))
    except Exception as error:  # any failure of one email must not stop the others
        log.warning("sending %s failed (attempt %d): %s", row.idempotency_key, row.attempts, error)
        return _failure(row, error, now)
    return _Outcome(_RECORD_SENT, {"done_id": row.id, "sent": now}, "sent")


def _failure(row: Row, error: BaseException, now: datetime, unavailable=None) -> _Outcome:
    gave_up = row.attempts >= MAX_ATTEMPTS
    values = {
        "done_id": row.id,
        "error": f"{type(error).__name__}: {error}"[:1000],
        "retry_at": now + retry_delay(row.attempts),
        "gave_up_at": now if gave_up else None,
    }
    return _Outcome(_RECORD_FAILURE, values, "failed" if gave_up else "retrying", unavailable)
