"""Tables for organisations and participants."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, func
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum

NAME_MAX = 200
EMAIL_MAX = 320
SECTOR_MAX = 100
DOMAIN_MAX = 255
NOTICE_VERSION_MAX = 64
FREE_TIMES_MAX = 100
TIME_ZONE_MAX = 64
# "About me": one line, short enough to sit under a name in an introduction.
ABOUT_ME_MAX = 140
# How someone without an organisation is shown wherever an organisation's name would be.
NO_ORGANISATION = "Independent"
# Take part in every round (1), every second (2) or every third (3).
RHYTHMS = (1, 2, 3)


class ParticipantStatus(StrEnum):
    pending = "pending"  # signed up, has not verified their email yet
    active = "active"
    paused = "paused"  # until `paused_until`, then active again
    left = "left"


# Confirmed their address and not left: they take part (or will again after a pause).
TAKING_PART = (ParticipantStatus.active, ParticipantStatus.paused)


# SQLite's AUTOINCREMENT: an erased person's id is never given to a newcomer, so anything
# that still names the old id (a kept cookie, a bookmarked URL) cannot reach someone else.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Organisation(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    # Case- and space-folded name: "Devon County Council " and "devon county council" are one.
    name_key: str = Field(max_length=NAME_MAX, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # A department inside a council, a trust inside an NHS system: `separate_by = "parent"`
    # keeps everyone under one parent apart.
    parent_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="SET NULL"
    )
    # Set when this organisation was merged into another: the row stays as an alias, so that
    # someone who types the old spelling joins the organisation it was merged into, and so that
    # a split can restore it. Deleting the organisation merged into deletes its aliases.
    merged_into_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )


class Participant(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
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
    # Usual free half-days, 'mon-am,thu-pm' (unmentor.people.free_times); None: not given.
    free_times: str | None = Field(default=None, max_length=FREE_TIMES_MAX)
    # An IANA zone name; None: the time_zone setting.
    time_zone: str | None = Field(default=None, max_length=TIME_ZONE_MAX)
    # Every how many rounds the person takes part: a monthly round is too often for some.
    rhythm: int = Field(
        default=1,
        sa_column_args=[CheckConstraint("rhythm IN (1, 2, 3)", name="ck_participant_rhythm")],
        sa_column_kwargs={"server_default": "1"},
    )
    # A one-line profile in the person's own words, shown to their groupmates; None: not given.
    about_me: str | None = Field(default=None, max_length=ABOUT_ME_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Which privacy notice the sign-up page showed (a hash of its text); None before notices.
    privacy_notice_version: str | None = Field(default=None, max_length=NOTICE_VERSION_MAX)


# The organiser's directory lists people by name ignoring case: without this index a page of
# 100,000 people sorts them all (180 ms on SQLite; 2 ms with it).
Index("ix_participant_name_lower", func.lower(Participant.name))


class OrganisationDomain(SQLModel, table=True):
    """An email domain owned by an organisation: newcomers with that domain are offered it."""

    __tablename__ = "organisation_domain"

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    domain: str = Field(max_length=DOMAIN_MAX, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class OrganisationMerge(SQLModel, table=True):
    """One merge of `source` into `target`, kept so the organiser can see it and undo it."""

    __tablename__ = "organisation_merge"

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    # Names as they were at the merge, for the record even if either is renamed later.
    source_name: str = Field(max_length=NAME_MAX)
    target_name: str = Field(max_length=NAME_MAX)
    moved: int = 0
    merged_at: datetime = Field(default_factory=utcnow)
    split_at: datetime | None = None


class OrganisationMergeMember(SQLModel, table=True):
    """Who a merge moved: a split moves exactly these people back (those still there)."""

    __tablename__ = "organisation_merge_member"

    merge_id: int = Field(foreign_key="organisation_merge.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(
        foreign_key="participant.id", primary_key=True, index=True, ondelete="CASCADE"
    )
