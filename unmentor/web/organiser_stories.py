"""Organiser page for stories: read each before it is public; edit, approve or reject it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep, PathId, SettingsDep
from unmentor.clock import utcnow
from unmentor.stories import published
from unmentor.stories import service as stories
from unmentor.stories.models import STORY_MAX, StoryStatus
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, require_organiser_page
from unmentor.web.rendering import render, see_other

STORIES_PATH = f"{HOME}/stories"
PER_PAGE = 200

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)
StoryId = PathId
# Room for the \r\n a browser sends per line break; the stored text is checked after.
StoryText = Annotated[str, Form(max_length=2 * STORY_MAX)]


@pages.get(STORIES_PATH, response_class=HTMLResponse)
def stories_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    status: Annotated[StoryStatus | None, Query()] = None,
    done: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    with database.read_session() as session:
        reviews, total = stories.list_for_review(session=session, status=status, limit=PER_PAGE)
        public = published.scheme_is_public(session=session, min_people=settings.public_min_people)
    return render(
        request,
        "organiser_stories.html",
        reviews=reviews,
        total=total,
        status=status.value if status else None,
        statuses=[s.value for s in StoryStatus],
        story_max=STORY_MAX,
        public=public,
        min_people=settings.public_min_people,
        done=done,
    )


@actions.post(f"{STORIES_PATH}/{{story_id}}/edit")
def edit_story(database: DatabaseDep, story_id: StoryId, text: StoryText = "") -> Response:
    with database.session() as session:
        stories.edit(session=session, story_id=story_id, text=text, now=utcnow())
    return see_other(f"{STORIES_PATH}?done={story_id}#story-{story_id}")


@actions.post(f"{STORIES_PATH}/{{story_id}}/approve")
def approve_story(database: DatabaseDep, story_id: StoryId, text: StoryText = "") -> Response:
    # The form sends the text as it stands in the box: approving publishes what was read.
    with database.session() as session:
        stories.approve(session=session, story_id=story_id, text=text or None, now=utcnow())
    return see_other(f"{STORIES_PATH}?done={story_id}#story-{story_id}")


@actions.post(f"{STORIES_PATH}/{{story_id}}/reject")
def reject_story(database: DatabaseDep, story_id: StoryId) -> Response:
    with database.session() as session:
        stories.reject(session=session, story_id=story_id, now=utcnow())
    return see_other(f"{STORIES_PATH}?done={story_id}#story-{story_id}")
