"""Tables for organisations and participants."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum

NAME_MAX = 200
EMAIL_MAX = 320
SECTOR_MAX = 100
# How someone without an organisation is shown wherever an organisation's name would be.
NO_ORGANISATION = "Independent"
# Take part in every round (1), every second (2) or every third (3).
RHYTHMS = (1, 2, 3)


class ParticipantStatus(StrEnum):
    pending = "pending"  # signed up, has not verified their email yet
    active = "active"
    paused = "paused"  # until `paused_until`, then active again
    left = "left"


# SQLite's AUTOINCREMENT: an erased person's id is never given to a newcomer, so anything
# that still names the old id (a kept cookie, a bookmarked URL) cannot reach someone else.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Organisation(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    # Case- and space-folded name: "Devon County Council " and "devon county council" are one.
    name_key: str = Field(max_length=NAME_MAX, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    email: str = Field(max_length=EMAIL_MAX, unique=True, index=True)
    # None: no organisation (a freelancer, an independent), who may meet anyone.
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="RESTRICT"
    )
    sector: str | None = Field(default=None, max_length=SECTOR_MAX)
    status: ParticipantStatus = Field(
        default=ParticipantStatus.pending,
        sa_type=string_enum(ParticipantStatus, "participantstatus_check"),
        index=True,
    )
    paused_until: date | None = None
    joined_on: date | None = None
    # Every how many rounds the person takes part: a monthly round is too often for some.
    rhythm: int = Field(
        default=1,
        sa_column_args=[CheckConstraint("rhythm IN (1, 2, 3)", name="ck_participant_rhythm")],
        sa_column_kwargs={"server_default": "1"},
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
