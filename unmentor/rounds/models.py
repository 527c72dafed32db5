"""Tables for rounds, their members (grouped by number) and who sat out.

A group is the set of members of a round sharing a `group_no`; there is no group table, so a
round of 100,000 people is one bulk insert of member rows rather than two dependent ones.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum


class Outcome(StrEnum):
    met = "met"
    not_met = "not_met"
    unconfirmed = "unconfirmed"  # the round closed without an answer


class NotMetReason(StrEnum):
    no_reply = "no_reply"  # the partner didn't reply
    no_time = "no_time"  # we couldn't find a time
    cancelled = "cancelled"
    other = "other"


# A sentence or two: long enough to say what went wrong, short enough to read a round's worth.
COMMENT_MAX = 500


class Round(SQLModel, table=True):
    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    # One round per period, enforced here: two schedulers or a retry cannot make a second.
    period: str = Field(max_length=20, unique=True)
    starts_on: date
    reminder_on: date
    closes_on: date
    seed: int
    formed_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class SecondChance(StrEnum):
    """A member's request for someone else this round (see rounds/rematch.py)."""

    waiting = "waiting"  # asked; nobody compatible has asked yet
    found = "found"  # placed in a second-chance group of the same round
    not_found = "not_found"  # the rematch day passed without a partner; they were told


FIRST_CHANCE = 1
SECOND_CHANCE = 2


class RoundMember(SQLModel, table=True):
    __tablename__ = "round_member"
    __table_args__ = (
        # Nobody is in two groups of one round, except once more in a second-chance group:
        # the first group stays on record (its red line matters to organisers).
        UniqueConstraint(
            "round_id", "participant_id", "chance", name="uq_round_member_once_per_chance"
        ),
        Index("ix_round_member_group", "round_id", "group_no"),
    )

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE")
    group_no: int
    # Erasing a participant removes them from every round, pictures included.
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    # The member's own answer; None while the round is open and they have not answered.
    outcome: Outcome | None = Field(default=None, sa_type=string_enum(Outcome, "outcome_check"))
    reason: NotMetReason | None = Field(
        default=None, sa_type=string_enum(NotMetReason, "notmetreason_check")
    )
    # Free text with a not-met answer, for organisers only (it may name the partner).
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    answered_at: datetime | None = None
    reminded_at: datetime | None = None
    # The 30-minute slot (UTC) the group picked; the same on every member of the group.
    meeting_at: datetime | None = None
    # 1 for the groups a round is formed with, 2 for second-chance groups (every member of a
    # group has the same chance): answer and pick links carry it, so old links keep working.
    chance: int = Field(default=FIRST_CHANCE, sa_column_kwargs={"server_default": "1"})
    # On the row the member asked from: their request for someone else, and when they asked.
    second_chance: SecondChance | None = Field(
        default=None, sa_type=string_enum(SecondChance, "secondchance_check")
    )
    second_chance_asked_at: datetime | None = None
    # When a second-chance group was formed (None in first groups: the round's formed_at);
    # times are suggested from then.
    joined_at: datetime | None = None

    def group_formed_at(self, round_: Round) -> datetime:
        """When this member's group was formed: times are suggested from the day after."""
        return self.joined_at or round_.formed_at


class RoundSitOut(SQLModel, table=True):
    """Someone active who could not be placed in a round; they get priority next time."""

    __tablename__ = "round_sitout"

    round_id: int = Field(foreign_key="round.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(
        foreign_key="participant.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    reason: str = Field(max_length=300)
