"""JSON routes for organisers: the stories waiting for review, and approving or rejecting one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from unmentor.api.deps import DatabaseDep, OrganiserOnly, PathId, StrictQuery
from unmentor.api.errors import error_responses
from unmentor.clock import utcnow
from unmentor.people.schemas import Page
from unmentor.stories import service
from unmentor.stories.models import StoryStatus
from unmentor.stories.schemas import StoryEdit, StoryForOrganisers

StoryId = PathId
organiser = APIRouter(
    prefix="/api/v1",
    tags=["stories"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)


@organiser.get("/stories", response_model=Page[StoryForOrganisers])
def list_stories(
    database: DatabaseDep,
    status: Annotated[StoryStatus | None, Query(description="Only stories in this state.")] = None,
    page: Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
) -> Page[StoryForOrganisers]:
    """Stories members shared, pending first (oldest first), then the rest newest first."""
    with database.read_session() as session:
        reviews, total = service.list_for_review(
            session=session, status=status, limit=per_page, offset=(page - 1) * per_page
        )
        return Page(
            items=[StoryForOrganisers.of(r) for r in reviews],
            total=total,
            page=page,
            per_page=per_page,
        )


@organiser.patch(
    "/stories/{story_id}", response_model=StoryForOrganisers, responses=error_responses(404)
)
def edit_story(story_id: StoryId, data: StoryEdit, database: DatabaseDep) -> StoryForOrganisers:
    """Replace the text (to take a name out, say); the status stays as it was."""
    with database.session() as session:
        service.edit(session=session, story_id=story_id, text=data.text, now=utcnow())
        return StoryForOrganisers.of(service.review_of(session=session, story_id=story_id))


@organiser.post(
    "/stories/{story_id}/approve",
    response_model=StoryForOrganisers,
    responses=error_responses(404),
)
def approve_story(story_id: StoryId, database: DatabaseDep) -> StoryForOrganisers:
    """Publish the story on /public/stories (when the scheme and its round are large enough)."""
    with database.session() as session:
        service.approve(session=session, story_id=story_id, now=utcnow())
        return StoryForOrganisers.of(service.review_of(session=session, story_id=story_id))


@organiser.post(
    "/stories/{story_id}/reject", response_model=StoryForOrganisers, responses=error_responses(404)
)
def reject_story(story_id: StoryId, database: DatabaseDep) -> StoryForOrganisers:
    """Never show the story (taking it down if it was shown)."""
    with database.session() as session:
        service.reject(session=session, story_id=story_id, now=utcnow())
        return StoryForOrganisers.of(service.review_of(session=session, story_id=story_id))
