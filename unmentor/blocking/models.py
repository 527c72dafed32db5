"""The blocked-pair table: one row per "never introduce me to ..." request.

A row keeps who asked (`participant_id`), because it is theirs to see and remove, and the
other person never learns of it. Matching reads the pair unordered. A participant may type
an email that belongs to nobody (the page must not tell them whether it does): the row then
holds the typed address alone, and applies as soon as someone with that address takes part.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.people.models import EMAIL_MAX, NEVER_REUSE_IDS
from unmentor.sqltypes import string_enum


class BlockSource(StrEnum):
    participant = "participant"  # on /me
    organiser = "organiser"  # through the API or the organiser page
    imported = "import"  # from a spreadsheet


class BlockedPair(SQLModel, table=True):
    __tablename__ = "blocked_pair"
    __table_args__ = (
        UniqueConstraint("participant_id", "other_id", name="uq_blocked_pair_other"),
        UniqueConstraint("participant_id", "other_email", name="uq_blocked_pair_email"),
        CheckConstraint(
            "other_id IS NOT NULL OR other_email IS NOT NULL", name="ck_blocked_pair_names_someone"
        ),
        CheckConstraint(
            "other_id IS NULL OR other_id <> participant_id", name="ck_blocked_pair_self"
        ),
        # An id in an API path never comes to name another row once this one is deleted.
        NEVER_REUSE_IDS,
    )

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    # Who asked. Erasing them removes their requests.
    # (No index of its own: the unique constraints lead with it.)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    # Whom they never want to meet, when known as a participant; erasing them removes the row.
    other_id: int | None = Field(
        default=None, foreign_key="participant.id", index=True, ondelete="CASCADE"
    )
    # The address the asker typed, kept so that their own list shows exactly what they typed
    # (and nothing they could not already know); None when picked from their past partners.
    other_email: str | None = Field(default=None, max_length=EMAIL_MAX, index=True)
    source: BlockSource = Field(sa_type=string_enum(BlockSource, "blocksource_check"))
    created_at: datetime = Field(default_factory=utcnow)
