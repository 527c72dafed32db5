"""The story table: one member's few sentences about one conversation, and its review.

A story belongs to a round member (the composite key round_id + participant_id + chance of
round_member: a member of a second-chance group has a row, and a conversation, of its own):
when that membership goes, the story goes with it. A story also goes when any
other member of that group is erased (unmentor.privacy.holdings), since it is about them too.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.people.models import NEVER_REUSE_IDS
from unmentor.sqltypes import string_enum

# A few sentences: room for what happened, too little for a life story with names in it.
STORY_MAX = 600


class StoryStatus(StrEnum):
    pending = "pending"  # waiting for an organiser
    approved = "approved"  # shown on /public/stories
    rejected = "rejected"  # never shown


class Attribution(StrEnum):
    sector = "sector"  # "a participant from <their sector>", if enough share it
    anonymous = "anonymous"  # no attribution at all


class Story(SQLModel, table=True):
    __table_args__ = (
        # One story per member per round: a second one replaces the first while pending.
        UniqueConstraint("round_id", "participant_id", "chance", name="uq_story_once_per_member"),
        # Erasing the author, or deleting the round, removes their membership and so the story.
        ForeignKeyConstraint(
            ["round_id", "participant_id", "chance"],
            ["round_member.round_id", "round_member.participant_id", "round_member.chance"],
            name="fk_story_round_member",
            ondelete="CASCADE",
        ),
        # Feed readers and the API know a story by its id: never given to another story.
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int
    participant_id: int = Field(index=True)
    # The member's group: 1 for the round's first groups, 2 for a second-chance group.
    chance: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The text as it stands: the member's words, or the organiser's edit of them (the
    # original is not kept, since an edit usually removes a name).
    text: str = Field(max_length=STORY_MAX)
    attribution: Attribution = Field(sa_type=string_enum(Attribution, "storyattribution_check"))
    status: StoryStatus = Field(
        default=StoryStatus.pending,
        sa_type=string_enum(StoryStatus, "storystatus_check"),
        index=True,
    )
    edited: bool = False  # an organiser changed the text
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # When an organiser approved or rejected it; None while pending.
    decided_at: datetime | None = None
