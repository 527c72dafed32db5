"""The outbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow

# /metrics counts mail still to send and mail given up on at every scrape: two small partial
# indexes answer both alone, however many sent messages the table keeps. The pending index
# leads with sent_at and failed_at so that SQLite's planner, without statistics, prefers it.
_PENDING = text("sent_at IS NULL AND failed_at IS NULL")
_FAILED = text("failed_at IS NOT NULL")


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index(
            "ix_outbox_message_pending",
            "sent_at",
            "failed_at",
            "created_at",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        Index(
            "ix_outbox_message_failed_at",
            "failed_at",
            sqlite_where=_FAILED,
            postgresql_where=_FAILED,
        ),
    )

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    # One email per key, ever: a retried request or a second relay cannot send it twice.
    idempotency_key: str = Field(max_length=200, unique=True)
    # Erasing a participant erases the mail we hold for them.
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", index=True, ondelete="CASCADE"
    )
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    # JSON of the HTML alternative, extra headers and attached files (mail.compose.Email.parts);
    # None for a plain-text email. Cleared with subject and body once sent.
    parts: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    send_after: datetime = Field(default_factory=utcnow, index=True)
    # A relay claims a message until this time; another relay skips it meanwhile.
    claimed_until: datetime | None = None
    attempts: int = 0
    sent_at: datetime | None = Field(default=None, index=True)
    failed_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)


class OutboxMention(SQLModel, table=True):
    """A participant named in an email to someone else (a partner's introduction, say).

    Erasure reads this to drop or rewrite mail that names the erased person, and to delete
    the copies of it the file transport wrote.
    """

    __tablename__ = "outbox_mention"

    message_id: int = Field(foreign_key="outbox_message.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(
        foreign_key="participant.id", primary_key=True, index=True, ondelete="CASCADE"
    )
