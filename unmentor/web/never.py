"""The "never introduce me to ..." part of /me: add a past partner or an address, remove one.

Whatever is typed, the answer is the same redirect and the same notice: the page must not
tell anyone whether an address belongs to a participant.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep
from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.errors import InvalidInput
from unmentor.links.urls import MANAGE_PATH
from unmentor.sqltypes import MAX_INT
from unmentor.web.forms import require_csrf
from unmentor.web.pages import ParticipantIdDep
from unmentor.web.rendering import message_page, see_other

NEVER_PATH = f"{MANAGE_PATH}/never"
posts = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])


@posts.post(NEVER_PATH, response_class=HTMLResponse)
def add(
    request: Request,
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    other_id: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
    email: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    now = utcnow()
    try:
        with database.session() as session:
            if other_id is not None:
                blocking.block_partner(
                    session=session, participant_id=participant_id, other_id=other_id, now=now
                )
            elif email.strip():
                blocking.block_email(
                    session=session, participant_id=participant_id, email=email, now=now
                )
            else:
                raise InvalidInput("Choose someone or type an email address.", field="email")
    except InvalidInput as error:
        return message_page(
            request,
            "Nothing was added",
            error.message,
            status_code=422,
            link=(f"{MANAGE_PATH}#never", "Back"),
        )
    return see_other(f"{MANAGE_PATH}?never=added#never")


@posts.post(f"{NEVER_PATH}/remove")
def remove(
    participant_id: ParticipantIdDep,
    database: DatabaseDep,
    entry_id: Annotated[int, Form(ge=1, le=MAX_INT)],
) -> Response:
    with database.session() as session:
        blocking.remove_own(session=session, participant_id=participant_id, entry_id=entry_id)
    return see_other(f"{MANAGE_PATH}?never=removed#never")
