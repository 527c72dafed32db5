"""The "pick a time" page of an introduction: a form to press, never a GET that acts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from unmentor.api.deps import DatabaseDep, SettingsDep
from unmentor.clock import utcnow
from unmentor.errors import LinkInvalid
from unmentor.links.urls import MANAGE_PATH, PICK_TIME_PATH
from unmentor.mail.compose import in_prose
from unmentor.rounds import picking
from unmentor.rounds.emails import period_name
from unmentor.rounds.times import slot_key
from unmentor.web.forms import require_csrf
from unmentor.web.rendering import message_page, render, unusable_link_page

router = APIRouter(include_in_schema=False)


@router.get(PICK_TIME_PATH, response_class=HTMLResponse)
def pick_page(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    try:
        with database.read_session() as session:
            choice = picking.choice_for_token(session=session, settings=settings, token=token)
    except LinkInvalid as error:
        return unusable_link_page(request, error.message)
    if choice.round.closed_at is not None:
        return message_page(
            request,
            "This round is closed",
            "Times for this round can no longer be picked.",
            status_code=409,
        )
    return render(
        request,
        "pick_time.html",
        token=token,
        partners=in_prose([other.name for other in choice.others]) or "your partner",
        period=period_name(choice.round.period),
        slots=[(slot_key(slot), choice.in_words(slot)) for slot in choice.slots],
        picked=choice.in_words(choice.picked) if choice.picked else None,
        picked_key=slot_key(choice.picked) if choice.picked else None,
        manage_path=MANAGE_PATH,
    )


@router.post(PICK_TIME_PATH, response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def pick_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=100)] = "",
    slot: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    with database.session() as session:
        choice, chosen = picking.pick_time(
            session=session, settings=settings, token=token, slot=slot, now=utcnow()
        )
    names = in_prose([other.name for other in choice.others]) or "your partner"
    return message_page(
        request,
        "Time picked",
        f"{choice.in_words(chosen)}: we are emailing it to you and {names}, with a calendar file.",
    )
