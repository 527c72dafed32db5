"""Stories for members and readers: the sharing form behind the answer link, /public/stories.

The form is reached with the member's answer token (as the answer page is): no sign-in, and
nothing changes on a GET. The public page reads `unmentor.stories.published`, which applies
`public_min_people`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.errors import Conflict, InvalidInput, LinkInvalid, NotFound
from unmentor.links.urls import MANAGE_PATH, OUTCOME_PATH
from unmentor.rounds.emails import period_name
from unmentor.settings import Settings
from unmentor.stories import published
from unmentor.stories import service as stories
from unmentor.stories.models import STORY_MAX, Attribution
from unmentor.web.forms import require_csrf
from unmentor.web.rendering import message_page, render, unusable_link_page

STORY_PATH = f"{OUTCOME_PATH}/story"
PUBLIC_PATH = "/public/stories"
# The newest this many: a page, not an archive (the feed carries them onwards).
PUBLIC_LIMIT = 100

router = APIRouter(include_in_schema=False)


def form_context(
    database: Database, settings: Settings, token: str, **overrides: object
) -> dict[str, Any]:
    """What the sharing form shows for this member (LinkInvalid/NotFound if the link is not)."""
    with database.read_session() as session:
        member = stories.for_token(session=session, settings=settings, token=token)
    story = member.story
    context: dict[str, Any] = {
        "token": token,
        "met": member.met,
        "period": period_name(member.period),
        "sector": member.sector,
        "story": story,
        "text": story.text if story else "",
        "attribution": story.attribution.value if story else Attribution.anonymous.value,
        "story_max": STORY_MAX,
        "min_people": settings.public_min_people,
        "error": None,
    }
    context.update(overrides)
    return context


@router.get(STORY_PATH, response_class=HTMLResponse)
def story_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    try:
        context = form_context(database, settings, token)
    except (LinkInvalid, NotFound) as error:
        return unusable_link_page(request, error.message)
    return render(request, "story.html", **context)


@router.post(STORY_PATH, response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def share_story(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=100)] = "",
    # Room for the \r\n a browser sends per line break; the stored text is checked after.
    text: Annotated[str, Form(max_length=2 * STORY_MAX)] = "",
    attribution: Annotated[Attribution, Form()] = Attribution.anonymous,
) -> HTMLResponse:
    try:
        with database.session() as session:
            stories.share(
                session=session,
                settings=settings,
                token=token,
                text=text,
                attribution=attribution,
                now=utcnow(),
            )
    except (LinkInvalid, NotFound) as error:
        return unusable_link_page(request, error.message)
    except InvalidInput as error:
        context = form_context(
            database, settings, token, text=text, attribution=attribution.value, error=error.message
        )
        return render(request, "story.html", status_code=422, **context)
    except Conflict as error:
        return message_page(request, "Not yet", error.message, status_code=409)
    return message_page(
        request,
        "Thank you for your story",
        "An organiser will read it before it appears on the public stories page. You can "
        "change or withdraw it with the same link.",
        link=(PUBLIC_PATH, "Read the published stories"),
    )


@router.post(
    f"{STORY_PATH}/withdraw", response_class=HTMLResponse, dependencies=[Depends(require_csrf)]
)
def withdraw_story(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    try:
        with database.session() as session:
            stories.withdraw(session=session, settings=settings, token=token)
    except (LinkInvalid, NotFound) as error:
        return unusable_link_page(request, error.message)
    return message_page(
        request, "Story withdrawn", "Your story is deleted.", link=(MANAGE_PATH, "Go to my page")
    )


@router.get(PUBLIC_PATH, response_class=HTMLResponse)
def public_stories(request: Request, database: DatabaseDep, settings: SettingsDep) -> HTMLResponse:
    with database.read_session() as session:
        shown = published.approved_stories(
            session=session, min_people=settings.public_min_people, limit=PUBLIC_LIMIT
        )
    return render(request, "public_stories.html", stories=shown)
