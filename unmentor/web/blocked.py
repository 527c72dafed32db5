"""Organiser page for never-match lists: see every blocked pair, add one by emails, remove one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.errors import DomainError
from unmentor.sqltypes import MAX_INT
from unmentor.web.flash import flash_redirect
from unmentor.web.forms import require_csrf
from unmentor.web.organiser import HOME, require_organiser_page
from unmentor.web.rendering import render

BLOCKED_PATH = f"{HOME}/blocked"
PER_PAGE = 100

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_organiser_page)])
actions = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_organiser_page), Depends(require_csrf)]
)


def _page(request: Request, database, page: int, status_code: int = 200, **context) -> Response:
    with database.read_session() as session:
        views, total = blocking.list_pairs(
            session=session, participant_id=None, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        )
    context = {"error": None, "error_field": None, "values": {}, **context}
    return render(
        request,
        "organiser_blocked.html",
        status_code=status_code,
        pairs=views,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        **context,
    )


@pages.get(BLOCKED_PATH, response_class=HTMLResponse)
def blocked_page(
    request: Request,
    database: DatabaseDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return _page(request, database, page)


@actions.post(BLOCKED_PATH, response_class=HTMLResponse)
def add_pair(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    asker: Annotated[str, Form(max_length=2000)] = "",
    other: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        with database.session() as session:
            first = blocking.participant_by_email(session=session, email=asker, field="asker")
            second = blocking.participant_by_email(session=session, email=other, field="other")
            blocking.create_pair(
                session=session, participant_id=first.id, other_id=second.id, now=utcnow()
            )
            text = f"{first.name} and {second.name} will never be put in the same group."
    except DomainError as error:
        values = {"asker": asker, "other": other}
        field = getattr(error, "field", None)
        return _page(
            request,
            database,
            1,
            status_code=422,
            error=error.message,
            error_field=field,
            values=values,
        )
    return flash_redirect(request, BLOCKED_PATH, text)


@actions.post(f"{BLOCKED_PATH}/remove")
def remove_pair(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    pair_id: Annotated[int, Form(ge=1, le=MAX_INT)],
) -> Response:
    with database.session() as session:
        blocking.delete_pair(session=session, pair_id=pair_id)
    text = "Removed from the never-match list: those two may be grouped together again."
    return flash_redirect(request, BLOCKED_PATH, text)
