"""What the stories API accepts and returns (organisers only: it names the authors)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from unmentor.stories.models import STORY_MAX, Attribution, StoryStatus
from unmentor.stories.service import StoryReview


class StoryForOrganisers(BaseModel):
    id: int
    round: int = Field(description="The round's number.")
    period: str = Field(description="The round's month, e.g. 2026-11.")
    text: str = Field(description="The text as it stands (after any organiser edit).")
    attribution: Attribution = Field(
        description="sector: 'a participant from <sector>' (when enough share it); "
        "anonymous: no attribution."
    )
    status: StoryStatus
    edited: bool = Field(description="An organiser changed the text.")
    author_id: int
    author: str = Field(description="The author's name: never shown in public.")
    partners: list[str] = Field(description="The other members of the conversation.")
    names_found: list[str] = Field(
        description="Names of the group's people or organisations the text seems to hold."
    )
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None = Field(description="When it was approved or rejected.")

    @classmethod
    def of(cls, review: StoryReview) -> StoryForOrganisers:
        story = review.story
        return cls(
            id=story.id,
            round=review.round_number,
            period=review.period,
            text=story.text,
            attribution=story.attribution,
            status=story.status,
            edited=story.edited,
            author_id=story.participant_id,
            author=review.author,
            partners=review.partners,
            names_found=review.names_found,
            created_at=story.created_at,
            updated_at=story.updated_at,
            decided_at=story.decided_at,
        )


class StoryEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2 * STORY_MAX, description=f"At most {STORY_MAX} characters.")
